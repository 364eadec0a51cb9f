"""Finding the stored texts that say what a new text says: tf-idf over words and over character
n-grams (a paraphrase sharing its key terms, their inflections or misspellings), beside the cosine
of sentence embeddings (the same meaning in other words or another language) when the texts
have them (pure: texts and vectors in, ranked positions out).

At scale a query does not score every stored text: candidates come from an approximate
nearest-neighbour index over the embeddings (faiss IVF, 8-bit codes) and from the postings of
the query's rarest words, and only those are scored with the full formula. Texts are added and
removed in place; the corpus-wide statistics (idf, the IVF clustering) stay those of the last
fit until `refit_due` says the corpus has outgrown them."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from service.embeddings import MULTILINGUAL_DIMENSIONS

# Links and picture links say nothing a fact-check's words could match.
_LINKS = re.compile(r"(?:https?://|www\.|pic\.twitter\.com/)\S+", re.IGNORECASE)
_WORDS = re.compile(r"(?u)\b\w\w+\b")
# How much the embeddings' cosines count beside the word and the character similarities (one
# each): the multilingual part's, and the English part's where both texts have one. Chosen on
# the tuning half of the CheckThat! 2022 2A dev tweets (benchmarks/factcheck_retrieval.py
# --half tune --weights ... --english-weights ...).
SEMANTIC_WEIGHT = 1.0
ENGLISH_WEIGHT = 1.5
# Up to this many live texts every one is scored (cheaper than finding candidates).
EXHAUSTIVE_UP_TO = 2_000
# Candidates scored per query: the nearest by embedding, and the best by the query's rarest words.
SEMANTIC_CANDIDATES = 200
LEXICAL_CANDIDATES = 100
# Postings read per query at most, rarest term first: a query's cost does not grow with the corpus.
POSTINGS_BUDGET = 30_000
# From this many vectors the embeddings are searched through IVF lists rather than all of them.
ANN_FROM = 10_000
# IVF lists searched per query (of about 4·√N lists, at most N/39; a quarter of them while fewer than 256).
IVF_PROBES = 64
# The idf and the IVF clustering are refitted once the corpus is this many times what they were fitted on.
REFIT_GROWTH = 2.0
# New rows collect in a block of up to this many, copied whole on each add; then a new block starts.
_BLOCK_ROWS = 4_096


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


class _SparseRows:
    """tf-idf rows appended over time, in blocks: by row (to score candidates) and by column
    (postings: the rows that contain a term)."""

    def __init__(self, width: int, *, postings: bool):
        self.width = width
        self._postings = postings
        self._starts: list[int] = []
        self._rows: list = []  # csr per block
        self._columns: list = []  # csc per block, when postings are read
        self.count = 0

    def append(self, matrix) -> None:
        import scipy.sparse as sparse

        if matrix.shape[0] == 0:
            return
        if self._rows and self._rows[-1].shape[0] < _BLOCK_ROWS and matrix.shape[0] < _BLOCK_ROWS:
            matrix = sparse.vstack([self._rows.pop(), matrix], format="csr")
            if self._postings:
                self._columns.pop()
        else:
            self._starts.append(self.count)
        self._rows.append(matrix.tocsr())
        if self._postings:
            self._columns.append(matrix.tocsc())
        self.count = self._starts[-1] + matrix.shape[0]

    def dot(self, positions: np.ndarray, query) -> np.ndarray:
        """Each row at `positions` (ascending) times the 1×width `query`."""
        out = np.zeros(len(positions), dtype=np.float32)
        query_column = query.T.tocsc()
        bounds = np.searchsorted(positions, [*self._starts, self.count])
        for block, start in enumerate(self._starts):
            low, high = bounds[block], bounds[block + 1]
            if low < high:
                out[low:high] = (self._rows[block][positions[low:high] - start] @ query_column).toarray().ravel()
        return out

    def posting_sums(self, terms: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(rows, Σ weight) over the rows holding any of `terms`."""
        rows, values = [], []
        for start, columns in zip(self._starts, self._columns):
            picked = columns[:, terms]
            rows.append(picked.indices.astype(np.int64) + start)
            values.append(picked.data * np.repeat(weights, np.diff(picked.indptr)))
        if not rows:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        found, where = np.unique(np.concatenate(rows), return_inverse=True)
        return found, np.bincount(where, weights=np.concatenate(values)).astype(np.float32)

    def postings_length(self, term: int) -> int:
        return sum(int(columns.indptr[term + 1] - columns.indptr[term]) for columns in self._columns)

    @property
    def nbytes(self) -> int:
        return sum(matrix.data.nbytes + matrix.indices.nbytes + matrix.indptr.nbytes
                   for matrix in (*self._rows, *self._columns))


class _Vectors:
    """The embeddings: float16 rows as stored (the exact cosines of a candidate) and a faiss index
    over their multilingual part to find candidates (all rows while few, IVF lists of 8-bit
    codes past ANN_FROM)."""

    # float16 rows are kept in chunks of this many: an add never copies the ones before.
    CHUNK_ROWS = 65_536

    def __init__(self, vectors: np.ndarray, ann_from: int):
        import faiss

        # One query at a time per process: OpenMP's spinning threads cost more than they give
        # on a machine whose cores other processes share.
        faiss.omp_set_num_threads(1)
        self.dimensions = vectors.shape[1]
        searched = MULTILINGUAL_DIMENSIONS
        self._chunks: list[np.ndarray] = []
        self.count = 0
        self.ann: faiss.Index
        if len(vectors) < ann_from:
            self.ann = faiss.IndexFlatIP(searched)
        else:
            # k-means wants 39 vectors a list at least.
            lists = max(1, int(min(4 * math.sqrt(len(vectors)), len(vectors) / 39, 16_384)))
            ivf = faiss.IndexIVFScalarQuantizer(faiss.IndexFlatIP(searched), searched, lists,
                                                faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT)
            sample = np.random.default_rng(0).choice(len(vectors), min(len(vectors), 64 * lists), replace=False)
            ivf.train(np.ascontiguousarray(vectors[np.sort(sample), :searched], dtype=np.float32))
            ivf.nprobe = min(IVF_PROBES, max(1, lists // 4))
            self.ann = ivf
        self.append(vectors)

    def append(self, vectors: np.ndarray) -> None:
        for start in range(0, len(vectors), self.CHUNK_ROWS):
            part = vectors[start : start + self.CHUNK_ROWS]
            self.ann.add(np.ascontiguousarray(part[:, :MULTILINGUAL_DIMENSIONS], dtype=np.float32))
            done = 0
            while done < len(part):
                used = self.count % self.CHUNK_ROWS
                if used == 0:
                    self._chunks.append(np.zeros((self.CHUNK_ROWS, self.dimensions), dtype=np.float16))
                taken = min(self.CHUNK_ROWS - used, len(part) - done)
                self._chunks[-1][used : used + taken] = part[done : done + taken]
                done += taken
                self.count += taken

    def nearest(self, vector: np.ndarray, count: int) -> np.ndarray:
        _scores, found = self.ann.search(
            np.ascontiguousarray(vector[None, :MULTILINGUAL_DIMENSIONS], dtype=np.float32), count)
        return found[0][found[0] >= 0]

    def rows(self, positions: np.ndarray) -> np.ndarray:
        """The rows at `positions` (ascending), as float32."""
        out = np.empty((len(positions), self.dimensions), dtype=np.float32)
        chunks = positions // self.CHUNK_ROWS
        bounds = np.searchsorted(chunks, np.arange(len(self._chunks) + 1))
        for chunk, rows in enumerate(self._chunks):
            low, high = bounds[chunk], bounds[chunk + 1]
            if low < high:
                out[low:high] = rows[positions[low:high] - chunk * self.CHUNK_ROWS]
        return out

    @property
    def exact(self) -> np.ndarray:
        """Every row, as float16 (a copy)."""
        if not self._chunks:
            return np.zeros((0, self.dimensions), dtype=np.float16)
        return np.concatenate(self._chunks)[: self.count]

    @property
    def nbytes(self) -> int:
        import faiss

        code_bytes = getattr(self.ann, "code_size", 4 * self.ann.d)
        # IVF: each code and its 8-byte id in its list, plus the centroids.
        extra = 8 if isinstance(self.ann, faiss.IndexIVF) else 0
        centroids = self.ann.nlist * self.ann.d * 4 if isinstance(self.ann, faiss.IndexIVF) else 0
        return self.count * self.dimensions * 2 + self.ann.ntotal * (code_bytes + extra) + centroids


class TextIndex:
    """Texts searchable by similarity to a query. Positions are given in the order texts are
    added (the constructor's first) and never reused; a removed text is never returned."""

    def __init__(self, texts: list[str], vectors: np.ndarray | None = None, *,
                 semantic_weight: float = SEMANTIC_WEIGHT, english_weight: float = ENGLISH_WEIGHT,
                 ann_from: int = ANN_FROM):
        """`vectors`: embeddings, one row per text (service.embeddings: a multilingual and an
        English part, each unit length or, the English one, zero); `ann_from`: from how many
        vectors they are searched approximately."""
        # scikit-learn takes seconds to import: only a process that searches pays for it.
        from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

        self._stop_words = ENGLISH_STOP_WORDS
        self.semantic_weight = semantic_weight
        self.english_weight = english_weight
        self.fitted_size = len(texts)
        cleaned = [matchable(text) for text in texts]
        self._words = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), stop_words="english",
                                      dtype=np.float32)
        self._chars = TfidfVectorizer(sublinear_tf=True, analyzer="char_wb", ngram_range=(3, 5),
                                      min_df=2 if len(texts) > 50 else 1, dtype=np.float32)
        self._lexical = False
        # Empty until fitted: a corpus with no word to index is searched by meaning alone.
        self._word_rows = _SparseRows(0, postings=True)
        self._char_rows = _SparseRows(0, postings=False)
        if texts:
            try:
                word_matrix = self._words.fit_transform(cleaned)
                char_matrix = self._chars.fit_transform(cleaned)
            except ValueError:  # no word to index: every text is stop words or punctuation
                pass
            else:
                self._lexical = True
                # Only kept for inspection, and as large as the vocabulary (scikit-learn: safe to drop).
                for vectorizer in (self._words, self._chars):
                    vectorizer.stop_words_ = None
                self._word_rows = _SparseRows(word_matrix.shape[1], postings=True)
                self._word_rows.append(word_matrix)
                self._char_rows = _SparseRows(char_matrix.shape[1], postings=False)
                self._char_rows.append(char_matrix)
        self._texts = cleaned
        self._alive = np.ones(len(texts), dtype=bool)
        self._ann_from = ann_from
        self._with_vectors = vectors is not None and len(vectors) == len(texts)
        self._vectors = (_Vectors(vectors, ann_from) if vectors is not None and self._with_vectors and len(texts)
                         else None)

    @property
    def size(self) -> int:
        """Texts that can be found (added, not removed)."""
        return int(self._alive[: len(self._texts)].sum())

    @property
    def vectors(self) -> np.ndarray | None:
        return None if self._vectors is None else self._vectors.exact

    @property
    def refit_due(self) -> bool:
        """The corpus has outgrown the statistics it was fitted on (build a new index from its texts)."""
        return len(self._texts) >= REFIT_GROWTH * max(self.fitted_size, 1) or (
            not self._lexical and len(self._texts) > self.fitted_size)

    def add(self, texts: list[str], vectors: np.ndarray | None = None) -> list[int]:
        """Index `texts` as they are (with their embeddings if the index has them): their positions."""
        first = len(self._texts)
        cleaned = [matchable(text) for text in texts]
        if self._lexical:
            self._word_rows.append(self._words.transform(cleaned))
            self._char_rows.append(self._chars.transform(cleaned))
        if self._with_vectors:
            vectors = np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)
            if self._vectors is None:
                self._vectors = _Vectors(np.zeros((first, vectors.shape[1]), dtype=np.float32), self._ann_from)
            self._vectors.append(vectors)
        self._texts += cleaned
        alive = np.ones(len(self._texts), dtype=bool)
        alive[:first] = self._alive[:first]
        self._alive = alive
        return list(range(first, len(self._texts)))

    def remove(self, positions: list[int]) -> None:
        """Never return these texts again."""
        self._alive[np.asarray(positions, dtype=np.int64)] = False

    def search(self, text: str, *, limit: int = 10, min_similarity: float = 0.0,
               vector: np.ndarray | None = None, exhaustive: bool | None = None) -> list[Hit]:
        """The `limit` most similar texts, best first; `vector` is the query's embedding.
        `exhaustive`: score every text (default: only while they are few) rather than the candidates."""
        if not self.size or limit <= 0:
            return []
        query = matchable(text)
        word_query = self._words.transform([query]) if self._lexical else None
        if exhaustive if exhaustive is not None else self.size <= EXHAUSTIVE_UP_TO:
            positions = np.flatnonzero(self._alive)
        else:
            positions = self._candidates(word_query, vector)
        if not len(positions):
            return []
        if self._lexical:
            scores = (self._word_rows.dot(positions, word_query)
                      + self._char_rows.dot(positions, self._chars.transform([query])))
        else:
            scores = np.zeros(len(positions), dtype=np.float32)
        if self._vectors is not None and vector is not None:
            scores = self._with_meaning(scores, self._vectors.rows(positions), np.asarray(vector, dtype=np.float32))
        else:
            scores = scores / 2
        count = min(limit, len(positions))
        top = np.argpartition(-scores, count - 1)[:count]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [Hit(int(positions[at]), round(float(scores[at]), 4), self.shared_terms(query, int(positions[at])))
                for at in top if scores[at] > 0 and scores[at] >= min_similarity]

    def _with_meaning(self, lexical: np.ndarray, rows: np.ndarray, vector: np.ndarray) -> np.ndarray:
        """The weighted mean of the word and character similarities (summed in `lexical`) and
        the embeddings' cosines: the English part's only where both texts have one (a text in
        another language is scored as before the English part existed)."""
        split = MULTILINGUAL_DIMENSIONS
        meaning = np.clip(rows[:, :split] @ vector[:split], 0.0, 1.0)
        english = np.clip(rows[:, split:] @ vector[split:], 0.0, 1.0)
        has_english = (np.einsum("ij,ij->i", rows[:, split:], rows[:, split:]) > 0.25) if (
            float(vector[split:] @ vector[split:]) > 0.25) else np.zeros(len(rows), dtype=bool)
        english_weight = self.english_weight * has_english
        return ((lexical + self.semantic_weight * meaning + english_weight * english)
                / (2 + self.semantic_weight + english_weight))

    def _candidates(self, word_query, vector: np.ndarray | None) -> np.ndarray:
        """Live positions worth scoring, ascending: the nearest by embedding and the best by the
        query's rarest words (their postings read up to POSTINGS_BUDGET)."""
        found = []
        if self._vectors is not None and vector is not None:
            found.append(self._vectors.nearest(vector, SEMANTIC_CANDIDATES))
        if word_query is not None and word_query.nnz:
            rarest_first = np.argsort(-self._words.idf_[word_query.indices], kind="stable")
            terms, weights, spent = [], [], 0
            for at in rarest_first:
                term = int(word_query.indices[at])
                length = self._word_rows.postings_length(term)
                if spent + length <= POSTINGS_BUDGET:
                    spent += length
                    terms.append(term)
                    weights.append(word_query.data[at])
            if terms:
                rows, sums = self._word_rows.posting_sums(np.array(terms), np.array(weights, dtype=np.float32))
                sums[~self._alive[rows]] = 0
                if len(rows) > LEXICAL_CANDIDATES:
                    rows = rows[np.argpartition(-sums, LEXICAL_CANDIDATES - 1)[:LEXICAL_CANDIDATES]]
                found.append(rows)
        if not found:
            return np.zeros(0, dtype=np.int64)
        positions = np.unique(np.concatenate(found).astype(np.int64))
        return positions[self._alive[positions]]

    def shared_terms(self, query: str, position: int, *, count: int = 5) -> tuple[str, ...]:
        ours = {word.lower() for word in _WORDS.findall(query)} - self._stop_words
        theirs = {word.lower() for word in _WORDS.findall(self._texts[position])}
        # Rarest first; among equally rare words the longer, then alphabetical (stable answers).
        shared = sorted(ours & theirs, key=lambda word: (-self._idf(word), -len(word), word))
        return tuple(shared[:count])

    def _idf(self, word: str) -> float:
        column = self._words.vocabulary_.get(word) if self._lexical else None
        return 0.0 if column is None else float(self._words.idf_[column])

    @property
    def nbytes(self) -> dict[str, int]:
        """The index's own arrays by part (not the texts, vocabularies or Python objects)."""
        return {"vectors": self._vectors.nbytes if self._vectors is not None else 0,
                "words": self._word_rows.nbytes if self._lexical else 0,
                "chars": self._char_rows.nbytes if self._lexical else 0}
