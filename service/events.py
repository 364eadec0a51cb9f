"""Event types, the webhook payload each outbox event becomes, and the changes feed."""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from enum import Enum

log = logging.getLogger(__name__)


class EventType(str, Enum):
    ARTICLE_PROCESSED = "article.processed"
    ARTICLE_FAILED = "article.failed"
    CLAIM_CREATED = "claim.created"
    CLAIM_STATUS_CHANGED = "claim.status_changed"
    CLAIM_MATCHED = "claim.matched"
    WEBHOOK_TEST = "webhook.test"


# What a subscription may ask for; webhook.test goes only to the endpoint being tested.
SUBSCRIBABLE = tuple(t.value for t in EventType if t is not EventType.WEBHOOK_TEST)

MAX_PAYLOAD_BYTES = 20_000
# article.processed names its claims; past this many, the payload links to the full list.
CLAIM_IDS_PER_PAYLOAD = 200


@dataclass(frozen=True)
class OutboxEvent:
    """One event as it is sent: `id` is its outbox (stream) entry id, stable across retries."""

    id: str
    type: str
    payload: str


def message_id(event_id: str) -> str:
    """The `webhook-id` header: the same on every attempt and every replay of the event."""
    return f"msg_{event_id}"


def _encode(body: dict) -> str:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


def webhook_payload(raw_body: str, *, public_url: str) -> str:
    """The body a receiver gets for a stored event: `{type, timestamp, data}`, under 20 KB.

    The stored event stays complete; only what is sent is capped (claims by id and link).
    """
    stored = json.loads(raw_body)
    data = stored.get("data")
    data = dict(data) if isinstance(data, dict) else {}
    if stored.get("type") == EventType.ARTICLE_PROCESSED.value:
        # Redis' cjson writes an empty list as {}.
        claim_ids = data.get("claim_ids") or []
        article_id = data.get("article_id")
        data["claim_count"] = data.get("claim_count", len(claim_ids))
        if article_id:
            data["claims_url"] = f"{public_url.rstrip('/')}/api/v1/articles/{article_id}/claims"
        data["claim_ids"] = claim_ids[:CLAIM_IDS_PER_PAYLOAD]
        data["claim_ids_truncated"] = len(claim_ids) > CLAIM_IDS_PER_PAYLOAD
    body = {"type": stored.get("type"), "timestamp": stored.get("timestamp"), "data": data}
    encoded = _encode(body)
    if len(encoded.encode()) > MAX_PAYLOAD_BYTES:
        # Whatever grew past the limit, ids, versions and links still say what happened.
        body["data"] = {k: v for k, v in data.items()
                        if isinstance(v, (int, float, bool)) or v is None
                        or (isinstance(v, str) and len(v) <= 2048)}
        body["data"]["truncated"] = True
        encoded = _encode(body)
    return encoded


# -- the changes feed: what a live view needs to know of each outbox event ------------------
StreamPosition = tuple[int, int]
STREAM_START = "0-0"


def stream_position(entry_id: str) -> StreamPosition:
    """A stream entry id (`1719999999999-3`, or just the milliseconds) as comparable numbers."""
    milliseconds, _, sequence = entry_id.partition("-")
    return int(milliseconds), int(sequence or 0)


def change_summary(entry_id: str, fields: dict) -> dict:
    """One outbox event as `{id, type, claim_id?, article_id?, matched_claim_id?, status?}`:
    which records to read again, not their content (the reader has the API for that)."""
    try:
        data = json.loads(fields.get("body") or "{}").get("data")
    except (ValueError, AttributeError):
        data = None
    data = data if isinstance(data, dict) else {}
    change = {"id": entry_id, "type": fields.get("type", "")}
    for name in ("claim_id", "article_id", "matched_claim_id"):
        if isinstance(data.get(name), str):
            change[name] = data[name]
    if isinstance(data.get("to"), str):  # claim.created and claim.status_changed
        change["status"] = data["to"]
    return change
