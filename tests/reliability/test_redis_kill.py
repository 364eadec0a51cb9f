"""Redis SIGKILLed during concurrent reviews and restarted from its append-only file
(`appendfsync always`): every transition that answered 200 is there, none was applied twice, and
every claim's state, indexes, history and events agree. Then a clean SIGTERM restart keeps all."""
from __future__ import annotations

import random
import signal
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import pytest
import redis
import requests

from service.app import create_app
from service.auth import create_key
from service.claims import Role
from service.config import Settings
from service.redis import connect, free_port
from service.store import KEYS, Store
from tests.helpers import check_claims_consistent, make_claims, serving, start_redis_server

REVIEWERS = 6
CLAIMS = 60
DURABLE = {"appendonly": "yes", "appendfsync": "always"}


@dataclass
class Call:
    """One request a reviewer made: the claim (None for a queue/next that got no claim back),
    the state asked for, and what came back: ok (200), unknown (503 or no answer: it may or may
    not have been applied) or refused."""

    claim_id: str | None
    to: str
    outcome: str
    version: int | None = None  # the answer's, when ok
    answered: str | None = None  # the status in the answer, when ok


@dataclass
class Reviewer:
    """One reviewer's thread: every call it made, and every answer's status code."""

    name: str
    key_id: str
    headers: dict
    calls: list[Call] = field(default_factory=list)
    answers: Counter = field(default_factory=Counter)
    error: BaseException | None = None

    @property
    def acknowledged(self) -> list[Call]:
        return [c for c in self.calls if c.outcome == "ok"]


class RedisProcess:
    """A durable redis-server of the test's own, restartable on the same port and directory."""

    def __init__(self, directory):
        self.directory = directory
        self.port = free_port()
        self.process, self.url = start_redis_server(directory, port=self.port, config=DURABLE)

    def stop(self, sig: int) -> None:
        self.process.send_signal(sig)
        self.process.wait(timeout=30)

    def start(self) -> None:
        self.process, url = start_redis_server(self.directory, port=self.port, config=DURABLE)
        assert url == self.url


@pytest.fixture
def durable_redis(tmp_path):
    server = RedisProcess(tmp_path)
    yield server
    if server.process.poll() is None:
        server.stop(signal.SIGTERM)


def review(base: str, me: Reviewer, stop: threading.Event, seed: int) -> None:
    try:
        _review(base, me, stop, seed)
    except BaseException as exc:  # seen by the test, not lost with the thread
        me.error = exc
        raise


def _review(base: str, me: Reviewer, stop: threading.Event, seed: int) -> None:
    """Lease, decide and reopen (or lease and release) claims until told to stop. A claim whose
    answer did not come back (Redis was gone) is left alone: the service may or may not have
    applied it, which the checks after the run allow for."""
    rng = random.Random(seed)
    http = requests.Session()

    def call(method: str, path: str, claim_id: str | None, target: str, version: int | None = None,
             body: dict | None = None) -> dict | None:
        headers = dict(me.headers)
        if version is not None:
            headers["If-Match"] = f'"{version}"'
        try:
            answer = http.request(method, f"{base}/api/v1{path}", json=body or {}, headers=headers,
                                  timeout=10)
        except requests.RequestException:
            me.answers["no answer"] += 1
            me.calls.append(Call(claim_id, target, "unknown"))
            return None
        me.answers[answer.status_code] += 1
        if answer.status_code != 200:
            outcome = "unknown" if answer.status_code == 503 else "refused"
            me.calls.append(Call(claim_id, target, outcome))
            return None
        claim = answer.json()
        me.calls.append(Call(claim["id"], target, "ok", claim["version"], claim["status"]))
        return claim

    while not stop.is_set():
        claim = call("POST", "/queue/next", None, "in_review")
        if claim is None:
            time.sleep(0.02)
            continue
        # Only the holder may change a leased claim, so this answer is the state to build on.
        assert claim["status"] == "in_review" and claim["assignee"]["key_id"] == me.key_id, claim
        choice = rng.random()
        if choice < 0.2:
            call("DELETE", f"/claims/{claim['id']}/lease", claim["id"], "pending")
            continue
        if choice < 0.5:
            body = {"to": "verified", "rating": "true", "note": f"{me.name} found the figure in the budget."}
        elif choice < 0.8:
            body = {"to": "flagged", "rating": "false",
                    "explanation": f"{me.name} found a different figure in the council minutes."}
        else:
            body = {"to": "dismissed", "reason": "not_checkworthy"}
        decided = call("POST", f"/claims/{claim['id']}/transitions", claim["id"], body["to"],
                       version=claim["version"], body=body)
        if decided is not None:  # a verdict is not in the queue: nobody else touches it
            call("POST", f"/claims/{decided['id']}/transitions", decided["id"], "pending",
                 version=decided["version"],
                 body={"to": "pending", "reason": f"{me.name} reopens it for a second look"})


def snapshot(client: redis.Redis) -> dict:
    """Every lasting claimtrack key's value, read by type (not DUMP: encodings change on reload).
    Keys with a time to live (rate-limit buckets) are left out: they may lapse during a restart."""
    readers = {
        "string": client.get,
        "hash": client.hgetall,
        "list": lambda k: client.lrange(k, 0, -1),
        "set": lambda k: sorted(client.smembers(k)),
        "zset": lambda k: client.zrange(k, 0, -1, withscores=True),
        "stream": client.xrange,
    }
    return {key: (kind, readers[kind](key)) for key in client.scan_iter(KEYS.everything, count=1000)
            if client.pttl(key) == -1 for kind in [client.type(key)]}


def check_consistent(client: redis.Redis, claim_ids: list[str], reviewers: list[Reviewer]) -> int:
    """Each claim's state agrees with its indexes, history and events; every transition
    acknowledged to a reviewer is in the history, and nothing was applied more often than it was
    asked for. Returns the number of acknowledged transitions found."""
    histories = check_claims_consistent(client, claim_ids, [r.key_id for r in reviewers])
    found = 0
    for reviewer in reviewers:
        leases_asked = sum(1 for c in reviewer.calls if c.claim_id is None or
                           (c.to == "in_review" and c.outcome == "ok"))
        leases_made = 0
        for claim_id, history in histories.items():
            mine = [e for e in history if e["actor"]["key_id"] == reviewer.key_id]
            leases_made += sum(1 for e in mine if e["to"] == "in_review")
            asked = [c for c in reviewer.calls if c.claim_id == claim_id and c.to != "in_review"]
            changes = [e for e in mine if e["to"] != "in_review"]
            # Never applied more often than asked for (a 503 may or may not have been applied).
            assert len(changes) <= len([c for c in asked if c.outcome != "refused"]), (reviewer.name, claim_id)
            # Every 200 is in the history, in the order answered, at or below the answer's version.
            entries = iter(e for e in mine)
            for call in (c for c in reviewer.calls if c.claim_id == claim_id and c.outcome == "ok"):
                entry = next((e for e in entries if e["to"] == call.to), None)
                assert entry is not None, (reviewer.name, call, history)
                assert entry["version"] <= call.version, (reviewer.name, call, entry)
                found += 1
        # No lease made that was not asked for: each 200 or 503 from queue/next made at most one.
        assert leases_made <= leases_asked, (reviewer.name, leases_made, leases_asked)
    return found


@pytest.mark.timeout(90)
def test_redis_killed_mid_review_loses_no_acknowledged_transition(durable_redis, tmp_path):
    client = connect(durable_redis.url)
    store = Store(client)
    # Rate limits off: six keys at full speed are far above a reviewer's requests per minute.
    settings = Settings(redis_url=durable_redis.url, data_dir=tmp_path / "data", lease_seconds=120,
                        rate_requests_per_minute=0)
    _record, ingest = create_key(store, role=Role.INGEST, name="wire desk")
    reviewers = []
    for n in range(REVIEWERS):
        record, secret = create_key(store, role=Role.REVIEWER, name=f"reviewer {n}")
        reviewers.append(Reviewer(f"reviewer {n}", record["id"], {"Authorization": f"Bearer {secret}"}))
    texts = [(f"The harbour of Portlow handled {1200 + 37 * n} container ships in {1990 + n % 30}.",
              round(0.3 + (n % 60) / 100, 2)) for n in range(CLAIMS)]

    with serving(create_app(settings, enqueue_extraction=lambda article_id: None)) as base:
        answer = requests.post(f"{base}/api/v1/articles", json={"text": " ".join(t for t, _ in texts)},
                               headers={"Authorization": f"Bearer {ingest}"}, timeout=10)
        assert answer.status_code == 202, answer.text
        claim_ids = make_claims(store, answer.json()["id"], texts)

        stop = threading.Event()
        threads = [threading.Thread(target=review, args=(base, r, stop, n), daemon=True)
                   for n, r in enumerate(reviewers)]
        for thread in threads:
            thread.start()
        time.sleep(3)
        before_kill = sum(len(r.acknowledged) for r in reviewers)
        durable_redis.stop(signal.SIGKILL)
        time.sleep(1)  # the reviewers keep calling: 503s
        durable_redis.start()
        restarted_at = sum(len(r.acknowledged) for r in reviewers)
        time.sleep(3)
        stop.set()
        for thread in threads:
            thread.join(timeout=20)
        assert not any(thread.is_alive() for thread in threads)
        assert [r.error for r in reviewers if r.error] == []

    answers = sum((r.answers for r in reviewers), Counter())
    total = sum(len(r.acknowledged) for r in reviewers)
    # Work went on before the kill and after the restart, and the outage was seen as 503s.
    assert before_kill >= 50 and total - restarted_at >= 50, (before_kill, restarted_at, total, answers)
    assert answers[503] >= 1, answers
    assert set(answers) <= {200, 204, 503}, answers

    client = redis.Redis.from_url(durable_redis.url, decode_responses=True)
    assert check_consistent(client, claim_ids, reviewers) == total

    # A clean shutdown (SIGTERM) and start again: everything as it was.
    before = snapshot(client)
    assert len(before) > CLAIMS
    durable_redis.stop(signal.SIGTERM)
    durable_redis.start()
    client = redis.Redis.from_url(durable_redis.url, decode_responses=True)
    assert snapshot(client) == before
    check_consistent(client, claim_ids, reviewers)
