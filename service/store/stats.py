"""Counts for /stats (claims by status, queue, verdicts, reviewers, articles) and the worker's heartbeat."""
from __future__ import annotations

import bisect
import json
import statistics
import time
from datetime import UTC, datetime

import redis

from service.claims import ClaimStatus
from service.store.api_keys import ApiKeyStore
from service.store.claims import ClaimStore
from service.store.keys import PREFIX, Keys
from service.store.stamps import now_iso

# A worker stamps `worker_seen` at start and every WORKER_HEARTBEAT_SECONDS after; the stamp
# lapses after three missed beats, so a dead worker stops counting within 15 s.
WORKER_HEARTBEAT_SECONDS = 5
WORKER_SEEN_TTL_SECONDS = 3 * WORKER_HEARTBEAT_SECONDS
# Upper bounds (seconds) of the time-to-verdict histogram: a minute to a week, then the rest.
VERDICT_TIME_BUCKETS = (60, 300, 900, 3600, 4 * 3600, 86400, 7 * 86400)


def _percentile(ordered: list[float], fraction: float) -> float:
    """Linear interpolation between closest ranks (numpy's default), on a sorted list."""
    position = (len(ordered) - 1) * fraction
    lower = int(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


def time_to_verdict_summary(ordered: list[float]) -> dict:
    """Percentiles and a histogram of the stored extraction-to-verdict durations (sorted).

    Each histogram bucket counts the durations above the previous bound up to its own `le`
    (not cumulative); `le: null` holds those over a week.
    """
    counts = [0] * (len(VERDICT_TIME_BUCKETS) + 1)
    for seconds in ordered:
        counts[bisect.bisect_left(VERDICT_TIME_BUCKETS, seconds)] += 1
    # Rounded to the millisecond the durations are measured in.
    percentiles = {name: (round(_percentile(ordered, fraction), 3) if ordered else None)
                   for name, fraction in (("p25", 0.25), ("p75", 0.75), ("p90", 0.9))}
    return {
        "median": statistics.median(ordered) if ordered else None,
        **percentiles,
        "samples": len(ordered),
        "histogram": [{"le": bound, "count": count}
                      for bound, count in zip((*VERDICT_TIME_BUCKETS, None), counts)],
    }


class StatsStore:
    """Read-only summaries over the other stores' indexes, plus the worker's heartbeat."""

    def __init__(self, client: redis.Redis, *, claims: ClaimStore, api_keys: ApiKeyStore,
                 prefix: str = PREFIX):
        self.redis = client
        self.keys = Keys(prefix)
        self._claims = claims
        self._api_keys = api_keys

    def stats(self, *, days: int = 30) -> dict:
        statuses = [s.value for s in ClaimStatus]
        pipe = self.redis.pipeline(transaction=False)
        for status in statuses:
            pipe.zcard(self.keys.status(status))
        pipe.zcard(self.keys.queue_pending)
        pipe.zrange(self.keys.status("pending"), 0, 20)
        pipe.hgetall(self.keys.stats_verdicts_per_day)
        pipe.lrange(self.keys.stats_time_to_verdict, 0, -1)
        pipe.hgetall(self.keys.stats_verdicts_by_reviewer)
        pipe.zcard(self.keys.articles)
        pipe.zcard(self.keys.articles_queued)
        pipe.zcard(self.keys.articles_processing)
        results = pipe.execute()
        counts = dict(zip(statuses, results[:len(statuses)]))
        (queue_depth, oldest_ids, per_day, durations, by_reviewer, articles, queued,
         processing) = results[len(statuses):]
        oldest_age = None
        for claim in self._claims.load_claims(oldest_ids):
            if claim and claim["status"] == "pending" and not claim["retracted"]:
                created = datetime.fromisoformat(claim["created_at"].replace("Z", "+00:00"))
                oldest_age = round(time.time() - created.timestamp(), 1)
                break
        durations = sorted(float(d) for d in durations)
        reviewer_keys = {k["id"]: k["name"] for k in self._api_keys.list_keys()}
        pipe = self.redis.pipeline(transaction=False)
        for key_id in reviewer_keys:
            pipe.zcard(self.keys.assignee(key_id))
        load = []
        for (key_id, name), holding in zip(reviewer_keys.items(), pipe.execute()):
            verdicts = int(by_reviewer.get(key_id, 0))
            if holding or verdicts:
                load.append({"key_id": key_id, "name": name, "in_review": holding, "verdicts": verdicts})
        since = datetime.now(UTC).date().toordinal() - days
        return {
            "claims": {"by_status": counts, "total": sum(counts.values())},
            "queue": {"depth": queue_depth, "oldest_pending_age_seconds": oldest_age},
            "verdicts_per_day": {day: int(n) for day, n in sorted(per_day.items())
                                 if datetime.fromisoformat(day).toordinal() > since},
            "time_to_verdict_seconds": time_to_verdict_summary(durations),
            "reviewers": sorted(load, key=lambda r: (-r["in_review"], -r["verdicts"])),
            "articles": {"total": articles, "queued": queued, "processing": processing},
        }

    # -- health -------------------------------------------------------------------------
    def mark_worker_seen(self, worker: str) -> None:
        now = time.time()
        self.redis.set(self.keys.worker_seen,
                       json.dumps({"worker": worker, "at": now_iso(now), "at_ms": int(now * 1000)}),
                       ex=WORKER_SEEN_TTL_SECONDS)

    def worker_seen(self) -> dict | None:
        raw = self.redis.get(self.keys.worker_seen)
        return json.loads(raw) if raw else None
