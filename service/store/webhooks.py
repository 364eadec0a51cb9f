"""Webhooks: subscriptions, each endpoint's delivery line and log, and the outbox fan-out cursor."""
from __future__ import annotations

import json
import time

import redis

from service.errors import DuplicateWebhook, NotFound, WebhookDisabled
from service.events import message_id, stream_position
from service.store.keys import PREFIX, Keys
from service.store.metrics import WEBHOOK_LATENCY_BUCKETS, bucket_field
from service.store.paging import page, range_then_load
from service.store.scripts import Script
from service.store.stamps import now_iso
from service.webhooks import url_key


class WebhookStore:
    """Webhook subscriptions, their delivery lines and logs, and the outbox fan-out cursor."""

    DISPATCH_COALESCE_MS = 5000
    NO_SUBSCRIBERS_RECHECK = 1.0
    LOG_CAP = 10_000
    SWEEP_LIMIT = 1000

    def __init__(self, client: redis.Redis, *, drain_lease_seconds: int = 60, prefix: str = PREFIX):
        self.redis = client
        self.keys = Keys(prefix)
        self.lease_ms = drain_lease_seconds * 1000
        self._no_subscribers_until = 0.0

        def script(name: str) -> Script:
            return Script(client, name, prefix=prefix, preludes=("webhooks",))

        self._create = script("create_webhook")
        self._update = script("update_webhook")
        self._rotate = script("rotate_webhook_secret")
        self._request_dispatch = Script(client, "request_dispatch", prefix=prefix)
        self._dispatch_start = script("dispatch_start")
        self._fan_out = script("fan_out")
        self._add = script("add_deliveries")
        self._next = script("next_delivery")
        self._record = script("record_attempt")
        self._retry = script("retry_delivery")
        self._sweep = script("sweep_webhooks")

    # -- subscriptions ------------------------------------------------------------------
    def create(self, webhook_id: str, *, url: str, events: list[str], description: str | None,
               secret: str) -> dict:
        self._no_subscribers_until = 0.0
        now = time.time()
        fields = {"id": webhook_id, "url": url, "url_key": url_key(url), "events": json.dumps(events),
                  "description": description or "", "active": "1", "secret": secret,
                  "created_at": now_iso(now), "updated_at": now_iso(now),
                  "created_ms": str(int(now * 1000))}
        outcome = self._create(webhook_id, url_key(url),
                               *[part for pair in fields.items() for part in pair])
        if outcome[0] == "duplicate":
            raise DuplicateWebhook(f"webhook {outcome[1]} already posts to {url}",
                                   errors={"url": [f"already used by {outcome[1]}"]})
        return self.get(webhook_id)

    def get(self, webhook_id: str) -> dict:
        pipe = self.redis.pipeline(transaction=False)
        pipe.hgetall(self.keys.webhook(webhook_id))
        pipe.llen(self.keys.webhook_queue(webhook_id))
        raw, waiting = pipe.execute()
        if not raw:
            raise NotFound(f"no webhook {webhook_id}")
        return self._decode_webhook(raw, waiting)

    @staticmethod
    def _decode_webhook(raw: dict, waiting: int) -> dict:
        def ms_to_iso(name: str) -> str | None:
            return now_iso(int(raw[name]) / 1000) if raw.get(name) else None

        previous_expires = int(raw.get("previous_secret_expires_ms") or 0)
        return {
            "id": raw["id"],
            "url": raw.get("url"),
            "events": json.loads(raw.get("events") or "[]"),
            "description": raw.get("description") or None,
            "active": raw.get("active") == "1",
            "disabled_reason": raw.get("disabled_reason"),
            "disabled_at": raw.get("disabled_at"),
            "created_at": raw.get("created_at"),
            "updated_at": raw.get("updated_at"),
            "secret_rotated_at": raw.get("secret_rotated_at"),
            "previous_secret_expires_at": (ms_to_iso("previous_secret_expires_ms")
                                           if previous_expires > time.time() * 1000 else None),
            "pending_deliveries": waiting,
            "next_attempt_at": ms_to_iso("paused_until_ms"),
            "failing_since": raw.get("failing_since"),
            "last_success_at": raw.get("last_success_at"),
        }

    def list_webhooks(self, *, cursor: str | None = None, limit: int = 50) -> tuple[list[dict], str | None]:
        def load(ids: list[str]) -> list[dict | None]:
            pipe = self.redis.pipeline(transaction=False)
            for webhook_id in ids:
                pipe.hgetall(self.keys.webhook(webhook_id))
                pipe.llen(self.keys.webhook_queue(webhook_id))
            rows = pipe.execute()
            return [self._decode_webhook(raw, waiting) if raw else None
                    for raw, waiting in zip(rows[::2], rows[1::2])]

        return page(range_then_load(self.redis, self.keys.webhooks, load), cursor=cursor, limit=limit)

    def update(self, webhook_id: str, changes: dict) -> tuple[dict, str | None]:
        """Apply `changes` (url, events, description, active); returns the webhook and, when
        re-enabling left deliveries waiting, a drain token."""
        self._no_subscribers_until = 0.0
        fields: list[str] = []
        new_key = ""
        if "url" in changes:
            new_key = url_key(changes["url"])
            fields += ["url", changes["url"]]
        if "events" in changes:
            fields += ["events", json.dumps(changes["events"])]
        if "description" in changes:
            fields += ["description", changes["description"] or ""]
        active = "" if changes.get("active") is None else ("1" if changes["active"] else "0")
        now = time.time()
        outcome = self._update(webhook_id, int(now * 1000), now_iso(now),
                               self.lease_ms, new_key, active, *fields)
        if outcome[0] == "not_found":
            raise NotFound(f"no webhook {webhook_id}")
        if outcome[0] == "duplicate":
            raise DuplicateWebhook(f"webhook {outcome[1]} already posts to {changes['url']}",
                                   errors={"url": [f"already used by {outcome[1]}"]})
        return self.get(webhook_id), outcome[1] or None

    def rotate_secret(self, webhook_id: str, secret: str, *, grace_ms: int) -> dict:
        now = time.time()
        if not self._rotate(webhook_id, secret, int(now * 1000), grace_ms, now_iso(now)):
            raise NotFound(f"no webhook {webhook_id}")
        return self.get(webhook_id)

    def delete(self, webhook_id: str) -> None:
        key = self.keys.webhook(webhook_id)
        stored_url_key = self.redis.hget(key, "url_key")
        if stored_url_key is None:
            raise NotFound(f"no webhook {webhook_id}")
        pipe = self.redis.pipeline()
        pipe.delete(key, self.keys.webhook_queue(webhook_id), self.keys.webhook_drain(webhook_id))
        pipe.zrem(self.keys.webhooks, webhook_id)
        pipe.srem(self.keys.webhooks_active, webhook_id)
        pipe.zrem(self.keys.webhooks_retries, webhook_id)
        pipe.execute()
        if self.redis.get(self.keys.webhook_url(stored_url_key)) == webhook_id:
            self.redis.delete(self.keys.webhook_url(stored_url_key))
        log = self.keys.webhook_deliveries(webhook_id)
        while batch := self.redis.zrange(log, 0, 499):
            pipe = self.redis.pipeline(transaction=False)
            pipe.delete(*[self.keys.delivery(d) for d in batch])
            pipe.zrem(log, *batch)
            pipe.execute()

    # -- outbox fan-out -----------------------------------------------------------------
    def request_dispatch(self) -> bool:
        """True when the caller should send a dispatch task: subscriptions exist and no
        dispatch is already on its way (a burst of changes shares one). Having seen no
        subscription, it does not ask Redis again for NO_SUBSCRIBERS_RECHECK seconds (one
        round trip less on every write); a subscription made elsewhere meanwhile gets its
        first events from beat's sweep, a few seconds later, never lost."""
        if time.monotonic() < self._no_subscribers_until:
            return False
        wanted = int(self._request_dispatch(self.DISPATCH_COALESCE_MS))
        if wanted < 0:
            self._no_subscribers_until = time.monotonic() + self.NO_SUBSCRIBERS_RECHECK
        return wanted > 0

    def dispatch_started(self) -> int:
        """Number of active subscriptions; with none, the cursor skips to the outbox's end."""
        return int(self._dispatch_start())

    def outbox_cursor(self) -> str:
        """The id of the last outbox event handed out to subscriptions."""
        return self.redis.get(self.keys.webhooks_cursor) or "0-0"

    def read_outbox(self, *, after: str, count: int) -> list[tuple[str, dict]]:
        return self.redis.xrange(self.keys.events, min=f"({after}", max="+", count=count)

    def read_outbox_range(self, start: str, end: str, *, count: int) -> list[tuple[str, dict]]:
        return self.redis.xrange(self.keys.events, min=start, max=end, count=count)

    def outbox_trimmed_past_cursor(self) -> bool:
        """True when the stream's oldest event is newer than the cursor, i.e. trimming
        (MAXLEN ~ EVENTS_MAXLEN) may have dropped events never handed out."""
        cursor = self.outbox_cursor()
        if cursor == "0-0":
            return False
        oldest = self.redis.xrange(self.keys.events, count=1)
        return bool(oldest) and stream_position(oldest[0][0]) > stream_position(cursor) and \
            not self.redis.xrange(self.keys.events, min=cursor, max=cursor)

    def fan_out(self, events: list, *, expected_cursor: str) -> list[tuple[str, str]] | None:
        """One delivery per event and matching active subscription, and the cursor moved past
        the events, atomically; None when the cursor was not at `expected_cursor`."""
        now = time.time()
        args = [expected_cursor, int(now * 1000), now_iso(now), self.lease_ms, self.LOG_CAP]
        for event in events:
            args += [event.id, event.type, event.payload]
        outcome = self._fan_out(*args)
        if outcome[0] == "moved":
            return None
        return list(zip(outcome[1::2], outcome[2::2]))

    def add_deliveries(self, webhook_id: str, events: list) -> tuple[list[str], str | None]:
        """Queue `events` for one endpoint (a test event, a replay); returns the delivery ids
        and a drain token when the endpoint was idle."""
        now = time.time()
        args = [webhook_id, int(now * 1000), now_iso(now), self.lease_ms, self.LOG_CAP]
        for event in events:
            args += [event.id, event.type, event.payload]
        outcome = self._add(*args)
        if outcome[0] == "not_found":
            raise NotFound(f"no webhook {webhook_id}")
        if outcome[0] == "disabled":
            raise WebhookDisabled(f"webhook {webhook_id} is disabled; enable it with "
                                  "PATCH {\"active\": true} first")
        return list(outcome[2:]), outcome[1] or None

    # -- delivery -------------------------------------------------------------------------
    def next_delivery(self, webhook_id: str, token: str) -> dict | None:
        """The delivery at the head of the endpoint's line, with what signing and sending it
        needs, while `token` holds the endpoint; None when there is nothing to send now (the
        lease is given back) or another drainer holds the endpoint."""
        outcome = self._next(webhook_id, token, int(time.time() * 1000), self.lease_ms)
        if outcome[0] != "go":
            return None
        (_go, delivery_id, event_id, event_type, payload, attempts, failures, url, secret,
         previous_secret, request_id) = outcome
        return {"id": delivery_id, "event_id": event_id, "event_type": event_type,
                "payload": payload, "attempts": int(attempts or 0), "failures": int(failures or 0),
                "url": url, "secrets": [secret] + ([previous_secret] if previous_secret else []),
                "request_id": request_id or None}

    def record_attempt(self, webhook_id: str, token: str, delivery_id: str, *, outcome: str,
                       attempt: dict, due_ms: int | None = None,
                       disable_reason: str | None = None) -> str:
        """Log an attempt and move the line on: 'succeeded', 'retry' (pauses the endpoint until
        `due_ms`) or 'failed' (gives up and disables the endpoint with `disable_reason`)."""
        now = time.time()
        status_code = attempt.get("status_code")
        latency = (attempt.get("latency_ms") or 0) / 1000
        return self._record(
            webhook_id, token, delivery_id, outcome, int(now * 1000), now_iso(now),
            json.dumps(attempt), "" if status_code is None else status_code,
            attempt.get("latency_ms", 0), attempt.get("error") or "", due_ms or 0, disable_reason or "",
            bucket_field(WEBHOOK_LATENCY_BUCKETS, latency), latency)

    def sweep(self) -> list[tuple[str, str]]:
        """Endpoints to drain now: retries that fell due, and waiting lines without a drainer."""
        outcome = self._sweep(int(time.time() * 1000), self.lease_ms, self.SWEEP_LIMIT)
        return list(zip(outcome[0::2], outcome[1::2]))

    # -- delivery log ---------------------------------------------------------------------
    def get_delivery(self, webhook_id: str, delivery_id: str) -> dict:
        raw = self.redis.hgetall(self.keys.delivery(delivery_id))
        if not raw or raw.get("webhook_id") != webhook_id:
            raise NotFound(f"no delivery {delivery_id} for webhook {webhook_id}")
        return self._decode_delivery(raw)

    def list_deliveries(self, webhook_id: str, *, status: str | None = None,
                        cursor: str | None = None, limit: int = 50) -> tuple[list[dict], str | None]:
        """The endpoint's deliveries, newest first."""
        if not self.redis.exists(self.keys.webhook(webhook_id)):
            raise NotFound(f"no webhook {webhook_id}")

        def load(ids: list[str]) -> list[dict | None]:
            pipe = self.redis.pipeline(transaction=False)
            for delivery_id in ids:
                pipe.hgetall(self.keys.delivery(delivery_id))
            return [self._decode_delivery(raw) if raw else None for raw in pipe.execute()]

        keep = (lambda d: d["status"] == status) if status else None
        return page(range_then_load(self.redis, self.keys.webhook_deliveries(webhook_id), load), keep=keep,
                    cursor=cursor, limit=limit, descending=True)

    def retry_delivery(self, webhook_id: str, delivery_id: str) -> str | None:
        now = time.time()
        outcome = self._retry(webhook_id, delivery_id, int(now * 1000), now_iso(now),
                              self.lease_ms)
        if outcome[0] == "not_found":
            raise NotFound(f"no delivery {delivery_id} for webhook {webhook_id}")
        if outcome[0] == "disabled":
            raise WebhookDisabled(f"webhook {webhook_id} is disabled; enable it with "
                                  "PATCH {\"active\": true} first")
        return outcome[1] or None

    @staticmethod
    def _decode_delivery(raw: dict) -> dict:
        pending = raw.get("status") == "pending"
        return {
            "id": raw["id"],
            "webhook_id": raw.get("webhook_id"),
            "event_id": raw.get("event_id"),
            "message_id": message_id(raw.get("event_id", "")),
            "event_type": raw.get("event_type"),
            "status": raw.get("status"),
            "attempts": int(raw.get("attempts") or 0),
            "last_status_code": int(raw["last_status_code"]) if raw.get("last_status_code") else None,
            "last_latency_ms": float(raw["last_latency_ms"]) if raw.get("last_latency_ms") else None,
            "last_error": raw.get("last_error") or None,
            "next_attempt_at": (now_iso(int(raw["next_attempt_ms"]) / 1000)
                                if pending and raw.get("next_attempt_ms") else None),
            "created_at": raw.get("created_at"),
            "updated_at": raw.get("updated_at"),
            "attempt_log": json.loads(raw.get("attempt_log") or "[]"),
        }
