"""The claim model's vocabulary and its state machine (pure: no Flask, Celery or Redis)."""
from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from enum import Enum

from service.errors import InvalidTransition


class ClaimStatus(str, Enum):
    PENDING = "pending"
    IN_REVIEW = "in_review"
    VERIFIED = "verified"
    FLAGGED = "flagged"
    DISMISSED = "dismissed"
    AWAITING_APPROVAL = "awaiting_approval"


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
class Step:
    """What the store must check and write when the claim is in one given state."""

    to: ClaimStatus
    holder_only: bool = False          # only the lease holder (or an admin)
    second_reviewer: bool = False      # anyone but the reviewer who proposed the verdict
    fields: dict = field(default_factory=dict)
    clear: tuple[str, ...] = ()
    copied_from: str | None = None     # a confirmed match that must hold this verdict
    lease_to_proposer: bool = False    # sent back: the proposer gets a fresh lease
    apply_proposed: bool = False       # approval: the proposed verdict becomes final

    def to_dict(self) -> dict:
        step: dict[str, object] = {"to": self.to.value, "holder_only": self.holder_only,
                "second_reviewer": self.second_reviewer, "lease_to_proposer": self.lease_to_proposer,
                "apply_proposed": self.apply_proposed,
                "clear": [name for name in self.clear if self.fields.get(name) is None]}
        fields = {k: v for k, v in self.fields.items() if v is not None}
        if fields:
            step["fields"] = fields
        if self.copied_from:
            step["copied_from"] = self.copied_from
        return step


@dataclass(frozen=True)
class TransitionPlan:
    """One requested transition: per state the claim may be in, the step to take.

    The store looks up the claim's current state atomically; a state without a step
    refuses the request.
    """

    to: ClaimStatus
    steps: dict[ClaimStatus, Step]
    request: TransitionRequest


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
    # four-eyes mode
    (ClaimStatus.IN_REVIEW, ClaimStatus.AWAITING_APPROVAL): "the lease holder proposing a verdict",
    (ClaimStatus.AWAITING_APPROVAL, ClaimStatus.VERIFIED): "a second reviewer approving the proposed verdict",
    (ClaimStatus.AWAITING_APPROVAL, ClaimStatus.FLAGGED): "a second reviewer approving the proposed verdict",
    (ClaimStatus.AWAITING_APPROVAL, ClaimStatus.IN_REVIEW): "a second reviewer sending it back to its proposer",
}

ACTING_ROLES = frozenset({Role.REVIEWER, Role.ADMIN})
_VERDICT_FIELDS = ("rating", "explanation", "reason", "copied_from", "proposed_status", "proposed_by",
                   "decided_at")


def _require(errors: dict, name: str, message: str) -> None:
    errors.setdefault(name, []).append(message)


def _verdict_errors(request: TransitionRequest, errors: dict) -> None:
    to = request.to
    allowed = VERIFIED_RATINGS if to is ClaimStatus.VERIFIED else FLAGGED_RATINGS
    if request.rating is None:
        _require(errors, "rating", f"required to move a claim to {to.value}")
    elif request.rating not in allowed:
        _require(errors, "rating", f"{request.rating.value} does not fit {to.value}; "
                 f"use one of {', '.join(sorted(r.value for r in allowed))}")
    if to is ClaimStatus.FLAGGED and not (request.explanation or "").strip():
        _require(errors, "explanation", "required to flag a claim")


def plan_transition(request: TransitionRequest, *, actor: Actor, four_eyes: bool = False) -> TransitionPlan:
    """Check what can be checked without the stored claim and say, per current state,
    what the store must check and write. Raises InvalidTransition naming every misfit."""
    if actor.role not in ACTING_ROLES:
        raise InvalidTransition(f"the role {actor.role.value} may not change claims")
    to = request.to
    errors: dict[str, list[str]] = {}
    steps: dict[ClaimStatus, Step] = {}
    if request.copied_from and to not in (ClaimStatus.VERIFIED, ClaimStatus.FLAGGED):
        _require(errors, "copied_from", "only a verdict (verified or flagged) can be copied")
    if request.rating is not None and to not in (ClaimStatus.VERIFIED, ClaimStatus.FLAGGED):
        _require(errors, "rating", f"a {to.value} claim has no rating")

    if to in (ClaimStatus.VERIFIED, ClaimStatus.FLAGGED):
        if request.reason:
            _require(errors, "reason", f"not used when moving a claim to {to.value}")
        verdict_errors: dict[str, list[str]] = {}
        _verdict_errors(request, verdict_errors)
        verdict = {"rating": request.rating.value if request.rating else None,
                   "explanation": (request.explanation or "").strip() or None}
        if four_eyes and not request.copied_from:
            # Approval takes the proposed verdict; a rating, if given, must match it.
            steps[ClaimStatus.AWAITING_APPROVAL] = Step(
                to=to, second_reviewer=True, apply_proposed=True,
                fields={"rating": verdict["rating"]}, clear=("proposed_status", "proposed_by"))
        if verdict_errors and not steps:
            errors.update(verdict_errors)
        elif not verdict_errors:
            if request.copied_from:
                steps[ClaimStatus.PENDING] = Step(to=to, copied_from=request.copied_from,
                                                  fields={**verdict, "copied_from": request.copied_from},
                                                  clear=("reason",))
            elif four_eyes:
                steps[ClaimStatus.IN_REVIEW] = Step(
                    to=ClaimStatus.AWAITING_APPROVAL, holder_only=True,
                    fields={**verdict, "proposed_status": to.value, "proposed_by": json.dumps(actor.to_dict())},
                    clear=("reason",))
            else:
                steps[ClaimStatus.IN_REVIEW] = Step(to=to, holder_only=True, fields=verdict,
                                                    clear=("reason", "copied_from"))
    elif to is ClaimStatus.DISMISSED:
        valid = {r.value for r in DismissReason}
        if not request.reason:
            _require(errors, "reason", f"required to dismiss a claim: one of {', '.join(sorted(valid))}")
        elif request.reason not in valid:
            _require(errors, "reason", f"{request.reason!r} is not a dismissal reason; "
                     f"use one of {', '.join(sorted(valid))}")
        clear = ("rating", "explanation", "copied_from")
        steps[ClaimStatus.PENDING] = Step(to=to, fields={"reason": request.reason}, clear=clear)
        steps[ClaimStatus.IN_REVIEW] = Step(to=to, holder_only=True, fields={"reason": request.reason},
                                            clear=clear)
    elif to is ClaimStatus.PENDING:
        steps[ClaimStatus.IN_REVIEW] = Step(to=to, holder_only=True)  # a release
        reason = (request.reason or "").strip()
        if reason:  # reopening a verdict needs a reason
            reopen = Step(to=to, fields={"reason": reason},
                          clear=tuple(f for f in _VERDICT_FIELDS if f != "reason"))
            for state in VERDICT_STATES:
                steps[state] = reopen
    elif to is ClaimStatus.IN_REVIEW:
        if request.reason:
            _require(errors, "reason", "taking a claim into review takes no reason")
        steps[ClaimStatus.PENDING] = Step(to=to)
        if four_eyes:
            steps[ClaimStatus.AWAITING_APPROVAL] = Step(
                to=to, second_reviewer=True, lease_to_proposer=True,
                clear=("rating", "explanation", "proposed_status", "proposed_by"))
    elif to is ClaimStatus.AWAITING_APPROVAL:
        _require(errors, "to", "ask for verified or flagged: in four-eyes mode the verdict then "
                               "waits for a second reviewer's approval")
    if errors:
        raise InvalidTransition(f"the transition to {to.value} is missing or has misfitting fields",
                                errors=errors)
    return TransitionPlan(to=to, steps=steps, request=request)


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
    if current is ClaimStatus.AWAITING_APPROVAL and to in (ClaimStatus.VERIFIED, ClaimStatus.FLAGGED):
        return "the claim awaits approval of a different verdict; approve that one or send it back"
    if current is ClaimStatus.PENDING and to in (ClaimStatus.VERIFIED, ClaimStatus.FLAGGED):
        return (f"a pending claim reaches {to.value} only by review (take it from the queue first) "
                "or by copied_from naming a confirmed match with that verdict")
    return f"moving a {current.value} claim to {to.value} needs {rule}"


def refusal(plan: TransitionPlan, current: dict) -> InvalidTransition:
    """The stored claim's state had no step in `plan`: why, in words, with the claim."""
    if current["retracted"] and plan.to is not ClaimStatus.DISMISSED:
        message = "the claim was retracted from its article; it can only be dismissed"
    else:
        message = explain_refusal(ClaimStatus(current["status"]), plan.request)
    return InvalidTransition(message, errors={"to": [message]}, current=current)


def copied_verdict(source: dict) -> tuple[TransitionRequest, list[str]]:
    """Copying a claim's verdict to its matches: the transition each takes, and the matches
    that may take it (confirmed and still pending)."""
    status = ClaimStatus(source["status"])
    if status not in (ClaimStatus.VERIFIED, ClaimStatus.FLAGGED):
        raise InvalidTransition(f"the claim is {status.value}: only a verified or flagged verdict "
                                "can be copied", current=source)
    request = TransitionRequest(to=status, rating=Rating(source["rating"]),
                                explanation=source["explanation"], copied_from=source["id"])
    targets = [match["claim_id"] for match in source["matches"]
               if match["tier"] == "confirmed" and match["status"] == ClaimStatus.PENDING.value]
    return request, targets


_SPACE = re.compile(r"\s+")


def normalise_text(text: str) -> str:
    """NFC, whitespace collapsed, stripped: the form ids and content hashes are built from."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def claim_id(article_id: str, claim_text: str) -> str:
    """Deterministic: re-extracting an article never duplicates a claim."""
    digest = hashlib.sha256(f"{article_id}\n{normalise_text(claim_text).casefold()}".encode()).hexdigest()
    return f"clm_{digest[:24]}"


def entity_key(name: str) -> str:
    """The form an entity is indexed and searched under: "Narendra  Modi" → "narendra modi"."""
    return normalise_text(name).casefold()[:200]


def content_hash(text: str) -> str:
    return hashlib.sha256(normalise_text(text).encode()).hexdigest()


# Waiting raises a pending claim's priority so nothing starves: a day in the queue is worth
# this much check-worthiness. As a fixed offset by creation time, it keeps the queue one
# sorted set: priority = score + boost + age_key, older claims first among equal scores.
AGE_BOOST_PER_DAY = 0.05
_PRIORITY_EPOCH = 1_700_000_000
# A claim matching one already flagged elsewhere jumps ahead by this much.
FLAGGED_MATCH_BOOST = 0.3


def factcheck_boosts(rating: str | None) -> bool:
    """A fact-check whose verdict a flagged claim could carry moves the claims matching it up the
    queue, as a flagged match does (FLAGGED_MATCH_BOOST)."""
    return rating is not None and rating in {flagged.value for flagged in FLAGGED_RATINGS}


def age_key(created_epoch_s: float) -> float:
    return -AGE_BOOST_PER_DAY * (created_epoch_s - _PRIORITY_EPOCH) / 86400


def queue_priority(score: float, created_epoch_s: float, *, boost: float = 0.0) -> float:
    return score + boost + age_key(created_epoch_s)
