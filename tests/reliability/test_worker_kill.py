"""A Celery worker SIGKILLed mid-extraction (pool and all, like a lost machine): the task was
acknowledged late, so its message waits in the broker's unacked set; once the visibility timeout
has passed a new worker takes it again, and the article ends `done` once, with one set of claims
and one `article.processed` event."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
import redis
import requests

from service.app import create_app
from service.auth import create_key
from service.claims import Role
from service.config import Settings
from service.redis import connect
from service.store import KEYS, Store
from tests.helpers import serving, start_celery_worker

REPO = Path(__file__).resolve().parents[2]
# A message taken by a worker that died comes back once it is older than this. The time limits
# follow from it (hard 25 s, soft 15 s): the smallest accepted, 30, leaves a soft limit of 5 s,
# which a loaded 2-core machine can reach while extracting this article.
VISIBILITY_TIMEOUT = 40
# Where kombu's Redis transport keeps messages delivered to a worker but not yet acknowledged.
UNACKED_INDEX = "unacked_index"

TOWNS = ["Harrowgate", "Millbrook", "Eastmere", "Coldwater", "Pinecrest", "Ravensford",
         "Stonebridge", "Wexley"]


def long_article(paragraphs: int = 60) -> str:
    """A long local-news article about tram lines, written for this test (about 20 KB)."""
    parts = []
    for n in range(paragraphs):
        town = TOWNS[n % len(TOWNS)]
        parts.append(
            f"The town council of {town} voted on Monday to spend {12 + n} million euros on a new "
            f"tram line. Mayor Elena Varga said the line would carry {3000 + 17 * n} passengers a day "
            f"by 2027. Bus ridership in {town} fell by {n % 9 + 2} percent last year, according to the "
            f"regional transport office. Critics argued that the project would delay repairs to "
            f"{40 + n} kilometres of roads.")
    return "\n\n".join(parts)


def start_worker(redis_url: str, directory: Path, name: str) -> tuple[subprocess.Popen, Path]:
    """A `celery worker` on `redis_url`, in its own process group (so that SIGKILL takes its
    pool too); returns once it consumes."""
    directory.mkdir(parents=True, exist_ok=True)
    log_path = directory / f"{name}.log"
    env = {"CLAIMTRACK_REDIS_URL": redis_url, "CLAIMTRACK_LOG_LEVEL": "INFO",
           "CLAIMTRACK_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT)}
    process = start_celery_worker(env, log_path, "--concurrency", "1", "-Q", "extraction,maintenance",
                                  name=name, timeout=60)
    return process, log_path


def kill_group(process: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        pass
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def events_for(client: redis.Redis, article_id: str) -> list[tuple[str, dict]]:
    """(type, data) of every outbox event about the article or one of its claims."""
    found = []
    for _entry_id, fields in client.xrange(KEYS.events):
        data = json.loads(fields["body"])["data"]
        if data.get("article_id") == article_id:
            found.append((fields["type"], data))
    return found



@pytest.mark.timeout(120)
def test_a_worker_killed_mid_extraction_leaves_the_article_to_its_successor_once(own_redis, tmp_path):
    _own_redis_process, redis_url = own_redis
    settings = Settings(redis_url=redis_url, data_dir=tmp_path / "data")
    store = Store(connect(redis_url))
    client = store.redis
    _record, secret = create_key(store, role=Role.INGEST, name="wire desk")
    headers = {"Authorization": f"Bearer {secret}"}
    text = long_article()
    workers: list[subprocess.Popen] = []
    try:
        first, first_log = start_worker(redis_url, tmp_path / "workers", "first")
        workers.append(first)
        with serving(create_app(settings)) as base:  # sends the real extraction task
            answer = requests.post(f"{base}/api/v1/articles", json={"text": text, "published_at": "2025-03-10"},
                                   headers=headers, timeout=10)
            assert answer.status_code == 202, answer.text
            article_id = answer.json()["id"]

            deadline = time.monotonic() + 30
            while client.hget(KEYS.article(article_id), "status") != "processing":
                assert time.monotonic() < deadline, store.get_article(article_id)
                time.sleep(0.005)
            kill_group(first)

            # Killed mid-extraction: nothing stored yet, the message never acknowledged.
            assert store.get_article(article_id)["status"] == "processing", first_log.read_text()[-2000:]
            assert client.zcard(KEYS.article_claims(article_id)) == 0
            assert events_for(client, article_id) == []
            [(_tag, delivered_at)] = client.zrange(UNACKED_INDEX, 0, -1, withscores=True)

            # kombu gives a message back once it is older than the visibility timeout, when a
            # worker's transport sweeps its unacked set: at start, then only every ~100 s (its
            # default restore interval × throttle). Start the successor once the message is due,
            # so that its first sweep takes it back.
            time.sleep(max(0.0, delivered_at + VISIBILITY_TIMEOUT + 0.5 - time.time()))
            second, second_log = start_worker(redis_url, tmp_path / "workers", "second")
            workers.append(second)

            deadline = time.monotonic() + 40
            while (article := store.get_article(article_id))["status"] not in ("done", "failed"):
                assert time.monotonic() < deadline, (article, second_log.read_text()[-3000:])
                time.sleep(0.1)
            assert article["status"] == "done", (article, second_log.read_text()[-3000:])
            # The broker forgot the message once the successor ran it.
            deadline = time.monotonic() + 10
            while client.zcard(UNACKED_INDEX):
                assert time.monotonic() < deadline, client.zrange(UNACKED_INDEX, 0, -1)
                time.sleep(0.1)
    finally:
        for worker in workers:
            kill_group(worker, signal.SIGTERM)

    # Exactly one set of claims: as many as the article counts, each id once, nothing else stored.
    stored = store.article_claims(article_id)
    ids = [c["id"] for c in stored]
    assert article["claim_count"] >= 100 and len(ids) == article["claim_count"] == len(set(ids))
    assert sorted(client.zrange(KEYS.claims, 0, -1)) == sorted(ids)
    assert sorted(client.zrange(KEYS.status("pending"), 0, -1)) == sorted(ids)
    assert all(c["status"] == "pending" and c["version"] == 1 and not c["retracted"] for c in stored)
    texts = [c["text"] for c in stored]
    assert len(texts) == len(set(texts))
    # Exactly one article.processed event, naming those claims, one claim.created per claim, no failure.
    events = events_for(client, article_id)
    processed = [data for kind, data in events if kind == "article.processed"]
    assert len(processed) == 1, processed
    assert sorted(processed[0]["claim_ids"]) == sorted(ids)
    created = [data["claim_id"] for kind, data in events if kind == "claim.created"]
    assert sorted(created) == sorted(ids)
    assert {kind for kind, _ in events} == {"article.processed", "claim.created"}
    # The successor started the extraction over (a second started_at), the first never finished it.
    assert "succeeded" not in first_log.read_text()
    assert "succeeded" in second_log.read_text()
