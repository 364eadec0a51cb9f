"""POST/GET /api/v1/articles against a real Redis: validation, dedupe, roles, errors."""
from __future__ import annotations

import pytest

ARTICLE = ("The city council of Lakeview approved a budget of 40 million dollars on Monday. "
           "The mayor said the new library will open in March 2025.")


def error_shape(answer, code):
    assert answer.status_code == code, answer.get_data(as_text=True)
    body = answer.get_json()
    assert set(body) >= {"code", "status", "message", "errors"}
    assert body["code"] == code and body["message"]
    return body


def test_submitting_an_article_stores_and_queues_it(client, keys, enqueued):
    answer = client.post("/api/v1/articles", json={"text": ARTICLE, "title": "Budget",
                                                   "published_at": "2024-07-04"}, headers=keys["ingest"])
    assert answer.status_code == 202
    article = answer.get_json()
    assert article["status"] == "queued" and article["id"].startswith("art_")
    assert answer.headers["Location"].endswith(f"/api/v1/articles/{article['id']}")
    assert enqueued == [article["id"]]
    stored = client.get(f"/api/v1/articles/{article['id']}", headers=keys["reviewer"]).get_json()
    assert stored["text"] == ARTICLE and stored["published_at"] == "2024-07-04"
    assert stored["title"] == "Budget"


def test_the_same_content_again_returns_the_stored_article_not_a_copy(client, keys, enqueued):
    first = client.post("/api/v1/articles", json={"text": ARTICLE}, headers=keys["ingest"])
    again = client.post("/api/v1/articles", json={"text": "  " + ARTICLE.replace(". ", ".\n  ") + "\n"},
                        headers=keys["ingest"])
    assert again.status_code == 200
    assert again.get_json()["id"] == first.get_json()["id"]
    assert again.get_json()["status"] == "queued"
    assert len(enqueued) == 1
    listed = client.get("/api/v1/articles", headers=keys["ingest"]).get_json()
    assert [a["id"] for a in listed["articles"]] == [first.get_json()["id"]]


def test_an_idempotency_key_reused_for_other_content_is_refused(client, keys):
    headers = {**keys["ingest"], "Idempotency-Key": "batch-7"}
    assert client.post("/api/v1/articles", json={"text": ARTICLE}, headers=headers).status_code == 202
    assert client.post("/api/v1/articles", json={"text": ARTICLE}, headers=headers).status_code == 200
    body = error_shape(client.post("/api/v1/articles", json={"text": "Another article entirely."},
                                   headers=headers), 422)
    assert "Idempotency-Key" in body["errors"]


def test_published_at_takes_a_datetime_and_assumes_utc(client, keys):
    answer = client.post("/api/v1/articles", json={"text": ARTICLE, "published_at": "2024-07-04T10:30:00"},
                         headers=keys["ingest"])
    assert answer.get_json()["published_at"] == "2024-07-04T10:30:00+00:00"


@pytest.mark.parametrize("body, field", [
    ({}, "text"),
    ({"text": ""}, "text"),
    ({"text": " \n\t "}, "text"),
    ({"text": 42}, "text"),
    ({"text": ["a"]}, "text"),
    ({"text": "x", "html": "<p>x</p>"}, "text"),
    ({"text": "x", "url": "ftp://example.org/a"}, "url"),
    ({"text": "x", "url": "not a url"}, "url"),
    ({"text": "x", "published_at": "last Tuesday"}, "published_at"),
    ({"text": "x", "published_at": "2024-13-45"}, "published_at"),
    ({"text": "x", "language": "english!"}, "language"),
    ({"text": "x", "surprise": True}, "surprise"),
])
def test_bad_article_fields_get_a_422_naming_the_field(client, keys, body, field, store):
    answer = client.post("/api/v1/articles", json=body, headers=keys["ingest"])
    assert field in error_shape(answer, 422)["errors"]
    assert store.list_articles()[0] == []


@pytest.mark.parametrize("raw", [b"{not json", b"\xff\xfe\x00\x01binary", b'{"text": "unterminated'])
def test_malformed_json_gets_a_400(client, keys, raw):
    answer = client.post("/api/v1/articles", data=raw,
                         headers={**keys["ingest"], "Content-Type": "application/json"})
    assert "body" in error_shape(answer, 400)["errors"]


def test_a_json_value_that_is_not_an_object_gets_a_422(client, keys):
    error_shape(client.post("/api/v1/articles", json=["text"], headers=keys["ingest"]), 422)


def test_a_body_that_is_not_json_gets_a_415(client, keys):
    answer = client.post("/api/v1/articles", data="plain words",
                         headers={**keys["ingest"], "Content-Type": "text/plain"})
    error_shape(answer, 415)


def test_an_article_over_the_limit_gets_a_413_and_stores_nothing(client, keys, store):
    answer = client.post("/api/v1/articles", json={"text": "word " * (2 * 1024 * 1024 // 5 + 10)},
                         headers=keys["ingest"])
    error_shape(answer, 413)
    huge = client.post("/api/v1/articles", json={"text": "x" * (3 * 1024 * 1024)}, headers=keys["ingest"])
    assert "limit" in error_shape(huge, 413)["message"]
    assert store.list_articles()[0] == []


def test_a_one_megabyte_article_is_accepted(client, keys):
    text = ("The harbour authority registered 1,200 ships in 2023. " * 19000)[:1_000_000]
    assert client.post("/api/v1/articles", json={"text": text}, headers=keys["ingest"]).status_code == 202


def test_no_key_is_401_and_a_key_without_the_role_is_403(client, keys):
    assert error_shape(client.post("/api/v1/articles", json={"text": ARTICLE}), 401)
    bogus = {"Authorization": "Bearer ctk_not-a-real-key"}
    error_shape(client.get("/api/v1/articles", headers=bogus), 401)
    error_shape(client.post("/api/v1/articles", json={"text": ARTICLE}, headers=keys["reviewer"]), 403)


def test_an_unknown_article_is_404(client, keys):
    error_shape(client.get("/api/v1/articles/art_missing", headers=keys["reviewer"]), 404)
    error_shape(client.get("/api/v1/articles/art_missing/claims", headers=keys["reviewer"]), 404)


def test_wrong_methods_and_paths_answer_in_the_error_shape(client, keys):
    answer = client.delete("/api/v1/articles", headers=keys["admin"])
    error_shape(answer, 405)
    assert "POST" in answer.headers["Allow"]
    error_shape(client.get("/api/v1/no-such-thing", headers=keys["admin"]), 404)


def test_an_html_article_not_yet_extracted_has_text_null_as_the_document_allows(client, keys):
    made = client.post("/api/v1/articles", json={"html": "<p>The council met 3 times.</p>"},
                       headers=keys["ingest"]).get_json()
    article = client.get(f"/api/v1/articles/{made['id']}", headers=keys["reviewer"]).get_json()
    assert article["format"] == "html" and article["text"] is None
    schema = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]["Article"]
    assert schema["properties"]["text"]["nullable"] is True


def test_a_cursor_over_its_documented_length_is_refused(client, keys):
    for path in ("/api/v1/articles", "/api/v1/claims", "/api/v1/webhooks"):
        answer = client.get(path, query_string={"cursor": "A" * 513}, headers=keys["admin"])
        assert "cursor" in error_shape(answer, 422)["errors"], path
        assert error_shape(client.get(path, query_string={"cursor": "A" * 512}, headers=keys["admin"]), 400)


def test_a_single_valued_query_parameter_given_twice_is_refused(client, keys):
    # Else the first value is used and the rest pass unchecked, over the documented length too.
    answer = client.get("/api/v1/claims", query_string=[("cursor", "A"), ("cursor", "A" * 600)],
                        headers=keys["admin"])
    assert "cursor" in error_shape(answer, 422)["errors"]
    since = client.get("/api/v1/changes", query_string=[("since", "1-0"), ("since", "2-0")], headers=keys["admin"])
    assert "since" in error_shape(since, 400)["errors"]
    ids = client.get("/api/v1/articles", query_string=[("id", "art_a"), ("id", "art_b")], headers=keys["admin"])
    assert ids.status_code == 200  # `id` is documented as repeatable


def test_article_list_pages_with_a_cursor(client, keys):
    ids = [client.post("/api/v1/articles", json={"text": f"Article number {n} says 3 things."},
                       headers=keys["ingest"]).get_json()["id"] for n in range(5)]
    seen, cursor = [], None
    while True:
        query = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = client.get("/api/v1/articles", query_string=query, headers=keys["ingest"]).get_json()
        seen += [a["id"] for a in page["articles"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == ids
    error_shape(client.get("/api/v1/articles", query_string={"cursor": "garbage!!"},
                           headers=keys["ingest"]), 400)
    error_shape(client.get("/api/v1/articles", query_string={"limit": 1000}, headers=keys["ingest"]), 422)


def test_article_list_pages_newest_first_on_request(client, keys):
    ids = [client.post("/api/v1/articles", json={"text": f"Report {n} counts {n} ferries."},
                       headers=keys["ingest"]).get_json()["id"] for n in range(3)]
    first = client.get("/api/v1/articles", query_string={"sort": "-created", "limit": 2},
                       headers=keys["ingest"]).get_json()
    rest = client.get("/api/v1/articles", query_string={"sort": "-created", "cursor": first["next_cursor"]},
                      headers=keys["ingest"]).get_json()
    assert [a["id"] for a in first["articles"] + rest["articles"]] == ids[::-1]
    assert rest["next_cursor"] is None
    error_shape(client.get("/api/v1/articles", query_string={"sort": "title"}, headers=keys["ingest"]), 422)
