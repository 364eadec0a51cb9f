"""The claim model's vocabulary and its state machine (pure: no Flask, Celery or Redis)."""
from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from enum import Enum


class ClaimStatus(str, Enum):
    PENDING = "pending"
    IN_REVIEW = "in_review"
    VERIFIED = "verified"
    FLAGGED = "flagged"
    DISMISSED = "dismissed"


class ArticleStatus(str, Enum):
    QUEUED = "queued"
    PROCESSING = "processing"
    DONE = "done"
    FAILED = "failed"


class Role(str, Enum):
    INGEST = "ingest"
    REVIEWER = "reviewer"
    ADMIN = "admin"


class Rating(str, Enum):
    TRUE = "true"
    MOSTLY_TRUE = "mostly_true"
    HALF_TRUE = "half_true"
    MOSTLY_FALSE = "mostly_false"
    FALSE = "false"
    MISLEADING = "misleading"
    UNPROVEN = "unproven"


class DismissReason(str, Enum):
    NOT_CHECKWORTHY = "not_checkworthy"
    OPINION = "opinion"
    DUPLICATE = "duplicate"
    OUT_OF_SCOPE = "out_of_scope"


VERIFIED_RATINGS = frozenset({Rating.TRUE, Rating.MOSTLY_TRUE})
FLAGGED_RATINGS = frozenset(
    {Rating.HALF_TRUE, Rating.MOSTLY_FALSE, Rating.FALSE, Rating.MISLEADING, Rating.UNPROVEN}
)
VERDICT_STATES = frozenset({ClaimStatus.VERIFIED, ClaimStatus.FLAGGED, ClaimStatus.DISMISSED})


class DomainError(Exception):
    """Base of the failures the API maps to HTTP answers in one place."""

    def __init__(self, message: str, *, errors: dict | None = None, current: dict | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}
        self.current = current


class NotFound(DomainError):
    pass


class StaleVersion(DomainError):
    pass


class InvalidTransition(DomainError):
    pass


class LeaseConflict(DomainError):
    """The claim is held by someone else (or by nobody) and the change needs the holder."""


@dataclass(frozen=True)
class Actor:
    key_id: str
    name: str
    role: Role

    def to_dict(self) -> dict:
        return {"key_id": self.key_id, "name": self.name, "role": self.role.value}


SYSTEM_ACTOR = "system"


@dataclass(frozen=True)
class TransitionRequest:
    to: ClaimStatus
    rating: Rating | None = None
    explanation: str | None = None
    reason: str | None = None
    note: str | None = None
    evidence: tuple[dict, ...] = ()
    copied_from: str | None = None


@dataclass(frozen=True)
class TransitionPlan:
    """What the atomic store step must check and write for one requested transition.

    `allowed_from` lists the states the claim may be in for this request; `holder_only`
    names those states in which only the lease holder (or an admin) may act.
    """

    to: ClaimStatus
    allowed_from: frozenset[ClaimStatus]
    holder_only: frozenset[ClaimStatus]
    fields: dict = field(default_factory=dict)
    clear: tuple[str, ...] = ()
    needs_copied_verdict: bool = False


# (from, to) → the rule, for messages; the table of DESIGN §5.
TRANSITIONS: dict[tuple[ClaimStatus, ClaimStatus], str] = {
    (ClaimStatus.PENDING, ClaimStatus.IN_REVIEW): "a reviewer leases the claim",
    (ClaimStatus.IN_REVIEW, ClaimStatus.PENDING): "the lease holder or an admin releases it",
    (ClaimStatus.IN_REVIEW, ClaimStatus.VERIFIED): "the lease holder or an admin, rating true or mostly_true",
    (ClaimStatus.IN_REVIEW, ClaimStatus.FLAGGED): "the lease holder or an admin, a flagging rating and an explanation",
    (ClaimStatus.PENDING, ClaimStatus.DISMISSED): "a reviewer, with a reason",
    (ClaimStatus.IN_REVIEW, ClaimStatus.DISMISSED): "the lease holder or an admin, with a reason",
    (ClaimStatus.PENDING, ClaimStatus.VERIFIED): "a reviewer copying a confirmed match's verdict",
    (ClaimStatus.PENDING, ClaimStatus.FLAGGED): "a reviewer copying a confirmed match's verdict",
    (ClaimStatus.VERIFIED, ClaimStatus.PENDING): "a reviewer reopening it, with a reason",
    (ClaimStatus.FLAGGED, ClaimStatus.PENDING): "a reviewer reopening it, with a reason",
    (ClaimStatus.DISMISSED, ClaimStatus.PENDING): "a reviewer reopening it, with a reason",
}

ACTING_ROLES = frozenset({Role.REVIEWER, Role.ADMIN})


def _require(errors: dict, name: str, message: str) -> None:
    errors.setdefault(name, []).append(message)


def plan_transition(request: TransitionRequest, *, actor: Actor) -> TransitionPlan:
    """Check what can be checked without the stored claim and say what the store must check.

    Raises InvalidTransition naming every missing or misfitting field.
    """
    if actor.role not in ACTING_ROLES:
        raise InvalidTransition(f"the role {actor.role.value} may not change claims")
    to = request.to
    errors: dict[str, list[str]] = {}
    fields: dict = {}
    clear: tuple[str, ...] = ()
    allowed_from = frozenset(f for (f, t) in TRANSITIONS if t is to)
    holder_only = frozenset({ClaimStatus.IN_REVIEW})
    needs_copied_verdict = False

    if to is ClaimStatus.VERIFIED or to is ClaimStatus.FLAGGED:
        allowed = VERIFIED_RATINGS if to is ClaimStatus.VERIFIED else FLAGGED_RATINGS
        if request.rating is None:
            _require(errors, "rating", f"required to move a claim to {to.value}")
        elif request.rating not in allowed:
            _require(errors, "rating", f"{request.rating.value} does not fit {to.value}; "
                     f"use one of {', '.join(sorted(r.value for r in allowed))}")
        if to is ClaimStatus.FLAGGED and not (request.explanation or "").strip():
            _require(errors, "explanation", "required to flag a claim")
        if request.reason:
            _require(errors, "reason", f"not used when moving a claim to {to.value}")
        fields = {"rating": request.rating.value if request.rating else None,
                  "explanation": (request.explanation or "").strip() or None}
        clear = ("reason",)
        if request.copied_from:
            # pending → verdict is only a copy of a confirmed match's verdict.
            allowed_from = frozenset({ClaimStatus.PENDING})
            needs_copied_verdict = True
            fields["copied_from"] = request.copied_from
        else:
            allowed_from = frozenset({ClaimStatus.IN_REVIEW})
    elif to is ClaimStatus.DISMISSED:
        valid = {r.value for r in DismissReason}
        if not request.reason:
            _require(errors, "reason", f"required to dismiss a claim: one of {', '.join(sorted(valid))}")
        elif request.reason not in valid:
            _require(errors, "reason", f"{request.reason!r} is not a dismissal reason; use one of {', '.join(sorted(valid))}")
        if request.rating is not None:
            _require(errors, "rating", "a dismissed claim has no rating")
        fields = {"reason": request.reason}
        clear = ("rating", "explanation")
    elif to is ClaimStatus.PENDING:
        # Release of a lease needs nothing; reopening a verdict needs a reason. Which one
        # applies depends on the stored state, so the store gets both rules.
        if request.rating is not None:
            _require(errors, "rating", "a pending claim has no rating")
        if not (request.reason or "").strip():
            allowed_from = frozenset({ClaimStatus.IN_REVIEW})
        else:
            fields = {"reason": request.reason.strip()}
        clear = ("rating", "explanation")
    elif to is ClaimStatus.IN_REVIEW:
        if request.rating is not None or request.reason:
            _require(errors, "to", "taking a claim into review takes no rating or reason")
        holder_only = frozenset()
    if request.copied_from and to not in (ClaimStatus.VERIFIED, ClaimStatus.FLAGGED):
        _require(errors, "copied_from", "only a verdict (verified or flagged) can be copied")
    if errors:
        raise InvalidTransition(f"the transition to {to.value} is missing or has misfitting fields",
                                errors=errors)
    return TransitionPlan(to=to, allowed_from=allowed_from, holder_only=holder_only,
                          fields=fields, clear=clear, needs_copied_verdict=needs_copied_verdict)


def explain_refusal(current: ClaimStatus, request: TransitionRequest) -> str:
    """One sentence saying why a claim in `current` cannot take `request`."""
    to = request.to
    if current is to:
        return f"the claim is already {to.value}"
    rule = TRANSITIONS.get((current, to))
    if rule is None:
        targets = sorted(t.value for (f, t) in TRANSITIONS if f is current)
        return f"a {current.value} claim cannot move to {to.value}; it can move to {', '.join(targets)}"
    if to is ClaimStatus.PENDING and current in VERDICT_STATES:
        return f"reopening a {current.value} claim needs a reason"
    if current is ClaimStatus.PENDING and to in (ClaimStatus.VERIFIED, ClaimStatus.FLAGGED):
        return (f"a pending claim reaches {to.value} only by review (take it from the queue first) "
                "or by copied_from naming a confirmed match with that verdict")
    return f"moving a {current.value} claim to {to.value} needs {rule}"


_SPACE = re.compile(r"\s+")


def normalise_text(text: str) -> str:
    """NFC, whitespace collapsed, stripped: the form ids and content hashes are built from."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def claim_id(article_id: str, claim_text: str) -> str:
    """Deterministic: re-extracting an article never duplicates a claim."""
    digest = hashlib.sha256(f"{article_id}\n{normalise_text(claim_text).casefold()}".encode()).hexdigest()
    return f"clm_{digest[:24]}"


def content_hash(text: str) -> str:
    return hashlib.sha256(normalise_text(text).encode()).hexdigest()


def queue_priority(score: float, created_epoch_s: float) -> float:
    """Queue order in one float: higher check-worthiness first, older first among equals.

    score (3 decimals) lands above 1e10 and the age below it; both stay exact in a double.
    """
    return round(score * 1000) * 1e10 + (1e10 - int(created_epoch_s))


def min_priority_for_score(min_score: float) -> float:
    return round(min_score * 1000) * 1e10
