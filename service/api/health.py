"""Liveness and readiness, at the root (not under /api/v1)."""
from __future__ import annotations

import redis
from flask import Blueprint, current_app, jsonify

from service.api import context
from service.redis import probe_client
from service.store import Store

blp = Blueprint("health", __name__)


@blp.get("/healthz")
def healthz():
    return jsonify(status="ok")


def _probe_store() -> Store:
    """The store on a short-timeout client of its own: readiness answers within 2 s."""
    extensions = current_app.extensions
    if "claimtrack.probe_store" not in extensions:
        store = context.store()
        extensions["claimtrack.probe_store"] = Store(probe_client(store.redis), public_url=store.public_url)
    return extensions["claimtrack.probe_store"]


@blp.get("/readyz")
def readyz():
    checks = {}
    try:
        probe = _probe_store()
        probe.redis.ping()
        checks["redis"] = "ok"
        seen = probe.worker_seen()
        checks["worker"] = f"seen at {seen['at']}" if seen else "no worker seen in the last 90 s"
        ready = seen is not None
    except redis.RedisError as exc:
        checks["redis"] = f"unavailable: {exc}"
        checks["worker"] = "unknown"
        ready = False
    body = {"status": "ready" if ready else "not ready", "checks": checks}
    return jsonify(body), 200 if ready else 503
