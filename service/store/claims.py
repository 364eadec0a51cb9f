"""Claims and the review queue: extraction results, transitions, leases and matches, each one atomic script."""
from __future__ import annotations

import functools
import hashlib
import json
import secrets
import time
from collections.abc import Iterable

import msgspec
import redis

from service.claims import Actor, TransitionPlan, entity_key, refusal
from service.errors import InvalidTransition, LeaseConflict, NotFound, StaleVersion
from service.store.api_keys import KeyCheck
from service.store.articles import encode_article_fields
from service.store.keys import PREFIX, Keys
from service.store.paging import first_stretch, page
from service.store.roundtrip import as_dict, as_scored, send_all
from service.store.scripts import Script
from service.store.stamps import iso_from_ms, now_iso

# Claim hash fields holding JSON; everything else is a plain string.
_JSON_FIELDS = ("evidence", "notes", "matches", "factchecks", "assignee")
_LIST_FIELDS = ("evidence", "notes", "matches", "factchecks")
# What extraction says of a claim beyond its text, score and attribution is stored as one JSON
# object, `doc`, in the API's own shape (`encode_extraction_fields`): a page of claims puts it into
# the answer as stored (`encoded_claim`) instead of decoding a dozen fields a claim. Text, score
# and attribution stay fields of their own: scripts, matching and filters read them.
# How claims stored before `doc` hold it (still read; dropped when extraction writes them again).
LEGACY_DOC_FIELDS = ("sentence", "span_start", "span_end", "kind", "entities", "dates", "score_reasons",
                     "extractor", "needs_context", "relative_dates_unresolved")
_OWN_FIELDS = ("text", "score", "attribution")


_json = msgspec.json.Decoder().decode  # a page of claims decodes a hundred or more of these
_encode = msgspec.json.Encoder().encode


def _bool(raw: str | None) -> bool:
    return raw == "1"


def encode_extraction_fields(fields: dict) -> dict[str, str]:
    """An extraction's claim fields (text, sentence, span_start, span_end, score, ...) as the
    claim hash stores them: text, score and attribution as strings, the rest in `doc`."""
    doc = {
        "sentence": fields.get("sentence"),
        "span": {"start": int(fields.get("span_start") or 0), "end": int(fields.get("span_end") or 0)},
        "kind": fields.get("kind"),
        "entities": fields.get("entities") or [],
        "dates": fields.get("dates") or [],
        "score_reasons": fields.get("score_reasons") or [],
        "extractor": fields.get("extractor"),
        "needs_context": bool(fields.get("needs_context")),
        "relative_dates_unresolved": bool(fields.get("relative_dates_unresolved")),
    }
    unknown = set(fields) - {*LEGACY_DOC_FIELDS, *_OWN_FIELDS}
    if unknown:
        raise ValueError(f"claim fields the store does not keep: {sorted(unknown)}")
    stored = {name: str(fields[name]) for name in _OWN_FIELDS if fields.get(name) is not None}
    stored["doc"] = _encode(doc).decode()
    return stored


def _extraction_part(raw: dict) -> dict:
    """`doc` decoded, or the same built from a claim stored before it."""
    doc = raw.get("doc")
    if doc:
        return _json(doc)
    return {
        "sentence": raw.get("sentence"),
        "span": {"start": int(raw.get("span_start") or 0), "end": int(raw.get("span_end") or 0)},
        "kind": raw.get("kind"),
        "entities": _json(raw["entities"]) if raw.get("entities") else [],
        "dates": _json(raw["dates"]) if raw.get("dates") else [],
        "score_reasons": _json(raw["score_reasons"]) if raw.get("score_reasons") else [],
        "extractor": _json(raw["extractor"]) if raw.get("extractor") else None,
        "needs_context": _bool(raw.get("needs_context")),
        "relative_dates_unresolved": _bool(raw.get("relative_dates_unresolved")),
    }


def _review_part(claim_id: str, raw: dict) -> dict:
    """The API's claim from its hash but the extraction's `doc` fields: the hash stores nothing
    it can derive (store_claims.lua)."""
    created_at = raw.get("created_at") or iso_from_ms(int(raw.get("created_ms") or 0))
    claim: dict = {
        "id": claim_id,
        "article_id": raw.get("article_id"),
        "text": raw.get("text"),
        "attribution": raw.get("attribution"),
        "score": float(raw.get("score") or 0.0),
        "status": raw.get("status"),
        "version": int(raw.get("version") or 0),
        "rating": raw.get("rating"),
        "explanation": raw.get("explanation"),
        "reason": raw.get("reason"),
        "copied_from": raw.get("copied_from"),
        "proposed_status": raw.get("proposed_status"),
        "proposed_by": _json(raw["proposed_by"]) if raw.get("proposed_by") else None,
        "retracted": _bool(raw.get("retracted")),
        "priority_boost": float(raw.get("boost") or 0.0),
        "created_at": created_at,
        "updated_at": raw.get("updated_at") or created_at,
        "decided_at": raw.get("decided_at"),
        "lease_expires_at": (iso_from_ms(int(raw["lease_expires_ms"]))
                             if raw.get("lease_expires_ms") else None),
    }
    for name in _JSON_FIELDS:
        value = raw.get(name)
        if not value or value == "[]":
            claim[name] = [] if name in _LIST_FIELDS else None
        else:
            claim[name] = _json(value)
    return claim


def decode_claim(claim_id: str, raw: dict) -> dict:
    """The API's claim from its hash."""
    claim = _review_part(claim_id, raw)
    claim.update(_extraction_part(raw))
    return claim


def encoded_claim(claim: dict, doc: str | None) -> dict | msgspec.Raw:
    """A claim's review part (`_review_part`, match states added) with its stored `doc` put in
    as it is, as one JSON object for an answer; as it stands when there is no `doc`."""
    if doc is None:
        return claim
    return msgspec.Raw(_encode(claim)[:-1] + b"," + doc[1:].encode())


def full_history(claim: dict, stored: list[dict]) -> list[dict]:
    """The stored history behind the creation entry, which is not stored: it follows from
    `created_at` (claims stored before this rule kept it, and start at version 1)."""
    if stored and stored[0].get("version") == 1:
        return stored
    created = {"at": claim["created_at"], "actor": "system", "from": None, "to": "pending",
               "version": 1, "fields": {}, "why": "extracted"}
    return [created, *stored]


class ClaimStore:
    """Claims, their history and indexes, the pending queue, leases and cross-article matches."""

    def __init__(self, client: redis.Redis, *, public_url: str = "http://127.0.0.1:5000",
                 prefix: str = PREFIX):
        self.redis = client
        self.keys = Keys(prefix)
        self.public_url = public_url.rstrip("/")
        scripts = {name: Script(client, name, prefix=prefix, preludes=("claims",))
                   for name in ("expire_leases", "store_claims", "transition", "lease_next",
                                "renew_lease", "link_matches", "decide_match", "attach_factchecks")}
        self._expire = scripts["expire_leases"]
        self._store_claims = scripts["store_claims"]
        self._transition = scripts["transition"]
        self._lease_next = scripts["lease_next"]
        self._renew_lease = scripts["renew_lease"]
        self._link_matches = scripts["link_matches"]
        self._decide_match = scripts["decide_match"]
        self._attach_factchecks = scripts["attach_factchecks"]

    @property
    def claim_url_prefix(self) -> str:
        return f"{self.public_url}/api/v1/claims/"

    # -- extraction results ---------------------------------------------------------------
    def store_extraction(self, article_id: str, claims: list[dict], article_fields: dict) -> list[str]:
        """Write one extraction run's claims atomically; returns the ids created by it.

        `claims`: [{id, start, score, age_key, entity_keys, fields}] with `fields` the extraction
        output only, so a claim that was there before keeps its state, verdict and history.
        """
        encoded_claims = [
            {"id": c["id"], "start": c["start"], "score": c["score"], "age_key": c["age_key"],
             "entity_keys": list(c.get("entity_keys", ())), "fields": encode_extraction_fields(c["fields"])}
            for c in claims
        ]
        now_ms = int(time.time() * 1000)
        try:
            return list(self._store_claims(
                article_id, now_ms, iso_from_ms(now_ms), self.claim_url_prefix,
                json.dumps(encoded_claims), json.dumps(encode_article_fields(article_fields)),
                f"{self.public_url}/api/v1/articles/{article_id}", json.dumps(LEGACY_DOC_FIELDS)))
        except redis.ResponseError as exc:
            if "NOT_FOUND" in str(exc):
                raise NotFound(f"no article {article_id}") from None
            raise

    def article_claims(self, article_id: str) -> list[dict]:
        if not self.redis.exists(self.keys.article(article_id)):
            raise NotFound(f"no article {article_id}")
        ids = self.redis.zrange(self.keys.article_claims(article_id), 0, -1)
        return [c for c in self.load_claims(ids) if c is not None]

    # -- reading --------------------------------------------------------------------------
    def load_claims(self, ids: list[str]) -> list[dict | None]:
        """Claims by id in one round trip (None for unknown ids), without match states."""
        raws = self._hashes([self.keys.claim(claim_id) for claim_id in ids])
        return [decode_claim(claim_id, raw) if raw else None for claim_id, raw in zip(ids, raws)]

    def _claims_after(self, index: str, bound: str, count: int, descending: bool, *,
                      prefetched: ClaimPageRead | None = None,
                      docs: dict[str, str]) -> list[tuple[str, float, dict | None]]:
        """Up to `count` rows of a claim index past `bound`, with their claims but the last
        (paging only asks whether it exists): each claim's review part, its stored `doc` put in
        `docs` (a claim stored before `doc`: decoded whole). The rows come from `prefetched`
        when it read this very stretch (in the key lookup's round trip), else from a range; the
        claims in one round trip of HGETALLs. Plain commands, not a script: a Lua script reading 50
        claim hashes cost Redis four times the CPU of the same reads as commands (each reply
        converted to a Lua table and back), which cost more than the round trip saved."""
        rows = prefetched.rows_for(index, bound, count, descending) if prefetched is not None else None
        if rows is None:
            (reply,) = send_all(self.redis, [_range_command(index, bound, count, descending)])
            rows = as_scored(_checked(reply))
        if not rows:
            return []
        read = rows[:count - 1]
        raws = self._hashes([self.keys.claim(claim_id) for claim_id, _score in read])
        found: list[tuple[str, float, dict | None]] = []
        for (claim_id, score), raw in zip(read, raws):
            if not raw:
                found.append((claim_id, score, None))
            elif "doc" in raw:
                docs[claim_id] = raw["doc"]
                found.append((claim_id, score, _review_part(claim_id, raw)))
            else:
                found.append((claim_id, score, decode_claim(claim_id, raw)))
        return found + [(m, s, None) for m, s in rows[count - 1:]]

    def _hashes(self, keys: list[str]) -> list[dict]:
        """HGETALL of each of `keys` in one round trip (a client pipeline spends about 4 µs of
        Python per command around the reply, most of a 50-claim page's reading)."""
        return [_checked_dict(reply) for reply in send_all(self.redis, [("HGETALL", key) for key in keys])]

    def page_read(self, *, status: str | None = None, article_id: str | None = None,
                  entity: str | None = None, assignee: str | None = None, sort: str = "created",
                  cursor: str | None = None, limit: int = 50) -> ClaimPageRead:
        """The first index stretch `list_claims` with these arguments reads, as a read that can
        travel in another call's round trip (the key lookup's: service/api/access.py)."""
        index, descending = self._list_index(status=status, article_id=article_id, entity=entity,
                                             assignee=assignee, sort=sort)
        bound, count = first_stretch(cursor=cursor, limit=limit, descending=descending)
        return ClaimPageRead(index, bound, count, descending)

    def _list_index(self, *, status: str | None, article_id: str | None, entity: str | None,
                    assignee: str | None, sort: str) -> tuple[str, bool]:
        """The index a list walks, and whether backwards."""
        if sort.lstrip("-") == "score":
            index = self.keys.claims_by_score
        elif article_id:
            index = self.keys.article_claims(article_id)
        elif assignee:
            index = self.keys.assignee(assignee)
        elif entity:
            index = self.keys.entity(entity_key(entity))
        elif status:
            index = self.keys.status(status)
        else:
            index = self.keys.claims
        return index, sort.startswith("-")

    def _with_match_states(self, claims: list[dict]) -> list[dict]:
        """Matches show the other claim's current status and rating, read now."""
        wanted = sorted({m["claim_id"] for c in claims for m in c["matches"]})
        if not wanted:
            return claims
        pipe = self.redis.pipeline(transaction=False)
        for other in wanted:
            pipe.hmget(self.keys.claim(other), ["status", "rating", "article_id", "text"])
        states = dict(zip(wanted, pipe.execute()))
        for claim in claims:
            for match in claim["matches"]:
                status, rating, article_id, text = states[match["claim_id"]]
                match.update(status=status, rating=rating, article_id=article_id, text=text)
        return claims

    def get_claim(self, claim_id: str, *, with_history: bool = True) -> dict:
        read = ClaimRead(self, claim_id)
        read.take(send_all(self.redis, read.commands()))
        return read.claim(with_history=with_history)

    def claim_read(self, claim_id: str) -> ClaimRead:
        """A read of one claim that can travel in another call's round trip."""
        return ClaimRead(self, claim_id)

    def _assemble(self, claim_id: str, raw: dict, history: list[str], *, with_history: bool = True) -> dict:
        if not raw:
            raise NotFound(f"no claim {claim_id}")
        claim = self._with_match_states([decode_claim(claim_id, raw)])[0]
        if with_history:
            claim["history"] = full_history(claim, [_json(entry) for entry in history])
        return claim

    def _claim_from(self, claim_id: str, flat: list[str], history: list[str]) -> dict:
        """The claim as a script returned it: its hash as a flat list, its stored history."""
        return self._assemble(claim_id, dict(zip(flat[::2], flat[1::2])), history)

    def claim_history(self, claim_id: str) -> list[dict]:
        return self.get_claim(claim_id)["history"]

    def list_claims(self, *, status: str | None = None, article_id: str | None = None,
                    entity: str | None = None, assignee: str | None = None,
                    rating: str | None = None, min_score: float | None = None,
                    max_score: float | None = None, q: str | None = None,
                    created_after: str | None = None, created_before: str | None = None,
                    sort: str = "created", cursor: str | None = None, limit: int = 50,
                    prefetched: ClaimPageRead | None = None, encoded: bool = False) -> tuple[list, str | None]:
        """One page of claims. Sorts: created (text order within one article), -created,
        score, -score. Cursors stay valid whatever is written between pages. `prefetched`:
        a `page_read` that already travelled (used only when it read the stretch this needs).
        `encoded`: each claim as one JSON value for an answer (`encoded_claim`), not a dict."""
        index, descending = self._list_index(status=status, article_id=article_id, entity=entity,
                                             assignee=assignee, sort=sort)
        needle = q.casefold() if q else None
        wanted_entity = entity_key(entity) if entity else None

        def keep(claim: dict) -> bool:
            holder = claim["assignee"]
            return ((status is None or claim["status"] == status)
                    and (article_id is None or claim["article_id"] == article_id)
                    and (assignee is None or (isinstance(holder, dict) and holder.get("key_id") == assignee))
                    and (wanted_entity is None or any(
                        entity_key(e.get("canonical") or e.get("text", "")) == wanted_entity
                        or entity_key(e.get("text", "")) == wanted_entity for e in entities_of(claim)))
                    and (rating is None or claim["rating"] == rating)
                    and (min_score is None or claim["score"] >= min_score)
                    and (max_score is None or claim["score"] <= max_score)
                    and (needle is None or needle in (claim["text"] or "").casefold())
                    and (created_after is None or (claim["created_at"] or "") >= created_after)
                    and (created_before is None or (claim["created_at"] or "") < created_before))

        docs: dict[str, str] = {}

        def entities_of(claim: dict) -> list[dict]:
            doc = docs.get(claim["id"])
            return _json(doc)["entities"] if doc is not None else claim["entities"]

        claims, next_cursor = page(functools.partial(self._claims_after, index, prefetched=prefetched, docs=docs),
                                   keep=keep, cursor=cursor, limit=limit, descending=descending)
        claims = self._with_match_states(claims)
        if encoded:
            return [encoded_claim(claim, docs.get(claim["id"])) for claim in claims], next_cursor
        for claim in claims:
            doc = docs.get(claim["id"])
            if doc is not None:
                claim.update(_json(doc))
        return claims, next_cursor

    # -- changes --------------------------------------------------------------------------
    def transition(self, claim_id: str, plan: TransitionPlan, *, expected_version: int | None,
                   actor: Actor, lease_seconds: int, note: str | None = None,
                   evidence: Iterable[dict] = (), key_check: KeyCheck | None = None) -> dict:
        """Apply `plan` to the claim atomically (expected_version None: not checked); with
        `key_check`, only when that authentication allows it, in the same call.

        Raises NotFound, StaleVersion, LeaseConflict or InvalidTransition (with the current
        claim), or KeyRefused.
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
        run = self._transition if key_check is None else functools.partial(key_check.run, self._transition)
        outcome = run(
            claim_id, -1 if expected_version is None else expected_version,
            _encode(steps) if steps else "{}", _encode(actor_dict), actor.key_id,
            "1" if actor.role.value == "admin" else "0", int(stamp_ts * 1000), stamp,
            self.claim_url_prefix, lease_seconds * 1000, _encode(append) if append else "{}",
            secrets.token_hex(8))
        kind = outcome[0]
        if kind == "not_found":
            raise NotFound(f"no claim {claim_id}")
        current = self._claim_from(claim_id, outcome[2], outcome[3])
        if kind == "ok":
            return current
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
        raise refusal(plan, current)  # 'refused': no step for the state it is in

    # -- the queue and leases ---------------------------------------------------------------
    def renew_lease(self, claim_id: str, *, actor: Actor, lease_seconds: int) -> dict:
        """Extend the caller's lease (not a change of the claim: its version stays)."""
        outcome = self._renew_lease(claim_id, actor.key_id,
                                    "1" if actor.role.value == "admin" else "0",
                                    int(time.time() * 1000), lease_seconds * 1000)
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
                   article_id: str | None = None, entity: str | None = None,
                   idempotency_key: str | None = None, key_check: KeyCheck | None = None) -> dict | None:
        """Lease the highest-priority pending claim that fits to `actor` (atomic: no two
        reviewers ever get one claim). The same `idempotency_key` again returns the claim it
        leased while the actor still holds it. With `key_check`, only when that authentication
        allows it, in the same call (else KeyRefused)."""
        stamp_ts = time.time()
        # Without a key of the caller's, one of this call's own: a retry of the script after a
        # lost reply then returns the claim it leased instead of leasing a second one.
        token = (hashlib.sha256(idempotency_key.encode()).hexdigest()[:32] if idempotency_key
                 else "call:" + secrets.token_hex(12))
        run = self._lease_next if key_check is None else functools.partial(key_check.run, self._lease_next)
        leased = run(
            _encode(actor.to_dict()), int(stamp_ts * 1000), now_iso(stamp_ts),
            self.claim_url_prefix, lease_seconds * 1000,
            "" if min_score is None else repr(min_score), article_id or "",
            entity_key(entity) if entity else "", token)
        return self._claim_from(*leased) if leased else None

    def expire_leases(self, *, limit: int = 500) -> list[str]:
        stamp_ts = time.time()
        return list(self._expire(int(stamp_ts * 1000), now_iso(stamp_ts), self.claim_url_prefix,
                                 limit))

    # -- matches --------------------------------------------------------------------------
    def match_candidates(self, entity_keys: Iterable[str], *, exclude_article: str,
                         per_entity: int = 200) -> list[tuple[str, str]]:
        """Recent claims of other articles sharing an entity: (id, text)."""
        wanted = list(dict.fromkeys(entity_keys))
        if not wanted:
            return []
        pipe = self.redis.pipeline(transaction=False)
        for key in wanted:
            pipe.zrevrange(self.keys.entity(key), 0, per_entity - 1)
        ids = list(dict.fromkeys(i for batch in pipe.execute() for i in batch))
        pipe = self.redis.pipeline(transaction=False)
        for claim_id in ids:
            pipe.hmget(self.keys.claim(claim_id), ["text", "article_id", "retracted"])
        return [(claim_id, text) for claim_id, (text, article_id, retracted) in zip(ids, pipe.execute())
                if text and article_id != exclude_article and retracted != "1"]

    def claim_matches_with_status(self, status: str, *, batch: int = 1000) -> Iterable[tuple[str, list[dict]]]:
        """(id, its stored matches) of every claim in `status` that has any, a batch per round trip."""
        ids = self.redis.zrange(self.keys.status(status), 0, -1)
        for start in range(0, len(ids), batch):
            chunk = ids[start : start + batch]
            pipe = self.redis.pipeline(transaction=False)
            for claim_id in chunk:
                pipe.hget(self.keys.claim(claim_id), "matches")
            for claim_id, raw in zip(chunk, pipe.execute()):
                if raw and raw != "[]":
                    yield claim_id, _json(raw)

    def link_matches(self, claim_id: str, matches: list[dict]) -> int:
        """Record matches both ways (boosting claims that match a flagged one); new links count."""
        if not matches:
            return 0
        return int(self._link_matches(claim_id, json.dumps(matches), now_iso(),
                                      self.claim_url_prefix))

    def attach_factchecks(self, claim_id: str, matches: list[dict], *, boost: bool) -> int:
        """Note the fact-checks `claim_id` matches (each once; claim.matched for each new one),
        moving it up the queue when `boost`; the number newly attached."""
        if not matches:
            return 0
        return int(self._attach_factchecks(claim_id, json.dumps(matches), now_iso(), self.claim_url_prefix,
                                           "1" if boost else "0"))

    def decide_match(self, claim_id: str, other_id: str, *, decision: str, actor: Actor) -> dict:
        outcome = self._decide_match(claim_id, other_id, decision, json.dumps(actor.to_dict()),
                                     now_iso(), self.claim_url_prefix)
        if outcome[0] == "not_found":
            missing = other_id if self.redis.exists(self.keys.claim(claim_id)) else claim_id
            raise NotFound(f"no claim {missing}")
        if outcome[0] == "no_match":
            raise NotFound(f"{other_id} is not a match of {claim_id}")
        if outcome[0] == "decided":
            raise InvalidTransition("this match is already confirmed", current=self.get_claim(claim_id))
        return self.get_claim(claim_id)


def _range_command(index: str, bound: str, count: int, descending: bool) -> tuple:
    """Up to `count` (member, score) rows of `index` past `bound` (its reply: roundtrip.as_scored)."""
    if descending:
        return ("ZREVRANGEBYSCORE", index, bound, "-inf", "WITHSCORES", "LIMIT", 0, count)
    return ("ZRANGEBYSCORE", index, bound, "+inf", "WITHSCORES", "LIMIT", 0, count)


def _checked(reply):
    if isinstance(reply, Exception):
        raise reply
    return reply


def _checked_dict(reply) -> dict:
    return as_dict(_checked(reply))


class ClaimPageRead:
    """The first stretch of a claim list's index, read in some round trip (`commands`, then `take`
    its replies): the authentication's, for the list view (service/api/access.py). Its rows
    serve only a fetch of exactly that stretch, once."""

    def __init__(self, index: str, bound: str, count: int, descending: bool):
        self.stretch = (index, bound, count, descending)
        self._rows: list[tuple[str, float]] | None = None

    def commands(self) -> list[tuple]:
        return [_range_command(*self.stretch)]

    def take(self, replies: list) -> None:
        rows = replies[0]
        self._rows = None if isinstance(rows, Exception) else as_scored(rows)

    def rows_for(self, index: str, bound: str, count: int, descending: bool) -> list[tuple[str, float]] | None:
        if self._rows is None or (index, bound, count, descending) != self.stretch:
            return None
        rows, self._rows = self._rows, None
        return rows


class ClaimRead:
    """One claim and its history, read in some round trip (`commands`, then `take` its replies):
    the authentication's, for a view that reads one claim (service/api/access.py)."""

    def __init__(self, store: ClaimStore, claim_id: str):
        self.store, self.claim_id = store, claim_id
        self._replies: list | None = None

    def commands(self) -> list[tuple]:
        return [("HGETALL", self.store.keys.claim(self.claim_id)),
                ("LRANGE", self.store.keys.claim_history(self.claim_id), 0, -1)]

    def take(self, replies: list) -> None:
        self._replies = replies

    def claim(self, *, with_history: bool = True) -> dict:
        if self._replies is None:  # the trip it was to share never happened
            return self.store.get_claim(self.claim_id, with_history=with_history)
        for reply in self._replies:
            if isinstance(reply, Exception):
                raise reply
        raw, history = self._replies
        return self.store._assemble(self.claim_id, as_dict(raw), history, with_history=with_history)
