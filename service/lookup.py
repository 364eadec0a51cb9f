""""Has this been checked before?": a text looked up among the stored fact-checks and our own
verified and flagged claims, ranked by similarity, with why each matched and what differs."""
from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from service.embeddings import DIMENSIONS, embed, from_text
from service.factchecks import searchable_text
from service.matching import differences, lookup_tier
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
    """One per process. Two indexes, each built on first use and again after its data changed:
    the fact-checks (rebuilt only when one is stored, changed or deleted) and our verified and
    flagged claims (small; rebuilt when a claim gets a verdict), so a verdict never costs a
    rebuild of thousands of fact-checks."""

    def __init__(self) -> None:
        self._corpora: dict[str, _Corpus] = {}
        self._lock = threading.Lock()
        # Reviewed claims' embeddings by (id, text), kept across rebuilds: a new verdict embeds
        # one claim, not all of them again.
        self._claim_vectors: dict[tuple[str, str], np.ndarray] = {}

    def warm_up(self) -> None:
        """Load the embedding model and scikit-learn now (a process that will match pays at
        start, not at its first claim)."""
        TextIndex(["warm up"], embed(["warm up"]))

    def search(self, store: Store, text: str, *, limit: int = 10, language: str | None = None) -> list[dict]:
        corpora = self._corpora_now(store)
        vector = embed([text])[0] if any(corpus.index.size for corpus in corpora) else None
        return self._ranked(store, corpora, text, vector, limit=limit, language=language)

    def _corpora_now(self, store: Store) -> list[_Corpus]:
        """Both indexes as the stored data stand now (rebuilt only where it changed)."""
        epoch, factchecks_version, *verdict_counts = store.factchecks.lookup_version()
        return [self._current(store, "factcheck", (epoch, factchecks_version)),
                self._current(store, "claim", (epoch, *verdict_counts))]

    def _ranked(self, store: Store, corpora: list[_Corpus], text: str, vector: np.ndarray | None, *,
                limit: int, language: str | None = None) -> list[dict]:
        # Ask each for more than `limit`: some hits may be gone or in another language.
        hits = sorted(((hit, corpus) for corpus in corpora for hit in corpus.index.search(
            text, limit=limit * 3, min_similarity=MIN_SIMILARITY, vector=vector)),
            key=lambda found: -found[0].similarity)
        described = _describe(store, [corpus.sources[hit.position] for hit, corpus in hits])
        results = []
        for hit, corpus in hits:
            kind, source_id = corpus.sources[hit.position]
            found = described[kind, source_id]
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

    def matches_for_claims(self, store: Store, claims: list[dict], *,
                           limit: int = 5) -> list[tuple[list[dict], list[dict]]]:
        """Each new claim's matches (`service.matching.lookup_tier`): the fact-checks as a claim's
        `factchecks` lists them, and our reviewed claims of other articles as `link_matches`
        takes them (found by meaning and words, named entities or not). The indexes are checked
        once and the claims embedded in one batch."""
        corpora = self._corpora_now(store)
        vectors = (embed([claim["text"] for claim in claims]) if claims and any(corpus.index.size for corpus in corpora)
                   else [None] * len(claims))
        return [self._claim_matches(claim, self._ranked(store, corpora, claim["text"], vector, limit=limit))
                for claim, vector in zip(claims, vectors)]

    @staticmethod
    def _claim_matches(claim: dict, found_all: list[dict]) -> tuple[list[dict], list[dict]]:
        factchecks, claims = [], []
        for found in found_all:
            tier = lookup_tier(found["similarity"], found["differences"])
            if tier is None:
                continue
            if found["kind"] == "factcheck":
                record = found["factcheck"]
                factchecks.append({
                    "factcheck_id": found["id"], "url": record["url"], "publisher": record.get("publisher"),
                    "rating": record.get("rating_mapped"),
                    "rating_published": (record.get("rating") or {}).get("alternate_name"),
                    "similarity": found["similarity"], "tier": tier.value, "differences": found["differences"],
                })
            elif found["id"] != claim["id"] and found["claim"]["article_id"] != claim["article_id"]:
                claims.append({"claim_id": found["id"], "score": found["similarity"], "tier": tier.value})
        return factchecks, claims

    def _current(self, store: Store, kind: str, version: tuple) -> _Corpus:
        corpus = self._corpora.get(kind)
        if corpus is not None and corpus.version == version:
            return corpus
        with self._lock:
            corpus = self._corpora.get(kind)
            if corpus is None or corpus.version != version:
                corpus = self._corpora[kind] = (_factchecks(store, version) if kind == "factcheck"
                                                else _verdicts(store, version, self._claim_vectors))
            return corpus


def _factchecks(store: Store, version: tuple) -> _Corpus:
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
    # Fact-checks stored without an embedding get one now; the rest got theirs at import.
    missing = [position for position, vector in enumerate(stored) if vector is None]
    vectors = np.zeros((len(stored), DIMENSIONS), dtype=np.float32)
    for position, vector in zip(missing, embed([searchable[position] for position in missing])):
        vectors[position] = vector
    for position, text in enumerate(stored):
        if text is not None:
            vectors[position] = from_text(text)
    return _Corpus(version, TextIndex(searchable, vectors), sources, texts)


def _verdicts(store: Store, version: tuple, known: dict[tuple[str, str], np.ndarray]) -> _Corpus:
    claims = [claim for claim in store.load_claims(store.factchecks.reviewed_claim_ids()) if claim is not None]
    texts = [claim["text"] for claim in claims]
    keys = [(claim["id"], claim["text"]) for claim in claims]
    missing = [key for key in keys if key not in known]
    known.update(zip(missing, embed([text for _id, text in missing])))
    for stale in known.keys() - set(keys):  # no verdict any more, or corrected
        del known[stale]
    vectors = np.array([known[key] for key in keys], dtype=np.float32).reshape(len(keys), DIMENSIONS)
    return _Corpus(version, TextIndex(texts, vectors), [("claim", claim["id"]) for claim in claims], texts)


def _describe(store: Store, sources: list[tuple[str, str]]) -> dict[tuple[str, str], dict | None]:
    """Each hit's own fields, read in one round trip per kind: a fact-check as stored (None if
    deleted since the index was built), a claim with its verdict (None if it has none now)."""
    factcheck_ids = [source_id for kind, source_id in sources if kind == "factcheck"]
    claim_ids = [source_id for kind, source_id in sources if kind == "claim"]
    found: dict[tuple[str, str], dict | None] = {}
    for factcheck_id, factcheck in zip(factcheck_ids, store.factchecks.get_factchecks(factcheck_ids)):
        found["factcheck", factcheck_id] = None if factcheck is None else {
            "id": factcheck_id, "text": factcheck["claim_reviewed"], "factcheck": factcheck}
    for claim_id, claim in zip(claim_ids, store.load_claims(claim_ids) if claim_ids else []):
        found["claim", claim_id] = None if claim is None or claim["status"] not in ("verified", "flagged") else {
            "id": claim_id, "text": claim["text"],
            "claim": {key: claim.get(key) for key in ("id", "status", "rating", "article_id", "explanation")}}
    return found
