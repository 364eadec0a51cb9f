"""Rate limits hold across web processes: two gunicorn servers (two workers each) on one Redis
share one quota per API key."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from service.auth import create_key
from service.claims import Role
from service.redis import free_port

REPO = Path(__file__).resolve().parents[2]


def gunicorn(redis_url: str, port: int, limit: int) -> subprocess.Popen:
    env = {**os.environ, "CLAIMTRACK_REDIS_URL": redis_url, "CLAIMTRACK_LOG_LEVEL": "WARNING",
           "CLAIMTRACK_RATE_REQUESTS_PER_MINUTE": str(limit)}
    return subprocess.Popen([sys.executable, "-m", "gunicorn", "service.wsgi:app", "--bind",
                             f"127.0.0.1:{port}", "--workers", "2", "--no-control-socket"],
                            cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_until_up(base: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except requests.RequestException:  # not listening yet, or still importing
            time.sleep(0.2)
    raise RuntimeError(f"{base} did not start")


@pytest.mark.timeout(90)
def test_two_servers_share_each_keys_request_quota(redis_url, store):
    limit = 40
    ports = [free_port(), free_port()]
    servers = [gunicorn(redis_url, port, limit) for port in ports]
    try:
        bases = [f"http://127.0.0.1:{port}" for port in ports]
        for base in bases:
            wait_until_up(base)
        headers = {"Authorization": f"Bearer {create_key(store, role=Role.REVIEWER, name='flood')[1]}"}
        session = requests.Session()
        codes = [session.get(f"{bases[n % 2]}/api/v1/claims", headers=headers, timeout=10).status_code
                 for n in range(2 * limit)]
        # The quota refills at limit/60 a second: a few more may pass while the flood runs.
        assert limit <= codes.count(200) <= limit + 5, codes
        assert codes.count(429) >= limit - 5 and set(codes) <= {200, 429}
        refused = session.get(f"{bases[1]}/api/v1/claims", headers=headers, timeout=10)
        assert refused.status_code == 429 and refused.json()["code"] == 429
        assert int(refused.headers["Retry-After"]) >= 1
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)
