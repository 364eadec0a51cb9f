"""schemathesis against the OpenAPI document the running app serves, over real HTTP, with an
admin, a reviewer and an ingest key: no answer is a 5xx, and every answer conforms to the
document (status code documented, body matching its schema, content type).

One server and desk serve the module: an HTML article not yet extracted, a text article with
claims, one of them verified, a matching claim elsewhere, a spare key, and for each operation a
webhook of its own with a logged delivery (an earlier operation may have deleted one). Path
parameters name those records in two examples out of three, so most answers are real ones
rather than 404s. The fuzzer's own keys are protected from its `DELETE /api/v1/keys/{key_id}`:
that operation gets the spare key's id, or an unknown one.
"""
from __future__ import annotations

import itertools
from types import SimpleNamespace

import pytest
import redis
import requests
import schemathesis
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from service.app import create_app
from service.auth import create_key
from service.claims import Role
from service.config import Settings
from service.redis import connect
from service.store import KEYS, Store
from service.subscriptions import send_test_event
from tests.helpers import make_claims, serving

ROLES = ("admin", "reviewer", "ingest")
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
MAX_EXAMPLES = 20  # per operation: the file takes about 30 s on two cores
ALTERNATE = {"article_id": "html_article_id", "claim_id": "other_id", "other_id": "claim_id"}


@pytest.fixture(scope="module")
def desk(redis_server_url, tmp_path_factory):
    """The app on a real port for the whole module (a clean keyspace first), sending no tasks
    and taking any webhook host without resolving it (generated URLs cause no DNS lookups and
    no deliveries), with the fuzzer's keys, a spare key and articles with claims and matches."""
    client = redis.Redis.from_url(redis_server_url)
    for key in client.scan_iter(KEYS.everything, count=1000):
        client.delete(key)
    settings = Settings(redis_url=redis_server_url, data_dir=tmp_path_factory.mktemp("fuzz"),
                        lease_seconds=60, webhook_allow_private=True,  # rate limits have tests of their own
                        rate_requests_per_minute=0, rate_articles_per_minute=0, rate_article_bytes_per_hour=0)
    store = Store(connect(redis_server_url), public_url=settings.public_url)
    app = create_app(settings, enqueue_extraction=lambda _id: None)
    secrets, ids = {}, {}
    for role in ROLES:
        record, secret = create_key(store, role=Role(role), name=f"fuzzer {role}")
        secrets[role], ids[f"{role}_key"] = secret, record["id"]
    spare, _secret = create_key(store, role=Role.INGEST, name="spare, for DELETE /keys/{key_id}")
    ids["key_id"] = spare["id"]
    with serving(app) as base_url:
        def call(method, path, role="admin", **kwargs):
            kwargs.setdefault("headers", {"Authorization": f"Bearer {secrets[role]}"})
            answer = requests.request(method, f"{base_url}/api/v1{path}", timeout=10, **kwargs)
            assert answer.status_code < 300, answer.text
            return answer.json()

        ids["article_id"] = call("POST", "/articles", role="ingest",
                                 json={"text": "The council approved a budget. Oslo grew by 2 %."})["id"]
        ids["html_article_id"] = call("POST", "/articles", role="ingest", json={
            "html": "<html><body><p>The council approved 42 million euros.</p></body></html>"})["id"]
        claims = make_claims(store, ids["article_id"], [
            ("The council approved a budget of 42 million euros.", 0.9),
            ("Oslo grew by 2 % last year.", 0.7)], entities={
            "The council approved a budget of 42 million euros.": ["Oslo City Council"],
            "Oslo grew by 2 % last year.": ["Oslo"]})
        other = call("POST", "/articles", role="ingest",
                     json={"text": "The council approved a 42 million euro budget."})
        [match] = make_claims(store, other["id"], [("The council approved a budget of 42 million euros!", 0.8)],
                              entities={"The council approved a budget of 42 million euros!": ["Oslo City Council"]})
        ids["claim_id"], ids["other_id"] = claims[0], match
        # A verdict with evidence and a note (ClaimReview, copy-verdict and the stats have data).
        leased = call("POST", "/queue/next", role="reviewer")
        assert leased["id"] == claims[0]
        call("POST", f"/claims/{claims[0]}/transitions", role="reviewer", headers={
            "Authorization": f"Bearer {secrets['reviewer']}", "If-Match": f'"{leased["version"]}"'}, json={
            "to": "verified", "rating": "true", "explanation": "The minutes list it.", "note": "checked",
            "evidence": [{"url": "https://example.org/minutes", "title": "Minutes"}]})
        assert requests.get(f"{base_url}/api/v1/openapi.json", timeout=10).json() == DOCUMENT
        yield SimpleNamespace(base_url=base_url, secrets=secrets, ids=ids, call=call,
                              webhooks=app.extensions["claimtrack.webhooks"], settings=settings)


HOOKS = itertools.count()


@pytest.fixture
def records(desk):
    """The desk's ids, with a webhook of this test's own holding a logged delivery (an earlier
    operation may have deleted the last one)."""
    hook = desk.call("POST", "/webhooks", json={"url": f"http://127.0.0.1:9/hook/{next(HOOKS)}",
                                                "events": ["claim.created", "claim.status_changed"]})
    woken = {}
    send_test_event(desk.webhooks, hook["id"], wake=woken.__setitem__)
    delivery = desk.webhooks.next_delivery(hook["id"], woken[hook["id"]])
    desk.webhooks.record_attempt(hook["id"], woken[hook["id"]], delivery["id"], outcome="retry", due_ms=1,
                                 attempt={"attempt": 1, "at": "2024-07-04T10:00:00+00:00", "status_code": 500,
                                          "latency_ms": 12.5, "error": "HTTP 500", "response": "oops"})
    return {**desk.ids, "webhook_id": hook["id"], "delivery_id": delivery["id"]}


# The document as the app serves it, read at collection (creating the app opens no Redis
# connection); the test checks that the live server serves the very same document.
DOCUMENT = create_app(Settings(redis_url="redis://127.0.0.1:9/0"), enqueue_extraction=lambda _id: None) \
    .test_client().get("/api/v1/openapi.json").get_json()
schema = schemathesis.openapi.from_dict(DOCUMENT)


@schema.parametrize()
@hypothesis_settings(max_examples=MAX_EXAMPLES, deadline=None, database=None,
                     suppress_health_check=list(HealthCheck))
def test_the_api_answers_as_its_openapi_document_says(case, desk, records):
    # Which records the path names, decided by the generated data (so it replays): the seeded
    # ones, their alternates (the HTML article not yet extracted, the matched claim), or the
    # generated values themselves (unknown ids: 404s).
    variant = sum(repr((case.path_parameters, case.query, case.body)).encode()) % 3
    for name in list(case.path_parameters or {}):
        if variant < 2 and name in records:
            case.path_parameters[name] = records[ALTERNATE.get(name, name) if variant else name]
    if case.operation.path == "/api/v1/keys/{key_id}":
        assert case.path_parameters["key_id"] not in {records[f"{role}_key"] for role in ROLES}
    for role in ROLES:
        case.call_and_validate(base_url=desk.base_url, checks=CHECKS, timeout=30,
                               headers={"Authorization": f"Bearer {desk.secrets[role]}", "If-Match": '"1"'})
