"""Feeds: subscriptions with their poll state, the poll schedule, and every entry ingested once."""
from __future__ import annotations

import secrets
import time

import redis

from service.errors import DuplicateFeed, NotFound
from service.feeds import PollOutcome, next_poll_delay, url_key
from service.store.keys import PREFIX, Keys
from service.store.paging import page, range_then_load
from service.store.scripts import Script
from service.store.stamps import iso_from_ms, now_iso

# A feed hash's fields that the API shows as they are stored (strings or absent).
_TEXT_FIELDS = ("url", "created_at", "updated_at", "last_polled_at", "last_success_at",
                "last_status", "last_error", "last_entry_error", "feed_title")


# An entry identity held by a poll (claim_feed_entry.lua knows it by this start).
HOLDER_PREFIX = "pending:"


def _pairs(fields: dict) -> list[str]:
    return [part for name, value in fields.items() for part in (name, str(value))]


class FeedStore:
    """Feeds (RSS/Atom) and their polls; which entries have become articles."""

    def __init__(self, client: redis.Redis, *, prefix: str = PREFIX):
        self.redis = client
        self.keys = Keys(prefix)
        self._create = Script(client, "create_feed", prefix=prefix)
        self._update = Script(client, "update_feed", prefix=prefix)
        self._claim_due = Script(client, "claim_due_feeds", prefix=prefix)
        self._record = Script(client, "record_feed_poll", prefix=prefix)
        self._claim_entry = Script(client, "claim_feed_entry", prefix=prefix)
        self._finish_entry = Script(client, "finish_feed_entry", prefix=prefix)

    # -- subscriptions ------------------------------------------------------------------
    def create_feed(self, feed_id: str, *, url: str, title: str | None, interval_seconds: int,
                    fetch_pages: bool) -> dict:
        now = time.time()
        fields = {"id": feed_id, "url": url, "url_key": url_key(url), "title": title or "",
                  "interval_seconds": interval_seconds, "fetch_pages": "1" if fetch_pages else "0",
                  "active": "1", "created_at": now_iso(now), "updated_at": now_iso(now),
                  "consecutive_failures": 0, "entries_ingested": 0}
        outcome = self._create(feed_id, url_key(url), int(now * 1000), *_pairs(fields))
        if outcome[0] == "duplicate":
            raise DuplicateFeed(f"feed {outcome[1]} already polls {url}",
                                errors={"url": [f"already polled by feed {outcome[1]}"]})
        return self.get_feed(feed_id)

    def get_feed(self, feed_id: str) -> dict:
        found = self._load([feed_id])[0]
        if found is None:
            raise NotFound(f"no feed {feed_id}")
        return found

    def feed_state(self, feed_id: str) -> dict[str, str]:
        """The stored hash as it is (what a poll needs: URL, validators, failures)."""
        return self.redis.hgetall(self.keys.feed(feed_id))

    def list_feeds(self, *, cursor: str | None = None, limit: int = 50) -> tuple[list[dict], str | None]:
        """Oldest first."""
        return page(range_then_load(self.redis, self.keys.feeds, self._load), cursor=cursor, limit=limit)

    def update_feed(self, feed_id: str, changes: dict) -> dict:
        """Apply `changes` (url, title, interval_seconds, fetch_pages, active)."""
        now = time.time()
        fields: dict = {"updated_at": now_iso(now)}
        new_key = ""
        if "url" in changes:
            new_key = url_key(changes["url"])
            fields["url"] = changes["url"]
        if "title" in changes:
            fields["title"] = changes["title"] or ""
        if "interval_seconds" in changes:
            fields["interval_seconds"] = int(changes["interval_seconds"])
        if "fetch_pages" in changes:
            fields["fetch_pages"] = "1" if changes["fetch_pages"] else "0"
        active = "" if changes.get("active") is None else ("1" if changes["active"] else "0")
        outcome = self._update(feed_id, int(now * 1000), new_key, active, *_pairs(fields))
        if outcome[0] == "not_found":
            raise NotFound(f"no feed {feed_id}")
        if outcome[0] == "duplicate":
            raise DuplicateFeed(f"feed {outcome[1]} already polls {changes['url']}",
                                errors={"url": [f"already polled by feed {outcome[1]}"]})
        return self.get_feed(feed_id)

    def delete_feed(self, feed_id: str) -> None:
        """The feed and its poll state; the articles it made stay, and so does the memory of
        their entries (the same feed added again ingests none of them twice)."""
        key = self.keys.feed(feed_id)
        stored_url_key = self.redis.hget(key, "url_key")
        if stored_url_key is None:
            raise NotFound(f"no feed {feed_id}")
        pipe = self.redis.pipeline()
        pipe.delete(key, self.keys.feed_entries(feed_id))
        pipe.zrem(self.keys.feeds, feed_id)
        pipe.zrem(self.keys.feeds_due, feed_id)
        pipe.execute()
        if self.redis.get(self.keys.feed_url(stored_url_key)) == feed_id:
            self.redis.delete(self.keys.feed_url(stored_url_key))

    def _load(self, ids: list[str]) -> list[dict | None]:
        pipe = self.redis.pipeline(transaction=False)
        for feed_id in ids:
            pipe.hgetall(self.keys.feed(feed_id))
            pipe.scard(self.keys.feed_entries(feed_id))
            pipe.zscore(self.keys.feeds_due, feed_id)
        rows = pipe.execute()
        return [self._decode(raw, seen, due) if raw else None
                for raw, seen, due in zip(rows[0::3], rows[1::3], rows[2::3])]

    @staticmethod
    def _decode(raw: dict, entries_seen: int, due_ms: float | None) -> dict:
        feed = {name: raw.get(name) or None for name in _TEXT_FIELDS}
        active = raw.get("active") == "1"
        feed.update(
            id=raw["id"],
            title=raw.get("title") or None,
            interval_seconds=int(raw.get("interval_seconds") or 0),
            fetch_pages=raw.get("fetch_pages") == "1",
            active=active,
            consecutive_failures=int(raw.get("consecutive_failures") or 0),
            entries_seen=int(entries_seen),
            entries_ingested=int(raw.get("entries_ingested") or 0),
            # While a poll holds the feed, its due time is the lease's end: the poll is now.
            next_poll_at=(now_iso() if raw.get("poll_token") else iso_from_ms(int(due_ms)))
            if active and due_ms is not None else None,
            polling=bool(raw.get("poll_token")),
        )
        return feed

    # -- polls --------------------------------------------------------------------------
    def claim_due_feeds(self, *, lease_seconds: int, limit: int = 100) -> list[tuple[str, str]]:
        """(feed id, poll token) of each feed due now, held for `lease_seconds`."""
        taken = self._claim_due(int(time.time() * 1000), lease_seconds * 1000, limit,
                                secrets.token_hex(6))
        return list(zip(taken[0::2], taken[1::2]))

    def record_feed_poll(self, feed_id: str, token: str, outcome: PollOutcome, *,
                    interval_seconds: int, previous_failures: int) -> dict | None:
        """Write a poll's outcome and schedule the next (backing off while it fails); None when
        the token no longer holds the feed (deleted, or taken by a later poll)."""
        now = time.time()
        failures = previous_failures + 1 if outcome.failed else 0
        delay = next_poll_delay(interval_seconds, failures, retry_after=outcome.retry_after)
        next_ms = int((now + delay) * 1000)
        fields: dict = {"last_polled_at": now_iso(now), "last_polled_ms": int(now * 1000),
                        "last_status": outcome.status, "consecutive_failures": failures}
        clear: list[str] = []
        if outcome.failed:
            fields["last_error"] = (outcome.error or "failed")[:1000]
        else:
            fields["last_success_at"] = now_iso(now)
            clear.append("last_error")
            if outcome.status == "ok":  # a 304 keeps the validators it matched
                for name, value in (("etag", outcome.etag), ("last_modified", outcome.last_modified)):
                    if value:
                        fields[name] = value[:500]
                    else:
                        clear.append(name)
            if outcome.feed_title:
                fields["feed_title"] = outcome.feed_title
            if outcome.entry_error:
                fields["last_entry_error"] = outcome.entry_error[:1000]
            elif outcome.status == "ok":
                clear.append("last_entry_error")
        if not self._record(feed_id, token, next_ms, " ".join(clear), *_pairs(fields)):
            return None
        return self.get_feed(feed_id)

    # -- entries ------------------------------------------------------------------------
    def claim_feed_entry(self, feed_id: str, identities: list[str], *, holder: str,
                    hold_seconds: int) -> tuple[str, str | None]:
        """('claimed', None): ingest it, then `finish_feed_entry`; ('seen', article id): ingested
        before; ('busy', None): another poll has it now."""
        outcome = self._claim_entry(feed_id, HOLDER_PREFIX + holder, hold_seconds * 1000, *identities)
        return str(outcome[0]), (str(outcome[1]) if len(outcome) > 1 else None)

    def finish_feed_entry(self, feed_id: str, identities: list[str], *, holder: str,
                     article_id: str | None, created: bool = False) -> None:
        """The entry became `article_id` (for good), or (None) is let go for the next poll."""
        self._finish_entry(feed_id, HOLDER_PREFIX + holder, article_id or "", "1" if created else "0", *identities)
