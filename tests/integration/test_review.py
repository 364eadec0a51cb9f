"""Claims, the review queue and the state machine, enforced atomically in real Redis."""
from __future__ import annotations

import threading
import time

import pytest

from service.claims import ClaimStatus, TransitionRequest, plan_transition
from service.errors import StaleVersion
from tests.helpers import lease, make_claims, transition

CLAIMS = [("Lakeview has 81,000 residents.", 0.5), ("The bridge cost 12 million dollars.", 0.9),
          ("The mayor was elected in 2019.", 0.7)]


def test_a_claim_has_version_etag_span_and_history(client, keys, article_with_claims):
    _article, ids = article_with_claims(CLAIMS)
    answer = client.get(f"/api/v1/claims/{ids[0]}", headers=keys["reviewer"])
    claim = answer.get_json()
    assert answer.headers["ETag"] == '"1"' and claim["version"] == 1
    assert claim["status"] == "pending" and claim["span"] == {"start": 0, "end": len(CLAIMS[0][0])}
    assert claim["history"][0]["to"] == "pending" and claim["history"][0]["actor"] == "system"


def test_the_queue_hands_out_the_highest_score_first(client, keys, article_with_claims):
    article_with_claims(CLAIMS)
    scores = [lease(client, keys["reviewer"])["score"] for _ in CLAIMS]
    assert scores == [0.9, 0.7, 0.5]
    assert client.post("/api/v1/queue/next", headers=keys["reviewer"]).status_code == 204


def test_queue_filters_by_article_and_min_score(client, keys, article_with_claims):
    first, _ = article_with_claims(CLAIMS)
    article_with_claims([("Another town spent 99 million dollars.", 0.95)])
    assert lease(client, keys["reviewer"], article_id=first)["score"] == 0.9
    assert client.post("/api/v1/queue/next", json={"min_score": 0.99},
                       headers=keys["reviewer"]).status_code == 204


def test_queue_next_with_an_idempotency_key_gives_a_lost_answer_back(client, keys, article_with_claims):
    _a, (top, second) = article_with_claims([("The port handled 3 million containers.", 0.9),
                                              ("The port employs 4,000 people.", 0.8)])
    mine = {**keys["reviewer"], "Idempotency-Key": "desk-7/take-1"}
    first = client.post("/api/v1/queue/next", json={}, headers=mine).get_json()
    again = client.post("/api/v1/queue/next", json={}, headers=mine).get_json()
    assert first["id"] == again["id"] == top and again["version"] == first["version"]
    # The key is the caller's own: another reviewer using the same one gets the next claim.
    theirs = client.post("/api/v1/queue/next", json={},
                         headers={**keys["reviewer2"], "Idempotency-Key": "desk-7/take-1"})
    assert theirs.get_json()["id"] == second
    # Once the lease is given back, the key holds nothing: the same key leases afresh.
    client.delete(f"/api/v1/claims/{top}/lease", headers=keys["reviewer"])
    afresh = client.post("/api/v1/queue/next", json={}, headers=mine).get_json()
    assert afresh["id"] == top and afresh["version"] > first["version"]
    too_long = client.post("/api/v1/queue/next", json={}, headers={**keys["reviewer"], "Idempotency-Key": "k" * 201})
    assert too_long.status_code == 400 and too_long.get_json()["errors"]["Idempotency-Key"]


def test_verifying_a_leased_claim_records_rating_evidence_and_history(client, keys, article_with_claims):
    article_with_claims(CLAIMS)
    claim = lease(client, keys["reviewer"])
    assert claim["status"] == "in_review" and claim["assignee"]["name"] == "reviewer"
    assert claim["lease_expires_at"]
    answer = transition(client, keys["reviewer"], claim, to="verified", rating="true", note="Checked.",
                        evidence=[{"url": "https://records.example.org/bridge", "title": "Ledger"}])
    assert answer.status_code == 200, answer.get_json()
    done = answer.get_json()
    assert done["status"] == "verified" and done["rating"] == "true" and done["version"] == 3
    assert done["assignee"] is None and done["lease_expires_at"] is None
    assert done["evidence"][0]["url"] == "https://records.example.org/bridge"
    assert done["notes"][0]["text"] == "Checked."
    history = client.get(f"/api/v1/claims/{claim['id']}/history", headers=keys["reviewer"]).get_json()["history"]
    assert [(h["from"], h["to"]) for h in history] == [(None, "pending"), ("pending", "in_review"),
                                                       ("in_review", "verified")]
    assert history[-1]["actor"]["name"] == "reviewer" and history[-1]["fields"]["rating"] == "true"


def test_flagging_requires_a_fitting_rating_and_an_explanation(client, keys, article_with_claims, store):
    article_with_claims(CLAIMS)
    claim = lease(client, keys["reviewer"])
    missing = transition(client, keys["reviewer"], claim, to="flagged")
    assert missing.status_code == 422
    assert set(missing.get_json()["errors"]) == {"rating", "explanation"}
    misfit = transition(client, keys["reviewer"], claim, to="verified", rating="false")
    assert misfit.status_code == 422 and "rating" in misfit.get_json()["errors"]
    unknown = transition(client, keys["reviewer"], claim, to="flagged", rating="pants-on-fire",
                         explanation="x")
    assert unknown.status_code == 422 and "rating" in unknown.get_json()["errors"]
    assert store.get_claim(claim["id"])["version"] == claim["version"]  # nothing changed
    ok = transition(client, keys["reviewer"], claim, to="flagged", rating="misleading",
                    explanation="The cost excludes the 2021 overrun.")
    assert ok.status_code == 200 and ok.get_json()["status"] == "flagged"


def test_an_unknown_target_state_is_422(client, keys, article_with_claims):
    _a, ids = article_with_claims(CLAIMS)
    claim = client.get(f"/api/v1/claims/{ids[0]}", headers=keys["reviewer"]).get_json()
    answer = transition(client, keys["reviewer"], claim, to="approved")
    assert answer.status_code == 422 and "to" in answer.get_json()["errors"]


def test_if_match_missing_is_428_and_stale_is_409_with_the_current_claim(client, keys, article_with_claims):
    article_with_claims(CLAIMS)
    claim = lease(client, keys["reviewer"])
    answer = client.post(f"/api/v1/claims/{claim['id']}/transitions", json={"to": "pending"},
                         headers=keys["reviewer"])
    assert answer.status_code == 428 and "If-Match" in answer.get_json()["errors"]
    stale = transition(client, keys["reviewer"], {**claim, "version": 1}, to="pending")
    assert stale.status_code == 409
    assert stale.get_json()["current"]["version"] == claim["version"]
    assert stale.get_json()["current"]["status"] == "in_review"
    garbled = client.post(f"/api/v1/claims/{claim['id']}/transitions", json={"to": "pending"},
                          headers={**keys["reviewer"], "If-Match": "yesterday"})
    assert garbled.status_code == 400


def test_only_the_lease_holder_or_an_admin_may_judge(client, keys, article_with_claims):
    article_with_claims(CLAIMS)
    claim = lease(client, keys["reviewer"])
    other = transition(client, keys["reviewer2"], claim, to="verified", rating="true")
    assert other.status_code == 422 and "holds it" in other.get_json()["message"]
    admin = transition(client, keys["admin"], claim, to="verified", rating="mostly_true")
    assert admin.status_code == 200


def test_the_state_machine_refuses_what_the_design_does_not_allow(client, keys, article_with_claims):
    _a, ids = article_with_claims(CLAIMS)
    claim = client.get(f"/api/v1/claims/{ids[0]}", headers=keys["reviewer"]).get_json()
    # a pending claim is judged only after review
    refused = transition(client, keys["reviewer"], claim, to="verified", rating="true")
    assert refused.status_code == 422 and "pending" in refused.get_json()["message"]
    # dismissing needs a reason from the list
    assert transition(client, keys["reviewer"], claim, to="dismissed").status_code == 422
    assert transition(client, keys["reviewer"], claim, to="dismissed", reason="boring").status_code == 422
    dismissed = transition(client, keys["reviewer"], claim, to="dismissed", reason="opinion")
    assert dismissed.status_code == 200
    claim = dismissed.get_json()
    # reopening needs a reason
    no_reason = transition(client, keys["reviewer"], claim, to="pending")
    assert no_reason.status_code == 422 and "reason" in no_reason.get_json()["message"]
    reopened = transition(client, keys["reviewer"], claim, to="pending", reason="New data came out.")
    assert reopened.status_code == 200 and reopened.get_json()["status"] == "pending"
    # an ingest key may not review at all
    assert transition(client, keys["ingest"], reopened.get_json(), to="dismissed",
                      reason="opinion").status_code == 403


def test_a_reopened_claim_goes_back_into_the_queue_without_its_old_verdict(client, keys, article_with_claims):
    article_with_claims(CLAIMS[:1])
    claim = lease(client, keys["reviewer"])
    claim = transition(client, keys["reviewer"], claim, to="verified", rating="true").get_json()
    claim = transition(client, keys["reviewer2"], claim, to="pending", reason="Census revised.").get_json()
    assert claim["rating"] is None
    assert lease(client, keys["reviewer2"])["id"] == claim["id"]


def test_an_unknown_claim_is_404(client, keys):
    assert client.get("/api/v1/claims/clm_missing", headers=keys["reviewer"]).status_code == 404
    answer = client.post("/api/v1/claims/clm_missing/transitions", json={"to": "pending", "reason": "x"},
                         headers={**keys["reviewer"], "If-Match": '"1"'})
    assert answer.status_code == 404 and answer.get_json()["message"]


def test_an_expired_lease_returns_the_claim_to_pending(client, keys, article_with_claims, store):
    article_with_claims(CLAIMS[:1])
    claim = store.lease_next(actor_for(store, keys), lease_seconds=1)
    assert claim["status"] == "in_review"
    time.sleep(1.1)
    assert store.expire_leases() == [claim["id"]]
    back = store.get_claim(claim["id"])
    assert back["status"] == "pending" and back["assignee"] is None
    assert back["history"][-1]["actor"] == "system" and back["history"][-1]["why"] == "lease expired"
    # and the holder's late verdict is refused: the version moved on
    late = transition(client, keys["reviewer"], claim, to="verified", rating="true")
    assert late.status_code == 409


def actor_for(store, keys):
    from service.auth import authenticate
    return authenticate(store, keys["reviewer"]["Authorization"].split()[1])[0]


def test_two_reviewers_at_the_same_moment_never_get_the_same_claim(app, keys, article_with_claims):
    article_with_claims([(f"Town {n} has {n * 1000} residents.", 0.5) for n in range(1, 41)])
    barrier = threading.Barrier(8)
    leased: list[str] = []
    lock = threading.Lock()

    def reviewer(headers):
        client = app.test_client()
        barrier.wait()
        for _ in range(5):
            answer = client.post("/api/v1/queue/next", headers=headers)
            if answer.status_code == 200:
                with lock:
                    leased.append(answer.get_json()["id"])

    threads = [threading.Thread(target=reviewer, args=(keys["reviewer" if n % 2 else "reviewer2"],))
               for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(leased) == 40 and len(set(leased)) == 40


def test_two_judges_of_one_claim_at_once_one_wins_the_other_gets_409(app, keys, article_with_claims, store):
    article_with_claims(CLAIMS[:1])
    client = app.test_client()
    claim = lease(client, keys["admin"])
    barrier = threading.Barrier(6)
    codes: list[int] = []

    def judge(n):
        barrier.wait()
        answer = transition(app.test_client(), keys["admin"], claim, to="flagged", rating="false",
                            explanation=f"judge {n}")
        codes.append(answer.status_code)

    threads = [threading.Thread(target=judge, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(codes) == [200, 409, 409, 409, 409, 409]
    assert len(store.claim_history(claim["id"])) == 3


def test_claim_list_filters_and_pages(client, keys, article_with_claims):
    first, ids = article_with_claims(CLAIMS)
    article_with_claims([("Another town spent 99 million dollars.", 0.95)])
    everything = client.get("/api/v1/claims", headers=keys["reviewer"]).get_json()
    assert len(everything["claims"]) == 4 and everything["next_cursor"] is None
    by_article = client.get("/api/v1/claims", query_string={"article_id": first},
                            headers=keys["reviewer"]).get_json()["claims"]
    assert [c["id"] for c in by_article] == ids
    strong = client.get("/api/v1/claims", query_string={"min_score": 0.8},
                        headers=keys["reviewer"]).get_json()["claims"]
    assert sorted(c["score"] for c in strong) == [0.9, 0.95]
    lease(client, keys["reviewer"])
    in_review = client.get("/api/v1/claims", query_string={"status": "in_review"},
                           headers=keys["reviewer"]).get_json()["claims"]
    assert [c["score"] for c in in_review] == [0.95]
    seen, cursor = [], None
    while True:
        page = client.get("/api/v1/claims", query_string={"limit": 1, **({"cursor": cursor} if cursor else {})},
                          headers=keys["reviewer"]).get_json()
        seen += [c["id"] for c in page["claims"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == 4 and len(set(seen)) == 4
    bad = client.get("/api/v1/claims", query_string={"status": "maybe"}, headers=keys["reviewer"])
    assert bad.status_code == 422 and "status" in bad.get_json()["errors"]


def test_re_extraction_keeps_ids_states_and_verdicts_and_retracts_what_is_gone(
        client, keys, article_with_claims, store):
    article_id, ids = article_with_claims(CLAIMS)
    claim = lease(client, keys["reviewer"])  # the 0.9 one
    transition(client, keys["reviewer"], claim, to="verified", rating="true")
    make_claims(store, article_id, CLAIMS[:2])  # the third claim left the text
    kept = store.get_claim(claim["id"])
    assert kept["status"] == "verified" and kept["rating"] == "true"
    gone = store.get_claim(ids[2])
    assert gone["retracted"] is True and gone["history"][-1]["why"] == "no longer in the article text"
    assert len(store.article_claims(article_id)) == 3
    assert store.get_article(article_id)["claim_count"] == 2
    while (answer := client.post("/api/v1/queue/next", headers=keys["reviewer"])).status_code == 200:
        assert answer.get_json()["id"] != ids[2]


def test_every_change_writes_an_outbox_event_in_the_same_step(client, keys, article_with_claims, store):
    article_with_claims(CLAIMS[:1])
    claim = lease(client, keys["reviewer"])
    transition(client, keys["reviewer"], claim, to="dismissed", reason="not_checkworthy")
    events = store.events()
    assert [e["type"] for e in events] == ["claim.created", "article.processed", "claim.status_changed",
                                           "claim.status_changed"]
    last = events[-1]["data"]
    assert last["from"] == "in_review" and last["to"] == "dismissed" and last["version"] == 3
    assert last["url"].endswith(f"/api/v1/claims/{claim['id']}")


def test_the_same_call_sent_again_after_a_lost_reply_applies_once(keys, article_with_claims, store,
                                                                  monkeypatch):
    """The Redis client retries a script once when the connection drops, which may be after
    Redis ran it: the second run must answer as the first did, not lease or change again."""
    article_with_claims(CLAIMS)
    actor = actor_for(store, keys)
    # The same call twice: the same per-call token (what the client's retry re-sends).
    monkeypatch.setattr("service.store.claims.secrets.token_hex", lambda n: "f" * (2 * n))
    first = store.lease_next(actor, lease_seconds=60)
    again = store.lease_next(actor, lease_seconds=60)
    assert again["id"] == first["id"] and again["version"] == first["version"] == 2
    assert store.redis.zcard(store.keys.assignee(actor.key_id)) == 1

    plan = plan_transition(TransitionRequest(to=ClaimStatus.DISMISSED, reason="duplicate"), actor=actor)
    done = store.transition(first["id"], plan, expected_version=2, actor=actor, lease_seconds=60)
    replayed = store.transition(first["id"], plan, expected_version=2, actor=actor, lease_seconds=60)
    assert done["version"] == replayed["version"] == 3 and replayed["status"] == "dismissed"
    assert [entry["version"] for entry in replayed["history"]] == [1, 2, 3]
    # A different call from the same version is still stale.
    monkeypatch.setattr("service.store.claims.secrets.token_hex", lambda n: "e" * (2 * n))
    with pytest.raises(StaleVersion):
        store.transition(first["id"], plan, expected_version=2, actor=actor, lease_seconds=60)
