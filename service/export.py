"""Exporting claims as NDJSON or CSV, a page at a time, so memory stays flat however many there
are (what GET /api/v1/export/claims streams and `claimtrack export` writes)."""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

from service.store import Store

# Claims read per round trip of the walk.
EXPORT_PAGE = 500
FORMATS = ("ndjson", "csv")
MEDIA_TYPES = {"ndjson": "application/x-ndjson", "csv": "text/csv; charset=utf-8"}
# One row per claim; lists are joined with "; " (entities by canonical name, dates by ISO value
# or text), the lease holder by key id.
CSV_COLUMNS = ("id", "article_id", "status", "rating", "score", "text", "sentence", "attribution", "kind",
               "needs_context", "entities", "dates", "assignee", "explanation", "reason", "created_at",
               "updated_at")


def claims(store: Store, filters: dict) -> Iterator[dict]:
    """Every claim the claims list would page through with `filters`, in its order."""
    cursor = None
    while True:
        page, cursor = store.list_claims(**filters, cursor=cursor, limit=EXPORT_PAGE)
        yield from page
        if cursor is None:
            return


def ndjson_lines(rows: Iterator[dict]) -> Iterator[str]:
    for row in rows:
        yield json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n"


def csv_lines(rows: Iterator[dict]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow(_csv_row(row))
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    if buffer.getvalue():  # the header of an empty export
        yield buffer.getvalue()


def lines(rows: Iterator[dict], export_format: str) -> Iterator[str]:
    """`rows` (claims) written in `export_format`, a line or row at a time."""
    return csv_lines(rows) if export_format == "csv" else ndjson_lines(rows)


def _csv_row(claim: dict) -> list:
    holder = claim.get("assignee")
    values = {
        **claim,
        "entities": "; ".join(entity.get("canonical") or entity.get("text", "")
                              for entity in claim.get("entities") or []),
        "dates": "; ".join(date.get("iso") or date.get("text", "") for date in claim.get("dates") or []),
        "assignee": holder.get("key_id", "") if isinstance(holder, dict) else "",
    }
    return [_cell(values.get(column)) for column in CSV_COLUMNS]


def _cell(value) -> str:
    if value is None:
        return ""
    text = str(value).lower() if isinstance(value, bool) else str(value)
    # A cell a spreadsheet would run as a formula ("=HYPERLINK(...)") is written as text.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
