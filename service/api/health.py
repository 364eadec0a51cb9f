"""Liveness and readiness, at the root (not under /api/v1)."""
from __future__ import annotations

import time

import redis
from flask import Blueprint, current_app, jsonify

from service.api import context
from service.redis import probe_client
from service.store import Store
from service.store.stats import WORKER_SEEN_TTL_SECONDS

blp = Blueprint("health", __name__)

# Readiness wants a worker heartbeat from this run. The stamp in Redis outlives the processes
# that wrote it (its TTL is three heartbeats), so right after a restart it still shows the
# previous run's worker. A stamp counts only when it is newer than this web app's start: a
# fresh worker stamps on start and every WORKER_HEARTBEAT_SECONDS, so a web process started
# beside (or after) a live worker is ready within one heartbeat, and one started before any
# worker of its run is not. Ages compare the worker's and this machine's wall clocks, which
# NTP keeps far closer than the 15 s the TTL allows.
_STARTED = "claimtrack.started_at"


@blp.record_once
def _remember_start(state) -> None:
    state.app.extensions[_STARTED] = time.time()


def current_heartbeat(seen: dict | None, started_at: float) -> dict | None:
    """The heartbeat if it was written since `started_at` (seconds), else None."""
    if seen is None or seen.get("at_ms") is None:  # no stamp, or one from an older release
        return None
    return seen if int(seen["at_ms"]) > int(started_at * 1000) else None


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
        seen = current_heartbeat(probe.worker_seen(), current_app.extensions[_STARTED])
        checks["worker"] = (f"seen at {seen['at']}" if seen else
                            f"no worker heartbeat since this process started "
                            f"(or in the last {WORKER_SEEN_TTL_SECONDS} s)")
        ready = seen is not None
    except redis.RedisError as exc:
        checks["redis"] = f"unavailable: {exc}"
        checks["worker"] = "unknown"
        ready = False
    body = {"status": "ready" if ready else "not ready", "checks": checks}
    return jsonify(body), 200 if ready else 503
