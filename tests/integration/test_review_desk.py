"""The review desk: priorities, leases, four-eyes, bulk, matching, search, stats, ClaimReview."""
from __future__ import annotations

import threading
import time

import pytest

from service.app import create_app
from service.claims import FLAGGED_MATCH_BOOST, queue_priority
from service.store import KEYS
from tests.helpers import lease, make_claims, transition


@pytest.fixture
def article(client, keys, store):
    """Create an article (via the API) and store the given claims for it."""
    def make(claims, *, entities=None, created_at=None, url=None):
        body = {"text": " ".join(t for t, _ in claims) + f" ({time.monotonic_ns()})"}
        if url:
            body["url"] = url
        answer = client.post("/api/v1/articles", json=body, headers=keys["ingest"])
        assert answer.status_code == 202, answer.get_json()
        article_id = answer.get_json()["id"]
        return article_id, make_claims(store, article_id, claims, entities=entities, created_at=created_at)
    return make


# -- queue ----------------------------------------------------------------------------------
def test_a_claim_waiting_for_days_overtakes_a_fresher_more_checkworthy_one(client, keys, article):
    article([("Fresh claim about the port's 3 cranes.", 0.5)])
    article([("Old claim about the 1998 flood.", 0.4)], created_at=time.time() - 4 * 86400)
    assert lease(client, keys["reviewer"])["text"].startswith("Old claim")


def test_the_queue_filters_by_entity(client, keys, article):
    article([("Acme Corp cut 300 jobs.", 0.6), ("The river rose 2 metres.", 0.9)],
            entities={"Acme Corp cut 300 jobs.": ["Acme Corp"]})
    assert lease(client, keys["reviewer"], entity="acme corp")["text"] == "Acme Corp cut 300 jobs."
    assert client.post("/api/v1/queue/next", json={"entity": "Nobody Inc"},
                       headers=keys["reviewer"]).status_code == 204


def test_fifty_reviewers_at_once_get_fifty_different_claims(app, keys, article):
    article([(f"Harbour {n} handled {n * 7} ships.", 0.5) for n in range(60)])
    barrier = threading.Barrier(50)
    leased, lock = [], threading.Lock()

    def reviewer(n):
        client = app.test_client()
        barrier.wait()
        answer = client.post("/api/v1/queue/next", headers=keys["reviewer" if n % 2 else "reviewer2"])
        with lock:
            leased.append(answer.get_json()["id"])

    threads = [threading.Thread(target=reviewer, args=(n,)) for n in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(leased) == 50 and len(set(leased)) == 50


def test_the_holder_renews_and_releases_a_lease_and_lists_what_it_holds(client, keys, article):
    article([("Claim one has 1 number.", 0.9), ("Claim two has 2 numbers.", 0.8)])
    mine = lease(client, keys["reviewer"])
    theirs = lease(client, keys["reviewer2"])
    held = client.get("/api/v1/claims", query_string={"assignee": "me"}, headers=keys["reviewer"]).get_json()
    assert [c["id"] for c in held["claims"]] == [mine["id"]]
    renewed = client.post(f"/api/v1/claims/{mine['id']}/lease", headers=keys["reviewer"])
    assert renewed.status_code == 200
    assert renewed.get_json()["lease_expires_at"] >= mine["lease_expires_at"]
    assert renewed.get_json()["version"] == mine["version"]
    other = client.post(f"/api/v1/claims/{theirs['id']}/lease", headers=keys["reviewer"])
    assert other.status_code == 422
    released = client.delete(f"/api/v1/claims/{mine['id']}/lease", headers=keys["reviewer"])
    assert released.status_code == 200 and released.get_json()["status"] == "pending"
    assert client.get("/api/v1/claims", query_string={"assignee": "me"},
                      headers=keys["reviewer"]).get_json()["claims"] == []
    assert client.post(f"/api/v1/claims/{mine['id']}/lease", headers=keys["reviewer"]).status_code == 422


def test_an_expired_lease_is_returned_by_the_beat_task_without_anyone_touching_the_claim(
        keys, article, store, settings, monkeypatch):
    from service.auth import authenticate
    from workers import tasks
    article([("The dam holds 4 billion litres.", 0.7)])
    actor = authenticate(store, keys["reviewer"]["Authorization"].split()[1])[0]
    claim = store.lease_next(actor, lease_seconds=1)
    time.sleep(1.1)
    monkeypatch.setattr(tasks, "SETTINGS", settings)
    tasks.store.cache_clear()
    try:
        assert tasks.expire_leases() == 1  # the beat task's body, run here
    finally:
        tasks.store.cache_clear()
    assert store.get_claim(claim["id"])["status"] == "pending"


# -- four-eyes ------------------------------------------------------------------------------
@pytest.fixture
def four_eyes_client(settings, enqueued):
    return create_app(settings.with_overrides(require_second_review=True),
                      enqueue_extraction=enqueued.append).test_client()


def test_four_eyes_a_verdict_waits_for_a_different_reviewer(four_eyes_client, keys, article):
    client = four_eyes_client
    article([("The tunnel cost 9 billion euros.", 0.8)])
    claim = lease(client, keys["reviewer"])
    proposed = transition(client, keys["reviewer"], claim, to="flagged", rating="false",
                          explanation="It cost 6 billion.")
    assert proposed.status_code == 200, proposed.get_json()
    claim = proposed.get_json()
    assert claim["status"] == "awaiting_approval" and claim["proposed_status"] == "flagged"
    assert claim["rating"] == "false" and claim["proposed_by"]["name"] == "reviewer"
    own = transition(client, keys["reviewer"], claim, to="flagged")
    assert own.status_code == 422 and "different reviewer" in own.get_json()["message"]
    other_rating = transition(client, keys["reviewer2"], claim, to="flagged", rating="misleading",
                              explanation="x")
    assert other_rating.status_code == 422
    approved = transition(client, keys["reviewer2"], claim, to="flagged")
    assert approved.status_code == 200 and approved.get_json()["status"] == "flagged"
    assert approved.get_json()["rating"] == "false" and approved.get_json()["proposed_by"] is None


def test_four_eyes_a_second_reviewer_can_send_a_verdict_back(four_eyes_client, keys, article):
    client = four_eyes_client
    article([("The tunnel is 57 km long.", 0.8)])
    claim = lease(client, keys["reviewer"])
    claim = transition(client, keys["reviewer"], claim, to="verified", rating="true").get_json()
    back = transition(client, keys["reviewer2"], claim, to="in_review", note="Check the 2016 figure.")
    assert back.status_code == 200
    claim = back.get_json()
    assert claim["status"] == "in_review" and claim["assignee"]["name"] == "reviewer"
    assert claim["rating"] is None and claim["lease_expires_at"]


# -- bulk -----------------------------------------------------------------------------------
def test_bulk_dismisses_an_articles_claims_each_atomically(client, keys, article, store):
    _a, ids = article([(f"Item {n} weighs {n} kg.", 0.5) for n in range(5)])
    held = lease(client, keys["reviewer2"])  # one is leased by someone else
    items = [{"id": i, "to": "dismissed", "reason": "out_of_scope"} for i in ids]
    items.append({"id": "clm_nowhere", "to": "dismissed", "reason": "out_of_scope"})
    answer = client.post("/api/v1/claims/bulk-transitions", json={"items": items}, headers=keys["reviewer"])
    assert answer.status_code == 200
    results = {r["id"]: r for r in answer.get_json()["results"]}
    assert results[held["id"]]["code"] == 422
    assert results["clm_nowhere"]["code"] == 404
    assert sum(r["code"] == 200 for r in results.values()) == 4
    assert store.get_claim(held["id"])["status"] == "in_review"


def test_other_methods_on_bulk_transitions_are_405_allowing_only_post(client, keys):
    # Not a claim called "bulk-transitions": the Allow header names what the route takes.
    for method in ("GET", "PUT", "DELETE", "PATCH"):
        answer = client.open("/api/v1/claims/bulk-transitions", method=method, headers=keys["admin"])
        assert answer.status_code == 405, (method, answer.get_json())
        assert answer.headers["Allow"] == "OPTIONS, POST"
        assert answer.get_json()["code"] == 405


def test_bulk_checks_versions_when_given(client, keys, article):
    _a, ids = article([("Bulk claim with 1 number.", 0.5)])
    answer = client.post("/api/v1/claims/bulk-transitions", headers=keys["reviewer"], json={
        "items": [{"id": ids[0], "to": "dismissed", "reason": "duplicate", "version": 7}]})
    assert answer.get_json()["results"][0]["code"] == 409


@pytest.mark.parametrize("items", [
    [{"id": f"clm_{n}", "to": "dismissed", "reason": "opinion"} for n in range(501)],
    [{"id": "clm_1", "to": "dismissed", "reason": "opinion"}] * 2,
    [],
])
def test_bulk_refuses_too_many_duplicate_or_no_items_as_a_whole(client, keys, items):
    answer = client.post("/api/v1/claims/bulk-transitions", json={"items": items}, headers=keys["reviewer"])
    assert answer.status_code == 422 and "items" in answer.get_json()["errors"]


# -- matching -------------------------------------------------------------------------------
def test_a_claim_repeated_in_another_article_is_matched_both_ways(client, keys, article, store):
    text = "Veltra Energy raised household prices by 12 percent in March."
    _a, (first,) = article([(text, 0.8)], entities={text: ["Veltra Energy"]})
    similar = "In March, Veltra Energy raised household prices by 12 percent."
    unrelated = "Veltra Energy opened a new office in Lisbon."
    _b, (second, other) = article([(similar, 0.7), (unrelated, 0.6)],
                                  entities={similar: ["Veltra Energy"], unrelated: ["Veltra Energy"]})
    matches = store.get_claim(second)["matches"]
    assert [m["claim_id"] for m in matches] == [first]
    assert matches[0]["tier"] in ("suggested", "confirmed") and matches[0]["status"] == "pending"
    assert [m["claim_id"] for m in store.get_claim(first)["matches"]] == [second]
    assert store.get_claim(other)["matches"] == []
    matched = [e["data"] for e in store.events() if e["type"] == "claim.matched"]
    assert matched and matched[-1]["claim_id"] == second and matched[-1]["version"] == 1


def test_a_match_that_states_another_figure_stays_suggested_and_says_why(client, keys, article, store):
    text = "Veltra Energy raised household prices by 12 percent in March."
    _a, (first,) = article([(text, 0.8)], entities={text: ["Veltra Energy"]})
    changed = "Veltra Energy raised household prices by 21 percent in March."
    _b, (second,) = article([(changed, 0.7)], entities={changed: ["Veltra Energy"]})
    answer = client.get(f"/api/v1/claims/{second}", headers=keys["reviewer"]).get_json()
    (match,) = answer["matches"]
    assert match["claim_id"] == first and match["score"] >= 0.92  # alike enough to confirm, but
    assert match["tier"] == "suggested" and match["differences"] == ["figures: 21 vs 12"]
    (theirs,) = store.get_claim(first)["matches"]
    assert theirs["tier"] == "suggested" and theirs["differences"] == ["figures: 21 vs 12"]
    matched = [e["data"] for e in store.events() if e["type"] == "claim.matched"]
    assert matched[-1]["differences"] == ["figures: 21 vs 12"]
    # What a reviewer then decides is kept with the difference still named.
    decided = client.post(f"/api/v1/claims/{second}/matches/{first}", json={"decision": "confirm"},
                          headers=keys["reviewer"]).get_json()
    assert decided["matches"][0]["tier"] == "confirmed" and decided["matches"][0]["differences"] == [
        "figures: 21 vs 12"]


def test_a_new_claim_matching_a_flagged_one_is_boosted(client, keys, article, store):
    text = "Norlund's unemployment rate fell to 3 percent last year."
    _a, (first,) = article([(text, 0.5)], entities={text: ["Norlund"]})
    claim = lease(client, keys["reviewer"])
    transition(client, keys["reviewer"], claim, to="flagged", rating="false", explanation="It was 5%.")
    article([("Rain fell for 3 days.", 0.7)])
    repeat = "Norlund's unemployment rate fell to 3 percent last year, officials claim."
    _b, (second,) = article([(repeat, 0.5)], entities={repeat: ["Norlund"]})
    boosted = store.get_claim(second)
    assert boosted["priority_boost"] > 0
    assert boosted["matches"][0]["status"] == "flagged" and boosted["matches"][0]["rating"] == "false"
    assert lease(client, keys["reviewer"])["id"] == second  # ahead of the 0.7 claim
    matched = [e for e in store.events() if e["type"] == "claim.matched"]
    assert matched[-1]["data"]["matched_status"] == "flagged"


def test_a_flagged_claim_does_not_boost_a_match_that_says_another_thing_of_its_subject(client, keys, article, store):
    text = "The Kessel ferry line carried 2.1 million passengers in 2023."
    _a, (first,) = article([(text, 0.5)], entities={text: ["Kessel"]})
    other = "The Kessel ferry line lost 2.1 million euros in 2023."
    _b, (second,) = article([(other, 0.4)], entities={other: ["Kessel"]})
    (match,) = store.get_claim(second)["matches"]
    assert match["differences"] == ["statements: euros, lost vs carried, passengers"]
    claim = lease(client, keys["reviewer"])
    assert claim["id"] == first
    transition(client, keys["reviewer"], claim, to="flagged", rating="false", explanation="It was 1.6 million.")
    assert store.get_claim(second)["priority_boost"] == 0  # flagging the passengers says nothing of the euros
    repeat = "The Kessel ferry line lost 2.1 million euros in 2023."
    _c, (third,) = article([(repeat + " ", 0.3)], entities={repeat + " ": ["Kessel"]})
    assert store.get_claim(third)["priority_boost"] == 0  # linked to the flagged claim after its verdict
    # A reviewer who confirms the pair as one claim overrides the guard: the verdict then carries.
    client.post(f"/api/v1/claims/{second}/matches/{first}", json={"decision": "confirm"}, headers=keys["reviewer"])
    reopened = client.get(f"/api/v1/claims/{first}", headers=keys["reviewer"]).get_json()
    transition(client, keys["admin"], reopened, to="pending", reason="second look")
    flagged_again = lease(client, keys["reviewer"])
    assert flagged_again["id"] == first
    transition(client, keys["reviewer"], flagged_again, to="flagged", rating="false", explanation="Still wrong.")
    assert store.get_claim(second)["priority_boost"] > 0


def test_the_queue_ranks_by_the_tested_priority_formula(client, keys, article, store):
    """The Lua scripts place a claim in the queue at exactly claims.queue_priority, boost
    included: the formula the unit tests check is the one that runs."""
    created = time.time() - 3 * 86400
    text = "The Kessel ferry line carried 2.1 million passengers in 2023."
    _a, (first,) = article([(text, 0.41)], entities={text: ["Kessel"]}, created_at=created)
    assert store.redis.zscore(store.keys.queue_pending, first) == pytest.approx(queue_priority(0.41, created))
    claim = lease(client, keys["reviewer"])
    transition(client, keys["reviewer"], claim, to="flagged", rating="false", explanation="It was 1.6 million.")
    repeat = "The Kessel ferry line carried 2.1 million passengers in 2023, its owners say."
    _b, (second,) = article([(repeat, 0.37)], entities={repeat: ["Kessel"]}, created_at=created)
    assert store.get_claim(second)["priority_boost"] == FLAGGED_MATCH_BOOST
    assert store.redis.zscore(store.keys.queue_pending, second) == pytest.approx(
        queue_priority(0.37, created, boost=FLAGGED_MATCH_BOOST))


def test_a_reviewer_confirms_a_match_and_copies_the_verdict(client, keys, article, store):
    text = "The Orvik bridge carries 40,000 cars a day."
    _a, (first,) = article([(text, 0.9)], entities={text: ["Orvik"]})
    near = "The Orvik bridge carries about 40,000 cars every day."
    _b, (second,) = article([(near, 0.1)], entities={near: ["Orvik"]})
    assert store.get_claim(second)["matches"][0]["tier"] == "suggested"
    confirmed = client.post(f"/api/v1/claims/{second}/matches/{first}", json={"decision": "confirm"},
                            headers=keys["reviewer"])
    assert confirmed.status_code == 200 and confirmed.get_json()["matches"][0]["tier"] == "confirmed"
    assert store.get_claim(first)["matches"][0]["tier"] == "confirmed"
    claim = lease(client, keys["reviewer"])
    assert claim["id"] == first
    transition(client, keys["reviewer"], claim, to="verified", rating="mostly_true")
    copied = client.post(f"/api/v1/claims/{first}/copy-verdict", headers=keys["reviewer"])
    assert copied.status_code == 200
    assert [(r["id"], r["code"]) for r in copied.get_json()["results"]] == [(second, 200)]
    result = store.get_claim(second)
    assert result["status"] == "verified" and result["rating"] == "mostly_true"
    assert result["copied_from"] == first


def test_a_rejected_match_is_gone_from_both_claims(client, keys, article, store):
    text = "Brevik port moved 2 million containers in 2023."
    _a, (first,) = article([(text, 0.9)], entities={text: ["Brevik"]})
    near = "Brevik port moved 2 million containers in 2022."
    _b, (second,) = article([(near, 0.9)], entities={near: ["Brevik"]})
    answer = client.post(f"/api/v1/claims/{first}/matches/{second}", json={"decision": "reject"},
                         headers=keys["reviewer"])
    assert answer.status_code == 200 and answer.get_json()["matches"] == []
    assert store.get_claim(second)["matches"] == []
    again = client.post(f"/api/v1/claims/{first}/matches/{second}", json={"decision": "confirm"},
                        headers=keys["reviewer"])
    assert again.status_code == 404
    bad = client.post(f"/api/v1/claims/{first}/matches/{second}", json={"decision": "maybe"},
                      headers=keys["reviewer"])
    assert bad.status_code == 422


def test_a_pending_claim_cannot_copy_a_verdict_from_a_claim_that_is_not_a_confirmed_match(
        client, keys, article):
    _a, (first,) = article([("Some claim with 5 parts.", 0.5)])
    claim = client.get(f"/api/v1/claims/{first}", headers=keys["reviewer"]).get_json()
    answer = transition(client, keys["reviewer"], claim, to="verified", rating="true", copied_from="clm_x")
    assert answer.status_code == 422 and "copied_from" in answer.get_json()["errors"]


# -- search and stats -----------------------------------------------------------------------
def test_claims_search_by_entity_rating_text_score_and_created(client, keys, article):
    texts = {"Kestrel Bank lent 5 billion.": ["Kestrel Bank"], "Kestrel Bank closed 40 branches.": ["Kestrel Bank"],
             "The zoo bought 2 pandas.": []}
    _a, ids = article([(t, s) for t, s in zip(texts, (0.9, 0.6, 0.3))], entities=texts)
    def get(**q):
        return [c["text"] for c in client.get("/api/v1/claims", query_string=q,
                                              headers=keys["reviewer"]).get_json()["claims"]]
    assert get(entity="kestrel bank") == ["Kestrel Bank lent 5 billion.", "Kestrel Bank closed 40 branches."]
    assert get(q="PANDAS") == ["The zoo bought 2 pandas."]
    assert get(min_score=0.5, max_score=0.7) == ["Kestrel Bank closed 40 branches."]
    assert get(sort="-score") == ["Kestrel Bank lent 5 billion.", "Kestrel Bank closed 40 branches.",
                                  "The zoo bought 2 pandas."]
    assert get(sort="score")[0] == "The zoo bought 2 pandas."
    assert get(created_after="2000-01-01", created_before="2999-01-01") == list(texts)
    assert get(created_after="2999-01-01") == []
    claim = lease(client, keys["reviewer"])
    transition(client, keys["reviewer"], claim, to="verified", rating="true")
    assert get(rating="true") == ["Kestrel Bank lent 5 billion."]
    assert client.get("/api/v1/claims", query_string={"sort": "random"},
                      headers=keys["reviewer"]).status_code == 422


def test_score_sorted_pages_hold_every_claim_once_while_claims_are_added(client, keys, article):
    article([(f"Sorted claim {n} cites {n} facts.", n / 20) for n in range(12)])
    seen, cursor = [], None
    added = False
    while True:
        query = {"limit": 5, "sort": "-score", **({"cursor": cursor} if cursor else {})}
        page = client.get("/api/v1/claims", query_string=query, headers=keys["reviewer"]).get_json()
        seen += [c["id"] for c in page["claims"]]
        if not added:  # a write between pages
            article([("A late claim with 99 points.", 0.99)])
            added = True
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) >= 12


def test_stats_count_statuses_queue_verdicts_and_reviewer_load(client, keys, article):
    article([("Stat claim A has 1 fact.", 0.9), ("Stat claim B has 2 facts.", 0.8),
             ("Stat claim C has 3 facts.", 0.7)])
    claim = lease(client, keys["reviewer"])
    transition(client, keys["reviewer"], claim, to="verified", rating="true")
    lease(client, keys["reviewer2"])
    stats = client.get("/api/v1/stats", headers=keys["reviewer"]).get_json()
    assert stats["claims"]["by_status"]["verified"] == 1 and stats["claims"]["by_status"]["in_review"] == 1
    assert stats["queue"]["depth"] == 1 and stats["queue"]["oldest_pending_age_seconds"] >= 0
    assert sum(stats["verdicts_per_day"].values()) == 1
    assert stats["time_to_verdict_seconds"]["median"] >= 0
    load = {r["name"]: r for r in stats["reviewers"]}
    assert load["reviewer"]["verdicts"] == 1 and load["reviewer2"]["in_review"] == 1


# -- ClaimReview ----------------------------------------------------------------------------
def test_claimreview_json_ld_for_a_flagged_claim(client, keys, article, store):
    article_id, (claim_id,) = article([("The mayor said the stadium seats 90,000 people.", 0.8)],
                                      url="https://news.example.org/stadium")
    store.redis.hset(KEYS.claim(claim_id), "attribution", "the mayor")
    pending = client.get(f"/api/v1/claims/{claim_id}/claimreview", headers=keys["reviewer"])
    assert pending.status_code == 409
    claim = lease(client, keys["reviewer"])
    transition(client, keys["reviewer"], claim, to="flagged", rating="misleading",
               explanation="It seats 60,000; 90,000 counts standing room.")
    review = client.get(f"/api/v1/claims/{claim_id}/claimreview", headers=keys["reviewer"]).get_json()
    assert review["@context"] == "https://schema.org" and review["@type"] == "ClaimReview"
    assert review["@id"].endswith(f"/api/v1/claims/{claim_id}/claimreview")
    assert review["claimReviewed"] == "The mayor said the stadium seats 90,000 people."
    assert review["reviewRating"] == {"@type": "Rating", "ratingValue": 2, "bestRating": 5, "worstRating": 1,
                                      "alternateName": "Misleading",
                                      "ratingExplanation": "It seats 60,000; 90,000 counts standing room."}
    assert review["itemReviewed"]["author"]["name"] == "the mayor"
    assert review["itemReviewed"]["appearance"][0]["url"] == "https://news.example.org/stadium"
    assert len(review["datePublished"]) == 10 and review["author"]["@type"] == "Organization"


def test_claimreview_of_an_unproven_claim_has_no_rating_value(client, keys, article):
    _a, (claim_id,) = article([("The comet will pass within 2 million km.", 0.8)])
    claim = lease(client, keys["reviewer"])
    transition(client, keys["reviewer"], claim, to="flagged", rating="unproven", explanation="No data.")
    review = client.get(f"/api/v1/claims/{claim_id}/claimreview", headers=keys["reviewer"]).get_json()
    assert "ratingValue" not in review["reviewRating"] and review["reviewRating"]["alternateName"] == "Unproven"


def test_oversized_notes_and_bad_evidence_are_refused_and_change_nothing(client, keys, article, store):
    article([("The canal is 80 km long.", 0.9)])
    claim = lease(client, keys["reviewer"])
    huge = transition(client, keys["reviewer"], claim, to="verified", rating="true", note="x" * 20_000)
    assert huge.status_code == 422 and "note" in huge.get_json()["errors"]
    bad = transition(client, keys["reviewer"], claim, to="verified", rating="true",
                     evidence=[{"url": "javascript:alert(1)"}])
    assert bad.status_code == 422 and "evidence" in bad.get_json()["errors"]
    assert store.get_claim(claim["id"])["version"] == claim["version"]
    assert store.get_claim(claim["id"])["evidence"] == []
