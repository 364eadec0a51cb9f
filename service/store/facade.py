"""Store: the noun stores over one Redis database behind one object, so callers need only one."""
from __future__ import annotations

import redis

from service.store.api_keys import ApiKeyStore
from service.store.articles import ArticleStore
from service.store.claims import ClaimStore
from service.store.factchecks import FactCheckStore
from service.store.feeds import FeedStore
from service.store.keys import PREFIX, Keys
from service.store.metrics import MetricsStore
from service.store.outbox import OutboxStore
from service.store.stats import StatsStore

# The public methods each part answers for (a name belongs to exactly one part).
_PARTS = {"articles": ArticleStore, "claims": ClaimStore, "api_keys": ApiKeyStore,
          "statistics": StatsStore, "outbox": OutboxStore, "metrics": MetricsStore,
          "factchecks": FactCheckStore, "feeds": FeedStore}
_ROUTES = {name: part for part, cls in _PARTS.items() for name in vars(cls)
           if not name.startswith("_") and callable(getattr(cls, name))}


class Store:
    """Articles, claims and the queue, API keys, stats, the outbox, the workers' metrics,
    fact-checks and feeds; `store.claims.get_claim` and `store.get_claim` are the same method."""

    def __init__(self, client: redis.Redis, *, public_url: str = "http://127.0.0.1:5000",
                 prefix: str = PREFIX):
        self.redis = client
        self.prefix = prefix
        self.keys = Keys(prefix)
        self.articles = ArticleStore(client, prefix=prefix)
        self.claims = ClaimStore(client, public_url=public_url, prefix=prefix)
        self.api_keys = ApiKeyStore(client, prefix=prefix)
        self.statistics = StatsStore(client, claims=self.claims, api_keys=self.api_keys,
                                     prefix=prefix)
        self.outbox = OutboxStore(client, prefix=prefix)
        self.metrics = MetricsStore(client, prefix=prefix)
        self.factchecks = FactCheckStore(client, prefix=prefix)
        self.feeds = FeedStore(client, prefix=prefix)

    @property
    def public_url(self) -> str:
        return self.claims.public_url

    @property
    def claim_url_prefix(self) -> str:
        return self.claims.claim_url_prefix

    def __getattr__(self, name: str):
        part = _ROUTES.get(name)
        if part is None:
            raise AttributeError(f"{type(self).__name__} has no attribute {name!r}")
        return getattr(getattr(self, part), name)
