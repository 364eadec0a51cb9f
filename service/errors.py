"""Every failure the domain and the store can report, each with the HTTP status the API answers
it with: one table, read by service/api/errors.py (and the bulk calls' per-item results)."""
from __future__ import annotations


class DomainError(Exception):
    """A refusal the caller can act on: a message, field errors and, for a claim, the claim as
    it stands (`current`)."""

    status = 422

    def __init__(self, message: str, *, errors: dict | None = None, current: dict | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}
        self.current = current


class InvalidCursor(DomainError):
    """A list cursor this API did not hand out."""

    status = 400


class NotFound(DomainError):
    status = 404


class StaleVersion(DomainError):
    """If-Match names a version the claim has moved past."""

    status = 409


class NotReviewed(DomainError):
    """Only verified and flagged claims have a ClaimReview."""

    status = 409


class DuplicateWebhook(DomainError):
    """Another subscription already posts to this URL."""

    status = 409


class DuplicateFeed(DomainError):
    """Another feed already polls this URL."""

    status = 409


class WebhookDisabled(DomainError):
    """The endpoint is disabled: re-enable it (PATCH active=true) before sending to it."""

    status = 409


class LastAdminKey(DomainError):
    """Revoking this key would leave no active admin key."""

    status = 409


class ArticleTooLarge(DomainError):
    status = 413


class InvalidTransition(DomainError):
    """The state machine, the role or a missing field refuses the change."""

    status = 422


class LeaseConflict(DomainError):
    """The claim is held by someone else (or by nobody) and the change needs the holder."""

    status = 422


class IdempotencyConflict(DomainError):
    """An Idempotency-Key already used for a different article."""

    status = 422


class UnsafeWebhookUrl(DomainError):
    """The URL is not http(s), or its host is (or resolves to) a non-public address."""

    status = 422


class InvalidWebhookSecret(DomainError):
    """A caller-supplied secret that is not `whsec_` + base64 of 24 to 64 bytes."""

    status = 422


class InvalidClaimReview(DomainError):
    """A ClaimReview that cannot be read: `errors` names each bad field by its JSON-LD path."""

    status = 422
