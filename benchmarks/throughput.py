"""Throughput benchmark (run by hand; prints to stdout).

(a) words/second of bare spaCy `nlp.pipe` and of `extract_claims` on the same ~50,000-word
    news corpus (the example article plus development data read from ../shared/eval by path),
    and their ratio;
(b) end to end: N articles posted through the real API (gunicorn) with one Celery worker
    (concurrency 1) on a fresh embedded-style redis-server: articles/second and p50/p99 time
    from POST to `done`.

    .venv/bin/python benchmarks/throughput.py [--articles 200] [--words 50000] [--skip-e2e]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
sys.path.insert(0, str(REPO))


def corpus_articles() -> list[str]:
    """News articles from ../shared (never copied into the repository)."""
    articles = []
    example = SHARED / "examples" / "moscow-times-modi-visit.txt"
    if example.exists():
        articles.append(example.read_text())
    for name, extract in [("newsclaims_dev.jsonl", lambda r: r["text"]),
                          ("claimdecomp_dev.jsonl", lambda r: "\n".join(r["article_paragraphs"]))]:
        path = SHARED / "eval" / name
        if path.exists():
            with path.open() as lines:
                articles += [extract(json.loads(line)) for line in lines]
    if not articles:
        sys.exit(f"no corpus: {SHARED} has neither the example nor the eval data")
    return [a for a in articles if a.strip()]


def take_words(articles: list[str], words: int) -> list[str]:
    chosen, total = [], 0
    for article in articles:
        chosen.append(article)
        total += len(article.split())
        if total >= words:
            break
    return chosen


def bench_extraction(articles: list[str]) -> None:
    from service.config import Settings
    from workers.extraction import extract_claims, load_nlp

    nlp = load_nlp(Settings.from_env().spacy_model)
    words = sum(len(a.split()) for a in articles)
    list(nlp.pipe(articles[:3]))  # warm up
    extract_claims(articles[0], nlp=nlp)
    started = time.perf_counter()
    for _doc in nlp.pipe(articles):
        pass
    bare = time.perf_counter() - started
    started = time.perf_counter()
    claims = sum(len(extract_claims(a, nlp=nlp).claims) for a in articles)
    ours = time.perf_counter() - started
    print(f"(a) corpus: {len(articles)} articles, {words} words")
    print(f"    bare nlp.pipe:   {words / bare:10.0f} words/s ({bare:.1f} s)")
    print(f"    extract_claims:  {words / ours:10.0f} words/s ({ours:.1f} s, {claims} claims)")
    print(f"    ratio extract_claims / nlp.pipe: {bare / ours:.2f}")


def _wait(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


def _parse(stamp: str) -> float:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


def bench_end_to_end(articles: list[str], count: int) -> None:
    from service.auth import create_key
    from service.claims import Role
    from service.redis import EmbeddedRedis, connect, free_port
    from service.store import Store

    texts = [a for a in articles if len(a.split()) > 50]
    texts = [texts[i % len(texts)] + ("" if i < len(texts) else f"\n(Copy {i}.)") for i in range(count)]
    with tempfile.TemporaryDirectory() as data_dir:
        redis_server = EmbeddedRedis(Path(data_dir))
        url = redis_server.start()
        env = {**os.environ, "CLAIMTRACK_REDIS_URL": url, "CLAIMTRACK_LOG_LEVEL": "WARNING"}
        port = free_port()
        web = subprocess.Popen([sys.executable, "-m", "gunicorn", "service.wsgi:app", "--bind",
                                f"127.0.0.1:{port}", "--workers", "2", "--no-control-socket"], env=env, cwd=REPO,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        worker = subprocess.Popen([sys.executable, "-m", "celery", "-A", "workers.celery_app", "worker",
                                   "--concurrency", "1", "-Q", "extraction,maintenance",
                                   "--loglevel", "WARNING"], env=env, cwd=REPO,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            api = f"http://127.0.0.1:{port}"
            _wait(f"{api}/readyz")
            store = Store(connect(url))
            _record, secret = create_key(store, role=Role.ADMIN, name="bench")
            headers = {"Authorization": f"Bearer {secret}"}
            session = requests.Session()
            started = time.time()
            ids = []
            for text in texts:
                answer = session.post(f"{api}/api/v1/articles", json={"text": text}, headers=headers, timeout=30)
                answer.raise_for_status()
                ids.append(answer.json()["id"])
            posted = time.time()
            pending = set(ids)
            while pending:
                for article_id in list(pending):
                    if store.get_article(article_id)["status"] in ("done", "failed"):
                        pending.discard(article_id)
                time.sleep(0.5)
            finished = [store.get_article(a) for a in ids]
            latencies = sorted(_parse(a["timings"]["finished_at"]) - _parse(a["timings"]["queued_at"])
                               for a in finished if a["status"] == "done")
            end = max(_parse(a["timings"]["finished_at"]) for a in finished if a["status"] == "done")
            failed = sum(a["status"] == "failed" for a in finished)
            print(f"(b) end to end: {count} articles posted in {posted - started:.1f} s "
                  f"({count / (posted - started):.0f} POST/s), one worker (concurrency 1)")
            print(f"    throughput: {len(latencies) / (end - started):.2f} articles/s; failed: {failed}")
            print(f"    POST → done: p50 {statistics.median(latencies):.1f} s, "
                  f"p99 {latencies[int(0.99 * (len(latencies) - 1))]:.1f} s "
                  f"(queueing included: all {count} were posted at once)")
            extraction_ms = sorted(a["timings"]["extraction_ms"] for a in finished if a["status"] == "done")
            print(f"    extraction alone per article: p50 {statistics.median(extraction_ms):.0f} ms, "
                  f"p99 {extraction_ms[int(0.99 * (len(extraction_ms) - 1))]:.0f} ms")
        finally:
            for process in (web, worker):
                process.terminate()
            for process in (web, worker):
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
            redis_server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--words", type=int, default=50_000)
    parser.add_argument("--skip-e2e", action="store_true")
    args = parser.parse_args()
    articles = corpus_articles()
    bench_extraction(take_words(articles, args.words))
    if not args.skip_e2e:
        bench_end_to_end(articles, args.articles)


if __name__ == "__main__":
    main()
