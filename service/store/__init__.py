"""Storage: the only code that knows the Redis key layout (keys.py); every change is one Lua script (lua/)."""
from service.store.api_keys import ApiKeyStore
from service.store.articles import ArticleStore
from service.store.claims import ClaimStore
from service.store.facade import Store
from service.store.keys import KEYS, PREFIX, Keys
from service.store.outbox import OutboxStore
from service.store.paging import decode_cursor, encode_cursor
from service.store.stamps import now_iso
from service.store.stats import StatsStore, time_to_verdict_summary
from service.store.webhooks import WebhookStore

__all__ = [
    "KEYS", "PREFIX", "ApiKeyStore", "ArticleStore", "ClaimStore", "Keys", "OutboxStore",
    "StatsStore", "Store", "WebhookStore", "decode_cursor", "encode_cursor", "now_iso",
    "time_to_verdict_summary",
]
