""""Has this been checked before?": a text looked up among the stored fact-checks and our own
verified and flagged claims, ranked by similarity, with why each matched and what differs."""
from __future__ import annotations

import gc
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from service.embeddings import DIMENSIONS, embed, from_text, is_english, to_text
from service.factchecks import embeddings_of, searchable_text, url_key
from service.matching import differences, lookup_tier
from service.retrieval import TextIndex
from service.store import Store
from service.store.factchecks import REVIEWED_STATUSES

log = logging.getLogger(__name__)

# Below it a result is noise: texts on other subjects still share a word or two and some meaning
# (unrelated sentences' embeddings have cosines of 0.1 to 0.3, English ones of the same domain up
# to 0.4: less than a fifth after weighting).
MIN_SIMILARITY = 0.2
# Outbox events read per check of the reviewed claims; more since the last check: built anew.
_OUTBOX_PAGE = 10_000


@dataclass
class _Corpus:
    index: TextIndex
    # ("factcheck" | "claim", id) per indexed position, and the claim it states.
    sources: list[tuple[str, str]]
    texts: list[str]
    # What is indexed, by fact-check URL key or claim id: (position, what it was indexed from:
    # the fact-check's updated_at or the claim's text).
    rows: dict[str, tuple[int, str]]
    # How far the corpus has read the stored changes: (epoch, fact-check version) for the
    # fact-checks, (epoch, outbox event id) for the reviewed claims.
    cursor: tuple

    def add(self, keys: list[str], sources: list[tuple[str, str]], texts: list[str], searchable: list[str],
            stamps: list[str], vectors: np.ndarray) -> None:
        for key, stamp, position in zip(keys, stamps, self.index.add(searchable, vectors)):
            self.rows[key] = (position, stamp)
        self.sources += sources
        self.texts += texts

    def remove(self, keys: list[str]) -> None:
        self.index.remove([self.rows.pop(key)[0] for key in keys if key in self.rows])


class _Refit:
    """A corpus built anew in a background thread (minutes at a million texts) while the one it
    replaces keeps answering and taking changes."""

    def __init__(self, build: Callable[[], _Corpus]):
        self.corpus: _Corpus | None = None
        self._build = build
        self.thread = threading.Thread(target=self._run, name="lookup-refit", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            self.corpus = self._build()
        except Exception:  # the old corpus keeps answering; the next check starts another
            log.exception("refitting a lookup index failed")


class Lookup:
    """One per process. Two indexes, each built on first use and then kept current in place:
    the fact-checks (those stored, changed or deleted since the version it holds go out and in
    again as they are now) and our verified and flagged claims (the outbox says which claims
    changed). Once a corpus has doubled, its index is built anew in the background (the idf
    and the IVF clustering refitted) and takes over with the changes made meanwhile; it is
    built in the foreground only at first and when the database was replaced."""

    def __init__(self) -> None:
        self._corpora: dict[str, _Corpus] = {}
        self._refits: dict[str, _Refit] = {}
        # Searches read the indexes that changes write in place: one at a time.
        self._lock = threading.RLock()
        # Reviewed claims' embeddings by (id, text), kept across rebuilds: a new verdict embeds
        # one claim, not all of them again.
        self._claim_vectors: dict[tuple[str, str], np.ndarray] = {}

    def warm_up(self) -> None:
        """Load the embedding model, scikit-learn and faiss now (a process that will match pays
        at start, not at its first claim)."""
        TextIndex(["warm up"], embed(["warm up"]))

    def prepare_in_background(self, store: Store) -> threading.Thread:
        """Build both indexes now, in a daemon thread, so that a process's first lookup (a
        reviewer opening a claim, the matcher's first article) does not wait for the build: 10 s
        at 14,000 fact-checks, minutes at a million. A lookup meanwhile waits for the build,
        as it would have built itself; a failure (Redis not up yet) leaves it to the first lookup."""
        def build() -> None:
            try:
                with self._lock:
                    self._corpora_now(store)
            except Exception:
                log.warning("building the lookup indexes at start failed; the first lookup builds them",
                            exc_info=True)

        thread = threading.Thread(target=build, name="lookup-build", daemon=True)
        thread.start()
        return thread

    def search(self, store: Store, text: str, *, limit: int = 10, language: str | None = None) -> list[dict]:
        with self._lock:
            corpora = self._corpora_now(store)
            vector = (embed([text], english=[is_english(language)])[0]
                      if any(corpus.index.size for corpus in corpora) else None)
            return self._ranked(store, corpora, text, vector, limit=limit, language=language)

    def _corpora_now(self, store: Store) -> list[_Corpus]:
        """Both indexes as the stored data stand now."""
        epoch, factchecks_version = store.factchecks.lookup_version()
        return [self._factchecks_now(store, epoch, factchecks_version), self._claims_now(store, epoch)]

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
        with self._lock:
            corpora = self._corpora_now(store)
            vectors = (embed([claim["text"] for claim in claims])
                       if claims and any(corpus.index.size for corpus in corpora) else [None] * len(claims))
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
                claims.append({"claim_id": found["id"], "score": found["similarity"], "tier": tier.value,
                               "differences": found["differences"]})
        return factchecks, claims

    def _factchecks_now(self, store: Store, epoch: str, version: int) -> _Corpus:
        corpus = self._corpora.get("factcheck")
        if corpus is None or corpus.cursor[0] != epoch:
            corpus = self._corpora["factcheck"] = _factchecks(store, (epoch, version))
            return corpus
        corpus = self._refitted("factcheck", corpus)
        if corpus.cursor[1] != version:
            changed = store.factchecks.changed_since(corpus.cursor[1])
            if len(changed) > corpus.index.fitted_size:  # building anew costs less than taking them in
                corpus = self._corpora["factcheck"] = _factchecks(store, (epoch, version))
                return corpus
            found = store.factchecks.factchecks_at(changed)
            # A fact-check written since it was indexed goes out, and in again as it is now.
            corpus.remove([key for key, now in zip(changed, found)
                           if key in corpus.rows and (now is None or now[0]["updated_at"] != corpus.rows[key][1])])
            fresh = [(key, *now) for key, now in zip(changed, found) if now is not None and key not in corpus.rows]
            if fresh:
                keys, records, stored = (list(column) for column in zip(*fresh))
                corpus.add(keys, [("factcheck", record["id"]) for record in records],
                           [record["claim_reviewed"] for record in records],
                           [searchable_text(record) for record in records],
                           [record["updated_at"] for record in records], _factcheck_vectors(store, records, stored))
            corpus.cursor = (epoch, version)
        self._refit_if_due("factcheck", corpus,
                           lambda: _factchecks(store, store.factchecks.lookup_version()))
        return corpus

    def _claims_now(self, store: Store, epoch: str) -> _Corpus:
        corpus = self._corpora.get("claim")
        if corpus is not None and corpus.cursor[0] == epoch:
            corpus = self._refitted("claim", corpus)
        changes = None if corpus is None or corpus.cursor[0] != epoch else store.outbox.changes_after(
            corpus.cursor[1], limit=_OUTBOX_PAGE)
        if changes is None or changes["truncated"]:
            corpus = self._corpora["claim"] = _verdicts(store, epoch, self._claim_vectors)
            return corpus
        # Claims whose verdict or text may have changed: those indexed and those given a verdict.
        touched = list(dict.fromkeys(
            change["claim_id"] for change in changes["events"] if "claim_id" in change and (
                change["claim_id"] in corpus.rows or change.get("status") in REVIEWED_STATUSES)))
        current = {claim_id: claim for claim_id, claim in zip(touched, store.load_claims(touched) if touched else [])
                   if claim is not None and claim["status"] in REVIEWED_STATUSES}
        gone = [claim_id for claim_id in touched if claim_id in corpus.rows and (
            claim_id not in current or current[claim_id]["text"] != corpus.rows[claim_id][1])]
        for claim_id in gone:
            self._claim_vectors.pop((claim_id, corpus.rows[claim_id][1]), None)
        corpus.remove(gone)
        store.factchecks.drop_claim_vectors([claim_id for claim_id in gone if claim_id not in current])
        new = [claim for claim_id, claim in current.items() if claim_id not in corpus.rows]
        if new:
            texts = [claim["text"] for claim in new]
            corpus.add([claim["id"] for claim in new], [("claim", claim["id"]) for claim in new], texts, texts, texts,
                       _claim_vectors(store, new, self._claim_vectors))
        corpus.cursor = (epoch, changes["cursor"])
        self._refit_if_due("claim", corpus, lambda: _verdicts(store, epoch, self._known_claim_vectors()))
        return corpus

    def _known_claim_vectors(self) -> dict[tuple[str, str], np.ndarray]:
        """A copy for a builder in the background (queries change them meanwhile)."""
        with self._lock:
            return dict(self._claim_vectors)

    def _refit_if_due(self, kind: str, corpus: _Corpus, build: Callable[[], _Corpus]) -> None:
        if corpus.index.refit_due and kind not in self._refits:
            self._refits[kind] = _Refit(build)

    def _refitted(self, kind: str, corpus: _Corpus) -> _Corpus:
        """`corpus`, or the one refitted in the background once it is built."""
        refit = self._refits.get(kind)
        if refit is None or refit.thread.is_alive():
            return corpus
        del self._refits[kind]
        if refit.corpus is None or refit.corpus.cursor[0] != corpus.cursor[0]:
            return corpus
        self._corpora[kind] = refit.corpus
        return refit.corpus


def _factcheck_vectors(store: Store, records: list[dict], stored: list[str | None]) -> np.ndarray:
    """Each fact-check's stored embedding; those stored without one (or without its English
    part) get one now, and keep it: the next process to build an index reads it."""
    vectors = np.zeros((len(stored), DIMENSIONS), dtype=np.float32)
    missing = []
    for position, text in enumerate(stored):
        vector = from_text(text) if text is not None else None
        if vector is None:
            missing.append(position)
        else:
            vectors[position] = vector
    if missing:
        vectors[missing] = embeddings_of([records[position] for position in missing])
        store.factchecks.put_vectors([(records[position]["id"], records[position]["updated_at"],
                                       to_text(vectors[position])) for position in missing])
    return vectors


def _claim_vectors(store: Store, claims: list[dict], known: dict[tuple[str, str], np.ndarray]) -> np.ndarray:
    """Each claim's embedding: known in this process, else as stored by the process that first
    embedded it, else embedded now and stored."""
    keys = [(claim["id"], claim["text"]) for claim in claims]
    missing = [key for key in keys if key not in known]
    for key, text in store.factchecks.claim_vectors(missing).items():
        vector = from_text(text)
        if vector is not None:
            known[key] = vector
    embedded = [key for key in missing if key not in known]
    if embedded:
        vectors = embed([text for _id, text in embedded])
        known.update(zip(embedded, vectors))
        store.factchecks.put_claim_vectors({key: to_text(vector) for key, vector in zip(embedded, vectors)})
    return np.array([known[key] for key in keys], dtype=np.float32).reshape(len(keys), DIMENSIONS)


def _factchecks(store: Store, cursor: tuple) -> _Corpus:
    records: list[dict] = []
    stored: list[str | None] = []
    for record, vector in store.factchecks.all_factchecks():
        records.append(record)
        stored.append(vector)
    index = TextIndex([searchable_text(record) for record in records], _factcheck_vectors(store, records, stored))
    rows = {url_key(record["url"]): (position, record["updated_at"]) for position, record in enumerate(records)}
    corpus = _Corpus(index, [("factcheck", record["id"]) for record in records],
                     [record["claim_reviewed"] for record in records], rows, cursor)
    del records, stored
    _freeze_built()
    return corpus


def _verdicts(store: Store, epoch: str, known: dict[tuple[str, str], np.ndarray]) -> _Corpus:
    # The cursor is read first: a verdict given while the claims are read is read again, not missed.
    cursor = (epoch, store.outbox.newest_event_id())
    claims = [claim for claim in store.load_claims(store.factchecks.reviewed_claim_ids()) if claim is not None]
    texts = [claim["text"] for claim in claims]
    vectors = _claim_vectors(store, claims, known)
    for stale in known.keys() - {(claim["id"], claim["text"]) for claim in claims}:  # no verdict any more, or corrected
        del known[stale]
    store.factchecks.drop_claim_vectors([claim["id"] for claim in claims], keep_only=True)
    rows = {claim["id"]: (position, claim["text"]) for position, claim in enumerate(claims)}
    corpus = _Corpus(TextIndex(texts, vectors), [("claim", claim["id"]) for claim in claims], texts, rows, cursor)
    _freeze_built()
    return corpus


def _freeze_built() -> None:
    """An index's millions of objects (vocabularies, texts, ids) are never garbage: out of the
    collector's sight, whose full passes over them took 100-250 ms of a lookup at 1M texts."""
    gc.freeze()


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
        found["claim", claim_id] = None if claim is None or claim["status"] not in REVIEWED_STATUSES else {
            "id": claim_id, "text": claim["text"],
            "claim": {key: claim.get(key) for key in ("id", "status", "rating", "article_id", "explanation")}}
    return found
