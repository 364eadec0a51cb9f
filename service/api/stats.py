"""The desk's numbers for the dashboard."""
from __future__ import annotations

from flask.views import MethodView

from schemas.stats import StatsSchema
from service.api import context
from service.api.access import requires
from service.api.parsing import Blueprint
from service.auth import Permission

blp = Blueprint("stats", __name__, url_prefix="/api/v1/stats", description="Desk statistics")


@blp.route("")
class Stats(MethodView):
    @requires(Permission.READ)
    @blp.response(200, StatsSchema)
    def get(self):
        """Counts per status, queue depth and oldest pending age, verdicts per day (30 days),
        median time from extraction to verdict, per-reviewer load, article backlog."""
        return context.store().stats()
