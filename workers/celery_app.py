"""The Celery app, built from the same Settings as the web service (DESIGN §9)."""
from __future__ import annotations

from celery import Celery

from service.config import Settings
from service.redis import resolve_redis_url

EXTRACTION_QUEUE = "extraction"
MAINTENANCE_QUEUE = "maintenance"
WEBHOOKS_QUEUE = "webhooks"
# Beat moves due webhook retries and picks up what was missed this often (seconds).
WEBHOOK_SWEEP_SECONDS = 2.0


def celery_config(settings: Settings) -> dict:
    url = resolve_redis_url(settings)
    return {
        "broker_url": url,
        "result_backend": None,
        "task_ignore_result": True,
        # A task lost with a killed worker runs again: acknowledge only after it ran, and
        # come back within the visibility timeout (above every hard time limit), not an hour.
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "broker_transport_options": {"visibility_timeout": settings.visibility_timeout},
        "broker_connection_retry_on_startup": True,
        "task_default_queue": MAINTENANCE_QUEUE,
        "task_routes": {"claimtrack.extract_article": {"queue": EXTRACTION_QUEUE},
                        "claimtrack.*_webhooks": {"queue": WEBHOOKS_QUEUE}},
        "task_serializer": "json",
        "accept_content": ["json"],
        "timezone": "UTC",
        "worker_hijack_root_logger": False,
        "beat_schedule": {
            "expire-leases": {"task": "claimtrack.expire_leases", "schedule": 10.0},
            "sweep-articles": {"task": "claimtrack.sweep_articles", "schedule": 60.0},
            "sweep-webhooks": {"task": "claimtrack.sweep_webhooks", "schedule": WEBHOOK_SWEEP_SECONDS,
                               "options": {"expires": WEBHOOK_SWEEP_SECONDS * 5}},
        },
    }


def create_celery(settings: Settings) -> Celery:
    """An explicitly configured app (the web service uses it to send tasks)."""
    celery = Celery("claimtrack")
    celery.conf.update(celery_config(settings))
    return celery


# The app `celery -A workers.celery_app` runs: configured on first use, from the environment,
# so importing this module does no I/O.
app = Celery("claimtrack", include=["workers.tasks"])


@app.on_configure.connect
def _configure_from_environment(sender: Celery, **_kwargs) -> None:
    sender.conf.update(celery_config(Settings.from_env()))
