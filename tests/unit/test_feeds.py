"""Feed rules (service/feeds.py) and the worker's parsing helpers (workers/feeds.py), without I/O."""
from __future__ import annotations

import pytest

from service.errors import UnsafeWebhookUrl
from service.feeds import (
    MAX_BACKOFF_SECONDS,
    article_link,
    check_feed_url,
    entry_identities,
    next_poll_delay,
    source_name,
)
from workers.feeds import Fetched, FetchError, entry_text, fragment_text, parse_feed


def test_a_failing_feed_backs_off_exponentially_up_to_a_cap():
    assert [next_poll_delay(600, n) for n in range(7)] == [600, 1200, 2400, 4800, 9600, 19200, MAX_BACKOFF_SECONDS]
    assert next_poll_delay(600, 10_000) == MAX_BACKOFF_SECONDS
    # A feed polled less often than the cap waits its own interval, never less.
    assert next_poll_delay(86_400, 3) == 86_400
    # A server's Retry-After lengthens the wait, up to the same cap; it never shortens it.
    assert next_poll_delay(600, 1, retry_after=7200) == 7200
    assert next_poll_delay(600, 1, retry_after=30) == 1200
    assert next_poll_delay(600, 1, retry_after=10**9) == MAX_BACKOFF_SECONDS


def test_an_entry_is_known_by_its_id_and_by_its_link_however_the_link_is_spelled():
    a = entry_identities("urn:x:1", "HTTPS://News.Example/story/1/#comments")
    b = entry_identities(None, "https://news.example/story/1")
    assert len(a) == 2 and a[1] == b[0]
    assert entry_identities("urn:x:1", None)[0] == a[0]
    assert entry_identities("  ", "") == []
    assert entry_identities("urn:x:1", None) != entry_identities("urn:x:2", None)


@pytest.mark.parametrize("url", ["ftp://feeds.example/rss", "file:///etc/passwd", "http:///no-host",
                                 "http://127.0.0.1/rss", "http://[::1]/rss", "http://169.254.169.254/",
                                 "http://10.0.0.1/rss", "http://localhost/rss"])
def test_feed_urls_must_be_public_http(url):
    with pytest.raises(UnsafeWebhookUrl) as refused:
        check_feed_url(url, allow_private=False)
    assert "url" in refused.value.errors
    assert "webhook" not in refused.value.message.lower()


def test_private_feed_urls_when_allowed_are_normalised():
    assert check_feed_url("HTTP://127.0.0.1:8080/rss#x", allow_private=True) == "http://127.0.0.1:8080/rss"


def test_an_article_keeps_only_an_http_link_as_its_url():
    assert article_link("https://news.example/a?b=1") == "https://news.example/a?b=1"
    for link in ("javascript:alert(1)", "data:text/html,hi", "ftp://x.example/a", "/relative", "http://",
                 "https://x.example/" + "a" * 3000, None):
        assert article_link(link) is None, link


def test_the_source_is_the_title_else_the_host():
    assert source_name("  Harbour   Gazette ", "https://x.example/rss") == "Harbour Gazette"
    assert source_name(None, "https://news.example:8443/rss") == "news.example"


def test_summary_html_becomes_plain_text_without_scripts():
    html = "<p>First <b>bold</b> point.</p><script>alert(1)</script><ul><li>One</li><li>Two &amp; three</li></ul>"
    assert fragment_text(html) == "First bold point.\n\nOne\n\nTwo & three"


def test_content_wins_over_summary():
    entry = {"content": [{"type": "text/html", "value": "<p>Full text.</p>"}], "summary": "Short."}
    assert entry_text(entry) == "Full text."
    assert entry_text({"summary": "<p>Only a summary.</p>"}) == "Only a summary."
    assert entry_text({}) == ""


@pytest.mark.parametrize("body", [b"/etc/passwd", b"http://127.0.0.1:9/feed.xml", b"<html><body>hi</body></html>"])
def test_a_body_is_parsed_as_data_never_opened_as_a_file_or_fetched(body):
    # feedparser.parse opens a plain string or bytes as a path or URL: the parser gets a stream.
    with pytest.raises(FetchError, match="not an RSS or Atom feed"):
        parse_feed(Fetched(200, body, {"Content-Type": "text/plain"}, "http://feeds.example/x"))


def test_rss_and_atom_parse():
    rss = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
           b'<item><guid isPermaLink="false">g1</guid><title>A</title><description>d</description></item></channel></rss>')
    atom = (b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><id>f</id>'
            b"<updated>2026-01-01T00:00:00Z</updated><entry><id>e1</id><title>A</title>"
            b'<link href="/a/1"/><updated>2026-01-01T00:00:00Z</updated><summary>s</summary></entry></feed>')
    parsed = parse_feed(Fetched(200, rss, {"Content-Type": "application/rss+xml"}, "http://feeds.example/rss"))
    assert parsed.version == "rss20" and parsed.entries[0]["id"] == "g1"
    parsed = parse_feed(Fetched(200, atom, {"Content-Type": "application/atom+xml"}, "http://feeds.example/atom"))
    assert parsed.version == "atom10" and parsed.entries[0]["link"] == "http://feeds.example/a/1"
