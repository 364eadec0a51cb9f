// Words and numbers as people read them.

export const STATUSES = [
  ["pending", "Pending"], ["in_review", "In review"], ["awaiting_approval", "Awaiting approval"],
  ["verified", "Verified"], ["flagged", "Flagged"], ["dismissed", "Dismissed"],
];
export const STATUS_LABEL = Object.fromEntries(STATUSES);

export const VERIFY_RATINGS = [["true", "True"], ["mostly_true", "Mostly true"]];
export const FLAG_RATINGS = [["half_true", "Half true"], ["mostly_false", "Mostly false"], ["false", "False"],
  ["misleading", "Misleading"], ["unproven", "Unproven"]];
export const RATING_LABEL = Object.fromEntries([...VERIFY_RATINGS, ...FLAG_RATINGS]);

export const DISMISS_REASONS = [["not_checkworthy", "Not check-worthy"], ["opinion", "Opinion"],
  ["duplicate", "Duplicate"], ["out_of_scope", "Out of scope"]];
export const REASON_LABEL = Object.fromEntries(DISMISS_REASONS);

export function statusLabel(status) {
  return STATUS_LABEL[status] || status || "—";
}

export function ratingLabel(rating) {
  return RATING_LABEL[rating] || rating || "";
}

export function seconds(totalSeconds) {
  if (totalSeconds === null || totalSeconds === undefined) return "—";
  const s = Math.max(0, Math.round(totalSeconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  if (s < 86400) return `${(s / 3600).toFixed(s < 36000 ? 1 : 0)} h`;
  return `${(s / 86400).toFixed(s < 864000 ? 1 : 0)} d`;
}

export function since(iso, now = Date.now()) {
  if (!iso) return "—";
  const then = Date.parse(iso);
  return Number.isNaN(then) ? "—" : seconds((now - then) / 1000);
}

export function when(iso) {
  if (!iso) return "—";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso
    : date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

export function countdown(totalSeconds) {
  const s = Math.max(0, Math.floor(totalSeconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

export function score(value) {
  return typeof value === "number" ? value.toFixed(2) : "—";
}

export function plural(n, one, many = `${one}s`) {
  return `${n} ${n === 1 ? one : many}`;
}

export function actorName(actor) {
  if (!actor) return "—";
  if (typeof actor === "string") return actor;
  return actor.name || actor.key_id || "—";
}
