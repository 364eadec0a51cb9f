"""Articles: submission (deduplicated by content and Idempotency-Key), status, correction and the extraction queue."""
from __future__ import annotations

import json
import time

import redis

from service.errors import IdempotencyConflict, NotFound
from service.logs import current_request_id
from service.store.keys import PREFIX, Keys
from service.store.paging import page, range_then_load
from service.store.scripts import Script
from service.store.stamps import now_iso

# Article hash fields holding JSON; everything else is a plain string.
ARTICLE_JSON_FIELDS = ("timings", "extractor")
# An article hash's fields but its text and HTML: what lists of articles show.
_SUMMARY_FIELDS = ("id", "status", "title", "url", "source", "published_at", "language",
                   "claim_count", "error", "skipped_reason", "content_hash", "created_at",
                   "updated_at", "timings", "extractor")
IDEMPOTENCY_TTL_SECONDS = 24 * 3600


def encode_article_fields(fields: dict) -> dict[str, str]:
    return {k: (json.dumps(v) if k in ARTICLE_JSON_FIELDS else str(v))
            for k, v in fields.items() if v is not None}


def _decode_article(raw: dict, *, with_text: bool, has_html: bool | None = None) -> dict:
    if has_html is None:  # the whole hash was read
        has_html = raw.get("html") is not None
    article = {
        "id": raw["id"],
        "status": raw.get("status"),
        "title": raw.get("title"),
        "url": raw.get("url"),
        "source": raw.get("source"),
        "published_at": raw.get("published_at"),
        "language": raw.get("language"),
        "claim_count": int(raw.get("claim_count") or 0),
        "error": raw.get("error"),
        "skipped_reason": raw.get("skipped_reason") or None,
        "content_hash": raw.get("content_hash"),
        "format": "html" if has_html else "text",
        "created_at": raw.get("created_at"),
        "updated_at": raw.get("updated_at"),
        "timings": json.loads(raw["timings"]) if raw.get("timings") else {},
        "extractor": json.loads(raw["extractor"]) if raw.get("extractor") else None,
    }
    if with_text:
        article["text"] = raw.get("text")
    return article


def _request_id() -> dict[str, str]:
    """The request submitting or correcting an article, kept with it: deliveries of the events
    its extraction writes log it (webhooks_prelude.lua)."""
    request_id = current_request_id()
    return {"request_id": request_id} if request_id else {}


class ArticleStore:
    """Articles and their way through extraction (queued → processing → done | failed)."""

    def __init__(self, client: redis.Redis, *, prefix: str = PREFIX):
        self.redis = client
        self.keys = Keys(prefix)
        self._create = Script(client, "create_article", prefix=prefix)
        self._correct = Script(client, "correct_article", prefix=prefix)
        self._fail = Script(client, "fail_article", prefix=prefix, preludes=("claims",))

    def create_article(self, article_id: str, fields: dict, *, content_hash: str,
                       idempotency_key: str | None = None) -> tuple[bool, dict]:
        """Store a new article; the same content (or Idempotency-Key) again returns the stored one."""
        encoded = encode_article_fields(fields)
        encoded.update(id=article_id, content_hash=content_hash, **_request_id())
        outcome, stored_id = self._create(article_id, content_hash, idempotency_key or "",
                                          IDEMPOTENCY_TTL_SECONDS, json.dumps(encoded),
                                          int(time.time() * 1000))
        if int(outcome) == 2:
            raise IdempotencyConflict(
                "this Idempotency-Key was already used for a different article",
                errors={"Idempotency-Key": [f"already used for article {stored_id}"]})
        return int(outcome) == 1, self.get_article(stored_id)

    def get_article(self, article_id: str, *, with_text: bool = False) -> dict:
        raw = self.redis.hgetall(self.keys.article(article_id))
        if not raw:
            raise NotFound(f"no article {article_id}")
        return _decode_article(raw, with_text=with_text)

    def article_source(self, article_id: str) -> dict:
        """What extraction needs: the submitted text or HTML, the metadata and the timings."""
        names = ["text", "html", "published_at", "title", "language", "timings"]
        raw = self.redis.hmget(self.keys.article(article_id), names)
        if raw[0] is None and raw[1] is None:
            raise NotFound(f"no article {article_id}")
        source = dict(zip(names, raw))
        source["timings"] = json.loads(source["timings"]) if source["timings"] else {}
        return source

    def _summaries(self, ids: list[str]) -> list[dict | None]:
        """Articles without their text (None for unknown ids), in one round trip; the text and
        HTML (up to megabytes each) are never read, only whether HTML was submitted."""
        pipe = self.redis.pipeline(transaction=False)
        for article_id in ids:
            key = self.keys.article(article_id)
            pipe.hmget(key, _SUMMARY_FIELDS)
            pipe.hexists(key, "html")
        answers = pipe.execute()
        summaries: list[dict | None] = []
        for values, has_html in zip(answers[0::2], answers[1::2]):
            raw = {name: value for name, value in zip(_SUMMARY_FIELDS, values) if value is not None}
            summaries.append(_decode_article(raw, with_text=False, has_html=has_html)
                             if raw.get("id") else None)
        return summaries

    def list_articles(self, *, status: str | None = None, cursor: str | None = None,
                      limit: int = 50, newest_first: bool = False) -> tuple[list[dict], str | None]:
        return page(range_then_load(self.redis, self.keys.articles, self._summaries),
                    keep=(lambda a: a["status"] == status) if status else None,
                    cursor=cursor, limit=limit, descending=newest_first)

    def articles_by_id(self, ids: list[str]) -> list[dict]:
        """The known ones of `ids`, without text, in the order given (repeats once)."""
        wanted = list(dict.fromkeys(ids))
        return [article for article in self._summaries(wanted) if article is not None]

    def mark_processing(self, article_id: str, *, timings: dict) -> None:
        pipe = self.redis.pipeline()
        pipe.hset(self.keys.article(article_id), mapping={
            "status": "processing", "timings": json.dumps(timings), "updated_at": now_iso()})
        pipe.zrem(self.keys.articles_queued, article_id)
        pipe.zadd(self.keys.articles_processing, {article_id: time.time() * 1000})
        pipe.execute()

    def fail_article(self, article_id: str, error: str, *, timings: dict | None = None) -> bool:
        """Mark a queued or processing article failed, with its `article.failed` event, in one
        step; an article already done (or failed, or gone) is left as it is. True when failed."""
        return bool(self._fail(article_id, error[:2000], now_iso(),
                               json.dumps(timings) if timings else ""))

    def correct_article(self, article_id: str, fields: dict, *, content_hash: str) -> dict:
        """Replace an article's text (a correction); its claims are re-extracted next."""
        encoded = encode_article_fields(fields)
        outcome = self._correct(article_id, content_hash,
                                json.dumps({**encoded, "content_hash": content_hash, **_request_id()}),
                                int(time.time() * 1000))
        if int(outcome[0]) == -1:
            raise NotFound(f"no article {article_id}")
        if int(outcome[0]) == 0:
            raise IdempotencyConflict(f"that text is already article {outcome[1]}",
                                      errors={"text": [f"the same content as article {outcome[1]}"]})
        return self.get_article(article_id)

    def articles_waiting_since(self, status: str, seconds_ago: float) -> list[str]:
        """Articles in `status` (queued or processing) since before the given age."""
        index = {"queued": self.keys.articles_queued,
                 "processing": self.keys.articles_processing}[status]
        cutoff = int((time.time() - seconds_ago) * 1000)
        return self.redis.zrangebyscore(index, "-inf", cutoff, start=0, num=1000)

    def requeued(self, article_ids: list[str]) -> None:
        """Restart the waiting clock of articles whose extraction was sent again."""
        if article_ids:
            now_ms = time.time() * 1000
            self.redis.zadd(self.keys.articles_queued, {a: now_ms for a in article_ids}, xx=True)
