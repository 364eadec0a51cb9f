// Building DOM without HTML strings: every text from the API lands as a text node, so an
// article or claim can never inject markup.

const PROPERTIES = new Set(["value", "checked", "disabled", "hidden", "selected", "open", "type", "id",
  "name", "href", "title", "placeholder", "required", "tabIndex", "htmlFor", "min", "max", "step",
  "rows", "autocomplete", "readOnly", "multiple", "colSpan"]);

export function h(tag, props, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "class") element.className = Array.isArray(value) ? value.filter(Boolean).join(" ") : value;
    else if (name === "on") for (const [event, handler] of Object.entries(value)) element.addEventListener(event, handler);
    else if (name === "dataset") Object.assign(element.dataset, value);
    else if (name === "text") element.textContent = String(value);
    else if (PROPERTIES.has(name)) element[name] = value;
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  append(element, children);
  return element;
}

export function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

export function clear(element) {
  element.replaceChildren();
  return element;
}

const SVG = "http://www.w3.org/2000/svg";

export function svg(tag, attrs, ...children) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null) continue;
    if (name === "text") element.textContent = String(value);
    else element.setAttribute(name, String(value));
  }
  for (const child of children.flat(Infinity)) if (child) element.append(child);
  return element;
}

let unique = 0;
export function uid(prefix = "f") {
  unique += 1;
  return `${prefix}-${unique}`;
}

// A labelled form field: the label, the control, and a slot for its error message.
export function field(labelText, control, { hint, error } = {}) {
  control.id ||= uid("field");
  const errorId = `${control.id}-error`;
  const hintId = hint ? `${control.id}-hint` : null;
  const message = h("p", { class: "field-error", id: errorId, hidden: !error, text: error || "" });
  control.setAttribute("aria-describedby", [hintId, errorId].filter(Boolean).join(" "));
  return h("div", { class: "field" },
    h("label", { htmlFor: control.id, text: labelText }),
    hint ? h("p", { class: "hint", id: hintId, text: hint }) : null,
    control, message);
}

export function setFieldError(control, message) {
  const slot = document.getElementById(`${control.id}-error`);
  control.setAttribute("aria-invalid", message ? "true" : "false");
  if (slot) {
    slot.textContent = message || "";
    slot.hidden = !message;
  }
}

// Puts an API error's field messages beside the controls they name; true when any was shown.
export function showFieldErrors(fieldErrors, controls) {
  let shown = false;
  for (const [name, messages] of Object.entries(fieldErrors || {})) {
    if (controls[name]) {
      setFieldError(controls[name], [].concat(messages).join(" "));
      shown = true;
    }
  }
  return shown;
}

export function select(options, { value, ...props } = {}) {
  return h("select", props, options.map(([optionValue, label]) =>
    h("option", { value: optionValue, selected: optionValue === value, text: label })));
}

// Replaces an element's children (skipping null, false and undefined, unlike the DOM's own append).
export function fill(element, ...children) {
  element.replaceChildren();
  return append(element, children);
}
