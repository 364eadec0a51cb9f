// The queue: claims per review state with their counts, Take next, and j/k through the rows.
import { api } from "../api.js";
import { fill, h } from "../dom.js";
import { actorName, since, STATUSES } from "../format.js";
import { articleTitles, debounce, emptyRow, newestLoad, scoreChip, statusBadge } from "./shared.js";

const PAGE_SIZE = 50;
const MIN_SCORES = [["", "Any score"], ["0.3", "Score ≥ 0.3"], ["0.5", "Score ≥ 0.5"], ["0.7", "Score ≥ 0.7"]];
// The score floor carries over between tabs and to Take next while the page is open.
const remembered = { minScore: "" };
const DEFAULT_SORT = { pending: "-score" };
const SORTS = [["-score", "Most check-worthy first"], ["-created", "Newest first"], ["created", "Oldest first"]];

export function queueView({ status }) {
  if (!STATUSES.some(([value]) => value === status)) status = "pending";
  return { mount: (container, desk) => mountQueue(container, desk, status) };
}

async function mountQueue(container, desk, status) {
  const state = {
    status, sort: DEFAULT_SORT[status] || "-created", q: "", mine: false, minScore: remembered.minScore,
    cursors: [null], page: 0, nextCursor: null, claims: [], selected: 0, alive: true,
  };
  const canReview = desk.can("review");

  const tabs = h("div", { class: "tabs", role: "tablist", "aria-label": "Claims by review state" });
  const tbody = h("tbody");
  const table = h("table", { class: "claims", "aria-describedby": "queue-caption" },
    h("caption", { id: "queue-caption", class: "sr-only" }),
    h("thead", {}, h("tr", {},
      h("th", { scope: "col", text: "Claim" }), h("th", { scope: "col", class: "num", text: "Score" }),
      h("th", { scope: "col", class: "col-article", text: "Article" }),
      h("th", { scope: "col", class: "col-age", text: "Age" }),
      h("th", { scope: "col", class: "col-assignee", text: "Assignee" }),
      h("th", { scope: "col", class: "num col-matches", text: "Matches" }))),
    tbody);
  const previous = h("button", { type: "button", text: "Previous page" });
  const next = h("button", { type: "button", text: "Next page" });
  const pageInfo = h("span", { class: "muted" });
  const search = h("input", { type: "search", placeholder: "Text contains…", "aria-label": "Search claim text" });
  const sort = h("select", { "aria-label": "Sort" },
    SORTS.map(([value, label]) => h("option", { value, text: label, selected: value === state.sort })));
  const mine = h("input", { type: "checkbox", id: "only-mine" });
  const floor = h("select", { "aria-label": "Minimum score" },
    MIN_SCORES.map(([value, label]) => h("option", { value, text: label, selected: value === state.minScore })));
  const nextFilters = () => (state.minScore ? { min_score: Number(state.minScore) } : {});
  const takeNext = canReview ? h("button", { type: "button", class: "primary", title: "Take next (n)",
    on: { click: () => desk.takeNext(nextFilters()) } }, "Take next ", h("kbd", { text: "n" })) : null;

  container.append(h("section", { class: "view queue" },
    h("div", { class: "view-head" }, h("h1", { text: "Review queue" }), takeNext),
    tabs,
    h("div", { role: "tabpanel", id: "queue-panel", class: "panel flush" },
      h("div", { class: "toolbar" }, search, sort, floor,
        canReview ? h("label", { class: "check" }, mine, " Only mine") : null),
      h("div", { class: "table-wrap" }, table),
      h("div", { class: "pager" }, previous, pageInfo, next))));

  function renderTabs(counts) {
    fill(tabs, ...STATUSES.map(([value, label]) => {
      const selected = value === state.status;
      const count = counts ? counts[value] ?? 0 : null;
      return h("button", { type: "button", role: "tab", id: `tab-${value}`, "aria-selected": String(selected),
        "aria-controls": "queue-panel", tabIndex: selected ? 0 : -1, class: "tab",
        on: { click: () => desk.go(`#/queue/${value}`), keydown: tabKeys } },
      h("span", { text: label }), " ", h("span", { class: "count", text: count === null ? "…" : count.toLocaleString() }));
    }));
    tabs.parentElement.querySelector('[role=tabpanel]').setAttribute("aria-labelledby", `tab-${state.status}`);
  }

  function tabKeys(event) {
    const order = STATUSES.map(([value]) => value);
    const at = order.indexOf(state.status);
    const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
    if (step) {
      event.preventDefault();
      desk.go(`#/queue/${order[(at + step + order.length) % order.length]}`);
      setTimeout(() => document.getElementById(`tab-${order[(at + step + order.length) % order.length]}`)?.focus(), 50);
    }
  }

  const latestCounts = newestLoad();
  const latestPage = newestLoad();

  async function loadCounts() {
    const current = latestCounts();
    try {
      const stats = await api("/stats");
      if (state.alive && current()) renderTabs(stats.claims.by_status);
    } catch (error) {
      if (error.status !== 401 && state.alive && current()) renderTabs(null);
    }
  }

  // A search typed on, or a page turned, while an earlier load is out must not show its rows.
  async function loadPage() {
    const current = latestPage();
    const query = { status: state.status, sort: state.sort, limit: PAGE_SIZE, cursor: state.cursors[state.page],
      q: state.q || undefined, assignee: state.mine ? "me" : undefined, min_score: state.minScore || undefined };
    const answer = await api("/claims", { query });
    const titles = await articleTitles(answer.claims.map((claim) => claim.article_id));
    if (!state.alive || !current()) return;
    const selectedId = state.claims[state.selected]?.id;
    state.claims = answer.claims;
    state.nextCursor = answer.next_cursor;
    const keep = state.claims.findIndex((claim) => claim.id === selectedId);
    state.selected = keep >= 0 ? keep : Math.min(state.selected, Math.max(0, state.claims.length - 1));
    renderRows(titles);
  }

  function renderRows(titles) {
    const now = Date.now();
    const hadFocus = tbody.contains(document.activeElement);
    table.querySelector("caption").textContent = `Claims ${state.status.replace("_", " ")}, page ${state.page + 1}`;
    fill(tbody, ...(state.claims.length ? state.claims.map((claim, index) => h("tr", {
      class: index === state.selected ? "selected" : null, "aria-selected": String(index === state.selected),
      dataset: { id: claim.id },
      on: { click: (event) => { if (!event.target.closest("a, button")) desk.go(`#/claims/${claim.id}`); } },
    },
    h("td", { class: "claim-text" },
      h("a", { href: `#/claims/${claim.id}`, text: claim.text }),
      claim.needs_context ? h("span", { class: "flag-note", title: "could not be made fully self-contained", text: "needs context" }) : null,
      claim.retracted ? statusBadge(claim.status, { retracted: true }) : null),
    h("td", { class: "num" }, scoreChip(claim)),
    h("td", { class: "col-article" }, h("a", { href: `#/articles/${claim.article_id}`, class: "subtle",
      text: titles.get(claim.article_id) || claim.article_id })),
    h("td", { class: "col-age", title: claim.created_at, text: since(claim.created_at, now) }),
    h("td", { class: "col-assignee", text: claim.assignee ? actorName(claim.assignee) : "—" }),
    h("td", { class: "num col-matches", text: String((claim.matches || []).length) })))
      : [emptyRow(6, state.q ? "No claim here contains that text." : "Nothing here right now.")]));
    previous.disabled = state.page === 0;
    next.disabled = !state.nextCursor;
    pageInfo.textContent = `Page ${state.page + 1}`;
    // A live refresh keeps the reader where they were.
    if (hadFocus) tbody.querySelectorAll("tr")[state.selected]?.querySelector("a")?.focus({ preventScroll: true });
  }

  function select(index) {
    if (!state.claims.length) return;
    state.selected = Math.max(0, Math.min(state.claims.length - 1, index));
    tbody.querySelectorAll("tr").forEach((row, i) => {
      row.classList.toggle("selected", i === state.selected);
      row.setAttribute("aria-selected", String(i === state.selected));
    });
    const link = tbody.querySelectorAll("tr")[state.selected]?.querySelector("a");
    link?.focus({ preventScroll: true });
    link?.closest("tr").scrollIntoView({ block: "nearest" });
  }

  const selectedClaim = () => state.claims[state.selected];
  const openSelected = (action) => {
    const claim = selectedClaim();
    if (claim) desk.go(`#/claims/${claim.id}${action ? `?do=${action}` : ""}`);
  };

  const reload = () => Promise.all([loadCounts(), loadPage()]).catch(() => {});
  const reloadSoon = debounce(reload, 250);

  previous.addEventListener("click", () => { state.page -= 1; loadPage(); });
  next.addEventListener("click", () => {
    state.cursors[state.page + 1] = state.nextCursor;
    state.page += 1;
    loadPage();
  });
  const resetAndLoad = () => { state.cursors = [null]; state.page = 0; state.selected = 0; loadPage(); };
  search.addEventListener("input", debounce(() => { state.q = search.value.trim(); resetAndLoad(); }, 300));
  sort.addEventListener("change", () => { state.sort = sort.value; resetAndLoad(); });
  floor.addEventListener("change", () => { state.minScore = remembered.minScore = floor.value; resetAndLoad(); });
  mine.addEventListener("change", () => { state.mine = mine.checked; resetAndLoad(); });

  renderTabs(null);
  // The keys work as soon as the rows are there; the tab counts fill in when they come.
  loadCounts();
  await loadPage();

  const actions = canReview ? {
    v: () => openSelected("verify"), f: () => openSelected("flag"), d: () => openSelected("dismiss"),
    r: () => openSelected("release"),
  } : {};
  return {
    keys: {
      j: () => select(state.selected + 1), k: () => select(state.selected - 1),
      o: () => openSelected(), n: () => canReview && desk.takeNext(nextFilters()), ...actions,
    },
    onChanges: reloadSoon,
    unmount() { state.alive = false; },
  };
}
