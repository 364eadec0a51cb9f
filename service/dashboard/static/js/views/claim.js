// One claim: the text in its article, what the extractor found, similar claims, the history,
// the lease, and the review forms. A stale change shows what someone else changed, never a
// raw error, and can be redone on the fresh claim.
import { api, ApiError, transition } from "../api.js";
import { append, clear, field, fill, h, select, setFieldError, showFieldErrors } from "../dom.js";
import {
  actorName, countdown, DISMISS_REASONS, FLAG_RATINGS, plural, ratingLabel, REASON_LABEL, score, since,
  statusLabel, VERIFY_RATINGS, when,
} from "../format.js";
import { columnChart } from "../charts.js";
import { toast } from "../toast.js";
import { articleName, ratingBadge, rememberTitle, scoreChip, statusBadge } from "./shared.js";

const VERDICTS = new Set(["verified", "flagged"]);
const CLOSED = new Set(["verified", "flagged", "dismissed"]);
const ACTIONS = {
  verify: { label: "Verify", submit: "Verify claim", to: "verified", done: "Claim verified" },
  flag: { label: "Flag", submit: "Flag claim", to: "flagged", done: "Claim flagged" },
  dismiss: { label: "Dismiss", submit: "Dismiss claim", to: "dismissed", done: "Claim dismissed" },
  reopen: { label: "Reopen", submit: "Reopen claim", to: "pending", done: "Claim reopened" },
};
const COMPARED = [
  ["status", "status", statusLabel], ["assignee", "reviewer", actorName], ["rating", "rating", ratingLabel],
  ["explanation", "explanation", (v) => v || "—"], ["reason", "reason", (v) => REASON_LABEL[v] || v || "—"],
  ["evidence", "evidence links", (v) => plural((v || []).length, "link")],
  ["notes", "notes", (v) => plural((v || []).length, "note")],
  ["retracted", "retracted", (v) => (v ? "yes" : "no")],
];

export function claimView({ id, action }) {
  return { mount: (container, desk) => mountClaim(container, desk, id, action) };
}

async function mountClaim(container, desk, id, initialAction) {
  const me = desk.session.me;
  const canReview = desk.can("review");
  const state = { claim: null, article: null, action: null, dirty: false, alive: true, timer: null };

  state.claim = await api(`/claims/${encodeURIComponent(id)}`);
  try {
    state.article = await api(`/articles/${encodeURIComponent(state.claim.article_id)}`);
    rememberTitle(state.article);
  } catch (error) {
    if (error.status === 401) throw error;
    state.article = null;
  }

  const root = h("section", { class: "view claim-view" });
  const notices = h("div", { class: "notices" });
  const head = h("div", { class: "claim-head" });
  const leaseBox = h("div", { class: "lease", role: "status", "aria-live": "off" });
  const actionsBar = h("div", { class: "actions", role: "group", "aria-label": "Review actions" });
  const formSlot = h("div", { class: "form-slot" });
  const details = h("div", { class: "details" });
  const matches = h("section", { class: "panel", "aria-labelledby": "matches-title" });
  const factchecks = h("section", { class: "panel", "aria-labelledby": "factchecks-title" });
  const recurrence = h("section", { class: "panel", "aria-labelledby": "recurrence-title" });
  const verdict = h("section", { class: "panel verdict", "aria-labelledby": "verdict-title" });
  const history = h("section", { class: "panel", "aria-labelledby": "history-title" });
  const articlePanel = h("section", { class: "panel article-text", "aria-labelledby": "article-title" });

  root.append(
    h("p", { class: "crumbs" }, h("a", { href: `#/queue/${state.claim.status}`, text: "← Back to the queue" })),
    notices, head,
    h("div", { class: "claim-grid" },
      h("div", { class: "claim-main" }, leaseBox, actionsBar, formSlot, verdict, details, factchecks, matches, recurrence, history),
      articlePanel));
  container.append(root);

  const isMine = (claim) => Boolean(claim.assignee && claim.assignee.key_id === me.key_id);
  const canDecide = (claim) => canReview && claim.status === "in_review" && (isMine(claim) || me.role === "admin");

  // ---- rendering --------------------------------------------------------------------
  function render() {
    const claim = state.claim;
    fill(head, 
      h("div", { class: "badges" }, statusBadge(claim.status, { retracted: claim.retracted }), ratingBadge(claim.rating),
        claim.needs_context ? h("span", { class: "badge warn", text: "Needs context" }) : null),
      h("h1", { class: "claim-title", tabIndex: -1, text: claim.text }),
      claim.sentence && claim.sentence !== claim.text
        ? h("p", { class: "sentence" }, h("span", { class: "muted", text: "Original sentence: " }), h("q", { text: claim.sentence }))
        : null);
    renderLease();
    renderActions();
    renderVerdict();
    renderDetails();
    renderMatches();
    renderHistory();
    lookUpFactchecks().catch((error) => { if (error.status !== 401) console.warn(error); });
    loadRecurrence().catch((error) => { if (error.status !== 401) console.warn(error); });
  }

  function renderLease() {
    clearInterval(state.timer);
    const claim = state.claim;
    clear(leaseBox);
    leaseBox.hidden = claim.status !== "in_review" && claim.status !== "awaiting_approval";
    if (leaseBox.hidden) return;
    if (claim.status === "awaiting_approval") {
      const proposer = claim.proposed_by;
      leaseBox.append(h("p", {}, `${actorName(proposer)} proposes `, h("strong", { text: statusLabel(claim.proposed_status) }),
        claim.rating ? ` (${ratingLabel(claim.rating)})` : "", proposer && proposer.key_id === me.key_id
          ? ": a second reviewer must approve it." : ": approve it or send it back."));
      return;
    }
    const remaining = h("strong", { class: "countdown" });
    const tick = () => {
      const left = (Date.parse(claim.lease_expires_at) - Date.now()) / 1000;
      remaining.textContent = countdown(left);
      leaseBox.classList.toggle("urgent", left < 120);
      if (left <= 0) {
        clearInterval(state.timer);
        remaining.textContent = "expired";
        reload();
      }
    };
    if (isMine(claim)) {
      leaseBox.append(h("p", {}, "You are reviewing this claim. Your lease ends in ", remaining, "."),
        h("div", { class: "row" },
          h("button", { type: "button", text: "Renew", title: "Renew your lease", on: { click: renew } }),
          h("button", { type: "button", text: "Release", title: "Release (r): back to the queue", on: { click: release } })));
    } else {
      leaseBox.append(h("p", {}, `${actorName(claim.assignee)} is reviewing this claim; the lease ends in `, remaining, "."));
    }
    tick();
    state.timer = setInterval(tick, 1000);
  }

  function actionButton(name, label, handler, hint) {
    return h("button", { type: "button", class: state.action === name ? "active" : null, title: hint,
      "aria-pressed": state.action === name ? "true" : "false", on: { click: handler } }, label);
  }

  function renderActions() {
    const claim = state.claim;
    clear(actionsBar);
    if (!canReview) return;
    const buttons = [];
    if (claim.status === "pending" && !claim.retracted) {
      buttons.push(h("button", { type: "button", class: "primary", text: "Start review", on: { click: startReview },
        title: "Take this claim (a lease) to verify or flag it" }));
    }
    if (canDecide(claim)) {
      buttons.push(actionButton("verify", ["Verify ", h("kbd", { text: "v" })], () => openForm("verify")),
        actionButton("flag", ["Flag ", h("kbd", { text: "f" })], () => openForm("flag")));
    }
    if ((claim.status === "pending" && !claim.retracted) || canDecide(claim) || (claim.retracted && !CLOSED.has(claim.status))) {
      buttons.push(actionButton("dismiss", ["Dismiss ", h("kbd", { text: "d" })], () => openForm("dismiss")));
    }
    if (claim.status === "awaiting_approval" && claim.proposed_by?.key_id !== me.key_id) {
      buttons.push(h("button", { type: "button", class: "primary", on: { click: approve } },
        `Approve: ${statusLabel(claim.proposed_status)}`),
      h("button", { type: "button", text: "Send back", on: { click: sendBack } }));
    }
    if (CLOSED.has(claim.status)) buttons.push(actionButton("reopen", "Reopen", () => openForm("reopen")));
    if (VERDICTS.has(claim.status)) {
      const targets = (claim.matches || []).filter((m) => m.tier === "confirmed" && m.status === "pending");
      if (targets.length) {
        buttons.push(h("button", { type: "button", on: { click: copyToMatches } },
          `Copy verdict to ${plural(targets.length, "confirmed match", "confirmed matches")}`));
      }
    }
    if (CLOSED.has(claim.status) || claim.status === "awaiting_approval") {
      buttons.push(h("button", { type: "button", title: "Take next (n)", on: { click: () => desk.takeNext() } },
        "Take next ", h("kbd", { text: "n" })));
    }
    actionsBar.append(...buttons);
  }

  function renderVerdict() {
    const claim = state.claim;
    clear(verdict);
    const has = claim.rating || claim.explanation || claim.reason || (claim.evidence || []).length || (claim.notes || []).length;
    verdict.hidden = !has;
    if (!has) return;
    append(verdict, [h("h2", { id: "verdict-title", text: "Verdict, evidence and notes" }),
      h("dl", { class: "facts" },
        claim.rating ? [h("dt", { text: "Rating" }), h("dd", {}, ratingBadge(claim.rating))] : null,
        claim.explanation ? [h("dt", { text: "Explanation" }), h("dd", { class: "prose", text: claim.explanation })] : null,
        claim.reason ? [h("dt", { text: claim.status === "dismissed" ? "Dismissed as" : "Reopened because" }),
          h("dd", { text: REASON_LABEL[claim.reason] || claim.reason })] : null,
        claim.copied_from ? [h("dt", { text: "Copied from" }), h("dd", {}, h("a", { href: `#/claims/${claim.copied_from}`, text: claim.copied_from }))] : null),
      (claim.evidence || []).length ? h("ul", { class: "evidence" }, claim.evidence.map((item) => h("li", {},
        safeLink(item.url, item.title || item.url), item.note ? h("span", { class: "muted", text: ` — ${item.note}` }) : null,
        h("span", { class: "byline", text: ` ${actorName(item.actor)}, ${when(item.at)}` })))) : null,
      (claim.notes || []).length ? h("ul", { class: "notes" }, claim.notes.map((note) => h("li", {},
        h("p", { class: "prose", text: note.text }), h("span", { class: "byline", text: `${actorName(note.actor)}, ${when(note.at)}` })))) : null]);
  }

  function renderDetails() {
    const claim = state.claim;
    const entities = claim.entities || [];
    const dates = claim.dates || [];
    fill(details, h("dl", { class: "facts" },
      h("dt", { text: "Check-worthiness" }), h("dd", {}, scoreChip(claim),
        claim.priority_boost ? h("span", { class: "muted", text: ` +${score(claim.priority_boost)} queue boost (${boostReason(claim)})` }) : null),
      h("dt", { text: "Attribution" }), h("dd", { text: claim.attribution || "— (the article itself)" }),
      h("dt", { text: "Kind" }), h("dd", { text: claim.kind || "—" }),
      h("dt", { text: "Entities" }), h("dd", {}, entities.length ? h("ul", { class: "chips" }, entities.map((e) => h("li", {
        class: "chip", title: e.canonical && e.canonical !== e.text ? `canonical: ${e.canonical}` : null,
      }, e.text, h("span", { class: "muted", text: ` ${e.label || ""}` })))) : "—"),
      h("dt", { text: "Dates" }), h("dd", {}, dates.length ? h("ul", { class: "chips" }, dates.map((d) => h("li", { class: "chip" },
        d.text, d.iso ? h("span", { class: "muted", text: ` → ${d.iso}` }) : null))) : "—"),
      h("dt", { text: "Self-contained" }), h("dd", { text: claim.needs_context
        ? "No: needs context (an unresolved reference); read the sentence in the article" : "Yes" }),
      h("dt", { text: "Extracted" }), h("dd", { text: `${when(claim.created_at)}${claim.extractor ? ` by ${claim.extractor.name} ${claim.extractor.version}` : ""}` }),
      h("dt", { text: "Version" }), h("dd", { text: String(claim.version) })));
    if (claim.retracted) {
      details.prepend(h("p", { class: "alert info", text: "Retracted: a correction of the article removed this claim. It has left the queue; its history stays." }));
    }
  }

  function renderMatches() {
    const claim = state.claim;
    const list = claim.matches || [];
    fill(matches, h("h2", { id: "matches-title", text: `Checked before? Similar claims elsewhere (${list.length})` }));
    if (!list.length) {
      matches.append(h("p", { class: "muted", text: "No similar claim in other articles." }));
      return;
    }
    matches.append(h("ul", { class: "matches" }, list.map((match) => {
      const controls = [];
      if (canReview && match.tier === "suggested") {
        controls.push(h("button", { type: "button", text: "Confirm", "aria-label": `Confirm match: ${match.text || match.claim_id}`,
          on: { click: () => decide(match, "confirm") } }),
        h("button", { type: "button", text: "Reject", "aria-label": `Reject match: ${match.text || match.claim_id}`,
          on: { click: () => decide(match, "reject") } }));
      }
      if (canReview && match.tier === "confirmed" && VERDICTS.has(match.status) && claim.status === "pending") {
        controls.push(h("button", { type: "button", class: "primary", on: { click: () => copyFrom(match) } },
          `Copy verdict: ${statusLabel(match.status)}`));
      }
      return h("li", { class: "match" },
        h("div", {}, h("a", { href: `#/claims/${match.claim_id}`, text: match.text || match.claim_id })),
        h("div", { class: "match-meta" },
          h("span", { class: ["badge", `tier-${match.tier}`], text: match.tier }),
          h("span", { class: "muted", text: `similarity ${score(match.score)}` }),
          statusBadge(match.status), ratingBadge(match.rating)),
        (match.differences || []).length
          ? h("p", { class: "differs", role: "note", text: `Not the same claim? ${match.differences.join("; ")}` }) : null,
        controls.length ? h("div", { class: "row" }, controls) : null);
    })));
  }

  // Fact-checks (stored ClaimReviews and our own verdicts) that look like this claim, looked up
  // once per claim text: the lookup's index lives server-side, this asks it.
  let lookedUp = null;
  async function lookUpFactchecks() {
    const text = state.claim.text;
    if (lookedUp === text) return;
    lookedUp = text;
    fill(factchecks, h("h2", { id: "factchecks-title", text: "Fact-checked before?" }),
      h("p", { class: "muted", text: "Looking among the stored fact-checks…" }));
    let results;
    try {
      results = (await api("/factchecks/search", { method: "POST", body: { text, limit: 5 } })).results
        .filter((result) => !(result.kind === "claim" && result.id === state.claim.id));
    } catch (error) {
      if (error.status === 401) throw error;
      fill(factchecks, h("h2", { id: "factchecks-title", text: "Fact-checked before?" }),
        h("p", { class: "muted", text: `The lookup failed: ${error.message}` }));
      return;
    }
    if (!state.alive || lookedUp !== text) return;
    fill(factchecks, h("h2", { id: "factchecks-title", text: `Fact-checked before? (${results.length})` }));
    if (!results.length) {
      factchecks.append(h("p", { class: "muted", text: "No stored fact-check or verdict looks like this claim." }));
      return;
    }
    factchecks.append(h("ul", { class: "matches factchecks" }, results.map(factcheckItem)));
  }

  function factcheckItem(result) {
    const meta = [h("span", { class: "muted", text: `similarity ${score(result.similarity)}` })];
    let title;
    if (result.kind === "factcheck") {
      const fc = result.factcheck;
      title = safeLink(fc.url, fc.claim_reviewed);
      meta.unshift(h("span", { class: "badge", text: fc.publisher || "fact-check" }));
      // Attached to the claim when it was extracted (it moved the claim up the queue if rated false).
      const attached = (state.claim.factchecks || []).find((found) => found.factcheck_id === result.id);
      if (attached) meta.unshift(h("span", { class: ["badge", `tier-${attached.tier}`], text: `matched: ${attached.tier}` }));
      if (fc.rating && fc.rating.alternate_name) meta.push(h("span", { text: `rated “${fc.rating.alternate_name}”` }));
      if (fc.rating_mapped) meta.push(ratingBadge(fc.rating_mapped));
      if (fc.date_published) meta.push(h("span", { class: "muted", text: fc.date_published }));
    } else {
      title = h("a", { href: `#/claims/${encodeURIComponent(result.id)}`, text: result.text });
      meta.unshift(h("span", { class: "badge", text: "our verdict" }));
      meta.push(statusBadge(result.claim.status), ratingBadge(result.claim.rating));
    }
    return h("li", { class: "match" }, h("div", {}, title), h("div", { class: "match-meta" }, meta),
      result.matched_terms.length
        ? h("p", { class: "muted", text: `Shared words: ${result.matched_terms.join(", ")}` }) : null,
      result.differences.length
        ? h("p", { class: "differs", role: "note", text: `Not the same claim? ${result.differences.join("; ")}` }) : null);
  }

  // Where this claim keeps coming back: read once per claim version (matches change it).
  let recurrenceOf = null;
  async function loadRecurrence() {
    const key = `${state.claim.id}@${(state.claim.matches || []).length}`;
    if (recurrenceOf === key) return;
    recurrenceOf = key;
    const found = await api(`/claims/${encodeURIComponent(state.claim.id)}/recurrence`);
    if (!state.alive || recurrenceOf !== key) return;
    const heading = h("h2", { id: "recurrence-title", text: `Repeated elsewhere (${found.occurrences - 1})` });
    if (found.occurrences <= 1) {
      fill(recurrence, heading, h("p", { class: "muted", text: "Not seen in any other article yet." }));
      return;
    }
    const others = found.claims.filter((claim) => claim.id !== state.claim.id);
    fill(recurrence, heading,
      h("p", {}, `Seen ${found.occurrences} times in ${plural(found.articles, "article")}, first ${seenOn(found.first_seen)}, `
        + `last ${seenOn(found.last_seen)}${found.truncated ? " (more not shown)" : ""}.`),
      found.per_day.length > 1
        ? columnChart("Occurrences per day", found.per_day.map((day) => ({ label: day.date, short: day.date.slice(5), value: day.count })))
        : null,
      found.sources.length
        ? h("p", {}, h("span", { class: "muted", text: "Sources: " }),
          found.sources.map((entry) => `${entry.source} (${entry.count})`).join(", ")) : null,
      found.speakers.length
        ? h("p", {}, h("span", { class: "muted", text: "Said by: " }),
          found.speakers.map((entry) => `${entry.speaker} (${entry.count})`).join(", ")) : null,
      h("ul", { class: "matches recurrence" }, others.map((claim) => h("li", { class: "match" },
        h("div", {}, h("a", { href: `#/claims/${encodeURIComponent(claim.id)}`, text: claim.text })),
        h("div", { class: "match-meta" },
          h("span", { class: ["badge", `tier-${claim.tier}`], text: claim.tier }),
          h("span", { class: "muted", text: [claim.source, claim.article_title].filter(Boolean).join(" — ") || claim.article_id }),
          h("span", { class: "muted", text: seenOn(claim.seen_at) }),
          statusBadge(claim.status), ratingBadge(claim.rating))))));
  }

  function renderHistory() {
    const entries = state.claim.history || [];
    fill(history, h("h2", { id: "history-title", text: "History" }),
      h("ol", { class: "history" }, entries.slice().reverse().map((entry) => h("li", {},
        h("span", { class: "when", text: when(entry.at) }), " ",
        h("strong", { text: actorName(entry.actor) }), " ",
        entry.from ? `${statusLabel(entry.from)} → ${statusLabel(entry.to)}` : `created as ${statusLabel(entry.to)}`,
        entry.why ? h("span", { class: "muted", text: ` — ${entry.why}` }) : null,
        describeFields(entry.fields) ? h("span", { class: "muted", text: ` (${describeFields(entry.fields)})` }) : null))));
  }

  function renderArticle() {
    const claim = state.claim;
    const article = state.article;
    clear(articlePanel);
    if (!article) {
      articlePanel.append(h("h2", { id: "article-title", text: "Article" }), h("p", { class: "muted", text: "The article could not be loaded." }));
      return;
    }
    const text = article.text || "";
    const { start, end } = claim.span || { start: 0, end: 0 };
    const body = h("div", { class: "article-body", tabIndex: 0, "aria-label": "Article text" });
    if (end > start && end <= text.length) {
      body.append(text.slice(0, start), h("mark", { text: text.slice(start, end) }), text.slice(end));
    } else {
      body.append(text);
    }
    articlePanel.append(
      h("h2", { id: "article-title" }, h("a", { href: `#/articles/${article.id}`, text: articleName(article) })),
      h("p", { class: "muted" }, [article.source, article.published_at ? `published ${article.published_at.slice(0, 10)}` : null]
        .filter(Boolean).join(" · "), article.url ? [" · ", safeLink(article.url, "original")] : null),
      body);
    const mark = body.querySelector("mark");
    if (mark) requestAnimationFrame(() => { body.scrollTop = Math.max(0, mark.offsetTop - body.clientHeight / 3); });
  }

  // ---- forms ------------------------------------------------------------------------
  function openForm(name) {
    const claim = state.claim;
    const allowed = { verify: canDecide(claim), flag: canDecide(claim),
      dismiss: canReview && ((claim.status === "pending") || canDecide(claim)), reopen: canReview && CLOSED.has(claim.status) };
    if (!allowed[name]) {
      toast(name === "reopen" ? "Only a closed claim can be reopened." : claim.status === "pending"
        ? "Start the review first (a lease): then verify or flag." : `A ${statusLabel(claim.status).toLowerCase()} claim cannot be changed that way now.`);
      return;
    }
    state.action = name;
    renderActions();
    fill(formSlot, buildForm(name));
    formSlot.querySelector("select, textarea, input")?.focus();
  }

  function closeForm() {
    state.action = null;
    state.dirty = false;
    clear(formSlot);
    renderActions();
  }

  function buildForm(name) {
    const spec = ACTIONS[name];
    const controls = {};
    const parts = [];
    if (name === "verify" || name === "flag") {
      controls.rating = select([["", "Choose a rating…"], ...(name === "verify" ? VERIFY_RATINGS : FLAG_RATINGS)], { required: true });
      parts.push(field("Rating", controls.rating));
      controls.explanation = h("textarea", { rows: 4, maxLength: 10000, required: name === "flag" });
      parts.push(field(name === "flag" ? "Explanation" : "Explanation (optional)", controls.explanation,
        { hint: name === "flag" ? "What is wrong with the claim, for readers and for the record." : null }));
    }
    if (name === "dismiss") {
      controls.reason = select([["", "Choose a reason…"], ...DISMISS_REASONS], { required: true });
      parts.push(field("Reason", controls.reason));
    }
    if (name === "reopen") {
      controls.reason = h("input", { type: "text", maxLength: 2000, required: true });
      parts.push(field("Reason", controls.reason, { hint: "Why the verdict needs another look." }));
    }
    const evidenceRows = h("div", { class: "evidence-rows" });
    const addEvidence = (values = {}) => {
      const urlInput = h("input", { type: "url", placeholder: "https://…", value: values.url || "", class: "evidence-url" });
      const titleInput = h("input", { type: "text", maxLength: 500, value: values.title || "", class: "evidence-title" });
      const remove = h("button", { type: "button", class: "ghost", text: "Remove", "aria-label": "Remove this evidence link" });
      const row = h("fieldset", { class: "evidence-row" }, h("legend", { class: "sr-only", text: "Evidence link" }),
        field("Evidence URL", urlInput), field("Evidence title", titleInput), remove);
      remove.addEventListener("click", () => row.remove());
      evidenceRows.append(row);
      return urlInput;
    };
    if (name !== "reopen") {
      parts.push(h("div", { class: "evidence-block" }, h("h3", { text: "Evidence links" }), evidenceRows,
        h("button", { type: "button", text: "Add evidence link", on: { click: () => addEvidence().focus() } })));
      if (name !== "dismiss") addEvidence();
    }
    controls.note = h("textarea", { rows: 2, maxLength: 10000 });
    parts.push(field("Note", controls.note, { hint: "For the desk: not published." }));
    const alert = h("div", { class: "form-alert", role: "alert" });
    const submit = h("button", { type: "submit", class: "primary", text: spec.submit });
    const form = h("form", { class: "panel action-form", novalidate: true, "aria-label": spec.submit },
      h("h2", { text: spec.submit }), alert, ...parts,
      h("div", { class: "row" }, submit, h("button", { type: "button", text: "Cancel", on: { click: closeForm } })));
    form.addEventListener("input", () => { state.dirty = true; });
    form.addEventListener("keydown", (event) => {
      if (event.key === "Escape") { event.preventDefault(); closeForm(); }
    });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      clear(alert);
      const body = collect(name, controls, evidenceRows);
      if (!body) return;
      submit.disabled = true;
      await act(name, body, { alert, controls, form });
      submit.disabled = false;
    });
    return form;
  }

  // Validated before sending; null (with messages shown) when something is missing.
  function collect(name, controls, evidenceRows) {
    let firstBad = null;
    const fail = (control, message) => {
      setFieldError(control, message);
      if (message && !firstBad) firstBad = control;
    };
    const body = { to: ACTIONS[name].to };
    if (controls.rating) {
      fail(controls.rating, controls.rating.value ? "" : "Choose a rating.");
      if (controls.rating.value) body.rating = controls.rating.value;
    }
    if (controls.explanation) {
      const text = controls.explanation.value.trim();
      fail(controls.explanation, name === "flag" && !text ? "Explain why the claim is flagged." : "");
      if (text) body.explanation = text;
    }
    if (controls.reason) {
      const reason = controls.reason.value.trim();
      fail(controls.reason, reason ? "" : name === "dismiss" ? "Choose a reason." : "Say why it is reopened.");
      if (reason) body.reason = reason;
    }
    const evidence = [];
    for (const row of evidenceRows.querySelectorAll(".evidence-row")) {
      const urlInput = row.querySelector(".evidence-url");
      const titleInput = row.querySelector(".evidence-title");
      const link = urlInput.value.trim();
      const title = titleInput.value.trim();
      if (!link && !title) { fail(urlInput, ""); continue; }
      fail(urlInput, !link ? "Add the link this title belongs to." : isHttpUrl(link) ? "" : "Use a full http:// or https:// address.");
      if (link && isHttpUrl(link)) evidence.push(title ? { url: link, title } : { url: link });
    }
    if (evidence.length) body.evidence = evidence;
    const note = controls.note.value.trim();
    if (note) body.note = note;
    if (firstBad) {
      firstBad.focus();
      return null;
    }
    return body;
  }

  // Sends a transition on the claim as the reviewer saw it; a 409 becomes the conflict panel.
  async function act(name, body, { alert, controls } = {}) {
    const seen = state.claim;
    try {
      const updated = await transition(seen, body);
      state.claim = { ...updated, history: null };
      await reload();
      closeForm();
      const label = updated.status === "awaiting_approval" ? "Verdict proposed: a second reviewer must approve it"
        : name === "start" ? "Review started: the claim is leased to you" : ACTIONS[name]?.done || "Saved";
      toast(label);
      desk.refreshCounts();
    } catch (error) {
      if (!(error instanceof ApiError) || error.status === 401) throw error;
      if (error.status === 409 && error.body.current) {
        showConflict(seen, error.body.current, name, body);
      } else if (error.status === 422 && controls && showFieldErrors(error.fieldErrors, controls)) {
        if (alert) alert.append(h("p", { class: "alert", text: error.message }));
      } else {
        (alert || notices).append(h("p", { class: "alert", text: `Not saved: ${error.message}` }));
        if (error.status === 422 || error.status === 404) await reload({ keepForm: true });
      }
    }
  }

  function showConflict(seen, current, name, body) {
    const changes = COMPARED.filter(([key]) => JSON.stringify(seen[key] ?? null) !== JSON.stringify(current[key] ?? null))
      .map(([key, label, show]) => h("li", {}, `${label}: `, h("del", { text: show(seen[key]) }), " → ", h("ins", { text: show(current[key]) })));
    const lastChange = (current.history || []).at(-1);
    const redo = h("button", { type: "button", class: "primary", text: `Redo “${ACTIONS[name]?.label || name}” on the fresh claim` });
    const panel = h("div", { class: "conflict", role: "alert" },
      h("h2", { text: "Someone else changed this claim" }),
      h("p", { text: `While you were working, ${lastChange ? actorName(lastChange.actor) : "another reviewer"} changed it (version ${seen.version} → ${current.version}). Your change was not saved.` }),
      changes.length ? h("ul", {}, changes) : h("p", { class: "muted", text: "Its state looks the same; only its version moved on." }),
      h("div", { class: "row" }, redo,
        h("button", { type: "button", text: "Discard my change", on: { click: () => { panel.remove(); closeForm(); } } })));
    redo.addEventListener("click", async () => {
      redo.disabled = true;
      panel.remove();
      await act(name, body);
    });
    fill(notices, panel);
    state.claim = { ...state.claim, ...current };
    render();
    panel.querySelector("button").focus();
  }

  // ---- actions ----------------------------------------------------------------------
  async function startReview() {
    await act("start", { to: "in_review" });
  }

  async function release() {
    try {
      await api(`/claims/${encodeURIComponent(id)}/lease`, { method: "DELETE" });
      toast("Released: the claim is back in the queue.");
      desk.refreshCounts();
      await reload();
    } catch (error) {
      if (error.status !== 401) toast(`Could not release: ${error.message}`, "error");
    }
  }

  async function renew() {
    try {
      const updated = await api(`/claims/${encodeURIComponent(id)}/lease`, { method: "POST" });
      state.claim = { ...state.claim, lease_expires_at: updated.lease_expires_at };
      renderLease();
      toast("Lease renewed.");
    } catch (error) {
      if (error.status !== 401) toast(`Could not renew: ${error.message}`, "error");
      await reload();
    }
  }

  async function approve() {
    await act("approve", { to: state.claim.proposed_status });
  }

  async function sendBack() {
    await act("send back", { to: "in_review" });
  }

  async function decide(match, decision) {
    try {
      state.claim = await api(`/claims/${encodeURIComponent(id)}/matches/${encodeURIComponent(match.claim_id)}`,
        { method: "POST", body: { decision } });
      toast(decision === "confirm" ? "Match confirmed." : "Match rejected.");
      await reload();
    } catch (error) {
      if (error.status !== 401) toast(`Could not ${decision} the match: ${error.message}`, "error");
    }
  }

  async function copyFrom(match) {
    try {
      const source = await api(`/claims/${encodeURIComponent(match.claim_id)}`);
      const body = { to: source.status, rating: source.rating, copied_from: source.id };
      if (source.explanation) body.explanation = source.explanation;
      await act(source.status === "verified" ? "verify" : "flag", body);
    } catch (error) {
      if (error.status !== 401) toast(`Could not copy the verdict: ${error.message}`, "error");
    }
  }

  async function copyToMatches() {
    try {
      const answer = await api(`/claims/${encodeURIComponent(id)}/copy-verdict`, { method: "POST" });
      const copied = answer.results.filter((r) => r.code === 200).length;
      const failed = answer.results.length - copied;
      toast(`Verdict copied to ${plural(copied, "claim")}${failed ? `; ${failed} could not take it (changed meanwhile)` : ""}.`, failed ? "error" : "info");
      desk.refreshCounts();
      await reload();
    } catch (error) {
      if (error.status !== 401) toast(`Could not copy the verdict: ${error.message}`, "error");
    }
  }

  async function reload({ keepForm = false } = {}) {
    const fresh = await api(`/claims/${encodeURIComponent(id)}`);
    if (!state.alive) return;
    state.claim = fresh;
    render();
    if (!keepForm && state.action && !canKeep(state.action)) closeForm();
  }

  function canKeep(name) {
    const claim = state.claim;
    if (name === "reopen") return CLOSED.has(claim.status);
    if (name === "dismiss") return claim.status === "pending" || canDecide(claim);
    return canDecide(claim);
  }

  // Another reviewer (or a worker) changed this claim: show it, unless a form is half
  // filled, where the reviewer is told and their change will meet the conflict check.
  async function onChanges({ events, truncated }) {
    if (!truncated && !events.some((event) => event.claim_id === id)) return;
    const fresh = await api(`/claims/${encodeURIComponent(id)}`).catch(() => null);
    if (!fresh || !state.alive || fresh.version === state.claim.version) return;
    if (state.action && state.dirty) {
      fill(notices, h("div", { class: "alert info", role: "status" },
        `This claim just changed (now ${statusLabel(fresh.status)}, version ${fresh.version}). Saving your form will show what changed.`));
      return;
    }
    state.claim = fresh;
    render();
    if (state.action && !canKeep(state.action)) closeForm();
  }

  render();
  renderArticle();
  if (initialAction === "release" && isMine(state.claim)) release();
  else if (initialAction && ACTIONS[initialAction]) openForm(initialAction);
  else root.querySelector("h1").focus?.();

  return {
    keys: {
      v: () => openForm("verify"), f: () => openForm("flag"), d: () => openForm("dismiss"),
      r: () => (isMine(state.claim) ? release() : toast("You hold no lease on this claim.")),
      Escape: () => state.action && closeForm(),
    },
    onChanges,
    unmount() {
      state.alive = false;
      clearInterval(state.timer);
    },
  };
}

// A history entry's changed fields in words: cleared ones left out, people by name.
// Why the claim moved up the queue: a flagged match, a fact-check with a verdict a flagged claim
// could carry (service.claims.factcheck_boosts), or both; not one that says another thing of the
// same subject (service.matching.says_another_thing).
const FLAGGED = new Set(FLAG_RATINGS.map(([value]) => value));
const saysSame = (found) => !(found.differences || []).some((difference) => difference.startsWith("statements:"));
function boostReason(claim) {
  const reasons = [];
  if ((claim.matches || []).some((match) => match.status === "flagged" && saysSame(match))) reasons.push("a flagged claim");
  const rated = (claim.factchecks || []).find((found) => FLAGGED.has(found.rating) && saysSame(found));
  if (rated) reasons.push(`a fact-check rated ${ratingLabel(rated.rating)}`);
  return `matches ${reasons.join(" and ") || "a flagged claim"}`;
}

// An article's publication is often a bare date: shown as written, not as a local midnight.
function seenOn(iso) {
  return iso && iso.length === 10 ? iso : when(iso);
}

function describeFields(fields) {
  const parts = [];
  for (let [name, value] of Object.entries(fields || {})) {
    if (typeof value === "string" && value.startsWith("{")) {
      try { value = JSON.parse(value); } catch { /* plain text after all */ }
    }
    if (value === null || value === undefined || value === "" || (Array.isArray(value) && !value.length)) continue;
    let shown;
    if (Array.isArray(value)) shown = plural(value.length, "item");
    else if (typeof value === "object") shown = value.name || value.key_id || JSON.stringify(value);
    else if (name === "rating") shown = ratingLabel(value);
    else if (name === "proposed_status") shown = statusLabel(value);
    else shown = String(value);
    parts.push(`${name.replaceAll("_", " ")}: ${shown.length > 160 ? `${shown.slice(0, 157)}…` : shown}`);
  }
  return parts.join("; ");
}

function isHttpUrl(text) {
  try {
    const parsed = new URL(text);
    return (parsed.protocol === "http:" || parsed.protocol === "https:") && Boolean(parsed.hostname);
  } catch {
    return false;
  }
}

export function safeLink(href, text) {
  return isHttpUrl(href || "")
    ? h("a", { href, text, target: "_blank", rel: "noopener noreferrer" })
    : h("span", { text });
}
