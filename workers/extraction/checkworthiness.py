"""The trained check-worthiness models.

- `LearnedScorer`: all-MiniLM-L6-v2 fine-tuned on ClaimBuster (scripts/train_checkworthiness_minilm.py),
  int8 ONNX, run with onnxruntime + tokenizers: the score's main signal.
- `CheckworthinessModel`: hashed spaCy features, logistic regression in numpy
  (scripts/train_checkworthiness.py); its weights of the rule reasons order `score_reasons`.
"""

from __future__ import annotations

import functools
import json
import zlib
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
from spacy.tokens import Span

MODEL_PATH = Path(__file__).with_name("checkworthiness.npz")
LEARNED_DIR = Path(__file__).with_name("models")
# One intra-op thread per process: Celery runs one prefork child per core (--concurrency), so more
# threads would only oversubscribe the cores (4 threads on these 2-core machines ran 20x slower).
LEARNED_THREADS = 1
HASH_BITS = 18
_BUCKETS = 1 << HASH_BITS
_LENGTH_BUCKETS = (4, 8, 14, 22, 32, 48)


def _bucket(name: str) -> int:
    # crc32, not hash(): Python's string hash changes from one process to the next.
    return zlib.crc32(name.encode("utf-8", "surrogatepass")) & (_BUCKETS - 1)


def feature_names(sentence: Span, reasons: Iterable[str]) -> list[str]:
    """Words, word pairs, tags, entity labels, dependency relations, rule reasons, length."""
    tokens = [token for token in sentence if not token.is_space]
    names = ["bias"]
    previous_word, previous_tag = "<s>", "<s>"
    for token in tokens:
        word = "<num>" if token.like_num and any(char.isdigit() for char in token.text) else token.lower_
        names += (
            f"w:{word}",
            f"b:{previous_word} {word}",
            f"t:{token.tag_}",
            f"tt:{previous_tag} {token.tag_}",
            f"d:{token.dep_}:{token.head.pos_}",
        )
        if token.ent_type_:
            names.append(f"e:{token.ent_type_}")
        if token.dep_ in ("nsubj", "nsubjpass", "ROOT"):
            names.append(f"l:{token.dep_}:{token.lemma_.lower()}")
        previous_word, previous_tag = word, token.tag_
    names.append(f"b:{previous_word} </s>")
    names += [f"r:{reason}" for reason in reasons]
    length = next((index for index, bound in enumerate(_LENGTH_BUCKETS) if len(tokens) <= bound),
                  len(_LENGTH_BUCKETS))
    names.append(f"len:{length}")
    return names


def feature_indexes(names: Iterable[str]) -> np.ndarray:
    return np.unique(np.fromiter((_bucket(name) for name in names), dtype=np.int64))


class CheckworthinessModel:
    """P(check-worthy factual claim) from hashed binary features."""

    def __init__(self, weights: np.ndarray, reason_weights: dict[str, float]):
        self.weights = weights.astype(np.float32)
        self.reason_weights = reason_weights

    def logit(self, names: Iterable[str]) -> float:
        return float(self.weights[feature_indexes(names)].sum())

    def probability(self, names: Iterable[str]) -> float:
        return 1.0 / (1.0 + np.exp(-self.logit(names)))

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> CheckworthinessModel:
        with np.load(path, allow_pickle=False) as stored:
            weights = stored["weights"]
            reasons = [str(name) for name in stored["reasons"]]
        return cls(weights, {reason: float(weights[_bucket(f"r:{reason}")]) for reason in reasons})

    def save(self, path: Path, reasons: Iterable[str]) -> None:
        np.savez_compressed(path, weights=self.weights.astype(np.float16), reasons=np.array(sorted(reasons)))


@functools.lru_cache(maxsize=1)
def load_model() -> CheckworthinessModel:
    """The shipped model, read once per process."""
    return CheckworthinessModel.load()


class LearnedScorer:
    """Logit of P(check-worthy factual claim) from the fine-tuned MiniLM."""

    def __init__(self, directory: Path = LEARNED_DIR, threads: int = LEARNED_THREADS,
                 max_length: int | None = None):
        """`max_length`: tokens read per text; default: as the model was trained (its metadata)."""
        import onnxruntime
        from tokenizers import Tokenizer

        if max_length is None:
            max_length = int(json.loads((directory / "checkworthiness.json").read_text())["max_length"])
        self.tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length)
        self.tokenizer.no_padding()
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
        self.session = onnxruntime.InferenceSession(
            str(directory / "checkworthiness.onnx"), options, providers=["CPUExecutionProvider"])

    def logits(self, texts: Sequence[str]) -> np.ndarray:
        """One logit per text, in order, each text run on its own: the int8 model quantises its
        activations with one scale per run, so a text run in a batch scored by its neighbours
        (its logit moved by up to 0.6; 1 % of sentences crossed the threshold)."""
        result = np.zeros(len(texts), dtype=np.float32)
        for index, encoding in enumerate(self.tokenizer.encode_batch(list(texts), add_special_tokens=True)):
            inputs = {"input_ids": np.array([encoding.ids], dtype=np.int64),
                      "attention_mask": np.array([encoding.attention_mask], dtype=np.int64)}
            result[index] = self.session.run(None, inputs)[0][0]
        return result


@functools.lru_cache(maxsize=1)
def load_learned() -> LearnedScorer:
    """The shipped learned scorer, loaded once per process."""
    return LearnedScorer()
