"""Review-desk benchmark (run by hand; prints to stdout).

The service as `claimtrack up --web-workers 2` serves it (its gunicorn config, access log and
metrics files), against a bare Flask endpoint doing one Redis HGETALL under plain gunicorn with
2 sync workers, hit by the same load generator in the same run: requests/second of
GET /claims/{id}, a transition, queue/next and a 50-item list, as ratios. The load comes from
wrk (Debian's package): a Python client saturates near 1,000 req/s here and would hide the
server's cost. Beside each ratio, the CPU time per request of the server and of Redis: on a
machine others share, req/s moves with their load, CPU per request hardly; and wrk's and the
whole machine's, so that nothing the run costs goes unseen. Each case starts with Redis quiet
(no append-only rewrite running); a case during which one ran says so. Then queue/next
latency (the Lua step, no HTTP) at 1,000 and at --pending pending claims, and Redis memory per
stored claim.

    .venv/bin/python benchmarks/review_desk.py [--seconds 10] [--connections 8] [--pending 1000000]
"""
from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
import requests

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from cli.main import web_command  # noqa: E402
from service.auth import authenticate, create_key  # noqa: E402
from service.claims import ClaimStatus, Role, TransitionRequest, age_key, claim_id, plan_transition  # noqa: E402
from service.redis import EmbeddedRedis, connect, free_port  # noqa: E402
from service.store import KEYS, Store  # noqa: E402

# Articles yield about this many claims (the example article: 18).
CLAIMS_PER_ARTICLE = 25

BARE_APP = '''
import os, redis
from flask import Flask, jsonify
from service.store.keys import KEYS
app = Flask(__name__)
client = redis.Redis.from_url(os.environ["CLAIMTRACK_REDIS_URL"], decode_responses=True)

@app.get("/bare/<claim_id>")
def bare(claim_id):
    return jsonify(client.hgetall(KEYS.claim(claim_id)))
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


# wrk scripts. Each thread gets its own slice of claims, so an If-Match version is only ever
# sent once per claim state: a transition alternates dismiss (odd versions) and reopen (even).
WRK_POST = '''
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = "{}"
'''
WRK_TRANSITIONS = '''
local ids = {}
for line in io.lines(os.getenv("BENCH_IDS")) do ids[#ids + 1] = line end
local threads, counter = tonumber(os.getenv("BENCH_THREADS")), 0
function setup(thread)
  thread:set("slot", counter)
  counter = counter + 1
end
function init(args)
  mine, versions, next_index = {}, {}, 1
  for i = slot + 1, #ids, threads do mine[#mine + 1] = ids[i]; versions[ids[i]] = 1 end
end
function request()
  local id = mine[next_index]
  next_index = next_index % #mine + 1
  local version = versions[id]
  versions[id] = version + 1
  local body = version % 2 == 1 and \'{"to": "dismissed", "reason": "duplicate"}\'
                                 or \'{"to": "pending", "reason": "bench reopen"}\'
  return wrk.format("POST", "/api/v1/claims/" .. id .. "/transitions",
                    {["Content-Type"] = "application/json", ["If-Match"] = \'"\' .. version .. \'"\',
                     ["Authorization"] = wrk.headers["Authorization"]}, body)
end
'''
WRK_REPORT = '''
function done(summary, latency, requests)
  local bad = summary.errors.status + summary.errors.connect + summary.errors.read
              + summary.errors.write + summary.errors.timeout
  io.write(string.format("WRK %f %f %f %d %d\\n", summary.requests / (summary.duration / 1e6),
           latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.requests, bad))
end
'''


def load(url: str, *, seconds: float, connections: int, script: str = "", headers: dict | None = None,
         env: dict | None = None) -> tuple[float, float, float, int, int]:
    """wrk against `url`: requests/second, p50 and p99 latency (ms), non-2xx/3xx answers,
    requests answered."""
    threads = min(2, connections)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(script + WRK_REPORT)
    command = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds:.0f}s", "-s", lua.name]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    run = subprocess.run(command + [url], capture_output=True, text=True, timeout=seconds + 60,
                         env={**os.environ, "BENCH_THREADS": str(threads), **(env or {})})
    os.unlink(lua.name)
    line = next((row for row in run.stdout.splitlines() if row.startswith("WRK ")), None)
    if line is None:
        raise RuntimeError(f"wrk failed: {run.stdout}{run.stderr}")
    rps, p50, p99, count, bad = line.split()[1:]
    return float(rps), float(p50), float(p99), int(bad), int(count)


def cpu_seconds(processes: list[psutil.Process]) -> float:
    """User + system CPU time of `processes` (a gunicorn master: with its workers)."""
    total = 0.0
    for process in processes:
        for one in [process, *process.children(recursive=True)]:
            try:
                times = one.cpu_times()
            except psutil.Error:
                continue
            total += times.user + times.system
    return total


def busy_seconds() -> float:
    """CPU time the whole machine spent busy (every core; idle and I/O wait left out)."""
    times = psutil.cpu_times()
    return sum(value for name, value in times._asdict().items() if name not in ("idle", "iowait", "guest",
                                                                                 "guest_nice"))


def children_seconds() -> float:
    """CPU time of this process's waited-for children: wrk, once it has finished."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measured(run, processes: dict[str, list[psutil.Process]]):
    """`run()`'s wrk result with the CPU time each group of `processes` spent per request
    (µs): unlike req/s, hardly moved by what else the machine is doing. Also wrk's own CPU
    and the machine's: what no process of the run accounts for is mostly the kernel writing
    Redis's append-only file back to disk, which only writes cause."""
    before = {name: cpu_seconds(group) for name, group in processes.items()}
    machine, wrk = busy_seconds(), children_seconds()
    result = run()
    rps, _p50, _p99, _bad, count = result
    cpu = {name: (cpu_seconds(group) - before[name]) / max(count, 1) * 1e6
           for name, group in processes.items()}
    cpu["machine"] = (busy_seconds() - machine) / max(count, 1) * 1e6
    cpu["wrk"] = (children_seconds() - wrk) / max(count, 1) * 1e6
    return result, cpu


def quiet(processes: list[psutil.Process], *, timeout: float = 120) -> None:
    """Wait until `processes` use under 5 % of a core: done with whatever they do at start."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        before = cpu_seconds(processes)
        time.sleep(1)
        if cpu_seconds(processes) - before < 0.05:
            return
    raise RuntimeError(f"still busy after {timeout:.0f} s: {processes}")


def p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def serve(command: list[str], env: dict) -> subprocess.Popen:
    return subprocess.Popen(command, env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def bare_command(port: int) -> list[str]:
    """The bare endpoint under plain gunicorn: 2 sync workers, no access log, no config."""
    return [sys.executable, "-m", "gunicorn", "bare_app:app", "--bind", f"127.0.0.1:{port}",
            "--workers", "2", "--no-control-socket"]


def wait(url: str) -> None:
    for _ in range(300):
        try:
            requests.get(url, timeout=2)
            return
        except requests.RequestException:  # not listening yet, or still importing
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer")


def http_ratios(store: Store, url: str, args) -> None:
    _record, secret = create_key(store, role=Role.REVIEWER, name="bench")
    ids = seed(store, articles=1600, claims_per_article=CLAIMS_PER_ARTICLE)
    # The seeding's append-only file compacted first, so that the writes measured below start
    # from a fresh base rather than from one a rewrite is about to replace.
    settle(store)
    store.redis.bgrewriteaof()
    time.sleep(0.5)
    settle(store)
    # The rate limit stays on (its bucket is taken on every request) but out of wrk's way.
    env = {**os.environ, "CLAIMTRACK_REDIS_URL": url, "CLAIMTRACK_LOG_LEVEL": "WARNING",
           "CLAIMTRACK_LEASE_SECONDS": "3600", "CLAIMTRACK_RATE_REQUESTS_PER_MINUTE": str(10 ** 9)}
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "bare_app.py").write_text(BARE_APP)
        bare_port, api_port = free_port(), free_port()
        bare = serve(bare_command(bare_port), {**env, "PYTHONPATH": tmp})
        # The service exactly as `claimtrack up --web-workers 2` runs it: its gunicorn config,
        # access log (to /dev/null here) and Prometheus multiprocess files.
        api = serve(web_command("127.0.0.1", api_port, workers=2),
                    {**env, "PROMETHEUS_MULTIPROC_DIR": str(Path(tmp) / "prometheus")})
        try:
            base, root = f"http://127.0.0.1:{api_port}/api/v1", f"http://127.0.0.1:{bare_port}"
            wait(f"{root}/bare/x")
            wait(f"http://127.0.0.1:{api_port}/healthz")
            processes = {"app": [psutil.Process(api.pid)], "bare": [psutil.Process(bare.pid)],
                         "redis": [psutil.Process(int(store.redis.info("server")["process_id"]))]}
            # Each API worker builds its lookup indexes in the background as it starts (seconds of
            # imports): measured meanwhile, the bare case would share the CPU with them.
            quiet(processes["app"])
            cases, cpu, rewrites = {}, {}, set()
            load_args = {"seconds": args.seconds, "connections": args.connections}
            bench = f"Bearer {secret}"

            def run(name, *load_a, **load_kw):
                # Each case from a quiet Redis; one that starts an AOF rewrite (a fork copying
                # the data set, every write paying copy-on-write faults meanwhile) is marked.
                settle(store)
                base = store.redis.info("persistence").get("aof_base_size")
                cases[name], cpu[name] = measured(lambda: load(*load_a, **load_kw), processes)
                after = store.redis.info("persistence")
                if after.get("aof_rewrite_in_progress") or after.get("aof_base_size") != base:
                    rewrites.add(name)

            run("bare HGETALL", f"{root}/bare/{ids[0]}", **load_args)
            run("GET /claims/{id}", f"{base}/claims/{ids[0]}", headers={"Authorization": bench}, **load_args)
            with tempfile.NamedTemporaryFile("w", delete=False) as pool:
                pool.write("\n".join(ids[:20000]))
            run("transition", f"{base}/claims", script=WRK_TRANSITIONS, headers={"Authorization": bench},
                env={"BENCH_IDS": pool.name}, **load_args)
            os.unlink(pool.name)
            run("queue/next", f"{base}/queue/next", script=WRK_POST, headers={"Authorization": bench},
                **load_args)
            run("list of 50", f"{base}/claims?limit=50", headers={"Authorization": bench}, **load_args)
        finally:
            for process in (bare, api):
                process.terminate()
                process.wait(timeout=30)
    bare_rps, _p50, _p99, bare_errors, _count = cases["bare HGETALL"]
    if bare_errors:
        raise RuntimeError(f"the bare endpoint failed {bare_errors} times: its ratio would mean nothing")
    targets = {"GET /claims/{id}": 0.7, "transition": 0.5, "queue/next": 0.5, "list of 50": 0.35}
    print(f"(a) HTTP, gunicorn 2 sync workers each, wrk with {args.connections} connections, "
          f"{args.seconds:.0f} s each")
    for name, (rps, p50, p99, bad, _count) in cases.items():
        ratio = rps / bare_rps
        target = (f"  target ≥ {targets[name]}: {'meets' if ratio >= targets[name] else 'MISSES'}"
                  if name in targets else "")
        unexpected = f"  ({bad} non-2xx answers)" if bad else ""
        rewrite = "  (an AOF rewrite ran meanwhile)" if name in rewrites else ""
        print(f"    {name:18s} {rps:8.0f} req/s  ratio {ratio:4.2f}  p50 {p50:6.1f} ms  "
              f"p99 {p99:6.1f} ms{target}{unexpected}{rewrite}")
    # CPU per request of the server answering (the bare gunicorn for the bare case) and of
    # Redis: what the ratios come from, measured without the noise of a shared machine.
    print("    CPU per request (µs): server (gunicorn master and workers), Redis, the ratio of those two "
          "sums to the bare case's; wrk; the machine's, and what none of them used (other)")
    bare_cpu = cpu["bare HGETALL"]["bare"] + cpu["bare HGETALL"]["redis"]
    for name, used in cpu.items():
        server = used["bare"] if name == "bare HGETALL" else used["app"]
        other = used["machine"] - server - used["redis"] - used["wrk"]
        print(f"    {name:18s} server {server:6.0f}  redis {used['redis']:5.0f}  "
              f"CPU ratio {bare_cpu / (server + used['redis']):4.2f}  wrk {used['wrk']:4.0f}  "
              f"machine {used['machine']:5.0f}  other {other:5.0f}")


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
    actor, _quota = authenticate(store, create_key(store, role=Role.REVIEWER, name="lat")[1])
    settle(store)
    measured = sorted((_lease_many(store, actor, calls) for _ in range(rounds)), key=lambda run: p(run, .99))
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
        store.redis.delete(KEYS.claim_history(claim["id"]))
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--pending", type=int, default=1_000_000)
    parser.add_argument("--skip-http", action="store_true")
    parser.add_argument("--http-only", action="store_true", help="only the HTTP ratios (a)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data:
        server = EmbeddedRedis(Path(data))
        url = server.start()
        try:
            store = Store(connect(url))
            if not args.skip_http:
                http_ratios(store, url, args)
            if args.http_only:
                return
            results = {}
            for size in (1000, args.pending):
                store.redis.flushdb()
                settle(store)
                before = store.redis.info("memory")["used_memory"]
                started = time.monotonic()
                ids = seed(store, articles=max(1, size // CLAIMS_PER_ARTICLE),
                           claims_per_article=min(size, CLAIMS_PER_ARTICLE))
                seeded = time.monotonic() - started
                settle(store)
                after = store.redis.info("memory")["used_memory"]
                outbox = store.redis.memory_usage(KEYS.events, samples=0) or 0
                events = store.redis.xlen(KEYS.events)
                text_bytes = sum(len(t) for t in store.redis.hmget  # sample the text size
                                 (KEYS.claim(ids[0]), ["text"]) if t) * 2  # text and sentence
                per_claim = (after - before - outbox) / len(ids)
                results[size] = queue_latency(store, size)
                print(f"(b) {len(ids):>9,} pending claims (seeded in {seeded:.0f} s): queue/next "
                      f"p50 {p(results[size], .5)*1000:.2f} ms, p99 {p(results[size], .99)*1000:.2f} ms")
                print(f"    Redis per claim: {per_claim:.0f} bytes ({per_claim - text_bytes:.0f} beyond its "
                      f"~{text_bytes} text bytes; target ≤ 1,200), outside the event outbox")
                print(f"    the outbox: {events:,} events, {outbox / max(events, 1):.0f} bytes each "
                      f"({(after - before) / len(ids) - text_bytes:.0f} bytes per claim beyond text "
                      f"while every claim's creation event is still in it)")
            small, large = (p(results[s], .99) for s in (1000, args.pending))
            print(f"    p99 ratio {args.pending:,} / 1,000: {large / small:.2f} (target ≤ 2)")
        finally:
            server.stop()


if __name__ == "__main__":
    main()
