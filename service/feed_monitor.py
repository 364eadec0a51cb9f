"""Feed monitoring as admins and the poller use it: feeds created and changed (their URLs
checked as webhook endpoints are), and a feed entry turned into an article once, through the
same submission as POST /articles (the worker fetches and parses, workers/feeds.py)."""
from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable

from service.articles import submit_article
from service.claims import content_hash
from service.errors import ArticleTooLarge
from service.feeds import ENTRY_CLAIM_SECONDS, TITLE_MAX_CHARS, article_link, check_feed_url, entry_identities
from service.store import Store


def create_feed(store: Store, *, url: str, title: str | None, interval_seconds: int,
                fetch_pages: bool, allow_private: bool) -> dict:
    """A new active feed, due for its first poll now; its URL must be public http(s)."""
    normalised = check_feed_url(url, allow_private=allow_private)
    return store.create_feed("fd_" + secrets.token_hex(8), url=normalised, title=title,
                             interval_seconds=interval_seconds, fetch_pages=fetch_pages)


def update_feed(store: Store, feed_id: str, changes: dict, *, allow_private: bool) -> dict:
    if "url" in changes:
        changes = {**changes, "url": check_feed_url(changes["url"], allow_private=allow_private)}
    return store.update_feed(feed_id, changes)


# Makes an entry's text when it is taken (e.g. fetching its page); raising EntrySkipped leaves
# the entry for the next poll.
TextSource = Callable[[], str]


# What an entry's identities map to when it is left out for good (no text, too large).
LEFT_OUT = "-"


class EntrySkipped(Exception):
    """The entry is not ingested: for now (`permanent` false: its page failed and it has no
    text of its own; the next poll tries again) or for good (it has no text, it is too large)."""

    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


def identities_of(entry_id: str | None, link: str | None, fallback_text: str) -> list[str]:
    """An entry's identities; one with neither id nor link is known by its text's hash."""
    return entry_identities(entry_id, link) or ["hash:" + content_hash(fallback_text)[:40]]


def ingest_entry(store: Store, feed_id: str, *, entry_id: str | None, link: str | None,
                 title: str | None, published: dt.datetime | None, text: TextSource,
                 source: str, max_bytes: int, identity_text: str = "") -> tuple[str, dict | None]:
    """Store one entry as an article, once: ('created', article) for a new article (queued for
    extraction), ('duplicate', article or None) when the entry (by id or link) or its text (by
    content hash) was stored before (article None: it was left out for good), ('busy', None)
    when another poll is on it. Raises EntrySkipped when it is not ingested: no article is
    stored, and (unless for good) nothing is kept of it."""
    identities = identities_of(entry_id, link, identity_text)
    holder = secrets.token_hex(8)
    state, article_id = store.claim_feed_entry(feed_id, identities, holder=holder,
                                               hold_seconds=ENTRY_CLAIM_SECONDS)
    if state == "seen":
        return "duplicate", ({"id": article_id} if article_id != LEFT_OUT else None)
    if state == "busy":
        return "busy", None
    try:
        body = text()
        if not body.strip():
            raise EntrySkipped("the entry has no text", permanent=True)
        data = {"text": body, "title": title[:TITLE_MAX_CHARS] if title else None,
                "url": article_link(link), "source": source, "published_at": published}
        created, article = submit_article(store, data, max_bytes=max_bytes,
                                          submitted_by=f"feed:{feed_id}")
    except ArticleTooLarge as exc:
        store.finish_feed_entry(feed_id, identities, holder=holder, article_id=LEFT_OUT)
        raise EntrySkipped(exc.message, permanent=True) from None
    except EntrySkipped as exc:
        store.finish_feed_entry(feed_id, identities, holder=holder,
                                article_id=LEFT_OUT if exc.permanent else None)
        raise
    except BaseException:
        store.finish_feed_entry(feed_id, identities, holder=holder, article_id=None)
        raise
    store.finish_feed_entry(feed_id, identities, holder=holder, article_id=article["id"],
                            created=created)
    return ("created" if created else "duplicate"), article
