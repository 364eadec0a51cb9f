"""The Flask application factory: it reads like a table of contents."""
from __future__ import annotations

import logging

from flask import Flask, request
from flask_smorest import abort

from service.api import BLUEPRINTS
from service.api import health, metrics
from service.api.errors import ClaimtrackApi, register_errorhandlers
from service.config import Settings
from service.dashboard import register_dashboard
from service.redis import connect, resolve_redis_url
from service.store import Store, WebhookStore
from service.webhooks import drain_lease_seconds

log = logging.getLogger(__name__)

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
        JSON_SORT_KEYS=False,
    )
    register_extensions(app, settings, enqueue_extraction)
    register_api(app)
    register_dashboard(app)
    register_errorhandlers(app)
    register_request_checks(app)
    register_webhook_dispatch(app)
    logging.basicConfig(level=settings.log_level)
    return app


def register_extensions(app: Flask, settings: Settings, enqueue_extraction) -> None:
    store = Store(connect(resolve_redis_url(settings)), public_url=settings.public_url)
    if enqueue_extraction is None:
        from workers.celery_app import create_celery

        celery = create_celery(settings)
        app.extensions["claimtrack.celery"] = celery

        def enqueue_extraction(article_id: str) -> None:
            celery.send_task("claimtrack.extract_article", args=[article_id])

    app.extensions["claimtrack.settings"] = settings
    app.extensions["claimtrack.store"] = store
    app.extensions["claimtrack.webhooks"] = WebhookStore(
        store.redis, drain_lease_seconds=drain_lease_seconds(settings.webhook_timeout))
    app.extensions["claimtrack.enqueue_extraction"] = enqueue_extraction


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


def register_webhook_dispatch(app: Flask) -> None:
    """A change's events go out right after the request that made it (beat only sweeps)."""

    @app.after_request
    def _dispatch_webhooks(response):
        # Any change may have written events (even a refused one can expire a lease first);
        # a burst of requests shares one dispatch task.
        if request.method in ("POST", "PUT", "PATCH", "DELETE") and request.path.startswith("/api/v1/") \
                and "claimtrack.celery" in app.extensions:
            try:
                if app.extensions["claimtrack.webhooks"].request_dispatch():
                    app.extensions["claimtrack.celery"].send_task("claimtrack.dispatch_webhooks")
            except Exception:  # the change is stored; the beat sweep sends its events
                log.exception("could not ask for a webhook dispatch")
        return response
