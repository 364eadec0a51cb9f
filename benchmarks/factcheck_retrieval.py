"""Fact-check retrieval on the CheckThat! 2022 task 2A English data (issue 14), through the real paths.

The 14,231 Snopes fact-checks of ../shared/eval/factcheck_retrieval_vclaims.jsonl are written as
ClaimReview objects and stored with `import_claimreviews` (what POST /api/v1/factchecks and
`claimtrack factchecks import` run) into a fresh redis-server; then each tweet of
factcheck_retrieval_queries_dev.jsonl is looked up with the service's `Lookup` (what POST
/api/v1/factchecks/search runs). Prints import time, index build time, MAP@5 and Success@1 over
the tweets, and lookup latency. The tweets are passed as they are. The data is read by path and
never copied into the repository.

    .venv/bin/python benchmarks/factcheck_retrieval.py [--queries N] [--half tune|check|both]
        [--weights 0,0.5,1] [--english-weights 0,1,1.5]

The tweets are split in two halves by the SHA-256 of their ids (the first half of that order is
`tune`): the weights of the embeddings' two parts beside the lexical similarities
(service.retrieval.SEMANTIC_WEIGHT, ENGLISH_WEIGHT) are chosen on `tune` only; both halves are
reported.
"""
from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EVAL = REPO.parent / "shared" / "eval"
sys.path.insert(0, str(REPO))

from service.factcheck_import import import_claimreviews
from service.factchecks import MAX_ITEMS
from service.lookup import Lookup
from service.matching import LOOKUP_CONFIRM_AT as CONFIRM_AT
from service.matching import LOOKUP_SUGGEST_AT as SUGGEST_AT
from service.matching import MatchTier, lookup_tier
from service.redis import EmbeddedRedis, connect
from service.retrieval import ENGLISH_WEIGHT, SEMANTIC_WEIGHT
from service.store import Store


def claimreview(record: dict) -> dict:
    """A Snopes record as the ClaimReview JSON-LD a fact-checker publishes."""
    review = {"@context": "https://schema.org", "@type": "ClaimReview", "url": record["url"],
              "claimReviewed": record["vclaim"], "headline": record.get("title") or None,
              "author": {"@type": "Organization", "name": "Snopes"}}
    try:
        review["datePublished"] = datetime.datetime.strptime(record.get("date") or "", "%d %B %Y").date().isoformat()
    except ValueError:
        pass
    return review


def report_thresholds(half: str, gold: list[float], wrong: list[float]) -> None:
    """Per similarity: the share of tweets whose gold fact-check ranks first at or above it
    (found), and the share whose best wrong fact-check reaches it (a wrong one attached when
    no right one exists)."""
    print(f"  {half}: threshold  found  wrong  (attach: {SUGGEST_AT:g} suggested, {CONFIRM_AT:g} confirmed)")
    for threshold in (step / 40 for step in range(8, 29)):  # 0.2 to 0.7 by 0.025
        found = sum(score >= threshold for score in gold) / len(gold)
        attached_wrong = sum(score >= threshold for score in wrong) / len(wrong)
        print(f"  {half}: {threshold:9.3f}  {found:5.3f}  {attached_wrong:5.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--queries", type=int, default=0, help="look up only the first N tweets")
    parser.add_argument("--half", choices=["tune", "check", "both"], default="both")
    parser.add_argument("--weights", default=str(SEMANTIC_WEIGHT),
                        help="comma-separated weights of the multilingual embedding (default: the shipped one)")
    parser.add_argument("--english-weights", default=str(ENGLISH_WEIGHT),
                        help="comma-separated weights of the English embedding (default: the shipped one)")
    parser.add_argument("--thresholds", action="store_true",
                        help="also: how often the gold fact-check, and how often the best wrong one, reaches "
                             "each similarity (the choice of service.lookup's attach thresholds)")
    args = parser.parse_args()
    records = [json.loads(line) for line in (EVAL / "factcheck_retrieval_vclaims.jsonl").open()]
    queries = [json.loads(line) for line in (EVAL / "factcheck_retrieval_queries_dev.jsonl").open()]
    if args.queries:
        queries = queries[: args.queries]
    with tempfile.TemporaryDirectory() as data_dir:
        server = EmbeddedRedis(Path(data_dir))
        store = Store(connect(server.start()))
        try:
            started = time.perf_counter()
            id_of_url: dict[str, str] = {}
            reviews = [claimreview(record) for record in records]
            refused = 0
            for start in range(0, len(reviews), MAX_ITEMS):
                batch = reviews[start : start + MAX_ITEMS]
                for result in import_claimreviews(store, batch):
                    if result["code"] == 422:
                        refused += 1
                    else:
                        id_of_url[batch[result["index"]]["url"]] = result["id"]
            imported = time.perf_counter() - started
            vclaim_of = {id_of_url[record["url"]]: record["vclaim_id"] for record in records
                         if record["url"] in id_of_url}
            stored = store.factchecks.factcheck_count()
            print(f"import: {len(reviews):,} ClaimReviews in {imported:.1f} s ({len(reviews) / imported:,.0f}/s), "
                  f"{refused} refused, {stored:,} stored (records sharing a URL are one fact-check)")

            lookup = Lookup()
            started = time.perf_counter()
            lookup.search(store, "warm-up", limit=1)
            print(f"index build: {time.perf_counter() - started:.1f} s")

            order = sorted(queries, key=lambda query: hashlib.sha256(query["id"].encode()).hexdigest())
            halves = {"tune": order[: (len(order) + 1) // 2], "check": order[(len(order) + 1) // 2 :]}
            wanted = ["tune", "check"] if args.half == "both" else [args.half]
            latencies: list[float] = []
            weights = [(float(value), float(english)) for value in args.weights.split(",")
                       for english in args.english_weights.split(",")]
            for weight, english_weight in weights:
                lookup._corpora["factcheck"].index.semantic_weight = weight
                lookup._corpora["factcheck"].index.english_weight = english_weight
                for half in wanted:
                    precisions, first_hits = [], 0
                    gold_scores, wrong_scores = [], []
                    confirmed_right = confirmed_wrong = 0
                    for query in halves[half]:
                        started = time.perf_counter()
                        results = lookup.search(store, query["text"], limit=5)
                        latencies.append(time.perf_counter() - started)
                        gold = set(query["gold_vclaim_ids"])
                        hits = total = 0.0
                        for rank, result in enumerate(results, 1):
                            if vclaim_of.get(result["id"]) in gold:
                                hits += 1
                                total += hits / rank
                        precisions.append(total / min(len(gold), 5))
                        first_hits += bool(results) and vclaim_of.get(results[0]["id"]) in gold
                        # The gold one when it ranks first; the best other one stands for a claim
                        # no fact-check is about (its gold left out).
                        gold_scores.append(results[0]["similarity"] if results and
                                           vclaim_of.get(results[0]["id"]) in gold else 0.0)
                        wrong_scores.append(max((r["similarity"] for r in results
                                                 if vclaim_of.get(r["id"]) not in gold), default=0.0))
                        confirmed = [vclaim_of.get(r["id"]) in gold for r in results
                                     if lookup_tier(r["similarity"], r["differences"]) is MatchTier.CONFIRMED]
                        confirmed_right += any(confirmed)
                        confirmed_wrong += not all(confirmed)
                    print(f"weights {weight:g} and English {english_weight:g}, {half} half: "
                          f"{len(halves[half]):,} tweets; MAP@5 "
                          f"{statistics.mean(precisions):.3f} (target 0.92); Success@1 "
                          f"{first_hits / len(halves[half]):.3f}", flush=True)
                    if args.thresholds:
                        report_thresholds(half, gold_scores, wrong_scores)
                        print(f"  {half}: attached as confirmed (similarity and the consistency guard): the gold "
                              f"fact-check for {confirmed_right / len(halves[half]):.3f} of tweets, a wrong one "
                              f"for {confirmed_wrong / len(halves[half]):.3f}")
            latencies.sort()
            p95 = latencies[int(len(latencies) * 0.95) - 1]
            print(f"lookup latency: median {statistics.median(latencies) * 1000:.0f} ms, "
                  f"p95 {p95 * 1000:.0f} ms over {stored:,} fact-checks")
        finally:
            server.stop()


if __name__ == "__main__":
    main()
