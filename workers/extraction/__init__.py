"""The claim extraction pipeline: article text (+ metadata) to sentence-level claims, pure."""

from .claims import EXTRACTOR, ExtractedClaim, ExtractionResult
from .model import load_nlp
from .pipeline import extract_claims, warm_up

__all__ = ["EXTRACTOR", "ExtractedClaim", "ExtractionResult", "extract_claims", "load_nlp", "warm_up"]
