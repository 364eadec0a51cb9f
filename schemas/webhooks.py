"""Webhook subscriptions, rotation, replay and the delivery log: the HTTP contract."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from schemas.common import DateOrDateTime, PageQuerySchema, http_url
from service.events import SUBSCRIBABLE
from service.webhooks import DEFAULT_GRACE_SECONDS, MAX_GRACE_SECONDS, SECRET_PREFIX, DeliveryStatus


def _event_list(**kwargs) -> fields.List:
    return fields.List(
        fields.String(validate=validate.OneOf(SUBSCRIBABLE, error="unknown event type {input!r}; "
                                              f"use one of {', '.join(SUBSCRIBABLE)}")),
        validate=validate.Length(min=1, max=len(SUBSCRIBABLE) * 2), **kwargs)


def own_secret(**kwargs) -> fields.String:
    """A caller's own secret: the document states its form (service.webhooks.check_secret
    decides the rest: valid base64 of 24 to 64 bytes)."""
    return fields.String(validate=[
        validate.Length(min=len(SECRET_PREFIX) + 32, max=len(SECRET_PREFIX) + 88),
        validate.Regexp(r"^whsec_[A-Za-z0-9+/]+={0,2}$", error=f"must be {SECRET_PREFIX} followed by base64")],
        **kwargs)


class WebhookCreateSchema(ma.Schema):
    url = http_url(required=True)
    events = _event_list(required=True, metadata={"description": "event types to receive"})
    description = fields.String(validate=validate.Length(max=500), allow_none=True)
    secret = own_secret(metadata={
        "description": "your own whsec_ secret (base64 of 24 to 64 bytes); generated when absent"})


class WebhookUpdateSchema(ma.Schema):
    url = http_url()
    events = _event_list()
    description = fields.String(validate=validate.Length(max=500), allow_none=True)
    active = fields.Boolean(truthy={True}, falsy={False}, metadata={  # JSON true or false only
        "description": "true re-enables a disabled endpoint; its waiting deliveries go out again"})


class WebhookSchema(ma.Schema):
    id = fields.String()
    url = fields.String()
    events = fields.List(fields.String())
    description = fields.String(allow_none=True)
    active = fields.Boolean()
    disabled_reason = fields.String(allow_none=True, metadata={
        "description": "why delivery stopped: 410 Gone, the retry schedule ran out, or an admin"})
    disabled_at = fields.String(allow_none=True)
    created_at = fields.String()
    updated_at = fields.String()
    secret_rotated_at = fields.String(allow_none=True)
    previous_secret_expires_at = fields.String(allow_none=True, metadata={
        "description": "until then the previous secret signs too (a second v1 signature)"})
    pending_deliveries = fields.Integer()
    next_attempt_at = fields.String(allow_none=True, metadata={
        "description": "set while the endpoint waits for a retry"})
    failing_since = fields.String(allow_none=True)
    last_success_at = fields.String(allow_none=True)
    secret = fields.String(metadata={"description": "only in the answers to creation and rotation"})


class WebhookListSchema(ma.Schema):
    webhooks = fields.List(fields.Nested(WebhookSchema))
    next_cursor = fields.String(allow_none=True)


class RotateSecretSchema(ma.Schema):
    secret = own_secret(metadata={"description": "your own whsec_ secret (base64 of 24 to 64 bytes); "
                                                 "generated when absent"})
    grace_seconds = fields.Integer(load_default=DEFAULT_GRACE_SECONDS, strict=True,
                                   validate=validate.Range(min=0, max=MAX_GRACE_SECONDS),
                                   metadata={"description": "how long the old secret keeps signing"})


class ReplaySchema(ma.Schema):
    since = DateOrDateTime(required=True, metadata={"description": "replay events from this moment on"})


class ReplayResultSchema(ma.Schema):
    replayed = fields.Integer()
    first_event_id = fields.String(allow_none=True)
    last_event_id = fields.String(allow_none=True)
    truncated = fields.Boolean(metadata={"description": "more than the 50,000 events one call "
                                                        "replays: call again from last_event_id's time"})


class AttemptSchema(ma.Schema):
    attempt = fields.Integer()
    at = fields.String()
    status_code = fields.Integer(allow_none=True)
    latency_ms = fields.Float()
    error = fields.String(allow_none=True)
    response = fields.String(allow_none=True, metadata={"description": "the start of the answer"})
    next_attempt_in_s = fields.Float()


class DeliverySchema(ma.Schema):
    id = fields.String()
    webhook_id = fields.String()
    event_id = fields.String()
    message_id = fields.String(metadata={"description": "the webhook-id header"})
    event_type = fields.String()
    status = fields.String(validate=validate.OneOf([s.value for s in DeliveryStatus]))
    attempts = fields.Integer()
    last_status_code = fields.Integer(allow_none=True)
    last_latency_ms = fields.Float(allow_none=True)
    last_error = fields.String(allow_none=True)
    next_attempt_at = fields.String(allow_none=True)
    created_at = fields.String()
    updated_at = fields.String()
    attempt_log = fields.List(fields.Nested(AttemptSchema))


class DeliveryListSchema(ma.Schema):
    deliveries = fields.List(fields.Nested(DeliverySchema))
    next_cursor = fields.String(allow_none=True)


class DeliveryQuerySchema(PageQuerySchema):
    status = fields.Enum(DeliveryStatus, by_value=True)
