"""Pieces every resource's schemas share: the error shape, dates, cursors."""
from __future__ import annotations

import datetime as dt

import marshmallow as ma
from marshmallow import fields, validate


class ApiErrorSchema(ma.Schema):
    """The one error shape of every 4xx/5xx answer (named to avoid flask-smorest's `Error`)."""

    code = fields.Integer(required=True)
    status = fields.String(required=True)
    message = fields.String(required=True)
    errors = fields.Dict(keys=fields.String(), metadata={"description": "field → problems"})
    current = fields.Dict(metadata={"description": "the current claim, on a 409"})


class StoredShape(ma.Schema):
    """A response document the store already builds in exactly this shape (only declared
    fields, JSON types), so dumping is the identity: the fields document it in OpenAPI, and
    tests/integration/test_response_shapes.py holds the store to them. Field-by-field dumping
    cost more than the Redis reads behind a 50-claim page."""

    def dump(self, obj, *, many=None):
        return obj


class DateOrDateTime(fields.Field):
    """An ISO date (`2024-07-04`) or datetime; a datetime without a zone is UTC.

    Loads to a `date` or an aware `datetime`; dumps ISO text.
    """

    default_error_messages = {"invalid": "Not a valid ISO date or datetime (e.g. 2024-07-04 or 2024-07-04T10:00:00Z)."}

    def __init__(self, **kwargs):
        # What the OpenAPI document says of it: a string (never null), a date or a datetime.
        kwargs["metadata"] = {"type": "string", "maxLength": 64,
                              "anyOf": [{"format": "date"}, {"format": "date-time"}],
                              **kwargs.get("metadata", {})}
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or not value.strip() or len(value) > 64:
            raise self.make_error("invalid")
        text = value.strip()
        try:
            if len(text) == 10:
                return dt.date.fromisoformat(text)
            moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            raise self.make_error("invalid") from None
        return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return value if isinstance(value, str) else value.isoformat()


def http_url(**kwargs) -> fields.Url:
    """http(s) only (marshmallow's Url also takes ftp://); hosts without a TLD allowed.
    The document says so: a `uri` starting with http:// or https://."""
    kwargs["metadata"] = {"format": "uri", "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://", **kwargs.get("metadata", {})}
    return fields.Url(schemes={"http", "https"}, require_tld=False,
                      validate=validate.Length(max=2048), **kwargs)


class PageQuerySchema(ma.Schema):
    LIMIT_MAX = 100

    cursor = fields.String(validate=validate.Length(max=512), metadata={
        "description": "the `next_cursor` of the previous page, as given; any other value is a 400"})
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=LIMIT_MAX))
