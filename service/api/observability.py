"""Per request: a request id (the caller's X-Request-Id when it is sane, else a new one) for
the logs, the tasks sent and the X-Request-Id answer header; and the request counted by route
and status with its latency (service/api/metrics.py).

A WSGI wrapper rather than before/after_request hooks, so that every answer is counted and
carries the id, including those a request check refuses before any hook of ours would run.
"""
from __future__ import annotations

import time

from flask import Flask, has_request_context, request

from service.api.metrics import UNMATCHED_ROUTE, observe_request
from service.logs import REQUEST_ID, new_request_id, sane_request_id

REQUEST_ID_HEADER = "X-Request-Id"
# Label values for methods; any other (a client can send anything) is counted as "other".
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class ObservedApp:
    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        started = time.perf_counter()
        request_id = sane_request_id(environ.get("HTTP_X_REQUEST_ID")) or new_request_id()
        seen = {"status": 500, "route": UNMATCHED_ROUTE}

        def start(status_line, headers, exc_info=None):
            # Called by Flask while the request is still current: its URL rule is known here
            # (after the call Flask drops the request from the environ).
            seen["status"] = int(status_line[:3])
            rule = request.url_rule if has_request_context() else None
            if rule is not None:
                seen["route"] = rule.rule
            headers.append((REQUEST_ID_HEADER, request_id))
            return start_response(status_line, headers, exc_info)

        token = REQUEST_ID.set(request_id)
        try:
            return self.wsgi_app(environ, start)
        finally:
            REQUEST_ID.reset(token)
            method = environ.get("REQUEST_METHOD", "")
            observe_request(seen["route"], method if method in METHODS else "other", seen["status"], started)


def register_observability(app: Flask) -> None:
    app.wsgi_app = ObservedApp(app.wsgi_app)  # type: ignore[method-assign]
