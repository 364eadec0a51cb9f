"""Who is calling: Bearer API keys, checked against the role's permissions."""
from __future__ import annotations

from functools import wraps

from flask import current_app, g, request
from flask_smorest import abort

from service.auth import ROLE_PERMISSIONS, Permission, authenticate
from service.claims import Actor


def current_actor() -> Actor:
    return g.actor


def requires(permission: Permission):
    """Answer 401 without a valid key, 403 when the key's role lacks `permission`."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            header = request.headers.get("Authorization", "")
            scheme, _, secret = header.partition(" ")
            if scheme.lower() != "bearer" or not secret.strip():
                abort(401, message="an API key is required: send Authorization: Bearer <key>",
                      headers={"WWW-Authenticate": 'Bearer realm="claimtrack"'})
            actor = authenticate(current_app.extensions["claimtrack.store"], secret.strip())
            if actor is None:
                abort(401, message="the API key is not valid (unknown or revoked)",
                      headers={"WWW-Authenticate": 'Bearer realm="claimtrack", error="invalid_token"'})
            if permission not in ROLE_PERMISSIONS[actor.role]:
                abort(403, message=f"the {actor.role.value} role may not {permission.value}")
            g.actor = actor
            return view(*args, **kwargs)

        return wrapped

    return decorator
