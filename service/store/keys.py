"""The Redis key layout, written once: Python builds keys from it and the Lua scripts get a generated prelude."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from string import Formatter

PREFIX = "ct:"

# Every key family, without the prefix. A family's name is its template with ':' as '_' and
# the {fields} left out, so `K.claim_history(id)` in Lua and `keys.claim_history(id)` in
# Python both mean "ct:claim:<id>:history".
TEMPLATES: dict[str, str] = {
    # articles
    "article": "article:{id}",
    "article_claims": "article:{id}:claims",  # sorted by offset in the text
    "article_hash": "article:hash:{content_hash}",
    "articles": "articles",  # every article, by sequence
    "articles_queued": "articles:queued",  # waiting for extraction, by time queued (ms)
    "articles_processing": "articles:processing",
    "idem": "idem:{idempotency_key}",
    "seq_article": "seq:article",
    # claims and the review queue
    "claim": "claim:{id}",
    "claim_history": "claim:{id}:history",
    "claims": "claims",  # every claim, by sequence
    "claims_by_score": "claims:by_score",
    "status": "status:{status}",
    "queue_pending": "queue:pending",  # by priority
    "leases": "leases",  # by lease expiry (ms)
    "lease_idem": "lease:idem:{key_id}:{token}",  # queue/next's Idempotency-Key → the claim leased
    "assignee": "assignee:{key_id}",
    "entity": "entity:{entity_key}",
    "seq_claim": "seq:claim",
    # statistics and health
    "stats_verdicts_per_day": "stats:verdicts_per_day",
    "stats_verdicts_by_reviewer": "stats:verdicts_by_reviewer",
    "stats_time_to_verdict": "stats:time_to_verdict",
    "worker_seen": "worker:seen",
    # Prometheus counters and histograms written where the work is done (metrics.py)
    "metrics_transitions": "metrics:transitions",  # claim state changes by target state
    "metrics_articles": "metrics:articles",  # extraction runs by outcome (done, failed)
    "metrics_extraction": "metrics:extraction",  # histogram of extraction seconds
    "metrics_webhook_deliveries": "metrics:webhook_deliveries",  # attempts by outcome
    "metrics_webhook_latency": "metrics:webhook_latency",  # histogram of attempt seconds
    # the event outbox (a stream)
    "events": "events",
    # fact-checks (ClaimReview): each as JSON, found by URL; the list by sequence
    "factcheck": "factcheck:{id}",
    "factcheck_url": "factcheck:url:{url_key}",
    "factchecks": "factchecks",
    "factchecks_version": "factchecks:version",  # bumped on every change: search indexes catch up
    "factchecks_epoch": "factchecks:epoch",  # random, set once per database: tells a fresh one apart
    "factchecks_changed": "factchecks:changed",  # url keys by the factchecks_version of their last write
    "seq_factcheck": "seq:factcheck",
    # our verified and flagged claims' embeddings for the lookup: claim id → "<text digest>:<vector>"
    "claims_vectors": "claims:vectors",
    # feeds (RSS/Atom) polled by beat, and every entry ingested once
    "feed": "feed:{id}",
    "feed_url": "feed:url:{url_key}",
    "feed_entries": "feed:{id}:entries",  # identities of the entries this feed has presented
    "feed_entry": "feed:entry:{identity}",  # an entry's id or link (hashed) → its article
    "feeds": "feeds",  # every feed, by sequence
    "feeds_due": "feeds:due",  # active feeds by next poll (ms)
    "seq_feed": "seq:feed",
    # API keys and their rate limits (a GCRA stamp per quota)
    "key": "key:{id}",
    "rate": "rate:{key_id}:{quota}",
    "keyhash": "keyhash:{secret_hash}",
    "keys": "keys",
    # webhooks: subscriptions, their delivery lines and logs, the fan-out cursor
    "webhook": "webhook:{id}",
    "webhook_queue": "webhook:{id}:queue",
    "webhook_drain": "webhook:{id}:drain",
    "webhook_deliveries": "webhook:{id}:deliveries",
    "webhook_url": "webhook:url:{url_key}",
    "webhooks": "webhooks",
    "webhooks_active": "webhooks:active",
    "webhooks_retries": "webhooks:retries",
    "webhooks_cursor": "webhooks:cursor",
    "webhooks_dispatch": "webhooks:dispatch",
    "delivery": "delivery:{id}",
    "seq_webhook": "seq:webhook",
    "seq_delivery": "seq:delivery",
    "seq_drain": "seq:drain",
}


def _parts(template: str) -> list[tuple[str, str | None]]:
    """(literal text, field name or None) pieces of a template."""
    return [(literal, field) for literal, field, _spec, _conv in Formatter().parse(template)]


def _builder(prefix: str, template: str) -> Callable[..., str]:
    fields = [field for _literal, field in _parts(template) if field]
    if len(fields) == 1:
        # One field (every family today, several on each request's path): plain concatenation.
        head, _field, tail = template.partition("{" + fields[0] + "}")
        head = prefix + head

        def build_one(value: object) -> str:
            return f"{head}{value}{tail}"

        return build_one

    def build(*values: object) -> str:
        if len(values) != len(fields):
            raise TypeError(f"{template!r} takes {len(fields)} part(s), got {len(values)}")
        return prefix + template.format(**dict(zip(fields, map(str, values))))

    return build


class Keys:
    """The key families under one prefix: a family without fields is a str, one with fields
    a function of them in template order (`keys.claim("c_1")`)."""

    def __init__(self, prefix: str = PREFIX):
        self.prefix = prefix
        for name, template in TEMPLATES.items():
            has_fields = any(field for _literal, field in _parts(template))
            setattr(self, name, _builder(prefix, template) if has_fields else prefix + template)

    def __getattr__(self, name: str):  # only reached for a family not in TEMPLATES
        raise AttributeError(f"no key family {name!r} in service/store/keys.py")

    @property
    def everything(self) -> str:
        """A SCAN pattern for every key under the prefix."""
        return self.prefix + "*"


KEYS = Keys()


def _lua_string(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def lua_prelude(names: Iterable[str] | None = None) -> str:
    """Lua defining `K`, the same families under the prefix `p` (set by the header scripts.py
    generates): `K.queue_pending` is a string, `K.claim(id)` a function. Only `names`, when
    given: a script builds its table on every call."""
    wanted = set(TEMPLATES) if names is None else set(names)
    unknown = wanted - set(TEMPLATES)
    if unknown:
        raise KeyError(f"no key families {sorted(unknown)} in service/store/keys.py")
    lines = ["local K = {}"]
    for name, template in TEMPLATES.items():
        if name not in wanted:
            continue
        pieces = ["p"]
        fields = []
        for literal, field in _parts(template):
            if literal:
                pieces.append(_lua_string(literal))
            if field:
                pieces.append(field)
                fields.append(field)
        expression = " .. ".join(pieces)
        if fields:
            lines.append(f"K.{name} = function({', '.join(fields)}) return {expression} end")
        else:
            lines.append(f"K.{name} = {expression}")
    return "\n".join(lines) + "\n"
