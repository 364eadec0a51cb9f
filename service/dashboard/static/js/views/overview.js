// The desk at a glance: /api/v1/stats drawn as charts.
import { api } from "../api.js";
import { fill, h } from "../dom.js";
import { seconds, STATUSES } from "../format.js";
import { barChart, columnChart, stat } from "../charts.js";
import { debounce } from "./shared.js";

const DAYS = 30;

export function overviewView() {
  return { mount: mountOverview };
}

function lastDays(perDay) {
  const points = [];
  const today = new Date();
  for (let back = DAYS - 1; back >= 0; back -= 1) {
    const day = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() - back));
    const iso = day.toISOString().slice(0, 10);
    points.push({ label: iso, short: iso.slice(5), value: perDay[iso] || 0 });
  }
  return points;
}

function bucketLabel(le, previous) {
  if (le === null || le === undefined) return `over ${seconds(previous)}`;
  return `≤ ${seconds(le)}`;
}

async function mountOverview(container) {
  const body = h("div", { class: "overview" });
  const updated = h("p", { class: "muted", "aria-live": "polite" });
  container.append(h("section", { class: "view" },
    h("div", { class: "view-head" }, h("h1", { text: "Overview" }), updated), body));
  let alive = true;

  async function load() {
    const stats = await api("/stats");
    if (!alive) return;
    const byStatus = stats.claims.by_status || {};
    const queue = stats.queue || {};
    const ttv = stats.time_to_verdict_seconds || {};
    const articles = stats.articles || {};
    const age = queue.oldest_pending_age_seconds;
    const verdicts = lastDays(stats.verdicts_per_day || {});
    const histogram = ttv.histogram || [];
    fill(body, 
      h("div", { class: "stats-row" },
        stat("in the queue", (queue.depth ?? 0).toLocaleString(), { hint: "pending claims" }),
        stat("oldest pending", age === null || age === undefined ? "—" : seconds(age), { tone: age > 86400 ? "warn" : null }),
        stat("median time to verdict", seconds(ttv.median), { hint: ttv.samples ? `from ${ttv.samples.toLocaleString()} verdicts` : "no verdicts yet" }),
        stat("articles waiting", ((articles.queued || 0) + (articles.processing || 0)).toLocaleString(),
          { hint: `${articles.processing || 0} extracting now` })),
      h("div", { class: "charts" },
        barChart("Claims per status", STATUSES.map(([value, label]) => ({ label, value: byStatus[value] || 0, className: `bar status-${value}` }))),
        columnChart(`Verdicts per day (last ${DAYS} days)`, verdicts),
        histogram.length
          ? barChart("Time from extraction to verdict", histogram.map((bucket, index) => ({
            label: bucketLabel(bucket.le, histogram[index - 1]?.le), value: bucket.count })))
          : h("figure", { class: "chart" }, h("figcaption", { text: "Time from extraction to verdict" }),
            h("p", { class: "muted", text: ttv.median ? `Median ${seconds(ttv.median)}.` : "No verdicts yet." })),
        (stats.reviewers || []).length
          ? barChart("Reviewer load", stats.reviewers.map((reviewer) => ({ label: reviewer.name || reviewer.key_id, parts: [
            { value: reviewer.in_review, className: "bar status-in_review", name: "in review now" },
            { value: reviewer.verdicts, className: "bar status-verified", name: "verdicts" }] })),
          { legend: [["status-in_review", "in review now"], ["status-verified", "verdicts given"]] })
          : h("figure", { class: "chart" }, h("figcaption", { text: "Reviewer load" }), h("p", { class: "muted", text: "Nobody holds or has judged a claim yet." }))));
    updated.textContent = `Updated ${new Date().toLocaleTimeString()}`;
  }

  await load();
  // The oldest pending age moves with the clock, not with events: refresh it now and then too.
  const clock = setInterval(() => { if (!document.hidden) load().catch(() => {}); }, 30000);
  return {
    onChanges: debounce(() => load().catch(() => {}), 300),
    unmount() { alive = false; clearInterval(clock); },
  };
}
