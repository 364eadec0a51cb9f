"""Language of an article (ISO 639-1), with short texts given the benefit of the doubt."""

from __future__ import annotations

import functools

from py3langid.langid import MODEL_FILE, LanguageIdentifier

DEFAULT_LANGUAGE = "en"
# A prefix is plenty to tell the language, and it bounds the cost on huge inputs.
_SAMPLE_CHARS = 5000
# Below this many letters (names, a headline) the identifier guesses; assume English.
_MIN_LETTERS = 40
_MIN_CONFIDENCE = 0.5


@functools.lru_cache(maxsize=1)
def _identifier() -> LanguageIdentifier:
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def normalise_language(code: str) -> str:
    """'en-US', 'EN', 'en_GB' -> 'en'."""
    return code.strip().replace("_", "-").split("-")[0].lower() or DEFAULT_LANGUAGE


def detect_language(text: str) -> str:
    """The language of `text`; English unless another one is clear from enough letters."""
    sample = text[:_SAMPLE_CHARS]
    if sum(char.isalpha() for char in sample) < _MIN_LETTERS:
        return DEFAULT_LANGUAGE
    language, confidence = _identifier().classify(sample)
    if language == DEFAULT_LANGUAGE or confidence < _MIN_CONFIDENCE:
        return DEFAULT_LANGUAGE
    return normalise_language(language)
