"""The Celery app the worker and beat run, built from the same Settings as the web service (DESIGN §9)."""
from __future__ import annotations

from celery import Celery

from service.config import Settings
from service.tasks import TaskName, messaging_config

# Beat moves due webhook retries and picks up what was missed this often (seconds).
WEBHOOK_SWEEP_SECONDS = 2.0


def celery_config(settings: Settings) -> dict:
    return {
        **messaging_config(settings),
        # A task lost with a killed worker runs again: acknowledge only after it ran, and
        # come back within the visibility timeout (above every hard time limit), not an hour.
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "worker_hijack_root_logger": False,
        "beat_schedule": {
            "expire-leases": {"task": TaskName.EXPIRE_LEASES.value, "schedule": 10.0},
            "sweep-articles": {"task": TaskName.SWEEP_ARTICLES.value, "schedule": 60.0},
            "sweep-webhooks": {"task": TaskName.SWEEP_WEBHOOKS.value, "schedule": WEBHOOK_SWEEP_SECONDS,
                               "options": {"expires": WEBHOOK_SWEEP_SECONDS * 5}},
        },
    }


# The app `celery -A workers.celery_app` runs: configured on first use, from the environment,
# so importing this module does no I/O.
app = Celery("claimtrack", include=["workers.tasks"])


@app.on_configure.connect
def _configure_from_environment(sender: Celery, **_kwargs) -> None:
    sender.conf.update(celery_config(Settings.from_env()))
