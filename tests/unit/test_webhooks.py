"""Webhook signing, secrets, payload size, the retry schedule and address checks (no I/O)."""
from __future__ import annotations

import json
import random
import time

import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from service.errors import InvalidWebhookSecret, UnsafeWebhookUrl
from service.events import CLAIM_IDS_PER_PAYLOAD, MAX_PAYLOAD_BYTES, SUBSCRIBABLE, webhook_payload
from service.webhooks import (
    check_secret,
    check_url,
    generate_secret,
    is_public_address,
    parse_retry_after,
    retry_delay,
    secret_bytes,
)
from workers.webhooks import sign

SCHEDULE = (5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400)


def headers_for(secrets, body: bytes, msg_id="msg_1720000000000-0"):
    stamp = int(time.time())
    return {"webhook-id": msg_id, "webhook-timestamp": str(stamp),
            "webhook-signature": sign(secrets, msg_id=msg_id, timestamp=stamp, body=body)}


def test_a_signature_verifies_with_the_standard_webhooks_library():
    secret = generate_secret()
    body = json.dumps({"type": "claim.created", "timestamp": "2024-07-04T10:00:00.000Z",
                       "data": {"claim_id": "clm_1", "text": "Zürich’s budget"}}, ensure_ascii=False).encode()
    assert Webhook(secret).verify(body, headers_for([secret], body))["data"]["claim_id"] == "clm_1"
    with pytest.raises(WebhookVerificationError):
        Webhook(generate_secret()).verify(body, headers_for([secret], body))
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body + b" ", headers_for([secret], body))


def test_during_a_rotation_both_secrets_sign_and_either_holder_verifies():
    old, new = generate_secret(), generate_secret()
    body = b'{"type":"claim.created"}'
    headers = headers_for([new, old], body)
    assert len(headers["webhook-signature"].split(" ")) == 2
    assert all(part.startswith("v1,") for part in headers["webhook-signature"].split(" "))
    Webhook(old).verify(body, headers)
    Webhook(new).verify(body, headers)


def test_a_generated_secret_is_whsec_and_base64_of_32_bytes():
    secret = generate_secret()
    assert secret.startswith("whsec_") and len(secret_bytes(secret)) == 32
    assert check_secret(secret) == secret
    assert generate_secret() != secret


@pytest.mark.parametrize("secret", ["whsec_c2hvcnQ=", "no-prefix-" + "A" * 40, "whsec_***not base64***",
                                    "whsec_" + "A" * 120])
def test_a_callers_secret_must_be_whsec_base64_of_24_to_64_bytes(secret):
    with pytest.raises(InvalidWebhookSecret) as refused:
        check_secret(secret)
    assert "secret" in refused.value.errors


def test_article_processed_names_at_most_a_few_hundred_claims_and_links_the_rest():
    ids = [f"clm_{n:024d}" for n in range(5000)]
    stored = json.dumps({"type": "article.processed", "timestamp": "2024-07-04T10:00:00.000Z",
                         "data": {"article_id": "art_1", "claim_count": 5000, "claim_ids": ids,
                                  "url": "http://x/api/v1/articles/art_1"}})
    payload = webhook_payload(stored, public_url="https://claims.example.org/")
    sent = json.loads(payload)
    assert len(payload.encode()) < MAX_PAYLOAD_BYTES
    assert sent["type"] == "article.processed" and sent["timestamp"] == "2024-07-04T10:00:00.000Z"
    assert sent["data"]["claim_ids"] == ids[:CLAIM_IDS_PER_PAYLOAD] and sent["data"]["claim_ids_truncated"]
    assert sent["data"]["claim_count"] == 5000
    assert sent["data"]["claims_url"] == "https://claims.example.org/api/v1/articles/art_1/claims"


def test_an_article_without_claims_sends_an_empty_list():
    # Redis' cjson encodes an empty list as {}.
    stored = json.dumps({"type": "article.processed", "timestamp": "t",
                         "data": {"article_id": "art_1", "claim_count": 0, "claim_ids": {}}})
    sent = json.loads(webhook_payload(stored, public_url="http://x"))
    assert sent["data"]["claim_ids"] == [] and sent["data"]["claim_ids_truncated"] is False


def test_claim_events_keep_version_actor_and_link_unchanged():
    data = {"claim_id": "clm_1", "article_id": "art_1", "from": "in_review", "to": "verified",
            "actor": {"key_id": "key_1", "name": "Ana", "role": "reviewer"}, "version": 7,
            "rating": "true", "url": "http://x/api/v1/claims/clm_1"}
    stored = json.dumps({"data": data, "type": "claim.status_changed", "timestamp": "t"})
    sent = json.loads(webhook_payload(stored, public_url="http://x"))
    assert list(sent) == ["type", "timestamp", "data"] and sent["data"] == data


def test_an_oversized_event_keeps_only_its_ids_and_links():
    stored = json.dumps({"type": "claim.matched", "timestamp": "t",
                         "data": {"claim_id": "clm_1", "version": 3, "url": "http://x/c/clm_1",
                                  "huge": ["x" * 100] * 400}})
    sent = json.loads(webhook_payload(stored, public_url="http://x"))
    assert sent["data"] == {"claim_id": "clm_1", "version": 3, "url": "http://x/c/clm_1", "truncated": True}


def test_only_domain_events_can_be_subscribed_to():
    assert set(SUBSCRIBABLE) == {"article.processed", "article.failed", "claim.created",
                                 "claim.status_changed", "claim.matched"}


def test_retries_follow_the_standard_webhooks_schedule_with_jitter_then_stop():
    rng = random.Random(7)
    for failures, base in enumerate(SCHEDULE, start=1):
        delay = retry_delay(failures, SCHEDULE, rng=rng)
        assert 0.8 * base <= delay <= 1.2 * base
    assert retry_delay(len(SCHEDULE) + 1, SCHEDULE) is None
    delays = {round(retry_delay(1, SCHEDULE, rng=rng), 3) for _ in range(20)}
    assert len(delays) > 1  # jittered: endpoints failing together do not retry together


def test_retry_after_wins_over_the_schedule_but_not_past_a_day_or_the_last_attempt():
    assert retry_delay(1, SCHEDULE, retry_after=120) == 120
    assert retry_delay(1, SCHEDULE, retry_after=10**9) == 24 * 3600
    assert retry_delay(len(SCHEDULE) + 1, SCHEDULE, retry_after=1) is None


def test_retry_after_reads_seconds_and_http_dates():
    assert parse_retry_after("30") == 30
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470) == 10
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


@pytest.mark.parametrize("address", ["127.0.0.1", "10.0.0.8", "172.16.3.4", "192.168.1.1", "169.254.169.254",
                                     "100.64.0.1", "0.0.0.0", "::1", "fe80::1", "fd00:ec2::254",
                                     "::ffff:10.0.0.1", "224.0.0.1", "192.0.2.10"])
def test_non_public_addresses_are_refused(address):
    assert not is_public_address(address)


@pytest.mark.parametrize("address", ["93.184.215.14", "8.8.8.8", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"])
def test_public_addresses_are_allowed(address):
    assert is_public_address(address)


def test_webhook_urls_must_be_http_and_are_normalised():
    assert check_url("HTTPS://Hooks.Example.org", allow_private=True) == "https://hooks.example.org/"
    assert check_url("http://127.0.0.1:9000/x?a=1#frag", allow_private=True) == "http://127.0.0.1:9000/x?a=1"
    for url in ["ftp://example.org/", "javascript:alert(1)", "http:///nohost", "http://h:99999/"]:
        with pytest.raises(UnsafeWebhookUrl):
            check_url(url, allow_private=True)
    with pytest.raises(UnsafeWebhookUrl):
        check_url("http://127.0.0.1:9000/x", allow_private=False)
