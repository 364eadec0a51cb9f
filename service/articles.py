"""Articles as the API takes them: submission (deduplicated by content) and corrections."""
from __future__ import annotations

import secrets

from service.claims import ArticleStatus, content_hash
from service.errors import ArticleTooLarge
from service.store import Store, now_iso


def article_body(data: dict, *, max_bytes: int) -> tuple[str, str, int]:
    """(field, body, its UTF-8 bytes) of a submission: its text or its HTML, within the size limit."""
    field = "text" if data.get("text") is not None else "html"
    body = data[field]
    size = len(body.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        raise ArticleTooLarge(f"the article is {size} bytes; the limit is {max_bytes}",
                              errors={field: [f"at most {max_bytes} bytes"]})
    return field, body, size


def submit_article(store: Store, data: dict, *, max_bytes: int, submitted_by: str,
                   idempotency_key: str | None = None) -> tuple[bool, dict]:
    """Store an article for extraction. Returns (created, article); the same content again
    returns the article already stored, whatever its status."""
    _field, body, _size = article_body(data, max_bytes=max_bytes)
    published = data.get("published_at")
    stamp = now_iso()
    fields = {
        "text": data.get("text"),
        "html": data.get("html"),
        "title": data.get("title"),
        "url": data.get("url"),
        "source": data.get("source"),
        "published_at": published.isoformat() if published else None,
        "language": data.get("language"),
        "status": ArticleStatus.QUEUED.value,
        "claim_count": 0,
        "submitted_by": submitted_by,
        "created_at": stamp,
        "updated_at": stamp,
        "timings": {"queued_at": stamp},
    }
    article_id = "art_" + secrets.token_hex(10)
    return store.create_article(article_id, fields, content_hash=content_hash(body),
                                idempotency_key=idempotency_key and f"{submitted_by}:{idempotency_key}")


def correct_article(store: Store, article_id: str, data: dict, *, max_bytes: int,
                    corrected_by: str) -> dict:
    """Replace the article's text with a correction and queue it for re-extraction: claims
    whose text is unchanged keep their ids, states and verdicts; the others are retracted."""
    field, body, _size = article_body(data, max_bytes=max_bytes)
    stamp = now_iso()
    fields = {field: body, "status": ArticleStatus.QUEUED.value, "corrected_by": corrected_by,
              "corrected_at": stamp, "timings": {"queued_at": stamp}}
    for name in ("title", "url", "source", "language"):
        if data.get(name) is not None:
            fields[name] = data[name]
    if data.get("published_at"):
        fields["published_at"] = data["published_at"].isoformat()
    return store.correct_article(article_id, fields, content_hash=content_hash(body))
