"""Near-duplicate claims within one article merged into the first that says it."""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from .claims import ExtractedClaim
from .lexicon import NEGATIONS

# Same wording up to a few words ("was reopened" / "reopened", "the Kremlin said in a statement").
SIMILARITY_CUTOFF = 88.0
# Repeats sit close together in real articles; a window keeps huge inputs linear.
_WINDOW = 200
_NON_WORD = re.compile(r"[\W_]+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_WORD = re.compile(r"\w+")
_CONTRACTED_NOT = re.compile(r"n['’]t\b", re.IGNORECASE)

Facts = tuple[frozenset[str], frozenset[str], tuple[str, ...], int]


def comparable_text(text: str) -> str:
    return _NON_WORD.sub(" ", text.casefold()).strip()


def facts(claim: ExtractedClaim) -> Facts:
    """What two claims must share to be one: named parties, dates, figures and negation.

    Wording may differ ("Modi" / "Narendra Modi" share a canonical name, "on Thursday" / "on 4 July
    2024" an ISO date); a different city, year, figure or a "not" makes a different fact."""
    names = {str(entity.get("canonical") or entity.get("text", "")).casefold() for entity in claim.entities}
    dates = frozenset((date["iso"] or date["text"]).casefold() for date in claim.dates)
    # Names the tagger missed ("Pärnu" untagged beside a tagged "Viljandi"): capitalised words after
    # the first, except those of a date, which the ISO value stands for.
    date_words = {word for date in claim.dates for word in _WORD.findall(date["text"])}
    names.update(word.casefold() for word in _WORD.findall(claim.text)[1:]
                 if word[:1].isupper() and word not in date_words)
    words = comparable_text(_CONTRACTED_NOT.sub(" not", claim.text)).split()
    figures = tuple(_NUMBER.findall(claim.text))
    return frozenset(names), dates, figures, sum(word in NEGATIONS for word in words)


def merge_near_duplicates(claims: list[ExtractedClaim], sources: list[int] | None = None) -> list[ExtractedClaim]:
    """`claims` without those that repeat an earlier one; the kept claim takes the higher score.

    Only claims with the same facts (see `facts`) merge, however alike their words: losing a fact
    silently is worse than showing a checker a repeat. With `sources` (the sentence or list each claim
    comes from), claims of one source merge only when identical: "... such as diet" and "... such as
    stress" differ by a word and say different things."""
    kept: list[ExtractedClaim] = []
    keys: list[str] = []
    kept_facts: list[Facts] = []
    kept_sources: list[int | None] = []
    exact: dict[tuple[str, Facts], int] = {}
    for position, claim in enumerate(claims):
        key = comparable_text(claim.text)
        claim_facts = facts(claim)
        source = sources[position] if sources is not None else None
        match = exact.get((key, claim_facts))
        if match is None:
            window_start = max(0, len(keys) - _WINDOW)
            for index in range(len(keys) - 1, window_start - 1, -1):
                if (kept_facts[index] == claim_facts and (source is None or kept_sources[index] != source)
                        and fuzz.ratio(key, keys[index], score_cutoff=SIMILARITY_CUTOFF)):
                    match = index
                    break
        if match is not None:
            kept[match].score = max(kept[match].score, claim.score)
            continue
        exact[(key, claim_facts)] = len(kept)
        kept.append(claim)
        keys.append(key)
        kept_facts.append(claim_facts)
        kept_sources.append(source)
    return kept
