// The desk: sign-in, the router between views, live updates and the keyboard.
import { api, apiKey, ApiError, forgetKey, saveKey, whenUnauthorized } from "./api.js";
import { clear, field, h, fill } from "./dom.js";
import { live } from "./live.js";
import { toast } from "./toast.js";
import { queueView } from "./views/queue.js";
import { claimView } from "./views/claim.js";
import { articlesView, articleView } from "./views/articles.js";
import { overviewView } from "./views/overview.js";
import { adminView, webhookView } from "./views/admin.js";

const main = document.getElementById("main");
const session = { me: null };
let current = null;          // the mounted view: {unmount?, onChanges?, keys?}
let mounting = 0;

const can = (permission) => Boolean(session.me && session.me.permissions.includes(permission));

const ROUTES = [
  [/^#\/queue(?:\/([a-z_]+))?$/, (m) => can("review") || can("read") ? queueView({ status: m[1] || "pending" }) : null],
  [/^#\/claims\/([\w-]+)(?:\?do=(\w+))?$/, (m) => claimView({ id: m[1], action: m[2] })],
  [/^#\/articles$/, () => articlesView()],
  [/^#\/articles\/([\w-]+)$/, (m) => articleView({ id: m[1] })],
  [/^#\/overview$/, () => overviewView()],
  [/^#\/admin$/, () => can("admin") ? adminView() : null],
  [/^#\/admin\/webhooks\/([\w-]+)$/, (m) => can("admin") ? webhookView({ id: m[1] }) : null],
];

function homeRoute() {
  return can("review") ? "#/queue/pending" : "#/articles";
}

function navigation() {
  const links = [
    ["#/queue", "Queue", can("read")],
    ["#/articles", "Articles", can("read")],
    ["#/overview", "Overview", can("read")],
    ["#/admin", "Admin", can("admin")],
  ];
  const here = location.hash || "#/";
  const list = document.getElementById("nav");
  fill(list, ...links.filter(([, , shown]) => shown).map(([href, label]) => h("li", {},
    h("a", { href, text: label, "aria-current": here.startsWith(href) ? "page" : null }))),
  h("li", {}, h("a", { href: "/api/v1/docs", text: "API docs" })));
}

export const desk = {
  session,
  can,
  go(hash) {
    if (location.hash === hash) route();
    else location.hash = hash;
  },
  // Views call this when their content changed under them (e.g. after an action).
  refreshCounts() { live.poke(); },
};

async function route() {
  if (!session.me) return;
  const hash = location.hash || "#/";
  let view = null;
  for (const [pattern, make] of ROUTES) {
    const match = hash.match(pattern);
    if (match) {
      view = make(match);
      if (view === null) view = forbidden();
      break;
    }
  }
  if (!view) {
    location.replace(homeRoute());
    return;
  }
  navigation();
  current?.unmount?.();
  current = null;
  const token = ++mounting;
  clear(main);
  try {
    const mounted = await view.mount(main, desk);
    if (token !== mounting) {
      mounted?.unmount?.();
      return;
    }
    current = mounted || {};
  } catch (error) {
    if (token !== mounting || (error instanceof ApiError && error.status === 401)) return;
    fill(main, problem(error));
  }
}

function forbidden() {
  return {
    mount(container) {
      container.append(h("section", { class: "panel" },
        h("h1", { text: "Not available to your key" }),
        h("p", { text: `The ${session.me.role} role cannot open this page.` }),
        h("p", {}, h("a", { href: homeRoute(), text: "Back to your desk" }))));
    },
  };
}

function problem(error) {
  const notFound = error instanceof ApiError && error.status === 404;
  return h("section", { class: "panel", role: "alert" },
    h("h1", { text: notFound ? "Not found" : "Something went wrong" }),
    h("p", { text: error.message || String(error) }),
    h("p", {}, h("a", { href: homeRoute(), text: "Back to your desk" })));
}

// ---- sign-in ------------------------------------------------------------------------
function showSignIn(message) {
  session.me = null;
  live.stop();
  current?.unmount?.();
  current = null;
  mounting += 1;
  document.getElementById("topbar").hidden = true;
  const input = h("input", { type: "password", autocomplete: "off", required: true,
    placeholder: "ctk_…", spellcheck: "false" });
  const alert = h("p", { class: "alert", role: "alert", hidden: !message, text: message || "" });
  const button = h("button", { type: "submit", class: "primary", text: "Sign in" });
  const form = h("form", { class: "signin panel", "aria-labelledby": "signin-title", novalidate: true, on: {
    submit: async (event) => {
      event.preventDefault();
      const key = input.value.trim();
      if (!key) {
        alert.textContent = "Enter your API key.";
        alert.hidden = false;
        input.focus();
        return;
      }
      button.disabled = true;
      saveKey(key);
      const ok = await signIn();
      button.disabled = false;
      if (!ok && !document.body.contains(form)) return;
      if (!ok) {
        input.focus();
        input.select();
      }
    },
  } },
  h("h1", { id: "signin-title", text: "Sign in to the verification desk" }),
  h("p", { class: "muted", text: "Paste the API key your admin gave you. It stays in this browser tab only and is forgotten when you sign out or close the tab." }),
  alert,
  field("API key", input),
  button);
  fill(main, form);
  input.focus();
}

// Whether a key is being checked: only then does a 401 answer the key just entered.
let signingIn = false;

async function signIn() {
  signingIn = true;
  try {
    session.me = await api("/me");
  } catch (error) {
    forgetKey();
    if (error.status !== 401) showSignIn(`Could not sign in: ${error.message}`);
    return false;
  } finally {
    signingIn = false;
  }
  document.getElementById("topbar").hidden = false;
  document.getElementById("who").textContent = `${session.me.name} · ${session.me.role}`;
  live.start();
  if (!location.hash || location.hash === "#/" || location.hash === "#") location.replace(homeRoute());
  await route();
  return true;
}

whenUnauthorized((message) => {
  forgetKey();
  const form = document.querySelector(".signin");
  if (signingIn && form) {
    const alert = form.querySelector("[role=alert]");
    alert.textContent = `That key was not accepted: ${message || "unknown or revoked"}.`;
    alert.hidden = false;
  } else if (session.me || !form) {
    showSignIn(`You were signed out: ${message || "the API key is no longer accepted"}. Sign in again.`);
  }
  // Else the sign-in form is up already: a request that was in flight when the key was revoked
  // (a poll beside a page fetch) must not turn "You were signed out" into a refused sign-in.
});

document.getElementById("sign-out").addEventListener("click", () => {
  forgetKey();
  history.replaceState(null, "", location.pathname);
  showSignIn("You are signed out.");
});

// ---- live updates -------------------------------------------------------------------
live.onChanges((change) => current?.onChanges?.(change));
live.onState((state) => {
  const badge = document.getElementById("live");
  badge.dataset.state = state;
  badge.textContent = state === "ok" ? "Live" : "Reconnecting…";
});

// ---- keyboard -----------------------------------------------------------------------
const help = document.getElementById("help");
document.getElementById("help-button").addEventListener("click", () => help.showModal());
let pendingG = false;

function typing(target) {
  return target instanceof HTMLElement && (target.isContentEditable
    || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));
}

document.addEventListener("keydown", (event) => {
  if (!session.me || event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
  if (help.open) return;
  if (event.key === "?") {
    event.preventDefault();
    help.showModal();
    return;
  }
  if (pendingG) {
    pendingG = false;
    const target = { q: "#/queue/pending", a: "#/articles", o: "#/overview" }[event.key];
    if (target) {
      event.preventDefault();
      desk.go(target);
    }
    return;
  }
  if (event.key === "g") {
    pendingG = true;
    setTimeout(() => { pendingG = false; }, 1200);
    return;
  }
  const handler = current?.keys?.[event.key];
  if (handler) {
    event.preventDefault();
    handler(event);
  } else if (event.key === "n" && can("review")) {
    event.preventDefault();
    takeNext();
  }
});

export async function takeNext(filters) {
  try {
    const claim = await api("/queue/next", { method: "POST", body: filters || {} });
    if (!claim) {
      toast("Nothing pending fits: the queue is empty.");
      return;
    }
    desk.refreshCounts();
    desk.go(`#/claims/${claim.id}`);
  } catch (error) {
    if (error.status !== 401) toast(`Could not take the next claim: ${error.message}`, "error");
  }
}
desk.takeNext = takeNext;

window.addEventListener("hashchange", route);

if (apiKey()) signIn();
else showSignIn();
