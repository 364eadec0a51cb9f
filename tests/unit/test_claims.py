"""The state machine and ids, as pure code."""
from __future__ import annotations

import pytest

from service.claims import (
    Actor, ClaimStatus, InvalidTransition, Rating, Role, TransitionRequest, claim_id, content_hash,
    explain_refusal, plan_transition, queue_priority,
)

REVIEWER = Actor(key_id="key_r", name="Rita", role=Role.REVIEWER)
INGEST = Actor(key_id="key_i", name="Ivan", role=Role.INGEST)


def plan(to, **fields):
    return plan_transition(TransitionRequest(to=ClaimStatus(to), **fields), actor=REVIEWER)


def test_verifying_needs_a_true_or_mostly_true_rating():
    assert plan("verified", rating=Rating.TRUE).allowed_from == {ClaimStatus.IN_REVIEW}
    with pytest.raises(InvalidTransition) as refused:
        plan("verified", rating=Rating.FALSE)
    assert "rating" in refused.value.errors
    with pytest.raises(InvalidTransition):
        plan("verified")


def test_flagging_requires_a_flagging_rating_and_an_explanation():
    with pytest.raises(InvalidTransition) as refused:
        plan("flagged", rating=Rating.FALSE)
    assert set(refused.value.errors) == {"explanation"}
    with pytest.raises(InvalidTransition) as refused:
        plan("flagged", rating=Rating.TRUE, explanation="because")
    assert set(refused.value.errors) == {"rating"}
    accepted = plan("flagged", rating=Rating.UNPROVEN, explanation="No record exists.")
    assert accepted.fields["rating"] == "unproven" and ClaimStatus.IN_REVIEW in accepted.holder_only


def test_dismissing_takes_a_listed_reason_from_pending_or_review():
    accepted = plan("dismissed", reason="duplicate")
    assert accepted.allowed_from == {ClaimStatus.PENDING, ClaimStatus.IN_REVIEW}
    with pytest.raises(InvalidTransition):
        plan("dismissed", reason="dull")


def test_back_to_pending_without_a_reason_is_only_a_release():
    assert plan("pending").allowed_from == {ClaimStatus.IN_REVIEW}
    reopen = plan("pending", reason="new evidence")
    assert {ClaimStatus.VERIFIED, ClaimStatus.FLAGGED, ClaimStatus.DISMISSED} <= reopen.allowed_from


def test_a_copied_verdict_applies_to_a_pending_claim_only():
    copied = plan("verified", rating=Rating.TRUE, copied_from="clm_other")
    assert copied.allowed_from == {ClaimStatus.PENDING} and copied.needs_copied_verdict
    with pytest.raises(InvalidTransition):
        plan("dismissed", reason="duplicate", copied_from="clm_other")


def test_an_ingest_key_may_not_change_claims():
    with pytest.raises(InvalidTransition):
        plan_transition(TransitionRequest(to=ClaimStatus.DISMISSED, reason="opinion"), actor=INGEST)


def test_refusals_say_why():
    request = TransitionRequest(to=ClaimStatus.VERIFIED, rating=Rating.TRUE)
    assert "cannot move" in explain_refusal(ClaimStatus.DISMISSED, request)
    assert "already" in explain_refusal(ClaimStatus.VERIFIED, request)
    assert "queue" in explain_refusal(ClaimStatus.PENDING, request)


def test_claim_ids_are_deterministic_and_ignore_spacing_and_case():
    assert claim_id("art_1", "The bridge cost  12 million.") == claim_id("art_1", "the bridge cost 12 million.")
    assert claim_id("art_1", "x") != claim_id("art_2", "x")
    assert content_hash("a  b\n") == content_hash("a b")


def test_queue_priority_orders_by_score_then_age():
    assert queue_priority(0.9, 2_000_000_000) > queue_priority(0.8, 1_000_000_000)
    assert queue_priority(0.5, 1_000_000_000) > queue_priority(0.5, 1_000_000_100)
