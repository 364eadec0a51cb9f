"""The request path's shortcuts change no answer: a list's first stretch read in the key
lookup's round trip (guessed from the raw query), requests parsed once and remembered, and a
write carrying its caller's authentication into its own script."""
from __future__ import annotations

import json

from service.app import create_app
from service.auth import create_key
from service.claims import Role
from service.store import KEYS
from tests.helpers import lease, make_claims, transition
from tests.integration.conftest import BufferedClient

TEXTS = [(f"The town of Exampleton {n} counted {n * 7} new houses.", n / 20) for n in range(12)]


def all_pages(client, headers, query: str) -> list[list[str]]:
    pages, cursor = [], None
    while True:
        url = f"/api/v1/claims?{query}" + (f"&cursor={cursor}" if cursor else "")
        answer = client.get(url, headers=headers)
        assert answer.status_code == 200, answer.get_json()
        body = answer.get_json()
        pages.append([claim["id"] for claim in body["claims"]])
        cursor = body["next_cursor"]
        if cursor is None:
            return pages


def test_pages_are_the_store_s_pages_whatever_the_guess(client, keys, store, article_with_claims):
    article_id, _ids = article_with_claims(TEXTS)
    headers = keys["reviewer"]
    lease(client, headers)
    for query, expected in [
        ("limit=5", {}), ("limit=5&sort=-score", {"sort": "-score"}), ("limit=3&sort=score", {"sort": "score"}),
        (f"limit=4&article_id={article_id}", {"article_id": article_id}),
        ("limit=2&status=pending", {"status": "pending"}), ("limit=100", {"limit": 100}),
    ]:
        limit = int(dict(part.split("=") for part in query.split("&"))["limit"])
        want, cursor = [], None
        while True:
            claims, cursor = store.list_claims(**{"limit": limit, **expected, "cursor": cursor})
            want.append([claim["id"] for claim in claims])
            if cursor is None:
                break
        assert all_pages(client, headers, query) == want, query
    mine = client.get("/api/v1/claims?assignee=me", headers=headers).get_json()["claims"]
    assert [claim["status"] for claim in mine] == ["in_review"]
    assert client.get("/api/v1/claims?assignee=me", headers=keys["reviewer2"]).get_json()["claims"] == []


def test_a_query_beyond_the_limits_is_refused_as_before(client, keys, article_with_claims):
    article_with_claims(TEXTS[:2])
    headers = keys["reviewer"]
    for query, field in [("limit=1000000000", "limit"), ("limit=0", "limit"), ("limit=x", "limit"),
                         ("cursor=not-a-cursor", "cursor"), ("status=nope", "status"),
                         ("limit=5&limit=6", "limit")]:
        for _ in range(2):  # the second time too: a refusal is never remembered
            answer = client.get(f"/api/v1/claims?{query}", headers=headers)
            assert answer.status_code in (400, 422), query
            assert field in answer.get_json()["errors"], (query, answer.get_json())
    assert client.get("/api/v1/claims?limit=5").status_code == 401


def test_a_remembered_body_gives_each_request_its_own_values(client, keys, article_with_claims):
    _article_id, ids = article_with_claims(TEXTS[:3])
    headers = keys["reviewer"]
    for claim_id in ids:
        claim = client.get(f"/api/v1/claims/{claim_id}", headers=headers).get_json()
        dismissed = transition(client, headers, claim, to="dismissed", reason="duplicate")
        assert dismissed.status_code == 200 and dismissed.get_json()["reason"] == "duplicate"
        reopened = transition(client, headers, dismissed.get_json(), to="pending", reason="bench reopen")
        assert reopened.status_code == 200 and reopened.get_json()["reason"] == "bench reopen"
    # A body with a list (evidence) is parsed every time; both reach the claim.
    claim = lease(client, headers)
    body = {"to": "verified", "rating": "true", "explanation": "checked",
            "evidence": [{"url": "https://example.org/a", "title": "A"}]}
    first = transition(client, headers, claim, **body)
    assert first.status_code == 200, first.get_json()
    assert [item["url"] for item in first.get_json()["evidence"]] == ["https://example.org/a"]
    again = transition(client, headers, first.get_json(), to="pending", reason="again")
    assert again.status_code == 200
    refused = transition(client, headers, again.get_json(), to="dismissed", reason="not-a-reason")
    assert refused.status_code == 422
    assert transition(client, headers, again.get_json(), to="dismissed", reason="duplicate").status_code == 200


def carried_client(settings, **limits):
    app = create_app(settings.with_overrides(**limits), enqueue_extraction=lambda article_id: None)
    app.test_client_class = BufferedClient
    return app.test_client()


def test_a_write_carrying_its_authentication_answers_as_authenticating_first(settings, store):
    """Transitions and queue/next authenticate a key this process has seen inside their write's
    script: a revoked key or a spent quota writes nothing and answers 401 or 429 as before; a
    refused request still counts against the quota; the key's last use is noted."""
    client = carried_client(settings, rate_requests_per_minute=6)
    article = store.create_article("art_carried", {"text": "t", "status": "done", "created_at": "2026-01-01T00:00:00Z",
                                                   "updated_at": "2026-01-01T00:00:00Z", "timings": {}},
                                   content_hash="carried")[1]
    ids = make_claims(store, article["id"], TEXTS[:4])
    record, secret = create_key(store, role=Role.REVIEWER, name="carried")
    mine = {"Authorization": f"Bearer {secret}"}
    claim = client.get(f"/api/v1/claims/{ids[0]}", headers=mine).get_json()  # 1: the key is known now
    leased = client.post("/api/v1/queue/next", json={}, headers=mine)  # 2
    assert leased.status_code == 200 and leased.headers["RateLimit-Remaining"] == "4"
    assert leased.get_json()["assignee"]["key_id"] == record["id"]
    bad = client.post(f"/api/v1/claims/{claim['id']}/transitions", json={"to": "nowhere"},
                      headers={**mine, "If-Match": '"1"'})  # 3: refused, and counted
    assert bad.status_code == 422 and bad.headers["RateLimit-Remaining"] == "3"
    stale = transition(client, mine, {**claim, "version": 7}, to="dismissed", reason="duplicate")  # 4
    assert stale.status_code == 409 and stale.headers["RateLimit-Remaining"] == "2"
    done = transition(client, mine, claim, to="dismissed", reason="duplicate")  # 5
    assert done.status_code == 200 and done.get_json()["version"] == 2
    assert done.headers["RateLimit-Remaining"] == "1"
    assert [entry["actor"] for entry in done.get_json()["history"]][-1] == {
        "key_id": record["id"], "name": "carried", "role": "reviewer"}
    assert transition(client, mine, done.get_json(), to="pending", reason="reopen").status_code == 200  # 6
    spent = transition(client, mine, {**claim, "version": 3}, to="dismissed", reason="duplicate")
    assert spent.status_code == 429 and spent.headers["Retry-After"]
    assert store.get_claim(claim["id"])["version"] == 3  # nothing written
    assert client.post("/api/v1/queue/next", json={}, headers=mine).status_code == 429
    assert store.redis.hget(KEYS.key(record["id"]), "last_used_at")

    other = carried_client(settings)
    _record, secret = create_key(store, role=Role.REVIEWER, name="soon revoked")
    theirs = {"Authorization": f"Bearer {secret}"}
    claim = other.get(f"/api/v1/claims/{ids[1]}", headers=theirs).get_json()
    store.revoke_key(_record["id"])
    for answer in (transition(other, theirs, claim, to="dismissed", reason="duplicate"),
                   other.post("/api/v1/queue/next", json={}, headers=theirs),
                   other.post(f"/api/v1/claims/{claim['id']}/transitions", json={"to": "nowhere"},
                              headers={**theirs, "If-Match": '"1"'})):
        assert answer.status_code == 401, answer.get_json()
    assert store.get_claim(claim["id"])["version"] == 1
    ingest = {"Authorization": f"Bearer {create_key(store, role=Role.INGEST, name='wire')[1]}"}
    other.get(f"/api/v1/claims/{ids[1]}", headers=ingest)
    assert transition(other, ingest, claim, to="dismissed", reason="duplicate").status_code == 403
    assert other.post("/api/v1/queue/next", json={}, headers=ingest).status_code == 403


def test_a_claim_stored_before_doc_answers_as_before_and_is_rewritten_by_extraction(
        client, keys, store):
    """Claims stored field by field (before `doc`) read the same, in a list and alone, and lose
    those fields when extraction writes them again."""
    texts = [("The harbour of Exampleton moved 40,000 containers in 2023.", 0.7),
             ("Exampleton's mayor opened three schools in May.", 0.6)]
    answer = client.post("/api/v1/articles", json={"text": " ".join(t for t, _ in texts)}, headers=keys["ingest"])
    article_id = answer.get_json()["id"]
    ids = make_claims(store, article_id, texts, entities={texts[0][0]: ["Exampleton"]})
    headers = keys["reviewer"]

    def answers():
        listed = client.get(f"/api/v1/claims?article_id={article_id}", headers=headers).get_json()["claims"]
        alone = [client.get(f"/api/v1/claims/{claim_id}", headers=headers).get_json() for claim_id in ids]
        by_entity = client.get("/api/v1/claims?entity=exampleton", headers=headers).get_json()["claims"]
        return listed, alone, [claim["id"] for claim in by_entity]

    before = answers()
    assert before[2] == [ids[0]] and before[0][0]["entities"][0]["canonical"] == "Exampleton"
    for claim_id in ids:  # as the store wrote claims before `doc`
        key = KEYS.claim(claim_id)
        doc = json.loads(store.redis.hget(key, "doc"))
        store.redis.hdel(key, "doc")
        store.redis.hset(key, mapping={
            "sentence": doc["sentence"], "span_start": doc["span"]["start"], "span_end": doc["span"]["end"],
            "kind": doc["kind"], "entities": json.dumps(doc["entities"]), "dates": json.dumps(doc["dates"]),
            "score_reasons": json.dumps(doc["score_reasons"]), "needs_context": "0",
            "relative_dates_unresolved": "0"})
    assert answers() == before
    make_claims(store, article_id, texts, entities={texts[0][0]: ["Exampleton"]})  # extraction again
    for claim_id in ids:
        assert not {"sentence", "span_start", "entities"} & set(store.redis.hkeys(KEYS.claim(claim_id)))
    assert answers() == before
