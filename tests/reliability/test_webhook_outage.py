"""A webhook receiver down for longer than the whole (shrunk) retry schedule: the endpoint is
disabled; the receiver comes back, an admin re-enables it, and every event arrives exactly once
per `webhook-id`, in outbox order, each claim's versions in order."""
from __future__ import annotations

import json
from collections import Counter

import pytest
import requests

from service.app import create_app
from service.auth import create_key
from service.claims import Role
from service.config import Settings
from service.redis import connect, free_port
from service.store import KEYS, Store
from tests.helpers import make_claims, serving
from tests.integration.webhook_receiver import Receiver, start_webhook_worker, stop_worker, wait_for

# Four attempts about a second apart, then the endpoint is disabled.
SCHEDULE = (1, 1, 1)
EVENTS = ("claim.created", "claim.status_changed")



class Api:
    def __init__(self, base: str, headers: dict):
        self.base, self.headers, self.http = base, headers, requests.Session()

    def call(self, method: str, path: str, role: str = "admin", expect=(200, 201, 202), **kwargs):
        extra = kwargs.pop("headers", {})
        answer = self.http.request(method, f"{self.base}/api/v1{path}", timeout=10,
                                   headers={**self.headers[role], **extra}, **kwargs)
        assert answer.status_code in expect, (method, path, answer.status_code, answer.text)
        return answer.json() if answer.content else None

    def transition(self, claim: dict, **body) -> dict:
        return self.call("POST", f"/claims/{claim['id']}/transitions", role="reviewer", json=body,
                         headers={"If-Match": f'"{claim["version"]}"'})


@pytest.mark.timeout(90)
def test_an_endpoint_disabled_by_a_long_outage_gets_every_event_once_when_re_enabled(own_redis, tmp_path):
    _own_redis_process, redis_url = own_redis
    settings = Settings(redis_url=redis_url, data_dir=tmp_path / "data", webhook_allow_private=True,
                        webhook_timeout=2, webhook_retry_schedule=SCHEDULE)
    store = Store(connect(redis_url))
    headers = {}
    for role in (Role.ADMIN, Role.INGEST, Role.REVIEWER):
        _record, secret = create_key(store, role=role, name=f"{role.value} desk")
        headers[role.value] = {"Authorization": f"Bearer {secret}"}
    port = free_port()  # nothing listens here: the receiver is down
    worker = start_webhook_worker(redis_url, tmp_path / "worker", schedule=",".join(map(str, SCHEDULE)))
    receiver = None
    try:
        with serving(create_app(settings)) as base:
            api = Api(base, headers)
            webhook = api.call("POST", "/webhooks", json={"url": f"http://127.0.0.1:{port}/hook",
                                                          "events": list(EVENTS)})
            texts = [(f"The reservoir above Dunhollow held {210 + 9 * n} million litres in May.", 0.5 + n / 20)
                     for n in range(5)]
            article = api.call("POST", "/articles", role="ingest", json={"text": " ".join(t for t, _ in texts)})
            make_claims(store, article["id"], texts)
            # Several versions per claim while the receiver is down: lease, verdict, reopen, release.
            first = api.call("POST", "/queue/next", role="reviewer", json={})
            verified = api.transition(first, to="verified", rating="mostly_true",
                                      note="The water board's May report gives the same figure.")
            api.transition(verified, to="pending", reason="the board corrected its report")
            second = api.call("POST", "/queue/next", role="reviewer", json={})
            api.transition(second, to="flagged", rating="false",
                           explanation="The May report gives a figure a third lower.")
            third = api.call("POST", "/queue/next", role="reviewer", json={})
            api.call("DELETE", f"/claims/{third['id']}/lease", role="reviewer")
            again = api.call("POST", "/queue/next", role="reviewer", json={})
            api.transition(again, to="dismissed", reason="not_checkworthy")

            expected = [f"msg_{entry_id}" for entry_id, fields in store.redis.xrange(KEYS.events)
                        if fields["type"] in EVENTS]
            assert len(expected) == 5 + 9  # created, then 9 changes

            def state() -> dict:
                return api.call("GET", f"/webhooks/{webhook['id']}")

            def log() -> list[dict]:  # oldest first
                page = api.call("GET", f"/webhooks/{webhook['id']}/deliveries?limit=100")
                return list(reversed(page["deliveries"]))

            wait_for(lambda: not state()["active"], timeout=40, what="the schedule to run out")
            disabled = state()
            assert disabled["disabled_reason"] and disabled["disabled_at"], disabled
            # Every event became a delivery before the endpoint was disabled; the first failed
            # its whole schedule, the rest waited behind it, never tried.
            deliveries = log()
            assert len(deliveries) == len(expected), deliveries
            head, *waiting = deliveries
            assert head["status"] == "failed" and head["attempts"] == len(SCHEDULE) + 1, head
            assert all(d["status"] == "pending" and d["attempts"] == 0 for d in waiting), waiting

            receiver = Receiver(port=port)
            receiver.secrets["/hook"] = [webhook["secret"]]
            assert receiver.at("/hook") == []  # nothing is sent to a disabled endpoint
            api.call("PATCH", f"/webhooks/{webhook['id']}", json={"active": True})

            receiver.wait_until(lambda: {r.msg_id for r in receiver.delivered("/hook")} >= set(expected),
                                timeout=40, what="every event after re-enabling")
            wait_for(lambda: [d["status"] for d in log()] == ["succeeded"] * len(expected), timeout=20,
                     what="the delivery log to record every success")
            assert state()["active"] and state()["pending_deliveries"] == 0

        received = receiver.at("/hook")
        # Exactly once per webhook-id, nothing else, in outbox order, each signed.
        counts = Counter(r.msg_id for r in received)
        assert [m for m, n in counts.items() if n > 1] == [], counts
        assert [r.msg_id for r in received] == expected
        assert all(r.status == 200 and r.verified_with == [webhook["secret"]] for r in received)
        # Each claim's versions arrive in order: created (1), then 2, 3, ...
        versions: dict[str, list[int]] = {}
        for r in received:
            data = json.loads(r.body)["data"]
            assert r.headers["webhook-id"] == r.msg_id
            versions.setdefault(data["claim_id"], []).append(data["version"])
        assert len(versions) == 5
        assert all(v == list(range(1, len(v) + 1)) for v in versions.values()), versions
        assert max(len(v) for v in versions.values()) >= 4
    finally:
        stop_worker(worker)
        if receiver is not None:
            receiver.close()
