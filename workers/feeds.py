"""Polling a feed: fetch it (conditional GET, public addresses only, bounded in size and time),
parse RSS or Atom with feedparser, and hand each entry to service.feed_monitor.ingest_entry
(which makes it an article once); `fetch_pages` fetches each new entry's page the same way and
takes its main text with trafilatura (workers/extraction/text.py)."""
from __future__ import annotations

import calendar
import datetime as dt
import io
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin

import feedparser
import requests
import urllib3
from requests.structures import CaseInsensitiveDict
from urllib3.exceptions import ReadTimeoutError

from service.errors import UnsafeWebhookUrl
from service.feed_monitor import EntrySkipped, ingest_entry
from service.feeds import (
    MAX_ENTRIES_PER_POLL,
    MAX_FEED_BYTES,
    MAX_PAGE_BYTES,
    MAX_REDIRECTS,
    PollOutcome,
    check_feed_url,
    source_name,
)
from service.store import Store
from service.webhooks import parse_retry_after
from workers.extraction.text import html_to_text
from workers.webhooks import CONNECT_TIMEOUT_SECONDS, describe_failure

log = logging.getLogger(__name__)

USER_AGENT = "claimtrack-feeds/1"
FEED_ACCEPT = ("application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
               "application/xml;q=0.8, text/xml;q=0.8, */*;q=0.1")
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.1"
# One poll stops taking new entries after this long; those left wait for the next poll.
POLL_BUDGET_SECONDS = 120.0
_REDIRECTS = (301, 302, 303, 307, 308)


class FetchError(Exception):
    """A fetch that gave nothing usable: the message says why (reported as the feed's error);
    `retry_after`: the seconds a 429 or 503 asked for."""

    def __init__(self, message: str, *, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Fetched:
    status: int
    body: bytes
    headers: Mapping[str, str]       # any case of a name finds it (HTTP/2 sends them in lower case)
    url: str                      # after redirects


def fetch(session: requests.Session, url: str, *, timeout: float, max_bytes: int,
          allow_private: bool, accept: str, etag: str | None = None,
          last_modified: str | None = None) -> Fetched:
    """GET `url` through `session` (workers/webhooks.new_session: connections only to checked
    public addresses, unless `allow_private`): each redirect's target is checked by the same
    rule before it is followed (at most MAX_REDIRECTS), at most `max_bytes` are read, and the
    whole fetch, redirects included, ends within about `timeout` after connecting. A 304 comes
    back as it is (no body); any other answer but 2xx is a FetchError."""
    headers = {"user-agent": USER_AGENT, "accept": accept}
    if etag:
        headers["if-none-match"] = etag
    if last_modified:
        headers["if-modified-since"] = last_modified
    deadline = time.monotonic() + CONNECT_TIMEOUT_SECONDS + timeout
    current = url
    for _hop in range(MAX_REDIRECTS + 1):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise FetchError(f"no complete answer within {timeout:g} s")
        try:
            with session.get(current, headers=headers, allow_redirects=False, stream=True,
                             timeout=(min(CONNECT_TIMEOUT_SECONDS, remaining), min(timeout, remaining))
                             ) as response:
                code = response.status_code
                if code in _REDIRECTS:
                    location = response.headers.get("Location")
                    if not location:
                        raise FetchError(f"HTTP {code} without a Location")
                    target = urljoin(current, location)
                    try:
                        current = check_feed_url(target, allow_private=allow_private)
                    except UnsafeWebhookUrl as exc:
                        raise FetchError(f"redirect to {target[:200]} refused: {exc.message}") from None
                    continue
                if code == 304:
                    return Fetched(code, b"", CaseInsensitiveDict(response.headers), current)
                if not 200 <= code < 300:
                    raise FetchError(f"HTTP {code} from {current[:200]}", retry_after=parse_retry_after(
                        response.headers.get("Retry-After")) if code in (429, 503) else None)
                declared = response.headers.get("Content-Length")
                if declared and declared.isdigit() and int(declared) > max_bytes:
                    raise FetchError(f"the answer is {int(declared)} bytes; the limit is {max_bytes}")
                body = bytearray()
                # read1: whatever has arrived, so a server dripping bytes meets the deadline
                # (a plain read of a chunk waits for the whole chunk, each byte within the timeout).
                while chunk := response.raw.read1(64 * 1024, decode_content=True):
                    body += chunk
                    if len(body) > max_bytes:
                        response.raw.close()
                        raise FetchError(f"the answer is over the limit of {max_bytes} bytes")
                    if time.monotonic() > deadline:
                        response.raw.close()
                        raise FetchError(f"no complete answer within {timeout:g} s")
                return Fetched(code, bytes(body), CaseInsensitiveDict(response.headers), current)
        except requests.RequestException as exc:
            raise FetchError(describe_failure(exc, timeout)) from None
        except ReadTimeoutError:  # reading the body raw: urllib3's own errors, not requests'
            raise FetchError(f"no complete answer within {timeout:g} s") from None
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            raise FetchError(f"reading the answer failed: {type(exc).__name__}: {str(exc)[:200]}") from None
    raise FetchError(f"more than {MAX_REDIRECTS} redirects")


# -- parsing -----------------------------------------------------------------------------------
class _TextOf(HTMLParser):
    """The text of an HTML fragment (a summary), a line break at each block."""

    BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr",
              "section", "article", "pre"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def fragment_text(fragment: str) -> str:
    parser = _TextOf()
    parser.feed(fragment)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n\n".join(line for line in lines if line)


def parse_feed(fetched: Fetched):
    """The feedparser result of a fetched document; FetchError when it is no RSS or Atom feed.
    The bytes go in as a stream: feedparser opens a plain string or bytes as a file name or URL."""
    parsed = feedparser.parse(io.BytesIO(fetched.body), response_headers={
        "content-type": fetched.headers.get("Content-Type", "application/xml"),
        "content-location": fetched.url})
    if not parsed.get("version"):
        reason = parsed.get("bozo_exception")
        raise FetchError("not an RSS or Atom feed" + (f" ({str(reason)[:200]})" if reason else ""))
    return parsed


def entry_text(entry) -> str:
    """An entry's own text: its full content when it has some, else its summary."""
    for content in entry.get("content") or []:
        value = content.get("value") or ""
        if value.strip():
            return fragment_text(value) if "html" in (content.get("type") or "html") else value.strip()
    summary = entry.get("summary") or ""
    return fragment_text(summary) if summary.strip() else ""


def entry_published(entry) -> dt.datetime | None:
    moment = entry.get("published_parsed") or entry.get("updated_parsed")
    if not moment:
        return None
    try:
        return dt.datetime.fromtimestamp(calendar.timegm(moment), tz=dt.UTC)
    except (OverflowError, ValueError, OSError):
        return None


# -- one poll ----------------------------------------------------------------------------------
def poll_feed(store: Store, feed_id: str, token: str, *, session: requests.Session,
              timeout: float, allow_private: bool, max_article_bytes: int,
              enqueue: Callable[[str], None]) -> dict | None:
    """Poll the feed `token` holds: fetch, parse, ingest new entries, record the outcome and
    schedule the next poll (backing off while it fails). Returns the feed as recorded (None:
    it was deleted, or another poll holds it now)."""
    state = store.feed_state(feed_id)
    if not state or state.get("poll_token") != token:
        return None
    try:
        outcome = _poll(store, feed_id, state, session=session, timeout=timeout,
                        allow_private=allow_private, max_article_bytes=max_article_bytes,
                        enqueue=enqueue)
    except FetchError as exc:
        outcome = PollOutcome("error", error=str(exc), retry_after=exc.retry_after)
    except UnsafeWebhookUrl as exc:
        outcome = PollOutcome("error", error=exc.message)
    level = logging.WARNING if outcome.failed else logging.INFO
    log.log(level, "feed %s: %s", feed_id, outcome.error or
            f"{outcome.status}, {outcome.ingested} new article(s) of {outcome.entries} entries",
            extra={"feed_id": feed_id, "feed_status": outcome.status, "ingested": outcome.ingested})
    return store.record_feed_poll(feed_id, token, outcome,
                                  interval_seconds=int(state.get("interval_seconds") or 60),
                                  previous_failures=int(state.get("consecutive_failures") or 0))


def _poll(store: Store, feed_id: str, state: dict, *, session: requests.Session, timeout: float,
          allow_private: bool, max_article_bytes: int, enqueue: Callable[[str], None]) -> PollOutcome:
    url = check_feed_url(state["url"], allow_private=allow_private)
    fetched = fetch(session, url, timeout=timeout, max_bytes=MAX_FEED_BYTES, allow_private=allow_private,
                    accept=FEED_ACCEPT, etag=state.get("etag"), last_modified=state.get("last_modified"))
    if fetched.status == 304:
        return PollOutcome("not_modified")
    parsed = parse_feed(fetched)
    feed_title = (parsed.feed.get("title") or "").strip() or None
    source = source_name(state.get("title") or feed_title, url)
    fetch_pages = state.get("fetch_pages") == "1"
    entries = list(parsed.entries)[:MAX_ENTRIES_PER_POLL]
    started = time.monotonic()
    ingested = duplicates = skipped = 0
    entry_error = None
    # Oldest first (feeds list the newest first), so articles are stored in publication order.
    for entry in reversed(entries):
        if time.monotonic() - started > POLL_BUDGET_SECONDS:
            skipped += 1
            entry_error = f"the poll's {POLL_BUDGET_SECONDS:g} s were spent; left for the next poll"
            continue
        link = entry.get("link") or None
        own_text = entry_text(entry)

        def text(link=link, own_text=own_text) -> str:
            if not (fetch_pages and link):
                return own_text
            try:
                page_text = _page_text(session, link, timeout=timeout, allow_private=allow_private)
            except FetchError as exc:
                if own_text:
                    log.info("feed %s: page %s failed (%s); the entry's own text is used",
                             feed_id, link, exc)
                    return own_text
                raise EntrySkipped(f"its page {link[:200]}: {exc}") from None
            return page_text or own_text

        try:
            outcome, article = ingest_entry(
                store, feed_id, entry_id=entry.get("id") or None, link=link,
                title=(entry.get("title") or "").strip() or None, published=entry_published(entry),
                text=text, source=source, max_bytes=max_article_bytes,
                identity_text=(entry.get("title") or "") + "\n" + own_text)
        except EntrySkipped as exc:
            skipped += 0 if exc.permanent else 1
            entry_error = (f"entry {(entry.get('id') or link or entry.get('title') or '?')[:200]}: {exc}"
                           + ("" if exc.permanent else " (tried again at the next poll)"))
            continue
        if outcome == "created" and article is not None:
            ingested += 1
            try:
                enqueue(article["id"])
            except Exception:  # stored and queued anyway: the article sweep sends it again
                log.exception("could not enqueue extraction of %s", article["id"])
        elif outcome == "duplicate":
            duplicates += 1
        else:  # busy: another poll has it
            skipped += 1
    # Entries left for later must be fetched again: validators are kept only when none was left.
    complete = skipped == 0
    return PollOutcome(
        "ok", etag=fetched.headers.get("ETag") if complete else None,
        last_modified=fetched.headers.get("Last-Modified") if complete else None,
        feed_title=feed_title, entries=len(entries), ingested=ingested, duplicates=duplicates,
        skipped=skipped, entry_error=entry_error)


def _page_text(session: requests.Session, link: str, *, timeout: float, allow_private: bool) -> str:
    try:
        url = check_feed_url(link, allow_private=allow_private)
    except UnsafeWebhookUrl as exc:
        raise FetchError(exc.message) from None
    page = fetch(session, url, timeout=timeout, max_bytes=MAX_PAGE_BYTES, allow_private=allow_private,
                 accept=PAGE_ACCEPT)
    kind = page.headers.get("Content-Type", "text/html").split(";")[0].strip().lower()
    if kind not in ("text/html", "application/xhtml+xml", ""):
        raise FetchError(f"the page is {kind}, not HTML")
    return html_to_text(page.body.decode(_charset(page.headers.get("Content-Type", "")), "replace"))


def _charset(content_type: str) -> str:
    for part in content_type.split(";")[1:]:
        name, _, value = part.strip().partition("=")
        if name.lower() == "charset" and value:
            charset = value.strip('"').lower()
            try:
                "".encode(charset)
            except LookupError:
                return "utf-8"
            return charset
    return "utf-8"
