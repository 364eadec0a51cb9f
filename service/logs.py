"""Logs as one JSON object a line (stdlib logging with python-json-logger) for web, worker and
beat, each line carrying the request id of the API call it serves, if any.

The request id lives in a context variable: the web sets it per request (service/api/
observability.py), the task seam sends it in each task's headers (service/tasks.py), and the
worker sets it again for the task it runs (workers/celery_app.py), so an article's lines from
the API, its extraction and the webhook work that extraction starts share one id.
"""
from __future__ import annotations

import logging
import random
import re
import sys
from collections.abc import Iterable
from contextvars import ContextVar

from pythonjsonlogger.json import JsonFormatter

REQUEST_ID: ContextVar[str | None] = ContextVar("claimtrack_request_id", default=None)
# The task a worker process is running: (name, id), for its log lines.
TASK: ContextVar[tuple[str, str] | None] = ContextVar("claimtrack_task", default=None)
# A caller's X-Request-Id is taken as it is when it looks like an id: letters, digits and
# . _ : - up to 128 characters (never a newline or anything to inject into a log).
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
HANDLER_NAME = "claimtrack-json"


def sane_request_id(value: str | None) -> str | None:
    return value if value is not None and _SANE_REQUEST_ID.fullmatch(value) else None


def new_request_id() -> str:
    """32 random hex digits. An id to find lines by, not a secret: the random module's
    generator (reseeded in each forked process), not a system call per request."""
    return f"{random.getrandbits(128):032x}"


def current_request_id() -> str | None:
    return REQUEST_ID.get()


class ContextFilter(logging.Filter):
    """Adds `request_id` (and, in a worker, `task` and `task_id`) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get()
        task = TASK.get()
        if task is not None:
            record.task, record.task_id = task
        return True


class QuietTasks(logging.Filter):
    """Drops Celery's own INFO lines ("Sending due task", "received", "succeeded") about the
    given tasks: periodic sweeps that would otherwise log every few seconds. Warnings and errors
    pass, and so does what our own code logs."""

    def __init__(self, task_names: Iterable[str]):
        super().__init__()
        self.task_names = tuple(task_names)

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.WARNING or not record.name.startswith("celery"):
            return True
        message = record.getMessage()
        return not any(name in message for name in self.task_names)


def json_formatter(service: str) -> logging.Formatter:
    """`{"time", "level", "logger", "message", "service", ...extra fields}` on one line."""
    return JsonFormatter("%(levelname)s %(name)s %(message)s", timestamp="time",
                         rename_fields={"levelname": "level", "name": "logger"},
                         static_fields={"service": service}, json_ensure_ascii=False)


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is when a record comes (a test harness swaps it)."""

    def __init__(self) -> None:
        logging.Handler.__init__(self)

    @property  # type: ignore[override]
    def stream(self):
        return sys.stderr


def configure_logging(level: str | int, *, service: str, quiet_tasks: Iterable[str] = ()) -> None:
    """Send the root logger's records to stderr as JSON lines (once per process: calling it
    again only updates the level, the service name and the quiet tasks)."""
    root = logging.getLogger()
    handler = next((h for h in root.handlers if h.get_name() == HANDLER_NAME), None)
    if handler is None:
        handler = _StderrHandler()
        handler.set_name(HANDLER_NAME)
        root.addHandler(handler)
    handler.setFormatter(json_formatter(service))
    handler.filters = [ContextFilter(), QuietTasks(quiet_tasks)]
    root.setLevel(level)
