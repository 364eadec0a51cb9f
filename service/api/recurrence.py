"""Recurrence: where a claim keeps coming back, and the claims repeated most."""
from __future__ import annotations

from flask.views import MethodView

from schemas.claims import RecurrenceSchema, RecurringQuerySchema, RecurringSchema
from service import recurrence
from service.api import context
from service.api.access import requires
from service.api.parsing import Blueprint
from service.auth import Permission

blp = Blueprint("recurrence", __name__, url_prefix="/api/v1", description="Claims that keep coming back")


@blp.route("/claims/<claim_id:claim_id>/recurrence")
class ClaimRecurrence(MethodView):
    @requires(Permission.READ)
    @blp.response(200, RecurrenceSchema)
    def get(self, claim_id):
        """The claims matched to this one (through confirmed matches, and its own suggested ones):
        first and last seen, occurrences per day, and the articles, sources and speakers that
        repeat it."""
        return recurrence.cluster(context.store(), claim_id)


@blp.route("/recurring")
class Recurring(MethodView):
    @requires(Permission.READ)
    @blp.arguments(RecurringQuerySchema, location="query")
    @blp.response(200, RecurringSchema)
    def get(self, query):
        """The claims of a status (default flagged) repeated most by claims matched since `since`,
        most repeats first, with the sources and speakers repeating them."""
        since = query.get("since")
        return {"recurring": recurrence.recurring(context.store(), status=query["status"].value,
                                                  since=since.isoformat() if since else None,
                                                  limit=query["limit"])}
