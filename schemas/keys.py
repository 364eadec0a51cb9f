"""API keys: creation asks for a role and a name; the secret is shown once."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from service.claims import Role


class KeyCreateSchema(ma.Schema):
    role = fields.Enum(Role, by_value=True, required=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))


class KeySchema(ma.Schema):
    id = fields.String()
    name = fields.String()
    role = fields.String()
    created_at = fields.String(allow_none=True)
    last_used_at = fields.String(allow_none=True)
    revoked_at = fields.String(allow_none=True)
    secret = fields.String(metadata={"description": "only in the answer to its creation"})


class KeyListSchema(ma.Schema):
    keys = fields.List(fields.Nested(KeySchema))


class CallerSchema(ma.Schema):
    """Who the calling key is and what its role may do (for clients choosing what to offer)."""

    key_id = fields.String(required=True)
    name = fields.String(required=True)
    role = fields.Enum(Role, by_value=True, required=True)
    permissions = fields.List(fields.String(), required=True,
                              metadata={"description": "of read, submit, review, admin"})
