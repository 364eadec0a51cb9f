"""One error shape for every answer that is not a success (DESIGN §4), built in one place."""
from __future__ import annotations

import logging

import redis
from flask import Flask, current_app, jsonify
from flask_smorest import Api
from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.http import HTTP_STATUS_CODES

from schemas.common import ApiErrorSchema
from service.errors import DomainError

log = logging.getLogger(__name__)

def _flatten(messages) -> dict:
    """webargs nests field errors by location ({"json": {"text": [...]}}): drop the location."""
    if not isinstance(messages, dict):
        return {}
    flat: dict = {}
    for location, problems in messages.items():
        if isinstance(problems, dict):
            for name, value in problems.items():
                flat[str(name)] = value
        else:  # the body as a whole, e.g. "Invalid JSON body."
            flat["body" if location == "json" else str(location)] = problems
    return flat


def _describe(errors: dict) -> str | None:
    def first(value):
        if isinstance(value, list):
            return first(value[0]) if value else None
        if isinstance(value, dict):
            for name, inner in value.items():
                text = first(inner)
                return f"{name}: {text}" if text else None
        return str(value)

    parts = []
    for name, value in list(errors.items())[:3]:
        text = first(value)
        if text:
            parts.append(text if name in ("body", "_schema") else f"{name}: {text}")
    return "; ".join(parts) or None


def error_response(code: int, message: str, *, errors: dict | None = None,
                   headers: dict | None = None, **extra):
    body = {"code": code, "status": HTTP_STATUS_CODES.get(code, "Error"), "message": message,
            "errors": errors or {}}
    body.update({k: v for k, v in extra.items() if v is not None})
    response = jsonify(body)
    response.status_code = code
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


class ClaimtrackApi(Api):
    ERROR_SCHEMA = ApiErrorSchema

    def handle_http_exception(self, error: HTTPException):
        data = getattr(error, "data", None) or {}
        code = error.code or 500
        errors = data.get("errors") or _flatten(data.get("messages"))
        headers = dict(data.get("headers") or {})
        if isinstance(error, MethodNotAllowed) and error.valid_methods:
            headers["Allow"] = ", ".join(sorted(error.valid_methods))
        if code >= 500:
            original = getattr(error, "original_exception", None)
            if original is not None:
                log.error("unhandled error", exc_info=original)
            message = "the server failed to handle this request; it has been logged"
        elif code == 413 and not data.get("message"):
            limit = current_app.config.get("MAX_CONTENT_LENGTH")
            message = f"the request body is over the limit of {limit} bytes (CLAIMTRACK_MAX_ARTICLE_BYTES)"
        else:
            described = _describe(errors)
            message = data.get("message") or (
                f"{'invalid request' if code in (400, 422) else error.name.lower()}: {described}"
                if described else (error.description or error.name))
        return error_response(code, message, errors=errors, headers=headers)


def register_errorhandlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain(error: DomainError):
        return error_response(error.status, error.message, errors=error.errors, current=error.current)

    @app.errorhandler(redis.RedisError)
    def _redis_down(error: redis.RedisError):
        log.error("Redis unavailable: %s", error)
        return error_response(503, "the claim store is unavailable; try again shortly",
                              headers={"Retry-After": "5"})
