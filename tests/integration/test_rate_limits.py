"""Rate limits per API key (service/ratelimits.py): requests a minute, articles a minute and
article bytes an hour, each a 429 in the error shape with Retry-After and RateLimit-* headers."""
from __future__ import annotations

import pytest

from service.app import create_app
from service.auth import create_key
from service.claims import Role
from tests.integration.conftest import BufferedClient


def client_with(settings, **limits):
    app = create_app(settings.with_overrides(**limits), enqueue_extraction=lambda article_id: None)
    app.test_client_class = BufferedClient
    return app.test_client()


def key(store, role=Role.INGEST, name="wire"):
    return {"Authorization": f"Bearer {create_key(store, role=role, name=name)[1]}"}


def test_requests_a_minute_run_out_with_a_429_and_headers(settings, store):
    client = client_with(settings, rate_requests_per_minute=5)
    mine, theirs = key(store), key(store, name="other desk")
    remaining = []
    for _ in range(5):
        answer = client.get("/api/v1/articles", headers=mine)
        assert answer.status_code == 200
        assert answer.headers["RateLimit-Limit"] == "5"
        remaining.append(int(answer.headers["RateLimit-Remaining"]))
    assert remaining == [4, 3, 2, 1, 0]
    refused = client.get("/api/v1/articles", headers=mine)
    assert refused.status_code == 429
    body = refused.get_json()
    assert body["code"] == 429 and "5 requests per minute" in body["message"]
    assert 1 <= int(refused.headers["Retry-After"]) <= 12
    assert refused.headers["RateLimit-Remaining"] == "0" and int(refused.headers["RateLimit-Reset"]) <= 60
    # Another key has its own quota; an unknown key is a 401 whatever the limits say.
    assert client.get("/api/v1/articles", headers=theirs).status_code == 200
    assert client.get("/api/v1/articles", headers={"Authorization": "Bearer ctk_nope"}).status_code == 401


def test_articles_a_minute_refuse_the_next_and_store_nothing(settings, store):
    client = client_with(settings, rate_articles_per_minute=2)
    mine = key(store)
    for n in range(2):
        answer = client.post("/api/v1/articles", json={"text": f"The ferry made {n + 3} crossings."},
                             headers=mine)
        assert answer.status_code == 202
    refused = client.post("/api/v1/articles", json={"text": "The ferry made 9 crossings."}, headers=mine)
    assert refused.status_code == 429, refused.get_json()
    assert refused.get_json()["errors"]["articles"] and refused.headers["Retry-After"]
    assert refused.headers["RateLimit-Limit"] == "2"
    articles, _cursor = store.list_articles()
    assert len(articles) == 2


def test_article_bytes_an_hour_count_the_text_size(settings, store):
    client = client_with(settings, max_article_bytes=400, rate_article_bytes_per_hour=1000)
    mine = key(store)
    text = "The council met on Tuesday. " * 12  # 336 bytes
    assert client.post("/api/v1/articles", json={"text": text}, headers=mine).status_code == 202
    assert client.post("/api/v1/articles", json={"text": text + "Again."}, headers=mine).status_code == 202
    refused = client.post("/api/v1/articles", json={"text": text + "Thrice."}, headers=mine)
    assert refused.status_code == 429
    assert "bytes of article text per hour" in refused.get_json()["message"]
    assert int(refused.headers["Retry-After"]) > 60  # an hour's budget refills slowly
    # Over the size limit is a 413 and costs nothing.
    assert client.post("/api/v1/articles", json={"text": "x" * 401}, headers=mine).status_code == 413


@pytest.mark.parametrize("limit", [0])
def test_a_zero_limit_turns_the_quota_off(settings, store, limit):
    client = client_with(settings, rate_requests_per_minute=limit, rate_articles_per_minute=limit)
    mine = key(store)
    for _ in range(30):
        answer = client.get("/api/v1/articles", headers=mine)
        assert answer.status_code == 200 and "RateLimit-Limit" not in answer.headers
