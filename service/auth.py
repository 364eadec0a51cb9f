"""API keys and roles: keys are shown once, only their SHA-256 is stored."""
from __future__ import annotations

import hashlib
import secrets
from enum import Enum

from service.claims import Actor, Role
from service.ratelimits import Quota, QuotaState
from service.store import Store
from service.store.api_keys import Along, KeyCheck

KEY_PREFIX = "ctk_"
LAST_USED_RESOLUTION_SECONDS = 60
UNLIMITED = Quota("requests", 0, 60, "requests")


class Permission(str, Enum):
    READ = "read"          # articles and claims
    SUBMIT = "submit"      # post articles
    REVIEW = "review"      # queue and transitions
    ADMIN = "admin"        # keys, webhooks


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.INGEST: frozenset({Permission.READ, Permission.SUBMIT}),
    Role.REVIEWER: frozenset({Permission.READ, Permission.REVIEW}),
    Role.ADMIN: frozenset(Permission),
}


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_key(store: Store, *, role: Role, name: str) -> tuple[dict, str]:
    """A new key: its public record and the secret, which is never stored."""
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    key_id = "key_" + secrets.token_hex(8)
    record = store.save_key(key_id, secret_hash=hash_secret(secret), name=name, role=role.value)
    return record, secret


def authenticate(store: Store, secret: str, *, quota: Quota = UNLIMITED,
                 along: Along | None = None) -> tuple[Actor | None, QuotaState | None]:
    """Who holds `secret` (None: unknown or revoked) and, for a known key, what taking one
    request from its `quota` left; "last used" is kept to the minute, not written every time.
    `along`: reads that share the lookup's round trip (their result is only used once the
    caller is allowed)."""
    if not secret.startswith(KEY_PREFIX) or len(secret) > 200:
        return None, None
    record, state = store.api_keys.authenticate(
        hash_secret(secret), quota=quota, last_used_resolution_seconds=LAST_USED_RESOLUTION_SECONDS,
        along=along)
    if record is None:
        return None, None
    return Actor(key_id=record["id"], name=record["name"], role=Role(record["role"])), state


def key_check(store: Store, secret: str, *, quota: Quota = UNLIMITED) -> tuple[Actor, KeyCheck] | None:
    """For a key this process has seen active: who it was and an authentication a write can
    carry into its own script (`authenticate` then happens there, in the same round trip);
    None when the write must authenticate first."""
    if not secret.startswith(KEY_PREFIX) or len(secret) > 200:
        return None
    check = store.api_keys.key_check(hash_secret(secret), quota=quota,
                                     last_used_resolution_seconds=LAST_USED_RESOLUTION_SECONDS)
    if check is None:
        return None
    identity = check.identity
    return Actor(key_id=identity["id"], name=identity["name"], role=Role(identity["role"])), check


def settled_actor(check: KeyCheck) -> tuple[Actor | None, QuotaState | None]:
    """What `authenticate` would have answered, from a carried authentication that ran."""
    record = check.record
    if record is None:
        return None, None
    return Actor(key_id=record["id"], name=record["name"], role=Role(record["role"])), check.state


def ensure_admin_key(store: Store) -> str | None:
    """On first start: create an admin key and return its secret (None when one exists)."""
    if store.has_admin_key():
        return None
    _record, secret = create_key(store, role=Role.ADMIN, name="first admin")
    return secret
