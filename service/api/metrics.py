"""Prometheus metrics at /metrics, the same totals whichever web process answers:

- the desk's state as gauges, read from Redis at scrape time;
- counters and histograms of work done in the workers (transitions, extraction, articles by
  outcome, webhook attempts), counted in Redis where the work is recorded (service/store/metrics.py);
- HTTP requests by route and status with their latency, counted in the process that answered
  them (a Redis round trip per request would cost more than the request): with
  PROMETHEUS_MULTIPROC_DIR set (gunicorn under `claimtrack up`, the Procfile and compose), each
  process writes its own file there and a scrape adds up every process's file.
"""
from __future__ import annotations

import math
import os
import time

from flask import Blueprint, Response
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.utils import floatToGoString

from service.api import context
from service.store.metrics import COUNTERS

blp = Blueprint("metrics", __name__)

# Registered with no registry: a scrape builds its own (in-process, or from the multiprocess files).
HTTP_REQUESTS = Counter("claimtrack_http_requests", "HTTP requests by route (the URL rule), method and status",
                        ["route", "method", "status"], registry=None)
HTTP_LATENCY = Histogram("claimtrack_http_request_duration_seconds",
                         "Time to answer an HTTP request (until the body is handed to the server), by route",
                         ["route", "method"], registry=None,
                         buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0))
UNMATCHED_ROUTE = "unmatched"  # a path no URL rule matched (a 404 or 405): never the raw path


def multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or os.environ.get("prometheus_multiproc_dir")


# The labelled children, looked up once per label set (`labels()` validates and locks each call).
_counters: dict[tuple[str, str, int], Counter] = {}
_histograms: dict[tuple[str, str], Histogram] = {}


def observe_request(route: str, method: str, status: int, started: float) -> None:
    """Count one answered request: a few microseconds (in-memory, or mmap'd file, increments)."""
    counter = _counters.get((route, method, status))
    if counter is None:
        counter = _counters[(route, method, status)] = HTTP_REQUESTS.labels(route, method, str(status))
    histogram = _histograms.get((route, method))
    if histogram is None:
        histogram = _histograms[(route, method)] = HTTP_LATENCY.labels(route, method)
    counter.inc()
    histogram.observe(time.perf_counter() - started)


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
        yield GaugeMetricFamily("claimtrack_worker_seen", "1 when a worker heartbeat is current (one in the last 15 s)",
                                value=1 if self.store.worker_seen() else 0)


# name in service/store/metrics.py → (exposed name, help)
_COUNTERS = {
    "transitions": ("claimtrack_claim_transitions", "Claim state changes by target state"),
    "articles": ("claimtrack_articles_processed", "Extraction runs by outcome (done, failed)"),
    "webhook_deliveries": ("claimtrack_webhook_deliveries",
                           "Webhook delivery attempts by outcome (succeeded; retry: failed, tried again "
                           "later; failed: given up, the endpoint disabled)"),
}
_HISTOGRAMS = {
    "extraction": ("claimtrack_extraction_duration_seconds", "Time to extract an article's claims"),
    "webhook_latency": ("claimtrack_webhook_delivery_duration_seconds",
                        "Time a webhook attempt took, until the answer or the error"),
}


class WorkCollector:
    """Counters and histograms the workers keep in Redis (one read per scrape)."""

    def __init__(self, store):
        self.store = store

    def collect(self):
        read = self.store.read_metrics()
        for name, (exposed, help_text) in _COUNTERS.items():
            family = CounterMetricFamily(exposed, help_text, labels=[COUNTERS[name]])
            for label, count in sorted(read["counters"][name].items()):
                family.add_metric([label], count)
            yield family
        for name, (exposed, help_text) in _HISTOGRAMS.items():
            histogram = read["histograms"][name]
            buckets = [("+Inf" if bound == math.inf else floatToGoString(bound), count)
                       for bound, count in histogram["buckets"]]
            yield HistogramMetricFamily(exposed, help_text, buckets=buckets, sum_value=histogram["sum"])


@blp.get("/metrics")
def metrics():
    registry = CollectorRegistry(auto_describe=False)
    directory = multiprocess_dir()
    if directory:
        from prometheus_client.multiprocess import MultiProcessCollector

        MultiProcessCollector(registry, path=directory)
    else:
        registry.register(HTTP_REQUESTS)
        registry.register(HTTP_LATENCY)
    store = context.store()
    registry.register(StoreCollector(store))
    registry.register(WorkCollector(store))
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)
