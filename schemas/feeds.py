"""Feeds (RSS and Atom) polled for new articles: the HTTP contract."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from schemas.common import http_url
from service.feeds import MAX_INTERVAL_SECONDS, MIN_INTERVAL_SECONDS


def _interval(**kwargs) -> fields.Integer:
    return fields.Integer(strict=True, validate=validate.Range(
        min=MIN_INTERVAL_SECONDS, max=MAX_INTERVAL_SECONDS,
        error=f"must be from {MIN_INTERVAL_SECONDS} to {MAX_INTERVAL_SECONDS} seconds"),
        metadata={"description": "seconds between polls (a failing feed backs off from it)"}, **kwargs)


def _title(**kwargs) -> fields.String:
    return fields.String(validate=validate.Length(max=300), allow_none=True, metadata={
        "description": "shown, and given as ingested articles' source (else the feed's own title)"},
        **kwargs)


def _fetch_pages(**kwargs) -> fields.Boolean:
    return fields.Boolean(truthy={True}, falsy={False}, metadata={  # JSON true or false only
        "description": "fetch each entry's page and take its main text (else the entry's own "
                       "content or summary)"}, **kwargs)


class FeedCreateSchema(ma.Schema):
    url = http_url(required=True, metadata={"description": "an RSS or Atom feed on a public host"})
    title = _title()
    interval_seconds = _interval(required=True)
    fetch_pages = _fetch_pages(load_default=False)


class FeedUpdateSchema(ma.Schema):
    url = http_url(metadata={"description": "a new URL forgets the old validators; polled now"})
    title = _title()
    interval_seconds = _interval()
    fetch_pages = _fetch_pages()
    active = fields.Boolean(truthy={True}, falsy={False}, metadata={
        "description": "false stops polling; true polls it now"})


class FeedSchema(ma.Schema):
    id = fields.String()
    url = fields.String()
    title = fields.String(allow_none=True)
    feed_title = fields.String(allow_none=True, metadata={"description": "the title the feed gives itself"})
    interval_seconds = fields.Integer()
    fetch_pages = fields.Boolean()
    active = fields.Boolean()
    created_at = fields.String()
    updated_at = fields.String()
    last_polled_at = fields.String(allow_none=True)
    last_success_at = fields.String(allow_none=True)
    last_status = fields.String(allow_none=True, metadata={
        "description": "ok, not_modified (a 304 to the conditional GET) or error"})
    last_error = fields.String(allow_none=True, metadata={
        "description": "why the last poll failed (cleared by one that works)"})
    last_entry_error = fields.String(allow_none=True, metadata={
        "description": "why the last poll left an entry for later (its page failed, too large)"})
    consecutive_failures = fields.Integer(metadata={"description": "failed polls in a row"})
    entries_seen = fields.Integer(metadata={"description": "distinct entries this feed has listed"})
    entries_ingested = fields.Integer(metadata={"description": "articles made from its entries"})
    next_poll_at = fields.String(allow_none=True, metadata={"description": "null while inactive"})
    polling = fields.Boolean(metadata={"description": "a poll is running now"})


class FeedListSchema(ma.Schema):
    feeds = fields.List(fields.Nested(FeedSchema))
    next_cursor = fields.String(allow_none=True)
