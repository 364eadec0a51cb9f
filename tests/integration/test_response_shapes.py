"""Claims leave the store already in their documented shape (schemas/common.py StoredShape skips
dumping): every field declared, of its declared type, and nothing the schema does not name."""
from __future__ import annotations

import marshmallow as ma

from schemas.claims import ClaimSchema, ClaimSummarySchema
from tests.helpers import lease, make_claims, transition

CLAIMS = [("The harbour tunnel cost 640 million euros.", 0.9),
          ("The harbour authority employs 1,200 people.", 0.6)]
ELSEWHERE = [("The harbour tunnel cost 640 million euros to build.", 0.8)]


def assert_documented(document: dict, schema: ma.Schema) -> None:
    # What marshmallow would have written field by field, and what loading it back finds wrong.
    assert ma.Schema.dump(schema, document) == document
    assert schema.validate(document) == {}
    assert set(document) == set(schema.dump_fields), set(document) ^ set(schema.dump_fields)


def article(client, keys, store, claims) -> list[str]:
    answer = client.post("/api/v1/articles", json={"text": " ".join(t for t, _ in claims)},
                         headers=keys["ingest"])
    return make_claims(store, answer.get_json()["id"], claims,
                       entities={text: ["Harbour Tunnel"] for text, _ in claims})


def test_a_claim_through_its_whole_life_matches_its_schema(client, keys, store):
    ids = article(client, keys, store, CLAIMS)
    article(client, keys, store, ELSEWHERE)
    fresh = client.get(f"/api/v1/claims/{ids[0]}", headers=keys["reviewer"]).get_json()
    assert fresh["matches"], "the second article's claim should match"
    assert_documented(fresh, ClaimSchema())

    leased = lease(client, keys["reviewer"])
    assert_documented(leased, ClaimSchema())
    verified = transition(client, keys["reviewer"], leased, to="verified", rating="true",
                          explanation="The budget report lists the cost.", note="checked twice",
                          evidence=[{"url": "https://example.org/report", "title": "Report"}])
    assert verified.status_code == 200, verified.get_json()
    assert_documented(verified.get_json(), ClaimSchema())

    page = client.get("/api/v1/claims?limit=50", headers=keys["reviewer"]).get_json()
    assert len(page["claims"]) == 3
    for claim in page["claims"]:
        assert_documented(claim, ClaimSummarySchema())
