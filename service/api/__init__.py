"""The HTTP API: one blueprint per resource."""
from __future__ import annotations

from service.api import articles, claims, keys, queue, stats, webhooks

BLUEPRINTS = (articles.blp, claims.blp, queue.blp, keys.blp, stats.blp, webhooks.blp)
