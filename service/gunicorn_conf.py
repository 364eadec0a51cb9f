"""gunicorn settings for every start of the web service (`gunicorn -c python:service.gunicorn_conf`:
`claimtrack up`, the Procfile, the Dockerfile and docker-compose.yml).

- Prometheus multiprocess mode: each gunicorn worker counts its HTTP requests in its own files
  under PROMETHEUS_MULTIPROC_DIR and /metrics adds every file up, so any worker's scrape shows
  the whole server's totals. The directory is emptied when gunicorn starts (counts of a previous
  run would be added in) and a dead worker's files are marked as such. When the variable is
  unset a fresh temporary directory is used and removed at exit. It is set here, in the master,
  before any worker imports prometheus_client (which picks its mode at import).
- Logs: gunicorn's own lines and the access log as JSON lines, like the app's (service/logs.py).
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

_created_dir: str | None = None
if not (os.environ.get("PROMETHEUS_MULTIPROC_DIR") or os.environ.get("prometheus_multiproc_dir")):
    _created_dir = tempfile.mkdtemp(prefix="claimtrack-prometheus-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = _created_dir


def _multiproc_dir() -> Path:
    return Path(os.environ.get("PROMETHEUS_MULTIPROC_DIR") or os.environ["prometheus_multiproc_dir"])


def on_starting(server) -> None:
    directory = _multiproc_dir()
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("*.db"):
        stale.unlink()


def child_exit(server, worker) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid, path=str(_multiproc_dir()))


def post_worker_init(worker) -> None:
    # Each worker builds its lookup indexes as it starts, not at its first lookup.
    from service.api import context
    from service.api.factchecks import LOOKUP

    with worker.wsgi.app_context():
        LOOKUP.prepare_in_background(context.store())


def on_exit(server) -> None:
    if _created_dir is not None:
        shutil.rmtree(_created_dir, ignore_errors=True)


# The request id the app answered with goes into the access line.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(D)sus request_id=%({x-request-id}o)s'
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    # The app adds its own JSON handler to the root logger (service/logs.py configure_logging).
    "root": {"level": "WARNING", "handlers": []},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["stderr"], "propagate": False,
                           "qualname": "gunicorn.error"},
        "gunicorn.access": {"level": "INFO", "handlers": ["stdout"], "propagate": False,
                            "qualname": "gunicorn.access"},
    },
    "handlers": {
        "stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"},
        "stdout": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"},
    },
    "formatters": {"json": {"()": "service.logs.json_formatter", "service": "web"}},
}
