"""Webhook subscriptions, fan-out from the outbox, replay and the delivery log, against real Redis."""
from __future__ import annotations

import time
from datetime import UTC

import pytest

from service.app import create_app
from service.store import KEYS
from service.subscriptions import dispatch
from service.webhooks import generate_secret

PUBLIC_URL = "https://93.184.215.14/hooks/claimtrack"  # a public address literal: no DNS needed


@pytest.fixture
def settings(settings):
    return settings.with_overrides(webhook_allow_private=True, webhook_timeout=2)


@pytest.fixture
def webhooks(app):
    return app.extensions["claimtrack.webhooks"]


def subscribe(client, keys, url=PUBLIC_URL, events=("claim.created", "claim.status_changed"), **extra):
    answer = client.post("/api/v1/webhooks", json={"url": url, "events": list(events), **extra},
                         headers=keys["admin"])
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def outbox(store, types=None) -> list[tuple[str, str]]:
    return [(entry_id, fields["type"]) for entry_id, fields in store.redis.xrange(KEYS.events)
            if types is None or fields["type"] in types]


def test_creating_a_webhook_shows_its_secret_once(client, keys):
    made = subscribe(client, keys, description="newsroom CMS")
    assert made["secret"].startswith("whsec_") and made["active"] is True
    assert made["events"] == ["claim.created", "claim.status_changed"]
    shown = client.get(f"/api/v1/webhooks/{made['id']}", headers=keys["admin"]).get_json()
    listed = client.get("/api/v1/webhooks", headers=keys["admin"]).get_json()
    assert "secret" not in shown and shown["description"] == "newsroom CMS"
    assert [w["id"] for w in listed["webhooks"]] == [made["id"]] and "secret" not in listed["webhooks"][0]
    assert listed["next_cursor"] is None


def test_a_callers_own_secret_is_kept_when_long_enough(client, keys):
    mine = generate_secret()
    assert subscribe(client, keys, secret=mine)["secret"] == mine


@pytest.mark.parametrize("body, field", [
    ({"url": "ftp://example.org/x", "events": ["claim.created"]}, "url"),
    ({"url": "not a url", "events": ["claim.created"]}, "url"),
    ({"url": PUBLIC_URL, "events": ["claim.deleted"]}, "events"),
    ({"url": PUBLIC_URL, "events": ["webhook.test"]}, "events"),
    ({"url": PUBLIC_URL, "events": []}, "events"),
    ({"url": PUBLIC_URL}, "events"),
    ({"url": PUBLIC_URL, "events": ["claim.created"], "secret": "whsec_c2hvcnQ="}, "secret"),
    ({"url": PUBLIC_URL, "events": ["claim.created"], "secret": "plain-password-1234567890"}, "secret"),
])
def test_bad_subscriptions_get_a_clear_422(client, keys, body, field):
    answer = client.post("/api/v1/webhooks", json=body, headers=keys["admin"])
    error = answer.get_json()
    assert answer.status_code == 422, error
    assert set(error) >= {"code", "status", "message", "errors"} and field in error["errors"]
    assert client.get("/api/v1/webhooks", headers=keys["admin"]).get_json()["webhooks"] == []


def test_a_second_subscription_to_the_same_url_is_a_conflict(client, keys):
    first = subscribe(client, keys)
    again = client.post("/api/v1/webhooks", json={"url": PUBLIC_URL.replace("https", "HTTPS"),
                                                  "events": ["claim.created"]}, headers=keys["admin"])
    assert again.status_code == 409 and first["id"] in again.get_json()["errors"]["url"][0]
    other = subscribe(client, keys, url=PUBLIC_URL + "/other")
    moved = client.patch(f"/api/v1/webhooks/{other['id']}", json={"url": PUBLIC_URL}, headers=keys["admin"])
    assert moved.status_code == 409


def test_only_admins_manage_webhooks(client, keys):
    assert client.get("/api/v1/webhooks", headers=keys["reviewer"]).status_code == 403
    assert client.post("/api/v1/webhooks", json={"url": PUBLIC_URL, "events": ["claim.created"]},
                       headers=keys["ingest"]).status_code == 403
    assert client.get("/api/v1/webhooks").status_code == 401


def test_private_loopback_and_metadata_addresses_are_refused_unless_allowed(settings, keys):
    strict = create_app(settings.with_overrides(webhook_allow_private=False),
                        enqueue_extraction=lambda _id: None).test_client()
    for url in ["http://127.0.0.1:8080/hook", "http://localhost/hook", "http://10.1.2.3/hook",
                "http://192.168.0.10/hook", "http://169.254.169.254/latest/meta-data/",
                "http://[::1]/hook", "http://[fd00:ec2::254]/hook", "http://100.64.0.1/hook",
                "http://0.0.0.0/hook", "http://[::ffff:127.0.0.1]/hook", "http://no-such-host.invalid/"]:
        answer = strict.post("/api/v1/webhooks", json={"url": url, "events": ["claim.created"]},
                             headers=keys["admin"])
        assert answer.status_code == 422 and "url" in answer.get_json()["errors"], (url, answer.get_json())
    public = strict.post("/api/v1/webhooks", json={"url": PUBLIC_URL, "events": ["claim.created"]},
                         headers=keys["admin"])
    assert public.status_code == 201


def test_updating_events_url_and_active(client, keys):
    made = subscribe(client, keys)
    changed = client.patch(f"/api/v1/webhooks/{made['id']}",
                           json={"events": ["article.processed"], "url": PUBLIC_URL + "/v2",
                                 "description": "v2"}, headers=keys["admin"]).get_json()
    assert changed["events"] == ["article.processed"] and changed["url"].endswith("/v2")
    off = client.patch(f"/api/v1/webhooks/{made['id']}", json={"active": False}, headers=keys["admin"]).get_json()
    assert off["active"] is False and off["disabled_reason"] == "disabled by an admin"
    on = client.patch(f"/api/v1/webhooks/{made['id']}", json={"active": True}, headers=keys["admin"]).get_json()
    assert on["active"] is True and on["disabled_reason"] is None
    # The old URL is free again.
    subscribe(client, keys, url=PUBLIC_URL)
    unknown = client.patch("/api/v1/webhooks/wh_nope", json={"active": True}, headers=keys["admin"])
    assert unknown.status_code == 404 and unknown.get_json()["code"] == 404


def test_a_patch_without_a_body_changes_nothing_and_the_document_says_the_body_is_optional(client, keys):
    made = subscribe(client, keys)
    answer = client.patch(f"/api/v1/webhooks/{made['id']}", headers=keys["admin"])
    assert answer.status_code == 200
    assert {k: answer.get_json()[k] for k in ("url", "events", "active")} == \
        {"url": made["url"], "events": made["events"], "active": True}
    patch = client.get("/api/v1/openapi.json").get_json()["paths"]["/api/v1/webhooks/{webhook_id}"]["patch"]
    assert patch["requestBody"]["required"] is False


def test_deleting_a_webhook_removes_its_deliveries(client, keys, store, webhooks, article_with_claims):
    made = subscribe(client, keys)
    article_with_claims([("The bridge cost 12 million dollars.", 0.9)])
    dispatch(webhooks, public_url="http://x")
    [delivery] = client.get(f"/api/v1/webhooks/{made['id']}/deliveries", headers=keys["admin"]).get_json()["deliveries"]
    assert client.delete(f"/api/v1/webhooks/{made['id']}", headers=keys["admin"]).status_code == 204
    assert client.get(f"/api/v1/webhooks/{made['id']}", headers=keys["admin"]).status_code == 404
    assert not store.redis.exists(KEYS.delivery(delivery["id"]))
    assert not list(store.redis.scan_iter(KEYS.webhook(made["id"]) + "*"))


def test_rotating_a_secret_keeps_the_old_one_for_the_grace_period(client, keys):
    made = subscribe(client, keys)
    rotated = client.post(f"/api/v1/webhooks/{made['id']}/rotate-secret", json={"grace_seconds": 3600},
                          headers=keys["admin"]).get_json()
    assert rotated["secret"].startswith("whsec_") and rotated["secret"] != made["secret"]
    assert rotated["previous_secret_expires_at"] and rotated["secret_rotated_at"]
    immediate = client.post(f"/api/v1/webhooks/{made['id']}/rotate-secret", json={"grace_seconds": 0},
                            headers=keys["admin"]).get_json()
    assert immediate["previous_secret_expires_at"] is None
    short = client.post(f"/api/v1/webhooks/{made['id']}/rotate-secret", json={"secret": "whsec_AAAA"},
                        headers=keys["admin"])
    assert short.status_code == 422 and "secret" in short.get_json()["errors"]


def test_fan_out_makes_one_delivery_per_matching_subscription(client, keys, store, webhooks,
                                                               article_with_claims):
    article_with_claims([("Lakeview has 81,000 residents.", 0.5)])  # before any subscription
    claims_only = subscribe(client, keys, events=["claim.created"])
    articles_only = subscribe(client, keys, url=PUBLIC_URL + "/articles", events=["article.processed"])
    _article, ids = article_with_claims([("The bridge cost 12 million dollars.", 0.9),
                                         ("The mayor was elected in 2019.", 0.7)])
    woken = dispatch(webhooks, public_url="http://x")
    assert sorted(w for w, _ in woken) == sorted([claims_only["id"], articles_only["id"]])
    assert dispatch(webhooks, public_url="http://x") == []  # nothing twice
    claim_log = client.get(f"/api/v1/webhooks/{claims_only['id']}/deliveries",
                           headers=keys["admin"]).get_json()["deliveries"]
    expected = outbox(store, {"claim.created"})[-2:]
    assert [(d["event_id"], d["event_type"]) for d in reversed(claim_log)] == expected
    assert all(d["status"] == "pending" and d["message_id"] == f"msg_{d['event_id']}" for d in claim_log)
    article_log = client.get(f"/api/v1/webhooks/{articles_only['id']}/deliveries",
                             headers=keys["admin"]).get_json()["deliveries"]
    assert [d["event_type"] for d in article_log] == ["article.processed"]
    assert client.get(f"/api/v1/webhooks/{claims_only['id']}",
                      headers=keys["admin"]).get_json()["pending_deliveries"] == 2


def test_a_dispatcher_that_lost_the_race_hands_out_nothing(client, keys, store, webhooks, article_with_claims):
    subscribe(client, keys, events=["claim.created"])
    article_with_claims([("The bridge cost 12 million dollars.", 0.9)])
    cursor = webhooks.outbox_cursor()
    entries = webhooks.read_outbox(after=cursor, count=100)
    from service.events import OutboxEvent
    events = [OutboxEvent(i, f["type"], "{}") for i, f in entries]
    assert webhooks.fan_out(events, expected_cursor=cursor) is not None
    assert webhooks.fan_out(events, expected_cursor=cursor) is None  # stale cursor: refused
    assert webhooks.outbox_cursor() == entries[-1][0]


def test_the_delivery_log_pages_newest_first_and_filters_by_status(client, keys, webhooks, article_with_claims):
    made = subscribe(client, keys, events=["claim.created"])
    article_with_claims([(f"Harbour {n} handled {n * 7} ships.", 0.5) for n in range(7)])
    dispatch(webhooks, public_url="http://x")
    seen, cursor = [], None
    while True:
        page = client.get(f"/api/v1/webhooks/{made['id']}/deliveries",
                          query_string={"limit": 3, **({"cursor": cursor} if cursor else {})},
                          headers=keys["admin"]).get_json()
        seen += page["deliveries"]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == 7 and [d["id"] for d in seen] == sorted((d["id"] for d in seen),
                                                               key=lambda i: -int(i.split("_")[1]))
    failed = client.get(f"/api/v1/webhooks/{made['id']}/deliveries", query_string={"status": "failed"},
                        headers=keys["admin"]).get_json()
    assert failed == {"deliveries": [], "next_cursor": None}
    bad = client.get(f"/api/v1/webhooks/{made['id']}/deliveries", query_string={"cursor": "zzz"},
                     headers=keys["admin"])
    assert bad.status_code == 400


def test_a_test_event_and_a_manual_retry_queue_deliveries(client, keys, webhooks):
    made = subscribe(client, keys)
    test = client.post(f"/api/v1/webhooks/{made['id']}/test", headers=keys["admin"])
    assert test.status_code == 202
    delivery = test.get_json()
    assert delivery["event_type"] == "webhook.test" and delivery["status"] == "pending"
    assert delivery["message_id"].startswith("msg_test_")
    retried = client.post(f"/api/v1/webhooks/{made['id']}/deliveries/{delivery['id']}/retry",
                          headers=keys["admin"])
    assert retried.status_code == 202 and retried.get_json()["status"] == "pending"
    assert client.get(f"/api/v1/webhooks/{made['id']}", headers=keys["admin"]).get_json()["pending_deliveries"] == 1
    missing = client.post(f"/api/v1/webhooks/{made['id']}/deliveries/dlv_999/retry", headers=keys["admin"])
    assert missing.status_code == 404
    client.patch(f"/api/v1/webhooks/{made['id']}", json={"active": False}, headers=keys["admin"])
    for path in ["test", f"deliveries/{delivery['id']}/retry"]:
        refused = client.post(f"/api/v1/webhooks/{made['id']}/{path}", headers=keys["admin"])
        assert refused.status_code == 409 and "disabled" in refused.get_json()["message"]


def test_replay_sends_subscribed_events_since_a_time_with_their_original_ids(client, keys, store, webhooks,
                                                                               article_with_claims):
    made = subscribe(client, keys, events=["claim.created"])
    article_with_claims([("Lakeview has 81,000 residents.", 0.5)])
    time.sleep(0.01)
    since = time.time()
    article_with_claims([("The bridge cost 12 million dollars.", 0.9), ("The mayor was elected in 2019.", 0.7)])
    dispatch(webhooks, public_url="http://x")
    from datetime import datetime
    stamp = datetime.fromtimestamp(since, tz=UTC).isoformat()
    answer = client.post(f"/api/v1/webhooks/{made['id']}/replay", json={"since": stamp}, headers=keys["admin"])
    assert answer.status_code == 202, answer.get_json()
    result = answer.get_json()
    recent = [i for i, _ in outbox(store, {"claim.created"})][-2:]
    assert result == {"replayed": 2, "first_event_id": recent[0], "last_event_id": recent[1], "truncated": False}
    log = client.get(f"/api/v1/webhooks/{made['id']}/deliveries", headers=keys["admin"]).get_json()["deliveries"]
    assert [d["event_id"] for d in reversed(log)] == [i for i, _ in outbox(store, {"claim.created"})] + recent
    everything = client.post(f"/api/v1/webhooks/{made['id']}/replay", json={"since": "2000-01-01"},
                             headers=keys["admin"]).get_json()
    assert everything["replayed"] == 3
    bad = client.post(f"/api/v1/webhooks/{made['id']}/replay", json={"since": "yesterday"}, headers=keys["admin"])
    assert bad.status_code == 422 and "since" in bad.get_json()["errors"]


def test_events_before_a_subscription_existed_are_not_its(client, keys, store, webhooks, article_with_claims):
    article_with_claims([("Lakeview has 81,000 residents.", 0.5)])
    first = subscribe(client, keys, events=["claim.created"])
    # Written before the second subscription, handed out after it: only the first gets them.
    article_with_claims([("The bridge cost 12 million dollars.", 0.9)])
    time.sleep(0.005)
    second = subscribe(client, keys, url=PUBLIC_URL + "/late", events=["claim.created"])
    dispatch(webhooks, public_url="http://x")
    count = {w["id"]: w["pending_deliveries"]
             for w in client.get("/api/v1/webhooks", headers=keys["admin"]).get_json()["webhooks"]}
    assert count == {first["id"]: 1, second["id"]: 0}


def test_the_openapi_document_describes_the_webhook_api(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    for path in ["/api/v1/webhooks", "/api/v1/webhooks/{webhook_id}", "/api/v1/webhooks/{webhook_id}/rotate-secret",
                 "/api/v1/webhooks/{webhook_id}/test", "/api/v1/webhooks/{webhook_id}/replay",
                 "/api/v1/webhooks/{webhook_id}/deliveries",
                 "/api/v1/webhooks/{webhook_id}/deliveries/{delivery_id}/retry"]:
        assert path in spec["paths"], path
    events = spec["components"]["schemas"]["WebhookCreate"]["properties"]["events"]["items"]["enum"]
    assert set(events) == {"article.processed", "article.failed", "claim.created",
                           "claim.status_changed", "claim.matched"}
