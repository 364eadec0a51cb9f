"""A hung Redis (process stopped, its sockets open but silent): every answer stays bounded and
in the JSON error shape, and the service heals by itself once Redis answers again."""
from __future__ import annotations

import os
import signal
import time

import pytest
import requests

from service.app import create_app
from service.auth import create_key
from service.claims import Role
from service.config import Settings
from service.redis import connect
from service.store import Store
from tests.helpers import serving


def timed_get(url: str, **kwargs) -> tuple[requests.Response, float]:
    started = time.monotonic()
    answer = requests.get(url, timeout=30, **kwargs)
    return answer, time.monotonic() - started


@pytest.mark.timeout(90)
def test_a_hung_redis_answers_json_503_quickly_and_heals_by_itself(own_redis, tmp_path):
    process, redis_url = own_redis
    settings = Settings(redis_url=redis_url, data_dir=tmp_path / "data")
    store = Store(connect(redis_url))
    _record, secret = create_key(store, role=Role.REVIEWER, name="night desk")
    headers = {"Authorization": f"Bearer {secret}"}
    app = create_app(settings, enqueue_extraction=lambda article_id: None)
    store.mark_worker_seen("test-worker")  # a worker of this run (readiness ignores older stamps)
    with serving(app) as base:
        assert requests.get(f"{base}/api/v1/stats", headers=headers, timeout=10).status_code == 200
        os.kill(process.pid, signal.SIGSTOP)

        liveness, took = timed_get(f"{base}/healthz")
        assert liveness.status_code == 200 and took < 1

        readiness, took = timed_get(f"{base}/readyz")
        assert readiness.status_code == 503 and took < 2
        assert readiness.json()["status"] == "not ready"

        for path in ("/api/v1/stats", "/api/v1/claims", "/metrics"):
            answer, took = timed_get(f"{base}{path}", headers=headers)
            assert answer.status_code == 503, (path, answer.status_code, answer.text[:200])
            assert took < 5, (path, took)
            body = answer.json()
            assert body["code"] == 503 and body["message"] and answer.headers["Retry-After"]

        os.kill(process.pid, signal.SIGCONT)
        # The same web process serves again: no restart, no manual step.
        deadline = time.monotonic() + 10
        while (answer := requests.get(f"{base}/api/v1/stats", headers=headers, timeout=10)).status_code != 200:
            assert time.monotonic() < deadline, answer.text
            time.sleep(0.2)
        store.mark_worker_seen("test-worker")  # its next heartbeat, now that Redis answers again
        assert requests.get(f"{base}/readyz", timeout=10).status_code == 200
