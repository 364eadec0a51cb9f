"""Finding the stored texts that say what a new text says: tf-idf over words and over character
n-grams, so a paraphrase sharing its key terms, or their inflections and misspellings, ranks high
(pure: texts in, ranked positions out)."""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

# Links and picture links say nothing a fact-check's words could match.
_LINKS = re.compile(r"(?:https?://|www\.|pic\.twitter\.com/)\S+", re.IGNORECASE)
_WORDS = re.compile(r"(?u)\b\w\w+\b")


def matchable(text: str) -> str:
    """`text` without links."""
    return _LINKS.sub(" ", text)


@dataclass(frozen=True)
class Hit:
    position: int
    # 0..1: the mean of the word and the character-n-gram cosine similarities.
    similarity: float
    # The rarest words both texts share, the strongest evidence first.
    shared_terms: tuple[str, ...]


class TextIndex:
    """A fixed set of texts, searchable by similarity to a query."""

    def __init__(self, texts: list[str]):
        self.size = len(texts)
        cleaned = [matchable(text) for text in texts]
        self._words = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), stop_words="english",
                                      dtype=np.float32)
        self._chars = TfidfVectorizer(sublinear_tf=True, analyzer="char_wb", ngram_range=(3, 5),
                                      min_df=2 if len(texts) > 50 else 1, dtype=np.float32)
        if texts:
            self._word_matrix = self._words.fit_transform(cleaned).tocsr()
            self._char_matrix = self._chars.fit_transform(cleaned).tocsr()
            self._idf = dict(zip(self._words.get_feature_names_out(), self._words.idf_))
        self._texts = cleaned

    def search(self, text: str, *, limit: int = 10, min_similarity: float = 0.0) -> list[Hit]:
        """The `limit` most similar texts, best first."""
        if not self.size or limit <= 0:
            return []
        query = matchable(text)
        word = self._word_matrix @ self._words.transform([query]).T
        char = self._char_matrix @ self._chars.transform([query]).T
        scores = (word + char).toarray().ravel() / 2
        count = min(limit, self.size)
        top = np.argpartition(-scores, count - 1)[:count]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [Hit(int(position), round(float(scores[position]), 4), self.shared_terms(query, int(position)))
                for position in top if scores[position] > 0 and scores[position] >= min_similarity]

    def shared_terms(self, query: str, position: int, *, count: int = 5) -> tuple[str, ...]:
        ours = {word.lower() for word in _WORDS.findall(query)} - ENGLISH_STOP_WORDS
        theirs = {word.lower() for word in _WORDS.findall(self._texts[position])}
        # Rarest first; among equally rare words the longer, then alphabetical (stable answers).
        shared = sorted(ours & theirs, key=lambda word: (-self._idf.get(word, 0.0), -len(word), word))
        return tuple(shared[:count])
