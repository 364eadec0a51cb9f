"""The Flask application factory: it reads like a table of contents."""
from __future__ import annotations

import functools

from flask import Flask, request
from flask_smorest import abort

from service.api import BLUEPRINTS, health, metrics
from service.api.access import register_rate_limit_headers
from service.api.encoding import FastJSONProvider
from service.api.errors import ClaimtrackApi, register_errorhandlers
from service.api.limits import register_size_limits
from service.api.observability import register_observability
from service.api.webhooks import register_webhook_dispatch
from service.config import Settings
from service.dashboard import register_dashboard
from service.logs import configure_logging
from service.redis import connect, resolve_redis_url
from service.store import Store, WebhookStore
from service.tasks import TaskName, TaskSender
from service.webhooks import drain_lease_seconds

# A request body may exceed the article limit by this much for the JSON around the text.
ENVELOPE_BYTES = 64 * 1024


def create_app(settings: Settings | None = None, *, enqueue_extraction=None) -> Flask:
    settings = settings or Settings.from_env()
    app = Flask(__name__)
    app.config.update(
        API_TITLE="claimtrack",
        API_VERSION="1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
        API_SPEC_OPTIONS={
            "security": [{"bearerAuth": []}],
            "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
            "info": {"description": "Articles in, atomic claims out, reviewed through a shared queue."},
        },
        MAX_CONTENT_LENGTH=settings.max_article_bytes + ENVELOPE_BYTES,
    )
    app.json = FastJSONProvider(app)
    register_extensions(app, settings, enqueue_extraction)
    register_api(app)
    register_dashboard(app)
    register_errorhandlers(app)
    register_request_checks(app)
    register_size_limits(app)  # runs first of the request checks
    register_webhook_dispatch(app)
    register_rate_limit_headers(app)
    register_observability(app)  # request ids, HTTP metrics
    configure_logging(settings.log_level, service="web")
    return app


def register_extensions(app: Flask, settings: Settings, enqueue_extraction) -> None:
    store = Store(connect(resolve_redis_url(settings)), public_url=settings.public_url)
    # An app given its own `enqueue_extraction` (tests that record extractions) sends no task:
    # webhook dispatch and drains then wait for beat's sweep.
    tasks = TaskSender(settings) if enqueue_extraction is None else None
    app.extensions["claimtrack.settings"] = settings
    app.extensions["claimtrack.store"] = store
    app.extensions["claimtrack.webhooks"] = WebhookStore(
        store.redis, drain_lease_seconds=drain_lease_seconds(settings.webhook_timeout))
    app.extensions["claimtrack.tasks"] = tasks
    app.extensions["claimtrack.enqueue_extraction"] = (
        enqueue_extraction or functools.partial(tasks.send, TaskName.EXTRACT_ARTICLE))


def register_api(app: Flask) -> None:
    api = ClaimtrackApi(app)
    for blueprint in BLUEPRINTS:
        api.register_blueprint(blueprint)
    app.register_blueprint(health.blp)
    app.register_blueprint(metrics.blp)


def register_request_checks(app: Flask) -> None:
    @app.before_request
    def _json_bodies_only():
        if request.method in ("POST", "PUT", "PATCH") and request.path.startswith("/api/"):
            has_body = (request.content_length or 0) > 0 or request.headers.get("Transfer-Encoding")
            if has_body and not request.is_json:
                abort(415, message="send the body as JSON with Content-Type: application/json",
                      errors={"Content-Type": [f"got {request.mimetype or 'none'}"]})
