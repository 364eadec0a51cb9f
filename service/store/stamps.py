"""Timestamps as the store writes them: ISO 8601 in UTC with milliseconds and a Z."""
from __future__ import annotations

import time
from datetime import UTC, datetime


def now_iso(ts: float | None = None) -> str:
    moment = datetime.fromtimestamp(time.time() if ts is None else ts, tz=UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
