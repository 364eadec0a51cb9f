"""The claim extraction pipeline: article text (+ metadata) to sentence-level claims, pure.

The names below load on first use: a process that needs only a light part (the feed poller's
`text.html_to_text`) never imports spaCy and its model code (some 100 MB)."""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .claims import EXTRACTOR, ExtractedClaim, ExtractionResult
    from .model import load_nlp
    from .pipeline import extract_claims, warm_up

_HOMES = {"EXTRACTOR": ".claims", "ExtractedClaim": ".claims", "ExtractionResult": ".claims",
          "load_nlp": ".model", "extract_claims": ".pipeline", "warm_up": ".pipeline"}

__all__ = ["EXTRACTOR", "ExtractedClaim", "ExtractionResult", "extract_claims", "load_nlp", "warm_up"]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(home, __name__), name)
