"""The only code that knows claimtrack's Redis key layout; every change goes through a Lua script."""
from __future__ import annotations

import base64
import bisect
import json
import statistics
import time
from datetime import datetime, timezone
from typing import Iterable, Iterator

import redis

from service import lua
from service.claims import (
    Actor,
    ClaimStatus,
    DomainError,
    InvalidTransition,
    LeaseConflict,
    NotFound,
    StaleVersion,
    TransitionPlan,
    entity_key,
)
from service.events import STREAM_START, change_summary, message_id, stream_position
from service.webhooks import DuplicateWebhook, WebhookDisabled, url_key

PREFIX = "ct:"

# Claim hash fields holding JSON; everything else is a plain string.
_CLAIM_JSON_FIELDS = ("entities", "dates", "score_reasons", "extractor", "evidence", "notes",
                      "matches", "assignee")
_CLAIM_LIST_FIELDS = ("entities", "dates", "score_reasons", "evidence", "notes", "matches")
_ARTICLE_JSON_FIELDS = ("timings", "extractor")
# An article hash's fields but its text and HTML: what lists of articles show.
_ARTICLE_SUMMARY_FIELDS = ("id", "status", "title", "url", "source", "published_at", "language",
                           "claim_count", "error", "skipped_reason", "content_hash", "created_at",
                           "updated_at", "timings", "extractor")
IDEMPOTENCY_TTL_SECONDS = 24 * 3600
WORKER_SEEN_TTL_SECONDS = 90
LIST_SCAN_LIMIT = 2000


class IdempotencyConflict(DomainError):
    """An Idempotency-Key already used for a different article."""


class InvalidCursor(DomainError):
    pass


def now_iso(ts: float | None = None) -> str:
    moment = datetime.fromtimestamp(time.time() if ts is None else ts, tz=timezone.utc)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def encode_cursor(score: float, member: str) -> str:
    raw = json.dumps([score, member], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[float, str]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        score, member = json.loads(base64.urlsafe_b64decode(padded.encode()))
        return float(score), str(member)
    except (ValueError, TypeError, UnicodeDecodeError):
        raise InvalidCursor("the cursor is not one this API handed out",
                            errors={"cursor": ["not a valid cursor"]}) from None


# Upper bounds (seconds) of the time-to-verdict histogram: a minute to a week, then the rest.
VERDICT_TIME_BUCKETS = (60, 300, 900, 3600, 4 * 3600, 86400, 7 * 86400)


def _percentile(ordered: list[float], fraction: float) -> float:
    """Linear interpolation between closest ranks (numpy's default), on a sorted list."""
    position = (len(ordered) - 1) * fraction
    lower = int(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


def time_to_verdict_summary(ordered: list[float]) -> dict:
    """Percentiles and a histogram of the stored extraction-to-verdict durations (sorted).

    Each histogram bucket counts the durations above the previous bound up to its own `le`
    (not cumulative); `le: null` holds those over a week.
    """
    counts = [0] * (len(VERDICT_TIME_BUCKETS) + 1)
    for seconds in ordered:
        counts[bisect.bisect_left(VERDICT_TIME_BUCKETS, seconds)] += 1
    # Rounded to the millisecond the durations are measured in.
    percentiles = {name: (round(_percentile(ordered, fraction), 3) if ordered else None)
                   for name, fraction in (("p25", 0.25), ("p75", 0.75), ("p90", 0.9))}
    return {
        "median": statistics.median(ordered) if ordered else None,
        **percentiles,
        "samples": len(ordered),
        "histogram": [{"le": bound, "count": count}
                      for bound, count in zip((*VERDICT_TIME_BUCKETS, None), counts)],
    }


def _bool(raw: str | None) -> bool:
    return raw == "1"


class Store:
    """Articles, claims, keys and health marks in one Redis database."""

    def __init__(self, client: redis.Redis, *, public_url: str = "http://127.0.0.1:5000",
                 prefix: str = PREFIX):
        self.redis = client
        self.prefix = prefix
        self.public_url = public_url.rstrip("/")
        self._expire = client.register_script(lua.EXPIRE_LEASES)
        self._create_article = client.register_script(lua.CREATE_ARTICLE)
        self._store_claims = client.register_script(lua.STORE_CLAIMS)
        self._transition = client.register_script(lua.TRANSITION)
        self._lease_next = client.register_script(lua.LEASE_NEXT)
        self._renew_lease = client.register_script(lua.RENEW_LEASE)
        self._correct_article = client.register_script(lua.CORRECT_ARTICLE)
        self._link_matches = client.register_script(lua.LINK_MATCHES)
        self._decide_match = client.register_script(lua.DECIDE_MATCH)

    # -- keys ---------------------------------------------------------------------------
    def _k(self, *parts: str) -> str:
        return self.prefix + ":".join(parts)

    @property
    def claim_url_prefix(self) -> str:
        return f"{self.public_url}/api/v1/claims/"

    # -- articles -----------------------------------------------------------------------
    def create_article(self, article_id: str, fields: dict, *, content_hash: str,
                       idempotency_key: str | None = None) -> tuple[bool, dict]:
        """Store a new article; the same content (or Idempotency-Key) again returns the stored one."""
        encoded = {k: (json.dumps(v) if k in _ARTICLE_JSON_FIELDS else str(v))
                   for k, v in fields.items() if v is not None}
        encoded.update(id=article_id, content_hash=content_hash)
        outcome, stored_id = self._create_article(args=[
            self.prefix, article_id, content_hash, idempotency_key or "",
            IDEMPOTENCY_TTL_SECONDS, json.dumps(encoded), int(time.time() * 1000)])
        if int(outcome) == 2:
            raise IdempotencyConflict(
                "this Idempotency-Key was already used for a different article",
                errors={"Idempotency-Key": [f"already used for article {stored_id}"]})
        return int(outcome) == 1, self.get_article(stored_id)

    def get_article(self, article_id: str, *, with_text: bool = False) -> dict:
        raw = self.redis.hgetall(self._k("article", article_id))
        if not raw:
            raise NotFound(f"no article {article_id}")
        return self._decode_article(raw, with_text=with_text)

    def article_source(self, article_id: str) -> dict:
        """What extraction needs: the submitted text or HTML, the metadata and the timings."""
        names = ["text", "html", "published_at", "title", "language", "timings"]
        raw = self.redis.hmget(self._k("article", article_id), names)
        if raw[0] is None and raw[1] is None:
            raise NotFound(f"no article {article_id}")
        source = dict(zip(names, raw))
        source["timings"] = json.loads(source["timings"]) if source["timings"] else {}
        return source

    @staticmethod
    def _decode_article(raw: dict, *, with_text: bool, has_html: bool | None = None) -> dict:
        if has_html is None:  # the whole hash was read
            has_html = raw.get("html") is not None
        article = {
            "id": raw["id"],
            "status": raw.get("status"),
            "title": raw.get("title"),
            "url": raw.get("url"),
            "source": raw.get("source"),
            "published_at": raw.get("published_at"),
            "language": raw.get("language"),
            "claim_count": int(raw.get("claim_count") or 0),
            "error": raw.get("error"),
            "skipped_reason": raw.get("skipped_reason") or None,
            "content_hash": raw.get("content_hash"),
            "format": "html" if has_html else "text",
            "created_at": raw.get("created_at"),
            "updated_at": raw.get("updated_at"),
            "timings": json.loads(raw["timings"]) if raw.get("timings") else {},
            "extractor": json.loads(raw["extractor"]) if raw.get("extractor") else None,
        }
        if with_text:
            article["text"] = raw.get("text")
        return article

    def _article_summaries(self, ids: list[str]) -> list[dict | None]:
        """Articles without their text (None for unknown ids), in one round trip; the text and
        HTML (up to megabytes each) are never read, only whether HTML was submitted."""
        pipe = self.redis.pipeline(transaction=False)
        for article_id in ids:
            key = self._k("article", article_id)
            pipe.hmget(key, _ARTICLE_SUMMARY_FIELDS)
            pipe.hexists(key, "html")
        answers = pipe.execute()
        summaries: list[dict | None] = []
        for values, has_html in zip(answers[0::2], answers[1::2]):
            raw = {name: value for name, value in zip(_ARTICLE_SUMMARY_FIELDS, values) if value is not None}
            summaries.append(self._decode_article(raw, with_text=False, has_html=has_html)
                             if raw.get("id") else None)
        return summaries

    def list_articles(self, *, status: str | None = None, cursor: str | None = None,
                      limit: int = 50, newest_first: bool = False) -> tuple[list[dict], str | None]:
        return self._list(self._k("articles"), self._article_summaries,
                          (lambda a: a["status"] == status) if status else None, cursor, limit,
                          descending=newest_first)

    def articles_by_id(self, ids: list[str]) -> list[dict]:
        """The known ones of `ids`, without text, in the order given (repeats once)."""
        wanted = list(dict.fromkeys(ids))
        return [article for article in self._article_summaries(wanted) if article is not None]

    def mark_processing(self, article_id: str, *, timings: dict) -> None:
        key = self._k("article", article_id)
        pipe = self.redis.pipeline()
        pipe.hset(key, mapping={"status": "processing", "timings": json.dumps(timings),
                                "updated_at": now_iso()})
        pipe.zrem(self._k("articles", "queued"), article_id)
        pipe.zadd(self._k("articles", "processing"), {article_id: time.time() * 1000})
        pipe.execute()

    def fail_article(self, article_id: str, error: str, *, timings: dict | None = None) -> None:
        key = self._k("article", article_id)
        if not self.redis.exists(key):
            return
        stamp = now_iso()
        body = json.dumps({"type": "article.failed", "timestamp": stamp,
                           "data": {"article_id": article_id, "error": error[:500]}})
        pipe = self.redis.pipeline()  # MULTI: the failure and its event together
        pipe.hset(key, mapping={"status": "failed", "error": error[:2000], "updated_at": stamp,
                                **({"timings": json.dumps(timings)} if timings else {})})
        pipe.zrem(self._k("articles", "queued"), article_id)
        pipe.zrem(self._k("articles", "processing"), article_id)
        pipe.xadd(self._k("events"), {"type": "article.failed", "body": body},
                  maxlen=1_000_000, approximate=True)
        pipe.execute()

    def store_extraction(self, article_id: str, claims: list[dict], article_fields: dict) -> list[str]:
        """Write one extraction run's claims atomically; returns the ids created by it.

        `claims`: [{id, start, score, age_key, entity_keys, fields}] with `fields` the extraction
        output only, so a claim that was there before keeps its state, verdict and history.
        """
        encoded_claims = [
            {"id": c["id"], "start": c["start"], "score": c["score"], "age_key": c["age_key"],
             "entity_keys": list(c.get("entity_keys", ())),
             "fields": {k: (json.dumps(v) if k in _CLAIM_JSON_FIELDS else
                            ("1" if v is True else "0" if v is False else str(v)))
                        for k, v in c["fields"].items() if v is not None}}
            for c in claims
        ]
        encoded_article = {k: (json.dumps(v) if k in _ARTICLE_JSON_FIELDS else str(v))
                           for k, v in article_fields.items() if v is not None}
        now = time.time()
        try:
            return list(self._store_claims(args=[
                self.prefix, article_id, int(now * 1000), now_iso(now), self.claim_url_prefix,
                json.dumps(encoded_claims), json.dumps(encoded_article),
                f"{self.public_url}/api/v1/articles/{article_id}"]))
        except redis.ResponseError as exc:
            if "NOT_FOUND" in str(exc):
                raise NotFound(f"no article {article_id}") from None
            raise

    def article_claims(self, article_id: str) -> list[dict]:
        if not self.redis.exists(self._k("article", article_id)):
            raise NotFound(f"no article {article_id}")
        ids = self.redis.zrange(self._k("article", article_id, "claims"), 0, -1)
        return [c for c in self._load_claims(ids) if c is not None]

    # -- claims -------------------------------------------------------------------------
    def _decode_claim(self, raw: dict) -> dict:
        claim: dict = {
            "id": raw["id"],
            "article_id": raw.get("article_id"),
            "text": raw.get("text"),
            "sentence": raw.get("sentence"),
            "span": {"start": int(raw.get("span_start") or 0), "end": int(raw.get("span_end") or 0)},
            "attribution": raw.get("attribution"),
            "score": float(raw.get("score") or 0.0),
            "kind": raw.get("kind"),
            "status": raw.get("status"),
            "version": int(raw.get("version") or 0),
            "needs_context": _bool(raw.get("needs_context")),
            "relative_dates_unresolved": _bool(raw.get("relative_dates_unresolved")),
            "rating": raw.get("rating"),
            "explanation": raw.get("explanation"),
            "reason": raw.get("reason"),
            "copied_from": raw.get("copied_from"),
            "proposed_status": raw.get("proposed_status"),
            "proposed_by": json.loads(raw["proposed_by"]) if raw.get("proposed_by") else None,
            "retracted": _bool(raw.get("retracted")),
            "priority_boost": float(raw.get("boost") or 0.0),
            "created_at": raw.get("created_at"),
            "updated_at": raw.get("updated_at"),
            "decided_at": raw.get("decided_at"),
            "lease_expires_at": (now_iso(int(raw["lease_expires_ms"]) / 1000)
                                 if raw.get("lease_expires_ms") else None),
        }
        for name in _CLAIM_JSON_FIELDS:
            value = raw.get(name)
            claim[name] = json.loads(value) if value else ([] if name in _CLAIM_LIST_FIELDS else None)
        return claim

    def _load_claims(self, ids: list[str]) -> list[dict | None]:
        pipe = self.redis.pipeline(transaction=False)
        for claim_id in ids:
            pipe.hgetall(self._k("claim", claim_id))
        return [self._decode_claim(raw) if raw else None for raw in pipe.execute()]

    def _with_match_states(self, claims: list[dict]) -> list[dict]:
        """Matches show the other claim's current status and rating, read now."""
        wanted = sorted({m["claim_id"] for c in claims for m in c["matches"]})
        if not wanted:
            return claims
        pipe = self.redis.pipeline(transaction=False)
        for other in wanted:
            pipe.hmget(self._k("claim", other), ["status", "rating", "article_id", "text"])
        states = dict(zip(wanted, pipe.execute()))
        for claim in claims:
            for match in claim["matches"]:
                status, rating, article_id, text = states[match["claim_id"]]
                match.update(status=status, rating=rating, article_id=article_id, text=text)
        return claims

    def get_claim(self, claim_id: str, *, with_history: bool = True) -> dict:
        pipe = self.redis.pipeline(transaction=False)
        pipe.hgetall(self._k("claim", claim_id))
        pipe.lrange(self._k("claim", claim_id, "history"), 0, -1)
        raw, history = pipe.execute()
        if not raw:
            raise NotFound(f"no claim {claim_id}")
        claim = self._with_match_states([self._decode_claim(raw)])[0]
        if with_history:
            claim["history"] = [json.loads(entry) for entry in history]
        return claim

    def claim_history(self, claim_id: str) -> list[dict]:
        return self.get_claim(claim_id)["history"]

    def list_claims(self, *, status: str | None = None, article_id: str | None = None,
                    entity: str | None = None, assignee: str | None = None,
                    rating: str | None = None, min_score: float | None = None,
                    max_score: float | None = None, q: str | None = None,
                    created_after: str | None = None, created_before: str | None = None,
                    sort: str = "created", cursor: str | None = None,
                    limit: int = 50) -> tuple[list[dict], str | None]:
        """One page of claims. Sorts: created (text order within one article), -created,
        score, -score. Cursors stay valid whatever is written between pages."""
        descending = sort.startswith("-")
        if sort.lstrip("-") == "score":
            index = self._k("claims", "by_score")
        elif article_id:
            index = self._k("article", article_id, "claims")
        elif assignee:
            index = self._k("assignee", assignee)
        elif entity:
            index = self._k("entity", entity_key(entity))
        elif status:
            index = self._k("status", status)
        else:
            index = self._k("claims")
        needle = q.casefold() if q else None
        wanted_entity = entity_key(entity) if entity else None

        def keep(claim: dict) -> bool:
            holder = claim["assignee"]
            return ((status is None or claim["status"] == status)
                    and (article_id is None or claim["article_id"] == article_id)
                    and (assignee is None or (isinstance(holder, dict) and holder.get("key_id") == assignee))
                    and (wanted_entity is None or any(
                        entity_key(e.get("canonical") or e.get("text", "")) == wanted_entity
                        or entity_key(e.get("text", "")) == wanted_entity for e in claim["entities"]))
                    and (rating is None or claim["rating"] == rating)
                    and (min_score is None or claim["score"] >= min_score)
                    and (max_score is None or claim["score"] <= max_score)
                    and (needle is None or needle in (claim["text"] or "").casefold())
                    and (created_after is None or (claim["created_at"] or "") >= created_after)
                    and (created_before is None or (claim["created_at"] or "") < created_before))

        def load(ids: list[str]) -> list[dict | None]:
            return self._load_claims(ids)

        claims, next_cursor = self._list(index, load, keep, cursor, limit, descending=descending)
        return self._with_match_states(claims), next_cursor

    def _list(self, index: str, load, keep, cursor: str | None, limit: int, *,
              descending: bool = False):
        """Walk `index` after the cursor, load and filter rows, stop at `limit` kept rows
        or after LIST_SCAN_LIMIT rows looked at (the cursor then resumes the walk)."""
        after = decode_cursor(cursor) if cursor else None
        kept: list[dict] = []
        looked_at = 0
        last: tuple[float, str] | None = after
        for batch in self._walk(index, after, batch_size=max(limit, 50), descending=descending):
            rows = load([member for member, _ in batch])
            for (member, score), row in zip(batch, rows):
                last = (score, member)
                looked_at += 1
                if row is not None and (keep is None or keep(row)):
                    kept.append(row)
                    if len(kept) == limit:
                        more = self._walk_has_more(index, last, descending=descending)
                        return kept, encode_cursor(*last) if more else None
            if looked_at >= LIST_SCAN_LIMIT:
                more = self._walk_has_more(index, last, descending=descending)
                return kept, encode_cursor(*last) if more else None
        return kept, None

    def _walk(self, index: str, after: tuple[float, str] | None, *, batch_size: int,
              descending: bool = False) -> Iterator[list[tuple[str, float]]]:
        # Index scores are unique (sequence numbers, or span offsets made unique), so an
        # exclusive score bound resumes exactly where a page ended, whatever was written since.
        bound = f"({after[0]!r}" if after else ("+inf" if descending else "-inf")
        while True:
            if descending:
                rows = self.redis.zrevrangebyscore(index, bound, "-inf", start=0, num=batch_size,
                                                   withscores=True)
            else:
                rows = self.redis.zrangebyscore(index, bound, "+inf", start=0, num=batch_size,
                                                withscores=True)
            if after:
                rows = [(m, s) for m, s in rows if not (s == after[0] and m == after[1])]
            if not rows:
                return
            yield rows
            bound = f"({rows[-1][1]!r}"
            after = None

    def _walk_has_more(self, index: str, last: tuple[float, str], *, descending: bool = False) -> bool:
        if descending:
            return bool(self.redis.zrevrangebyscore(index, f"({last[0]!r}", "-inf", start=0, num=1))
        return bool(self.redis.zrangebyscore(index, f"({last[0]!r}", "+inf", start=0, num=1))

    def transition(self, claim_id: str, plan: TransitionPlan, *, expected_version: int | None,
                   actor: Actor, lease_seconds: int, note: str | None = None,
                   evidence: Iterable[dict] = ()) -> dict:
        """Apply `plan` to the claim atomically (expected_version None: not checked).

        Raises NotFound, StaleVersion, LeaseConflict or InvalidTransition (with the current claim).
        """
        stamp_ts = time.time()
        stamp = now_iso(stamp_ts)
        actor_dict = actor.to_dict()
        append: dict[str, list] = {}
        if note:
            append["notes"] = [{"text": note, "actor": actor_dict, "at": stamp}]
        evidence = [{**item, "actor": actor_dict, "at": stamp} for item in evidence]
        if evidence:
            append["evidence"] = evidence
        steps = {state.value: step.to_dict() for state, step in plan.steps.items()}
        outcome = self._transition(args=[
            self.prefix, claim_id, -1 if expected_version is None else expected_version,
            json.dumps(steps) if steps else "{}", json.dumps(actor_dict), actor.key_id,
            "1" if actor.role.value == "admin" else "0", int(stamp_ts * 1000), stamp,
            self.claim_url_prefix, lease_seconds * 1000, json.dumps(append) if append else "{}"])
        kind = outcome[0]
        if kind == "ok":
            return self.get_claim(claim_id)
        if kind == "not_found":
            raise NotFound(f"no claim {claim_id}")
        current = self.get_claim(claim_id)
        if kind == "stale":
            raise StaleVersion(
                f"the claim is at version {current['version']}, not {expected_version}; "
                "reload it and try again", current=current)
        if kind == "not_holder":
            holder = current.get("assignee")
            raise LeaseConflict(
                "only the reviewer holding the lease (or an admin) may do this; "
                + (f"{holder['name']} holds it" if isinstance(holder, dict) else "nobody holds it"),
                current=current)
        if kind == "same_reviewer":
            raise LeaseConflict("four-eyes mode: a different reviewer must approve or send back "
                                "the verdict you proposed", current=current)
        if kind in ("bad_copy", "bad_approval"):
            field_name = "copied_from" if kind == "bad_copy" else "rating"
            raise InvalidTransition(outcome[1], errors={field_name: [outcome[1]]}, current=current)
        raise InvalidTransition(outcome[1], current=current)  # 'refused': the caller explains

    def renew_lease(self, claim_id: str, *, actor: Actor, lease_seconds: int) -> dict:
        """Extend the caller's lease (not a change of the claim: its version stays)."""
        outcome = self._renew_lease(args=[
            self.prefix, claim_id, actor.key_id, "1" if actor.role.value == "admin" else "0",
            int(time.time() * 1000), lease_seconds * 1000])
        if outcome[0] == "not_found":
            raise NotFound(f"no claim {claim_id}")
        if outcome[0] == "ok":
            return self.get_claim(claim_id)
        current = self.get_claim(claim_id)
        if outcome[0] == "not_leased":
            raise InvalidTransition(f"the claim is {current['status']}, not leased: take it from the "
                                    "queue again", current=current)
        raise LeaseConflict("only the reviewer holding the lease (or an admin) may renew it",
                            current=current)

    def lease_next(self, actor: Actor, *, lease_seconds: int, min_score: float | None = None,
                   article_id: str | None = None, entity: str | None = None) -> dict | None:
        """Lease the highest-priority pending claim that fits to `actor` (atomic: no two
        reviewers ever get one claim)."""
        stamp_ts = time.time()
        chosen = self._lease_next(args=[
            self.prefix, json.dumps(actor.to_dict()), int(stamp_ts * 1000), now_iso(stamp_ts),
            self.claim_url_prefix, lease_seconds * 1000,
            "" if min_score is None else repr(min_score), article_id or "",
            entity_key(entity) if entity else ""])
        return self.get_claim(chosen) if chosen else None

    def expire_leases(self, *, limit: int = 500) -> list[str]:
        stamp_ts = time.time()
        return list(self._expire(args=[self.prefix, int(stamp_ts * 1000), now_iso(stamp_ts),
                                       self.claim_url_prefix, limit]))

    def match_candidates(self, entity_keys: Iterable[str], *, exclude_article: str,
                         per_entity: int = 200) -> list[tuple[str, str]]:
        """Recent claims of other articles sharing an entity: (id, text)."""
        keys = list(dict.fromkeys(entity_keys))
        if not keys:
            return []
        pipe = self.redis.pipeline(transaction=False)
        for key in keys:
            pipe.zrevrange(self._k("entity", key), 0, per_entity - 1)
        ids = list(dict.fromkeys(i for batch in pipe.execute() for i in batch))
        pipe = self.redis.pipeline(transaction=False)
        for claim_id in ids:
            pipe.hmget(self._k("claim", claim_id), ["text", "article_id", "retracted"])
        return [(claim_id, text) for claim_id, (text, article_id, retracted) in zip(ids, pipe.execute())
                if text and article_id != exclude_article and retracted != "1"]

    def link_matches(self, claim_id: str, matches: list[dict]) -> int:
        """Record matches both ways (boosting claims that match a flagged one); new links count."""
        if not matches:
            return 0
        return int(self._link_matches(args=[self.prefix, claim_id, json.dumps(matches), now_iso(),
                                            self.claim_url_prefix]))

    def decide_match(self, claim_id: str, other_id: str, *, decision: str, actor: Actor) -> dict:
        outcome = self._decide_match(args=[self.prefix, claim_id, other_id, decision,
                                           json.dumps(actor.to_dict()), now_iso(), self.claim_url_prefix])
        if outcome[0] == "not_found":
            raise NotFound(f"no claim {claim_id if not self.redis.exists(self._k('claim', claim_id)) else other_id}")
        if outcome[0] == "no_match":
            raise NotFound(f"{other_id} is not a match of {claim_id}")
        if outcome[0] == "decided":
            raise InvalidTransition("this match is already confirmed", current=self.get_claim(claim_id))
        return self.get_claim(claim_id)

    def stats(self, *, days: int = 30) -> dict:
        statuses = [s.value for s in ClaimStatus]
        pipe = self.redis.pipeline(transaction=False)
        for status in statuses:
            pipe.zcard(self._k("status", status))
        pipe.zcard(self._k("queue", "pending"))
        pipe.zrange(self._k("status", "pending"), 0, 20)
        pipe.hgetall(self._k("stats", "verdicts_per_day"))
        pipe.lrange(self._k("stats", "time_to_verdict"), 0, -1)
        pipe.hgetall(self._k("stats", "verdicts_by_reviewer"))
        pipe.zcard(self._k("articles"))
        pipe.zcard(self._k("articles", "queued"))
        pipe.zcard(self._k("articles", "processing"))
        results = pipe.execute()
        counts = dict(zip(statuses, results[:len(statuses)]))
        (queue_depth, oldest_ids, per_day, durations, by_reviewer, articles, queued,
         processing) = results[len(statuses):]
        oldest_age = None
        for claim in self._load_claims(oldest_ids):
            if claim and claim["status"] == "pending" and not claim["retracted"]:
                created = datetime.fromisoformat(claim["created_at"].replace("Z", "+00:00"))
                oldest_age = round(time.time() - created.timestamp(), 1)
                break
        durations = sorted(float(d) for d in durations)
        reviewer_keys = {k["id"]: k["name"] for k in self.list_keys()}
        pipe = self.redis.pipeline(transaction=False)
        for key_id in reviewer_keys:
            pipe.zcard(self._k("assignee", key_id))
        load = []
        for (key_id, name), holding in zip(reviewer_keys.items(), pipe.execute()):
            verdicts = int(by_reviewer.get(key_id, 0))
            if holding or verdicts:
                load.append({"key_id": key_id, "name": name, "in_review": holding, "verdicts": verdicts})
        since = datetime.now(timezone.utc).date().toordinal() - days
        return {
            "claims": {"by_status": counts, "total": sum(counts.values())},
            "queue": {"depth": queue_depth, "oldest_pending_age_seconds": oldest_age},
            "verdicts_per_day": {day: int(n) for day, n in sorted(per_day.items())
                                 if datetime.fromisoformat(day).toordinal() > since},
            "time_to_verdict_seconds": time_to_verdict_summary(durations),
            "reviewers": sorted(load, key=lambda r: (-r["in_review"], -r["verdicts"])),
            "articles": {"total": articles, "queued": queued, "processing": processing},
        }

    def correct_article(self, article_id: str, fields: dict, *, content_hash: str) -> dict:
        """Replace an article's text (a correction); its claims are re-extracted next."""
        encoded = {k: (json.dumps(v) if k in _ARTICLE_JSON_FIELDS else str(v))
                   for k, v in fields.items() if v is not None}
        outcome = self._correct_article(args=[self.prefix, article_id, content_hash,
                                              json.dumps({**encoded, "content_hash": content_hash}),
                                              int(time.time() * 1000)])
        if int(outcome[0]) == -1:
            raise NotFound(f"no article {article_id}")
        if int(outcome[0]) == 0:
            raise IdempotencyConflict(f"that text is already article {outcome[1]}",
                                      errors={"text": [f"the same content as article {outcome[1]}"]})
        return self.get_article(article_id)

    def articles_waiting_since(self, status: str, seconds_ago: float) -> list[str]:
        """Articles in `status` (queued or processing) since before the given age."""
        cutoff = int((time.time() - seconds_ago) * 1000)
        return self.redis.zrangebyscore(self._k("articles", status), "-inf", cutoff, start=0, num=1000)

    def requeued(self, article_ids: list[str]) -> None:
        """Restart the waiting clock of articles whose extraction was sent again."""
        if article_ids:
            now_ms = time.time() * 1000
            self.redis.zadd(self._k("articles", "queued"), {a: now_ms for a in article_ids}, xx=True)

    # -- API keys -----------------------------------------------------------------------
    def save_key(self, key_id: str, *, secret_hash: str, name: str, role: str) -> dict:
        record = {"id": key_id, "name": name, "role": role, "created_at": now_iso(),
                  "secret_hash": secret_hash}
        pipe = self.redis.pipeline()
        pipe.hset(self._k("key", key_id), mapping=record)
        pipe.set(self._k("keyhash", secret_hash), key_id)
        pipe.zadd(self._k("keys"), {key_id: time.time()})
        pipe.execute()
        return self._public_key(record)

    def find_key(self, secret_hash: str) -> dict | None:
        key_id = self.redis.get(self._k("keyhash", secret_hash))
        if not key_id:
            return None
        record = self.redis.hgetall(self._k("key", key_id))
        if not record or record.get("revoked_at"):
            return None
        return record

    def touch_key(self, key_id: str) -> None:
        self.redis.hset(self._k("key", key_id), "last_used_at", now_iso())

    def list_keys(self) -> list[dict]:
        ids = self.redis.zrange(self._k("keys"), 0, -1)
        pipe = self.redis.pipeline(transaction=False)
        for key_id in ids:
            pipe.hgetall(self._k("key", key_id))
        return [self._public_key(r) for r in pipe.execute() if r]

    def revoke_key(self, key_id: str) -> dict:
        record = self.redis.hgetall(self._k("key", key_id))
        if not record:
            raise NotFound(f"no API key {key_id}")
        pipe = self.redis.pipeline()
        pipe.hset(self._k("key", key_id), "revoked_at", now_iso())
        pipe.delete(self._k("keyhash", record["secret_hash"]))
        pipe.execute()
        return self._public_key({**record, "revoked_at": now_iso()})

    def has_admin_key(self) -> bool:
        return any(k["role"] == "admin" and not k.get("revoked_at") for k in self.list_keys())

    @staticmethod
    def _public_key(record: dict) -> dict:
        return {k: record.get(k) for k in ("id", "name", "role", "created_at", "last_used_at",
                                           "revoked_at")}

    # -- health -------------------------------------------------------------------------
    def mark_worker_seen(self, worker: str) -> None:
        self.redis.set(self._k("worker", "seen"), json.dumps({"worker": worker, "at": now_iso()}),
                       ex=WORKER_SEEN_TTL_SECONDS)

    def worker_seen(self) -> dict | None:
        raw = self.redis.get(self._k("worker", "seen"))
        return json.loads(raw) if raw else None

    # -- the changes feed (live views) --------------------------------------------------
    def newest_event_id(self) -> str:
        """The outbox's last entry id (`0-0` when it is empty): one O(1) read."""
        newest = self.redis.xrevrange(self._k("events"), count=1)
        return newest[0][0] if newest else STREAM_START

    def changes_after(self, since: str, *, limit: int) -> dict:
        """`{cursor, events, truncated}`: summaries of up to `limit` outbox events after the
        cursor `since`, oldest first. `truncated` says they are not the whole story: more
        followed, trimming dropped events after `since`, or `since` is newer than anything
        here (the data was replaced); the reader should then load its views again."""
        key = self._k("events")
        after = stream_position(since)
        pipe = self.redis.pipeline(transaction=True)  # the cursor is never behind the events read
        pipe.xrevrange(key, count=1)
        pipe.xrange(key, count=1)
        pipe.xrange(key, min=_next_stream_id(after), max="+", count=limit + 1)
        newest, oldest, entries = pipe.execute()
        cursor = newest[0][0] if newest else STREAM_START
        trimmed_past_since = bool(oldest) and after != (0, 0) and after < stream_position(oldest[0][0])
        from_elsewhere = after > stream_position(cursor)
        return {
            "cursor": cursor,
            "events": [change_summary(entry_id, fields) for entry_id, fields in entries[:limit]],
            "truncated": len(entries) > limit or trimmed_past_since or from_elsewhere,
        }

    def events(self, count: int = 100) -> list[dict]:
        """The latest outbox events, oldest first (delivery is issue #5's)."""
        rows = self.redis.xrevrange(self._k("events"), count=count)
        return [json.loads(fields["body"]) for _, fields in reversed(rows)]


class WebhookStore:
    """Webhook subscriptions, their delivery lines and logs, and the outbox fan-out cursor."""

    DISPATCH_COALESCE_MS = 5000
    LOG_CAP = 10_000
    SWEEP_LIMIT = 1000

    def __init__(self, client: redis.Redis, *, drain_lease_seconds: int = 60, prefix: str = PREFIX):
        self.redis = client
        self.prefix = prefix
        self.lease_ms = drain_lease_seconds * 1000
        self._create = client.register_script(lua.CREATE_WEBHOOK)
        self._update = client.register_script(lua.UPDATE_WEBHOOK)
        self._rotate = client.register_script(lua.ROTATE_WEBHOOK_SECRET)
        self._request_dispatch = client.register_script(lua.REQUEST_DISPATCH)
        self._dispatch_start = client.register_script(lua.DISPATCH_START)
        self._fan_out = client.register_script(lua.FAN_OUT)
        self._add = client.register_script(lua.ADD_DELIVERIES)
        self._next = client.register_script(lua.NEXT_DELIVERY)
        self._record = client.register_script(lua.RECORD_ATTEMPT)
        self._retry = client.register_script(lua.RETRY_DELIVERY)
        self._sweep = client.register_script(lua.SWEEP_WEBHOOKS)

    def _k(self, *parts: str) -> str:
        return self.prefix + ":".join(parts)

    # -- subscriptions ------------------------------------------------------------------
    def create(self, webhook_id: str, *, url: str, events: list[str], description: str | None,
               secret: str) -> dict:
        now = time.time()
        fields = {"id": webhook_id, "url": url, "url_key": url_key(url), "events": json.dumps(events),
                  "description": description or "", "active": "1", "secret": secret,
                  "created_at": now_iso(now), "updated_at": now_iso(now),
                  "created_ms": str(int(now * 1000))}
        outcome = self._create(args=[self.prefix, webhook_id, url_key(url),
                                     *[part for pair in fields.items() for part in pair]])
        if outcome[0] == "duplicate":
            raise DuplicateWebhook(f"webhook {outcome[1]} already posts to {url}",
                                   errors={"url": [f"already used by {outcome[1]}"]})
        return self.get(webhook_id)

    def get(self, webhook_id: str) -> dict:
        pipe = self.redis.pipeline(transaction=False)
        pipe.hgetall(self._k("webhook", webhook_id))
        pipe.llen(self._k("webhook", webhook_id, "queue"))
        raw, waiting = pipe.execute()
        if not raw:
            raise NotFound(f"no webhook {webhook_id}")
        return self._decode_webhook(raw, waiting)

    @staticmethod
    def _decode_webhook(raw: dict, waiting: int) -> dict:
        def ms_to_iso(name: str) -> str | None:
            return now_iso(int(raw[name]) / 1000) if raw.get(name) else None

        previous_expires = int(raw.get("previous_secret_expires_ms") or 0)
        return {
            "id": raw["id"],
            "url": raw.get("url"),
            "events": json.loads(raw.get("events") or "[]"),
            "description": raw.get("description") or None,
            "active": raw.get("active") == "1",
            "disabled_reason": raw.get("disabled_reason"),
            "disabled_at": raw.get("disabled_at"),
            "created_at": raw.get("created_at"),
            "updated_at": raw.get("updated_at"),
            "secret_rotated_at": raw.get("secret_rotated_at"),
            "previous_secret_expires_at": (ms_to_iso("previous_secret_expires_ms")
                                           if previous_expires > time.time() * 1000 else None),
            "pending_deliveries": waiting,
            "next_attempt_at": ms_to_iso("paused_until_ms"),
            "failing_since": raw.get("failing_since"),
            "last_success_at": raw.get("last_success_at"),
        }

    def list_webhooks(self, *, cursor: str | None = None, limit: int = 50) -> tuple[list[dict], str | None]:
        def load(ids: list[str]) -> list[dict | None]:
            pipe = self.redis.pipeline(transaction=False)
            for webhook_id in ids:
                pipe.hgetall(self._k("webhook", webhook_id))
                pipe.llen(self._k("webhook", webhook_id, "queue"))
            rows = pipe.execute()
            return [self._decode_webhook(raw, waiting) if raw else None
                    for raw, waiting in zip(rows[::2], rows[1::2])]

        return self._page(self._k("webhooks"), load, None, cursor, limit, descending=False)

    def update(self, webhook_id: str, changes: dict) -> tuple[dict, str | None]:
        """Apply `changes` (url, events, description, active); returns the webhook and, when
        re-enabling left deliveries waiting, a drain token."""
        fields: list[str] = []
        new_key = ""
        if "url" in changes:
            new_key = url_key(changes["url"])
            fields += ["url", changes["url"]]
        if "events" in changes:
            fields += ["events", json.dumps(changes["events"])]
        if "description" in changes:
            fields += ["description", changes["description"] or ""]
        active = "" if changes.get("active") is None else ("1" if changes["active"] else "0")
        now = time.time()
        outcome = self._update(args=[self.prefix, webhook_id, int(now * 1000), now_iso(now),
                                     self.lease_ms, new_key, active, *fields])
        if outcome[0] == "not_found":
            raise NotFound(f"no webhook {webhook_id}")
        if outcome[0] == "duplicate":
            raise DuplicateWebhook(f"webhook {outcome[1]} already posts to {changes['url']}",
                                   errors={"url": [f"already used by {outcome[1]}"]})
        return self.get(webhook_id), outcome[1] or None

    def rotate_secret(self, webhook_id: str, secret: str, *, grace_ms: int) -> dict:
        now = time.time()
        if not self._rotate(args=[self.prefix, webhook_id, secret, int(now * 1000), grace_ms,
                                  now_iso(now)]):
            raise NotFound(f"no webhook {webhook_id}")
        return self.get(webhook_id)

    def delete(self, webhook_id: str) -> None:
        key = self._k("webhook", webhook_id)
        url_key = self.redis.hget(key, "url_key")
        if url_key is None:
            raise NotFound(f"no webhook {webhook_id}")
        pipe = self.redis.pipeline()
        pipe.delete(key, self._k("webhook", webhook_id, "queue"), self._k("webhook", webhook_id, "drain"))
        pipe.zrem(self._k("webhooks"), webhook_id)
        pipe.srem(self._k("webhooks", "active"), webhook_id)
        pipe.zrem(self._k("webhooks", "retries"), webhook_id)
        pipe.execute()
        if self.redis.get(self._k("webhook", "url", url_key)) == webhook_id:
            self.redis.delete(self._k("webhook", "url", url_key))
        log = self._k("webhook", webhook_id, "deliveries")
        while batch := self.redis.zrange(log, 0, 499):
            pipe = self.redis.pipeline(transaction=False)
            pipe.delete(*[self._k("delivery", d) for d in batch])
            pipe.zrem(log, *batch)
            pipe.execute()

    # -- outbox fan-out -----------------------------------------------------------------
    def request_dispatch(self) -> bool:
        """True when the caller should send a dispatch task: subscriptions exist and no
        dispatch is already on its way (a burst of changes shares one)."""
        return bool(self._request_dispatch(args=[self.prefix, self.DISPATCH_COALESCE_MS]))

    def dispatch_started(self) -> int:
        """Number of active subscriptions; with none, the cursor skips to the outbox's end."""
        return int(self._dispatch_start(args=[self.prefix]))

    def outbox_cursor(self) -> str:
        """The id of the last outbox event handed out to subscriptions."""
        return self.redis.get(self._k("webhooks", "cursor")) or "0-0"

    def read_outbox(self, *, after: str, count: int) -> list[tuple[str, dict]]:
        return self.redis.xrange(self._k("events"), min=f"({after}", max="+", count=count)

    def read_outbox_range(self, start: str, end: str, *, count: int) -> list[tuple[str, dict]]:
        return self.redis.xrange(self._k("events"), min=start, max=end, count=count)

    def outbox_trimmed_past_cursor(self) -> bool:
        """True when the stream's oldest event is newer than the cursor, i.e. trimming
        (MAXLEN ~ 1,000,000) may have dropped events never handed out."""
        cursor = self.outbox_cursor()
        if cursor == "0-0":
            return False
        oldest = self.redis.xrange(self._k("events"), count=1)
        return bool(oldest) and stream_position(oldest[0][0]) > stream_position(cursor) and \
            not self.redis.xrange(self._k("events"), min=cursor, max=cursor)

    def fan_out(self, events: list, *, expected_cursor: str) -> list[tuple[str, str]] | None:
        """One delivery per event and matching active subscription, and the cursor moved past
        the events, atomically; None when the cursor was not at `expected_cursor`."""
        now = time.time()
        args = [self.prefix, expected_cursor, int(now * 1000), now_iso(now), self.lease_ms, self.LOG_CAP]
        for event in events:
            args += [event.id, event.type, event.payload]
        outcome = self._fan_out(args=args)
        if outcome[0] == "moved":
            return None
        return list(zip(outcome[1::2], outcome[2::2]))

    def add_deliveries(self, webhook_id: str, events: list) -> tuple[list[str], str | None]:
        """Queue `events` for one endpoint (a test event, a replay); returns the delivery ids
        and a drain token when the endpoint was idle."""
        now = time.time()
        args = [self.prefix, webhook_id, int(now * 1000), now_iso(now), self.lease_ms, self.LOG_CAP]
        for event in events:
            args += [event.id, event.type, event.payload]
        outcome = self._add(args=args)
        if outcome[0] == "not_found":
            raise NotFound(f"no webhook {webhook_id}")
        if outcome[0] == "disabled":
            raise WebhookDisabled(f"webhook {webhook_id} is disabled; enable it with "
                                  "PATCH {\"active\": true} first")
        return list(outcome[2:]), outcome[1] or None

    # -- delivery -------------------------------------------------------------------------
    def next_delivery(self, webhook_id: str, token: str) -> dict | None:
        """The delivery at the head of the endpoint's line, with what signing and sending it
        needs, while `token` holds the endpoint; None when there is nothing to send now (the
        lease is given back) or another drainer holds the endpoint."""
        outcome = self._next(args=[self.prefix, webhook_id, token, int(time.time() * 1000), self.lease_ms])
        if outcome[0] != "go":
            return None
        (_go, delivery_id, event_id, event_type, payload, attempts, failures, url, secret,
         previous_secret) = outcome
        return {"id": delivery_id, "event_id": event_id, "event_type": event_type,
                "payload": payload, "attempts": int(attempts or 0), "failures": int(failures or 0),
                "url": url, "secrets": [secret] + ([previous_secret] if previous_secret else [])}

    def record_attempt(self, webhook_id: str, token: str, delivery_id: str, *, outcome: str,
                       attempt: dict, due_ms: int | None = None,
                       disable_reason: str | None = None) -> str:
        """Log an attempt and move the line on: 'succeeded', 'retry' (pauses the endpoint until
        `due_ms`) or 'failed' (gives up and disables the endpoint with `disable_reason`)."""
        now = time.time()
        status_code = attempt.get("status_code")
        return self._record(args=[
            self.prefix, webhook_id, token, delivery_id, outcome, int(now * 1000), now_iso(now),
            json.dumps(attempt), "" if status_code is None else status_code,
            attempt.get("latency_ms", 0), attempt.get("error") or "", due_ms or 0, disable_reason or ""])

    def sweep(self) -> list[tuple[str, str]]:
        """Endpoints to drain now: retries that fell due, and waiting lines without a drainer."""
        outcome = self._sweep(args=[self.prefix, int(time.time() * 1000), self.lease_ms,
                                    self.SWEEP_LIMIT])
        return list(zip(outcome[0::2], outcome[1::2]))

    # -- delivery log ---------------------------------------------------------------------
    def get_delivery(self, webhook_id: str, delivery_id: str) -> dict:
        raw = self.redis.hgetall(self._k("delivery", delivery_id))
        if not raw or raw.get("webhook_id") != webhook_id:
            raise NotFound(f"no delivery {delivery_id} for webhook {webhook_id}")
        return self._decode_delivery(raw)

    def list_deliveries(self, webhook_id: str, *, status: str | None = None,
                        cursor: str | None = None, limit: int = 50) -> tuple[list[dict], str | None]:
        """The endpoint's deliveries, newest first."""
        if not self.redis.exists(self._k("webhook", webhook_id)):
            raise NotFound(f"no webhook {webhook_id}")

        def load(ids: list[str]) -> list[dict | None]:
            pipe = self.redis.pipeline(transaction=False)
            for delivery_id in ids:
                pipe.hgetall(self._k("delivery", delivery_id))
            return [self._decode_delivery(raw) if raw else None for raw in pipe.execute()]

        keep = (lambda d: d["status"] == status) if status else None
        return self._page(self._k("webhook", webhook_id, "deliveries"), load, keep, cursor, limit,
                          descending=True)

    def retry_delivery(self, webhook_id: str, delivery_id: str) -> str | None:
        now = time.time()
        outcome = self._retry(args=[self.prefix, webhook_id, delivery_id, int(now * 1000),
                                    now_iso(now), self.lease_ms])
        if outcome[0] == "not_found":
            raise NotFound(f"no delivery {delivery_id} for webhook {webhook_id}")
        if outcome[0] == "disabled":
            raise WebhookDisabled(f"webhook {webhook_id} is disabled; enable it with "
                                  "PATCH {\"active\": true} first")
        return outcome[1] or None

    @staticmethod
    def _decode_delivery(raw: dict) -> dict:
        pending = raw.get("status") == "pending"
        return {
            "id": raw["id"],
            "webhook_id": raw.get("webhook_id"),
            "event_id": raw.get("event_id"),
            "message_id": message_id(raw.get("event_id", "")),
            "event_type": raw.get("event_type"),
            "status": raw.get("status"),
            "attempts": int(raw.get("attempts") or 0),
            "last_status_code": int(raw["last_status_code"]) if raw.get("last_status_code") else None,
            "last_latency_ms": float(raw["last_latency_ms"]) if raw.get("last_latency_ms") else None,
            "last_error": raw.get("last_error") or None,
            "next_attempt_at": (now_iso(int(raw["next_attempt_ms"]) / 1000)
                                if pending and raw.get("next_attempt_ms") else None),
            "created_at": raw.get("created_at"),
            "updated_at": raw.get("updated_at"),
            "attempt_log": json.loads(raw.get("attempt_log") or "[]"),
        }

    def _page(self, index: str, load, keep, cursor: str | None, limit: int, *, descending: bool):
        """One page of `index` (unique sequence scores) after the cursor, filtered by `keep`,
        looking at no more than LIST_SCAN_LIMIT rows (the cursor then resumes the walk)."""
        after = decode_cursor(cursor) if cursor else None
        bound = f"({after[0]!r}" if after else ("+inf" if descending else "-inf")
        kept: list[dict] = []
        looked_at = 0
        while True:
            if descending:
                rows = self.redis.zrevrangebyscore(index, bound, "-inf", start=0, num=max(limit, 50),
                                                   withscores=True)
            else:
                rows = self.redis.zrangebyscore(index, bound, "+inf", start=0, num=max(limit, 50),
                                                withscores=True)
            if not rows:
                return kept, None
            for (member, score), row in zip(rows, load([m for m, _ in rows])):
                looked_at += 1
                bound = f"({score!r}"
                if row is not None and (keep is None or keep(row)):
                    kept.append(row)
                if len(kept) == limit or looked_at >= LIST_SCAN_LIMIT:
                    more = (self.redis.zrevrangebyscore(index, bound, "-inf", start=0, num=1)
                            if descending else
                            self.redis.zrangebyscore(index, bound, "+inf", start=0, num=1))
                    return kept, encode_cursor(score, member) if more else None


def _next_stream_id(position: tuple[int, int]) -> str:
    """The first id after `position`, inclusive (Redis 6.2 has "(id", but it refuses one past
    the largest id, which a client may send)."""
    milliseconds, sequence = position
    if sequence < 2 ** 64 - 1:
        return f"{milliseconds}-{sequence + 1}"
    if milliseconds < 2 ** 64 - 1:
        return f"{milliseconds + 1}-0"
    return f"{milliseconds}-{sequence}"  # the largest id: nothing follows, and XADD never makes it
