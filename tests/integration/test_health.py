"""/healthz, /readyz and the OpenAPI document."""
from __future__ import annotations

import time

import pytest

from service.app import create_app
from service.config import Settings
from service.redis import connect
from service.store import Store


def test_healthz_answers_without_a_key(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


@pytest.fixture
def unwatched_settings(own_redis, tmp_path) -> Settings:
    """Settings on a Redis of the test's own: the session's Celery worker stamps its heartbeat
    into the shared one every few seconds, which would make these tests' "not ready" racy."""
    return Settings(redis_url=own_redis[1], data_dir=tmp_path / "data")


def test_readyz_wants_redis_and_a_recent_worker(unwatched_settings):
    store = Store(connect(unwatched_settings.redis_url), public_url=unwatched_settings.public_url)
    client = create_app(unwatched_settings, enqueue_extraction=[].append).test_client()
    answer = client.get("/readyz")
    assert answer.status_code == 503 and "worker" in answer.get_json()["checks"]
    store.mark_worker_seen("test-worker")
    answer = client.get("/readyz")
    assert answer.status_code == 200 and answer.get_json()["checks"]["redis"] == "ok"


def test_readyz_ignores_a_heartbeat_left_by_the_previous_run(unwatched_settings):
    settings = unwatched_settings
    store = Store(connect(settings.redis_url), public_url=settings.public_url)
    store.mark_worker_seen("previous-run-worker")  # still within its TTL when the service restarts
    time.sleep(0.01)
    client = create_app(settings, enqueue_extraction=[].append).test_client()
    answer = client.get("/readyz")
    assert answer.status_code == 503, answer.get_json()
    assert "no worker heartbeat" in answer.get_json()["checks"]["worker"]
    store.mark_worker_seen("this-run-worker")
    assert client.get("/readyz").status_code == 200


def test_readyz_turns_ready_on_a_running_workers_next_heartbeat(celery_worker, settings):
    from service.store.stats import WORKER_HEARTBEAT_SECONDS

    client = create_app(settings, enqueue_extraction=[].append).test_client()
    deadline = time.monotonic() + 2 * WORKER_HEARTBEAT_SECONDS + 2
    while (answer := client.get("/readyz")).status_code != 200:
        assert time.monotonic() < deadline, answer.get_json()
        time.sleep(0.2)
    assert answer.get_json()["checks"]["worker"].startswith("seen at")


def test_openapi_describes_every_path_from_the_schemas(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    for path in ["/api/v1/articles", "/api/v1/articles/{article_id}", "/api/v1/articles/{article_id}/claims",
                 "/api/v1/claims", "/api/v1/claims/{claim_id}", "/api/v1/claims/{claim_id}/history",
                 "/api/v1/claims/{claim_id}/transitions", "/api/v1/queue/next", "/api/v1/keys"]:
        assert path in spec["paths"], path
    schemas = spec["components"]["schemas"]
    assert "ArticleCreate" in schemas and "Transition" in schemas and "ApiError" in schemas
    assert set(schemas["Transition"]["properties"]["to"]["enum"]) >= {"pending", "verified", "flagged"}
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_the_document_states_the_rules_the_request_schemas_apply(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    schemas = spec["components"]["schemas"]
    article = schemas["ArticleCreate"]["properties"]
    assert article["text"]["pattern"] == article["html"]["pattern"] == "^\\s*\\S"
    assert article["url"]["format"] == "uri" and article["url"]["pattern"].startswith("^[Hh][Tt][Tt][Pp]")
    for date in (article["published_at"], schemas["Replay"]["properties"]["since"]):
        assert date["type"] == "string" and "nullable" not in date
        assert [f["format"] for f in date["anyOf"]] == ["date", "date-time"]
    secret = schemas["WebhookCreate"]["properties"]["secret"]
    assert secret["pattern"].startswith("^whsec_") and secret["minLength"] == 38
    assert schemas["RotateSecret"]["properties"]["secret"] == secret
    [since] = spec["paths"]["/api/v1/changes"]["get"]["parameters"]
    assert since["schema"]["pattern"]
    lease = spec["paths"]["/api/v1/claims/{claim_id}/lease"]
    assert "422" in lease["post"]["responses"] and "422" in lease["delete"]["responses"]
    assert "422" in spec["paths"]["/api/v1/claims/{claim_id}/copy-verdict"]["post"]["responses"]


def test_json_numbers_and_booleans_are_taken_only_as_the_document_types_them(client, keys):
    hook = client.post("/api/v1/webhooks", json={"url": "https://93.184.215.14/hook",
                                                 "events": ["claim.created"]}, headers=keys["admin"]).get_json()
    rotate = client.post(f"/api/v1/webhooks/{hook['id']}/rotate-secret", json={"grace_seconds": 2.5},
                         headers=keys["admin"])
    assert rotate.status_code == 422 and "grace_seconds" in rotate.get_json()["errors"]
    patch = client.patch(f"/api/v1/webhooks/{hook['id']}", json={"active": "yes"}, headers=keys["admin"])
    assert patch.status_code == 422 and "active" in patch.get_json()["errors"]
    bulk = client.post("/api/v1/claims/bulk-transitions", headers=keys["admin"], json={
        "items": [{"id": "clm_x", "to": "dismissed", "reason": "duplicate", "version": 1.5}]})
    assert bulk.status_code == 422


def test_keys_api_creates_lists_and_revokes(client, keys):
    made = client.post("/api/v1/keys", json={"role": "reviewer", "name": "Night desk"}, headers=keys["admin"])
    assert made.status_code == 201 and made.get_json()["secret"].startswith("ctk_")
    headers = {"Authorization": f"Bearer {made.get_json()['secret']}"}
    assert client.get("/api/v1/claims", headers=headers).status_code == 200
    listed = client.get("/api/v1/keys", headers=keys["admin"]).get_json()["keys"]
    assert all("secret" not in k and "secret_hash" not in k for k in listed)
    assert client.delete(f"/api/v1/keys/{made.get_json()['id']}", headers=keys["admin"]).status_code == 200
    assert client.get("/api/v1/claims", headers=headers).status_code == 401
    assert client.get("/api/v1/keys", headers=keys["reviewer"]).status_code == 403


def test_the_last_active_admin_key_cannot_be_revoked(client, keys, store):
    admin_id = next(k["id"] for k in store.list_keys() if k["name"] == "admin")
    refused = client.delete(f"/api/v1/keys/{admin_id}", headers=keys["admin"])
    assert refused.status_code == 409 and "last active admin key" in refused.get_json()["message"]
    assert client.get("/api/v1/keys", headers=keys["admin"]).status_code == 200  # still works
    second = client.post("/api/v1/keys", json={"role": "admin", "name": "Deputy"}, headers=keys["admin"]).get_json()
    deputy = {"Authorization": f"Bearer {second['secret']}"}
    # With another admin, either may go, and revoking twice keeps the first time.
    revoked = client.delete(f"/api/v1/keys/{admin_id}", headers=deputy)
    assert revoked.status_code == 200 and revoked.get_json()["revoked_at"]
    again = client.delete(f"/api/v1/keys/{admin_id}", headers=deputy).get_json()
    assert again["revoked_at"] == revoked.get_json()["revoked_at"]
    assert client.delete(f"/api/v1/keys/{second['id']}", headers=deputy).status_code == 409
    assert client.delete("/api/v1/keys/key_nope", headers=deputy).status_code == 404


def test_metrics_expose_the_desk_state_in_prometheus_text(client, keys, article_with_claims):
    from prometheus_client.parser import text_string_to_metric_families
    article_with_claims([("Metric claim one has 1 fact.", 0.5), ("Metric claim two has 2 facts.", 0.6)])
    answer = client.get("/metrics")
    assert answer.status_code == 200 and answer.mimetype == "text/plain"
    families = {f.name: f for f in text_string_to_metric_families(answer.get_data(as_text=True))}
    pending = [s for s in families["claimtrack_claims"].samples if s.labels["status"] == "pending"]
    assert pending[0].value == 2
    assert families["claimtrack_queue_depth"].samples[0].value == 2
