"""Every refusal the API can answer lives in service/errors.py with its HTTP status; the
refusal words come from the domain, not the handlers."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from service import errors
from service.claims import Actor, ClaimStatus, Rating, Role, TransitionRequest, copied_verdict, plan_transition, refusal

REPO = Path(__file__).resolve().parents[2]
REVIEWER = Actor(key_id="key_r", name="Ada", role=Role.REVIEWER)


def test_every_domain_error_has_a_4xx_status_and_is_defined_in_one_module():
    defined = [cls for cls in vars(errors).values()
               if isinstance(cls, type) and issubclass(cls, errors.DomainError)]
    assert len(defined) >= 14
    assert all(400 <= cls.status < 500 for cls in defined)
    elsewhere = []
    for path in REPO.glob("*/**/*.py"):
        if ".venv" in path.parts or path == REPO / "service" / "errors.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef) and any(
                    getattr(base, "id", getattr(base, "attr", "")) in {c.__name__ for c in defined}
                    for base in node.bases):
                elsewhere.append(f"{path.relative_to(REPO)}:{node.name}")
    assert elsewhere == []


def claim(status: str, *, retracted: bool = False, **extra) -> dict:
    return {"id": "clm_1", "status": status, "retracted": retracted, "rating": None,
            "explanation": None, "matches": [], **extra}


@pytest.mark.parametrize("status, to, words", [
    ("dismissed", ClaimStatus.VERIFIED, "cannot move"),
    ("pending", ClaimStatus.PENDING, "already pending"),
    ("verified", ClaimStatus.PENDING, "needs a reason"),
])
def test_a_refusal_by_the_stored_state_explains_itself_with_the_claim(status, to, words):
    request = TransitionRequest(to=to, rating=Rating.TRUE if to is ClaimStatus.VERIFIED else None)
    plan = plan_transition(request, actor=REVIEWER)
    refused = refusal(plan, claim(status))
    assert words in refused.message and refused.errors == {"to": [refused.message]}
    assert refused.current["status"] == status and refused.status == 422


def test_a_retracted_claim_can_only_be_dismissed():
    plan = plan_transition(TransitionRequest(to=ClaimStatus.PENDING, reason="again"), actor=REVIEWER)
    assert "retracted" in refusal(plan, claim("dismissed", retracted=True)).message


def test_copying_a_verdict_targets_only_pending_confirmed_matches():
    source = claim("flagged", rating="false", explanation="The budget says otherwise.", matches=[
        {"claim_id": "clm_a", "tier": "confirmed", "status": "pending"},
        {"claim_id": "clm_b", "tier": "suggested", "status": "pending"},
        {"claim_id": "clm_c", "tier": "confirmed", "status": "verified"}])
    request, targets = copied_verdict(source)
    assert targets == ["clm_a"]
    assert (request.to, request.rating, request.copied_from) == (ClaimStatus.FLAGGED, Rating.FALSE, "clm_1")
    with pytest.raises(errors.InvalidTransition, match="only a verified or flagged"):
        copied_verdict(claim("pending"))
