"""A real webhook receiver on loopback that verifies every request, and a webhooks-only worker."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from standardwebhooks import Webhook, WebhookVerificationError

from tests.helpers import start_celery_worker

REPO = Path(__file__).resolve().parents[2]


@dataclass
class Received:
    path: str
    msg_id: str
    timestamp: str
    body: bytes
    headers: dict
    status: int                      # what the receiver answered
    verified_with: list[str] = field(default_factory=list)  # secrets that verified it

    @property
    def payload(self) -> dict:
        return json.loads(self.body)


# A behaviour answers one request: (status, headers, body), or None when it wrote the answer itself.
Behaviour = Callable[[BaseHTTPRequestHandler, int], "tuple[int, dict, bytes] | None"]


def ok(_handler, _n):
    return 200, {}, b"ok"


def fail_first(count: int, status: int = 500, headers: dict | None = None) -> Behaviour:
    def behave(_handler, n):
        return (status, headers or {}, b"not now") if n < count else (200, {}, b"ok")
    return behave


def always(status: int, headers: dict | None = None) -> Behaviour:
    return lambda _handler, _n: (status, headers or {}, b"")


def hang(release: threading.Event) -> Behaviour:
    def behave(_handler, _n):
        release.wait(30)
        return 200, {}, b"late"
    return behave


def garbage(handler, _n):
    handler.wfile.write(b"\x00\xffthis is not HTTP at all\r\n\r\n")
    handler.close_connection = True
    return None


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def handle_error(self, request, client_address):
        pass  # a worker that gave up on a hanging request closed the socket first


class Receiver:
    """Answers POSTs per path with a scripted behaviour; records every request, verified
    against the secrets the test registered for that path (as a real receiver would: on arrival)."""

    def __init__(self, port: int = 0):
        self.requests: list[Received] = []
        self.behaviours: dict[str, Behaviour] = {}
        self.secrets: dict[str, list[str]] = {}
        self._counts: dict[str, int] = {}
        self._changed = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                with receiver._changed:
                    n = receiver._counts.get(self.path, 0)
                    receiver._counts[self.path] = n + 1
                behaviour = receiver.behaviours.get(self.path, ok)
                answer = behaviour(self, n)
                headers = {k.lower(): v for k, v in self.headers.items()}
                verified = []
                for secret in receiver.secrets.get(self.path, []):
                    try:
                        Webhook(secret).verify(body, headers)
                        verified.append(secret)
                    except WebhookVerificationError:
                        pass
                status = answer[0] if answer is not None else 0
                # Recorded before answering: a sender that went away meanwhile (a killed
                # worker) makes the write fail, but the receiver did take the request.
                with receiver._changed:
                    receiver.requests.append(Received(
                        self.path, headers.get("webhook-id", ""), headers.get("webhook-timestamp", ""),
                        body, headers, status, verified))
                    receiver._changed.notify_all()
                if answer is not None:
                    _status, extra, content = answer
                    self.send_response(status)
                    for name, value in extra.items():
                        self.send_header(name, value)
                    self.send_header("content-length", str(len(content)))
                    self.end_headers()
                    self.wfile.write(content)

            def log_message(self, *_args):
                pass

        self.server = _QuietServer(("127.0.0.1", port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_port}{path}"

    def at(self, path: str) -> list[Received]:
        with self._changed:
            return [r for r in self.requests if r.path == path]

    def delivered(self, path: str) -> list[Received]:
        """Requests at `path` the receiver accepted (2xx), in arrival order."""
        return [r for r in self.at(path) if 200 <= r.status < 300]

    def wait_until(self, condition: Callable[[], bool], *, timeout: float = 60, what: str = "") -> None:
        deadline = time.monotonic() + timeout
        with self._changed:
            while not condition():
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"gave up waiting for {what or condition}")
                self._changed.wait(min(left, 0.5))

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def wait_for(condition: Callable[[], bool], *, timeout: float = 60, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what or condition}")
        time.sleep(0.1)


def start_webhook_worker(redis_url: str, directory: Path, *, schedule: str, timeout: int = 2,
                         name: str = "webhooks") -> subprocess.Popen:
    """A `celery worker -Q webhooks` with its own beat, in its own process group (so a test can
    kill it, pool and all, like a lost machine). Returns once it consumes."""
    directory.mkdir(parents=True, exist_ok=True)
    log_path = directory / f"{name}.log"
    env = {"CLAIMTRACK_REDIS_URL": redis_url, "CLAIMTRACK_LOG_LEVEL": "INFO",
           "CLAIMTRACK_WEBHOOK_ALLOW_PRIVATE": "1", "CLAIMTRACK_WEBHOOK_RETRY_SCHEDULE": schedule,
           "CLAIMTRACK_WEBHOOK_TIMEOUT": str(timeout)}
    process = start_celery_worker(env, log_path, "-Q", "webhooks", "--concurrency", "2", "-B",
                                  "--schedule", str(directory / f"{name}.beat"), name=name)
    return process


def kill_worker(process: subprocess.Popen) -> None:
    """SIGKILL the worker's whole process group: no goodbye, no acknowledgement."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(timeout=30)


def stop_worker(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        kill_worker(process)
