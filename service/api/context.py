"""The collaborators a request handler needs, as the app factory registered them."""
from __future__ import annotations

from flask import current_app

from service.config import Settings
from service.store import Store, WebhookStore


def store() -> Store:
    return current_app.extensions["claimtrack.store"]


def settings() -> Settings:
    return current_app.extensions["claimtrack.settings"]


def enqueue_extraction(article_id: str) -> None:
    current_app.extensions["claimtrack.enqueue_extraction"](article_id)


def webhooks() -> WebhookStore:
    return current_app.extensions["claimtrack.webhooks"]


def wake_webhook(webhook_id: str, token: str) -> None:
    """Start a drainer for an endpoint with deliveries waiting (without a Celery app, as in
    some tests, the beat sweep starts it once the lease lapses)."""
    celery = current_app.extensions.get("claimtrack.celery")
    if celery is not None:
        celery.send_task("claimtrack.deliver_webhooks", args=[webhook_id, token])
