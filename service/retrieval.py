"""Finding the stored texts that say what a new text says: tf-idf over words and over character
n-grams (a paraphrase sharing its key terms, their inflections or misspellings), beside the cosine
of sentence embeddings (the same meaning in other words or another language) when the texts
have them (pure: texts and vectors in, ranked positions out)."""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

# Links and picture links say nothing a fact-check's words could match.
_LINKS = re.compile(r"(?:https?://|www\.|pic\.twitter\.com/)\S+", re.IGNORECASE)
_WORDS = re.compile(r"(?u)\b\w\w+\b")
# How much the embeddings' cosine counts beside the word and the character similarities (one
# each). Chosen on the tuning half of the CheckThat! 2022 2A dev tweets
# (benchmarks/factcheck_retrieval.py --half tune --weights ...).
SEMANTIC_WEIGHT = 1.0


def matchable(text: str) -> str:
    """`text` without links."""
    return _LINKS.sub(" ", text)


@dataclass(frozen=True)
class Hit:
    position: int
    # 0..1: the weighted mean of the word, character-n-gram and embedding cosine similarities.
    similarity: float
    # The rarest words both texts share, the strongest evidence first.
    shared_terms: tuple[str, ...]


class TextIndex:
    """A fixed set of texts, searchable by similarity to a query."""

    def __init__(self, texts: list[str], vectors: np.ndarray | None = None, *,
                 semantic_weight: float = SEMANTIC_WEIGHT):
        """`vectors`: unit-length embeddings, one row per text (service.embeddings)."""
        # scikit-learn takes seconds to import: only a process that searches pays for it.
        from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

        self._stop_words = ENGLISH_STOP_WORDS
        self.size = len(texts)
        self.vectors = vectors if vectors is not None and len(vectors) == len(texts) else None
        self.semantic_weight = semantic_weight
        cleaned = [matchable(text) for text in texts]
        self._words = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), stop_words="english",
                                      dtype=np.float32)
        self._chars = TfidfVectorizer(sublinear_tf=True, analyzer="char_wb", ngram_range=(3, 5),
                                      min_df=2 if len(texts) > 50 else 1, dtype=np.float32)
        self._lexical = False
        self._idf: dict[str, float] = {}
        if texts:
            try:
                self._word_matrix = self._words.fit_transform(cleaned).tocsr()
                self._char_matrix = self._chars.fit_transform(cleaned).tocsr()
            except ValueError:  # no word to index: every text is stop words or punctuation
                pass
            else:
                self._lexical = True
                self._idf = dict(zip(self._words.get_feature_names_out(), self._words.idf_))
        self._texts = cleaned

    def search(self, text: str, *, limit: int = 10, min_similarity: float = 0.0,
               vector: np.ndarray | None = None) -> list[Hit]:
        """The `limit` most similar texts, best first; `vector` is the query's embedding."""
        if not self.size or limit <= 0:
            return []
        query = matchable(text)
        if self._lexical:
            word = self._word_matrix @ self._words.transform([query]).T
            char = self._char_matrix @ self._chars.transform([query]).T
            scores = (word + char).toarray().ravel()
        else:
            scores = np.zeros(self.size, dtype=np.float32)
        if self.vectors is not None and vector is not None:
            meaning = np.clip(self.vectors @ vector, 0.0, 1.0)
            scores = (scores + self.semantic_weight * meaning) / (2 + self.semantic_weight)
        else:
            scores = scores / 2
        count = min(limit, self.size)
        top = np.argpartition(-scores, count - 1)[:count]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [Hit(int(position), round(float(scores[position]), 4), self.shared_terms(query, int(position)))
                for position in top if scores[position] > 0 and scores[position] >= min_similarity]

    def shared_terms(self, query: str, position: int, *, count: int = 5) -> tuple[str, ...]:
        ours = {word.lower() for word in _WORDS.findall(query)} - self._stop_words
        theirs = {word.lower() for word in _WORDS.findall(self._texts[position])}
        # Rarest first; among equally rare words the longer, then alphabetical (stable answers).
        shared = sorted(ours & theirs, key=lambda word: (-self._idf.get(word, 0.0), -len(word), word))
        return tuple(shared[:count])
