"""gunicorn settings for every start of the web service (`gunicorn -c python:service.gunicorn_conf`:
`claimtrack up`, the Procfile, the Dockerfile and docker-compose.yml).

- Prometheus multiprocess mode: each gunicorn worker counts its HTTP requests in its own files
  under PROMETHEUS_MULTIPROC_DIR and /metrics adds every file up, so any worker's scrape shows
  the whole server's totals. The directory is emptied when gunicorn starts (counts of a previous
  run would be added in) and a dead worker's files are marked as such. When the variable is
  unset a fresh temporary directory is used and removed at exit. It is set here, in the master,
  before any worker imports prometheus_client (which picks its mode at import).
- Logs: gunicorn's own lines and the access log as JSON lines, like the app's (service/logs.py).
  The access line is written by `JsonAccessLogger`, not through gunicorn's formatting and a
  LogRecord: that cost about 12 % of a worker's time on a claim read.
"""
from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path

import msgspec
from gunicorn import glogging

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


_encode = msgspec.json.Encoder().encode


class JsonAccessLogger(glogging.Logger):
    """gunicorn's logger, with each access line written as one JSON object straight to the
    access handler's stream: the fields of the app's lines (service/logs.py json_formatter),
    a message in the form gunicorn's `access_log_format` gave it, and the same facts as fields
    (method, path, status, bytes, duration_us, request_id: the id the app answered with).
    A handler that is not a stream (syslog, say) still gets a LogRecord."""

    def access(self, resp, req, environ, request_time) -> None:
        if not self.access_log_enabled or not self.access_log.isEnabledFor(logging.INFO):
            return
        try:
            self._write(self._line(resp, environ, request_time))
        except Exception:  # a log line never fails a request
            self.error(traceback.format_exc())

    @staticmethod
    def _line(resp, environ, request_time) -> dict:
        status = resp.status
        status = int(status.split(None, 1)[0] if isinstance(status, str) else status)
        request_id = next((value for name, value in reversed(resp.headers)
                           if name.lower() == "x-request-id"), None)
        duration_us = request_time.seconds * 1_000_000 + request_time.microseconds
        method, uri = environ["REQUEST_METHOD"], environ["RAW_URI"]
        remote = environ.get("REMOTE_ADDR", "-")
        sent = getattr(resp, "sent", None)
        message = (f'{remote} "{method} {uri} {environ["SERVER_PROTOCOL"]}" {status} '
                   f'{sent if sent is not None else "-"} {duration_us}us request_id={request_id or "-"}')
        return {"level": "INFO", "logger": "gunicorn.access", "message": message, "service": "web",
                "time": datetime.fromtimestamp(time.time(), UTC).isoformat(), "remote_addr": remote,
                "method": method, "path": environ.get("PATH_INFO"), "status": status, "bytes": sent,
                "duration_us": duration_us, "request_id": request_id}

    def _write(self, line: dict) -> None:
        for handler in self.access_log.handlers:
            stream = getattr(handler, "stream", None)
            if stream is None:
                handler.handle(self.access_log.makeRecord(
                    self.access_log.name, logging.INFO, __file__, 0, line["message"], (), None))
                continue
            text = _encode(line).decode() + "\n"
            handler.acquire()
            try:
                stream.write(text)
                stream.flush()
            finally:
                handler.release()


logger_class = JsonAccessLogger
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
