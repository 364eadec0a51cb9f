"""Prometheus metrics at /metrics, read from Redis at scrape time (the same numbers whichever
web process answers, so no multiprocess directory is needed)."""
from __future__ import annotations

from flask import Blueprint, Response
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from service.api import context

blp = Blueprint("metrics", __name__)


class StoreCollector:
    """The desk's state as gauges, computed from one stats read per scrape."""

    def __init__(self, store):
        self.store = store

    def collect(self):
        stats = self.store.stats(days=1)
        claims = GaugeMetricFamily("claimtrack_claims", "Claims by review status", labels=["status"])
        for status, count in stats["claims"]["by_status"].items():
            claims.add_metric([status], count)
        yield claims
        yield GaugeMetricFamily("claimtrack_queue_depth", "Pending claims in the review queue",
                                value=stats["queue"]["depth"])
        yield GaugeMetricFamily("claimtrack_queue_oldest_pending_age_seconds",
                                "Age of the oldest pending claim",
                                value=stats["queue"]["oldest_pending_age_seconds"] or 0)
        articles = GaugeMetricFamily("claimtrack_articles", "Articles by extraction state", labels=["state"])
        for state in ("total", "queued", "processing"):
            articles.add_metric([state], stats["articles"][state])
        yield articles
        median = stats["time_to_verdict_seconds"]["median"]
        yield GaugeMetricFamily("claimtrack_time_to_verdict_median_seconds",
                                "Median time from extraction to verdict (last 10,000 verdicts)",
                                value=median or 0)
        yield GaugeMetricFamily("claimtrack_worker_seen", "1 when a worker was seen in the last 90 s",
                                value=1 if self.store.worker_seen() else 0)


@blp.get("/metrics")
def metrics():
    registry = CollectorRegistry(auto_describe=False)
    registry.register(StoreCollector(context.store()))
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)
