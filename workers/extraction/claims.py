"""What the extraction pipeline returns: claims with spans, scores and reasons."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypedDict

EXTRACTOR = {"name": "claimtrack-atomic", "version": "0.2.0"}


class ClaimDate(TypedDict):
    """A date a claim mentions: its text, and its ISO value when it resolves (see dates.resolve_date)."""

    text: str
    iso: str | None


@dataclass
class ExtractedClaim:
    text: str
    sentence: str
    start: int
    end: int
    score: float
    score_reasons: list[str] = field(default_factory=list)
    entities: list[dict] = field(default_factory=list)
    dates: list[ClaimDate] = field(default_factory=list)
    kind: str = "statement"
    attribution: str | None = None
    needs_context: bool = False
    relative_dates_unresolved: bool = False

    def to_dict(self) -> dict:
        return {
            "text": self.text,
            "sentence": self.sentence,
            "span": {"start": self.start, "end": self.end},
            "score": self.score,
            "score_reasons": list(self.score_reasons),
            "entities": [dict(entity) for entity in self.entities],
            "dates": [dict(date) for date in self.dates],
            "kind": self.kind,
            "attribution": self.attribution,
            "needs_context": self.needs_context,
            "relative_dates_unresolved": self.relative_dates_unresolved,
            "extractor": dict(EXTRACTOR),
        }


@dataclass
class ExtractionResult:
    text: str
    language: str
    claims: list[ExtractedClaim] = field(default_factory=list)
    skipped_reason: str | None = None

    def to_dict(self) -> dict:
        return {
            "language": self.language,
            "skipped_reason": self.skipped_reason,
            "claims": [claim.to_dict() for claim in self.claims],
        }
