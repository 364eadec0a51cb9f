"""Articles through a real Celery worker process over real HTTP: queued → processing → done."""
from __future__ import annotations

import time

import pytest
import requests

from service.redis import connect
from service.store import KEYS, Store
from service.tasks import TaskName, TaskSender

pytestmark = pytest.mark.usefixtures("celery_worker")

NEWS = (
    "The regional council of Northvale approved a budget of 42 million euros on Tuesday. "
    "Council leader Maria Okafor said the money would fund 300 new teaching posts.\n"
    "Northvale's population grew by 4 percent between 2015 and 2023, according to the national "
    "statistics office.\n"
    "Support our newsroom!\n"
    "Dear reader, we rely on you. Please donate today from just $3 a month and help us keep going.\n"
    "Subscribe to our newsletter.\n"
)


def wait_for(api, headers, article_id, statuses=("done", "failed"), timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        article = requests.get(f"{api}/api/v1/articles/{article_id}", headers=headers, timeout=10).json()
        if article["status"] in statuses:
            return article
        time.sleep(0.2)
    raise AssertionError(f"article {article_id} still {article['status']} after {timeout} s")


def test_an_article_goes_through_the_worker_and_its_claims_are_stored(live_server, keys):
    answer = requests.post(f"{live_server}/api/v1/articles",
                           json={"text": NEWS, "published_at": "2024-07-04"},
                           headers=keys["ingest"], timeout=10)
    assert answer.status_code == 202 and answer.json()["status"] == "queued"
    article = wait_for(live_server, keys["ingest"], answer.json()["id"])
    assert article["status"] == "done", article
    assert article["language"] == "en" and article["claim_count"] >= 2
    assert article["timings"]["extraction_ms"] >= 0
    claims = requests.get(f"{live_server}/api/v1/articles/{article['id']}/claims",
                          headers=keys["reviewer"], timeout=10).json()["claims"]
    assert len(claims) == article["claim_count"]
    for claim in claims:
        assert NEWS[claim["span"]["start"]:claim["span"]["end"]] == claim["sentence"]
        assert 0 <= claim["score"] <= 1 and claim["status"] == "pending"
    assert any("42 million euros" in c["text"] for c in claims)
    assert not any("donate" in c["sentence"].lower() or "subscribe" in c["sentence"].lower()
                   for c in claims)
    again = requests.post(f"{live_server}/api/v1/articles", json={"text": NEWS},
                          headers=keys["ingest"], timeout=10)
    assert again.status_code == 200 and again.json()["status"] == "done"


def test_running_extraction_twice_leaves_one_set_of_claims(live_server, keys, settings, app):
    answer = requests.post(f"{live_server}/api/v1/articles", json={"text": NEWS},
                           headers=keys["ingest"], timeout=10).json()
    first = wait_for(live_server, keys["ingest"], answer["id"])
    store = Store(connect(settings.redis_url))
    before = sorted(c["id"] for c in store.article_claims(first["id"]))
    TaskSender(settings).send(TaskName.EXTRACT_ARTICLE, first["id"])
    deadline = time.monotonic() + 60
    while store.get_article(first["id"])["timings"].get("started_at") == first["timings"]["started_at"]:
        assert time.monotonic() < deadline
        time.sleep(0.2)
    second = wait_for(live_server, keys["ingest"], first["id"])
    after = sorted(c["id"] for c in store.article_claims(first["id"]))
    assert after == before and second["claim_count"] == first["claim_count"]
    assert len(store.list_claims(limit=100)[0]) == len(before)


def test_a_non_english_article_is_done_with_zero_claims_and_its_language(live_server, keys):
    german = ("Der Stadtrat hat am Dienstag einen Haushalt von 42 Millionen Euro beschlossen. "
              "Die Bürgermeisterin sagte, das Geld fließe in neue Schulen und in den Nahverkehr. "
              "Die Bevölkerung der Stadt ist seit dem Jahr 2015 um vier Prozent gewachsen.")
    answer = requests.post(f"{live_server}/api/v1/articles", json={"text": german},
                           headers=keys["ingest"], timeout=10).json()
    article = wait_for(live_server, keys["ingest"], answer["id"])
    assert article["status"] == "done" and article["claim_count"] == 0
    assert article["language"] == "de"


def test_an_article_whose_extraction_breaks_is_failed_with_the_error(live_server, keys, settings):
    answer = requests.post(f"{live_server}/api/v1/articles", json={"text": NEWS + "Extra line 7."},
                           headers=keys["ingest"], timeout=10).json()
    wait_for(live_server, keys["ingest"], answer["id"])
    store = Store(connect(settings.redis_url))
    # Corrupt what extraction reads, behind the API's back, then extract again.
    store.redis.hset(KEYS.article(answer["id"]), "published_at", "not-a-date")
    TaskSender(settings).send(TaskName.EXTRACT_ARTICLE, answer["id"])
    article = wait_for(live_server, keys["ingest"], answer["id"], statuses=("failed",))
    assert "extraction failed" in article["error"]


def test_a_one_megabyte_article_is_processed(live_server, keys):
    paragraphs = [f"District {n} opened {n % 40 + 2} new clinics in {2000 + n % 24}, officials said."
                  for n in range(12000)]
    text = "\n".join(paragraphs)[:1_000_000]
    answer = requests.post(f"{live_server}/api/v1/articles", json={"text": text},
                           headers=keys["ingest"], timeout=30)
    assert answer.status_code == 202
    article = wait_for(live_server, keys["ingest"], answer.json()["id"], timeout=240)
    assert article["status"] == "done" and article["claim_count"] > 1000


def test_a_corrected_article_keeps_unchanged_claims_and_their_verdicts(live_server, keys, settings):
    first_text = ("The Halden council spent 3 million euros on roads in 2023. "
                  "The council also hired 45 new teachers last year.\n")
    answer = requests.post(f"{live_server}/api/v1/articles", json={"text": first_text, "published_at": "2024-05-02"},
                           headers=keys["ingest"], timeout=10).json()
    article = wait_for(live_server, keys["ingest"], answer["id"])
    claims = requests.get(f"{live_server}/api/v1/articles/{article['id']}/claims",
                          headers=keys["reviewer"], timeout=10).json()["claims"]
    roads = next(c for c in claims if "roads" in c["text"])
    teachers = next(c for c in claims if "teachers" in c["text"])
    decided = requests.post(f"{live_server}/api/v1/claims/{roads['id']}/transitions",
                            json={"to": "dismissed", "reason": "out_of_scope", "note": "Roads are not our beat."},
                            headers={**keys["reviewer"], "If-Match": f'"{roads["version"]}"'}, timeout=10)
    assert decided.status_code == 200, decided.text
    corrected = first_text.replace("45 new teachers", "38 new teachers")
    put = requests.put(f"{live_server}/api/v1/articles/{article['id']}", json={"text": corrected},
                       headers=keys["ingest"], timeout=10)
    assert put.status_code == 202 and put.json()["status"] == "queued"
    done = wait_for(live_server, keys["ingest"], article["id"])
    assert done["status"] == "done"
    after = {c["id"]: c for c in Store(connect(settings.redis_url)).article_claims(article["id"])}
    kept = after[roads["id"]]
    assert kept["status"] == "dismissed" and kept["notes"][0]["text"] == "Roads are not our beat."
    assert not kept["retracted"]
    assert after[teachers["id"]]["retracted"] is True
    assert any("38 new teachers" in c["text"] and not c["retracted"] for c in after.values())
    assert done["claim_count"] == sum(not c["retracted"] for c in after.values()) == 2
