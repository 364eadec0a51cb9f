"""Rate limits hold across web processes: two gunicorn servers (two workers each) on one Redis
share one quota per API key."""
from __future__ import annotations

from pathlib import Path

import pytest
import requests

from service.auth import create_key
from service.claims import Role
from tests.helpers import gunicorn

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.timeout(90)
def test_two_servers_share_each_keys_request_quota(redis_url, store):
    limit = 40
    env = {"CLAIMTRACK_REDIS_URL": redis_url, "CLAIMTRACK_LOG_LEVEL": "WARNING",
           "CLAIMTRACK_RATE_REQUESTS_PER_MINUTE": str(limit)}
    with gunicorn(env, workers=2) as first, gunicorn(env, workers=2) as second:
        bases = [first, second]
        headers = {"Authorization": f"Bearer {create_key(store, role=Role.REVIEWER, name='flood')[1]}"}
        session = requests.Session()
        codes = [session.get(f"{bases[n % 2]}/api/v1/claims", headers=headers, timeout=10).status_code
                 for n in range(2 * limit)]
        # The quota refills at limit/60 a second: a few more may pass while the flood runs.
        assert limit <= codes.count(200) <= limit + 5, codes
        assert codes.count(429) >= limit - 5 and set(codes) <= {200, 429}
        # One more may pass if the flood took longer than a refill (1.5 s), never two in a row.
        answers = [session.get(f"{bases[1]}/api/v1/claims", headers=headers, timeout=10) for _ in range(2)]
        refused = next(answer for answer in answers if answer.status_code == 429)
        assert refused.json()["code"] == 429
        assert int(refused.headers["Retry-After"]) >= 1
