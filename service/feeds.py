"""Feed rules (RSS and Atom monitoring): safe feed URLs, how often a feed is polled and how a
failing one backs off, and what makes two entries the same (the feed store builds on them; the
worker fetches and parses in workers/feeds.py)."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from service.errors import UnsafeWebhookUrl
from service.webhooks import check_url

MIN_INTERVAL_SECONDS = 60
MAX_INTERVAL_SECONDS = 7 * 24 * 3600
# A failing feed waits interval × 2^(failures in a row), at most this long (or its own interval
# when that is longer), then is polled again: it never stops being polled.
MAX_BACKOFF_SECONDS = 6 * 3600
# What one poll reads at most: the feed document, each linked page (fetch_pages), redirects
# followed per request, and entries taken from one document.
MAX_FEED_BYTES = 5 * 1024 * 1024
MAX_PAGE_BYTES = 5 * 1024 * 1024
MAX_REDIRECTS = 5
MAX_ENTRIES_PER_POLL = 200
# A polled feed is held this long (beyond the timeouts) before another poll may take it: a
# poll lost with its worker is retried after it.
POLL_LEASE_SECONDS = 300
# An entry being ingested is held this long; a poll lost mid-entry leaves it to the next one.
ENTRY_CLAIM_SECONDS = 300
# What POST /articles accepts (schemas/articles.py): an ingested entry keeps to the same.
SOURCE_MAX_CHARS = 200
TITLE_MAX_CHARS = 1000
URL_MAX_CHARS = 2048


def check_feed_url(url: str, *, allow_private: bool) -> str:
    """The URL, normalised, if a feed may be fetched from it: http(s) and a public host, the
    same rule as for webhook endpoints (service/webhooks.check_url); the refusal names `url`."""
    try:
        return check_url(url, allow_private=allow_private)
    except UnsafeWebhookUrl as exc:
        message = exc.message.replace("a webhook URL", "a feed URL").replace(
            "CLAIMTRACK_WEBHOOK_ALLOW_PRIVATE", "CLAIMTRACK_FEED_ALLOW_PRIVATE")
        raise UnsafeWebhookUrl(message, errors=exc.errors) from None


def url_key(url: str) -> str:
    return hashlib.sha256(url.encode()).hexdigest()


def next_poll_delay(interval_seconds: int, failures: int, *, retry_after: float | None = None) -> int:
    """Seconds until the next poll after a poll that left `failures` failures in a row (0: it
    worked): the interval, doubled per failure, capped at MAX_BACKOFF_SECONDS (or the interval);
    a server's Retry-After (429, 503) makes it longer, never past that cap."""
    if failures <= 0:
        return interval_seconds
    cap = max(interval_seconds, MAX_BACKOFF_SECONDS)
    delay = min(cap, interval_seconds * 2 ** min(failures, 30))
    if retry_after is not None:
        delay = max(delay, min(cap, int(retry_after)))
    return delay


def normalise_entry_url(url: str) -> str:
    """An entry link as identity: scheme and host in lower case, no fragment, no trailing slash."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url.strip()
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, ""))


def entry_identities(entry_id: str | None, link: str | None) -> list[str]:
    """The keys an entry is known by, as hashes: its id (RSS guid, Atom id) and its link. An
    entry whose id or link was ingested before, from any feed, is not ingested again (its
    content is the third identity: articles are stored once per content hash)."""
    identities = []
    if entry_id and entry_id.strip():
        identities.append("id:" + entry_id.strip())
    if link and link.strip():
        identities.append("url:" + normalise_entry_url(link))
    return [hashlib.sha256(identity.encode()).hexdigest()[:40] for identity in identities]


def article_link(link: str | None) -> str | None:
    """An entry's link as an article's `url`: only an http(s) URL with a host, as POST /articles
    takes it (a `javascript:` or `data:` link is not kept; the entry is still known by it)."""
    if not link or len(link.strip()) > URL_MAX_CHARS:
        return None
    try:
        parts = urlsplit(link.strip())
    except ValueError:
        return None
    return link.strip() if parts.scheme.lower() in ("http", "https") and parts.hostname else None


def source_name(feed_title: str | None, url: str) -> str:
    """What an ingested article names as its source: the feed's title, else its host."""
    if feed_title and feed_title.strip():
        return " ".join(feed_title.split())[:SOURCE_MAX_CHARS]
    return (urlsplit(url).hostname or url)[:SOURCE_MAX_CHARS]


@dataclass(frozen=True)
class PollOutcome:
    """What one poll of a feed came to, as the store records it."""

    status: str                          # ok | not_modified | error
    error: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    feed_title: str | None = None
    entries: int = 0                     # entries in the document
    ingested: int = 0                    # new articles made of them
    duplicates: int = 0                  # entries already ingested (by id, URL or content)
    skipped: int = 0                     # entries left for the next poll (a page that failed, ...)
    entry_error: str | None = None       # why the last skipped entry was skipped
    retry_after: float | None = None     # seconds the server asked us to wait (429, 503)

    @property
    def failed(self) -> bool:
        return self.status == "error"
