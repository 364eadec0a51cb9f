"""New claims matched by meaning (issue 14, part 3): to stored fact-checks, which go on the claim
with what differs, and to our reviewed claims of other articles, named entities or not; the
matching task through a real matcher worker process."""
from __future__ import annotations

import os
import signal
import time

import pytest
import requests

from service.lookup import Lookup
from tests.helpers import lease, start_celery_worker, transition
from workers.articles import match_by_meaning


def review(url: str, claim: str, rating: str) -> dict:
    return {"@type": "ClaimReview", "url": url, "claimReviewed": claim, "inLanguage": "en",
            "author": {"@type": "Organization", "name": "Faktabaari"},
            "reviewRating": {"@type": "Rating", "alternateName": rating}}


CHECKS = [
    review("https://checks.example/rail", "Estonia spent 120 million euros on the Rail Baltica line in 2022.",
           "False"),
    review("https://checks.example/ferry", "Ferry tickets between Helsinki and Tallinn doubled in price in 2023.",
           "True"),
]


def events_of(store, kind="claim.matched"):
    return [event["data"] for event in store.events() if event["type"] == kind]


def test_a_claim_gets_the_factchecks_it_matches_with_what_differs(client, keys, store, article_with_claims):
    assert client.post("/api/v1/factchecks", json=CHECKS, headers=keys["ingest"]).status_code == 200
    _article, (rail, ferry, unrelated) = article_with_claims([
        ("Estonia spent 150 million euros on the Rail Baltica line in 2022.", 0.6),
        ("Ferry tickets between Helsinki and Tallinn doubled in price in 2023.", 0.5),
        ("The Tartu song festival drew a record crowd of dancers.", 0.4),
    ])
    assert match_by_meaning(store, Lookup(), _article) == 2

    (found,) = store.get_claim(rail)["factchecks"]
    assert found["url"] == "https://checks.example/rail" and found["publisher"] == "Faktabaari"
    assert found["rating"] == "false" and found["rating_published"] == "False"
    # The consistency guard: a different figure keeps it at suggested, and says why.
    assert found["tier"] == "suggested" and found["differences"] == ["figures: 150 vs 120"]
    (same,) = store.get_claim(ferry)["factchecks"]
    assert same["tier"] == "confirmed" and same["differences"] == [] and same["similarity"] >= 0.5
    assert store.get_claim(unrelated)["factchecks"] == []

    # A fact-check rated as a flagged claim would be moves the claim up the queue; a true one does not.
    assert store.get_claim(rail)["priority_boost"] > 0 and store.get_claim(ferry)["priority_boost"] == 0
    assert lease(client, keys["reviewer"])["id"] == rail  # ahead of the 0.5 and 0.4 claims
    matched = {event["claim_id"]: event for event in events_of(store)}
    assert matched[rail]["matched_factcheck_id"] == found["factcheck_id"]
    assert matched[rail]["differences"] == ["figures: 150 vs 120"] and matched[ferry]["differences"] == []

    # Matching again attaches nothing twice and says nothing again.
    before = len(events_of(store))
    assert match_by_meaning(store, Lookup(), _article) == 0
    assert len(store.get_claim(rail)["factchecks"]) == 1 and len(events_of(store)) == before


def test_a_claim_that_says_another_thing_of_a_debunked_subject_is_not_moved_up(client, keys, store,
                                                                              article_with_claims):
    assert client.post("/api/v1/factchecks", json=CHECKS, headers=keys["ingest"]).status_code == 200
    article, (other,) = article_with_claims([("Rail Baltica will link Estonia to Poland by 2030.", 0.6)])
    match_by_meaning(store, Lookup(), article)
    claim = store.get_claim(other)
    (found,) = claim["factchecks"]  # suggested: the same line, but not its cost
    assert found["url"] == "https://checks.example/rail" and found["tier"] == "suggested"
    assert found["differences"][-1].startswith("statements: ")
    assert claim["priority_boost"] == 0  # the fact-check rated False is about the cost, not the link


def test_a_claim_without_a_named_entity_matches_a_reviewed_claim_elsewhere(client, keys, store, article_with_claims):
    first_article, (reviewed,) = article_with_claims([("Tap water in the old town is safe to drink.", 0.9)])
    claim = lease(client, keys["reviewer"])
    assert transition(client, keys["reviewer"], claim, to="flagged", rating="false",
                      explanation="Lead pipes remain in the old town.").status_code == 200
    second_article, (repeat,) = article_with_claims(
        [("The old town's tap water is safe to drink, residents were told.", 0.4)])
    assert store.get_claim(repeat)["matches"] == []  # no shared entity: the word-overlap matcher missed it
    match_by_meaning(store, Lookup(), second_article)
    (match,) = store.get_claim(repeat)["matches"]
    assert match["claim_id"] == reviewed and match["status"] == "flagged"
    assert store.get_claim(repeat)["priority_boost"] > 0  # it repeats a flagged claim
    assert any(event["claim_id"] == repeat and event["matched_claim_id"] == reviewed for event in events_of(store))


@pytest.fixture
def matcher(redis_server_url, tmp_path):
    """The matching queue's own worker process (solo pool), as `claimtrack up` runs it."""
    log_path = tmp_path / "matcher.log"
    process = start_celery_worker({"CLAIMTRACK_REDIS_URL": redis_server_url}, log_path,
                                  "--pool", "solo", "-Q", "matching", name="matcher")
    process.log_path = log_path
    yield process
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


@pytest.mark.usefixtures("celery_worker")
def test_an_extracted_article_is_matched_by_the_matcher_worker(live_server, keys, matcher):
    stored = requests.post(f"{live_server}/api/v1/factchecks", json=CHECKS, headers=keys["ingest"], timeout=30)
    assert stored.status_code == 200, stored.text
    text = ("The transport ministry said on Monday that Estonia spent 120 million euros on the "
            "Rail Baltica line in 2022. Officials expect the first trains to run by 2030.")
    answer = requests.post(f"{live_server}/api/v1/articles", json={"text": text, "published_at": "2024-05-06"},
                           headers=keys["ingest"], timeout=10)
    assert answer.status_code == 202, answer.text
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        claims = requests.get(f"{live_server}/api/v1/articles/{answer.json()['id']}/claims",
                              headers=keys["reviewer"], timeout=10).json().get("claims", [])
        attached = [claim for claim in claims if claim["factchecks"]]
        if attached:
            break
        time.sleep(0.3)
    else:
        raise AssertionError(f"no claim got a fact-check; matcher log:\n{matcher.log_path.read_text()[-3000:]}")
    (claim,) = attached
    assert "Rail Baltica" in claim["text"]
    assert claim["factchecks"][0]["url"] == "https://checks.example/rail"
    # Rated false: the claim moves up the queue. The day the ministry spoke on is no difference.
    assert claim["priority_boost"] > 0
    assert claim["factchecks"][0]["tier"] == "confirmed" and claim["factchecks"][0]["differences"] == []
