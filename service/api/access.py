"""Who is calling: Bearer API keys, checked against the role's permissions."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import Flask, g, request
from flask_smorest import abort

from service.api import context
from service.auth import ROLE_PERMISSIONS, Permission, authenticate
from service.claims import Actor
from service.ratelimits import QuotaState
from service.store.api_keys import Along


def current_actor() -> Actor:
    return g.actor


def requires(permission: Permission, *, along: Callable[..., Along] | None = None):
    """Answer 401 without a valid key, 403 when the key's role lacks `permission`. `along`,
    given the view's arguments, makes reads the view needs that travel in the key lookup's
    round trip (the view finds them as `g.along`; nothing of them leaves unless allowed)."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            g.along = along(**kwargs) if along is not None else None
            header = request.headers.get("Authorization", "")
            scheme, _, secret = header.partition(" ")
            if scheme.lower() != "bearer" or not secret.strip():
                abort(401, message="an API key is required: send Authorization: Bearer <key>",
                      headers={"WWW-Authenticate": 'Bearer realm="claimtrack"'})
            actor, quota = authenticate(context.store(), secret.strip(),
                                        quota=context.settings().request_quota, along=g.along)
            if actor is None:
                abort(401, message="the API key is not valid (unknown or revoked)",
                      headers={"WWW-Authenticate": 'Bearer realm="claimtrack", error="invalid_token"'})
            if quota is not None:
                g.rate_limit = quota
                if not quota.allowed:
                    abort(429, message=quota.refusal(), headers=quota.headers())
            if permission not in ROLE_PERMISSIONS[actor.role]:
                abort(403, message=f"the {actor.role.value} role may not {permission.value}")
            g.actor = actor
            return view(*args, **kwargs)

        return wrapped

    return decorator


def take_quotas(costs) -> None:
    """Take `costs` [(quota, cost)] from the caller's own quotas, all or none: 429 when one
    is spent (its RateLimit-* headers on the answer)."""
    states = context.store().api_keys.take_quotas(current_actor().key_id, costs)
    if states and not states[0].allowed:
        refused = states[0]
        cost = next(c for quota, c in costs if quota == refused.quota)
        g.rate_limit = refused
        abort(429, message=refused.refusal(cost), headers=refused.headers(),
              errors={refused.quota.name: [refused.refusal(cost)]})


def register_rate_limit_headers(app: Flask) -> None:
    @app.after_request
    def _rate_limit_headers(response):
        state: QuotaState | None = g.get("rate_limit")
        if state is not None:
            for name, value in state.headers().items():
                response.headers.setdefault(name, value)
        return response
