""""Has this been checked before?": a text looked up among the stored fact-checks and our own
verified and flagged claims, ranked by similarity, with why each matched and what differs."""
from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from service.embeddings import DIMENSIONS, embed, from_text
from service.errors import NotFound
from service.factchecks import searchable_text
from service.matching import differences
from service.retrieval import TextIndex
from service.store import Store

# Below it a result is noise: texts on other subjects still share a word or two and some meaning
# (unrelated sentences' embeddings have cosines of 0.1 to 0.3, a third of that after weighting).
MIN_SIMILARITY = 0.15


@dataclass
class _Corpus:
    version: tuple
    index: TextIndex
    # ("factcheck" | "claim", id) per indexed text, and the claim it states.
    sources: list[tuple[str, str]]
    texts: list[str]


class Lookup:
    """One per process: the index is built on first use and again after the data changed."""

    def __init__(self) -> None:
        self._corpus: _Corpus | None = None
        self._lock = threading.Lock()

    def search(self, store: Store, text: str, *, limit: int = 10, language: str | None = None) -> list[dict]:
        corpus = self._current(store)
        results = []
        vector = embed([text])[0] if corpus.index.size else None
        # Ask for more than `limit`: some hits may be gone or in another language.
        for hit in corpus.index.search(text, limit=limit * 3, min_similarity=MIN_SIMILARITY, vector=vector):
            kind, source_id = corpus.sources[hit.position]
            found = _describe(store, kind, source_id)
            if found is None or (language and kind == "factcheck" and found["factcheck"]["language"] not in (
                    None, language)):
                continue
            results.append({
                "kind": kind, "similarity": hit.similarity, "matched_terms": list(hit.shared_terms),
                "differences": differences(text, corpus.texts[hit.position]), **found,
            })
            if len(results) == limit:
                break
        return results

    def _current(self, store: Store) -> _Corpus:
        version = store.factchecks.lookup_version()
        corpus = self._corpus
        if corpus is not None and corpus.version == version:
            return corpus
        with self._lock:
            if self._corpus is None or self._corpus.version != version:
                self._corpus = _build(store, version)
            return self._corpus


def _build(store: Store, version: tuple) -> _Corpus:
    sources: list[tuple[str, str]] = []
    # What each source claims (compared for differences), and what it is found by.
    texts: list[str] = []
    searchable: list[str] = []
    stored: list[str | None] = []
    for record, vector in store.factchecks.all_factchecks():
        sources.append(("factcheck", record["id"]))
        texts.append(record["claim_reviewed"])
        searchable.append(searchable_text(record))
        stored.append(vector)
    claim_ids = store.factchecks.reviewed_claim_ids()
    for claim in store.load_claims(claim_ids):
        if claim is not None:
            sources.append(("claim", claim["id"]))
            texts.append(claim["text"])
            searchable.append(claim["text"])
            stored.append(None)
    # Our claims (and fact-checks stored without one) are embedded now; the rest at import.
    missing = [position for position, vector in enumerate(stored) if vector is None]
    vectors = np.zeros((len(stored), DIMENSIONS), dtype=np.float32)
    for position, vector in zip(missing, embed([searchable[position] for position in missing])):
        vectors[position] = vector
    for position, text in enumerate(stored):
        if text is not None:
            vectors[position] = from_text(text)
    return _Corpus(version, TextIndex(searchable, vectors), sources, texts)


def _describe(store: Store, kind: str, source_id: str) -> dict | None:
    """The result's own fields: a fact-check as stored, a claim with its verdict."""
    if kind == "factcheck":
        try:
            factcheck = store.factchecks.get_factcheck(source_id)
        except NotFound:  # deleted since the index was built
            return None
        return {"id": source_id, "text": factcheck["claim_reviewed"], "factcheck": factcheck}
    claim = (store.load_claims([source_id]) or [None])[0]
    if claim is None or claim["status"] not in ("verified", "flagged"):
        return None
    return {"id": source_id, "text": claim["text"],
            "claim": {key: claim.get(key) for key in ("id", "status", "rating", "article_id", "explanation")}}
