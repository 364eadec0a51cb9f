"""Cursor paging over a sorted-set index, shared by every list the API serves."""
from __future__ import annotations

import base64
import json
from collections.abc import Callable

import redis

from service.store.errors import InvalidCursor

# A filtered list looks at no more rows than this per page; its cursor resumes the walk.
LIST_SCAN_LIMIT = 2000

Load = Callable[[list[str]], list[dict | None]]
Keep = Callable[[dict], bool] | None


def encode_cursor(score: float, member: str) -> str:
    raw = json.dumps([score, member], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[float, str]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        score, member = json.loads(base64.urlsafe_b64decode(padded.encode()))
        return float(score), str(member)
    except (ValueError, TypeError, UnicodeDecodeError):
        raise InvalidCursor("the cursor is not one this API handed out",
                            errors={"cursor": ["not a valid cursor"]}) from None


def _rows_after(client: redis.Redis, index: str, bound: str, count: int, *,
                descending: bool) -> list[tuple[str, float]]:
    if descending:
        return client.zrevrangebyscore(index, bound, "-inf", start=0, num=count, withscores=True)
    return client.zrangebyscore(index, bound, "+inf", start=0, num=count, withscores=True)


def page(client: redis.Redis, index: str, load: Load, *, keep: Keep = None,
         cursor: str | None = None, limit: int = 50,
         descending: bool = False) -> tuple[list[dict], str | None]:
    """One page of `index` after the cursor: members loaded by `load` (None: gone), filtered by
    `keep`, stopping at `limit` kept rows or LIST_SCAN_LIMIT rows looked at.

    Index scores are unique (sequence numbers, or offsets made unique), so an exclusive score
    bound resumes exactly where a page ended, whatever was written since.
    """
    after = decode_cursor(cursor) if cursor else None
    bound = f"({after[0]!r}" if after else ("+inf" if descending else "-inf")
    kept: list[dict] = []
    looked_at = 0
    while True:
        rows = _rows_after(client, index, bound, max(limit, 50), descending=descending)
        if not rows:
            return kept, None
        for (member, score), row in zip(rows, load([member for member, _score in rows])):
            looked_at += 1
            bound = f"({score!r}"
            if row is not None and (keep is None or keep(row)):
                kept.append(row)
            if len(kept) == limit or looked_at >= LIST_SCAN_LIMIT:
                more = _rows_after(client, index, bound, 1, descending=descending)
                return kept, encode_cursor(score, member) if more else None
