"""The state machine and ids, as pure code."""
from __future__ import annotations

import pytest

from service.claims import (
    FLAGGED_MATCH_BOOST,
    Actor,
    ClaimStatus,
    Rating,
    Role,
    TransitionRequest,
    claim_id,
    content_hash,
    explain_refusal,
    plan_transition,
    queue_priority,
)
from service.errors import InvalidTransition

REVIEWER = Actor(key_id="key_r", name="Rita", role=Role.REVIEWER)
INGEST = Actor(key_id="key_i", name="Ivan", role=Role.INGEST)


def plan(to, **fields):
    return plan_transition(TransitionRequest(to=ClaimStatus(to), **fields), actor=REVIEWER)


def test_verifying_needs_a_true_or_mostly_true_rating():
    assert set(plan("verified", rating=Rating.TRUE).steps) == {ClaimStatus.IN_REVIEW}
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
    step = accepted.steps[ClaimStatus.IN_REVIEW]
    assert step.fields["rating"] == "unproven" and step.holder_only


def test_dismissing_takes_a_listed_reason_from_pending_or_review():
    accepted = plan("dismissed", reason="duplicate")
    assert set(accepted.steps) == {ClaimStatus.PENDING, ClaimStatus.IN_REVIEW}
    assert accepted.steps[ClaimStatus.IN_REVIEW].holder_only
    assert not accepted.steps[ClaimStatus.PENDING].holder_only
    with pytest.raises(InvalidTransition):
        plan("dismissed", reason="dull")


def test_back_to_pending_without_a_reason_is_only_a_release():
    assert set(plan("pending").steps) == {ClaimStatus.IN_REVIEW}
    reopen = plan("pending", reason="new evidence")
    assert {ClaimStatus.VERIFIED, ClaimStatus.FLAGGED, ClaimStatus.DISMISSED} <= set(reopen.steps)
    assert "rating" in reopen.steps[ClaimStatus.VERIFIED].clear


def test_a_copied_verdict_applies_to_a_pending_claim_only():
    copied = plan("verified", rating=Rating.TRUE, copied_from="clm_other")
    assert set(copied.steps) == {ClaimStatus.PENDING}
    assert copied.steps[ClaimStatus.PENDING].copied_from == "clm_other"
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
    now = 1_800_000_000
    assert queue_priority(0.9, now) > queue_priority(0.8, now)
    assert queue_priority(0.5, now - 100) > queue_priority(0.5, now)  # older first among equals


def test_waiting_raises_priority_so_nothing_starves():
    now = 1_800_000_000
    assert queue_priority(0.4, now - 3 * 86400) > queue_priority(0.5, now)


def test_matching_a_flagged_claim_boosts_priority():
    now = 1_800_000_000
    assert queue_priority(0.4, now, boost=FLAGGED_MATCH_BOOST) > queue_priority(0.6, now)


def test_four_eyes_turns_a_verdict_into_a_proposal_a_second_reviewer_approves():
    request = TransitionRequest(to=ClaimStatus.FLAGGED, rating=Rating.FALSE, explanation="Wrong year.")
    planned = plan_transition(request, actor=REVIEWER, four_eyes=True)
    proposal = planned.steps[ClaimStatus.IN_REVIEW]
    assert proposal.to is ClaimStatus.AWAITING_APPROVAL and proposal.fields["proposed_status"] == "flagged"
    approval = planned.steps[ClaimStatus.AWAITING_APPROVAL]
    assert approval.to is ClaimStatus.FLAGGED and approval.second_reviewer and approval.apply_proposed
    # approving needs no rating of its own
    bare = plan_transition(TransitionRequest(to=ClaimStatus.FLAGGED), actor=REVIEWER, four_eyes=True)
    assert set(bare.steps) == {ClaimStatus.AWAITING_APPROVAL}
    back = plan_transition(TransitionRequest(to=ClaimStatus.IN_REVIEW), actor=REVIEWER, four_eyes=True)
    assert back.steps[ClaimStatus.AWAITING_APPROVAL].lease_to_proposer


def test_awaiting_approval_is_not_a_target_one_asks_for():
    with pytest.raises(InvalidTransition):
        plan("awaiting_approval")
