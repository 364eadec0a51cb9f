"""Counters and histograms of work done in Celery workers (on any machine), kept in Redis so
that /metrics in every web process shows the same totals.

A counter is a hash of label value → count (HINCRBY), written by the script that records the
work where there is one: claim transitions (claims_prelude.lua `move`), articles done
(store_claims.lua) or failed (fail_article.lua), webhook attempts (record_attempt.lua). A
histogram is a hash of non-cumulative bucket counts (`le:<bound>` for the values above the
previous bound up to this one, `le:+Inf` beyond the last) and `sum`; the field an observation
goes to is chosen here (`bucket_field`), so the bounds are written once.
"""
from __future__ import annotations

import bisect
import math

import redis

from service.store.keys import PREFIX, Keys

# Seconds. Extraction: a short text takes tens of milliseconds, a 1 MB one tens of seconds.
EXTRACTION_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0)
# A webhook attempt: a local receiver answers in milliseconds; the timeout is 10 s by default.
WEBHOOK_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

# Counter name → its label; histogram name → its bounds. A name is its key family less `metrics_`.
COUNTERS = {"transitions": "to", "articles": "outcome", "webhook_deliveries": "outcome"}
HISTOGRAMS = {"extraction": EXTRACTION_BUCKETS, "webhook_latency": WEBHOOK_LATENCY_BUCKETS}


def bucket_field(bounds: tuple[float, ...], value: float) -> str:
    """The hash field counting `value`: the first bucket whose bound is ≥ it."""
    index = bisect.bisect_left(bounds, value)
    return "le:" + (repr(bounds[index]) if index < len(bounds) else "+Inf")


class MetricsStore:
    """Observing a histogram from Python, and reading every counter and histogram at once."""

    def __init__(self, client: redis.Redis, *, prefix: str = PREFIX):
        self.redis = client
        self.keys = Keys(prefix)

    def _key(self, name: str) -> str:
        return getattr(self.keys, "metrics_" + name)

    def observe_metric(self, histogram: str, value: float) -> None:
        """Count `value` (seconds) into `histogram`, in one round trip."""
        pipe = self.redis.pipeline(transaction=False)
        pipe.hincrby(self._key(histogram), bucket_field(HISTOGRAMS[histogram], value), 1)
        pipe.hincrbyfloat(self._key(histogram), "sum", value)
        pipe.execute()

    def read_metrics(self) -> dict:
        """{"counters": {name: {label value: count}}, "histograms": {name: {"buckets":
        [(bound, cumulative count)] ending with (inf, count), "sum": seconds}}}."""
        pipe = self.redis.pipeline(transaction=False)
        for name in (*COUNTERS, *HISTOGRAMS):
            pipe.hgetall(self._key(name))
        answers = dict(zip((*COUNTERS, *HISTOGRAMS), pipe.execute()))
        histograms = {}
        for name, bounds in HISTOGRAMS.items():
            raw = answers[name]
            total, buckets = 0, []
            for bound in (*bounds, math.inf):
                total += int(raw.get("le:" + (repr(bound) if bound != math.inf else "+Inf"), 0))
                buckets.append((bound, total))
            histograms[name] = {"buckets": buckets, "sum": float(raw.get("sum", 0))}
        return {"counters": {name: {label: int(count) for label, count in answers[name].items()}
                             for name in COUNTERS},
                "histograms": histograms}
