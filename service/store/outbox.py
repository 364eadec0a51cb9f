"""Reading the event outbox (a stream every change appends to in its own atomic step): the live changes feed."""
from __future__ import annotations

import json

import redis

from service.events import STREAM_START, change_summary, stream_position
from service.store.keys import PREFIX, Keys


def _next_stream_id(position: tuple[int, int]) -> str:
    """The first id after `position`, inclusive (Redis 6.2 has "(id", but it refuses one past
    the largest id, which a client may send)."""
    milliseconds, sequence = position
    if sequence < 2 ** 64 - 1:
        return f"{milliseconds}-{sequence + 1}"
    if milliseconds < 2 ** 64 - 1:
        return f"{milliseconds + 1}-0"
    return f"{milliseconds}-{sequence}"  # the largest id: nothing follows, and XADD never makes it


class OutboxStore:
    """The outbox as live views read it (webhook fan-out reads it in WebhookStore)."""

    def __init__(self, client: redis.Redis, *, prefix: str = PREFIX):
        self.redis = client
        self.keys = Keys(prefix)

    def newest_event_id(self) -> str:
        """The outbox's last entry id (`0-0` when it is empty): one O(1) read."""
        newest = self.redis.xrevrange(self.keys.events, count=1)
        return newest[0][0] if newest else STREAM_START

    def changes_after(self, since: str, *, limit: int) -> dict:
        """`{cursor, events, truncated}`: summaries of up to `limit` outbox events after the
        cursor `since`, oldest first. `truncated` says they are not the whole story: more
        followed, trimming dropped events after `since`, or `since` is newer than anything
        here (the data was replaced); the reader should then load its views again."""
        key = self.keys.events
        after = stream_position(since)
        pipe = self.redis.pipeline(transaction=True)  # the cursor is never behind the events read
        pipe.xrevrange(key, count=1)
        pipe.xrange(key, count=1)
        pipe.xrange(key, min=_next_stream_id(after), max="+", count=limit + 1)
        newest, oldest, entries = pipe.execute()
        cursor = newest[0][0] if newest else STREAM_START
        trimmed_past_since = bool(oldest) and after != (0, 0) and after < stream_position(oldest[0][0])
        from_elsewhere = after > stream_position(cursor)
        return {
            "cursor": cursor,
            "events": [change_summary(entry_id, fields) for entry_id, fields in entries[:limit]],
            "truncated": len(entries) > limit or trimmed_past_since or from_elsewhere,
        }

    def events(self, count: int = 100) -> list[dict]:
        """The latest outbox events, oldest first."""
        rows = self.redis.xrevrange(self.keys.events, count=count)
        return [json.loads(fields["body"]) for _, fields in reversed(rows)]
