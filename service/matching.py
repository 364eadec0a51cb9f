"""Claim matching: the same claim made in another article, found by shared entities and
scored by text similarity, in two tiers (suggested, confirmed)."""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from rapidfuzz import fuzz, utils


class MatchTier(str, Enum):
    SUGGESTED = "suggested"
    CONFIRMED = "confirmed"


class MatchDecision(str, Enum):
    CONFIRM = "confirm"
    REJECT = "reject"


@dataclass(frozen=True)
class Match:
    claim_id: str
    score: float
    tier: MatchTier


def similarity(a: str, b: str) -> float:
    """0..1; word order does not matter, extra words do (a claim inside a longer one is not
    the same claim)."""
    return fuzz.token_sort_ratio(a, b, processor=utils.default_process) / 100


def find_matches(text: str, candidates: list[tuple[str, str]], *, suggest_at: float,
                 confirm_at: float) -> list[Match]:
    """The candidates (id, text) similar enough to `text`, best first."""
    found = []
    for candidate_id, candidate_text in candidates:
        score = similarity(text, candidate_text)
        if score >= suggest_at:
            tier = MatchTier.CONFIRMED if score >= confirm_at else MatchTier.SUGGESTED
            found.append(Match(candidate_id, round(score, 3), tier))
    return sorted(found, key=lambda m: -m.score)
