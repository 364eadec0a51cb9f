// Pieces several views show: status badges, the score with its reasons, article titles.
import { api } from "../api.js";
import { h, uid } from "../dom.js";
import { ratingLabel, score, statusLabel } from "../format.js";

export function statusBadge(status, { retracted = false } = {}) {
  return h("span", { class: ["badge", `status-${status}`, retracted && "retracted"] },
    retracted ? `${statusLabel(status)} · retracted` : statusLabel(status));
}

export function ratingBadge(rating) {
  return rating ? h("span", { class: ["badge", `rating-${rating}`], text: ratingLabel(rating) }) : null;
}

// The score, with the signals behind it on hover and on keyboard focus.
export function scoreChip(claim) {
  const tipId = uid("reasons");
  const reasons = claim.score_reasons || [];
  const level = claim.score >= 0.66 ? "high" : claim.score >= 0.33 ? "mid" : "low";
  return h("span", { class: "score-wrap" },
    h("button", { type: "button", class: ["score", level], "aria-describedby": tipId,
      "aria-label": `Check-worthiness ${score(claim.score)}`, text: score(claim.score) }),
    h("span", { class: "tooltip", role: "tooltip", id: tipId },
      h("strong", { text: "Why this score" }),
      reasons.length ? h("ul", {}, reasons.map((reason) => h("li", { text: reason })))
        : h("p", { text: "No signals recorded." })));
}

// Article titles by id, fetched once per page of claims in one request.
const titles = new Map();

export async function articleTitles(ids) {
  const missing = [...new Set(ids)].filter((id) => id && !titles.has(id));
  if (missing.length) {
    try {
      const answer = await api("/articles", { query: { id: missing.slice(0, 100) } });
      for (const article of answer.articles) titles.set(article.id, articleName(article));
    } catch (error) {
      if (error.status === 401) throw error;
    }
    for (const id of missing) if (!titles.has(id)) titles.set(id, null);
  }
  return titles;
}

export function rememberTitle(article) {
  titles.set(article.id, articleName(article));
}

export function articleName(article) {
  return article.title || article.url || `Untitled article (${article.created_at ? article.created_at.slice(0, 10) : article.id})`;
}

// Calls `fn` at most once per `ms`, the last call winning.
export function debounce(fn, ms) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

// Loads of one view overlap (a change event, a filter, a page turn) and may finish out of order.
// `const latest = newestLoad()` once; each load takes `const current = latest()` as it starts and
// renders only if `current()` still holds when its answers are in.
export function newestLoad() {
  let started = 0;
  return () => {
    const ticket = ++started;
    return () => ticket === started;
  };
}

export function emptyRow(columns, text) {
  return h("tr", { class: "empty" }, h("td", { colSpan: columns, text }));
}
