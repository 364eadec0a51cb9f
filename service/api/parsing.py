"""Request bodies parsed within bounds: JSON nested too deep or holding too many values is a 400
in the error shape, never a RecursionError (a 500) in the parser or in marshmallow; a string
that is not Unicode (a lone surrogate escape such as "\\ud800", which JSON's grammar allows) is
a 400 too, never a UnicodeEncodeError (a 500) when it is hashed or stored."""
from __future__ import annotations

import datetime as dt
import re
from enum import Enum

import flask_smorest
import marshmallow as ma
from flask import request
from flask_smorest import abort
from marshmallow import ValidationError
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request

# Far beyond any body the API accepts (an evidence link sits at depth 3), far below the
# interpreter's recursion limit.
MAX_JSON_DEPTH = 32
# A full bulk call (500 items of a few fields) holds about 5,000 values.
MAX_JSON_VALUES = 50_000
# UTF-16 surrogates: JSON may escape them ("\\ud800"), UTF-8 cannot encode one standing alone.
SURROGATE = re.compile("[\ud800-\udfff]")


def check_json_shape(document) -> None:
    """Abort with 400 when `document` nests deeper or holds more values than the limits, or
    holds a string (or key) with a lone surrogate."""
    stack = [(document, 1)]
    values = 0
    while stack:
        value, depth = stack.pop()
        values += 1
        if values > MAX_JSON_VALUES:
            abort(400, message=f"the JSON body holds more than {MAX_JSON_VALUES:,} values",
                  errors={"body": [f"at most {MAX_JSON_VALUES:,} values"]})
        if isinstance(value, str) and SURROGATE.search(value) or (
                isinstance(value, dict) and any(SURROGATE.search(key) for key in value)):
            abort(400, message="the JSON body holds a string that is not valid Unicode (a lone surrogate escape)",
                  errors={"body": ["strings must be valid Unicode: no lone \\ud800-\\udfff escapes"]})
        if isinstance(value, (dict, list)):
            if depth > MAX_JSON_DEPTH:
                abort(400, message=f"the JSON body nests deeper than {MAX_JSON_DEPTH} levels",
                      errors={"body": [f"at most {MAX_JSON_DEPTH} levels of nesting"]})
            children = value.values() if isinstance(value, dict) else value
            stack.extend((child, depth + 1) for child in children)


# What a parsed request may hold to be remembered: values no handler can change in place.
_IMMUTABLE = (str, int, float, bool, type(None), Enum, dt.date)
PARSED_CACHE_SIZE = 1024
PARSED_CACHE_MAX_BYTES = 2048


class BoundedParser(FlaskParser):
    """webargs' Flask parser with bounds on bodies and repeated parameters, which remembers
    what it parsed: loading a query or a small JSON body through a marshmallow schema cost
    more Python than anything else a list or a transition does, and clients repeat the same
    few (`?limit=50`, `{"to": "dismissed", "reason": "duplicate"}`). The same schema, location
    and bytes load to the same values (the schemas' fields and validators depend on nothing
    else), so a flat result is kept, bounded in number and size; a refusal is never kept."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._parsed: dict[tuple, dict] = {}

    def parse(self, argmap, req=None, *, location=None, unknown=core._UNKNOWN_DEFAULT_PARAM,
              validate=None, **kwargs):
        req = req if req is not None else self.get_default_request()
        key = self._cache_key(argmap, req, location or self.location, unknown, validate)
        if key is not None:
            known = self._parsed.get(key)
            if known is not None:
                return dict(known)
        parsed = super().parse(argmap, req, location=location, unknown=unknown, validate=validate, **kwargs)
        if key is not None and isinstance(parsed, dict) and all(
                isinstance(value, _IMMUTABLE) for value in parsed.values()):
            if len(self._parsed) >= PARSED_CACHE_SIZE:
                self._parsed.clear()
            self._parsed[key] = dict(parsed)
        return parsed

    @staticmethod
    def _cache_key(argmap, req, location: str, unknown, validate) -> tuple | None:
        if validate is not None or not isinstance(argmap, ma.Schema):
            return None
        if location in ("query", "querystring"):
            raw = req.query_string
        elif location == "json":
            if (req.content_length or 0) > PARSED_CACHE_MAX_BYTES or req.headers.get("Transfer-Encoding"):
                return None
            raw = req.get_data(cache=True)
        else:
            return None
        if len(raw) > PARSED_CACHE_MAX_BYTES:
            return None
        return id(argmap), location, unknown, req.headers.get("Content-Type"), raw

    def _raw_load_json(self, req):
        if not is_json_request(req):
            return core.missing
        try:
            document = core.parse_json(req.get_data(cache=True))
        except RecursionError:
            abort(400, message=f"the JSON body nests deeper than {MAX_JSON_DEPTH} levels",
                  errors={"body": [f"at most {MAX_JSON_DEPTH} levels of nesting"]})
        check_json_shape(document)
        return document

    def load_querystring(self, req, schema):
        """The query as webargs reads it, but a parameter the document types as one value
        given more than once is refused (webargs would take the first and ignore the rest,
        so `cursor=a&cursor=<1,000 characters>` passed unchecked)."""
        proxy = super().load_querystring(req, schema)
        single = {field.data_key or name for name, field in schema.fields.items()} - proxy.multiple_keys
        repeated = sorted(key for key in single if len(req.args.getlist(key)) > 1)
        if repeated:
            raise ValidationError({key: ["give this parameter once"] for key in repeated})
        return proxy


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's Blueprint with the bounded parser: every resource uses this one."""

    ARGUMENTS_PARSER = BoundedParser()

    def arguments(self, schema, *args, **kwargs):
        # webargs builds a new instance of a schema class on every request (fields deep-copied
        # each time): hand it one instance, made here once.
        return super().arguments(schema() if isinstance(schema, type) else schema, *args, **kwargs)


def idempotency_key() -> str | None:
    """The request's Idempotency-Key header: absent → None, else 1 to 200 characters (400)."""
    key = request.headers.get("Idempotency-Key")
    if key is not None and not (0 < len(key) <= 200):
        abort(400, message="Idempotency-Key must be 1 to 200 characters",
              errors={"Idempotency-Key": ["1 to 200 characters"]})
    return key


def json_document():
    """The request's JSON body, of any shape, within the bounds above (400 when it is not JSON)."""
    document = Blueprint.ARGUMENTS_PARSER.load_json(request, None)  # the schema is not read
    if document is core.missing:
        abort(415 if request.get_data(cache=True) else 400,
              message="the body must be JSON (Content-Type: application/json or application/ld+json)",
              errors={"body": ["a JSON document"]})
    return document
