"""Standard Webhooks signing, and delivering an endpoint's line of events over HTTP with requests."""
from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass

import requests
from requests.adapters import HTTPAdapter
from urllib3 import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.exceptions import MaxRetryError, NewConnectionError
from urllib3.util import connection as urllib3_connection

from service.errors import UnsafeWebhookUrl
from service.events import message_id
from service.logs import REQUEST_ID
from service.store import WebhookStore, now_iso
from service.webhooks import parse_retry_after, public_addresses, retry_delay, secret_bytes

log = logging.getLogger(__name__)

USER_AGENT = "claimtrack-webhooks/1"
RESPONSE_BODY_LIMIT = 4096      # bytes of a receiver's answer ever read
LOGGED_BODY_CHARS = 256
CONNECT_TIMEOUT_SECONDS = 3.0
# One drain task sends at most this much before handing its lease to a fresh task, so a busy
# endpoint does not keep a worker slot from the others.
DRAIN_BUDGET_DELIVERIES = 500
DRAIN_BUDGET_SECONDS = 10.0


def sign(secrets: Sequence[str], *, msg_id: str, timestamp: int, body: bytes) -> str:
    """`webhook-signature`: one `v1,<base64 HMAC-SHA256 of id.timestamp.body>` per secret,
    space-separated (two while a rotated-out secret is still in its grace period)."""
    signed = f"{msg_id}.{timestamp}.".encode() + body
    return " ".join(
        "v1," + base64.b64encode(hmac.new(secret_bytes(s), signed, hashlib.sha256).digest()).decode()
        for s in secrets)


# -- an HTTP session that connects only to public addresses ------------------------------------
class _RefusedAddress(NewConnectionError):
    pass


class _PublicOnlyMixin:
    """Resolve, check and connect to the same address, so DNS cannot change in between."""

    def _new_conn(self):
        try:
            addresses = public_addresses(self._dns_host, self.port)
        except UnsafeWebhookUrl as exc:
            raise _RefusedAddress(self, f"refused: {exc.message}") from None
        last_error: OSError | None = None
        for address in addresses:
            try:
                return urllib3_connection.create_connection(
                    (address, self.port), self.timeout, source_address=self.source_address,
                    socket_options=self.socket_options)
            except OSError as exc:
                last_error = exc
        raise NewConnectionError(self, f"Failed to establish a new connection: {last_error}")


class _PublicHTTPConnection(_PublicOnlyMixin, HTTPConnection):
    pass


class _PublicHTTPSConnection(_PublicOnlyMixin, HTTPSConnection):
    pass


class _PublicHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = _PublicHTTPConnection


class _PublicHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = _PublicHTTPSConnection


class _PublicOnlyAdapter(HTTPAdapter):
    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _PublicHTTPConnectionPool,
                                                   "https": _PublicHTTPSConnectionPool}


def new_session(*, allow_private: bool) -> requests.Session:
    """A keep-alive session; unless `allow_private`, it refuses non-public addresses at
    connect time (checked again on every new connection: DNS can change)."""
    session = requests.Session()
    # No proxies from the environment: the address check must see the receiver itself.
    session.trust_env = False
    adapter = HTTPAdapter(pool_maxsize=4) if allow_private else _PublicOnlyAdapter(pool_maxsize=4)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


# -- one attempt -------------------------------------------------------------------------------
@dataclass(frozen=True)
class AttemptResult:
    status_code: int | None
    latency_ms: float
    error: str | None = None
    retry_after: float | None = None
    response_body: str = ""

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def describe_failure(exc: requests.RequestException, timeout: float) -> str:
    """Why a request through `new_session` failed, in words for a log or a feed's error."""
    if isinstance(exc, requests.ConnectTimeout):
        return f"connecting timed out after {CONNECT_TIMEOUT_SECONDS:g} s"
    if isinstance(exc, requests.ReadTimeout):
        return f"no answer within {timeout:g} s"
    reason = exc.args[0] if exc.args else exc
    if isinstance(reason, MaxRetryError):
        reason = reason.reason
    if isinstance(reason, _RefusedAddress):
        return str(reason).split(": ", 1)[-1]
    if isinstance(reason, NewConnectionError):
        return "connection failed: " + str(reason).rsplit(": ", 1)[-1]
    return f"{type(exc).__name__}: {str(reason)[:300]}"


def post(session: requests.Session, url: str, *, body: bytes, headers: dict,
         timeout: float) -> AttemptResult:
    """POST once: no redirects followed, at most RESPONSE_BODY_LIMIT bytes of the answer
    read, and the whole exchange bounded by about `timeout` after connecting."""
    started = time.perf_counter()
    deadline = time.monotonic() + CONNECT_TIMEOUT_SECONDS + timeout
    try:
        with session.post(url, data=body, headers=headers, allow_redirects=False, stream=True,
                          timeout=(min(CONNECT_TIMEOUT_SECONDS, timeout), timeout)) as response:
            received = bytearray()
            complete = True
            for chunk in response.iter_content(chunk_size=1024):
                received += chunk
                if len(received) >= RESPONSE_BODY_LIMIT or time.monotonic() > deadline:
                    complete = False
                    break
            if not complete:
                response.raw.close()  # unread bytes: the connection cannot be reused
            latency = (time.perf_counter() - started) * 1000
            code = response.status_code
            error = None
            if 300 <= code < 400:
                error = f"redirect to {response.headers.get('Location', '?')[:200]} not followed"
            elif not 200 <= code < 300:
                error = f"HTTP {code}"
            retry_after = (parse_retry_after(response.headers.get("Retry-After"))
                           if code in (429, 503) else None)
            return AttemptResult(code, round(latency, 1), error, retry_after,
                                 received[:LOGGED_BODY_CHARS].decode("utf-8", "replace"))
    except requests.RequestException as exc:
        return AttemptResult(None, round((time.perf_counter() - started) * 1000, 1),
                             describe_failure(exc, timeout))


# -- an endpoint's line ------------------------------------------------------------------------
def _log_attempt(webhook_id: str, delivery: dict, result: AttemptResult) -> None:
    log.log(logging.INFO if result.succeeded else logging.WARNING,
            "webhook %s delivery %s: %s", webhook_id, delivery["id"],
            result.status_code if result.error is None else result.error,
            extra={"webhook_id": webhook_id, "delivery_id": delivery["id"], "event_id": delivery["event_id"],
                   "event_type": delivery.get("event_type"), "status_code": result.status_code,
                   "latency_ms": result.latency_ms, "attempt": delivery["attempts"] + 1})


def deliver(webhooks: WebhookStore, webhook_id: str, delivery: dict, token: str, *,
            session: requests.Session, schedule: tuple[int, ...], timeout: float,
            rng: random.Random | None = None) -> bool:
    """Send one delivery (signed afresh) and record the outcome; True when it succeeded."""
    body = delivery["payload"].encode()
    timestamp = int(time.time())
    msg_id = message_id(delivery["event_id"])
    headers = {"content-type": "application/json", "user-agent": USER_AGENT,
               "webhook-id": msg_id, "webhook-timestamp": str(timestamp),
               "webhook-signature": sign(delivery["secrets"], msg_id=msg_id, timestamp=timestamp,
                                         body=body)}
    result = post(session, delivery["url"], body=body, headers=headers, timeout=timeout)
    # The line names the request that caused the event (an article's submission), not the one
    # that happened to start this drain (service/logs.py).
    request_token = REQUEST_ID.set(delivery.get("request_id"))
    try:
        _log_attempt(webhook_id, delivery, result)
    finally:
        REQUEST_ID.reset(request_token)
    attempt = {"attempt": delivery["attempts"] + 1, "at": now_iso(), "status_code": result.status_code,
               "latency_ms": result.latency_ms, "error": result.error,
               "response": result.response_body or None}
    if result.succeeded:
        webhooks.record_attempt(webhook_id, token, delivery["id"], outcome="succeeded", attempt=attempt)
        return True
    failures = delivery["failures"] + 1
    if result.status_code == 410:
        reason = "the endpoint answered 410 Gone"
        delay = None
    else:
        delay = retry_delay(failures, schedule, retry_after=result.retry_after, rng=rng)
        reason = (f"every attempt of the retry schedule failed ({failures} in a row; "
                  f"last: {result.error})")
    if delay is None:
        log.error("webhook %s disabled: %s", webhook_id, reason)
        webhooks.record_attempt(webhook_id, token, delivery["id"], outcome="failed", attempt=attempt,
                                disable_reason=reason)
    else:
        attempt["next_attempt_in_s"] = round(delay, 1)
        webhooks.record_attempt(webhook_id, token, delivery["id"], outcome="retry", attempt=attempt,
                                due_ms=int((time.time() + delay) * 1000))
    return False


def drain(webhooks: WebhookStore, webhook_id: str, token: str, *, session: requests.Session,
          schedule: tuple[int, ...], timeout: float) -> bool:
    """Send the endpoint's deliveries in order while `token` holds it, until its line is empty,
    an attempt fails (the line waits for the retry) or the budget is spent. True when work is
    left and the lease is still held: the caller hands it to a fresh task."""
    started = time.monotonic()
    sent = 0
    while True:
        delivery = webhooks.next_delivery(webhook_id, token)
        if delivery is None:
            return False
        if sent >= DRAIN_BUDGET_DELIVERIES or time.monotonic() - started > DRAIN_BUDGET_SECONDS:
            return True
        if not deliver(webhooks, webhook_id, delivery, token, session=session, schedule=schedule,
                       timeout=timeout):
            return False
        sent += 1
