"""Webhooks delivered by a real Celery worker (with beat) to a real receiver that verifies every
request with the PyPI `standardwebhooks` library."""
from __future__ import annotations

import threading

import pytest
import requests

from service.events import MAX_PAYLOAD_BYTES, SUBSCRIBABLE
from service.store import KEYS
from tests.integration.webhook_receiver import (
    Receiver,
    always,
    fail_first,
    garbage,
    hang,
    start_webhook_worker,
    stop_worker,
    wait_for,
)
from workers.webhooks import RESPONSE_BODY_LIMIT, new_session, post

# Retries 1 s apart (±20 %): five attempts in all, then the endpoint is disabled.
SCHEDULE = (1, 1, 1, 1)


@pytest.fixture
def settings(settings):
    return settings.with_overrides(webhook_allow_private=True, webhook_timeout=2,
                                   webhook_retry_schedule=SCHEDULE)


@pytest.fixture(scope="module")
def webhook_worker(redis_server_url, tmp_path_factory):
    process = start_webhook_worker(redis_server_url, tmp_path_factory.mktemp("webhooks"),
                                   schedule=",".join(map(str, SCHEDULE)))
    yield process
    stop_worker(process)


@pytest.fixture
def receiver():
    running = Receiver()
    yield running
    running.close()


class Api:
    """The admin and reviewer calls a test makes, over real HTTP to the live server."""

    def __init__(self, base: str, keys: dict):
        self.base, self.keys = base, keys
        self.http = requests.Session()

    def call(self, method, path, role="admin", expect=(200, 201, 202, 204), **kwargs):
        answer = self.http.request(method, f"{self.base}/api/v1{path}", headers={
            **self.keys[role], **kwargs.pop("headers", {})}, timeout=10, **kwargs)
        assert answer.status_code in expect, (path, answer.status_code, answer.text)
        return answer.json() if answer.content else None

    def subscribe(self, receiver: Receiver, path: str, events=SUBSCRIBABLE) -> dict:
        made = self.call("POST", "/webhooks", json={"url": receiver.url(path), "events": list(events)})
        receiver.secrets[path] = [made["secret"]]
        return made

    def webhook(self, webhook_id: str) -> dict:
        return self.call("GET", f"/webhooks/{webhook_id}")

    def deliveries(self, webhook_id: str) -> list[dict]:
        """Oldest first."""
        return list(reversed(self.call("GET", f"/webhooks/{webhook_id}/deliveries?limit=100")["deliveries"]))

    def transition(self, claim: dict, **body) -> dict:
        return self.call("POST", f"/claims/{claim['id']}/transitions", role="reviewer", json=body,
                         headers={"If-Match": f'"{claim["version"]}"'})

    def lease(self) -> dict:
        return self.call("POST", "/queue/next", role="reviewer", json={})


@pytest.fixture
def api(live_server, keys, webhook_worker):
    return Api(live_server, keys)


def outbox_ids(store, types=SUBSCRIBABLE) -> list[str]:
    return [entry_id for entry_id, fields in store.redis.xrange(KEYS.events) if fields["type"] in types]


def first_arrivals(received) -> list[str]:
    """Message ids in the order they were first accepted (a retry may repeat one)."""
    return list(dict.fromkeys(r.msg_id for r in received))


def test_every_event_of_a_review_session_arrives_signed_and_in_order(api, receiver, store,
                                                                      article_with_claims):
    webhook = api.subscribe(receiver, "/all")
    _article, ids = article_with_claims([("The bridge cost 12 million dollars.", 0.9),
                                         ("The mayor was elected in 2019.", 0.7),
                                         ("Lakeview has 81,000 residents.", 0.5)])
    first = api.lease()
    verified = api.transition(first, to="verified", rating="true", note="Checked the ledger.")
    second = api.lease()
    api.transition(second, to="flagged", rating="false", explanation="She took office in 2020.")
    third = api.call("GET", f"/claims/{ids[2]}", role="reviewer")
    api.transition(third, to="dismissed", reason="not_checkworthy")
    api.transition(verified, to="pending", reason="new evidence")
    expected = outbox_ids(store)
    assert len(expected) >= 9  # 3 created, 1 processed, 2 leases, 3 verdicts, 1 reopening

    receiver.wait_until(lambda: len(first_arrivals(receiver.delivered("/all"))) >= len(expected),
                        what="every event of the session")
    delivered = receiver.delivered("/all")
    assert first_arrivals(delivered) == [f"msg_{i}" for i in expected]
    assert all(r.verified_with == [webhook["secret"]] for r in receiver.at("/all"))
    assert all(len(r.body) < MAX_PAYLOAD_BYTES and set(r.payload) == {"type", "timestamp", "data"}
               for r in delivered)
    changes = [r.payload["data"] for r in delivered if r.payload["type"] == "claim.status_changed"]
    assert [(c["from"], c["to"]) for c in changes] == [
        ("pending", "in_review"), ("in_review", "verified"), ("pending", "in_review"),
        ("in_review", "flagged"), ("pending", "dismissed"), ("verified", "pending")]
    assert [c["version"] for c in changes if c["claim_id"] == first["id"]] == [2, 3, 4]
    assert changes[1]["rating"] == "true" and changes[1]["actor"]["name"] == "reviewer"
    assert changes[1]["url"].endswith(f"/api/v1/claims/{first['id']}")
    [processed] = [r.payload["data"] for r in delivered if r.payload["type"] == "article.processed"]
    assert sorted(processed["claim_ids"]) == sorted(ids) and processed["claim_count"] == 3
    wait_for(lambda: all(d["status"] == "succeeded" for d in api.deliveries(webhook["id"])),
             what="the log to record the last answer")
    log = api.deliveries(webhook["id"])
    assert len(log) == len(expected)
    assert all(d["attempts"] == 1 and d["last_status_code"] == 200 and d["last_latency_ms"] >= 0
               for d in log)
    assert api.webhook(webhook["id"])["pending_deliveries"] == 0


def test_a_receiver_failing_for_a_while_still_gets_every_event_with_the_same_id(
        api, receiver, store, article_with_claims):
    receiver.behaviours["/flaky"] = fail_first(3)
    webhook = api.subscribe(receiver, "/flaky", events=["claim.created"])
    article_with_claims([(f"Harbour {n} handled {n * 7} ships.", 0.5) for n in range(4)])
    expected = [f"msg_{i}" for i in outbox_ids(store, ["claim.created"])]

    receiver.wait_until(lambda: len(receiver.delivered("/flaky")) >= 4, what="recovery")
    requests_seen = receiver.at("/flaky")
    assert [r.msg_id for r in requests_seen[:4]] == [expected[0]] * 4  # one id across retries
    assert [r.status for r in requests_seen[:4]] == [500, 500, 500, 200]
    assert all(r.verified_with for r in requests_seen)  # each attempt signed afresh
    assert [int(r.timestamp) for r in requests_seen] == sorted(int(r.timestamp) for r in requests_seen)
    assert first_arrivals(receiver.delivered("/flaky")) == expected  # in order, the line waited
    log = api.deliveries(webhook["id"])
    assert [a["status_code"] for a in log[0]["attempt_log"]] == [500, 500, 500, 200]
    assert [a["attempt"] for a in log[0]["attempt_log"]] == [1, 2, 3, 4]
    assert all(0.8 <= a["next_attempt_in_s"] <= 1.2 for a in log[0]["attempt_log"][:3])
    state = api.webhook(webhook["id"])
    assert state["active"] and state["failing_since"] is None and state["last_success_at"]


def test_retry_after_on_429_and_503_is_honoured(api, receiver, article_with_claims):
    receiver.behaviours["/busy"] = lambda handler, n: (
        (429, {"Retry-After": "2"}, b"") if n == 0 else (503, {"Retry-After": "1"}, b"") if n == 1
        else (200, {}, b"ok"))
    webhook = api.subscribe(receiver, "/busy", events=["claim.created"])
    article_with_claims([("The bridge cost 12 million dollars.", 0.9)])
    wait_for(lambda: [d["status"] for d in api.deliveries(webhook["id"])] == ["succeeded"],
             what="delivery after Retry-After")
    [delivery] = api.deliveries(webhook["id"])
    assert [(a["status_code"], a.get("next_attempt_in_s")) for a in delivery["attempt_log"]] == [
        (429, 2.0), (503, 1.0), (200, None)]


def test_410_disables_the_endpoint_and_re_enabling_sends_every_event_in_order(api, receiver, store,
                                                                            article_with_claims):
    receiver.behaviours["/gone"] = always(410)
    webhook = api.subscribe(receiver, "/gone", events=["claim.created"])
    article_with_claims([(f"District {n} opened {n + 2} clinics.", 0.5) for n in range(3)])
    wait_for(lambda: not api.webhook(webhook["id"])["active"], timeout=30, what="410 to disable")
    state = api.webhook(webhook["id"])
    assert "410" in state["disabled_reason"] and state["disabled_at"]
    assert len(receiver.at("/gone")) == 1 and state["pending_deliveries"] == 2
    first, *waiting = api.deliveries(webhook["id"])
    assert first["status"] == "failed" and first["last_status_code"] == 410
    assert all(d["status"] == "pending" and d["attempts"] == 0 for d in waiting)

    receiver.behaviours["/gone"] = always(200)
    api.call("PATCH", f"/webhooks/{webhook['id']}", json={"active": True})
    # The delivery that met the 410 goes again first, then what waited behind it.
    expected = [f"msg_{i}" for i in outbox_ids(store, ["claim.created"])]
    receiver.wait_until(lambda: len(receiver.delivered("/gone")) >= 3, what="the waiting deliveries")
    assert first_arrivals(receiver.delivered("/gone")) == expected
    wait_for(lambda: [d["status"] for d in api.deliveries(webhook["id"])] == ["succeeded"] * 3,
             what="every delivery to succeed")
    # A manual retry now sends it once more, on purpose (same webhook-id: receivers deduplicate).
    api.call("POST", f"/webhooks/{webhook['id']}/deliveries/{first['id']}/retry")
    receiver.wait_until(lambda: len(receiver.delivered("/gone")) == 4, what="the manual retry")
    assert receiver.delivered("/gone")[-1].msg_id == expected[0]


def test_an_endpoint_failing_the_whole_schedule_is_disabled_and_reported(api, receiver, article_with_claims):
    receiver.behaviours["/down"] = always(500)
    webhook = api.subscribe(receiver, "/down", events=["claim.created"])
    article_with_claims([("The bridge cost 12 million dollars.", 0.9)])
    wait_for(lambda: not api.webhook(webhook["id"])["active"], timeout=60, what="the schedule to run out")
    state = api.webhook(webhook["id"])
    assert "retry schedule" in state["disabled_reason"] and "HTTP 500" in state["disabled_reason"]
    [delivery] = api.deliveries(webhook["id"])
    assert delivery["status"] == "failed" and delivery["attempts"] == len(SCHEDULE) + 1
    assert len({r.msg_id for r in receiver.at("/down")}) == 1
    assert len(receiver.at("/down")) == len(SCHEDULE) + 1


def test_re_enabling_after_the_schedule_ran_out_loses_no_event(api, receiver, store, article_with_claims):
    receiver.behaviours["/outage"] = always(500)
    webhook = api.subscribe(receiver, "/outage", events=["claim.created"])
    article_with_claims([("The tunnel cost 80 million euros.", 0.9), ("The tunnel opened in 2019.", 0.8),
                         ("The tunnel is 4 km long.", 0.7)])
    wait_for(lambda: not api.webhook(webhook["id"])["active"], timeout=60, what="the schedule to run out")
    assert api.webhook(webhook["id"])["pending_deliveries"] == 2  # waiting behind the failed one
    assert len({r.msg_id for r in receiver.at("/outage")}) == 1

    receiver.behaviours["/outage"] = always(200)
    api.call("PATCH", f"/webhooks/{webhook['id']}", json={"active": True})
    expected = [f"msg_{i}" for i in outbox_ids(store, ["claim.created"])]
    receiver.wait_until(lambda: len(receiver.delivered("/outage")) >= 3, what="every event")
    assert first_arrivals(receiver.delivered("/outage")) == expected
    # The worker records an attempt once the receiver's answer is in: just after it arrived.
    wait_for(lambda: [d["status"] for d in api.deliveries(webhook["id"])] == ["succeeded"] * 3,
             timeout=30, what="every delivery recorded as succeeded")


def test_a_rotated_secret_keeps_receivers_holding_either_secret_verifying(api, receiver, article_with_claims):
    webhook = api.subscribe(receiver, "/rotating", events=["claim.created"])
    old = webhook["secret"]
    article_with_claims([("The bridge cost 12 million dollars.", 0.9)])
    receiver.wait_until(lambda: len(receiver.delivered("/rotating")) == 1, what="before rotation")

    new = api.call("POST", f"/webhooks/{webhook['id']}/rotate-secret", json={"grace_seconds": 3600})["secret"]
    receiver.secrets["/rotating"] = [old, new]
    article_with_claims([("The mayor was elected in 2019.", 0.7)])
    receiver.wait_until(lambda: len(receiver.delivered("/rotating")) == 2, what="during the grace period")
    assert receiver.delivered("/rotating")[1].verified_with == [old, new]

    newest = api.call("POST", f"/webhooks/{webhook['id']}/rotate-secret", json={"grace_seconds": 0})["secret"]
    receiver.secrets["/rotating"] = [old, new, newest]
    test = api.call("POST", f"/webhooks/{webhook['id']}/test")
    receiver.wait_until(lambda: len(receiver.delivered("/rotating")) == 3, what="the test event")
    last = receiver.delivered("/rotating")[2]
    assert last.verified_with == [newest] and last.payload["type"] == "webhook.test"
    assert last.msg_id == test["message_id"]


def test_misbehaving_receivers_never_block_a_healthy_endpoint(api, receiver, store, article_with_claims):
    release = threading.Event()
    receiver.behaviours.update({"/hang": hang(release), "/garbage": garbage,
                                "/redirect": always(302, {"Location": receiver.url("/elsewhere")})})
    bad = {path: api.subscribe(receiver, path, events=["claim.created"])
           for path in ["/hang", "/garbage", "/redirect"]}
    api.subscribe(receiver, "/healthy", events=["claim.created"])
    try:
        article_with_claims([(f"Harbour {n} handled {n * 7} ships.", 0.5) for n in range(5)])
        expected = [f"msg_{i}" for i in outbox_ids(store, ["claim.created"])]
        receiver.wait_until(lambda: len(receiver.delivered("/healthy")) >= 5, what="the healthy endpoint")
        assert first_arrivals(receiver.delivered("/healthy")) == expected

        def first_error(path):
            log = api.deliveries(bad[path]["id"])
            return log[0]["attempt_log"][0] if log and log[0]["attempt_log"] else None

        wait_for(lambda: all(first_error(p) for p in bad), timeout=30, what="an attempt at each bad endpoint")
        assert first_error("/hang")["error"] == "no answer within 2 s"
        assert first_error("/redirect")["status_code"] == 302
        assert "not followed" in first_error("/redirect")["error"]
        assert first_error("/garbage")["status_code"] is None and first_error("/garbage")["error"]
        assert receiver.at("/elsewhere") == []
    finally:
        release.set()


def test_the_delivery_session_refuses_private_addresses_when_they_are_not_allowed(receiver):
    for url in [receiver.url("/private"), receiver.url("/private").replace("127.0.0.1", "localhost")]:
        result = post(new_session(allow_private=False), url, body=b"{}", headers={}, timeout=2)
        assert result.status_code is None and result.error.startswith("refused:"), result
    assert receiver.at("/private") == []


def test_a_receivers_answer_is_read_only_up_to_a_small_limit(receiver):
    receiver.behaviours["/huge"] = lambda handler, n: (200, {}, b"x" * 5_000_000)
    result = post(new_session(allow_private=True), receiver.url("/huge"), body=b"{}", headers={}, timeout=2)
    assert result.succeeded and len(result.response_body) <= RESPONSE_BODY_LIMIT
