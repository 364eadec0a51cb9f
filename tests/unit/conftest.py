"""Fixtures of the unit tests: the spaCy model, loaded once per session."""

from __future__ import annotations

import pytest

from workers.extraction import load_nlp


@pytest.fixture(scope="session")
def nlp():
    return load_nlp()
