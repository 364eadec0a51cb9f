"""API keys: only a hash of each secret is stored, with its name, role and last use."""
from __future__ import annotations

import time
from typing import Protocol

import redis

from service.errors import LastAdminKey, NotFound
from service.ratelimits import Quota, QuotaState
from service.store.keys import PREFIX, Keys
from service.store.scripts import Script
from service.store.stamps import iso_from_ms, now_iso


def _public(record: dict) -> dict:
    return {k: record.get(k) for k in ("id", "name", "role", "created_at", "last_used_at",
                                       "revoked_at")}


class Along(Protocol):
    """Reads that travel in the authentication's round trip: their commands, then their raw
    replies (roundtrip.send_all)."""

    def commands(self) -> list[tuple]: ...

    def take(self, replies: list) -> None: ...


# At most this many keys' identities are remembered per process (then forgotten at once).
KNOWN_KEYS = 10_000


def _authentication_args(secret_hash: str, quota: Quota, last_used_resolution_seconds: int) -> tuple:
    now_ms = int(time.time() * 1000)
    # "Last used" is kept to the minute: stamps to the second, each made once a second.
    second_ms = now_ms - now_ms % 1000
    return (secret_hash, now_ms, iso_from_ms(second_ms), iso_from_ms(second_ms - last_used_resolution_seconds * 1000),
            quota.name, quota.limit, quota.period_seconds * 1000)


class KeyRefused(Exception):
    """A write's authentication (KeyCheck) refused the key: nothing was written."""

    def __init__(self, check: KeyCheck):
        super().__init__("the key may not write")
        self.check = check


class KeyCheck:
    """An authentication a write carries into its script (scripts.py `Script.authenticated`):
    `identity` is the key expected ({id, name, role}); after the call, `settled` is True and
    `record`, `state` are what authenticating alone would have answered."""

    def __init__(self, store: ApiKeyStore, secret_hash: str, identity: dict, quota: Quota, args: tuple):
        self._store, self._secret_hash, self.identity, self.quota = store, secret_hash, identity, quota
        self.args = (*args, identity["id"])
        self.settled = False
        self.record: dict | None = None
        self.state: QuotaState | None = None

    def run(self, script: Script, *args):
        """`script` behind this authentication: its reply, or KeyRefused when the key may not
        write (unknown, revoked, out of its quota, or not the key expected)."""
        reply = script.authenticated(self.args, *args)
        self.record, self.state = self._store._read_authentication(self._secret_hash, reply[0], self.quota)
        self.settled = True
        if len(reply) == 1 or self.record is None or self.record.get("id") != self.identity["id"]:
            if self.record is not None and self.record.get("id") != self.identity["id"]:
                self.record = None  # never the key expected: answered as not valid
            raise KeyRefused(self)
        return reply[1]


class ApiKeyStore:
    """API key records, found by the hash of their secret."""

    def __init__(self, client: redis.Redis, *, prefix: str = PREFIX):
        self.redis = client
        self.keys = Keys(prefix)
        self._authenticate = Script(client, "authenticate", prefix=prefix, preludes=("rate", "auth"))
        # Keys seen active in this process: hash of the secret → {id, name, role}, which never
        # change for a key (writes use them to carry their authentication: `key_check`).
        self._known: dict[str, dict] = {}
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
        args = _authentication_args(secret_hash, quota, last_used_resolution_seconds)
        reply, rest = self._authenticate.call_with(args, along.commands() if along is not None else [])
        if along is not None:
            along.take(rest)
        record, state = self._read_authentication(secret_hash, reply, quota)
        return record, state

    def _read_authentication(self, secret_hash: str, reply: list,
                             quota: Quota) -> tuple[dict | None, QuotaState | None]:
        """authenticate_key's reply (auth_prelude.lua) as (the active key's record, quota state);
        the key's identity is noted for `key_check`, or forgotten when it is no longer active."""
        if not reply:
            self._known.pop(secret_hash, None)
            return None, None
        flat, state = reply
        record = dict(zip(flat[::2], flat[1::2]))
        if record.get("revoked_at"):
            self._known.pop(secret_hash, None)
            return None, None
        if secret_hash not in self._known:
            if len(self._known) >= KNOWN_KEYS:
                self._known.clear()
            self._known[secret_hash] = {name: record.get(name) for name in ("id", "name", "role")}
        return record, QuotaState.from_script(quota, state) if state else None

    def key_check(self, secret_hash: str, *, quota: Quota, last_used_resolution_seconds: int) -> KeyCheck | None:
        """For a key this process has seen active: an authentication a write can carry into its
        own script (one round trip for both), with the identity it expects (None: unknown here,
        authenticate first). The script checks it all again; nothing is trusted from here."""
        identity = self._known.get(secret_hash)
        if identity is None:
            return None
        return KeyCheck(self, secret_hash, dict(identity), quota,
                        _authentication_args(secret_hash, quota, last_used_resolution_seconds))

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
