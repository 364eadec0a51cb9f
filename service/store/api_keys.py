"""API keys: only a hash of each secret is stored, with its name, role and last use."""
from __future__ import annotations

import time
from typing import Protocol

import redis

from service.errors import LastAdminKey, NotFound
from service.ratelimits import Quota, QuotaState
from service.store.keys import PREFIX, Keys
from service.store.scripts import Script
from service.store.stamps import now_iso


def _public(record: dict) -> dict:
    return {k: record.get(k) for k in ("id", "name", "role", "created_at", "last_used_at",
                                       "revoked_at")}


class Along(Protocol):
    """Reads that travel in the authentication's round trip."""

    def queue(self, pipe: redis.client.Pipeline) -> None: ...

    def take(self, replies: list) -> None: ...


class ApiKeyStore:
    """API key records, found by the hash of their secret."""

    def __init__(self, client: redis.Redis, *, prefix: str = PREFIX):
        self.redis = client
        self.keys = Keys(prefix)
        self._authenticate = Script(client, "authenticate", prefix=prefix, preludes=("rate",))
        self._take_quotas = Script(client, "take_quotas", prefix=prefix, preludes=("rate",))
        self._revoke_key = Script(client, "revoke_key", prefix=prefix)

    def save_key(self, key_id: str, *, secret_hash: str, name: str, role: str) -> dict:
        record = {"id": key_id, "name": name, "role": role, "created_at": now_iso(),
                  "secret_hash": secret_hash}
        pipe = self.redis.pipeline()
        pipe.hset(self.keys.key(key_id), mapping=record)
        pipe.set(self.keys.keyhash(secret_hash), key_id)
        pipe.zadd(self.keys.keys, {key_id: time.time()})
        pipe.execute()
        return _public(record)

    def authenticate(self, secret_hash: str, *, quota: Quota, last_used_resolution_seconds: int,
                     along: Along | None = None) -> tuple[dict | None, QuotaState | None]:
        """The active key whose secret hashes to `secret_hash` (None when unknown or revoked)
        and, for a known key, one request taken from `quota` (None when it is off), with
        its last use noted to `last_used_resolution_seconds`: one round trip, which `along`
        (reads a view will need, side-effect free) may share: it gets their replies."""
        now = time.time()
        args = (secret_hash, int(now * 1000), now_iso(now), now_iso(now - last_used_resolution_seconds),
                quota.name, quota.limit, quota.period_seconds * 1000)
        pipe = self.redis.pipeline(transaction=False)
        self._authenticate.queue(pipe, *args)
        if along is not None:
            along.queue(pipe)
        reply, *rest = pipe.execute(raise_on_error=False)
        if isinstance(reply, redis.exceptions.NoScriptError):
            self._authenticate.load()
            return self.authenticate(secret_hash, quota=quota, along=along,
                                     last_used_resolution_seconds=last_used_resolution_seconds)
        if isinstance(reply, Exception):
            raise reply
        if along is not None:
            along.take(rest)
        if not reply:
            return None, None
        flat, state = reply
        record = dict(zip(flat[::2], flat[1::2]))
        if record.get("revoked_at"):
            return None, None
        return record, QuotaState.from_script(quota, state) if state else None

    def take_quotas(self, key_id: str, costs: list[tuple[Quota, int]]) -> list[QuotaState]:
        """Take `cost` from each enabled quota at once, all or none: the states, the first
        refused one first when one refused."""
        costs = [(quota, cost) for quota, cost in costs if quota.enabled]
        if not costs:
            return []
        args: list = [key_id, int(time.time() * 1000)]
        for quota, cost in costs:
            args += [quota.name, quota.limit, quota.period_seconds * 1000, cost]
        refused, *states = self._take_quotas(*args)
        decoded = [QuotaState.from_script(quota, state) for (quota, _), state in zip(costs, states)]
        return sorted(decoded, key=lambda state: state.quota.name != refused)

    def list_keys(self) -> list[dict]:
        ids = self.redis.zrange(self.keys.keys, 0, -1)
        pipe = self.redis.pipeline(transaction=False)
        for key_id in ids:
            pipe.hgetall(self.keys.key(key_id))
        return [_public(r) for r in pipe.execute() if r]

    def revoke_key(self, key_id: str) -> dict:
        outcome = self._revoke_key(key_id, now_iso())
        if outcome[0] == "not_found":
            raise NotFound(f"no API key {key_id}")
        if outcome[0] == "last_admin":
            raise LastAdminKey(f"{key_id} is the last active admin key: create another admin key "
                               "before revoking it", errors={"key_id": ["the last active admin key"]})
        return _public(self.redis.hgetall(self.keys.key(key_id)))

    def has_admin_key(self) -> bool:
        return any(k["role"] == "admin" and not k.get("revoked_at") for k in self.list_keys())
