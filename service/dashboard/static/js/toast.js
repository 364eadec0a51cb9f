// Short notices in a polite live region; errors stay until dismissed.
import { h } from "./dom.js";

export function toast(message, kind = "info") {
  const box = document.getElementById("toasts");
  const close = h("button", { type: "button", class: "ghost", "aria-label": "Dismiss notice", text: "×" });
  const note = h("div", { class: ["toast", kind] }, h("span", { text: message }), close);
  close.addEventListener("click", () => note.remove());
  box.append(note);
  if (kind !== "error") setTimeout(() => note.remove(), 5000);
}
