"""Review-desk benchmark (run by hand; prints to stdout).

Against a bare Flask endpoint doing one Redis HGETALL, served by the same gunicorn settings
and hit by the same load generator: requests/second of GET /claims/{id}, a transition,
queue/next and a 50-item list, as ratios. Then queue/next latency (the Lua step, no HTTP)
at 1,000 and at --pending pending claims, and Redis memory per stored claim.

    .venv/bin/python benchmarks/review_desk.py [--seconds 5] [--threads 8] [--pending 1000000]
"""
from __future__ import annotations

import argparse
import itertools
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from service.auth import authenticate, create_key  # noqa: E402
from service.claims import ClaimStatus, Role, TransitionRequest, age_key, claim_id, plan_transition  # noqa: E402
from service.redis import EmbeddedRedis, connect, free_port  # noqa: E402
from service.store import Store  # noqa: E402

BARE_APP = '''
import os, redis
from flask import Flask, jsonify
app = Flask(__name__)
client = redis.Redis.from_url(os.environ["CLAIMTRACK_REDIS_URL"], decode_responses=True)

@app.get("/bare/<claim_id>")
def bare(claim_id):
    return jsonify(client.hgetall("ct:claim:" + claim_id))
'''


def seed(store: Store, *, articles: int, claims_per_article: int, text_words: int = 12) -> list[str]:
    """Articles with claims, written through the real extraction write path."""
    ids = []
    now = time.time()
    for a in range(articles):
        _created, article = store.create_article(f"art_bench{a:07d}", {
            "text": f"bench article {a}", "status": "queued", "created_at": "2026-01-01T00:00:00Z",
            "updated_at": "2026-01-01T00:00:00Z", "timings": {}}, content_hash=f"bench{a}")
        claims = []
        for n in range(claims_per_article):
            text = f"Benchmark town {a}-{n} " + " ".join(f"word{k}" for k in range(text_words))
            cid = claim_id(article["id"], text)
            claims.append({"id": cid, "start": n * 1000, "score": (n % 1000) / 1000,
                           "age_key": age_key(now), "entity_keys": [f"town {a % 100}"],
                           "fields": {"text": text, "sentence": text, "span_start": n * 100,
                                      "span_end": n * 100 + len(text), "score": (n % 1000) / 1000,
                                      "score_reasons": ["number"], "kind": "quantity",
                                      "entities": [{"text": f"Town {a % 100}", "label": "GPE",
                                                    "canonical": f"Town {a % 100}"}],
                                      "dates": [], "needs_context": False}})
            ids.append(cid)
        store.store_extraction(article["id"], claims, {"status": "done", "language": "en"})
    return ids


def load(url_for, *, method="GET", seconds: float, threads: int, body_for=None, headers_for=None,
         ok=(200,)) -> tuple[float, list[float]]:
    """Requests/second and latencies of `threads` clients looping for `seconds`."""
    stop = time.monotonic() + seconds
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    counter = itertools.count()

    def client():
        session = requests.Session()
        mine = []
        while time.monotonic() < stop:
            n = next(counter)
            started = time.perf_counter()
            answer = session.request(method, url_for(n), json=body_for(n) if body_for else None,
                                     headers=headers_for(n) if headers_for else None, timeout=30)
            mine.append(time.perf_counter() - started)
            if answer.status_code not in ok:
                errors[0] += 1
        with lock:
            latencies.extend(mine)

    workers = [threading.Thread(target=client) for _ in range(threads)]
    started = time.monotonic()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.monotonic() - started
    if errors[0]:
        print(f"    ({errors[0]} unexpected answers)")
    return len(latencies) / elapsed, latencies


def p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def serve(app: str, env: dict, port: int) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "gunicorn", app, "--bind", f"127.0.0.1:{port}",
                             "--workers", "2", "--no-control-socket"], env=env, cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait(url: str) -> None:
    for _ in range(300):
        try:
            requests.get(url, timeout=1)
            return
        except requests.ConnectionError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer")


def http_ratios(store: Store, url: str, args) -> None:
    _record, secret = create_key(store, role=Role.REVIEWER, name="bench")
    auth = {"Authorization": f"Bearer {secret}"}
    ids = seed(store, articles=40, claims_per_article=1000)
    env = {**os.environ, "CLAIMTRACK_REDIS_URL": url, "CLAIMTRACK_LOG_LEVEL": "WARNING",
           "CLAIMTRACK_LEASE_SECONDS": "3600"}
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "bare_app.py").write_text(BARE_APP)
        bare_port, api_port = free_port(), free_port()
        bare = serve("bare_app:app", {**env, "PYTHONPATH": tmp}, bare_port)
        api = serve("service.wsgi:app", env, api_port)
        try:
            base, root = f"http://127.0.0.1:{api_port}/api/v1", f"http://127.0.0.1:{bare_port}"
            wait(f"{root}/bare/x")
            wait(f"http://127.0.0.1:{api_port}/healthz")
            cases = {}
            cases["bare HGETALL"] = load(lambda n: f"{root}/bare/{ids[n % len(ids)]}",
                                         seconds=args.seconds, threads=args.threads)
            cases["GET /claims/{id}"] = load(lambda n: f"{base}/claims/{ids[n % len(ids)]}",
                                             headers_for=lambda n: auth, seconds=args.seconds,
                                             threads=args.threads)
            versions = {i: 1 for i in ids[:20000]}
            pool = list(versions)
            lock = threading.Lock()

            def transition_body(n):
                return ({"to": "dismissed", "reason": "duplicate"} if (n // len(pool)) % 2 == 0
                        else {"to": "pending", "reason": "bench reopen"})

            def transition_headers(n):
                with lock:
                    claim = pool[n % len(pool)]
                    version = versions[claim]
                    versions[claim] += 1
                return {**auth, "If-Match": f'"{version}"'}

            cases["transition"] = load(lambda n: f"{base}/claims/{pool[n % len(pool)]}/transitions",
                                       method="POST", body_for=transition_body,
                                       headers_for=transition_headers, seconds=args.seconds,
                                       threads=args.threads)
            cases["queue/next"] = load(lambda n: f"{base}/queue/next", method="POST",
                                       headers_for=lambda n: auth, seconds=args.seconds,
                                       threads=args.threads, ok=(200, 204))
            cases["list of 50"] = load(lambda n: f"{base}/claims?limit=50", headers_for=lambda n: auth,
                                       seconds=args.seconds, threads=args.threads)
        finally:
            for process in (bare, api):
                process.terminate()
                process.wait(timeout=30)
    bare_rps = cases["bare HGETALL"][0]
    targets = {"GET /claims/{id}": 0.6, "transition": 0.5, "queue/next": 0.5, "list of 50": 0.3}
    print(f"(a) HTTP, gunicorn 2 workers, {args.threads} client threads, {args.seconds:.0f} s each")
    for name, (rps, lat) in cases.items():
        ratio = rps / bare_rps
        target = f"  target ≥ {targets[name]}" if name in targets else ""
        print(f"    {name:18s} {rps:8.0f} req/s  ratio {ratio:4.2f}  p50 {p(lat, .5)*1000:6.1f} ms  "
              f"p99 {p(lat, .99)*1000:6.1f} ms{target}")


def settle(store: Store) -> None:
    """Wait out an AOF rewrite the seeding started: measure the steady state, not a fork."""
    while True:
        info = store.redis.info("persistence")
        if not info.get("aof_rewrite_in_progress") and not info.get("aof_rewrite_scheduled"):
            return
        time.sleep(0.5)


def queue_latency(store: Store, pending: int, calls: int = 3000, rounds: int = 3) -> list[float]:
    """queue/next latencies (the store call: Lua step plus reading the claim back); the
    round with the median p99 of `rounds`, so one scheduler hiccup does not decide."""
    actor = authenticate(store, create_key(store, role=Role.REVIEWER, name="lat")[1])
    settle(store)
    measured = sorted((_lease_many(store, actor, calls) for _ in range(rounds)), key=lambda l: p(l, .99))
    return measured[len(measured) // 2]


def _lease_many(store: Store, actor, calls: int) -> list[float]:
    """Lease and (untimed) release again, so the queue keeps its size."""
    release = plan_transition(TransitionRequest(to=ClaimStatus.PENDING), actor=actor)
    latencies = []
    for _ in range(calls):
        started = time.perf_counter()
        claim = store.lease_next(actor, lease_seconds=3600)
        latencies.append(time.perf_counter() - started)
        store.transition(claim["id"], release, expected_version=None, actor=actor, lease_seconds=3600)
        # The released claim comes straight back on top: keep its history from growing with
        # every round, which a real queue's claims never see.
        store.redis.ltrim(f"ct:claim:{claim['id']}:history", 0, 0)
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--pending", type=int, default=1_000_000)
    parser.add_argument("--skip-http", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data:
        server = EmbeddedRedis(Path(data))
        url = server.start()
        try:
            store = Store(connect(url))
            if not args.skip_http:
                http_ratios(store, url, args)
            results = {}
            for size in (1000, args.pending):
                store.redis.flushdb()
                settle(store)
                before = store.redis.info("memory")["used_memory"]
                started = time.monotonic()
                ids = seed(store, articles=max(1, size // 5000), claims_per_article=min(size, 5000))
                seeded = time.monotonic() - started
                after = store.redis.info("memory")["used_memory"]
                text_bytes = sum(len(t) for t in store.redis.hmget  # sample the text size
                                 (f"ct:claim:{ids[0]}", ["text"]) if t) * 2  # text and sentence
                results[size] = queue_latency(store, size)
                print(f"(b) {len(ids):>9,} pending claims (seeded in {seeded:.0f} s): queue/next "
                      f"p50 {p(results[size], .5)*1000:.2f} ms, p99 {p(results[size], .99)*1000:.2f} ms; "
                      f"Redis {(after - before) / len(ids):.0f} bytes per claim "
                      f"({(after - before) / len(ids) - text_bytes:.0f} excluding its ~{text_bytes} text bytes)")
            small, large = (p(results[s], .99) for s in (1000, args.pending))
            print(f"    p99 ratio {args.pending:,} / 1,000: {large / small:.2f} (target ≤ 2)")
        finally:
            server.stop()


if __name__ == "__main__":
    main()
