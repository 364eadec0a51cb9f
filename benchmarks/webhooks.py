"""Webhook delivery benchmark (run by hand; prints to stdout).

One Celery worker (`-Q webhooks`, with its beat), a local receiver that verifies every request
with the `standardwebhooks` library, and a fresh redis-server with AOF, as in production:

(a) burst: N claim.created events written in one atomic step (an extraction run of N
    claims), delivered to one endpoint: deliveries/second from the change to the last 2xx;
(b) steady: N claim changes made through the real API (gunicorn) at R per second, each
    delivered to one endpoint: p50/p99 from the change (the event's timestamp, taken in the
    same atomic step) to the receiver answering 2xx.

    .venv/bin/python benchmarks/webhooks.py [--events 10000] [--rate 100] [--concurrency 2]
                                            [--skip-burst] [--skip-steady]
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import requests
from standardwebhooks import Webhook

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


class Receiver:
    """Verifies each request and notes when it answered 2xx to each webhook-id (first time)."""

    def __init__(self):
        self.secret: str | None = None
        self.answered: dict[str, float] = {}
        self.timestamps: dict[str, str] = {}
        self.failures = 0
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                try:
                    payload = Webhook(receiver.secret).verify(body, dict(self.headers))
                    status = 204
                except Exception:
                    payload, status = None, 400
                self.send_response(status)
                self.send_header("content-length", "0")
                self.end_headers()
                answered_at = time.time()
                with receiver.lock:
                    if payload is None:
                        receiver.failures += 1
                    else:
                        msg_id = self.headers["webhook-id"]
                        receiver.answered.setdefault(msg_id, answered_at)
                        receiver.timestamps.setdefault(msg_id, payload["timestamp"])

            def log_message(self, *_args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/hook"

    def count(self) -> int:
        with self.lock:
            return len(self.answered)


def _parse(stamp: str) -> float:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def _wait_for(receiver: Receiver, count: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while receiver.count() < count:
        if time.monotonic() > deadline:
            raise RuntimeError(f"only {receiver.count()} of {count} events arrived in {timeout:.0f} s")
        time.sleep(0.05)


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.ConnectionError:
        return False


class Stack:
    """redis-server (AOF), gunicorn, one webhooks worker with beat, and a receiver."""

    def __init__(self, data_dir: Path, *, concurrency: int, web: bool):
        from service.redis import EmbeddedRedis, free_port

        self.redis_server = EmbeddedRedis(data_dir)
        self.url = self.redis_server.start()
        env = {**os.environ, "CLAIMTRACK_REDIS_URL": self.url, "CLAIMTRACK_LOG_LEVEL": "WARNING",
               "CLAIMTRACK_WEBHOOK_ALLOW_PRIVATE": "1"}
        self.processes = []
        self.api = None
        if web:
            port = free_port()
            self.processes.append(subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "service.wsgi:app", "--bind", f"127.0.0.1:{port}",
                 "--workers", "2", "--no-control-socket"], env=env, cwd=REPO,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            self.api = f"http://127.0.0.1:{port}"
        self.processes.append(subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "workers.celery_app", "worker", "-Q", "webhooks",
             "--concurrency", str(concurrency), "-B", "--schedule", str(data_dir / "beat"),
             "--loglevel", "WARNING"], env=env, cwd=REPO,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        from service.redis import connect
        from service.store import Store, WebhookStore

        self.store = Store(connect(self.url))
        self.webhooks = WebhookStore(self.store.redis)
        deadline = time.monotonic() + 60
        while self.store.worker_seen() is None or (self.api and not _answers(f"{self.api}/healthz")):
            if time.monotonic() > deadline:
                raise RuntimeError("the stack did not start")
            time.sleep(0.2)
        self.receiver = Receiver()

    def subscribe(self, events: list[str]) -> None:
        from service.subscriptions import create_webhook

        made = create_webhook(self.webhooks, url=self.receiver.url, events=events, description="bench",
                              secret=None, allow_private=True)
        self.receiver.secret = made["secret"]

    def article(self) -> str:
        from service.articles import submit_article

        _created, article = submit_article(self.store, {"text": f"bench {time.time_ns()}"},
                                           max_bytes=10**6, submitted_by="bench")
        return article["id"]

    def close(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        self.receiver.server.shutdown()
        self.redis_server.stop()


def bench_burst(count: int, concurrency: int) -> None:
    from service.config import Settings
    from service.tasks import TaskName, TaskSender
    from tests.helpers import make_claims

    with tempfile.TemporaryDirectory() as data_dir:
        stack = Stack(Path(data_dir), concurrency=concurrency, web=False)
        try:
            stack.subscribe(["claim.created"])
            article_id = stack.article()
            claims = [(f"Harbour {n} handled {n * 7 % 997} ships in {1900 + n % 120}.", 0.5)
                      for n in range(count)]
            started = time.time()
            make_claims(stack.store, article_id, claims)  # one atomic step: N claims, N events
            written = time.time()
            # As the extraction task does after storing claims.
            if stack.webhooks.request_dispatch():
                TaskSender(Settings(redis_url=stack.url)).send(TaskName.DISPATCH_WEBHOOKS)
            _wait_for(stack.receiver, count, timeout=600)
            finished = max(stack.receiver.answered.values())
            print(f"(a) burst: {count} claim.created events from one extraction run "
                  f"(written in {written - started:.2f} s), one endpoint, one worker "
                  f"(concurrency {concurrency})")
            print(f"    delivered and verified: {stack.receiver.count()} in {finished - written:.1f} s "
                  f"→ {count / (finished - written):.0f} deliveries/s; signature failures: "
                  f"{stack.receiver.failures}")
        finally:
            stack.close()


def bench_steady(count: int, rate: float, concurrency: int) -> None:
    from service.auth import create_key
    from service.claims import Role
    from tests.helpers import make_claims

    with tempfile.TemporaryDirectory() as data_dir:
        stack = Stack(Path(data_dir), concurrency=concurrency, web=True)
        try:
            article_id = stack.article()
            ids = make_claims(stack.store, article_id,
                              [(f"District {n} opened {n % 40 + 2} clinics in {2000 + n % 24}.", 0.5)
                               for n in range(count)])
            stack.subscribe(["claim.status_changed"])
            _record, secret = create_key(stack.store, role=Role.REVIEWER, name="bench")
            session = requests.Session()
            headers = {"Authorization": f"Bearer {secret}", "If-Match": '"1"'}
            started = time.monotonic()
            late = 0
            for n, claim_id in enumerate(ids):
                delay = started + n / rate - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                else:
                    late += 1
                answer = session.post(f"{stack.api}/api/v1/claims/{claim_id}/transitions",
                                      json={"to": "dismissed", "reason": "not_checkworthy"},
                                      headers=headers, timeout=30)
                answer.raise_for_status()
            sent = time.monotonic() - started
            _wait_for(stack.receiver, count, timeout=300)
            latencies = [(stack.receiver.answered[m] - _parse(stack.receiver.timestamps[m])) * 1000
                         for m in stack.receiver.answered]
            print(f"(b) steady: {count} claim changes through the API at {count / sent:.1f}/s "
                  f"(target {rate:g}/s; {late} requests behind schedule), one endpoint, one worker "
                  f"(concurrency {concurrency})")
            print(f"    change → receiver's 2xx: p50 {statistics.median(latencies):.0f} ms, "
                  f"p99 {_percentile(latencies, 0.99):.0f} ms, max {max(latencies):.0f} ms; "
                  f"signature failures: {stack.receiver.failures}")
        finally:
            stack.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--skip-burst", action="store_true")
    parser.add_argument("--skip-steady", action="store_true")
    args = parser.parse_args()
    if not args.skip_burst:
        bench_burst(args.events, args.concurrency)
    if not args.skip_steady:
        bench_steady(args.events, args.rate, args.concurrency)


if __name__ == "__main__":
    main()
