"""Fifty reviewers, each with their own key, taking claims from the queue at the same moment over
real HTTP: no claim is leased to two of them, and nobody gets a 5xx."""
from __future__ import annotations

import json
import threading
from collections import Counter

import pytest
import requests

from service.app import create_app
from service.auth import create_key
from service.claims import Role
from service.store import KEYS
from tests.helpers import make_claims, serving

REVIEWERS = 50
CLAIMS = 40
ROUNDS = 2  # each reviewer asks twice: 100 requests for 40 claims


@pytest.mark.timeout(60)
def test_fifty_reviewers_at_once_never_share_a_claim(settings, store):
    _record, ingest = create_key(store, role=Role.INGEST, name="wire desk")
    reviewers = [create_key(store, role=Role.REVIEWER, name=f"reviewer {n}") for n in range(REVIEWERS)]
    texts = [(f"The ferry between Aldmouth and Kessing carried {4100 + 53 * n} passengers in week {n + 1}.",
              round(0.2 + (n % 40) / 50, 2)) for n in range(CLAIMS)]
    start = threading.Barrier(REVIEWERS, timeout=30)
    answers: list[tuple[str, int, dict | None]] = []  # (key id, status code, body)
    failures: list[BaseException] = []
    lock = threading.Lock()

    def take(base: str, key_id: str, secret: str) -> None:
        http = requests.Session()
        try:
            start.wait()
            for _ in range(ROUNDS):
                answer = http.post(f"{base}/api/v1/queue/next", json={}, timeout=30,
                                   headers={"Authorization": f"Bearer {secret}"})
                body = answer.json() if answer.content else None
                with lock:
                    answers.append((key_id, answer.status_code, body))
        except BaseException as exc:
            with lock:
                failures.append(exc)

    with serving(create_app(settings, enqueue_extraction=lambda article_id: None)) as base:
        article = requests.post(f"{base}/api/v1/articles", json={"text": " ".join(t for t, _ in texts)},
                                headers={"Authorization": f"Bearer {ingest}"}, timeout=10)
        assert article.status_code == 202, article.text
        claim_ids = make_claims(store, article.json()["id"], texts)
        threads = [threading.Thread(target=take, args=(base, record["id"], secret), daemon=True)
                   for record, secret in reviewers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=45)
        assert not any(thread.is_alive() for thread in threads)

    assert failures == []
    codes = Counter(code for _key, code, _body in answers)
    assert len(answers) == REVIEWERS * ROUNDS
    assert not [a for a in answers if a[1] >= 500], codes
    assert set(codes) == {200, 204}, codes
    leased = [(key_id, body) for key_id, code, body in answers if code == 200]
    # Every claim leased exactly once, to the reviewer the answer went to, and nothing twice.
    assert len(leased) == CLAIMS and codes[204] == REVIEWERS * ROUNDS - CLAIMS, codes
    assert sorted(body["id"] for _key, body in leased) == sorted(claim_ids)
    assert all(body["status"] == "in_review" and body["assignee"]["key_id"] == key_id for key_id, body in leased)

    # The store agrees: each claim in_review, held by that one reviewer, leased once in its history.
    holder_of = {body["id"]: key_id for key_id, body in leased}
    assert store.redis.zcard(KEYS.queue_pending) == 0
    assert sorted(store.redis.zrange(KEYS.leases, 0, -1)) == sorted(claim_ids)
    for claim_id in claim_ids:
        claim = store.redis.hgetall(KEYS.claim(claim_id))
        assert claim["status"] == "in_review" and json.loads(claim["assignee"])["key_id"] == holder_of[claim_id]
        history = [json.loads(e) for e in store.redis.lrange(KEYS.claim_history(claim_id), 0, -1)]
        leases = [e for e in history if e["to"] == "in_review"]
        assert len(leases) == 1 and leases[0]["actor"]["key_id"] == holder_of[claim_id], history
    for record, _secret in reviewers:
        held = set(store.redis.zrange(KEYS.assignee(record["id"]), 0, -1))
        assert held == {claim_id for claim_id, key_id in holder_of.items() if key_id == record["id"]}


@pytest.mark.timeout(60)
def test_a_release_answers_with_the_claim_as_released(settings, store):
    """Six reviewers leasing and releasing the one claim there is: each 200 to a release is the
    claim as that release left it (pending, the version it wrote), not a later reviewer's lease
    (the answer was once read after the script, so another reviewer's lease could slip between)."""
    _record, ingest = create_key(store, role=Role.INGEST, name="wire desk")
    reviewers = [create_key(store, role=Role.REVIEWER, name=f"reviewer {n}") for n in range(6)]
    settings = settings.with_overrides(rate_requests_per_minute=0)  # six keys at full speed
    stop = threading.Event()
    seen: list[dict] = []  # the answers to releases
    failures: list[BaseException] = []
    lock = threading.Lock()

    def lease_and_release(base: str, secret: str) -> None:
        http = requests.Session()
        headers = {"Authorization": f"Bearer {secret}"}
        try:
            while not stop.is_set():
                answer = http.post(f"{base}/api/v1/queue/next", json={}, headers=headers, timeout=10)
                if answer.status_code != 200:
                    continue
                claim = answer.json()
                released = http.delete(f"{base}/api/v1/claims/{claim['id']}/lease", headers=headers, timeout=10)
                assert released.status_code == 200, released.text
                body = released.json()
                with lock:
                    seen.append({"leased_at": claim["version"], "status": body["status"],
                                 "version": body["version"], "etag": released.headers.get("ETag")})
                    if body["status"] != "pending" or len(seen) >= 2000:
                        stop.set()
        except BaseException as exc:
            with lock:
                failures.append(exc)
            stop.set()

    with serving(create_app(settings, enqueue_extraction=lambda article_id: None)) as base:
        article = requests.post(f"{base}/api/v1/articles",
                                json={"text": "The lighthouse at Gannet Point was rebuilt in 1911."},
                                headers={"Authorization": f"Bearer {ingest}"}, timeout=10)
        make_claims(store, article.json()["id"], [("The lighthouse at Gannet Point was rebuilt in 1911.", 0.8)])
        threads = [threading.Thread(target=lease_and_release, args=(base, secret), daemon=True)
                   for _record, secret in reviewers]
        for thread in threads:
            thread.start()
        stop.wait(10)
        stop.set()
        for thread in threads:
            thread.join(timeout=20)

    assert failures == []
    wrong = [s for s in seen if s["status"] != "pending" or s["version"] != s["leased_at"] + 1]
    assert wrong == [], f"{len(wrong)} of {len(seen)} releases answered with another state, e.g. {wrong[:3]}"
    assert len(seen) >= 20, seen
