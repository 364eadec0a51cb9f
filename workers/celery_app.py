"""The Celery app the worker and beat run, built from the same Settings as the web service (DESIGN §9)."""
from __future__ import annotations

import sys

from celery import Celery, signals

from service.config import Settings
from service.logs import REQUEST_ID, TASK, configure_logging, current_request_id
from service.tasks import REQUEST_ID_HEADER, TaskName, messaging_config

# Beat moves due webhook retries and picks up what was missed this often (seconds).
WEBHOOK_SWEEP_SECONDS = 2.0
# Beat looks for feeds due a poll this often (each feed's own interval is at least 60 s).
FEED_SWEEP_SECONDS = 10.0


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
            "poll-feeds": {"task": TaskName.POLL_FEEDS.value, "schedule": FEED_SWEEP_SECONDS,
                           "options": {"expires": FEED_SWEEP_SECONDS * 3}},
        },
    }


# The app `celery -A workers.celery_app` runs: configured on first use, from the environment,
# so importing this module does no I/O.
app = Celery("claimtrack", include=["workers.tasks"])


@app.on_configure.connect
def _configure_from_environment(sender: Celery, **_kwargs) -> None:
    sender.conf.update(celery_config(Settings.from_env()))


# -- logs: JSON lines, quiet periodic sweeps, the request id of each task ---------------------
# Beat sends these every few seconds; Celery's own INFO lines about them (sent, received,
# succeeded) are dropped, while the tasks log a line of their own when they did something.
PERIODIC_TASKS = (TaskName.SWEEP_WEBHOOKS, TaskName.EXPIRE_LEASES, TaskName.SWEEP_ARTICLES,
                  TaskName.POLL_FEEDS)


@signals.setup_logging.connect
def _json_logs(loglevel=None, **_kwargs) -> None:
    """Celery configures no logging of its own once this receiver is connected."""
    service = "beat" if "beat" in sys.argv[1:] else "worker"
    configure_logging(loglevel or "INFO", service=service,
                      quiet_tasks=[name.value for name in PERIODIC_TASKS])


@signals.before_task_publish.connect
def _pass_the_request_id_on(headers=None, **_kwargs) -> None:
    """A task sent while running another (extraction → webhook dispatch → deliveries) carries
    the request id on."""
    request_id = current_request_id()
    if headers is not None and request_id and not headers.get(REQUEST_ID_HEADER):
        headers[REQUEST_ID_HEADER] = request_id


@signals.task_prerun.connect
def _task_context(task_id=None, task=None, **_kwargs) -> None:
    request = task.request if task is not None else None
    request_id = getattr(request, REQUEST_ID_HEADER, None) or (getattr(request, "headers", None) or {}).get(
        REQUEST_ID_HEADER)
    REQUEST_ID.set(request_id)
    TASK.set((task.name, task_id) if task is not None else None)


@signals.task_postrun.connect
def _clear_task_context(**_kwargs) -> None:
    REQUEST_ID.set(None)
    TASK.set(None)
