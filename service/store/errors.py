"""Failures only the storage layer detects."""
from __future__ import annotations

from service.claims import DomainError


class IdempotencyConflict(DomainError):
    """An Idempotency-Key already used for a different article."""


class InvalidCursor(DomainError):
    """A list cursor this API did not hand out."""


class LastAdminKey(DomainError):
    """Revoking this key would leave no active admin key."""
