"""The trained check-worthiness model: hashed spaCy features, logistic regression in numpy."""

from __future__ import annotations

import functools
import zlib
from collections.abc import Iterable
from pathlib import Path

import numpy as np
from spacy.tokens import Span

MODEL_PATH = Path(__file__).with_name("checkworthiness.npz")
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
