"""Webhook subscriptions as admins change them (create, update, rotate, test, replay, retry)
and the outbox fan-out into deliveries, all through the webhook store."""
from __future__ import annotations

import datetime as dt
import json
import secrets as random_secrets
from collections.abc import Callable, Iterable

from service.events import EventType, OutboxEvent, message_id, webhook_payload
from service.store import WebhookStore
from service.webhooks import check_secret, check_url, generate_secret

REPLAY_LIMIT = 50_000
REPLAY_BATCH = 500
FAN_OUT_BATCH = 200

# Wakes a drainer for an endpoint: (webhook id, drain token) → a delivery task is sent.
Wake = Callable[[str, str], None]


def create_webhook(webhooks: WebhookStore, *, url: str, events: Iterable[str],
                   description: str | None, secret: str | None, allow_private: bool) -> dict:
    """A new active subscription; the answer holds its secret, which is shown only here."""
    normalised = check_url(url, allow_private=allow_private)
    chosen_secret = check_secret(secret) if secret else generate_secret()
    record = webhooks.create("wh_" + random_secrets.token_hex(8), url=normalised,
                             events=sorted(set(events)), description=description,
                             secret=chosen_secret)
    return {**record, "secret": chosen_secret}


def update_webhook(webhooks: WebhookStore, webhook_id: str, changes: dict, *,
                   allow_private: bool, wake: Wake) -> dict:
    if "url" in changes:
        changes = {**changes, "url": check_url(changes["url"], allow_private=allow_private)}
    if "events" in changes:
        changes = {**changes, "events": sorted(set(changes["events"]))}
    record, token = webhooks.update(webhook_id, changes)
    if token:
        wake(webhook_id, token)
    return record


def rotate_secret(webhooks: WebhookStore, webhook_id: str, *, secret: str | None,
                  grace_seconds: int) -> dict:
    """A new secret; the old one keeps signing (as a second signature) for the grace period."""
    chosen_secret = check_secret(secret) if secret else generate_secret()
    record = webhooks.rotate_secret(webhook_id, chosen_secret, grace_ms=grace_seconds * 1000)
    return {**record, "secret": chosen_secret}


def send_test_event(webhooks: WebhookStore, webhook_id: str, *, wake: Wake) -> dict:
    stamp = dt.datetime.now(dt.UTC)
    event_id = f"test_{random_secrets.token_hex(8)}"
    body = {"type": EventType.WEBHOOK_TEST.value,
            "timestamp": stamp.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "data": {"webhook_id": webhook_id, "message_id": message_id(event_id),
                     "message": "a test event sent on request"}}
    event = OutboxEvent(id=event_id, type=EventType.WEBHOOK_TEST.value,
                        payload=json.dumps(body, separators=(",", ":")))
    delivery_ids, token = webhooks.add_deliveries(webhook_id, [event])
    if token:
        wake(webhook_id, token)
    return webhooks.get_delivery(webhook_id, delivery_ids[0])


def replay_events(webhooks: WebhookStore, webhook_id: str, *, since: dt.date | dt.datetime,
                  public_url: str, wake: Wake) -> dict:
    """Send the subscription every event it asked for since `since` (a date: its midnight UTC)
    again, in order and with their original webhook-ids (receivers deduplicate on them). Only
    events already handed out are replayed; later ones reach the endpoint anyway."""
    if not isinstance(since, dt.datetime):
        since = dt.datetime.combine(since, dt.time(), tzinfo=dt.UTC)
    wanted = set(webhooks.get(webhook_id)["events"])
    since_ms = max(0, int(since.timestamp() * 1000))
    until = webhooks.outbox_cursor()
    replayed, first, last, truncated = 0, None, None, False
    start = f"{since_ms}-0"
    while until != "0-0":
        entries = webhooks.read_outbox_range(start, until, count=REPLAY_BATCH)
        if not entries:
            break
        start = f"({entries[-1][0]}"
        events = [OutboxEvent(id=entry_id, type=fields.get("type", ""),
                              payload=webhook_payload(fields.get("body", "{}"), public_url=public_url))
                  for entry_id, fields in entries if fields.get("type") in wanted]
        if replayed + len(events) > REPLAY_LIMIT:
            events, truncated = events[:REPLAY_LIMIT - replayed], True
        if events:
            _ids, token = webhooks.add_deliveries(webhook_id, events)
            if token:
                wake(webhook_id, token)
            first = first or events[0].id
            last = events[-1].id
            replayed += len(events)
        if truncated or len(entries) < REPLAY_BATCH:
            break
    return {"replayed": replayed, "first_event_id": first, "last_event_id": last,
            "truncated": truncated}


def retry_delivery(webhooks: WebhookStore, webhook_id: str, delivery_id: str, *,
                   wake: Wake) -> dict:
    """Try a delivery again now (a finished one goes to the back of the endpoint's line)."""
    token = webhooks.retry_delivery(webhook_id, delivery_id)
    if token:
        wake(webhook_id, token)
    return webhooks.get_delivery(webhook_id, delivery_id)


def dispatch(webhooks: WebhookStore, *, public_url: str) -> list[tuple[str, str]]:
    """Fan every outbox event not yet handed out into one delivery per matching active
    subscription; returns the endpoints to drain now, as (webhook id, drain token)."""
    webhooks.dispatch_started()
    woken: list[tuple[str, str]] = []
    while True:
        cursor = webhooks.outbox_cursor()
        entries = webhooks.read_outbox(after=cursor, count=FAN_OUT_BATCH)
        if not entries:
            return woken
        events = [OutboxEvent(id=entry_id, type=fields.get("type", ""),
                              payload=webhook_payload(fields.get("body", "{}"), public_url=public_url))
                  for entry_id, fields in entries]
        handed_out = webhooks.fan_out(events, expected_cursor=cursor)
        if handed_out is None:
            continue  # another dispatcher moved the cursor first: read from where it is now
        woken.extend(handed_out)
        if len(entries) < FAN_OUT_BATCH:
            return woken
