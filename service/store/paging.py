"""Cursor paging over a sorted-set index, shared by every list the API serves."""
from __future__ import annotations

import base64
import json
from collections.abc import Callable

import redis

from service.errors import InvalidCursor

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


# (bound, count, descending) → up to `count` rows past the bound; the last row's record may be
# left None (page() reads at most count - 1 of them and only asks whether the last exists).
Fetch = Callable[[str, int, bool], list[tuple[str, float, dict | None]]]


def range_then_load(client: redis.Redis, index: str, load: Load) -> Fetch:
    """Rows of `index` from a bound, then their records by `load` (two round trips)."""

    def fetch(bound: str, count: int, descending: bool) -> list[tuple[str, float, dict | None]]:
        if descending:
            rows = client.zrevrangebyscore(index, bound, "-inf", start=0, num=count, withscores=True)
        else:
            rows = client.zrangebyscore(index, bound, "+inf", start=0, num=count, withscores=True)
        if not rows:
            return []
        return [(member, score, row) for (member, score), row in zip(rows, load([m for m, _s in rows]))]

    return fetch


def first_stretch(*, cursor: str | None, limit: int, descending: bool) -> tuple[str, int]:
    """The bound and row count of the first fetch `page` makes (InvalidCursor for a bad cursor)."""
    after = decode_cursor(cursor) if cursor else None
    bound = f"({after[0]!r}" if after else ("+inf" if descending else "-inf")
    return bound, max(limit, 50) + 1


def page(fetch: Fetch, *, keep: Keep = None, cursor: str | None = None, limit: int = 50,
         descending: bool = False) -> tuple[list[dict], str | None]:
    """One page after the cursor: rows from `fetch` (row None: gone), filtered by `keep`,
    stopping at `limit` kept rows or LIST_SCAN_LIMIT rows looked at.

    Index scores are unique (sequence numbers, or offsets made unique), so an exclusive score
    bound resumes exactly where a page ended, whatever was written since. Each stretch asks
    for one row more than it reads, so whether another page follows costs no extra call.
    """
    bound, count = first_stretch(cursor=cursor, limit=limit, descending=descending)
    stretch = count - 1
    kept: list[dict] = []
    looked_at = 0
    while True:
        rows = fetch(bound, count, descending)
        for position, (member, score, row) in enumerate(rows[:stretch]):
            looked_at += 1
            bound = f"({score!r}"
            if row is not None and (keep is None or keep(row)):
                kept.append(row)
            if len(kept) == limit or looked_at >= LIST_SCAN_LIMIT:
                return kept, encode_cursor(score, member) if position + 1 < len(rows) else None
        if len(rows) <= stretch:
            return kept, None
