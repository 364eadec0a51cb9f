"""Timestamps as the store writes them: ISO 8601 in UTC with milliseconds and a Z."""
from __future__ import annotations

import time
from datetime import UTC, datetime
from functools import lru_cache


def now_iso(ts: float | None = None) -> str:
    moment = datetime.fromtimestamp(time.time() if ts is None else ts, tz=UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


@lru_cache(maxsize=4096)  # one extraction's claims share their creation time
def iso_from_ms(milliseconds: int) -> str:
    """The stamp of a time stored as integer milliseconds (exact: no float rounding)."""
    seconds, ms = divmod(milliseconds, 1000)
    moment = datetime.fromtimestamp(seconds, tz=UTC).replace(microsecond=ms * 1000)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
