"""API keys and roles: keys are shown once, only their SHA-256 is stored."""
from __future__ import annotations

import hashlib
import secrets
import time
from enum import Enum

from service.claims import Actor, Role
from service.store import Store, now_iso

KEY_PREFIX = "ctk_"
LAST_USED_RESOLUTION_SECONDS = 60


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


def authenticate(store: Store, secret: str) -> Actor | None:
    if not secret.startswith(KEY_PREFIX) or len(secret) > 200:
        return None
    record = store.find_key(hash_secret(secret))
    if record is None:
        return None
    # "Last used" to the minute: not a Redis write on every request.
    if (record.get("last_used_at") or "") < now_iso(time.time() - LAST_USED_RESOLUTION_SECONDS):
        store.touch_key(record["id"])
    return Actor(key_id=record["id"], name=record["name"], role=Role(record["role"]))


def ensure_admin_key(store: Store) -> str | None:
    """On first start: create an admin key and return its secret (None when one exists)."""
    if store.has_admin_key():
        return None
    _record, secret = create_key(store, role=Role.ADMIN, name="first admin")
    return secret
