"""Feed monitoring against real parts: a real redis-server, feeds served over real HTTP by a
local server (http.server in a thread) with ETag and Last-Modified, feedparser, trafilatura for
linked pages, and the pinned webhook session. The feeds and pages are written for these tests."""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from service.feed_monitor import LEFT_OUT
from service.feeds import MAX_FEED_BYTES, entry_identities
from service.store import KEYS
from workers.feeds import FetchError, fetch, poll_feed
from workers.webhooks import new_session

INTERVAL = 600


# -- a feed server -----------------------------------------------------------------------------
@dataclass
class Seen:
    path: str
    headers: dict


# A route answers a request: (status, headers, body); body may be an iterable of chunks.
Route = Callable[[BaseHTTPRequestHandler], tuple]


@dataclass
class FeedServer:
    routes: dict[str, Route] = field(default_factory=dict)
    seen: list[Seen] = field(default_factory=list)

    def start(self) -> None:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                server.seen.append(Seen(self.path, {k.lower(): v for k, v in self.headers.items()}))
                route = server.routes.get(self.path)
                status, headers, body = route(self) if route else (404, {}, b"no such page")
                chunks = [body] if isinstance(body, bytes) else body
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                if isinstance(body, bytes):
                    if "Content-Length" not in headers:
                        self.send_header("Content-Length", str(len(body)))
                else:
                    self.send_header("Connection", "close")
                    self.close_connection = True
                self.end_headers()
                try:
                    for chunk in chunks:
                        self.wfile.write(chunk)
                        self.wfile.flush()
                except OSError:
                    pass  # the poller gave up first

            def log_message(self, *_args):
                pass

        class Quiet(ThreadingHTTPServer):
            daemon_threads = True
            block_on_close = False

            def handle_error(self, request, client_address):
                pass

        self.http = Quiet(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.http.server_port}"
        threading.Thread(target=self.http.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.http.shutdown()
        self.http.server_close()

    def requests_to(self, path: str) -> list[Seen]:
        return [s for s in self.seen if s.path == path]


def conditional(document: Callable[[], bytes], *, etag: Callable[[], str], modified: str) -> Route:
    """Serves `document` with validators (named in lower case, as HTTP/2 sends them), and 304
    to a request carrying them."""
    def route(handler):
        if handler.headers.get("If-None-Match") == etag():
            return 304, {"etag": etag()}, b""
        return 200, {"content-type": "application/rss+xml; charset=utf-8", "etag": etag(),
                     "last-modified": modified}, document()
    return route


def static(body: bytes, content_type: str = "application/rss+xml", status: int = 200) -> Route:
    return lambda _handler: (status, {"Content-Type": content_type}, body)


def rss(title: str, items: list[dict]) -> bytes:
    parts = []
    for item in items:
        pieces = [f"<title>{item['title']}</title>"]
        if "link" in item:
            pieces.append(f"<link>{item['link']}</link>")
        if "guid" in item:
            pieces.append(f'<guid isPermaLink="false">{item["guid"]}</guid>')
        if "date" in item:
            pieces.append(f"<pubDate>{item['date']}</pubDate>")
        pieces.append(f"<description><![CDATA[{item['text']}]]></description>")
        parts.append("<item>" + "".join(pieces) + "</item>")
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{title}</title>'
            f"<link>http://example.invalid/</link><description>test</description>"
            + "".join(parts) + "</channel></rss>").encode()


def atom(title: str, entries: list[dict]) -> bytes:
    parts = []
    for entry in entries:
        parts.append(
            f"<entry><id>{entry['id']}</id><title>{entry['title']}</title>"
            f'<link rel="alternate" href="{entry["link"]}"/><updated>{entry["updated"]}</updated>'
            f'<content type="html"><![CDATA[{entry["text"]}]]></content></entry>')
    return (f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>{title}</title><id>urn:test:{title}</id><updated>2026-03-02T08:00:00Z</updated>"
            + "".join(parts) + "</feed>").encode()


# -- fixtures and helpers ----------------------------------------------------------------------
@pytest.fixture
def settings(settings):
    return settings.with_overrides(feed_allow_private=True, feed_timeout=2)


@pytest.fixture
def server():
    running = FeedServer()
    running.start()
    yield running
    running.close()


@pytest.fixture
def enqueued_by_polls():
    return []


@pytest.fixture
def poll(store, settings, enqueued_by_polls):
    """Poll one feed now, as the beat task and the poll task would (the worker's own functions)."""
    session = new_session(allow_private=True)

    def run(feed_id: str, *, allow_private: bool = True, session_allows_private: bool = True,
            max_article_bytes: int | None = None) -> dict:
        store.redis.zadd(KEYS.feeds_due, {feed_id: 0})
        taken = dict(store.claim_due_feeds(lease_seconds=300))
        assert feed_id in taken
        used = session if session_allows_private else new_session(allow_private=False)
        recorded = poll_feed(store, feed_id, taken[feed_id], session=used, timeout=settings.feed_timeout,
                             allow_private=allow_private,
                             max_article_bytes=max_article_bytes or settings.max_article_bytes,
                             enqueue=enqueued_by_polls.append)
        assert recorded is not None
        return recorded

    yield run
    session.close()


def add_feed(client, keys, url: str, **extra) -> dict:
    answer = client.post("/api/v1/feeds", json={"url": url, "interval_seconds": INTERVAL, **extra},
                         headers=keys["admin"])
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def articles(store) -> list[dict]:
    found, _cursor = store.list_articles(limit=100)
    return found


def seconds_until(stamp: str) -> float:
    import datetime as dt

    return dt.datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp() - time.time()


# -- polling -----------------------------------------------------------------------------------
def test_rss_entries_become_articles_and_a_304_ingests_nothing(client, keys, store, server, poll,
                                                              enqueued_by_polls):
    document = rss("Harbour Gazette", [
        {"title": "Ferry fares rise", "link": f"{server.base}/news/ferry", "guid": "hg-101",
         "date": "Mon, 02 Mar 2026 07:30:00 GMT",
         "text": "<p>The harbour board raised ferry fares by 8 percent on Monday.</p>"},
        {"title": "New pier opens", "link": f"{server.base}/news/pier", "guid": "hg-102",
         "date": "Tue, 03 Mar 2026 09:00:00 GMT",
         "text": "<p>The north pier reopened after 14 months of repairs costing 3 million euros.</p>"},
    ])
    server.routes["/feed.xml"] = conditional(lambda: document, etag=lambda: '"v1"',
                                             modified="Tue, 03 Mar 2026 09:00:00 GMT")
    feed = add_feed(client, keys, f"{server.base}/feed.xml")
    assert feed["next_poll_at"] and seconds_until(feed["next_poll_at"]) <= 1  # due at once

    first = poll(feed["id"])
    assert first["last_status"] == "ok" and first["last_error"] is None
    assert (first["entries_seen"], first["entries_ingested"], first["consecutive_failures"]) == (2, 2, 0)
    assert first["feed_title"] == "Harbour Gazette"
    assert INTERVAL - 5 < seconds_until(first["next_poll_at"]) <= INTERVAL
    stored = {a["title"]: a for a in articles(store)}
    assert set(stored) == {"Ferry fares rise", "New pier opens"}
    ferry = store.get_article(stored["Ferry fares rise"]["id"], with_text=True)
    assert ferry["text"] == "The harbour board raised ferry fares by 8 percent on Monday."
    assert ferry["url"] == f"{server.base}/news/ferry"
    assert ferry["source"] == "Harbour Gazette"
    assert ferry["published_at"].startswith("2026-03-02T07:30:00")
    assert ferry["status"] == "queued"
    assert sorted(enqueued_by_polls) == sorted(a["id"] for a in stored.values())  # extraction asked for

    second = poll(feed["id"])
    request = server.requests_to("/feed.xml")[-1].headers
    assert request["if-none-match"] == '"v1"'
    assert request["if-modified-since"] == "Tue, 03 Mar 2026 09:00:00 GMT"
    assert second["last_status"] == "not_modified"
    assert second["entries_ingested"] == 2 and len(articles(store)) == 2 and len(enqueued_by_polls) == 2

    # Over the API: the feed with its state, readable by any role.
    shown = client.get(f"/api/v1/feeds/{feed['id']}", headers=keys["reviewer"]).get_json()
    assert shown["last_polled_at"] and shown["last_status"] == "not_modified"
    assert shown["entries_seen"] == 2 and shown["consecutive_failures"] == 0


def test_each_entry_is_ingested_once_by_id_by_link_and_by_content(client, keys, store, server, poll):
    entries = [
        {"id": "urn:test:a1", "title": "Reservoir at 40 percent", "link": f"{server.base}/r/a1",
         "updated": "2026-03-01T10:00:00Z", "text": "<p>The Lindvik reservoir stood at 40 percent on Sunday.</p>"},
        {"id": "urn:test:a2", "title": "Bridge tolls scrapped", "link": f"{server.base}/r/a2",
         "updated": "2026-03-01T11:00:00Z", "text": "<p>The council scrapped tolls on the Osterbro bridge.</p>"},
    ]
    version = {"n": 1}
    server.routes["/atom.xml"] = conditional(lambda: atom("Valley Courier", entries),
                                             etag=lambda: f'"a{version["n"]}"',
                                             modified="Sun, 01 Mar 2026 11:00:00 GMT")
    feed = add_feed(client, keys, f"{server.base}/atom.xml")
    assert poll(feed["id"])["entries_ingested"] == 2

    version["n"] = 2
    entries += [
        # the same id, edited: not again
        {**entries[0], "title": "Reservoir at 41 percent", "text": "<p>The Lindvik reservoir stood at 41 percent.</p>"},
        # a new id with a link already ingested: not again
        {"id": "urn:test:a3", "title": "Tolls gone", "link": f"{server.base}/r/a2/#top",
         "updated": "2026-03-01T12:00:00Z", "text": "<p>Tolls are gone from the Osterbro bridge.</p>"},
        # new id and link, the text of one already stored: the article of that content
        {"id": "urn:test:a4", "title": "Reservoir (copy)", "link": f"{server.base}/r/a4",
         "updated": "2026-03-01T13:00:00Z", "text": "<p>The Lindvik reservoir stood at 40 percent on Sunday.</p>"},
        # new in every way
        {"id": "urn:test:a5", "title": "School roof repaired", "link": f"{server.base}/r/a5",
         "updated": "2026-03-01T14:00:00Z", "text": "<p>The roof of Nordre school was repaired for 90,000 euros.</p>"},
    ]
    second = poll(feed["id"])
    assert second["last_status"] == "ok"
    assert second["entries_ingested"] == 3
    assert sorted(a["title"] for a in articles(store)) == [
        "Bridge tolls scrapped", "Reservoir at 40 percent", "School roof repaired"]

    # Another feed listing an entry already ingested (by its link): not again either.
    server.routes["/other.xml"] = static(rss("Other Desk", [
        {"title": "Osterbro tolls", "link": f"{server.base}/r/a2", "text": "Tolls scrapped, says the council."}]))
    other = add_feed(client, keys, f"{server.base}/other.xml")
    polled = poll(other["id"])
    assert (polled["entries_seen"], polled["entries_ingested"]) == (1, 0)
    assert len(articles(store)) == 3

    # Polled again in full (no validators): still nothing new.
    version["n"] = 3
    assert poll(feed["id"])["entries_ingested"] == 3 and len(articles(store)) == 3


def test_two_feeds_polled_at_once_make_one_article_of_an_entry_they_share(client, keys, store, server, poll):
    def slow_page(_handler):
        time.sleep(1)
        return 200, {"Content-Type": "text/html"}, PAGE.format(title="Shared story").encode()

    server.routes["/shared/page"] = slow_page
    shared = {"title": "Shared story", "link": f"{server.base}/shared/page", "guid": "shared-1", "text": ""}
    server.routes["/one.xml"] = static(rss("One", [shared]))
    server.routes["/two.xml"] = static(rss("Two", [shared]))
    feeds = [add_feed(client, keys, f"{server.base}/{name}.xml", fetch_pages=True) for name in ("one", "two")]
    results = {}
    threads = [threading.Thread(target=lambda f=f: results.update({f["id"]: poll(f["id"])})) for f in feeds]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert sorted(r["entries_ingested"] for r in results.values()) == [0, 1]
    assert len(articles(store)) == 1 and len(server.requests_to("/shared/page")) == 1
    # The feed that found it taken polls again: the entry is known now, nothing new.
    for feed in feeds:
        poll(feed["id"])
    assert len(articles(store)) == 1 and len(server.requests_to("/shared/page")) == 1


PAGE = """<!doctype html><html><head><title>{title}</title></head><body>
<nav><a href="/">Home</a> <a href="/about">About</a></nav>
<article><h1>{title}</h1>
<p>The regional transit authority said on Thursday that the new tram line carried 52,000 passengers
in its first week, more than twice the number it had forecast for the opening month.</p>
<p>The line, which cost 410 million euros, links the university district with the central station
and was completed four months behind schedule, according to the authority's annual report.</p>
<p>Officials said a second phase, extending the line to the airport, would be put out to tender in
the autumn if the city council approves the budget in September.</p>
</article><footer>Subscribe to our newsletter for daily updates.</footer></body></html>"""


def test_fetch_pages_takes_the_linked_pages_main_text(client, keys, store, server, poll):
    server.routes["/pages.xml"] = static(rss("Transit Wire", [
        {"title": "Tram line busy", "link": f"{server.base}/story/tram", "guid": "tw-1",
         "text": "A short teaser about the tram."},
        {"title": "Missing page", "link": f"{server.base}/story/gone", "guid": "tw-2",
         "text": "<p>The teaser is all there is of this one.</p>"},
    ]))
    server.routes["/story/tram"] = static(PAGE.format(title="Tram line busy").encode(), "text/html; charset=utf-8")
    feed = add_feed(client, keys, f"{server.base}/pages.xml", fetch_pages=True)
    assert feed["fetch_pages"] is True

    polled = poll(feed["id"])
    assert polled["entries_ingested"] == 2
    stored = {a["title"]: store.get_article(a["id"], with_text=True) for a in articles(store)}
    tram = stored["Tram line busy"]["text"]
    assert "52,000 passengers" in tram and "410 million euros" in tram
    assert "teaser" not in tram and "newsletter" not in tram
    # A page that cannot be fetched: the entry's own text.
    assert stored["Missing page"]["text"] == "The teaser is all there is of this one."
    assert server.requests_to("/story/tram") and server.requests_to("/story/gone")


def test_entries_without_usable_text_are_left_out_for_good_or_until_their_page_works(client, keys, store,
                                                                                  server, poll):
    server.routes["/mixed.xml"] = conditional(lambda: rss("Mixed Bag", [
        {"title": "Tram line busy", "link": f"{server.base}/story/ok", "guid": "mb-1", "text": ""},
        {"title": "Page later", "link": f"{server.base}/story/later", "guid": "mb-2", "text": ""},
        {"title": "Nothing here", "guid": "mb-3", "text": ""},
        {"title": "Far too long", "guid": "mb-4", "text": "The committee met again. " * 120},
    ]), etag=lambda: '"m1"', modified="Wed, 04 Mar 2026 10:00:00 GMT")
    server.routes["/story/ok"] = static(PAGE.format(title="Tram line busy").encode(), "text/html")
    feed = add_feed(client, keys, f"{server.base}/mixed.xml", fetch_pages=True)

    first = poll(feed["id"], max_article_bytes=1000)
    assert (first["last_status"], first["entries_seen"], first["entries_ingested"]) == ("ok", 4, 1)
    # Entries go oldest first (the document's last first): the page that failed was the last left.
    assert first["last_entry_error"].startswith("entry mb-2: its page")
    assert "HTTP 404" in first["last_entry_error"] and "tried again at the next poll" in first["last_entry_error"]
    # The one without text and the one over the size limit are left out for good; the other waits.
    left = {guid: store.redis.get(KEYS.feed_entry(entry_identities(guid, None)[0]))
            for guid in ("mb-2", "mb-3", "mb-4")}
    assert left == {"mb-2": None, "mb-3": LEFT_OUT, "mb-4": LEFT_OUT}

    # The page that failed works now: the next poll reads the feed in full (no validators were
    # kept while an entry waited) and ingests it; the entries left out for good stay out.
    server.routes["/story/later"] = static(PAGE.format(title="Page later").replace("52,000", "61,000").encode(),
                                           "text/html")
    second = poll(feed["id"], max_article_bytes=1000)
    assert "if-none-match" not in server.requests_to("/mixed.xml")[-1].headers
    assert second["entries_ingested"] == 2 and second["last_entry_error"] is None
    assert sorted(a["title"] for a in articles(store)) == ["Page later", "Tram line busy"]
    assert len(server.requests_to("/story/ok")) == 1  # a page is fetched only for a new entry

    third = poll(feed["id"], max_article_bytes=1000)
    assert server.requests_to("/mixed.xml")[-1].headers["if-none-match"] == '"m1"'
    assert third["last_status"] == "not_modified" and len(articles(store)) == 2


# -- failures ----------------------------------------------------------------------------------
def test_a_failing_feed_backs_off_reports_why_and_recovers(client, keys, store, server, poll):
    state = {"ok": False}

    def flaky(_handler):
        if not state["ok"]:
            return 503, {"Content-Type": "text/plain"}, b"down for maintenance"
        return 200, {"Content-Type": "application/rss+xml"}, rss("Back Again", [
            {"title": "Service restored", "guid": "ba-1", "text": "Power returned to 3,000 homes."}])

    server.routes["/flaky.xml"] = flaky
    feed = add_feed(client, keys, f"{server.base}/flaky.xml")
    for failures in (1, 2, 3):
        polled = poll(feed["id"])
        assert polled["last_status"] == "error"
        assert polled["consecutive_failures"] == failures
        assert "HTTP 503" in polled["last_error"]
        wait = INTERVAL * 2 ** failures
        assert wait - 5 < seconds_until(polled["next_poll_at"]) <= wait
    listed = client.get("/api/v1/feeds", headers=keys["admin"]).get_json()["feeds"][0]
    assert (listed["consecutive_failures"], listed["last_status"]) == (3, "error")
    assert "HTTP 503" in listed["last_error"]
    assert articles(store) == []

    # Asked to wait longer (Retry-After on a 429 or 503), it waits that long.
    server.routes["/flaky.xml"] = lambda _h: (429, {"Retry-After": "20000"}, b"slow down")
    told = poll(feed["id"])
    assert told["consecutive_failures"] == 4 and "HTTP 429" in told["last_error"]
    assert 20000 - 5 < seconds_until(told["next_poll_at"]) <= 20000

    server.routes["/flaky.xml"] = flaky
    # A new URL starts afresh: no failures counted against it, polled at once.
    server.routes["/flaky2.xml"] = flaky
    moved = client.patch(f"/api/v1/feeds/{feed['id']}", json={"url": f"{server.base}/flaky2.xml"},
                         headers=keys["admin"]).get_json()
    assert (moved["consecutive_failures"], moved["last_error"]) == (0, None)
    assert seconds_until(moved["next_poll_at"]) <= 1
    assert poll(feed["id"])["consecutive_failures"] == 1
    client.patch(f"/api/v1/feeds/{feed['id']}", json={"url": f"{server.base}/flaky.xml"}, headers=keys["admin"])

    state["ok"] = True
    recovered = poll(feed["id"])
    assert (recovered["last_status"], recovered["consecutive_failures"], recovered["last_error"]) == ("ok", 0, None)
    assert INTERVAL - 5 < seconds_until(recovered["next_poll_at"]) <= INTERVAL
    assert [a["title"] for a in articles(store)] == ["Service restored"]


def _slow(_handler):
    time.sleep(4)
    return 200, {"Content-Type": "application/rss+xml"}, rss("Late", [{"title": "t", "guid": "l", "text": "x"}])


def _dripping(_handler):
    def chunks():
        yield b'<?xml version="1.0"?><rss version="2.0"><channel><title>Drip</title>'
        for _ in range(12):
            time.sleep(0.5)
            yield b" "
    return 200, {"Content-Type": "application/rss+xml"}, chunks()


def _huge(_handler):
    def chunks():
        yield b'<?xml version="1.0"?><rss version="2.0"><channel><title>Huge</title>'
        block = b"<item><title>filler</title><description>" + b"x" * 65000 + b"</description></item>"
        for _ in range(MAX_FEED_BYTES // len(block) + 5):
            yield block
    return 200, {"Content-Type": "application/rss+xml"}, chunks()


@pytest.mark.parametrize("route, words", [
    (static(b"<!doctype html><html><head><title>Shop</title></head><body><p>Buy now</p></body></html>",
            "text/html"), "not an RSS or Atom feed"),
    (static(b"\x00\x9f\x12garbage{not xml at all", "application/octet-stream"), "not an RSS or Atom feed"),
    (static(b"", "application/rss+xml"), "not an RSS or Atom feed"),
    (lambda _h: (200, {"Content-Type": "application/rss+xml", "Content-Length": str(MAX_FEED_BYTES + 1)},
                 iter([b"<rss>"])), "limit"),
    (_huge, f"over the limit of {MAX_FEED_BYTES} bytes"),
    (_slow, "within 2 s"),
    (_dripping, "within 2 s"),
    (lambda _h: (302, {"Location": "file:///etc/passwd"}, b""), "refused"),
    (lambda _h: (301, {"Location": "/loop.xml"}, b""), "redirects"),
    (lambda _h: (404, {}, b"gone"), "HTTP 404"),
], ids=["html", "garbage", "empty", "declared-too-large", "too-large", "slow", "dripping",
        "redirect-to-file", "redirect-loop", "404"])
def test_what_is_not_a_usable_feed_is_a_reported_error_and_stores_nothing(client, keys, store, server, poll,
                                                                           route, words):
    server.routes["/loop.xml"] = route
    feed = add_feed(client, keys, f"{server.base}/loop.xml")
    started = time.monotonic()
    polled = poll(feed["id"])
    assert time.monotonic() - started < 10
    assert polled["last_status"] == "error" and polled["consecutive_failures"] == 1
    assert words in polled["last_error"], polled["last_error"]
    assert polled["entries_seen"] == 0 and polled["entries_ingested"] == 0
    assert articles(store) == []
    assert store.redis.keys(KEYS.feed_entry("*")) == []


def test_private_addresses_are_refused_when_added_and_when_fetched(app, client, keys, store, server, poll,
                                                                   settings):
    app.extensions["claimtrack.settings"] = settings.with_overrides(feed_allow_private=False)
    for url in (f"{server.base}/feed.xml", "http://169.254.169.254/latest/meta-data/", "http://10.0.0.7/rss"):
        answer = client.post("/api/v1/feeds", json={"url": url, "interval_seconds": 60}, headers=keys["admin"])
        assert answer.status_code == 422, answer.get_json()
        assert "url" in answer.get_json()["errors"]
    assert client.get("/api/v1/feeds", headers=keys["admin"]).get_json()["feeds"] == []

    # A feed stored while private addresses were allowed: its poll refuses it now.
    server.routes["/feed.xml"] = static(rss("Local", [{"title": "t", "guid": "p-1", "text": "Some text."}]))
    app.extensions["claimtrack.settings"] = settings
    feed = add_feed(client, keys, f"{server.base}/feed.xml")
    refused = poll(feed["id"], allow_private=False, session_allows_private=False)
    assert refused["last_status"] == "error" and "non-public" in refused["last_error"]
    assert server.requests_to("/feed.xml") == [] and articles(store) == []
    # Nor can a feed be moved to such an address.
    app.extensions["claimtrack.settings"] = settings.with_overrides(feed_allow_private=False)
    moved_away = client.patch(f"/api/v1/feeds/{feed['id']}", json={"url": "http://192.168.1.1/rss"},
                              headers=keys["admin"])
    assert moved_away.status_code == 422 and "url" in moved_away.get_json()["errors"]
    assert client.get(f"/api/v1/feeds/{feed['id']}", headers=keys["admin"]).get_json()["url"] == feed["url"]

    # Each of the two guards alone: the pinned session refuses to connect to a private address
    # whatever the URL check said ...
    with pytest.raises(FetchError, match="refused: .*non-public"):
        fetch(new_session(allow_private=False), f"{server.base}/feed.xml", timeout=2, max_bytes=1000,
              allow_private=True, accept="*/*")
    assert server.requests_to("/feed.xml") == []
    # ... and a redirect is followed only to a URL the URL rule allows.
    server.routes["/moved.xml"] = lambda _h: (302, {"Location": "http://10.1.2.3/internal.xml"}, b"")
    with pytest.raises(FetchError, match="redirect to http://10.1.2.3/internal.xml refused"):
        fetch(new_session(allow_private=True), f"{server.base}/moved.xml", timeout=2, max_bytes=1000,
              allow_private=False, accept="*/*")
    assert len(server.requests_to("/moved.xml")) == 1


# -- the API -----------------------------------------------------------------------------------
@pytest.mark.parametrize("body, field", [
    ({"interval_seconds": 60}, "url"),
    ({"url": "ftp://feeds.example/rss", "interval_seconds": 60}, "url"),
    ({"url": "not a url", "interval_seconds": 60}, "url"),
    ({"url": "http://feeds.example/rss"}, "interval_seconds"),
    ({"url": "http://feeds.example/rss", "interval_seconds": 59}, "interval_seconds"),
    ({"url": "http://feeds.example/rss", "interval_seconds": "600"}, "interval_seconds"),
    ({"url": "http://feeds.example/rss", "interval_seconds": 600, "fetch_pages": "yes"}, "fetch_pages"),
    ({"url": "http://feeds.example/rss", "interval_seconds": 600, "title": "t" * 301}, "title"),
    ({"url": "http://feeds.example/rss", "interval_seconds": 600, "colour": "red"}, "colour"),
])
def test_bad_input_is_a_422_naming_the_field(client, keys, body, field):
    answer = client.post("/api/v1/feeds", json=body, headers=keys["admin"])
    assert answer.status_code == 422, answer.get_json()
    error = answer.get_json()
    assert error["code"] == 422 and field in error["errors"] and error["message"]


def test_only_admins_change_feeds_and_every_role_reads_them(client, keys, server):
    body = {"url": f"{server.base}/a.xml", "interval_seconds": 300}
    for role in ("ingest", "reviewer"):
        assert client.post("/api/v1/feeds", json=body, headers=keys[role]).status_code == 403
    assert client.post("/api/v1/feeds", json=body).status_code == 401
    feed = add_feed(client, keys, body["url"])
    for role in ("ingest", "reviewer"):
        assert client.get(f"/api/v1/feeds/{feed['id']}", headers=keys[role]).status_code == 200
        assert client.patch(f"/api/v1/feeds/{feed['id']}", json={"title": "x"}, headers=keys[role]).status_code == 403
        assert client.delete(f"/api/v1/feeds/{feed['id']}", headers=keys[role]).status_code == 403


def test_create_page_change_and_delete(client, keys, store, server):
    made = [add_feed(client, keys, f"{server.base}/f{i}.xml", title=f"Feed {i}") for i in range(3)]
    again = client.post("/api/v1/feeds", json={"url": f"{server.base}/f1.xml", "interval_seconds": 60},
                        headers=keys["admin"])
    assert again.status_code == 409 and "url" in again.get_json()["errors"]

    first = client.get("/api/v1/feeds?limit=2", headers=keys["admin"]).get_json()
    assert [f["id"] for f in first["feeds"]] == [made[0]["id"], made[1]["id"]] and first["next_cursor"]
    rest = client.get(f"/api/v1/feeds?limit=2&cursor={first['next_cursor']}", headers=keys["admin"]).get_json()
    assert [f["id"] for f in rest["feeds"]] == [made[2]["id"]] and rest["next_cursor"] is None
    assert client.get("/api/v1/feeds?cursor=nonsense", headers=keys["admin"]).status_code == 400

    feed_id = made[0]["id"]
    assert client.patch(f"/api/v1/feeds/{feed_id}", json={"interval_seconds": 10},
                        headers=keys["admin"]).status_code == 422
    changed = client.patch(f"/api/v1/feeds/{feed_id}", json={"title": "Renamed", "interval_seconds": 3600,
                                                             "fetch_pages": True}, headers=keys["admin"])
    assert changed.status_code == 200, changed.get_json()
    assert (changed.get_json()["title"], changed.get_json()["interval_seconds"],
            changed.get_json()["fetch_pages"]) == ("Renamed", 3600, True)
    taken = client.patch(f"/api/v1/feeds/{feed_id}", json={"url": f"{server.base}/f2.xml"}, headers=keys["admin"])
    assert taken.status_code == 409

    paused = client.patch(f"/api/v1/feeds/{feed_id}", json={"active": False}, headers=keys["admin"]).get_json()
    assert paused["active"] is False and paused["next_poll_at"] is None
    assert feed_id not in dict(store.claim_due_feeds(lease_seconds=300))
    resumed = client.patch(f"/api/v1/feeds/{feed_id}", json={"active": True}, headers=keys["admin"]).get_json()
    assert resumed["active"] is True and seconds_until(resumed["next_poll_at"]) <= 1

    assert client.delete(f"/api/v1/feeds/{feed_id}", headers=keys["admin"]).status_code == 204
    assert client.get(f"/api/v1/feeds/{feed_id}", headers=keys["admin"]).status_code == 404
    assert client.delete(f"/api/v1/feeds/{feed_id}", headers=keys["admin"]).status_code == 404
    assert client.patch(f"/api/v1/feeds/{feed_id}", json={"title": "x"}, headers=keys["admin"]).status_code == 404
    assert feed_id not in dict(store.claim_due_feeds(lease_seconds=300))
    # Its URL is free again.
    assert client.post("/api/v1/feeds", json={"url": f"{server.base}/f0.xml", "interval_seconds": 60},
                       headers=keys["admin"]).status_code == 201


def test_hostile_text_round_trips_and_deep_json_is_refused(client, keys, server):
    title = 'nul\x00 *3\r\n$8\r\nFLUSHALL\r\n"]]) redis.call("FLUSHALL") --'
    feed = add_feed(client, keys, f"{server.base}/odd.xml", title=title)
    assert client.get(f"/api/v1/feeds/{feed['id']}", headers=keys["admin"]).get_json()["title"] == title
    for method, path in (("POST", "/api/v1/feeds"), ("PATCH", f"/api/v1/feeds/{feed['id']}")):
        answer = client.open(path, method=method, data="[" * 5000 + "]" * 5000,
                             headers={**keys["admin"], "Content-Type": "application/json"})
        assert answer.status_code == 400 and answer.get_json()["code"] == 400
    listed = client.get("/api/v1/feeds", headers=keys["admin"]).get_json()["feeds"]
    assert [(f["id"], f["title"]) for f in listed] == [(feed["id"], title)]
    document = client.get("/api/v1/openapi.json").get_json()
    assert {"/api/v1/feeds", "/api/v1/feeds/{feed_id}"} <= set(document["paths"])


def test_an_entry_keeps_to_what_post_articles_accepts(client, keys, store, server, poll):
    server.routes["/odd.xml"] = static(rss("Odd", [
        {"title": "T" * 1500, "link": "javascript:alert(1)", "text": "The dam holds 3 billion litres."}]))
    feed = add_feed(client, keys, f"{server.base}/odd.xml")
    assert poll(feed["id"])["entries_ingested"] == 1
    [stored] = articles(store)
    assert stored["url"] is None and stored["title"] == "T" * 1000
    assert poll(feed["id"])["entries_ingested"] == 1 and len(articles(store)) == 1  # known by that link


# -- through Celery: beat, the poll tasks and extraction ---------------------------------------
@pytest.fixture(scope="module")
def feed_worker(redis_server_url, tmp_path_factory):
    """A `celery worker -Q webhooks` (where feed polls run) with its own beat."""
    from tests.helpers import start_celery_worker
    from tests.integration.webhook_receiver import stop_worker

    directory = tmp_path_factory.mktemp("feeds")
    env = {"CLAIMTRACK_REDIS_URL": redis_server_url, "CLAIMTRACK_LOG_LEVEL": "INFO",
           "CLAIMTRACK_FEED_ALLOW_PRIVATE": "1", "CLAIMTRACK_FEED_TIMEOUT": "2"}
    process = start_celery_worker(env, directory / "feeds.log", "-Q", "webhooks", "--concurrency", "2", "-B",
                                  "--schedule", str(directory / "feeds.beat"), name="feeds")
    yield process
    stop_worker(process)


def test_beat_polls_a_due_feed_and_its_entries_are_extracted(client, keys, store, server, celery_worker,
                                                             feed_worker):
    server.routes["/live.xml"] = static(rss("Island Post", [
        {"title": "Airport runway extended", "link": f"{server.base}/n/runway", "guid": "ip-1",
         "date": "Thu, 05 Mar 2026 06:00:00 GMT",
         "text": "<p>The island's airport extended its runway by 400 metres at a cost of 22 million euros, "
                 "the transport ministry said on Thursday.</p>"},
    ]))
    feed = add_feed(client, keys, f"{server.base}/live.xml")
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        done = [a for a in articles(store) if a["status"] in ("done", "failed")]
        if done:
            break
        time.sleep(0.5)
    assert [(a["title"], a["status"], a["source"]) for a in done] == [
        ("Airport runway extended", "done", "Island Post")], articles(store)
    assert done[0]["claim_count"] >= 1
    polled = client.get(f"/api/v1/feeds/{feed['id']}", headers=keys["admin"]).get_json()
    assert (polled["last_status"], polled["entries_ingested"], polled["polling"]) == ("ok", 1, False)
    assert INTERVAL - 90 < seconds_until(polled["next_poll_at"]) <= INTERVAL
    assert len(server.requests_to("/live.xml")) == 1  # not polled again before its interval
