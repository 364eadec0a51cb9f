"""Property-based requests from the OpenAPI document, over real HTTP: no input gives a 500."""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error

from service.app import create_app
from service.config import Settings
from tests.helpers import serving

# The document only: creating the app opens no connection.
SPEC = create_app(Settings(redis_url="redis://127.0.0.1:9/0"),
                  enqueue_extraction=lambda _id: None).test_client().get("/api/v1/openapi.json").get_json()
schema = schemathesis.openapi.from_dict(SPEC)


@pytest.fixture
def fuzz_server(settings):
    """The app on real HTTP, sending no tasks, and taking any webhook host without resolving
    it: generated URLs must cause no DNS lookups and no deliveries off this machine."""
    app = create_app(settings.with_overrides(webhook_allow_private=True), enqueue_extraction=lambda _id: None)
    with serving(app) as url:
        yield url


@schema.parametrize()
@hypothesis_settings(max_examples=30, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_no_generated_request_makes_the_server_fail(case, fuzz_server, keys):
    for role in ("admin", "reviewer"):
        case.call_and_validate(base_url=fuzz_server, headers={**keys[role], "If-Match": '"1"'},
                               checks=[not_a_server_error], timeout=30)
