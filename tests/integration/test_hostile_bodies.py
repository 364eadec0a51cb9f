"""Hostile JSON bodies get a 400 in the error shape and change nothing."""
from __future__ import annotations

import pytest

from service.api.parsing import MAX_JSON_DEPTH, MAX_JSON_VALUES


def error_400(answer, word):
    assert answer.status_code == 400, answer.get_data(as_text=True)[:300]
    body = answer.get_json()
    assert body["code"] == 400 and word in body["message"] and body["errors"]["body"]


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 1_000, 100_000])
def test_json_nested_too_deep_is_a_400_on_every_json_endpoint(client, keys, store, depth):
    deep = "[" * depth + "]" * depth
    for path, role in [("/api/v1/articles", "ingest"), ("/api/v1/queue/next", "reviewer"),
                       ("/api/v1/claims/bulk-transitions", "reviewer"), ("/api/v1/keys", "admin")]:
        answer = client.post(path, data=deep, content_type="application/json", headers=keys[role])
        error_400(answer, "nests deeper")
    body = '{"text": "A ferry carried 300 people.", "title": ' + "[" * depth + "]" * depth + "}"
    error_400(client.post("/api/v1/articles", data=body, content_type="application/json",
                          headers=keys["ingest"]), "nests deeper")
    assert store.list_articles()[0] == []


def test_json_with_too_many_values_is_a_400(client, keys):
    crowded = "[" + ",".join(["1"] * (MAX_JSON_VALUES + 1)) + "]"
    answer = client.post("/api/v1/claims/bulk-transitions", data=crowded,
                         content_type="application/json", headers=keys["reviewer"])
    error_400(answer, "values")


def test_bodies_within_the_bounds_still_work(client, keys):
    nested_ok = {"text": "The bridge cost 12 million euros in 2021.", "title": "Bridge"}
    assert client.post("/api/v1/articles", json=nested_ok, headers=keys["ingest"]).status_code == 202


@pytest.mark.parametrize("escape", ["\\ud800", "\\udfff", "\\ud83d"])
def test_a_lone_surrogate_escape_in_a_json_string_is_a_400(client, keys, store, escape):
    """JSON's grammar allows "\\ud800"; UTF-8 cannot encode it: once a 500 when hashed or stored."""
    pier = '"The pier at Sandholt is 300 metres long.'
    for path, role, body in [
        ("/api/v1/articles", "ingest", '{"text": ' + pier + escape + '"}'),
        ("/api/v1/articles", "ingest", '{"text": ' + pier + '", "title": "' + escape + '"}'),
        ("/api/v1/articles", "ingest", '{"text": ' + pier + '", "' + escape + '": 1}'),
        ("/api/v1/keys", "admin", '{"role": "reviewer", "name": "night ' + escape + ' desk"}'),
        ("/api/v1/claims/bulk-transitions", "reviewer", '{"items": [{"id": "clm_' + escape + '", "to": "pending"}]}'),
    ]:
        answer = client.post(path, data=body, content_type="application/json", headers=keys[role])
        error_400(answer, "Unicode")
    assert store.list_articles()[0] == []
    # A surrogate pair is one character, and fine.
    fine = client.post("/api/v1/articles", data='{"text": "The pier at Sandholt is 300 metres long. \\ud83d\\ude00"}',
                       content_type="application/json", headers=keys["ingest"])
    assert fine.status_code == 202, fine.get_json()
