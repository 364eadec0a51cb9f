"""The task seam: every background task's name and queue, written once, and the one way the
web service sends a task (the worker defines the tasks under these names in workers/tasks.py,
so the sender never imports worker code)."""
from __future__ import annotations

from enum import StrEnum

from celery import Celery

from service.config import Settings
from service.logs import current_request_id
from service.redis import resolve_redis_url

# The message header carrying the request id that caused a task (service/logs.py).
REQUEST_ID_HEADER = "request_id"


class Queue(StrEnum):
    EXTRACTION = "extraction"
    MAINTENANCE = "maintenance"
    WEBHOOKS = "webhooks"
    # Its own process: the sentence-embedding model and the fact-check index stay out of the
    # extraction processes' memory.
    MATCHING = "matching"


class TaskName(StrEnum):
    EXTRACT_ARTICLE = "claimtrack.extract_article"
    EXPIRE_LEASES = "claimtrack.expire_leases"
    SWEEP_ARTICLES = "claimtrack.sweep_articles"
    DISPATCH_WEBHOOKS = "claimtrack.dispatch_webhooks"
    DELIVER_WEBHOOKS = "claimtrack.deliver_webhooks"
    SWEEP_WEBHOOKS = "claimtrack.sweep_webhooks"
    POLL_FEEDS = "claimtrack.poll_feeds"
    POLL_FEED = "claimtrack.poll_feed"
    MATCH_CLAIMS = "claimtrack.match_claims"


# Extraction has its own queue so a burst of articles never holds up webhooks or lease expiry.
TASK_QUEUES: dict[TaskName, Queue] = {
    TaskName.EXTRACT_ARTICLE: Queue.EXTRACTION,
    TaskName.EXPIRE_LEASES: Queue.MAINTENANCE,
    TaskName.SWEEP_ARTICLES: Queue.MAINTENANCE,
    TaskName.DISPATCH_WEBHOOKS: Queue.WEBHOOKS,
    TaskName.DELIVER_WEBHOOKS: Queue.WEBHOOKS,
    TaskName.SWEEP_WEBHOOKS: Queue.WEBHOOKS,
    # Feed polls are outbound HTTP like deliveries: the same workers, never held up by extraction.
    TaskName.POLL_FEEDS: Queue.WEBHOOKS,
    TaskName.POLL_FEED: Queue.WEBHOOKS,
    TaskName.MATCH_CLAIMS: Queue.MATCHING,
}


def messaging_config(settings: Settings) -> dict:
    """What the sender and the worker must agree on: broker, routes, message format."""
    return {
        "broker_url": resolve_redis_url(settings),
        "result_backend": None,
        "task_ignore_result": True,
        "broker_transport_options": {"visibility_timeout": settings.visibility_timeout},
        "broker_connection_retry_on_startup": True,
        "task_default_queue": Queue.MAINTENANCE.value,
        "task_routes": {name.value: {"queue": queue.value} for name, queue in TASK_QUEUES.items()},
        "task_serializer": "json",
        "accept_content": ["json"],
        "timezone": "UTC",
    }


class TaskSender:
    """Sends tasks by name to whichever worker serves their queue."""

    def __init__(self, settings: Settings) -> None:
        self._celery = Celery("claimtrack")
        self._celery.conf.update(messaging_config(settings))

    def send(self, name: TaskName, *args: str) -> None:
        request_id = current_request_id()
        self._celery.send_task(name.value, args=list(args),
                               headers={REQUEST_ID_HEADER: request_id} if request_id else None)
