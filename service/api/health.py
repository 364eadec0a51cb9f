"""Liveness and readiness, at the root (not under /api/v1)."""
from __future__ import annotations

import redis
from flask import Blueprint, jsonify

from service.api import context

blp = Blueprint("health", __name__)


@blp.get("/healthz")
def healthz():
    return jsonify(status="ok")


@blp.get("/readyz")
def readyz():
    checks = {}
    try:
        context.store().redis.ping()
        checks["redis"] = "ok"
        seen = context.store().worker_seen()
        checks["worker"] = f"seen at {seen['at']}" if seen else "no worker seen in the last 90 s"
        ready = seen is not None
    except redis.RedisError as exc:
        checks["redis"] = f"unavailable: {exc}"
        checks["worker"] = "unknown"
        ready = False
    body = {"status": "ready" if ready else "not ready", "checks": checks}
    return jsonify(body), 200 if ready else 503
