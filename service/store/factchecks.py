"""Fact-checks (ClaimReview records): one per URL, listed by when first stored."""
from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterator

import redis

from service.errors import NotFound
from service.factchecks import url_key
from service.store.keys import PREFIX, Keys
from service.store.paging import page, range_then_load
from service.store.scripts import Script
from service.store.stamps import now_iso

# Our claims that count as fact-checks.
REVIEWED_STATUSES = ("verified", "flagged")
# Rows read per round trip when every fact-check is walked (search indexes).
_SCAN_BATCH = 2_000
# A fact-check's hash as `_record` reads it (beside its "vector").
_FIELDS = ("record", "created_at", "updated_at")


class FactCheckStore:
    def __init__(self, client: redis.Redis, *, prefix: str = PREFIX):
        self.redis = client
        self.keys = Keys(prefix)
        self._put = Script(client, "put_factchecks", prefix=prefix)
        self._delete = Script(client, "delete_factcheck", prefix=prefix)
        self._put_vectors = Script(client, "put_factcheck_vectors", prefix=prefix)

    def put_factchecks(self, records: list[dict], vectors: list[str]) -> list[tuple[str, str]]:
        """Store each record (`FactCheck.record()`) with its embedding (a URL stored before keeps
        its id): (id, created|updated|unchanged) per item, all in one script. Items repeating a URL
        of the same batch: the last one's fields win."""
        if not records:
            return []
        args: list[str] = [now_iso()]
        for record, vector in zip(records, vectors, strict=True):
            args += [url_key(record["url"]), json.dumps(record, separators=(",", ":")), vector]
        return [(str(fc_id), str(outcome)) for fc_id, outcome in self._put(*args)]

    def put_vectors(self, rows: list[tuple[str, str, str]]) -> int:
        """Store (id, updated_at as read, vector) each, where the fact-check is still as read:
        how many were stored."""
        args = [value for row in rows for value in row]
        return int(self._put_vectors(*args)) if args else 0

    def get_factchecks(self, ids: list[str]) -> list[dict | None]:
        """The fact-checks `ids` name, in that order, in one round trip (None: not stored)."""
        return self._load(ids)

    def get_factcheck(self, factcheck_id: str) -> dict:
        found = self._load([factcheck_id])[0]
        if found is None:
            raise NotFound(f"no fact-check {factcheck_id}")
        return found

    def delete_factcheck(self, factcheck_id: str) -> dict:
        record = self.get_factcheck(factcheck_id)
        key = url_key(record["url"])
        if not self._delete(factcheck_id, key):
            raise NotFound(f"no fact-check {factcheck_id}")
        return record

    def changed_since(self, version: int) -> list[str]:
        """The URL keys of fact-checks stored, changed or deleted after `version` (lookup_version)."""
        return self.redis.zrangebyscore(self.keys.factchecks_changed, f"({version}", "+inf")

    def factchecks_at(self, url_keys: list[str]) -> list[tuple[dict, str | None] | None]:
        """Per URL key, the fact-check stored under it with its embedding (None: none now), in two round trips."""
        if not url_keys:
            return []
        ids = self.redis.mget([self.keys.factcheck_url(key) for key in url_keys])
        pipe = self.redis.pipeline(transaction=False)
        for fc_id in ids:
            if fc_id is not None:
                pipe.hmget(self.keys.factcheck(fc_id), *_FIELDS, "vector")
        rows = iter(pipe.execute())
        return [_with_vector(fc_id, next(rows)) if fc_id is not None else None for fc_id in ids]

    def list_factchecks(self, *, q: str | None = None, cursor: str | None = None,
                        limit: int = 50) -> tuple[list[dict], str | None]:
        """Newest first; `q` keeps those whose claim contains it (case-insensitive)."""
        needle = q.casefold() if q else None
        keep = (lambda record: needle in record["claim_reviewed"].casefold()) if needle else None
        fetch = range_then_load(self.redis, self.keys.factchecks, self._load)
        return page(fetch, keep=keep, cursor=cursor, limit=limit, descending=True)

    def lookup_version(self) -> tuple[str, int]:
        """(epoch, version): the version changes whenever a fact-check is stored, changed or
        deleted (`changed_since` says which); the epoch tells an emptied or replaced database apart."""
        pipe = self.redis.pipeline(transaction=False)
        # A database emptied or replaced starts counting again: its own epoch tells it apart.
        pipe.set(self.keys.factchecks_epoch, secrets.token_hex(8), nx=True)
        pipe.get(self.keys.factchecks_epoch)
        pipe.get(self.keys.factchecks_version)
        _created, epoch, version = pipe.execute()
        return epoch, int(version or 0)

    def reviewed_claim_ids(self) -> list[str]:
        """Our claims with a verdict, oldest first."""
        pipe = self.redis.pipeline(transaction=False)
        for status in REVIEWED_STATUSES:
            pipe.zrange(self.keys.status(status), 0, -1)
        return [claim_id for ids in pipe.execute() for claim_id in ids]

    def claim_vectors(self, claims: list[tuple[str, str]]) -> dict[tuple[str, str], str]:
        """The stored embeddings of claims given as (id, text): only those stored for that very
        text (a corrected claim's is not its own any more)."""
        found: dict[tuple[str, str], str] = {}
        for start in range(0, len(claims), _SCAN_BATCH):
            batch = claims[start : start + _SCAN_BATCH]
            for (claim_id, text), value in zip(batch, self.redis.hmget(self.keys.claims_vectors,
                                                                       [claim_id for claim_id, _text in batch])):
                digest, _, vector = (value or "").partition(":")
                if vector and digest == _text_digest(text):
                    found[claim_id, text] = vector
        return found

    def put_claim_vectors(self, vectors: dict[tuple[str, str], str]) -> None:
        """Keep claims' embeddings, each for the text it was computed from."""
        if vectors:
            self.redis.hset(self.keys.claims_vectors, mapping={
                claim_id: f"{_text_digest(text)}:{vector}" for (claim_id, text), vector in vectors.items()})

    def drop_claim_vectors(self, claim_ids: list[str], *, keep_only: bool = False) -> None:
        """Forget the embeddings of `claim_ids` (claims with no verdict any more), or, `keep_only`,
        of every claim but those."""
        if keep_only:
            kept = set(claim_ids)
            claim_ids = [claim_id for claim_id in self.redis.hkeys(self.keys.claims_vectors) if claim_id not in kept]
        if claim_ids:
            self.redis.hdel(self.keys.claims_vectors, *claim_ids)

    def factcheck_count(self) -> int:
        return int(self.redis.zcard(self.keys.factchecks))

    def all_factchecks(self) -> Iterator[tuple[dict, str | None]]:
        """Every fact-check with its stored embedding (None if it has none), oldest first, in batches."""
        start = 0
        while True:
            ids = self.redis.zrange(self.keys.factchecks, start, start + _SCAN_BATCH - 1)
            if not ids:
                return
            pipe = self.redis.pipeline(transaction=False)
            for fc_id in ids:
                pipe.hmget(self.keys.factcheck(fc_id), *_FIELDS, "vector")
            for fc_id, row in zip(ids, pipe.execute()):
                found = _with_vector(fc_id, row)
                if found is not None:
                    yield found
            start += len(ids)

    def _load(self, ids: list[str]) -> list[dict | None]:
        pipe = self.redis.pipeline(transaction=False)
        for fc_id in ids:
            pipe.hmget(self.keys.factcheck(fc_id), *_FIELDS)
        return [_record(fc_id, row) for fc_id, row in zip(ids, pipe.execute())]


def _text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _with_vector(factcheck_id: str, row: list[str | None]) -> tuple[dict, str | None] | None:
    """A row of `_FIELDS` and "vector" as (the fact-check, its stored embedding); None: gone."""
    record = _record(factcheck_id, row[:-1])
    return None if record is None else (record, row[-1])


def _record(factcheck_id: str, row: list[str | None]) -> dict | None:
    raw, created_at, updated_at = row
    if raw is None:
        return None
    return {"id": factcheck_id, **json.loads(raw), "created_at": created_at, "updated_at": updated_at}
