"""Extraction speed and memory (run by hand; prints to stdout).

(a) `extract_claims` against bare `nlp.pipe` of the same model on the same ~50,000 words,
    side by side in one process (target, issue 13: ratio >= 0.5 -- the learned check-worthiness
    scorer runs every sentence of an article through MiniLM in one batch, one onnxruntime thread);
(b) resident memory of a fresh child process that loads spaCy and both check-worthiness models once,
    as a worker does, and extracts the whole corpus (target: <= 500 MB).

    .venv/bin/python benchmarks/extraction_speed.py [--words 50000]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.throughput import corpus_articles, take_words
from service.config import Settings

_CHILD = """
import json, sys
sys.path.insert(0, {repo!r})
# As deployed: torch is a training-time dependency only (the `train` extra), but spaCy's thinc
# imports it whenever it is installed (+230 MB), so a development venv would overstate a worker.
sys.modules["torch"] = None
from service.config import Settings
from workers.extraction import extract_claims, load_nlp
from workers.extraction.checkworthiness import load_learned, load_model

def rss_mb(field="VmRSS"):
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent across exec.
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(field)) / 1024

nlp = load_nlp(Settings.from_env().spacy_model)
load_model()
load_learned()
loaded = rss_mb()
for article in json.load(sys.stdin):
    extract_claims(article, nlp=nlp)
print(json.dumps({{"loaded": loaded, "after": rss_mb(),
                  "peak": rss_mb("VmHWM")}}))
"""


def throughput(articles: list[str]) -> None:
    from workers.extraction import extract_claims, load_nlp

    nlp = load_nlp(Settings.from_env().spacy_model)
    words = sum(len(article.split()) for article in articles)
    list(nlp.pipe(articles[:3]))
    extract_claims(articles[0], nlp=nlp)
    best_bare = best_ours = float("inf")
    for _round in range(2):
        started = time.perf_counter()
        for _doc in nlp.pipe(articles):
            pass
        best_bare = min(best_bare, time.perf_counter() - started)
        started = time.perf_counter()
        claims = sum(len(extract_claims(article, nlp=nlp).claims) for article in articles)
        best_ours = min(best_ours, time.perf_counter() - started)
    print(f"(a) {len(articles)} articles, {words} words (best of 2 rounds)")
    print(f"    bare nlp.pipe:   {words / best_bare:8.0f} words/s")
    print(f"    extract_claims:  {words / best_ours:8.0f} words/s ({claims} claims)")
    print(f"    ratio: {best_bare / best_ours:.2f} (target >= 0.50)")


def worker_memory(articles: list[str]) -> None:
    answer = subprocess.run([sys.executable, "-c", _CHILD.format(repo=str(REPO))], input=json.dumps(articles),
                            capture_output=True, text=True, check=True, cwd=REPO)
    memory = json.loads(answer.stdout.strip().splitlines()[-1])
    print("(b) worker child with the model loaded: "
          f"RSS {memory['loaded']:.0f} MB after loading, {memory['after']:.0f} MB after the corpus, "
          f"peak {memory['peak']:.0f} MB (target <= 500 MB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--words", type=int, default=50_000)
    args = parser.parse_args()
    articles = take_words(corpus_articles(), args.words)
    throughput(articles)
    worker_memory(articles)


if __name__ == "__main__":
    main()
