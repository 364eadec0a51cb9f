"""Soak (issue 12, Load): the whole service as `claimtrack up` runs it — gunicorn, a Celery worker
and beat, an embedded Redis — with a local webhook receiver subscribed to every event, one
article a second ingested and 20 simulated reviewers (threads, each with its own key) taking and
judging claims, for `--seconds`. Afterwards it checks and prints:

- every article submitted ended `done`;
- every claim's history agrees with its state, its events and the indexes (status sets, queue,
  leases, holders: tests/helpers.py `check_claims_consistent`), and every transition answered 200
  to a reviewer is in a history exactly once;
- every event of the outbox reached the receiver, verified, exactly once per `webhook-id`;
- Redis `used_memory` and the worker's memory (PSS of its main process and pool) sampled every 10 s:
  first, last, max;
- request latency percentiles and error counts per kind of call.

    .venv/bin/python benchmarks/soak.py [--seconds 300] [--reviewers 20] [--rate 1.0]
                                        [--workers 2] [--web-workers 2]

Rate limits: every simulated client has its own key, so the per-key defaults apply as in
production. A reviewer makes at most a few requests a second (under the default 1,200 requests
a minute); the one ingest key posts 60 articles a minute, exactly the default article quota, so
the soak raises CLAIMTRACK_RATE_ARTICLES_PER_MINUTE to 120 (one late tick would otherwise be a
429). tests/reliability/test_soak_short.py runs this harness for 30 s and asserts the checks.
"""
from __future__ import annotations

import argparse
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import redis
import requests

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from service.events import SUBSCRIBABLE
from service.redis import free_port
from service.store import KEYS
from tests.helpers import check_claims_consistent
from tests.integration.webhook_receiver import Receiver

SAMPLE_SECONDS = 10
TOWNS = ["Ardley", "Bramwick", "Calderon", "Dunmere", "Elstow", "Farrowby", "Glenholm", "Hartsey",
         "Ivelport", "Jesmond Vale", "Kilbarry", "Lorimer"]
PEOPLE = ["Agnes Whitlock", "Tomas Reyna", "Priya Lindgren", "Oskar Mbeki", "Helen Strand", "Jonas Petrov"]
PROJECTS = ["a new bridge", "the harbour wall", "a district heating plant", "the tram extension",
            "a public swimming pool", "the central library"]


def article_text(n: int, rng: random.Random) -> str:
    """A short local-news article written for this soak, different every time (n is in it)."""
    town, other = rng.sample(TOWNS, 2)
    person, critic = rng.sample(PEOPLE, 2)
    project = rng.choice(PROJECTS)
    return " ".join([
        f"The council of {town} approved {rng.randint(3, 90)} million euros for {project} on Tuesday.",
        f"Mayor {person} said the work would be finished by {rng.randint(2026, 2031)}.",
        f"According to the regional statistics office, {town} registered {100 + n} new businesses in "
        f"{rng.randint(2015, 2024)}.",
        f"Unemployment in {town} fell to {rng.randint(2, 12)}.{rng.randint(0, 9)} percent last year, "
        f"lower than in {other}.",
        f"{critic}, who leads the opposition, claimed that the project was {rng.randint(2, 30)} months "
        f"behind schedule.",
        "Residents are invited to a meeting at the town hall on Thursday evening.",
    ])


@dataclass
class Calls:
    """Every request of one client: (kind, status or 0 for no answer, seconds)."""

    records: list[tuple[str, int, float]] = field(default_factory=list)
    acknowledged: Counter = field(default_factory=Counter)  # (claim id, to) → 200s
    error: BaseException | None = None

    def call(self, http: requests.Session, kind: str, method: str, url: str, **kwargs):
        started = time.monotonic()
        try:
            answer = http.request(method, url, timeout=30, **kwargs)
        except requests.RequestException:
            self.records.append((kind, 0, time.monotonic() - started))
            return None
        self.records.append((kind, answer.status_code, time.monotonic() - started))
        return answer


@dataclass
class Sample:
    at: float
    redis_used_memory: int
    worker_pss: int
    web_pss: int


@dataclass
class SoakResult:
    seconds: float
    articles: dict[str, str] = field(default_factory=dict)  # id → final status
    claims: int = 0
    transitions_acknowledged: int = 0
    transitions_in_histories: int = 0
    consistency_error: str | None = None
    events_expected: int = 0
    events_delivered: int = 0
    events_missing: int = 0
    # Delivered webhook-ids that were never in the outbox.
    events_unknown: int = 0
    events_duplicated: int = 0
    events_unverified: int = 0
    samples: list[Sample] = field(default_factory=list)
    latency: dict[str, dict] = field(default_factory=dict)
    errors: Counter = field(default_factory=Counter)  # (kind, status) of every non-2xx/204
    client_failures: list[str] = field(default_factory=list)
    drain_seconds: float = 0.0

    @property
    def articles_not_done(self) -> dict[str, str]:
        return {a: s for a, s in self.articles.items() if s != "done"}

    def problems(self) -> list[str]:
        """Every check that failed, in words (empty: the soak held)."""
        found = []
        if not self.articles:
            found.append("no article was submitted")
        if self.articles_not_done:
            found.append(f"articles not done: {Counter(self.articles_not_done.values())}")
        if self.consistency_error:
            found.append(f"claims inconsistent: {self.consistency_error}")
        if self.transitions_acknowledged != self.transitions_in_histories:
            found.append(f"transitions answered 200: {self.transitions_acknowledged}, "
                         f"in histories: {self.transitions_in_histories}")
        if self.events_missing or self.events_duplicated or self.events_unverified or self.events_unknown:
            found.append(f"events: {self.events_missing} missing, {self.events_duplicated} duplicated, "
                         f"{self.events_unverified} unverified, {self.events_unknown} never in the outbox")
        if self.errors:
            found.append(f"errors: {dict(self.errors)}")
        if self.client_failures:
            found.append(f"client threads failed: {self.client_failures}")
        return found


class Service:
    """`claimtrack up` in a temporary data directory, on a free port."""

    def __init__(self, directory: Path, *, workers: int, web_workers: int, env: dict):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = directory / "claimtrack-up.log"
        self.admin_key: str | None = None
        self.redis_url: str | None = None
        full_env = {**os.environ, "CLAIMTRACK_DATA_DIR": str(directory / "data"), **env}
        full_env.pop("CLAIMTRACK_REDIS_URL", None)  # the embedded one, as `claimtrack up` starts it
        self.process = subprocess.Popen(
            [sys.executable, "-m", "cli.main", "up", "--port", str(self.port), "--workers", str(workers),
             "--web-workers", str(web_workers)],
            cwd=REPO, env=full_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            start_new_session=True)
        self._found = threading.Event()
        self._reader = threading.Thread(target=self._read_output, daemon=True)
        self._reader.start()

    def _read_output(self) -> None:
        assert self.process.stdout is not None
        with open(self.log_path, "w") as log:
            want_key = False
            for line in self.process.stdout:
                log.write(line)
                if want_key and self.admin_key is None:
                    self.admin_key = line.strip()
                want_key = line.startswith("Admin API key")
                match = re.search(r"embedded Redis at (redis://\S+)", line)
                if match:
                    self.redis_url = match.group(1)
                if self.admin_key and self.redis_url:
                    self._found.set()

    def wait_ready(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"claimtrack up exited:\n{self.log_path.read_text()[-3000:]}")
            if self._found.is_set():
                try:
                    if requests.get(f"{self.base}/readyz", timeout=2).status_code == 200:
                        return
                except requests.RequestException:
                    pass
            time.sleep(0.3)
        raise RuntimeError(f"claimtrack up was not ready:\n{self.log_path.read_text()[-3000:]}")

    def processes(self, word: str) -> list[psutil.Process]:
        """`claimtrack up`'s descendants whose command line has `word` ("worker", "gunicorn")."""
        found = []
        try:
            for child in psutil.Process(self.process.pid).children(recursive=True):
                try:
                    if word in " ".join(child.cmdline()):
                        found.append(child)
                except psutil.Error:
                    pass
        except psutil.Error:
            pass
        return found

    def pss(self, word: str) -> int:
        """Proportional set size of those processes and their children (the worker's pool):
        a page the forked pool shares with its parent counts once in all, where summed RSS
        counted it again in each child as it first touched it (spaCy's model, some 100 MiB,
        in a child that takes its first article late), which looks like growth but is none."""
        total, seen = 0, set()
        for process in self.processes(word):
            for member in [process, *process.children(recursive=True)]:
                if member.pid in seen:
                    continue
                seen.add(member.pid)
                try:
                    total += member.memory_full_info().pss
                except psutil.Error:
                    pass
        return total

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self._reader.join(timeout=10)
        if self.process.stdout is not None:
            self.process.stdout.close()


def reviewer(base: str, secret: str, calls: Calls, stop: threading.Event, seed: int) -> None:
    try:
        rng = random.Random(seed)
        http = requests.Session()
        headers = {"Authorization": f"Bearer {secret}"}
        _review(base, http, headers, calls, stop, rng)
        http.close()
    except BaseException as exc:
        calls.error = exc


def _review(base: str, http: requests.Session, headers: dict, calls: Calls, stop: threading.Event,
            rng: random.Random) -> None:
    """Lease the next claim, think, then verify, flag or dismiss it (one in ten released)."""
    while not stop.is_set():
        answer = calls.call(http, "queue/next", "POST", f"{base}/api/v1/queue/next", json={}, headers=headers)
        if answer is None or answer.status_code != 200:
            stop.wait(1.0)
            continue
        claim = answer.json()
        calls.acknowledged[(claim["id"], "in_review")] += 1
        stop.wait(rng.uniform(0.3, 1.2))  # reading the claim
        choice = rng.random()
        if choice < 0.1:
            kind, method, url, body = "release", "DELETE", f"{base}/api/v1/claims/{claim['id']}/lease", None
            target = "pending"
        else:
            if choice < 0.4:
                body = {"to": "verified", "rating": "true", "note": "The council minutes give the same figure."}
            elif choice < 0.7:
                body = {"to": "flagged", "rating": "false",
                        "explanation": "The statistics office gives a different figure."}
            else:
                body = {"to": "dismissed", "reason": "not_checkworthy"}
            kind, method, url = "transition", "POST", f"{base}/api/v1/claims/{claim['id']}/transitions"
            target = body["to"]
        answer = calls.call(http, kind, method, url, json=body,
                            headers={**headers, "If-Match": f'"{claim["version"]}"'})
        if answer is not None and answer.status_code == 200:
            calls.acknowledged[(claim["id"], target)] += 1


def ingester(base: str, secret: str, calls: Calls, stop: threading.Event, rate: float,
             article_ids: list[str]) -> None:
    """One article every 1/rate seconds, on a fixed schedule (a slow answer does not shift it)."""
    try:
        rng = random.Random(7)
        http = requests.Session()
        headers = {"Authorization": f"Bearer {secret}"}
        started, n = time.monotonic(), 0
        while not stop.is_set():
            body = {"text": article_text(n, rng), "title": f"Council round-up {n}", "published_at": "2026-11-20"}
            answer = calls.call(http, "POST /articles", "POST", f"{base}/api/v1/articles", json=body, headers=headers)
            if answer is not None and answer.status_code in (200, 202):
                article_ids.append(answer.json()["id"])
            n += 1
            stop.wait(max(0.0, started + n / rate - time.monotonic()))
        http.close()
    except BaseException as exc:
        calls.error = exc


def percentiles(values: list[float]) -> dict:
    if not values:
        return {"count": 0}
    ordered = sorted(values)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    return {"count": len(values), "p50": at(0.5), "p95": at(0.95), "p99": at(0.99), "max": ordered[-1] * 1000,
            "mean": statistics.fmean(values) * 1000}


def run_soak(seconds: float, directory: Path, *, reviewers: int = 20, rate: float = 1.0, workers: int = 2,
             web_workers: int = 2, drain_timeout: float = 180, log=print) -> SoakResult:
    env = {"CLAIMTRACK_WEBHOOK_ALLOW_PRIVATE": "1", "CLAIMTRACK_RATE_ARTICLES_PER_MINUTE": "120",
           "CLAIMTRACK_LOG_LEVEL": "WARNING", "CLAIMTRACK_WEBHOOK_TIMEOUT": "5"}
    service = Service(directory, workers=workers, web_workers=web_workers, env=env)
    receiver = Receiver()
    result = SoakResult(seconds=seconds)
    try:
        service.wait_ready()
        assert service.redis_url and service.admin_key
        base = service.base
        admin = {"Authorization": f"Bearer {service.admin_key}"}
        http = requests.Session()

        def make_key(role: str, name: str) -> tuple[str, str]:
            answer = http.post(f"{base}/api/v1/keys", json={"role": role, "name": name}, headers=admin, timeout=10)
            answer.raise_for_status()
            return answer.json()["id"], answer.json()["secret"]

        _ingest_id, ingest_secret = make_key("ingest", "soak wire feed")
        reviewer_keys = [make_key("reviewer", f"soak reviewer {n}") for n in range(reviewers)]
        hook = http.post(f"{base}/api/v1/webhooks", headers=admin, timeout=10,
                         json={"url": receiver.url("/soak"), "events": list(SUBSCRIBABLE),
                               "description": "soak receiver"})
        hook.raise_for_status()
        receiver.secrets["/soak"] = [hook.json()["secret"]]
        client = redis.Redis.from_url(service.redis_url, decode_responses=True)
        first_event = client.xrevrange(KEYS.events, count=1)
        events_from = first_event[0][0] if first_event else "0-0"

        stop_ingest, stop_review, stop_sampling = threading.Event(), threading.Event(), threading.Event()
        article_ids: list[str] = []
        ingest_calls = Calls()
        reviewer_calls = [Calls() for _ in reviewer_keys]
        started = time.monotonic()

        def sample() -> None:
            while True:
                result.samples.append(Sample(time.monotonic() - started, int(client.info("memory")["used_memory"]),
                                             service.pss("workers.celery_app worker"), service.pss("gunicorn")))
                if stop_sampling.wait(SAMPLE_SECONDS):
                    return

        threads = [threading.Thread(target=sample, daemon=True),
                   threading.Thread(target=ingester, args=(base, ingest_secret, ingest_calls, stop_ingest, rate,
                                                           article_ids), daemon=True)]
        threads += [threading.Thread(target=reviewer, args=(base, secret, calls, stop_review, n), daemon=True)
                    for n, ((_key_id, secret), calls) in enumerate(zip(reviewer_keys, reviewer_calls, strict=True))]
        for thread in threads:
            thread.start()
        log(f"soak: {seconds:.0f} s, {rate:g} article/s, {reviewers} reviewers, service at {base} "
            f"(log {service.log_path})")
        stop_review.wait(seconds)
        stop_ingest.set()
        stop_review.set()
        for thread in threads[1:]:
            thread.join(timeout=60)
        result.client_failures = [repr(c.error) for c in [ingest_calls, *reviewer_calls] if c.error]

        # Drain: every article extracted, every event delivered.
        drain_started = time.monotonic()
        deadline = drain_started + drain_timeout
        while True:
            statuses = {a: client.hget(KEYS.article(a), "status") or "missing" for a in article_ids}
            if all(s in ("done", "failed") for s in statuses.values()) or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        result.articles = statuses

        def outbox() -> list[str]:
            return [f"msg_{entry_id}" for entry_id, fields in client.xrange(KEYS.events, min=f"({events_from}")
                    if fields["type"] in SUBSCRIBABLE]

        # Events go on after the load stops (beat returns expired leases), so the outbox is read
        # again once what it held is delivered, until a read adds nothing.
        expected: list[str] = []
        while True:
            seen = outbox()
            try:
                receiver.wait_until(lambda wanted=set(seen): {r.msg_id for r in receiver.delivered("/soak")} >= wanted,
                                    timeout=max(1.0, deadline - time.monotonic()), what="every event delivered")
            except AssertionError:
                expected = seen
                break
            if seen == expected or time.monotonic() > deadline:
                expected = seen
                break
            expected = seen
        result.drain_seconds = time.monotonic() - drain_started
        stop_sampling.set()
        threads[0].join(timeout=30)
        result.samples.append(Sample(time.monotonic() - started, int(client.info("memory")["used_memory"]),
                                     service.pss("workers.celery_app worker"), service.pss("gunicorn")))

        # Events: once per webhook-id, each verified.
        delivered = receiver.delivered("/soak")
        counts = Counter(r.msg_id for r in delivered)
        result.events_expected = len(expected)
        # Of the outbox as last read: a later event may be delivered too, and is not counted.
        result.events_delivered = len(set(counts) & set(expected))
        result.events_unknown = len(set(counts) - set(outbox()))
        result.events_missing = len(set(expected) - set(counts))
        result.events_duplicated = sum(n - 1 for n in counts.values())
        result.events_unverified = sum(1 for r in delivered if not r.verified_with)

        # Claims: state, history, events and indexes agree; every 200 is in a history once.
        claim_ids = sorted(client.zrange(KEYS.claims, 0, -1))
        result.claims = len(claim_ids)
        key_ids = [key_id for key_id, _secret in reviewer_keys]
        try:
            histories = check_claims_consistent(client, claim_ids, key_ids)
        except AssertionError as exc:
            result.consistency_error = str(exc)[:500]
            histories = {}
        acknowledged = sum((c.acknowledged for c in reviewer_calls), Counter())
        in_histories: Counter = Counter()
        for claim_id, history in histories.items():
            for entry in history:
                actor = entry.get("actor")
                if isinstance(actor, dict) and actor.get("key_id") in key_ids:
                    in_histories[(claim_id, entry["to"])] += 1
        result.transitions_acknowledged = sum(acknowledged.values())
        result.transitions_in_histories = sum(in_histories.values())
        if histories and acknowledged != in_histories:
            differ = {k: (acknowledged[k], in_histories[k]) for k in set(acknowledged) | set(in_histories)
                      if acknowledged[k] != in_histories[k]}
            result.consistency_error = (result.consistency_error or "") + f" acknowledged vs history: {differ}"

        # Latency and errors per kind of call.
        records = [r for c in [ingest_calls, *reviewer_calls] for r in c.records]
        for kind in sorted({k for k, _s, _t in records}):
            result.latency[kind] = percentiles([t for k, _s, t in records if k == kind])
            result.latency[kind]["codes"] = dict(Counter(s for k, s, _t in records if k == kind))
        result.errors = Counter((k, s) for k, s, _t in records if not (200 <= s < 300))
        http.close()
        client.close()
        return result
    finally:
        receiver.close()
        service.stop()


def warm_samples(result: SoakResult) -> list[Sample]:
    """Samples from 20 s on: by then each pool process has extracted an article (loading spaCy)."""
    return [s for s in result.samples if s.at >= 2 * SAMPLE_SECONDS - 1]


def mib(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MiB"


def report(result: SoakResult) -> str:
    lines = []
    done = sum(1 for s in result.articles.values() if s == "done")
    lines.append(f"{'check':<48} {'result'}")
    lines.append("-" * 100)
    lines.append(f"{'articles submitted / done':<48} {len(result.articles)} / {done}"
                 + (f"  (not done: {dict(Counter(result.articles_not_done.values()))})"
                    if result.articles_not_done else ""))
    lines.append(f"{'claims extracted':<48} {result.claims}")
    lines.append(f"{'transitions answered 200 / in histories':<48} {result.transitions_acknowledged} / "
                 f"{result.transitions_in_histories}")
    lines.append(f"{'claim state, history, events, indexes agree':<48} "
                 f"{'yes' if not result.consistency_error else 'NO: ' + result.consistency_error}")
    lines.append(f"{'events in outbox / delivered (distinct ids)':<48} {result.events_expected} / "
                 f"{result.events_delivered}  missing {result.events_missing}, duplicated "
                 f"{result.events_duplicated}, unverified {result.events_unverified}, "
                 f"never in the outbox {result.events_unknown}")
    lines.append(f"{'drain after load stopped':<48} {result.drain_seconds:.1f} s")
    if result.samples:
        first, last = result.samples[0], result.samples[-1]
        for name, attr in (("Redis used_memory", "redis_used_memory"), ("worker PSS (main + pool)", "worker_pss"),
                           ("web PSS (gunicorn master + workers)", "web_pss")):
            values = [getattr(s, attr) for s in result.samples]
            lines.append(f"{name + ' first / last / max':<48} {mib(getattr(first, attr))} / "
                         f"{mib(getattr(last, attr))} / {mib(max(values))}  ({len(values)} samples)")
        if result.articles:
            grown = last.redis_used_memory - first.redis_used_memory
            lines.append(f"{'Redis growth per article (its claims, events, deliveries)':<48} "
                         f"{grown / len(result.articles) / 1024:.1f} KiB")
        warm = warm_samples(result)
        if warm:
            lines.append(f"{'worker PSS from 20 s (pool warm) to the end':<48} {mib(warm[0].worker_pss)} -> "
                         f"{mib(warm[-1].worker_pss)} ({(warm[-1].worker_pss / warm[0].worker_pss - 1) * 100:+.1f} %)")
        per_sample = "  ".join(f"{s.at:.0f}s:{s.redis_used_memory / 1048576:.1f}/{s.worker_pss / 1048576:.0f}"
                               for s in result.samples)
        lines.append(f"{'samples (s: Redis MiB / worker MiB)':<48} {per_sample}")
    lines.append("")
    lines.append(f"{'call':<16} {'count':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}  codes")
    lines.append("-" * 100)
    for kind, stats in result.latency.items():
        lines.append(f"{kind:<16} {stats['count']:>7} {stats['p50']:>8.1f} {stats['p95']:>8.1f} "
                     f"{stats['p99']:>8.1f} {stats['max']:>8.1f}  {stats['codes']}")
    lines.append("")
    problems = result.problems()
    lines.append("every check held" if not problems else "PROBLEMS:\n  " + "\n  ".join(problems))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--reviewers", type=int, default=20)
    parser.add_argument("--rate", type=float, default=1.0, help="articles a second")
    parser.add_argument("--workers", type=int, default=2, help="Celery concurrency (claimtrack up --workers)")
    parser.add_argument("--web-workers", type=int, default=2, help="gunicorn workers")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="claimtrack-soak-") as directory:
        result = run_soak(args.seconds, Path(directory), reviewers=args.reviewers, rate=args.rate,
                          workers=args.workers, web_workers=args.web_workers)
        print(report(result), flush=True)
    return 1 if result.problems() else 0


if __name__ == "__main__":
    sys.exit(main())
