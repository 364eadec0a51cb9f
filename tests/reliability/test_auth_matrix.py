"""Every route of the app × no key, a bogus key and each role, generated from the app's URL map
against the table below: a route missing from the table (or a table entry without its route)
fails the first test, so a new route cannot forget to say who may call it.

Without a key, or with one that is not valid, an API route answers 401 in the error shape;
a role without the route's permission gets 403; a role with it gets anything but 401, 403 or
a 5xx (a 404 or 422 for the requests sent here is fine: authorisation let them through).
Public routes (health, metrics, the desk, the API reference and its document) answer without
a key.
"""
from __future__ import annotations

import re

import pytest
import requests

from service.app import create_app
from service.auth import create_key
from service.claims import Role
from service.config import Settings
from tests.helpers import make_claims, serving

# Who holds which permission, as the README states it (not read from service.auth).
ROLES_WITH = {"read": {"ingest", "reviewer", "admin"}, "submit": {"ingest", "admin"},
              "review": {"reviewer", "admin"}, "admin": {"admin"}}

# Every API route and method → the permission it needs.
PROTECTED = {
    ("/api/v1/articles", "GET"): "read",
    ("/api/v1/articles", "POST"): "submit",
    ("/api/v1/articles/<article_id>", "GET"): "read",
    ("/api/v1/articles/<article_id>", "PUT"): "submit",
    ("/api/v1/articles/<article_id>/claims", "GET"): "read",
    ("/api/v1/claims", "GET"): "read",
    ("/api/v1/claims/<claim_id>", "GET"): "read",
    ("/api/v1/claims/<claim_id>/history", "GET"): "read",
    ("/api/v1/claims/<claim_id>/transitions", "POST"): "review",
    ("/api/v1/claims/<claim_id>/lease", "POST"): "review",
    ("/api/v1/claims/<claim_id>/lease", "DELETE"): "review",
    ("/api/v1/claims/bulk-transitions", "POST"): "review",
    ("/api/v1/claims/<claim_id>/matches/<other_id>", "POST"): "review",
    ("/api/v1/claims/<claim_id>/copy-verdict", "POST"): "review",
    ("/api/v1/claims/<claim_id>/claimreview", "GET"): "read",
    ("/api/v1/queue/next", "POST"): "review",
    ("/api/v1/changes", "GET"): "read",
    ("/api/v1/keys", "GET"): "admin",
    ("/api/v1/keys", "POST"): "admin",
    ("/api/v1/keys/<key_id>", "DELETE"): "admin",
    ("/api/v1/me", "GET"): "read",
    ("/api/v1/factchecks", "GET"): "read",
    ("/api/v1/factchecks", "POST"): "submit",
    ("/api/v1/factchecks/<factcheck_id>", "GET"): "read",
    ("/api/v1/factchecks/<factcheck_id>", "DELETE"): "admin",
    ("/api/v1/factchecks/search", "POST"): "read",
    ("/api/v1/export/claims", "GET"): "read",
    ("/api/v1/claims/<claim_id>/recurrence", "GET"): "read",
    ("/api/v1/recurring", "GET"): "read",
    ("/api/v1/stats", "GET"): "read",
    ("/api/v1/feeds", "GET"): "read",
    ("/api/v1/feeds", "POST"): "admin",
    ("/api/v1/feeds/<feed_id>", "GET"): "read",
    ("/api/v1/feeds/<feed_id>", "PATCH"): "admin",
    ("/api/v1/feeds/<feed_id>", "DELETE"): "admin",
    ("/api/v1/webhooks", "GET"): "admin",
    ("/api/v1/webhooks", "POST"): "admin",
    ("/api/v1/webhooks/<webhook_id>", "GET"): "admin",
    ("/api/v1/webhooks/<webhook_id>", "PATCH"): "admin",
    ("/api/v1/webhooks/<webhook_id>", "DELETE"): "admin",
    ("/api/v1/webhooks/<webhook_id>/rotate-secret", "POST"): "admin",
    ("/api/v1/webhooks/<webhook_id>/test", "POST"): "admin",
    ("/api/v1/webhooks/<webhook_id>/replay", "POST"): "admin",
    ("/api/v1/webhooks/<webhook_id>/deliveries", "GET"): "admin",
    ("/api/v1/webhooks/<webhook_id>/deliveries/<delivery_id>", "GET"): "admin",
    ("/api/v1/webhooks/<webhook_id>/deliveries/<delivery_id>/retry", "POST"): "admin",
}

# No key by design.
PUBLIC = {
    ("/healthz", "GET"), ("/readyz", "GET"), ("/metrics", "GET"),
    ("/", "GET"), ("/ui/<relative_path>", "GET"), ("/static/<filename>", "GET"),
    ("/api/v1/docs", "GET"), ("/api/v1/openapi.json", "GET"),
}

CALLERS = ("no key", "bogus key", "ingest", "reviewer", "admin")
BOGUS = "ctk_" + "0" * 40


def routes(app) -> set[tuple[str, str]]:
    """(rule without its converters, e.g. /api/v1/claims/<claim_id>, method) of every route."""
    return {(re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"<\1>", rule.rule), method)
            for rule in app.url_map.iter_rules() for method in rule.methods - {"HEAD", "OPTIONS"}}


# The URL map itself (creating the app opens no Redis connection).
APP_ROUTES = sorted(routes(create_app(Settings(redis_url="redis://127.0.0.1:9/0"),
                                      enqueue_extraction=lambda _id: None)))


def test_every_route_of_the_url_map_is_in_the_table_and_nothing_else():
    table = set(PROTECTED) | PUBLIC
    assert not set(PROTECTED) & PUBLIC
    assert set(APP_ROUTES) - table == set(), "routes without an entry: say who may call them"
    assert table - set(APP_ROUTES) == set(), "entries without a route: remove them"


@pytest.fixture
def desk(settings, store):
    """The app on a real port, keys of each role, and records for every path parameter."""
    app = create_app(settings.with_overrides(webhook_allow_private=True, feed_allow_private=True),
                     enqueue_extraction=lambda _id: None)
    secrets, values = {}, {}
    for role in ("ingest", "reviewer", "admin"):
        _record, secrets[role] = create_key(store, role=Role(role), name=f"matrix {role}")
    spare, _secret = create_key(store, role=Role.INGEST, name="spare, for DELETE /keys/{key_id}")
    values["key_id"] = spare["id"]
    store.mark_worker_seen("matrix-worker")
    with serving(app) as base_url:
        admin = {"Authorization": f"Bearer {secrets['admin']}"}
        made = requests.post(f"{base_url}/api/v1/articles", json={"text": "The port handled 3 million tons."},
                             headers=admin, timeout=10).json()
        values["article_id"] = made["id"]
        values["claim_id"], values["other_id"] = make_claims(
            store, made["id"], [("The port handled 3 million tons.", 0.9), ("The port has 40 cranes.", 0.5)])
        hook = requests.post(f"{base_url}/api/v1/webhooks", headers=admin, timeout=10, json={
            "url": "http://127.0.0.1:9/hook", "events": ["claim.created"]}).json()
        values["webhook_id"] = hook["id"]
        values["delivery_id"] = requests.post(f"{base_url}/api/v1/webhooks/{hook['id']}/test",
                                              headers=admin, timeout=10).json()["id"]
        values["factcheck_id"] = requests.post(f"{base_url}/api/v1/factchecks", headers=admin, timeout=10, json={
            "@type": "ClaimReview", "url": "https://checks.example/port", "claimReviewed": "The port has 40 cranes.",
        }).json()["results"][0]["id"]
        values["feed_id"] = requests.post(f"{base_url}/api/v1/feeds", headers=admin, timeout=10, json={
            "url": "http://127.0.0.1:9/feed.xml", "interval_seconds": 600}).json()["id"]
        values["relative_path"], values["filename"] = "app.css", "nothing-here.txt"
        yield base_url, secrets, values


def call(base_url: str, pattern: str, method: str, values: dict, caller: str, secrets: dict):
    path = pattern
    for name, value in values.items():
        path = path.replace(f"<{name}>", value)
    assert "<" not in path, f"no value for a parameter of {pattern}"
    headers = {"If-Match": '"1"'}
    if caller == "bogus key":
        headers["Authorization"] = f"Bearer {BOGUS}"
    elif caller != "no key":
        headers["Authorization"] = f"Bearer {secrets[caller]}"
    body = {} if method in ("POST", "PUT", "PATCH") else None
    return requests.request(method, base_url + path, json=body, headers=headers, timeout=30)


@pytest.mark.parametrize("pattern, method", APP_ROUTES, ids=[f"{m} {p}" for p, m in APP_ROUTES])
def test_each_caller_gets_what_the_table_says(desk, pattern, method):
    base_url, secrets, values = desk
    if (pattern, method) in PUBLIC:
        answer = call(base_url, pattern, method, values, "no key", secrets)
        assert answer.status_code not in (401, 403) and answer.status_code < 500, answer.text[:300]
        return
    allowed = ROLES_WITH[PROTECTED[(pattern, method)]]  # KeyError: the table lacks this route
    for caller in CALLERS:
        answer = call(base_url, pattern, method, values, caller, secrets)
        got = (caller, answer.status_code, answer.text[:300])
        if caller in ("no key", "bogus key"):
            assert answer.status_code == 401, got
            assert answer.headers["WWW-Authenticate"].startswith("Bearer"), got
            assert answer.json()["code"] == 401, got
        elif caller not in allowed:
            assert answer.status_code == 403, got
            assert answer.json()["code"] == 403, got
        else:
            assert answer.status_code not in (401, 403) and answer.status_code < 500, got
