"""Webhook rules: secrets, safe endpoint URLs, the retry schedule (the webhook store builds on
them; what admins do with a subscription is in service/subscriptions.py)."""
from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import ipaddress
import random
import secrets as random_secrets
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from enum import Enum
from urllib.parse import urlsplit, urlunsplit

from service.errors import InvalidWebhookSecret, UnsafeWebhookUrl

SECRET_PREFIX = "whsec_"
SECRET_MIN_BYTES, SECRET_MAX_BYTES = 24, 64
DEFAULT_GRACE_SECONDS = 24 * 3600
MAX_GRACE_SECONDS = 7 * 24 * 3600
RESOLVE_TIMEOUT_SECONDS = 5.0
RETRY_JITTER = 0.2
MAX_RETRY_AFTER_SECONDS = 24 * 3600


class DeliveryStatus(str, Enum):
    PENDING = "pending"        # waiting in the endpoint's line, or for its next attempt
    SUCCEEDED = "succeeded"
    FAILED = "failed"          # given up: 410, or the retry schedule ran out






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
    addresses = []
    for info in infos:
        address = info[4][0]
        # An IPv4 or IPv6 socket address starts with the host; only a Python built without IPv6
        # gives an IPv6 address as (family, bytes).
        assert isinstance(address, str)
        addresses.append(address)
    return list(dict.fromkeys(addresses))


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
        moment = moment.replace(tzinfo=dt.UTC)
    return max(0.0, moment.timestamp() - (time.time() if now is None else now))
