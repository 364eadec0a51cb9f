// Articles: submit one, watch it through extraction, read its claims in text order, correct it.
import { api, ApiError } from "../api.js";
import { clear, field, fill, h, setFieldError, showFieldErrors } from "../dom.js";
import { plural, since, when } from "../format.js";
import { toast } from "../toast.js";
import { articleName, debounce, emptyRow, newestLoad, rememberTitle, scoreChip, statusBadge } from "./shared.js";
import { safeLink } from "./claim.js";

const PAGE_SIZE = 50;
const WATCH_MS = 1000;
const LIST_POLL_MS = 2500;
const CLAIMS_PAGE = 100;
const STEPS = ["queued", "processing", "done"];

export function articlesView() {
  return { mount: mountArticles };
}

export function articleView({ id }) {
  return { mount: (container, desk) => mountArticle(container, desk, id) };
}

// ---- the submission form (also used for corrections) ---------------------------------
function articleForm({ submitLabel, initial = {}, onSubmit }) {
  const title = h("input", { type: "text", maxLength: 1000, value: initial.title || "" });
  const link = h("input", { type: "url", placeholder: "https://…", value: initial.url || "" });
  const published = h("input", { type: "date", value: (initial.published_at || "").slice(0, 10) });
  const text = h("textarea", { rows: 10, value: initial.text || "" });
  const asText = h("input", { type: "radio", name: "format", value: "text", checked: initial.format !== "html" });
  const asHtml = h("input", { type: "radio", name: "format", value: "html", checked: initial.format === "html" });
  const alert = h("div", { class: "form-alert", role: "alert" });
  const submit = h("button", { type: "submit", class: "primary", text: submitLabel });
  const controls = { title, url: link, published_at: published, text, html: text };
  const form = h("form", { class: "panel article-form", novalidate: true, "aria-label": submitLabel }, alert,
    field("Title", title), field("URL", link), field("Published", published, { hint: "Relative dates in the text (“last Tuesday”) are resolved against it." }),
    h("fieldset", { class: "choice" }, h("legend", { text: "Format" }),
      h("label", {}, asText, " Text"), h("label", {}, asHtml, " HTML (a web page: its main text is extracted)")),
    field("Article text", text),
    h("div", { class: "row" }, submit));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clear(alert);
    Object.values(controls).forEach((control) => setFieldError(control, ""));
    const body = {};
    const content = text.value;
    let bad = null;
    if (!content.trim()) bad = [text, "Paste the article's text (or its HTML)."];
    const url = link.value.trim();
    if (url && !/^https?:\/\/[^\s/]+/i.test(url)) bad ||= [link, "Use a full http:// or https:// address."];
    if (bad) {
      setFieldError(...bad);
      bad[0].focus();
      return;
    }
    body[asHtml.checked ? "html" : "text"] = content;
    if (title.value.trim()) body.title = title.value.trim();
    if (url) body.url = url;
    if (published.value) body.published_at = published.value;
    submit.disabled = true;
    try {
      await onSubmit(body);
    } catch (error) {
      if (!(error instanceof ApiError) || error.status === 401) throw error;
      const mapped = showFieldErrors(error.fieldErrors, controls);
      alert.append(h("p", { class: "alert", text: `Not submitted: ${error.message}` }));
      if (!mapped) alert.focus();
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

// ---- the list ----------------------------------------------------------------------------
async function mountArticles(container, desk) {
  const state = { cursors: [null], page: 0, next: null, alive: true, status: "" };
  const latestList = newestLoad();
  const tbody = h("tbody");
  const previous = h("button", { type: "button", text: "Previous page" });
  const next = h("button", { type: "button", text: "Next page" });
  const filter = h("select", { "aria-label": "Article status" },
    [["", "All articles"], ["queued", "Queued"], ["processing", "Processing"], ["done", "Done"], ["failed", "Failed"]]
      .map(([value, label]) => h("option", { value, text: label })));
  const canSubmit = desk.can("submit");
  const details = canSubmit ? h("details", { class: "submit-box", open: true },
    h("summary", { text: "Submit an article" }),
    articleForm({ submitLabel: "Submit article", onSubmit: async (body) => {
      const article = await api("/articles", { method: "POST", body });
      rememberTitle(article);
      toast(article.status === "queued" ? "Article submitted: extracting claims…" : "This article was submitted before: here it is.");
      desk.go(`#/articles/${article.id}`);
    } })) : null;

  container.append(h("section", { class: "view" },
    h("div", { class: "view-head" }, h("h1", { text: "Articles" })),
    details,
    h("section", { class: "panel flush", "aria-labelledby": "articles-list-title" },
      h("div", { class: "toolbar" }, h("h2", { id: "articles-list-title", text: "Submitted articles" }), filter),
      h("div", { class: "table-wrap" }, h("table", { class: "articles" },
        h("thead", {}, h("tr", {}, h("th", { scope: "col", text: "Title" }), h("th", { scope: "col", text: "Status" }),
          h("th", { scope: "col", class: "num", text: "Claims" }), h("th", { scope: "col", class: "col-age", text: "Submitted" }))),
        tbody)),
      h("div", { class: "pager" }, previous, next))));

  async function load() {
    const current = latestList();
    const answer = await api("/articles", { query: { sort: "-created", limit: PAGE_SIZE, cursor: state.cursors[state.page], status: state.status || undefined } });
    if (!state.alive || !current()) return;
    state.next = answer.next_cursor;
    const now = Date.now();
    fill(tbody, ...(answer.articles.length ? answer.articles.map((article) => {
      rememberTitle(article);
      return h("tr", {},
        h("td", {}, h("a", { href: `#/articles/${article.id}`, text: articleName(article) })),
        h("td", {}, h("span", { class: ["badge", `article-${article.status}`], text: article.status })),
        h("td", { class: "num", text: article.status === "done" ? String(article.claim_count ?? 0) : "—" }),
        h("td", { class: "col-age", title: article.created_at, text: `${since(article.created_at, now)} ago` }));
    }) : [emptyRow(4, "No articles yet.")]));
    previous.disabled = state.page === 0;
    next.disabled = !state.next;
  }
  previous.addEventListener("click", () => { state.page -= 1; load(); });
  next.addEventListener("click", () => { state.cursors[state.page + 1] = state.next; state.page += 1; load(); });
  filter.addEventListener("change", () => { state.status = filter.value; state.cursors = [null]; state.page = 0; load(); });
  await load();
  // Submitting and starting extraction write no change event: the list polls by itself.
  const watcher = setInterval(() => { if (!document.hidden) load().catch(() => {}); }, LIST_POLL_MS);
  return {
    onChanges: debounce(() => load().catch(() => {}), 250),
    unmount() { state.alive = false; clearInterval(watcher); },
  };
}

// ---- one article ---------------------------------------------------------------------
async function mountArticle(container, desk, id) {
  const state = { article: null, claims: [], alive: true, before: null, watch: null, pages: 1 };
  const latestArticle = newestLoad();
  const more = h("button", { type: "button", hidden: true, text: "Show more claims", on: { click: () => {
    state.pages += 1;
    load().catch(() => {});
  } } });
  const head = h("div", { class: "article-head" });
  const progress = h("ol", { class: "progress", "aria-label": "Extraction progress" });
  const notices = h("div", { class: "notices", "aria-live": "polite" });
  const tbody = h("tbody");
  const correction = h("div", { class: "correction" });
  container.append(h("section", { class: "view" },
    h("p", { class: "crumbs" }, h("a", { href: "#/articles", text: "← All articles" })),
    head, progress, notices,
    h("section", { class: "panel flush", "aria-labelledby": "article-claims-title" },
      h("div", { class: "toolbar" }, h("h2", { id: "article-claims-title", text: "Claims in text order" })),
      h("div", { class: "table-wrap" }, h("table", { class: "claims" },
        h("thead", {}, h("tr", {}, h("th", { scope: "col", class: "num", text: "#" }), h("th", { scope: "col", text: "Claim" }),
          h("th", { scope: "col", class: "num", text: "Score" }), h("th", { scope: "col", text: "State" }))),
        tbody)),
      h("div", { class: "pager" }, more)),
    correction));

  function renderHead() {
    const article = state.article;
    const timings = article.timings || {};
    fill(head, 
      h("h1", { text: articleName(article) }),
      h("p", { class: "muted" }, [article.source, article.published_at ? `published ${article.published_at.slice(0, 10)}` : null,
        `submitted ${when(article.created_at)}`, article.language ? `language ${article.language}` : null]
        .filter(Boolean).join(" · "), article.url ? [" · ", safeLink(article.url, "original")] : null),
      article.status === "failed" ? h("p", { class: "alert", role: "alert", text: `Extraction failed: ${article.error || "no reason recorded"}` }) : null,
      article.skipped_reason ? h("p", { class: "alert info", text: `Skipped: ${article.skipped_reason}` }) : null,
      article.status === "done" ? h("p", { class: "muted", text: `${plural(article.claim_count ?? state.claims.length, "claim")}`
        + (timings.extraction_ms ? ` · extracted in ${(timings.extraction_ms / 1000).toFixed(1)} s` : "") }) : null);
    const reached = article.status === "failed" ? 2 : STEPS.indexOf(article.status);
    fill(progress, ...STEPS.map((step, index) => {
      const label = index === 2 && article.status === "failed" ? "failed" : step;
      return h("li", { class: [index < reached && "past", index === reached && "current", label === "failed" && "failed"],
        "aria-current": index === reached ? "step" : null, text: label });
    }));
  }

  function renderClaims() {
    const claims = state.claims;
    const retractedNow = state.before ? claims.filter((c) => c.retracted && state.before.has(c.id)) : [];
    fill(tbody, ...(claims.length ? claims.map((claim, index) => h("tr", {
      class: [claim.retracted && "retracted-row", retractedNow.includes(claim) && "just-retracted"],
    },
    h("td", { class: "num", text: String(index + 1) }),
    h("td", { class: "claim-text" }, h("a", { href: `#/claims/${claim.id}`, text: claim.text }),
      claim.retracted ? h("span", { class: "badge retracted", text: "retracted" }) : null),
    h("td", { class: "num" }, scoreChip(claim)),
    h("td", {}, statusBadge(claim.status))))
      : [emptyRow(4, state.article.status === "done" ? "No check-worthy claims in this article."
        : state.article.status === "failed" ? "No claims: extraction failed." : "Claims appear here as soon as extraction finishes.")]));
    if (state.before && state.article.status === "done") {
      fill(notices, h("div", { class: "alert info", role: "status" },
        h("strong", { text: retractedNow.length ? `The correction retracted ${plural(retractedNow.length, "claim")}:` : "The correction retracted no claim." }),
        retractedNow.length ? h("ul", {}, retractedNow.map((c) => h("li", {}, h("del", { text: c.text })))) : null));
      state.before = null;
    }
  }

  // The summary (no text: it can be megabytes) and the claims in pages of at most 100, as
  // many pages as the reader has opened. The summary is read first, so claims shown beside "done"
  // are that extraction's; only the latest load renders, or one begun before a correction would
  // report the old claims as its result.
  async function load() {
    const current = latestArticle();
    const found = await api("/articles", { query: { id } });
    if (!found.articles.length) throw new ApiError(404, { message: `no article ${id}` });
    const { claims, cursor } = await loadClaims(state.pages);
    if (!state.alive || !current()) return;
    more.hidden = !cursor;
    state.article = found.articles[0];
    state.claims = claims;
    rememberTitle(state.article);
    renderHead();
    renderClaims();
    watch();
  }

  async function loadClaims(pages) {
    const claims = [];
    let cursor = null;
    for (let page = 0; page < pages; page += 1) {
      const answer = await api("/claims", { query: { article_id: id, sort: "created", limit: CLAIMS_PAGE, cursor: cursor || undefined } });
      claims.push(...answer.claims);
      cursor = answer.next_cursor;
      if (!cursor) break;
    }
    return { claims, cursor };
  }

  // queued → processing writes no event: a running extraction is watched by polling.
  function watch() {
    clearTimeout(state.watch);
    if (["queued", "processing"].includes(state.article.status) && state.alive) {
      state.watch = setTimeout(() => load().catch(() => {}), WATCH_MS);
    }
  }

  function renderCorrection() {
    clear(correction);
    if (!desk.can("submit") || !state.article) return;
    const open = h("button", { type: "button", text: "Correct this article" });
    correction.append(open);
    open.addEventListener("click", async () => {
      let article;
      try {
        article = await api(`/articles/${encodeURIComponent(id)}`);   // with its text, once
      } catch (error) {
        if (error.status !== 401) toast(`Could not load the article's text: ${error.message}`, "error");
        return;
      }
      fill(correction, h("h2", { text: "Correct this article" }),
        h("p", { class: "muted", text: "Claims still in the corrected text keep their ids, states and verdicts; claims no longer in it are retracted." }),
        articleForm({ submitLabel: "Submit correction", initial: { ...article, format: "text" }, onSubmit: async (body) => {
          const before = new Set(state.claims.filter((c) => !c.retracted).map((c) => c.id));
          await api(`/articles/${encodeURIComponent(id)}`, { method: "PUT", body });
          state.before = before;
          toast("Correction submitted: re-extracting…");
          clear(notices);
          renderCorrection();
          await load();
        } }));
      correction.querySelector("textarea").focus();
    });
  }

  await load();
  renderCorrection();
  return {
    onChanges: ({ events, truncated }) => {
      if (truncated || events.some((e) => e.article_id === id)) load().catch(() => {});
    },
    unmount() { state.alive = false; clearTimeout(state.watch); },
  };
}
