"""The HTTP API: one blueprint per resource."""
from __future__ import annotations

from service.api import (
    articles,
    changes,
    claims,
    export,
    factchecks,
    feeds,
    keys,
    me,
    queue,
    recurrence,
    stats,
    webhooks,
)

BLUEPRINTS = (articles.blp, claims.blp, queue.blp, changes.blp, keys.blp, me.blp, stats.blp, webhooks.blp,
              factchecks.blp, export.blp, feeds.blp, recurrence.blp)
