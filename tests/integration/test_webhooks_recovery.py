"""No event is lost when the receiver is down and the worker delivering to it is killed and replaced."""
from __future__ import annotations

import threading

import pytest

from service.redis import free_port
from service.store import KEYS
from tests.integration.webhook_receiver import Receiver, kill_worker, start_webhook_worker, stop_worker, wait_for

# Long enough that the receiver's downtime never exhausts it: 31 attempts about a second apart.
SCHEDULE = ",".join(["1"] * 30)


@pytest.fixture
def settings(settings):
    return settings.with_overrides(webhook_allow_private=True, webhook_timeout=2)


def test_a_killed_worker_and_a_receiver_that_was_down_lose_no_event(client, keys, store, article_with_claims,
                                                                     redis_server_url, tmp_path):
    port = free_port()  # nothing listens here yet: the receiver is down
    made = client.post("/api/v1/webhooks", json={"url": f"http://127.0.0.1:{port}/hook",
                                                 "events": ["claim.created", "claim.status_changed"]},
                       headers=keys["admin"]).get_json()
    first = start_webhook_worker(redis_server_url, tmp_path / "first", schedule=SCHEDULE, name="first")
    second = receiver = None
    try:
        article_with_claims([(f"Harbour {n} handled {n * 7} ships.", 0.5) for n in range(5)])

        def failed_attempts() -> int:
            log = client.get(f"/api/v1/webhooks/{made['id']}/deliveries", headers=keys["admin"]).get_json()
            return sum(d["attempts"] for d in log["deliveries"])

        wait_for(lambda: failed_attempts() >= 2, timeout=30, what="the first worker to be retrying")
        kill_worker(first)

        # More changes while no worker runs at all.
        article_with_claims([(f"District {n} opened {n + 2} clinics.", 0.5) for n in range(5)])
        claim = client.post("/api/v1/queue/next", json={}, headers=keys["reviewer"]).get_json()
        client.post(f"/api/v1/claims/{claim['id']}/transitions", json={"to": "dismissed", "reason": "opinion"},
                    headers={**keys["reviewer"], "If-Match": f'"{claim["version"]}"'})

        receiver = Receiver(port=port)
        receiver.secrets["/hook"] = [made["secret"]]
        second = start_webhook_worker(redis_server_url, tmp_path / "second", schedule=SCHEDULE, name="second")
        expected = [f"msg_{entry_id}" for entry_id, fields in store.redis.xrange(KEYS.events)
                    if fields["type"] in ("claim.created", "claim.status_changed")]
        assert len(expected) == 12
        receiver.wait_until(lambda: {r.msg_id for r in receiver.delivered("/hook")} >= set(expected),
                            timeout=90, what="every event after the restart")
        arrivals = list(dict.fromkeys(r.msg_id for r in receiver.delivered("/hook")))
        assert arrivals == expected
        assert all(r.verified_with for r in receiver.at("/hook"))
    finally:
        for worker in (first, second):
            if worker is not None:
                stop_worker(worker)
        if receiver is not None:
            receiver.close()


def test_a_worker_killed_mid_delivery_leaves_the_event_to_its_successor(client, keys, store, article_with_claims,
                                                                         redis_server_url, tmp_path):
    answered = threading.Event()
    release = threading.Event()

    def first_hangs(_handler, n):
        if n == 0:
            answered.set()
            release.wait(30)
        return 200, {}, b"ok"

    receiver = Receiver()
    receiver.behaviours["/slow"] = first_hangs
    made = client.post("/api/v1/webhooks", json={"url": receiver.url("/slow"), "events": ["claim.created"]},
                       headers=keys["admin"]).get_json()
    receiver.secrets["/slow"] = [made["secret"]]
    first = start_webhook_worker(redis_server_url, tmp_path / "first", schedule=SCHEDULE, name="first")
    second = None
    try:
        article_with_claims([(f"Harbour {n} handled {n * 7} ships.", 0.5) for n in range(3)])
        assert answered.wait(30), "the first delivery never started"
        kill_worker(first)  # while it waits for the receiver, holding the endpoint
        release.set()
        second = start_webhook_worker(redis_server_url, tmp_path / "second", schedule=SCHEDULE, name="second")
        expected = [f"msg_{entry_id}" for entry_id, fields in store.redis.xrange(KEYS.events)
                    if fields["type"] == "claim.created"]
        receiver.wait_until(lambda: len(receiver.at("/slow")) >= 4, timeout=90,
                            what="the successor to take the endpoint over")
        seen = [r.msg_id for r in receiver.at("/slow")]
        assert seen == [expected[0]] + expected  # the interrupted one again, same id, then the rest
        assert all(r.verified_with for r in receiver.at("/slow"))
    finally:
        release.set()
        for worker in (first, second):
            if worker is not None:
                stop_worker(worker)
        receiver.close()
