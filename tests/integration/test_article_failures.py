"""An extraction that gives up fails its article, but never one it already finished: a time
limit or an error after the claims were stored leaves the article done, with no false event."""
from __future__ import annotations

from tests.helpers import make_claims


def events_of(store, kind):
    return [e for e in store.events(1000) if e["type"] == kind]


def test_a_done_article_is_not_turned_failed(client, keys, store):
    answer = client.post("/api/v1/articles", json={"text": "The depot has 40 buses."},
                         headers=keys["ingest"])
    article_id = answer.get_json()["id"]
    make_claims(store, article_id, [("The depot has 40 buses.", 0.8)])
    assert store.get_article(article_id)["status"] == "done"

    assert store.fail_article(article_id, "extraction took longer than its limit of 240 s") is False
    article = store.get_article(article_id)
    assert article["status"] == "done" and not article.get("error")
    assert events_of(store, "article.failed") == []
    assert len(events_of(store, "article.processed")) == 1


def test_a_waiting_article_fails_with_its_reason_and_one_event(client, keys, store):
    answer = client.post("/api/v1/articles", json={"text": "The depot has 41 buses."},
                         headers=keys["ingest"])
    article_id = answer.get_json()["id"]
    assert store.fail_article(article_id, "extraction failed: ValueError: bad input",
                              timings={"queued_at": "2026-01-01T00:00:00Z"}) is True
    article = store.get_article(article_id)
    assert article["status"] == "failed" and article["error"].startswith("extraction failed")
    [event] = events_of(store, "article.failed")
    assert event["data"] == {"article_id": article_id, "error": "extraction failed: ValueError: bad input"}
    # Failing again changes nothing and says nothing more.
    assert store.fail_article(article_id, "again") is False
    assert len(events_of(store, "article.failed")) == 1
