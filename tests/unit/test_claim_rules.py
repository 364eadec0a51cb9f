"""The claim rules have one home: the moves the planner makes are exactly the moves the
message table describes (DESIGN §5), in both review modes."""
from __future__ import annotations

import pytest

from service.claims import TRANSITIONS, Actor, ClaimStatus, Rating, Role, TransitionRequest, plan_transition
from service.errors import InvalidTransition

REVIEWER = Actor(key_id="key_1", name="Ana", role=Role.REVIEWER)

# A complete request for each target, and the variants that reach it another way.
REQUESTS = {
    ClaimStatus.PENDING: [{}, {"reason": "new evidence came in"}],
    ClaimStatus.IN_REVIEW: [{}],
    ClaimStatus.VERIFIED: [{"rating": Rating.TRUE}, {"rating": Rating.TRUE, "copied_from": "clm_1"}],
    ClaimStatus.FLAGGED: [{"rating": Rating.FALSE, "explanation": "the budget was 1.9 billion"},
                          {"rating": Rating.FALSE, "explanation": "see the match", "copied_from": "clm_1"}],
    ClaimStatus.DISMISSED: [{"reason": "opinion"}],
    ClaimStatus.AWAITING_APPROVAL: [{}],
}


def planned_moves(*, four_eyes: bool) -> set[tuple[ClaimStatus, ClaimStatus]]:
    moves = set()
    for to, variants in REQUESTS.items():
        for fields in variants:
            try:
                plan = plan_transition(TransitionRequest(to=to, **fields), actor=REVIEWER, four_eyes=four_eyes)
            except InvalidTransition:
                continue
            moves |= {(state, step.to) for state, step in plan.steps.items()}
    return moves


def test_the_planner_and_the_message_table_name_the_same_moves():
    assert planned_moves(four_eyes=False) | planned_moves(four_eyes=True) == set(TRANSITIONS)


@pytest.mark.parametrize("move", sorted(TRANSITIONS, key=lambda m: (m[0].value, m[1].value)))
def test_four_eyes_moves_exist_only_in_four_eyes_mode(move):
    four_eyes_only = ClaimStatus.AWAITING_APPROVAL in move
    assert (move in planned_moves(four_eyes=False)) is not four_eyes_only


def test_a_factcheck_boosts_its_matches_when_a_flagged_claim_could_carry_its_verdict():
    from service.claims import FLAGGED_RATINGS, Rating, factcheck_boosts

    assert all(factcheck_boosts(rating.value) for rating in FLAGGED_RATINGS)
    assert not any(factcheck_boosts(rating.value) for rating in set(Rating) - FLAGGED_RATINGS)
    assert not factcheck_boosts(None)  # a published rating we could not map says nothing


def test_a_lookup_hit_is_a_match_only_above_the_threshold_and_confirmed_only_when_nothing_differs():
    from service.matching import LOOKUP_CONFIRM_AT, LOOKUP_SUGGEST_AT, MatchTier, lookup_tier

    assert lookup_tier(LOOKUP_SUGGEST_AT - 0.01, []) is None
    assert lookup_tier(LOOKUP_SUGGEST_AT, []) is MatchTier.SUGGESTED
    assert lookup_tier(LOOKUP_CONFIRM_AT, []) is MatchTier.CONFIRMED
    assert lookup_tier(0.99, ["figures: 120 vs 150"]) is MatchTier.SUGGESTED
