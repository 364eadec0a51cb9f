"""Near-duplicate claims within one article merged into the first that says it."""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from .claims import ExtractedClaim

# Same wording up to a few words ("on Thursday" / "on 4 July 2024", "Modi" / "Narendra Modi").
SIMILARITY_CUTOFF = 88.0
# Repeats sit close together in real articles; a window keeps huge inputs linear.
_WINDOW = 200
_NON_WORD = re.compile(r"[\W_]+")
_NUMBER = re.compile(r"\d+")


def comparable_text(text: str) -> str:
    return _NON_WORD.sub(" ", text.casefold()).strip()


def merge_near_duplicates(claims: list[ExtractedClaim], sources: list[int] | None = None) -> list[ExtractedClaim]:
    """`claims` without those that repeat an earlier one; the kept claim takes the higher score.

    With `sources` (the sentence or list each claim comes from), claims of one source merge only
    when identical: "... such as diet" and "... such as stress" differ by a word and say different things."""
    kept: list[ExtractedClaim] = []
    keys: list[str] = []
    numbers: list[list[str]] = []
    kept_sources: list[int | None] = []
    exact: dict[str, int] = {}
    for position, claim in enumerate(claims):
        key = comparable_text(claim.text)
        figures = _NUMBER.findall(key)
        source = sources[position] if sources is not None else None
        match = exact.get(key)
        if match is None:
            window_start = max(0, len(keys) - _WINDOW)
            for index in range(len(keys) - 1, window_start - 1, -1):
                # Different figures make different claims, however alike the words.
                if (numbers[index] == figures and (source is None or kept_sources[index] != source)
                        and fuzz.ratio(key, keys[index], score_cutoff=SIMILARITY_CUTOFF)):
                    match = index
                    break
        if match is not None:
            kept[match].score = max(kept[match].score, claim.score)
            continue
        exact[key] = len(kept)
        kept.append(claim)
        keys.append(key)
        numbers.append(figures)
        kept_sources.append(source)
    return kept
