"""Recurrence (issue 14, part 5): where a claim keeps coming back, and the flagged claims
repeated most, with who repeats them."""
from __future__ import annotations

import itertools
import json

from tests.helpers import lease, make_claims, transition

BUS = "Bus fares in Tartu rose by 40 percent in January."
_edition = itertools.count(1)


def article(client, keys, store, text, *, source, published_at, title="Tartu news"):
    """An article from `source`, with `text` as its one claim said by the mayor's office."""
    answer = client.post("/api/v1/articles", headers=keys["ingest"], json={
        "text": f"{text} ({source}, {published_at}, edition {next(_edition)})", "source": source, "title": title,
        "published_at": published_at})
    assert answer.status_code == 202, answer.json
    article_id = answer.json["id"]
    (claim_id,) = make_claims(store, article_id, [(text, 0.6)], entities={text: ["Tartu"]})
    store.redis.hset(store.keys.claim(claim_id), "attribution", f"{source} columnist")
    return claim_id


def test_a_claims_recurrence_lists_where_and_when_it_came_back(client, keys, store):
    first = article(client, keys, store, BUS, source="Postimees", published_at="2024-01-10")
    second = article(client, keys, store, BUS + " ", source="Delfi", published_at="2024-01-12")
    third = article(client, keys, store, BUS + "  ", source="Delfi", published_at="2024-01-12")
    other = article(client, keys, store, "The Tartu ferry runs twice a day.", source="ERR", published_at="2024-01-11")
    assert {m["claim_id"] for m in store.get_claim(first)["matches"]} == {second, third}

    answer = client.get(f"/api/v1/claims/{first}/recurrence", headers=keys["reviewer"])
    assert answer.status_code == 200, answer.json
    found = answer.json
    assert found["occurrences"] == 3 and found["articles"] == 3 and not found["truncated"]
    assert [c["id"] for c in found["claims"]][0] == first  # first seen first
    assert other not in {c["id"] for c in found["claims"]}
    assert found["first_seen"] == "2024-01-10" and found["last_seen"] == "2024-01-12"
    assert found["per_day"] == [{"date": "2024-01-10", "count": 1}, {"date": "2024-01-11", "count": 0},
                                {"date": "2024-01-12", "count": 2}]
    assert found["sources"] == [{"source": "Delfi", "count": 2}, {"source": "Postimees", "count": 1}]
    assert {"speaker": "Delfi columnist", "count": 2} in found["speakers"]
    assert {c["tier"] for c in found["claims"]} == {"self", "confirmed"}


def test_confirmed_matches_are_followed_and_suggested_ones_only_from_the_claim_itself(client, keys, store):
    a = article(client, keys, store, BUS, source="Postimees", published_at="2024-01-10")
    b = article(client, keys, store, BUS + " ", source="Delfi", published_at="2024-01-11")
    # c is only a suggested match of b: in b's cluster, not followed from a.
    c = article(client, keys, store, "Tartu bus tickets cost 40 percent more since January, drivers said.",
                source="ERR", published_at="2024-01-12")
    matches = json.loads(store.redis.hget(store.keys.claim(b), "matches"))
    matches.append({"claim_id": c, "score": 0.8, "tier": "suggested", "at": "2024-01-12T00:00:00.000Z"})
    store.redis.hset(store.keys.claim(b), "matches", json.dumps(matches))
    tiers_from_b = {m["id"]: m["tier"] for m in client.get(f"/api/v1/claims/{b}/recurrence",
                                                            headers=keys["reviewer"]).json["claims"]}
    assert tiers_from_b[c] == "suggested" and tiers_from_b[a] == "confirmed"
    from_a = {m["id"] for m in client.get(f"/api/v1/claims/{a}/recurrence", headers=keys["reviewer"]).json["claims"]}
    assert from_a == {a, b}


def test_the_flagged_claims_that_keep_coming_back(client, keys, store):
    flagged = article(client, keys, store, BUS, source="Postimees", published_at="2024-01-10")
    claim = lease(client, keys["reviewer"])
    assert claim["id"] == flagged
    assert transition(client, keys["reviewer"], claim, to="flagged", rating="false",
                      explanation="They rose by 14 percent.").status_code == 200
    article(client, keys, store, BUS + " ", source="Delfi", published_at="2024-02-01")
    article(client, keys, store, BUS + "  ", source="Delfi", published_at="2024-02-02")
    article(client, keys, store, "The Tartu ferry runs twice a day.", source="ERR", published_at="2024-02-03")

    answer = client.get("/api/v1/recurring?status=flagged", headers=keys["reviewer"])
    assert answer.status_code == 200, answer.json
    (top,) = answer.json["recurring"]
    assert top["claim"]["id"] == flagged and top["claim"]["rating"] == "false"
    assert top["repeats"] == 2
    assert top["sources"] == [{"source": "Delfi", "count": 2}]
    assert top["first_seen"] == "2024-02-01" and top["last_seen"] == "2024-02-02"
    # Repeats are counted from when they were matched: none after a time still to come.
    later = client.get("/api/v1/recurring?since=2999-01-01", headers=keys["reviewer"])
    assert later.status_code == 200 and later.json["recurring"] == []
    # Nothing verified keeps coming back here.
    assert client.get("/api/v1/recurring?status=verified", headers=keys["reviewer"]).json["recurring"] == []


def test_bad_recurrence_requests_are_refused_with_the_field_named(client, keys):
    assert client.get("/api/v1/claims/clm_nope/recurrence", headers=keys["reviewer"]).status_code == 404
    bad = client.get("/api/v1/recurring?status=lost&limit=0&since=yesterday", headers=keys["reviewer"])
    assert bad.status_code == 422
    assert {"status", "limit", "since"} <= set(bad.json["errors"]), bad.json
    assert client.get("/api/v1/recurring").status_code == 401
