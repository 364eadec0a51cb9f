"""What the dashboard needs from the server: its page and files under strict headers, the API
reference offline, who the caller is, a cheap changes feed, articles by id, richer stats."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from service.store import KEYS

STATIC = Path(__file__).resolve().parents[2] / "service" / "dashboard" / "static"
STRICT_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                 "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
                 "frame-ancestors 'none'; form-action 'self'")
LARGEST_STREAM_ID = f"{2 ** 64 - 1}-{2 ** 64 - 1}"


def assert_served_safely(answer) -> None:
    assert answer.headers["Content-Security-Policy"] == STRICT_POLICY
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Referrer-Policy"] == "no-referrer"
    assert answer.headers["X-Frame-Options"] == "DENY"


def assert_error_shape(answer, code: int) -> dict:
    body = answer.get_json()
    assert answer.status_code == code and body["code"] == code
    assert body["status"] and body["message"] and isinstance(body["errors"], dict)
    return body


def newest_cursor(client, headers) -> str:
    return client.get("/api/v1/changes", headers=headers).get_json()["cursor"]


def lease_next(client, headers) -> dict:
    answer = client.post("/api/v1/queue/next", headers=headers)
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


# -- the page and its files ---------------------------------------------------------------------
def test_the_page_is_served_at_the_root_without_a_key_and_is_always_revalidated(client):
    answer = client.get("/")
    assert answer.status_code == 200 and answer.mimetype == "text/html"
    assert answer.data == (STATIC / "index.html").read_bytes()
    assert answer.headers["Cache-Control"] == "no-cache"
    assert_served_safely(answer)


def test_assets_under_ui_carry_their_types_and_revalidate_by_etag(client):
    script = client.get("/ui/docs/docs.js")
    assert script.status_code == 200 and script.mimetype == "text/javascript"
    assert_served_safely(script)
    stylesheet = client.get("/ui/vendor/swagger-ui/swagger-ui.css")
    assert stylesheet.status_code == 200 and stylesheet.mimetype == "text/css"
    etag = stylesheet.headers["ETag"]
    unchanged = client.get("/ui/vendor/swagger-ui/swagger-ui.css", headers={"If-None-Match": etag})
    assert unchanged.status_code == 304 and unchanged.data == b""
    assert_served_safely(unchanged)


@pytest.mark.parametrize("path", ["/ui/no-such-file.js", "/ui/docs", "/ui/../__init__.py",
                                  "/ui/%2e%2e/__init__.py", "/ui/docs/..%2f..%2f__init__.py"])
def test_an_unknown_file_or_one_outside_the_static_folder_is_the_api_json_404(client, path):
    answer = client.get(path)
    assert assert_error_shape(answer, 404)["message"].startswith("no dashboard file")
    assert_served_safely(answer)


def test_a_write_to_the_page_is_a_json_405_naming_the_allowed_methods(client):
    answer = client.post("/", json={})
    assert_error_shape(answer, 405)
    assert "GET" in answer.headers["Allow"]


# -- the API reference ------------------------------------------------------------------------
def test_the_api_reference_loads_only_files_of_the_service(client):
    answer = client.get("/api/v1/docs")
    assert answer.status_code == 200 and answer.mimetype == "text/html"
    assert_served_safely(answer)
    page = answer.get_data(as_text=True)
    assert '<a href="/">' in page  # back to the dashboard
    references = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert {"/ui/vendor/swagger-ui/swagger-ui-bundle.js", "/ui/docs/docs.js",
            "/ui/vendor/swagger-ui/swagger-ui.css"} <= set(references)
    for reference in references:
        if reference == "data:,":  # the empty icon: no favicon request
            continue
        assert reference.startswith("/") and not reference.startswith("//"), reference
        assert client.get(reference).status_code == 200, reference
    assert "<script>" not in page  # nothing inline: the strict policy would refuse it


def test_the_api_reference_reads_the_openapi_document_and_the_dashboard_key(client):
    script = client.get("/ui/docs/docs.js").get_data(as_text=True)
    assert '"/api/v1/openapi.json"' in script and '"claimtrack.apiKey"' in script
    assert 'preauthorizeApiKey("bearerAuth"' in script
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {"type": "http", "scheme": "bearer"}


def test_the_vendored_swagger_ui_names_its_version_and_keeps_its_licences(client):
    readme = client.get("/ui/vendor/swagger-ui/README.txt").get_data(as_text=True)
    version = re.search(r"swagger-ui-dist@(\d+\.\d+\.\d+)", readme).group(1)
    assert "Apache License" in (STATIC / "vendor/swagger-ui/LICENSE").read_text()
    assert "SmartBear" in (STATIC / "vendor/swagger-ui/NOTICE").read_text()
    bundle = (STATIC / "vendor/swagger-ui/swagger-ui-bundle.js").read_text()
    assert bundle.startswith("/*! For license information please see swagger-ui-bundle.js.LICENSE.txt */")
    assert (STATIC / "vendor/swagger-ui/swagger-ui-bundle.js.LICENSE.txt").is_file()
    assert f'"{version}"' in bundle  # the README names the copy that is really here


# -- who am I --------------------------------------------------------------------------------
@pytest.mark.parametrize("label, role, permissions", [
    ("ingest", "ingest", ["read", "submit"]),
    ("reviewer", "reviewer", ["read", "review"]),
    ("admin", "admin", ["read", "submit", "review", "admin"]),
])
def test_me_names_the_calling_key_its_role_and_what_it_may_do(client, keys, label, role, permissions):
    answer = client.get("/api/v1/me", headers=keys[label])
    assert answer.status_code == 200
    me = answer.get_json()
    assert me["key_id"].startswith("key_") and me["name"] == label
    assert me["role"] == role and me["permissions"] == permissions


def test_me_without_a_valid_key_is_401(client):
    assert_error_shape(client.get("/api/v1/me"), 401)
    assert_error_shape(client.get("/api/v1/me", headers={"Authorization": "Bearer ctk_nope"}), 401)


def test_the_new_endpoints_are_in_the_openapi_document(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert "/api/v1/me" in spec["paths"] and "/api/v1/changes" in spec["paths"]
    changes = spec["paths"]["/api/v1/changes"]["get"]
    assert {"200", "304", "400"} <= set(changes["responses"])
    assert any(p["name"] == "since" for p in changes["parameters"])
    articles = spec["paths"]["/api/v1/articles"]["get"]
    assert any(p["name"] == "id" and p["schema"]["type"] == "array" for p in articles["parameters"])
    timing = spec["components"]["schemas"]["TimeToVerdict"]["properties"]
    assert {"median", "p25", "p75", "p90", "samples", "histogram"} <= set(timing)


# -- the changes feed ------------------------------------------------------------------------
def test_without_since_the_feed_gives_just_the_current_cursor(client, keys, article_with_claims):
    empty = client.get("/api/v1/changes", headers=keys["reviewer"])
    assert empty.get_json() == {"cursor": "0-0", "events": [], "truncated": False}
    assert empty.headers["ETag"] == '"0-0"'
    article_with_claims([("The port handled 3 million containers.", 0.8)])
    answer = client.get("/api/v1/changes", headers=keys["reviewer"])
    feed = answer.get_json()
    assert feed["cursor"] != "0-0" and feed["events"] == [] and feed["truncated"] is False
    assert answer.headers["ETag"] == f'"{feed["cursor"]}"'


def test_an_extracted_article_shows_as_its_new_claims_then_the_article(client, keys, article_with_claims):
    article_id, claim_ids = article_with_claims([("Wind gave 40 percent of power in 2023.", 0.9),
                                                 ("The grid lost 2 gigawatts on Monday.", 0.7)])
    feed = client.get("/api/v1/changes", query_string={"since": "0-0"}, headers=keys["ingest"]).get_json()
    created = [e for e in feed["events"] if e["type"] == "claim.created"]
    assert [e["claim_id"] for e in created] == claim_ids
    assert all(e["article_id"] == article_id and e["status"] == "pending" for e in created)
    processed = feed["events"][-1]
    assert processed["type"] == "article.processed" and processed["article_id"] == article_id
    assert "claim_id" not in processed and "status" not in processed
    assert feed["cursor"] == processed["id"] and feed["truncated"] is False
    ids = [e["id"] for e in feed["events"]]
    assert ids == sorted(ids, key=lambda i: tuple(int(p) for p in i.split("-")))


def test_a_review_step_elsewhere_is_the_one_change_after_the_cursor(client, keys, article_with_claims):
    article_id, (claim_id,) = article_with_claims([("The bridge cost 80 million euros.", 0.8)])
    cursor = newest_cursor(client, keys["reviewer"])
    claim = lease_next(client, keys["reviewer2"])
    answer = client.get("/api/v1/changes", query_string={"since": cursor}, headers=keys["reviewer"])
    feed = answer.get_json()
    assert [{k: v for k, v in e.items() if k != "id"} for e in feed["events"]] == [
        {"type": "claim.status_changed", "claim_id": claim_id, "article_id": article_id,
         "status": "in_review"}]
    assert feed["cursor"] == feed["events"][0]["id"] != cursor
    assert answer.headers["ETag"] == f'"{feed["cursor"]}"'
    verified = client.post(f"/api/v1/claims/{claim_id}/transitions", json={"to": "verified", "rating": "true"},
                           headers={**keys["reviewer2"], "If-Match": f'"{claim["version"]}"'})
    assert verified.status_code == 200
    later = client.get("/api/v1/changes", query_string={"since": feed["cursor"]},
                       headers=keys["reviewer"]).get_json()
    assert [(e["claim_id"], e["status"]) for e in later["events"]] == [(claim_id, "verified")]


def test_an_unchanged_feed_answers_304_after_one_redis_read(client, keys, store, article_with_claims):
    article_with_claims([("Rents rose 12 percent in a year.", 0.8)])
    cursor = newest_cursor(client, keys["reviewer"])
    store.redis.config_resetstat()
    answer = client.get("/api/v1/changes", query_string={"since": cursor},
                        headers={**keys["reviewer"], "If-None-Match": f'"{cursor}"'})
    assert answer.status_code == 304 and answer.data == b""
    assert answer.headers["ETag"] == f'"{cursor}"'
    stream_reads = {name: stats["calls"] for name, stats in store.redis.info("commandstats").items()
                    if name.startswith("cmdstat_x")}
    assert stream_reads == {"cmdstat_xrevrange": 1}
    weak = client.get("/api/v1/changes", query_string={"since": cursor},
                      headers={**keys["reviewer"], "If-None-Match": f'W/"{cursor}"'})
    assert weak.status_code == 304


def test_a_stale_etag_gets_the_new_events(client, keys, article_with_claims):
    article_with_claims([("Ferries carried 9,000 cars in May.", 0.8)])
    cursor = newest_cursor(client, keys["reviewer"])
    lease_next(client, keys["reviewer"])
    answer = client.get("/api/v1/changes", query_string={"since": cursor},
                        headers={**keys["reviewer"], "If-None-Match": f'"{cursor}"'})
    assert answer.status_code == 200 and len(answer.get_json()["events"]) == 1


def test_more_than_a_hundred_changes_are_cut_and_marked_truncated(client, keys, article_with_claims):
    article_with_claims([(f"Harbour {n} handled {n * 7} ships.", 0.5) for n in range(120)])
    feed = client.get("/api/v1/changes", query_string={"since": "0-0"}, headers=keys["reviewer"]).get_json()
    assert len(feed["events"]) == 100 and feed["truncated"] is True
    assert feed["cursor"] == newest_cursor(client, keys["reviewer"]) != feed["events"][-1]["id"]


def test_a_cursor_newer_than_the_stream_says_reload(client, keys, article_with_claims):
    """The data was replaced (a new Redis) while a tab kept its old cursor."""
    article_with_claims([("The tunnel is 57 kilometres long.", 0.8)])
    feed = client.get("/api/v1/changes", query_string={"since": "99999999999999-0"},
                      headers=keys["reviewer"]).get_json()
    assert feed["events"] == [] and feed["truncated"] is True
    assert feed["cursor"] == newest_cursor(client, keys["reviewer"])
    largest = client.get("/api/v1/changes", query_string={"since": LARGEST_STREAM_ID}, headers=keys["reviewer"])
    assert largest.status_code == 200 and largest.get_json()["truncated"] is True


def test_a_cursor_trimmed_out_of_the_stream_says_reload(client, keys, store, article_with_claims):
    article_with_claims([("Claim one has 1 number.", 0.9), ("Claim two has 2 numbers.", 0.8)])
    first = client.get("/api/v1/changes", query_string={"since": "0-0"},
                       headers=keys["reviewer"]).get_json()["events"][0]["id"]
    store.redis.xtrim(KEYS.events, maxlen=1, approximate=False)
    feed = client.get("/api/v1/changes", query_string={"since": first}, headers=keys["reviewer"]).get_json()
    assert feed["truncated"] is True and len(feed["events"]) == 1


@pytest.mark.parametrize("since", ["abc", "1-2-3", "-1", "1-", "1719999999999-x", f"{2 ** 64}-0",
                                   f"1-{2 ** 64}", "1" * 21])
def test_since_must_be_a_stream_id(client, keys, since):
    answer = client.get("/api/v1/changes", query_string={"since": since}, headers=keys["reviewer"])
    body = assert_error_shape(answer, 400)
    assert "since" in body["errors"]


def test_since_may_be_milliseconds_alone(client, keys, article_with_claims):
    article_with_claims([("Rail traffic grew 4 percent.", 0.8)])
    feed = client.get("/api/v1/changes", query_string={"since": "0"}, headers=keys["reviewer"]).get_json()
    assert [e["type"] for e in feed["events"]] == ["claim.created", "article.processed"]


def test_the_changes_feed_needs_a_key(client):
    assert_error_shape(client.get("/api/v1/changes"), 401)


# -- articles by id --------------------------------------------------------------------------
def test_articles_by_id_come_in_the_order_asked_without_text_unknown_ids_left_out(client, keys):
    made = []
    for body in ({"text": "Article one says 1 thing.", "title": "One"},
                 {"html": "<html><body><p>Article two says 2 things.</p></body></html>", "title": "Two"},
                 {"text": "Article three says 3 things.", "title": "Three"}):
        answer = client.post("/api/v1/articles", json=body, headers=keys["ingest"])
        assert answer.status_code == 202
        made.append(answer.get_json())
    one, two, three = (a["id"] for a in made)
    answer = client.get("/api/v1/articles", query_string=[("id", three), ("id", "art_unknown"), ("id", one),
                                                          ("id", two), ("id", three)],
                        headers=keys["reviewer"])
    assert answer.status_code == 200
    listed = answer.get_json()
    assert [a["id"] for a in listed["articles"]] == [three, one, two] and listed["next_cursor"] is None
    assert [a["title"] for a in listed["articles"]] == ["Three", "One", "Two"]
    assert [a["format"] for a in listed["articles"]] == ["text", "text", "html"]
    assert all("text" not in a and "html" not in a for a in listed["articles"])
    assert listed["articles"][1] == {k: v for k, v in client.get(
        f"/api/v1/articles/{one}", headers=keys["reviewer"]).get_json().items() if k != "text"}


def test_more_than_a_hundred_article_ids_is_422(client, keys):
    answer = client.get("/api/v1/articles", query_string=[("id", f"art_{n}") for n in range(101)],
                        headers=keys["reviewer"])
    body = assert_error_shape(answer, 422)
    assert "id" in body["errors"] and "100" in body["message"]


def test_an_article_id_over_64_characters_is_422(client, keys):
    answer = client.get("/api/v1/articles", query_string={"id": "a" * 65}, headers=keys["reviewer"])
    assert "id" in assert_error_shape(answer, 422)["errors"]


def test_without_id_articles_are_listed_page_by_page_as_before(client, keys):
    for n in range(3):
        client.post("/api/v1/articles", json={"text": f"Paged article {n} has {n} facts."}, headers=keys["ingest"])
    first = client.get("/api/v1/articles", query_string={"limit": 2}, headers=keys["reviewer"]).get_json()
    assert len(first["articles"]) == 2 and first["next_cursor"]
    rest = client.get("/api/v1/articles", query_string={"limit": 2, "cursor": first["next_cursor"]},
                      headers=keys["reviewer"]).get_json()
    assert len(rest["articles"]) == 1 and rest["next_cursor"] is None


# -- stats -----------------------------------------------------------------------------------
def test_time_to_verdict_has_percentiles_and_a_histogram_of_the_stored_durations(client, keys, store):
    durations = [30, 60, 200, 600, 1000, 5000, 20000, 100000, 700000, 900000]
    store.redis.lpush(KEYS.stats_time_to_verdict, *durations)  # as the transition script records them
    timing = client.get("/api/v1/stats", headers=keys["reviewer"]).get_json()["time_to_verdict_seconds"]
    assert timing["samples"] == 10 and timing["median"] == 3000
    assert (timing["p25"], timing["p75"], timing["p90"]) == (300, 80000, 720000)
    assert timing["histogram"] == [
        {"le": 60, "count": 2}, {"le": 300, "count": 1}, {"le": 900, "count": 1},
        {"le": 3600, "count": 1}, {"le": 14400, "count": 1}, {"le": 86400, "count": 1},
        {"le": 604800, "count": 1}, {"le": None, "count": 2}]


def test_a_real_verdict_lands_in_the_first_bucket_and_every_stats_field_stays(client, keys, article_with_claims):
    empty = client.get("/api/v1/stats", headers=keys["reviewer"]).get_json()["time_to_verdict_seconds"]
    assert empty["samples"] == 0 and empty["median"] is None and empty["p90"] is None
    assert [b["count"] for b in empty["histogram"]] == [0] * 8
    article_with_claims([("The museum had 2 million visitors.", 0.8)])
    claim = lease_next(client, keys["reviewer"])
    client.post(f"/api/v1/claims/{claim['id']}/transitions", json={"to": "verified", "rating": "true"},
                headers={**keys["reviewer"], "If-Match": f'"{claim["version"]}"'})
    stats = client.get("/api/v1/stats", headers=keys["reviewer"]).get_json()
    assert {"claims", "queue", "verdicts_per_day", "time_to_verdict_seconds", "reviewers", "articles"} <= set(stats)
    timing = stats["time_to_verdict_seconds"]
    assert timing["samples"] == 1 and timing["p25"] == timing["median"] == timing["p90"]
    assert timing["histogram"][0] == {"le": 60, "count": 1}
