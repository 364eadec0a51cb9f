"""The lookup at scale (issue 14, "Speed and scale": one new claim against 1,000,000 stored
texts, p95 ≤ 50 ms; memory per stored vector stated). Run by hand; prints to stdout.

    .venv/bin/python benchmarks/lookup_scale.py [--n 1000000] [--queries 500] [--adds 200] [--vectors synthetic|model]

What it builds: N synthetic fact-checks (written here: a subject, an action, an object, a place
and a year drawn from lists of made-up phrases, a figure, sometimes a headline), each parsed as
a ClaimReview and stored with `FactCheckStore.put_factchecks` (what the import runs) into a
fresh redis-server; then a `Lookup` as the matcher holds it. Our reviewed claims are the
second corpus of the same kind (one TextIndex each); it is left empty here, so all N texts sit
in the corpus every claim is matched against.

Embeddings: `--vectors model` embeds every text with the service's models (~250 short
sentences/s on 2 cores, the English model the slower: about an hour for 1M). `--vectors
synthetic` (the default: the build of a 1M corpus is long enough) gives each phrase a fixed
random vector (each part of unit length) and each text the normalised sum of its phrases'
vectors plus noise: texts sharing phrases are near, as
paraphrases are, and unrelated ones near-orthogonal. The IVF index and the rescoring do the
same work on either; with synthetic vectors a query's embedding is the same sum, and the
model's time for one claim is measured apart and printed beside.

Timed per claim: `Lookup.matches_for_claims` for one claim, what the matcher runs per claim
(with synthetic vectors: the same call with the query's vector passed in, the model's time
added separately). Half the claims restate a stored text with one phrase changed, half are new.
Also: the index build, a fact-check stored and then found (in place, no rebuild), and memory:
the growth of this process's RSS over the build divided by N, and the index's own bytes per text.
"""
from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from service.embeddings import DIMENSIONS, MULTILINGUAL_DIMENSIONS, embed, to_text
from service.factchecks import MAX_ITEMS, parse_claimreview
from service.lookup import Lookup
from service.redis import EmbeddedRedis, connect
from service.retrieval import REFIT_GROWTH, TextIndex
from service.store import Store

SYLLABLES = ["ka", "lo", "mi", "ter", "san", "vo", "ri", "dal", "pe", "nor", "qu", "is", "bel", "tru", "ga", "fen",
             "ost", "ma", "lin", "ek", "ro", "sun", "va", "dor", "hil", "ne", "tas", "ju", "mer", "ok"]
SLOTS = {"subject": 3_000, "action": 600, "object": 4_000, "place": 2_000, "headline": 1_500}


def rss_bytes() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


class Corpus:
    """Made-up claims from phrase lists, and their synthetic embeddings."""

    def __init__(self, seed: int = 14):
        self.rng = np.random.default_rng(seed)
        words = list(dict.fromkeys(
            "".join(self.rng.choice(SYLLABLES, size=self.rng.integers(2, 4))) for _ in range(30_000)))
        self.phrases = {slot: [" ".join(self.rng.choice(words, size=self.rng.integers(1, 4))) for _ in range(count)]
                        for slot, count in SLOTS.items()}
        self.vectors = {slot: _unit_parts(self.rng.standard_normal((count, DIMENSIONS), dtype=np.float32))
                        for slot, count in SLOTS.items()}

    def draw(self, count: int) -> np.ndarray:
        """Rows of phrase numbers (subject, action, object, place, headline or -1), a figure and a year."""
        columns = [self.rng.integers(0, SLOTS[slot], count) for slot in ("subject", "action", "object", "place")]
        headline = np.where(self.rng.random(count) < 0.3, self.rng.integers(0, SLOTS["headline"], count), -1)
        return np.column_stack([*columns, headline, self.rng.integers(2, 999, count),
                                self.rng.integers(2000, 2027, count)])

    def text(self, row) -> tuple[str, str | None]:
        subject, action, obj, place, headline, figure, year = (int(value) for value in row)
        claim = (f"{self.phrases['subject'][subject].capitalize()} {self.phrases['action'][action]} {figure} "
                 f"{self.phrases['object'][obj]} in {self.phrases['place'][place]} in {year}.")
        return claim, (self.phrases["headline"][headline].capitalize() if headline >= 0 else None)

    def embed(self, rows: np.ndarray) -> np.ndarray:
        total = sum(self.vectors[slot][rows[:, column]] for column, slot in enumerate(("subject", "action", "object",
                                                                                       "place")))
        total += np.where(rows[:, 4:5] >= 0, self.vectors["headline"][np.maximum(rows[:, 4], 0)], 0)
        return _unit_parts(total + 1.2 * _unit_parts(self.rng.standard_normal(total.shape, dtype=np.float32)))


def _unit(vectors: np.ndarray) -> np.ndarray:
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)


def _unit_parts(vectors: np.ndarray) -> np.ndarray:
    """Each of an embedding's two parts (service.embeddings) scaled to unit length."""
    return np.hstack([_unit(vectors[:, :MULTILINGUAL_DIMENSIONS]), _unit(vectors[:, MULTILINGUAL_DIMENSIONS:])])


def claimreview(number: int, claim: str, headline: str | None) -> dict:
    node = {"@type": "ClaimReview", "url": f"https://checks.example/{number}", "claimReviewed": claim,
            "author": {"@type": "Organization", "name": "Example Checks"}, "inLanguage": "en",
            "reviewRating": {"@type": "Rating", "alternateName": "False"}}
    if headline:
        node["headline"] = headline
    return node


def store_factchecks(store: Store, corpus: Corpus, rows: np.ndarray, first: int, use_model: bool) -> None:
    records = [parse_claimreview(claimreview(first + n, *corpus.text(row))).record() for n, row in enumerate(rows)]
    if use_model:
        from service.factchecks import embeddings_of

        vectors = embeddings_of(records)
    else:
        vectors = corpus.embed(rows)
    store.factchecks.put_factchecks(records, [to_text(vector) for vector in vectors])


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)

    def at(share: float) -> float:
        return ordered[min(len(ordered) - 1, int(len(ordered) * share))] * 1000

    return f"p50 {at(0.5):.1f} ms, p95 {at(0.95):.1f} ms, p99 {at(0.99):.1f} ms, max {ordered[-1] * 1000:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1_000_000, help="stored fact-checks")
    parser.add_argument("--queries", type=int, default=500, help="claims looked up, one at a time")
    parser.add_argument("--adds", type=int, default=200, help="fact-checks stored one at a time after the build")
    parser.add_argument("--vectors", choices=["synthetic", "model"], default="synthetic")
    args = parser.parse_args()
    use_model = args.vectors == "model"
    corpus = Corpus()
    with tempfile.TemporaryDirectory() as data_dir:
        server = EmbeddedRedis(Path(data_dir))
        store = Store(connect(server.start()))
        try:
            started = time.perf_counter()
            stored_rows = corpus.draw(args.n)
            for first in range(0, args.n, MAX_ITEMS):
                store_factchecks(store, corpus, stored_rows[first : first + MAX_ITEMS], first, use_model)
                if first and first % 100_000 == 0:
                    print(f"  stored {first:,} ({time.perf_counter() - started:.0f} s)", flush=True)
            print(f"stored: {args.n:,} fact-checks in {time.perf_counter() - started:.0f} s "
                  f"(vectors: {args.vectors})", flush=True)

            # Everything but the index loaded first, so that the RSS growth is the index's.
            Lookup().search(store, "warm up") if use_model else None
            TextIndex(["warm up"], np.zeros((1, DIMENSIONS), dtype=np.float32))
            gc.collect()
            before = rss_bytes()
            lookup = Lookup()
            started = time.perf_counter()
            corpora = lookup._corpora_now(store)
            built = time.perf_counter() - started
            gc.collect()
            grown = rss_bytes() - before
            index = corpora[0].index
            parts = index.nbytes
            print(f"index build: {built:.0f} s for {index.size:,} texts (read from Redis, tf-idf fitted, IVF trained)")
            print(f"memory: RSS +{grown / 2**20:,.0f} MiB = {grown / args.n:,.0f} bytes per stored text; the index's "
                  f"own arrays per text: " + ", ".join(f"{name} {size / args.n:,.0f} B" for name, size in parts.items())
                  + f" (of the vectors: 8-bit IVF code {index._vectors.ann.code_size} B + float16 copy for "
                  f"rescoring {2 * DIMENSIONS} B); tf-idf vocabularies: {len(index._words.vocabulary_):,} word "
                  f"1-2-grams, {len(index._chars.vocabulary_):,} character n-grams", flush=True)

            rows = corpus.draw(args.queries)
            # Every other claim restates a stored one: the same phrases, another year, no headline.
            sources = corpus.rng.integers(0, args.n, len(rows[::2]))
            restated = stored_rows[sources]
            rows[::2, :5], rows[::2, 4] = restated[:, :5], -1
            rows[::2, 5] = restated[:, 5]
            texts = [corpus.text(row)[0] for row in rows]
            claims = [{"id": f"clm_q{n}", "article_id": "art_q", "text": text} for n, text in enumerate(texts)]
            vectors = embed(texts) if use_model else corpus.embed(rows)
            latencies, found, restatements_first = [], 0, 0
            for number, (claim, vector) in enumerate(zip(claims, vectors)):
                started = time.perf_counter()
                if use_model:
                    ((factchecks, _claims),) = lookup.matches_for_claims(store, [claim])
                else:
                    factchecks, _claims = lookup._claim_matches(claim, lookup._ranked(
                        store, lookup._corpora_now(store), claim["text"], vector, limit=5))
                latencies.append(time.perf_counter() - started)
                found += bool(factchecks)
                restatements_first += bool(number % 2 == 0 and factchecks and factchecks[0]["url"].endswith(
                    f"/{sources[number // 2]}"))
            print(f"one claim matched ({args.queries} claims{', embedding included' if use_model else ''}): "
                  f"{percentiles(latencies)}; {found} got a fact-check attached; the restated fact-check first for "
                  f"{restatements_first} of the {len(sources)} restatements", flush=True)
            if not use_model:
                model_times = []
                for text in texts[:100]:
                    started = time.perf_counter()
                    embed([text])
                    model_times.append(time.perf_counter() - started)
                print(f"  + the model embedding one claim (the matcher embeds an article's claims in one batch): "
                      f"{percentiles(model_times[1:])}", flush=True)

            add_times = []
            extra = corpus.draw(args.adds)
            for n, row in enumerate(extra):
                started = time.perf_counter()
                store_factchecks(store, corpus, row[None, :], args.n + n, use_model)
                lookup._corpora_now(store)
                add_times.append(time.perf_counter() - started)
            assert lookup._corpora["factcheck"].index is index, "rebuilt, not added in place"
            newest = corpus.text(extra[-1])[0]
            vector = embed([newest])[0] if use_model else corpus.embed(extra[-1:])[0]
            top = lookup._ranked(store, lookup._corpora_now(store), newest, vector, limit=1)
            print(f"incremental add ({args.adds} fact-checks, each stored then taken in by the live index): "
                  f"{percentiles(add_times)}; the last one found first: "
                  f"{bool(top) and top[0]['factcheck']['url'].endswith(f'/{args.n + args.adds - 1}')}")
            print(f"refitted (built anew) once a corpus reaches {REFIT_GROWTH:g}× what it was fitted on")
        finally:
            server.stop()


if __name__ == "__main__":
    main()
