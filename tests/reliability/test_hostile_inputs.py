"""Hostile inputs over real HTTP (issue 12, test 8), articles extracted by the session's real Celery
worker: JSON nested deep on the endpoints tests/integration/test_hostile_bodies.py leaves out,
null bytes in text, JSON strings, query parameters and headers, an article of 100,000 capitalised
words, RESP- and Lua-looking text everywhere text goes, huge headers. Each is a clean 4xx or is
processed normally, never a 5xx; everything stored reads back byte for byte afterwards, Redis
still holds what it held, and the worker is alive and extracting."""
from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from service.api.parsing import MAX_JSON_DEPTH
from service.app import create_app
from service.auth import create_key
from service.claims import Role
from service.config import Settings
from service.redis import connect
from service.store import KEYS, Store
from tests.helpers import serving, start_redis_server

REPO = Path(__file__).resolve().parents[2]

RESP = "*3\r\n$3\r\nSET\r\n$9\r\nct:hacked\r\n$3\r\nyes\r\n*1\r\n$8\r\nFLUSHALL\r\n"
LUA = "redis.call('FLUSHALL'); return redis.call('KEYS', '*') -- ]] end"
# On one line, for headers (which cannot hold CR or LF).
RESP_LINE = "*1 $8 FLUSHALL *3 $3 SET $9 ct:hacked $3 yes"
HOSTILE_STRINGS = [RESP, LUA, "nul\x00in the middle\x00", "\x00", RESP_LINE + "\x00" + LUA]


@pytest.fixture
def api(settings, celery_worker):
    """The real app (sending real tasks to the session's worker) on a real HTTP port; webhooks
    may point at loopback (nothing consumes their queue here: they are only stored)."""
    app = create_app(settings.with_overrides(webhook_allow_private=True, rate_requests_per_minute=0))
    with serving(app) as base:
        yield base


class Caller:
    """Every call checks: no 5xx, and the answer is JSON in the error shape when it is an error."""

    def __init__(self, base: str, keys: dict):
        self.base, self.keys, self.http = base, keys, requests.Session()
        self.codes: list[int] = []

    def __call__(self, method: str, path: str, role: str = "admin", headers: dict | None = None,
                 **kwargs) -> requests.Response:
        answer = self.http.request(method, f"{self.base}{path}", timeout=30,
                                   headers={**self.keys[role], **(headers or {})}, **kwargs)
        self.codes.append(answer.status_code)
        assert answer.status_code < 500, (method, path[:200], answer.status_code, answer.text[:300])
        if answer.status_code >= 400:
            body = answer.json()
            assert body["code"] == answer.status_code and body["message"], body
        return answer


def wait_extracted(call: Caller, article_id: str, timeout: float) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        article = call("GET", f"/api/v1/articles/{article_id}").json()
        if article["status"] in ("done", "failed"):
            return article
        assert time.monotonic() < deadline, article
        time.sleep(0.2)


def deep(depth: int, kind: str = "list") -> str:
    return ('{"a":' * depth + "1" + "}" * depth) if kind == "object" else "[" * depth + "]" * depth


@pytest.mark.timeout(60)
def test_deep_json_on_every_other_json_endpoint_is_a_400_over_http(api, keys, store):
    call = Caller(api, keys)
    article = call("POST", "/api/v1/articles", role="ingest",
                   json={"text": "The canal lock at Marlow was rebuilt in 1998 for 4 million pounds."}).json()
    webhook = call("POST", "/api/v1/webhooks", json={"url": "http://127.0.0.1:9/hook",
                                                    "events": ["claim.created"]}).json()
    before = store.get_article(article["id"], with_text=True)
    targets = [
        ("PUT", f"/api/v1/articles/{article['id']}", "ingest"),
        ("POST", "/api/v1/claims/clm_nothere/transitions", "reviewer"),
        ("POST", "/api/v1/claims/clm_nothere/lease", "reviewer"),
        ("POST", "/api/v1/claims/clm_nothere/matches/clm_other", "reviewer"),
        ("POST", "/api/v1/claims/clm_nothere/copy-verdict", "reviewer"),
        ("POST", "/api/v1/webhooks", "admin"),
        ("PATCH", f"/api/v1/webhooks/{webhook['id']}", "admin"),
        ("POST", f"/api/v1/webhooks/{webhook['id']}/rotate-secret", "admin"),
        ("POST", f"/api/v1/webhooks/{webhook['id']}/replay", "admin"),
    ]
    for kind in ("list", "object"):
        for depth in (MAX_JSON_DEPTH + 1, 5_000, 200_000):
            body = deep(depth, kind)
            for method, path, role in targets:
                answer = call(method, path, role=role, data=body, headers={"Content-Type": "application/json"})
                # 400 for the nesting; a missing claim may be found missing first (404), and a
                # transition without If-Match may be refused first (428).
                assert answer.status_code in (400, 404, 428), (method, path, answer.status_code)
    # Nesting inside an otherwise valid body, at and just past the limit.
    for depth, expected in ((MAX_JSON_DEPTH - 2, (202, 422)), (MAX_JSON_DEPTH + 5, (400,))):
        answer = call("PUT", f"/api/v1/articles/{article['id']}", role="ingest",
                      data='{"text": "The canal lock was rebuilt.", "source": ' + deep(depth) + "}",
                      headers={"Content-Type": "application/json"})
        assert answer.status_code in expected, (depth, answer.status_code, answer.text[:200])
    # Nothing changed: the article as it was, the webhook as it was.
    assert store.get_article(article["id"], with_text=True)["text"] == before["text"]
    again = call("GET", f"/api/v1/webhooks/{webhook['id']}").json()
    assert again["url"] == webhook["url"] and again["events"] == webhook["events"] and again["active"]


@pytest.mark.timeout(60)
def test_null_bytes_resp_and_lua_text_are_stored_and_read_back_intact(api, keys, store):
    call = Caller(api, keys)
    client = store.redis
    canary = call("POST", "/api/v1/articles", role="ingest",
                  json={"text": "The museum in Corvale welcomed 81,000 visitors in 2019."}).json()
    keys_before = client.dbsize()

    # Article text, title and source holding RESP, Lua and null bytes; extracted by the worker.
    articles = {}
    for n, hostile in enumerate(HOSTILE_STRINGS):
        text = (f"The harbour board of Lindqvist said {hostile} that it moved {1200 + n} tonnes of grain "
                f"in 2021. {hostile} The mayor approved a budget of {30 + n} million euros on Tuesday.")
        body = {"text": text, "title": f"{hostile} title {n}", "source": hostile}
        answer = call("POST", "/api/v1/articles", role="ingest", json=body,
                      headers={"Idempotency-Key": f"{RESP_LINE} {n}"})
        assert answer.status_code == 202, answer.text
        articles[answer.json()["id"]] = body
    # API key names and webhook descriptions.
    made_keys = {}
    for hostile in HOSTILE_STRINGS:
        answer = call("POST", "/api/v1/keys", json={"role": "reviewer", "name": hostile[:200]})
        assert answer.status_code == 201, answer.text
        made_keys[answer.json()["id"]] = hostile[:200]
    hooks = {}
    for n, hostile in enumerate(HOSTILE_STRINGS):
        answer = call("POST", "/api/v1/webhooks", json={"url": f"http://127.0.0.1:9/hook{n}",
                                                       "events": ["claim.created"], "description": hostile})
        assert answer.status_code == 201, answer.text
        hooks[answer.json()["id"]] = hostile
    # Query parameters and path segments: refused or answered, never a 5xx.
    for hostile in HOSTILE_STRINGS:
        for path, params in [
            ("/api/v1/claims", {"q": hostile}), ("/api/v1/claims", {"entity": hostile}),
            ("/api/v1/claims", {"article_id": hostile}), ("/api/v1/claims", {"assignee": hostile}),
            ("/api/v1/claims", {"status": hostile}), ("/api/v1/claims", {"cursor": hostile}),
            ("/api/v1/claims", {"rating": hostile}), ("/api/v1/claims", {"sort": hostile}),
            ("/api/v1/claims", {"min_score": hostile}), ("/api/v1/claims", {"created_after": hostile}),
            ("/api/v1/articles", {"id": [hostile, hostile + "2"]}), ("/api/v1/articles", {"cursor": hostile}),
            ("/api/v1/articles", {"status": hostile}), ("/api/v1/changes", {"since": hostile}),
        ]:
            call("GET", path, role="reviewer", params=params)
        quoted = requests.utils.quote(hostile, safe="")
        for path in (f"/api/v1/claims/{quoted}", f"/api/v1/claims/{quoted}/history",
                     f"/api/v1/articles/{quoted}", f"/api/v1/articles/{quoted}/claims"):
            assert call("GET", path, role="reviewer").status_code == 404
        assert call("POST", f"/api/v1/claims/{quoted}/transitions", role="reviewer", json={"to": "verified"},
                    headers={"If-Match": '"1"'}).status_code in (404, 422)
        # A header holding it (requests refuses CR and LF in headers: the one-line forms).
        line = hostile.replace("\r", " ").replace("\n", " ")
        call("POST", "/api/v1/queue/next", role="reviewer", json={}, headers={"Idempotency-Key": line[:200]})
        call("GET", "/api/v1/me", role="reviewer", headers={"X-Note": line, "If-None-Match": line})

    # A lone surrogate escape (valid JSON grammar, not Unicode): a 400, never a 500.
    for path, role, body in [("/api/v1/articles", "ingest", '{"text": "The quay is 80 metres long. \\ud800"}'),
                             ("/api/v1/webhooks", "admin", '{"url": "http://127.0.0.1:9/s", "events": '
                                                          '["claim.created"], "description": "\\udc00"}')]:
        answer = call("POST", path, role=role, data=body, headers={"Content-Type": "application/json"})
        assert answer.status_code == 400, answer.text

    # Everything extracted, everything reads back byte for byte, nothing else in Redis changed.
    for article_id, body in articles.items():
        article = wait_extracted(call, article_id, 45)
        assert article["status"] == "done", article
        assert (article["text"], article["title"], article["source"]) == (body["text"], body["title"], body["source"])
        claims = call("GET", f"/api/v1/articles/{article_id}/claims").json()["claims"]
        assert claims, article
        for summary in claims:  # each claim's sentence is where its span says, in the text as sent
            claim = call("GET", f"/api/v1/claims/{summary['id']}").json()
            span = claim["span"]
            assert body["text"][span["start"]:span["end"]] == claim["sentence"], claim
    listed = {k["id"]: k["name"] for k in call("GET", "/api/v1/keys").json()["keys"]}
    assert all(listed[key_id] == name for key_id, name in made_keys.items())
    for hook_id, description in hooks.items():
        assert call("GET", f"/api/v1/webhooks/{hook_id}").json()["description"] == description
    assert call("GET", f"/api/v1/articles/{canary['id']}").json()["text"].startswith("The museum in Corvale")
    assert client.get("ct:hacked") is None and not client.exists("hacked")
    assert client.dbsize() > keys_before
    assert client.exists(KEYS.article(canary["id"]))


def capitalised_words(count: int) -> str:
    rng = random.Random(12)
    parts = ["Bar", "Cor", "Dal", "Fen", "Gor", "Hal", "Kim", "Lor", "Mar", "Nor", "Pel", "Quin", "Ros", "Tor"]
    return " ".join(rng.choice(parts) + rng.choice(parts).lower() for _ in range(count))


# Done in under 45 s in earlier CI runs, in 55-62 s on a slower day (measured in
# process): the bound is the worker's being done well inside its time limit, not a speed target.
@pytest.mark.timeout(150)
def test_an_article_of_100000_capitalised_words_ends_and_the_worker_goes_on(api, keys, store, celery_worker):
    call = Caller(api, keys)
    text = capitalised_words(100_000)
    started = time.monotonic()
    big = call("POST", "/api/v1/articles", role="ingest", json={"text": text, "title": "Capital Letters"})
    assert big.status_code == 202, big.text
    # Bounded: done, or failed with a reason (the worker's time limit) — never stuck.
    article = wait_extracted(call, big.json()["id"], 120)
    took = time.monotonic() - started
    assert article["status"] == "done" or article["error"], article
    stored = store.get_article(article["id"], with_text=True)
    assert stored["text"] == text

    # The worker is alive (the same process) and still extracting.
    assert celery_worker.poll() is None
    small = call("POST", "/api/v1/articles", role="ingest",
                 json={"text": "The orchard at Brindle Farm produced 40 tonnes of apples in 2022."}).json()
    after = wait_extracted(call, small["id"], max(10.0, 140 - took))
    assert after["status"] == "done" and after["claim_count"] >= 1, after


def raw(base: str, head: bytes) -> tuple[int, bytes]:
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall(head)
        data = b""
        try:
            while chunk := conn.recv(65536):
                data += chunk
        except ConnectionResetError:
            pass
    status = int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/") else 0
    return status, data.partition(b"\r\n\r\n")[2]


@pytest.mark.timeout(60)
def test_huge_headers_are_a_clean_4xx_and_change_nothing(api, keys, store):
    call = Caller(api, keys)
    me = call("GET", "/api/v1/me", role="reviewer").json()
    for headers in ({"X-Trace": "t" * 20_000}, {"X-Trace": "\x00" * 9_000},
                    {f"X-Part-{n}": "p" * 1_000 for n in range(60)},
                    {"Authorization": keys["reviewer"]["Authorization"] + "x" * 9_000}):
        answer = call("GET", "/api/v1/me", role="reviewer", headers=headers)
        assert answer.status_code == 431, (list(headers)[:2], answer.status_code)
    with_body = call("POST", "/api/v1/articles", role="ingest", headers={"X-Trace": "t" * 50_000},
                     json={"text": "The tunnel under Ostbury opened in 2004."})
    assert with_body.status_code == 431
    # Past what the HTTP server reads itself (here werkzeug's, 64 KB a line, 100 headers): it
    # answers itself, a 4xx, or closes the connection.
    host = api.removeprefix("http://")
    status, _ = raw(api, f"GET /api/v1/me HTTP/1.1\r\nHost: {host}\r\nX-Big: {'b' * 200_000}\r\n\r\n".encode())
    assert status == 0 or 400 <= status < 500, status
    many = "".join(f"X-N{n}: v\r\n" for n in range(300))
    status, _ = raw(api, f"GET /api/v1/me HTTP/1.1\r\nHost: {host}\r\n{many}\r\n".encode())
    assert status == 0 or 400 <= status < 500, status
    # Nothing was stored, and the server still serves.
    assert store.list_articles()[0] == []
    assert call("GET", "/api/v1/me", role="reviewer").json() == me


@pytest.fixture
def short_limit_worker(tmp_path):
    """A redis-server and a worker of this test's own whose extraction gives up after 5 s (the
    smallest visibility timeout, 30 s, leaves a hard limit of 15 s and a soft one of 5 s)."""
    redis_process, url = start_redis_server(tmp_path)
    log_path = tmp_path / "worker.log"
    env = {**os.environ, "CLAIMTRACK_REDIS_URL": url, "CLAIMTRACK_VISIBILITY_TIMEOUT": "30"}
    with open(log_path, "w") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "workers.celery_app", "worker", "--concurrency", "1",
             "-Q", "extraction,maintenance", "--loglevel", "INFO", "-n", f"short-{os.getpid()}@%h"],
            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 40
        while " ready." not in log_path.read_text():
            assert worker.poll() is None and time.monotonic() < deadline, log_path.read_text()[-3000:]
            time.sleep(0.1)
        yield url, worker, log_path
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)
        redis_process.terminate()
        redis_process.wait(timeout=10)


@pytest.mark.timeout(60)
def test_an_article_the_worker_cannot_finish_in_time_ends_failed_with_a_reason(short_limit_worker, tmp_path):
    url, worker, log_path = short_limit_worker
    store = Store(connect(url))
    _record, secret = create_key(store, role=Role.INGEST, name="wire desk")
    with serving(create_app(Settings(redis_url=url, data_dir=tmp_path / "data"))) as base:
        call = Caller(base, {"ingest": {"Authorization": f"Bearer {secret}"}})
        text = capitalised_words(100_000)  # about 25 s of extraction, over the 5 s soft limit
        big = call("POST", "/api/v1/articles", role="ingest", json={"text": text}).json()
        deadline = time.monotonic() + 30
        while (article := call("GET", f"/api/v1/articles/{big['id']}", role="ingest").json())["status"] \
                not in ("done", "failed"):
            assert time.monotonic() < deadline, (article, log_path.read_text()[-2000:])
            time.sleep(0.2)
        assert article["status"] == "failed" and "limit" in article["error"], article
        assert article["claim_count"] == 0 and store.get_article(big["id"], with_text=True)["text"] == text
        # The same worker, not a replacement, extracts the next article.
        assert worker.poll() is None
        small = call("POST", "/api/v1/articles", role="ingest",
                     json={"text": "The ferry to Skarholm carried 91,000 passengers in 2023."}).json()
        deadline = time.monotonic() + 20
        while (after := call("GET", f"/api/v1/articles/{small['id']}", role="ingest").json())["status"] \
                not in ("done", "failed"):
            assert time.monotonic() < deadline, (after, log_path.read_text()[-2000:])
            time.sleep(0.2)
        assert after["status"] == "done" and after["claim_count"] >= 1, after
