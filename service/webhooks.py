"""Webhook subscriptions: secrets, safe endpoint URLs, the retry schedule, and the admin actions."""
from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import ipaddress
import json
import random
import secrets as random_secrets
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from enum import Enum
from typing import TYPE_CHECKING, Callable, Iterable
from urllib.parse import urlsplit, urlunsplit

from service.claims import DomainError
from service.events import EventType, OutboxEvent, message_id, webhook_payload

if TYPE_CHECKING:
    from service.store import WebhookStore

SECRET_PREFIX = "whsec_"
SECRET_MIN_BYTES, SECRET_MAX_BYTES = 24, 64
DEFAULT_GRACE_SECONDS = 24 * 3600
MAX_GRACE_SECONDS = 7 * 24 * 3600
RESOLVE_TIMEOUT_SECONDS = 5.0
RETRY_JITTER = 0.2
MAX_RETRY_AFTER_SECONDS = 24 * 3600
REPLAY_LIMIT = 50_000
REPLAY_BATCH = 500

# Wakes a drainer for an endpoint: (webhook id, drain token) → a delivery task is sent.
Wake = Callable[[str, str], None]


class DeliveryStatus(str, Enum):
    PENDING = "pending"        # waiting in the endpoint's line, or for its next attempt
    SUCCEEDED = "succeeded"
    FAILED = "failed"          # given up: 410, or the retry schedule ran out


class UnsafeWebhookUrl(DomainError):
    """The URL is not http(s), or its host is (or resolves to) a non-public address."""


class DuplicateWebhook(DomainError):
    """Another subscription already posts to this URL."""


class InvalidWebhookSecret(DomainError):
    """A caller-supplied secret that is not `whsec_` + base64 of 24 to 64 bytes."""


class WebhookDisabled(DomainError):
    """The endpoint is disabled: re-enable it (PATCH active=true) before sending to it."""


# -- secrets ---------------------------------------------------------------------------------
def generate_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(random_secrets.token_bytes(32)).decode()


def secret_bytes(secret: str) -> bytes:
    raw = secret[len(SECRET_PREFIX):] if secret.startswith(SECRET_PREFIX) else secret
    return base64.b64decode(raw + "=" * (-len(raw) % 4), validate=True)


def check_secret(secret: str) -> str:
    """A caller's own secret, as Standard Webhooks has it: whsec_ + base64 of 24-64 bytes."""
    problem = None
    if not secret.startswith(SECRET_PREFIX):
        problem = f"must start with {SECRET_PREFIX}"
    else:
        try:
            size = len(secret_bytes(secret))
        except (binascii.Error, ValueError):
            problem = f"must be {SECRET_PREFIX} followed by base64"
        else:
            if not SECRET_MIN_BYTES <= size <= SECRET_MAX_BYTES:
                problem = (f"must encode {SECRET_MIN_BYTES} to {SECRET_MAX_BYTES} random bytes, "
                           f"not {size}")
    if problem:
        raise InvalidWebhookSecret(f"the secret {problem}", errors={"secret": [problem]})
    return secret


# -- safe URLs -------------------------------------------------------------------------------
_resolver = ThreadPoolExecutor(max_workers=4, thread_name_prefix="claimtrack-resolve")


def is_public_address(address: str) -> bool:
    """Refuses private, loopback, link-local (cloud metadata), shared, reserved, multicast."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def resolve(host: str, port: int, *, timeout: float = RESOLVE_TIMEOUT_SECONDS) -> list[str]:
    """The host's addresses; getaddrinfo has no timeout of its own, so it gets one here."""
    future = _resolver.submit(socket.getaddrinfo, host, port, proto=socket.IPPROTO_TCP)
    try:
        infos = future.result(timeout=timeout)
    except FutureTimeout:
        raise OSError(f"resolving {host} took longer than {timeout:g} s") from None
    except UnicodeError as exc:  # a label IDNA cannot encode (empty, over 63 characters)
        raise OSError(f"not a valid host name: {exc}") from None
    return list(dict.fromkeys(info[4][0] for info in infos))


def public_addresses(host: str, port: int) -> list[str]:
    """The host's addresses if every one is public; raises UnsafeWebhookUrl otherwise."""
    try:
        addresses = resolve(host, port)
    except OSError as exc:
        raise UnsafeWebhookUrl(f"the host {host} does not resolve: {exc}",
                               errors={"url": [f"{host} does not resolve"]}) from None
    refused = [a for a in addresses if not is_public_address(a)]
    if refused or not addresses:
        raise UnsafeWebhookUrl(
            f"the host {host} resolves to {', '.join(refused) or 'nothing'}, a private, loopback, "
            "link-local or otherwise non-public address (CLAIMTRACK_WEBHOOK_ALLOW_PRIVATE=1 allows it)",
            errors={"url": ["resolves to a non-public address"]})
    return addresses


def check_url(url: str, *, allow_private: bool) -> str:
    """The URL, normalised, if a webhook may post to it."""
    try:
        parts = urlsplit(url.strip())
    except ValueError as exc:  # e.g. an unclosed IPv6 bracket
        raise UnsafeWebhookUrl(f"the URL cannot be read: {exc}", errors={"url": [str(exc)]}) from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise UnsafeWebhookUrl("a webhook URL must be http(s) with a host",
                               errors={"url": ["must be http:// or https:// with a host"]})
    try:
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    except ValueError:
        raise UnsafeWebhookUrl("the URL's port is not a number from 1 to 65535",
                               errors={"url": ["invalid port"]}) from None
    if not allow_private:
        public_addresses(parts.hostname, port)
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", parts.query, ""))


def url_key(url: str) -> str:
    return hashlib.sha256(url.encode()).hexdigest()


# -- retries ---------------------------------------------------------------------------------
def retry_delay(failures: int, schedule: tuple[int, ...], *, retry_after: float | None = None,
                rng: random.Random | None = None) -> float | None:
    """Seconds until the next attempt after `failures` failed attempts in a row, or None when
    the schedule is spent. A receiver's Retry-After (429/503) wins over the schedule."""
    if failures > len(schedule):
        return None
    if retry_after is not None:
        return min(max(retry_after, 0.0), MAX_RETRY_AFTER_SECONDS)
    base = schedule[failures - 1]
    return base * (1 + (rng or random).uniform(-RETRY_JITTER, RETRY_JITTER))


def drain_lease_seconds(timeout: int) -> int:
    """How long a drainer holds an endpoint without news: above one whole attempt (connect,
    answer, bounded body), so only a drainer lost with its worker ever lets it lapse."""
    return 2 * timeout + 10


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Retry-After as seconds or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    from email.utils import parsedate_to_datetime

    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return max(0.0, moment.timestamp() - (time.time() if now is None else now))


# -- what the admin API does -----------------------------------------------------------------
def create_webhook(webhooks: "WebhookStore", *, url: str, events: Iterable[str],
                   description: str | None, secret: str | None, allow_private: bool) -> dict:
    """A new active subscription; the answer holds its secret, which is shown only here."""
    normalised = check_url(url, allow_private=allow_private)
    chosen_secret = check_secret(secret) if secret else generate_secret()
    record = webhooks.create("wh_" + random_secrets.token_hex(8), url=normalised,
                             events=sorted(set(events)), description=description,
                             secret=chosen_secret)
    return {**record, "secret": chosen_secret}


def update_webhook(webhooks: "WebhookStore", webhook_id: str, changes: dict, *,
                   allow_private: bool, wake: Wake) -> dict:
    if "url" in changes:
        changes = {**changes, "url": check_url(changes["url"], allow_private=allow_private)}
    if "events" in changes:
        changes = {**changes, "events": sorted(set(changes["events"]))}
    record, token = webhooks.update(webhook_id, changes)
    if token:
        wake(webhook_id, token)
    return record


def rotate_secret(webhooks: "WebhookStore", webhook_id: str, *, secret: str | None,
                  grace_seconds: int) -> dict:
    """A new secret; the old one keeps signing (as a second signature) for the grace period."""
    chosen_secret = check_secret(secret) if secret else generate_secret()
    record = webhooks.rotate_secret(webhook_id, chosen_secret, grace_ms=grace_seconds * 1000)
    return {**record, "secret": chosen_secret}


def send_test_event(webhooks: "WebhookStore", webhook_id: str, *, wake: Wake) -> dict:
    stamp = dt.datetime.now(dt.timezone.utc)
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


def replay_events(webhooks: "WebhookStore", webhook_id: str, *, since: dt.date | dt.datetime,
                  public_url: str, wake: Wake) -> dict:
    """Send the subscription every event it asked for since `since` (a date: its midnight UTC)
    again, in order and with their original webhook-ids (receivers deduplicate on them). Only
    events already handed out are replayed; later ones reach the endpoint anyway."""
    if not isinstance(since, dt.datetime):
        since = dt.datetime.combine(since, dt.time(), tzinfo=dt.timezone.utc)
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


def retry_delivery(webhooks: "WebhookStore", webhook_id: str, delivery_id: str, *,
                   wake: Wake) -> dict:
    """Try a delivery again now (a finished one goes to the back of the endpoint's line)."""
    token = webhooks.retry_delivery(webhook_id, delivery_id)
    if token:
        wake(webhook_id, token)
    return webhooks.get_delivery(webhook_id, delivery_id)
