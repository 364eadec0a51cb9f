"""The only code that knows claimtrack's Redis key layout; every change goes through a Lua script."""
from __future__ import annotations

import base64
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

PREFIX = "ct:"

# Claim hash fields holding JSON; everything else is a plain string.
_CLAIM_JSON_FIELDS = ("entities", "dates", "score_reasons", "extractor", "evidence", "notes",
                      "matches", "assignee")
_CLAIM_LIST_FIELDS = ("entities", "dates", "score_reasons", "evidence", "notes", "matches")
_ARTICLE_JSON_FIELDS = ("timings", "extractor")
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
        """What extraction needs: the submitted text or HTML and the metadata."""
        raw = self.redis.hmget(self._k("article", article_id),
                               ["text", "html", "published_at", "title", "language"])
        if raw[0] is None and raw[1] is None:
            raise NotFound(f"no article {article_id}")
        return dict(zip(["text", "html", "published_at", "title", "language"], raw))

    @staticmethod
    def _decode_article(raw: dict, *, with_text: bool) -> dict:
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
            "format": "html" if raw.get("html") is not None else "text",
            "created_at": raw.get("created_at"),
            "updated_at": raw.get("updated_at"),
            "timings": json.loads(raw["timings"]) if raw.get("timings") else {},
            "extractor": json.loads(raw["extractor"]) if raw.get("extractor") else None,
        }
        if with_text:
            article["text"] = raw.get("text")
        return article

    def list_articles(self, *, status: str | None = None, cursor: str | None = None,
                      limit: int = 50) -> tuple[list[dict], str | None]:
        def load(ids: list[str]) -> list[dict | None]:
            pipe = self.redis.pipeline(transaction=False)
            for article_id in ids:
                pipe.hgetall(self._k("article", article_id))
            return [self._decode_article(raw, with_text=False) if raw else None
                    for raw in pipe.execute()]

        return self._list(self._k("articles"), load,
                          (lambda a: a["status"] == status) if status else None, cursor, limit)

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
        load = []
        for key_id, name in reviewer_keys.items():
            holding = self.redis.zcard(self._k("assignee", key_id))
            verdicts = int(by_reviewer.get(key_id, 0))
            if holding or verdicts:
                load.append({"key_id": key_id, "name": name, "in_review": holding, "verdicts": verdicts})
        since = datetime.now(timezone.utc).date().toordinal() - days
        return {
            "claims": {"by_status": counts, "total": sum(counts.values())},
            "queue": {"depth": queue_depth, "oldest_pending_age_seconds": oldest_age},
            "verdicts_per_day": {day: int(n) for day, n in sorted(per_day.items())
                                 if datetime.fromisoformat(day).toordinal() > since},
            "time_to_verdict_seconds": {
                "median": statistics.median(durations) if durations else None,
                "samples": len(durations)},
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

    def events(self, count: int = 100) -> list[dict]:
        """The latest outbox events, oldest first (delivery is issue #5's)."""
        rows = self.redis.xrevrange(self._k("events"), count=count)
        return [json.loads(fields["body"]) for _, fields in reversed(rows)]
