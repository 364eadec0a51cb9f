"""Who is calling: Bearer API keys, checked against the role's permissions."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import Flask, g, request
from flask_smorest import abort

from service.api import context
from service.auth import ROLE_PERMISSIONS, Permission, authenticate, key_check, settled_actor
from service.claims import Actor
from service.ratelimits import QuotaState
from service.store.api_keys import Along, KeyCheck, KeyRefused


def current_actor() -> Actor:
    return g.actor


def requires(permission: Permission, *, along: Callable[..., Along] | None = None,
             carried: bool = False):
    """Answer 401 without a valid key, 403 when the key's role lacks `permission`. `along`,
    given the view's arguments, makes reads the view needs that travel in the key lookup's
    round trip (the view finds them as `g.along`; nothing of them leaves unless allowed).

    `carried`: for a view whose only change is one store write that takes `key_check()`: a key
    this process has seen active is authenticated inside that write's script, in its round
    trip (the write happens only for an active key within its quota). Whatever else the view
    answers first (a 400 or 422 for the request itself) waits for the authentication, so every
    answer is the one authenticating first would give."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            g.along = along(**kwargs) if along is not None else None
            header = request.headers.get("Authorization", "")
            scheme, _, secret = header.partition(" ")
            if scheme.lower() != "bearer" or not secret.strip():
                abort(401, message="an API key is required: send Authorization: Bearer <key>",
                      headers={"WWW-Authenticate": 'Bearer realm="claimtrack"'})
            quota_limit = context.settings().request_quota
            known = key_check(context.store(), secret.strip(), quota=quota_limit) if carried else None
            if known is not None and permission in ROLE_PERMISSIONS[known[0].role]:
                return _with_carried_authentication(view, args, kwargs, *known, permission)
            actor, quota = authenticate(context.store(), secret.strip(), quota=quota_limit, along=g.along)
            _admit(actor, quota, permission)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def _admit(actor: Actor | None, quota: QuotaState | None, permission: Permission) -> None:
    """What an authentication found, as the answer: 401, 429 or 403, or the caller in `g.actor`."""
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


def _with_carried_authentication(view, args, kwargs, actor: Actor, check: KeyCheck,
                                 permission: Permission):
    g.actor, g.key_check = actor, check
    try:
        answer = view(*args, **kwargs)
    except KeyRefused:
        _admit(*settled_actor(check), permission)  # aborts: unknown, revoked or out of quota
        raise
    except BaseException:
        if check.settled:  # the write ran (and answered, e.g., 409): its quota state
            _admit(*settled_actor(check), permission)
        else:  # refused before the write: authenticate now, as it would have been first
            g.key_check = None
            _admit(*authenticate(context.store(), check_secret(), quota=check.quota), permission)
        raise
    if check.settled:
        _admit(*settled_actor(check), permission)
    else:  # the view wrote nothing: authenticate as usual
        _admit(*authenticate(context.store(), check_secret(), quota=check.quota), permission)
    return answer


def check_secret() -> str:
    return request.headers.get("Authorization", "").partition(" ")[2].strip()


def key_check_for_write() -> KeyCheck | None:
    """The authentication the view's one write carries (`requires(..., carried=True)`), once."""
    return g.pop("key_check", None)


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
        # A 429 carries these already, from the state kept here (one lookup, not one per header).
        if state is not None and "RateLimit-Limit" not in response.headers:
            response.headers.extend(state.headers())
        return response
