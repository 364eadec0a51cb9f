"""The review queue: lease the most check-worthy pending claim."""
from __future__ import annotations

from flask.views import MethodView

from schemas.claims import ClaimSchema, QueueNextSchema
from service.api import context
from service.api.access import current_actor, key_check_for_write, requires
from service.api.parsing import Blueprint, idempotency_key
from service.auth import Permission

blp = Blueprint("queue", __name__, url_prefix="/api/v1/queue", description="The review queue")


@blp.route("/next")
class QueueNext(MethodView):
    @requires(Permission.REVIEW, carried=True)
    @blp.arguments(QueueNextSchema, required=False)
    @blp.response(200, ClaimSchema, description="the claim now leased to you (in_review)")
    @blp.alt_response(204, description="nothing pending fits")
    def post(self, query):
        """Lease the highest-scoring pending claim; the lease expires after CLAIMTRACK_LEASE_SECONDS.

        With `Idempotency-Key`, the same key again returns the claim it leased while you still
        hold it: a client whose answer was lost gets its lease back instead of a second one."""
        claim = context.store().lease_next(
            current_actor(), lease_seconds=context.settings().lease_seconds,
            min_score=query.get("min_score"), article_id=query.get("article_id"),
            entity=query.get("entity"), idempotency_key=idempotency_key(),
            key_check=key_check_for_write())
        if claim is None:
            return "", 204
        return claim, 200, {"ETag": f'"{claim["version"]}"'}
