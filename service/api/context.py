"""The collaborators a request handler needs, as the app factory registered them."""
from __future__ import annotations

from flask import current_app

from service.config import Settings
from service.store import Store, WebhookStore
from service.tasks import TaskName, TaskSender


def store() -> Store:
    return current_app.extensions["claimtrack.store"]


def settings() -> Settings:
    return current_app.extensions["claimtrack.settings"]


def enqueue_extraction(article_id: str) -> None:
    current_app.extensions["claimtrack.enqueue_extraction"](article_id)


def webhooks() -> WebhookStore:
    return current_app.extensions["claimtrack.webhooks"]


def tasks() -> TaskSender | None:
    """None when the app sends no tasks (built with its own `enqueue_extraction`, as in tests)."""
    return current_app.extensions["claimtrack.tasks"]


def wake_webhook(webhook_id: str, token: str) -> None:
    """Start a drainer for an endpoint with deliveries waiting (an app that sends no tasks
    leaves it to the beat sweep, once the lease lapses)."""
    sender = tasks()
    if sender is not None:
        sender.send(TaskName.DELIVER_WEBHOOKS, webhook_id, token)
