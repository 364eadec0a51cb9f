"""The key lookup shares its Redis round trip with the reads a view needs (GET /claims/{id}):
the claim is only ever shown to an allowed caller, and a Redis that forgot the scripts (a
restart, SCRIPT FLUSH) is handled."""
from __future__ import annotations

from tests.helpers import make_claims

TEXT = "The ferry carried 312 passengers on Sunday."


def a_claim(client, keys, store) -> str:
    article = client.post("/api/v1/articles", json={"text": TEXT}, headers=keys["ingest"]).get_json()
    return make_claims(store, article["id"], [(TEXT, 0.7)])[0]


def test_a_claim_read_with_the_key_lookup_reaches_only_an_allowed_caller(client, keys, store):
    claim_id = a_claim(client, keys, store)
    for headers in ({"Authorization": "Bearer ctk_not-a-key"}, {}):
        refused = client.get(f"/api/v1/claims/{claim_id}", headers=headers)
        assert refused.status_code == 401 and TEXT not in refused.get_data(as_text=True)
    shown = client.get(f"/api/v1/claims/{claim_id}", headers=keys["reviewer"])
    assert shown.status_code == 200 and shown.get_json()["text"] == TEXT
    assert shown.headers["ETag"] == '"1"' and shown.get_json()["history"][0]["why"] == "extracted"
    missing = client.get("/api/v1/claims/clm_nope", headers=keys["reviewer"])
    assert missing.status_code == 404 and missing.get_json()["message"] == "no claim clm_nope"


def test_a_redis_that_forgot_its_scripts_still_authenticates(client, keys, store):
    claim_id = a_claim(client, keys, store)
    store.redis.script_flush()
    assert client.get(f"/api/v1/claims/{claim_id}", headers=keys["reviewer"]).status_code == 200
    assert client.get("/api/v1/claims", headers=keys["reviewer"]).status_code == 200
