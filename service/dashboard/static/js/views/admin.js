// Admin: API keys (the secret shown once), webhook subscriptions with their delivery logs, and
// the feeds polled for articles.
import { api, ApiError } from "../api.js";
import { clear, field, fill, h, select, setFieldError, showFieldErrors } from "../dom.js";
import { when } from "../format.js";
import { toast } from "../toast.js";
import { emptyRow } from "./shared.js";

const EVENT_TYPES = ["article.processed", "article.failed", "claim.created", "claim.status_changed", "claim.matched"];
const ROLES = [["reviewer", "Reviewer: read, queue, verdicts"], ["ingest", "Ingest: submit and read articles"],
  ["admin", "Admin: everything, keys and webhooks"]];

export function adminView() {
  return { mount: mountAdmin };
}

export function webhookView({ id }) {
  return { mount: (container) => mountWebhook(container, id) };
}

// A secret appears once: show it with a copy button and say so.
function secretBox(label, secret) {
  const input = h("input", { type: "text", readOnly: true, value: secret, class: "secret", "aria-label": label });
  const copy = h("button", { type: "button", text: "Copy", on: { click: async () => {
    input.select();
    try {
      await navigator.clipboard.writeText(secret);
      toast("Copied.");
    } catch {
      toast("Select the text and copy it by hand.");
    }
  } } });
  return h("div", { class: "secret-box", role: "status" },
    h("p", {}, h("strong", { text: label }), " — shown only now; store it safely."),
    h("div", { class: "row" }, input, copy));
}

// A full http(s) address, or the field says so and takes the focus.
function requireHttpUrl(input, url) {
  const ok = /^https?:\/\/\S+$/i.test(url);
  setFieldError(input, ok ? "" : "Use a full http:// or https:// address.");
  if (!ok) input.focus();
  return ok;
}

function errorInto(slot, error, controls = {}) {
  if (!(error instanceof ApiError) || error.status === 401) throw error;
  showFieldErrors(error.fieldErrors, controls);
  fill(slot, h("p", { class: "alert", text: error.message }));
}

async function mountAdmin(container) {
  const keysBody = h("tbody");
  const hooksBody = h("tbody");
  const keyNotice = h("div", { class: "form-alert", role: "alert" });
  const hookNotice = h("div", { class: "form-alert", role: "alert" });
  const feedsBody = h("tbody");
  const feedNotice = h("div", { class: "form-alert", role: "alert" });

  const keyName = h("input", { type: "text", maxLength: 200, required: true });
  const keyRole = select(ROLES, { value: "reviewer" });
  const keyForm = h("form", { class: "inline-form", novalidate: true, "aria-label": "Create an API key" },
    field("Name", keyName, { hint: "Who or what uses it, e.g. “Ana (night desk)”." }), field("Role", keyRole),
    h("button", { type: "submit", class: "primary", text: "Create key" }));

  const hookUrl = h("input", { type: "url", placeholder: "https://receiver.example/hooks", required: true });
  const hookDescription = h("input", { type: "text", maxLength: 500 });
  const eventBoxes = EVENT_TYPES.map((type) => h("input", { type: "checkbox", value: type, checked: true }));
  const hookForm = h("form", { class: "inline-form", novalidate: true, "aria-label": "Add a webhook" },
    field("Endpoint URL", hookUrl), field("Description", hookDescription),
    h("fieldset", { class: "choice" }, h("legend", { text: "Events" }),
      eventBoxes.map((box) => h("label", {}, box, ` ${box.value}`))),
    h("button", { type: "submit", class: "primary", text: "Add webhook" }));

  const feedUrl = h("input", { type: "url", placeholder: "https://news.example/rss.xml", required: true });
  const feedTitle = h("input", { type: "text", maxLength: 300 });
  const feedInterval = select([["300", "every 5 minutes"], ["900", "every 15 minutes"], ["3600", "every hour"],
    ["21600", "every 6 hours"], ["86400", "daily"]], { value: "900" });
  const feedPages = h("input", { type: "checkbox" });
  const feedForm = h("form", { class: "inline-form", novalidate: true, "aria-label": "Add a feed" },
    field("Feed URL", feedUrl, { hint: "RSS or Atom; each new entry becomes an article once." }),
    field("Title", feedTitle, { hint: "Optional; given as the articles' source." }), field("Poll", feedInterval),
    h("label", { class: "check" }, feedPages, " Fetch each entry's page for its full text"),
    h("button", { type: "submit", class: "primary", text: "Add feed" }));

  container.append(h("section", { class: "view admin" },
    h("div", { class: "view-head" }, h("h1", { text: "Admin" })),
    h("section", { class: "panel", "aria-labelledby": "keys-title" },
      h("h2", { id: "keys-title", text: "API keys" }), keyNotice, keyForm,
      h("div", { class: "table-wrap" }, h("table", {}, h("thead", {}, h("tr", {},
        ["Name", "Role", "Key id", "Created", "Last used", ""].map((t) => h("th", { scope: "col", text: t })))), keysBody))),
    h("section", { class: "panel", "aria-labelledby": "hooks-title" },
      h("h2", { id: "hooks-title", text: "Webhooks" }), hookNotice, hookForm,
      h("div", { class: "table-wrap" }, h("table", {}, h("thead", {}, h("tr", {},
        ["Endpoint", "Events", "State", "Waiting", ""].map((t) => h("th", { scope: "col", text: t })))), hooksBody))),
    h("section", { class: "panel", "aria-labelledby": "feeds-title" },
      h("h2", { id: "feeds-title", text: "Feeds" }), feedNotice, feedForm,
      h("div", { class: "table-wrap" }, h("table", {}, h("thead", {}, h("tr", {},
        ["Feed", "State", "Last poll", "Entries", "Articles", ""].map((t) => h("th", { scope: "col", text: t })))), feedsBody)))));

  // Re-rendered only when something changed, so polling never steals focus from a button.
  const shown = { keys: null, hooks: null, feeds: null };

  async function loadKeys() {
    const { keys } = await api("/keys");
    if (JSON.stringify(keys) === shown.keys) return;
    shown.keys = JSON.stringify(keys);
    fill(keysBody, ...(keys.length ? keys.map((key) => h("tr", { class: key.revoked_at ? "revoked" : null },
      h("td", { text: key.name }), h("td", { text: key.role }), h("td", {}, h("code", { text: key.id })),
      h("td", { text: when(key.created_at) }), h("td", { text: key.last_used_at ? when(key.last_used_at) : "never" }),
      h("td", {}, key.revoked_at ? h("span", { class: "muted", text: `revoked ${when(key.revoked_at)}` })
        : h("button", { type: "button", class: "danger", text: "Revoke", "aria-label": `Revoke key ${key.name}`,
          on: { click: () => revoke(key) } })))) : [emptyRow(6, "No keys.")]));
  }

  async function revoke(key) {
    if (!confirm(`Revoke “${key.name}” (${key.role})? Anything using it stops working at once.`)) return;
    try {
      await api(`/keys/${encodeURIComponent(key.id)}`, { method: "DELETE" });
      toast(`Key “${key.name}” revoked.`);
      await loadKeys();
    } catch (error) {
      errorInto(keyNotice, error);
    }
  }

  async function loadHooks() {
    const { webhooks } = await api("/webhooks", { query: { limit: 100 } });
    if (JSON.stringify(webhooks) === shown.hooks) return;
    shown.hooks = JSON.stringify(webhooks);
    fill(hooksBody, ...(webhooks.length ? webhooks.map((hook) => h("tr", {},
      h("td", { class: "wrap" }, h("a", { href: `#/admin/webhooks/${hook.id}`, text: hook.url }),
        hook.description ? h("div", { class: "muted", text: hook.description }) : null),
      h("td", { text: hook.events.join(", ") }),
      h("td", {}, hook.active ? h("span", { class: "badge status-verified", text: "active" })
        : h("span", { class: "badge status-flagged", text: "disabled", title: hook.disabled_reason || "" })),
      h("td", { class: "num", text: String(hook.pending_deliveries ?? 0) }),
      h("td", {}, h("a", { href: `#/admin/webhooks/${hook.id}`, text: "Deliveries" }))))
      : [emptyRow(5, "No webhook subscriptions.")]));
  }

  async function loadFeeds() {
    const { feeds } = await api("/feeds", { query: { limit: 100 } });
    if (JSON.stringify(feeds) === shown.feeds) return;
    shown.feeds = JSON.stringify(feeds);
    fill(feedsBody, ...(feeds.length ? feeds.map((feed) => {
      const name = feed.title || feed.feed_title || feed.url;
      const state = !feed.active ? h("span", { class: "badge", text: "paused" })
        : feed.last_status === "error"
          ? h("span", { class: "badge status-flagged", text: `failing (${feed.consecutive_failures})`, title: feed.last_error || "" })
          : h("span", { class: "badge status-verified", text: feed.polling ? "polling" : "active" });
      return h("tr", {},
        h("td", { class: "wrap" }, h("div", { text: name }), name !== feed.url ? h("div", { class: "muted", text: feed.url }) : null,
          feed.last_error ? h("div", { class: "differs", role: "note", text: feed.last_error }) : null),
        h("td", {}, state),
        h("td", { text: feed.last_polled_at ? when(feed.last_polled_at) : "not yet",
          title: feed.next_poll_at ? `next: ${when(feed.next_poll_at)}` : "" }),
        h("td", { class: "num", text: String(feed.entries_seen ?? 0) }),
        h("td", { class: "num", text: String(feed.entries_ingested ?? 0) }),
        h("td", {}, h("div", { class: "row" },
          h("button", { type: "button", text: feed.active ? "Pause" : "Resume", "aria-label": `${feed.active ? "Pause" : "Resume"} feed ${name}`,
            on: { click: () => changeFeed(feed, { active: !feed.active }, feed.active ? "paused" : "resumed") } }),
          h("button", { type: "button", class: "danger", text: "Delete", "aria-label": `Delete feed ${name}`,
            on: { click: () => deleteFeed(feed, name) } }))));
    }) : [emptyRow(6, "No feeds.")]));
  }

  async function changeFeed(feed, body, done) {
    clear(feedNotice);
    try {
      await api(`/feeds/${encodeURIComponent(feed.id)}`, { method: "PATCH", body });
      toast(`Feed ${done}.`);
      await loadFeeds();
    } catch (error) {
      errorInto(feedNotice, error);
    }
  }

  async function deleteFeed(feed, name) {
    if (!confirm(`Delete the feed “${name}”? Articles made from it stay.`)) return;
    clear(feedNotice);
    try {
      await api(`/feeds/${encodeURIComponent(feed.id)}`, { method: "DELETE" });
      toast("Feed deleted.");
      await loadFeeds();
    } catch (error) {
      errorInto(feedNotice, error);
    }
  }

  feedForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    clear(feedNotice);
    const url = feedUrl.value.trim();
    if (!requireHttpUrl(feedUrl, url)) return;
    try {
      const body = { url, interval_seconds: Number(feedInterval.value), fetch_pages: feedPages.checked };
      if (feedTitle.value.trim()) body.title = feedTitle.value.trim();
      await api("/feeds", { method: "POST", body });
      toast("Feed added; its first poll is due now.");
      feedUrl.value = "";
      feedTitle.value = "";
      await loadFeeds();
    } catch (error) {
      errorInto(feedNotice, error, { url: feedUrl, title: feedTitle, interval_seconds: feedInterval });
    }
  });

  keyForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    clear(keyNotice);
    setFieldError(keyName, keyName.value.trim() ? "" : "Give the key a name.");
    if (!keyName.value.trim()) return keyName.focus();
    try {
      const created = await api("/keys", { method: "POST", body: { name: keyName.value.trim(), role: keyRole.value } });
      keyNotice.append(secretBox(`API key for ${created.name} (${created.role})`, created.secret));
      keyName.value = "";
      await loadKeys();
    } catch (error) {
      errorInto(keyNotice, error, { name: keyName, role: keyRole });
    }
  });

  hookForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    clear(hookNotice);
    const url = hookUrl.value.trim();
    const events = eventBoxes.filter((box) => box.checked).map((box) => box.value);
    if (!requireHttpUrl(hookUrl, url)) return;
    if (!events.length) {
      hookNotice.append(h("p", { class: "alert", text: "Choose at least one event." }));
      return;
    }
    try {
      const body = { url, events };
      if (hookDescription.value.trim()) body.description = hookDescription.value.trim();
      const created = await api("/webhooks", { method: "POST", body });
      hookNotice.append(secretBox(`Signing secret for ${created.url}`, created.secret));
      hookUrl.value = "";
      hookDescription.value = "";
      await loadHooks();
    } catch (error) {
      errorInto(hookNotice, error, { url: hookUrl, description: hookDescription });
    }
  });

  await Promise.all([loadKeys(), loadHooks(), loadFeeds()]);
  // Keys, subscriptions and feeds change without events: poll while the page is watched.
  const timer = setInterval(() => {
    if (!document.hidden) Promise.all([loadKeys(), loadHooks(), loadFeeds()]).catch(() => {});
  }, 3000);
  return { unmount() { clearInterval(timer); } };
}

async function mountWebhook(container, id) {
  const state = { status: "", alive: true, cursors: [null], page: 0, next: null };
  const head = h("div");
  const notice = h("div", { class: "form-alert", role: "alert" });
  const tbody = h("tbody");
  const filter = select([["", "All deliveries"], ["pending", "Pending"], ["succeeded", "Succeeded"], ["failed", "Failed"]],
    { "aria-label": "Delivery status" });
  const previous = h("button", { type: "button", text: "Newer" });
  const next = h("button", { type: "button", text: "Older" });
  container.append(h("section", { class: "view" },
    h("p", { class: "crumbs" }, h("a", { href: "#/admin", text: "← Admin" })), head, notice,
    h("section", { class: "panel flush", "aria-labelledby": "deliveries-title" },
      h("div", { class: "toolbar" }, h("h2", { id: "deliveries-title", text: "Delivery log" }), filter),
      h("div", { class: "table-wrap" }, h("table", {}, h("thead", {}, h("tr", {},
        ["Event", "Status", "Attempts", "Last answer", "Next attempt", "Created", ""].map((t) => h("th", { scope: "col", text: t })))), tbody)),
      h("div", { class: "pager" }, previous, next))));

  async function loadHook() {
    const hook = await api(`/webhooks/${encodeURIComponent(id)}`);
    const run = (label, fn, kind) => h("button", { type: "button", class: kind, text: label, on: { click: async () => {
      clear(notice);
      try {
        await fn(hook);
      } catch (error) {
        errorInto(notice, error);
      }
    } } });
    fill(head, h("h1", { class: "wrap", text: hook.url }),
      h("p", { class: "muted", text: `${hook.events.join(", ")}${hook.description ? ` · ${hook.description}` : ""}` }),
      hook.active ? null : h("p", { class: "alert", text: `Disabled ${when(hook.disabled_at)}: ${hook.disabled_reason || "no reason recorded"}. Deliveries waiting behind it: ${hook.pending_deliveries ?? 0}.` }),
      h("dl", { class: "facts" },
        h("dt", { text: "Last success" }), h("dd", { text: when(hook.last_success_at) }),
        h("dt", { text: "Failing since" }), h("dd", { text: hook.failing_since ? when(hook.failing_since) : "—" }),
        h("dt", { text: "Secret rotated" }), h("dd", { text: hook.secret_rotated_at ? `${when(hook.secret_rotated_at)}${hook.previous_secret_expires_at ? `; the old one signs until ${when(hook.previous_secret_expires_at)}` : ""}` : "never" })),
      h("div", { class: "row" },
        hook.active ? null : run("Enable and send what waited", async () => {
          await api(`/webhooks/${encodeURIComponent(id)}`, { method: "PATCH", body: { active: true } });
          toast("Enabled: waiting deliveries go out now.");
          await refresh();
        }, "primary"),
        run("Send test event", async () => {
          await api(`/webhooks/${encodeURIComponent(id)}/test`, { method: "POST" });
          toast("Test event queued.");
          await loadDeliveries();
        }),
        run("Rotate secret", async () => {
          if (!confirm("Rotate the signing secret? The old one keeps signing for 24 hours.")) return;
          const rotated = await api(`/webhooks/${encodeURIComponent(id)}/rotate-secret`, { method: "POST", body: {} });
          fill(notice, secretBox("New signing secret", rotated.secret));
        }),
        run("Delete webhook", async () => {
          if (!confirm("Delete this subscription with its waiting deliveries and its log?")) return;
          await api(`/webhooks/${encodeURIComponent(id)}`, { method: "DELETE" });
          toast("Webhook deleted.");
          location.hash = "#/admin";
        }, "danger")));
  }

  async function loadDeliveries() {
    const answer = await api(`/webhooks/${encodeURIComponent(id)}/deliveries`,
      { query: { status: state.status || undefined, cursor: state.cursors[state.page], limit: 50 } });
    if (!state.alive) return;
    state.next = answer.next_cursor;
    fill(tbody, ...(answer.deliveries.length ? answer.deliveries.map((delivery) => h("tr", {},
      h("td", {}, h("code", { text: delivery.event_type }), h("div", { class: "muted small", text: delivery.message_id })),
      h("td", {}, h("span", { class: ["badge", `delivery-${delivery.status}`], text: delivery.status })),
      h("td", { class: "num", text: String(delivery.attempts) }),
      h("td", { class: "wrap", text: delivery.last_status_code ? `${delivery.last_status_code}${delivery.last_latency_ms ? ` in ${Math.round(delivery.last_latency_ms)} ms` : ""}`
        : delivery.last_error || "—" }),
      h("td", { text: delivery.next_attempt_at ? when(delivery.next_attempt_at) : "—" }),
      h("td", { text: when(delivery.created_at) }),
      h("td", {}, h("button", { type: "button", text: "Retry", "aria-label": `Retry delivery ${delivery.id}`, on: { click: async () => {
        try {
          await api(`/webhooks/${encodeURIComponent(id)}/deliveries/${encodeURIComponent(delivery.id)}/retry`, { method: "POST" });
          toast("Retry queued.");
          await loadDeliveries();
        } catch (error) {
          errorInto(notice, error);
        }
      } } }))))
      : [emptyRow(7, "No deliveries yet.")]));
    previous.disabled = state.page === 0;
    next.disabled = !state.next;
  }

  const refresh = () => Promise.all([loadHook(), loadDeliveries()]);
  filter.addEventListener("change", () => { state.status = filter.value; state.cursors = [null]; state.page = 0; loadDeliveries(); });
  previous.addEventListener("click", () => { state.page -= 1; loadDeliveries(); });
  next.addEventListener("click", () => { state.cursors[state.page + 1] = state.next; state.page += 1; loadDeliveries(); });
  await refresh();
  // Deliveries move without events of their own (attempts, retries): refresh while watched.
  const timer = setInterval(() => { if (!document.hidden) refresh().catch(() => {}); }, 3000);
  return { unmount() { state.alive = false; clearInterval(timer); } };
}

