"""Webhook subscriptions for admins: create (secret shown once), change, rotate, test, replay, delivery log."""
from __future__ import annotations

import logging

from flask import Flask, request
from flask.views import MethodView

from schemas.common import PageQuerySchema
from schemas.webhooks import (
    DeliveryListSchema,
    DeliveryQuerySchema,
    DeliverySchema,
    ReplayResultSchema,
    ReplaySchema,
    RotateSecretSchema,
    WebhookCreateSchema,
    WebhookListSchema,
    WebhookSchema,
    WebhookUpdateSchema,
)
from service import subscriptions
from service.api import context
from service.api.access import requires
from service.api.parsing import Blueprint
from service.auth import Permission
from service.tasks import TaskName
from service.webhooks import DEFAULT_GRACE_SECONDS

log = logging.getLogger(__name__)

blp = Blueprint("webhooks", __name__, url_prefix="/api/v1/webhooks",
                description="Signed webhooks (Standard Webhooks): subscriptions and deliveries (admin)")


@blp.route("")
class Webhooks(MethodView):
    @requires(Permission.ADMIN)
    @blp.arguments(PageQuerySchema, location="query")
    @blp.response(200, WebhookListSchema)
    def get(self, query):
        """Every subscription, oldest first (no secrets)."""
        found, cursor = context.webhooks().list_webhooks(cursor=query.get("cursor"), limit=query["limit"])
        return {"webhooks": found, "next_cursor": cursor}

    @requires(Permission.ADMIN)
    @blp.arguments(WebhookCreateSchema)
    @blp.response(201, WebhookSchema, description="the subscription; its `secret` appears only here")
    @blp.alt_response(409, description="another subscription already posts to this URL")
    @blp.alt_response(422, description="unknown event type, a URL that is not public http(s), a short secret")
    def post(self, data):
        """Subscribe a URL to event types; events from now on are delivered to it, signed."""
        return subscriptions.create_webhook(
            context.webhooks(), url=data["url"], events=data["events"],
            description=data.get("description"), secret=data.get("secret"),
            allow_private=context.settings().webhook_allow_private)


@blp.route("/<string:webhook_id>")
class Webhook(MethodView):
    @requires(Permission.ADMIN)
    @blp.response(200, WebhookSchema)
    def get(self, webhook_id):
        """One subscription: state, why it was disabled, deliveries waiting."""
        return context.webhooks().get(webhook_id)

    @requires(Permission.ADMIN)
    @blp.arguments(WebhookUpdateSchema, required=False)  # every field is optional; none changes nothing
    @blp.response(200, WebhookSchema)
    @blp.alt_response(409, description="another subscription already posts to this URL")
    def patch(self, data, webhook_id):
        """Change url, events, description; `active: true` re-enables a disabled endpoint."""
        return subscriptions.update_webhook(
            context.webhooks(), webhook_id, data,
            allow_private=context.settings().webhook_allow_private, wake=context.wake_webhook)

    @requires(Permission.ADMIN)
    @blp.response(204)
    def delete(self, webhook_id):
        """Delete the subscription with its waiting deliveries and its log."""
        context.webhooks().delete(webhook_id)


@blp.route("/<string:webhook_id>/rotate-secret")
class RotateSecret(MethodView):
    @requires(Permission.ADMIN)
    @blp.arguments(RotateSecretSchema, required=False)
    @blp.response(200, WebhookSchema, description="the subscription with its new `secret` (shown once)")
    def post(self, data, webhook_id):
        """A new secret; during `grace_seconds` the old one signs too (two v1 signatures)."""
        return subscriptions.rotate_secret(context.webhooks(), webhook_id, secret=data.get("secret"),
                                      grace_seconds=data.get("grace_seconds", DEFAULT_GRACE_SECONDS))


@blp.route("/<string:webhook_id>/test")
class TestEvent(MethodView):
    @requires(Permission.ADMIN)
    @blp.response(202, DeliverySchema, description="the queued delivery of a webhook.test event")
    @blp.alt_response(409, description="the endpoint is disabled")
    def post(self, webhook_id):
        """Send a `webhook.test` event to this endpoint (after what is already waiting for it)."""
        return subscriptions.send_test_event(context.webhooks(), webhook_id, wake=context.wake_webhook)


@blp.route("/<string:webhook_id>/replay")
class Replay(MethodView):
    @requires(Permission.ADMIN)
    @blp.arguments(ReplaySchema)
    @blp.response(202, ReplayResultSchema)
    @blp.alt_response(409, description="the endpoint is disabled")
    def post(self, data, webhook_id):
        """Send again, in order and with their original webhook-ids, the subscribed events since `since`."""
        return subscriptions.replay_events(context.webhooks(), webhook_id, since=data["since"],
                                      public_url=context.settings().public_url,
                                      wake=context.wake_webhook)


@blp.route("/<string:webhook_id>/deliveries")
class Deliveries(MethodView):
    @requires(Permission.ADMIN)
    @blp.arguments(DeliveryQuerySchema, location="query")
    @blp.response(200, DeliveryListSchema)
    def get(self, query, webhook_id):
        """The delivery log, newest first: event, attempts, status code, latency, error, next attempt."""
        status = query.get("status")
        found, cursor = context.webhooks().list_deliveries(
            webhook_id, status=status.value if status else None, cursor=query.get("cursor"),
            limit=query["limit"])
        return {"deliveries": found, "next_cursor": cursor}


@blp.route("/<string:webhook_id>/deliveries/<string:delivery_id>")
class Delivery(MethodView):
    @requires(Permission.ADMIN)
    @blp.response(200, DeliverySchema)
    def get(self, webhook_id, delivery_id):
        """One delivery with every attempt."""
        return context.webhooks().get_delivery(webhook_id, delivery_id)


@blp.route("/<string:webhook_id>/deliveries/<string:delivery_id>/retry")
class RetryDelivery(MethodView):
    @requires(Permission.ADMIN)
    @blp.response(202, DeliverySchema)
    @blp.alt_response(409, description="the endpoint is disabled")
    def post(self, webhook_id, delivery_id):
        """Try the delivery again now (a finished one is queued again, same webhook-id)."""
        return subscriptions.retry_delivery(context.webhooks(), webhook_id, delivery_id,
                                       wake=context.wake_webhook)


def register_webhook_dispatch(app: Flask) -> None:
    """A change's events go out right after the request that made it (beat only sweeps)."""

    @app.after_request
    def _dispatch_webhooks(response):
        # Any change may have written events (even a refused one can expire a lease first);
        # a burst of requests shares one dispatch task.
        tasks = context.tasks()
        if request.method in ("POST", "PUT", "PATCH", "DELETE") and request.path.startswith("/api/v1/") \
                and tasks is not None:
            try:
                if context.webhooks().request_dispatch():
                    tasks.send(TaskName.DISPATCH_WEBHOOKS)
            except Exception:  # the change is stored; the beat sweep sends its events
                log.exception("could not ask for a webhook dispatch")
        return response
