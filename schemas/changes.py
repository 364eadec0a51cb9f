"""The changes feed: which claims and articles changed since a cursor, for live views."""
from __future__ import annotations

import re

import marshmallow as ma
from marshmallow import ValidationError, fields

_STREAM_ID = r"^(\d{1,20})(?:-(\d{1,20}))?$"
_STREAM_ID_PART_LIMIT = 2 ** 64  # Redis refuses larger parts: that would be a 503, not a 400


def _stream_id(value: str) -> None:
    match = re.match(_STREAM_ID, value)
    if not match or any(int(part) >= _STREAM_ID_PART_LIMIT for part in match.groups() if part):
        raise ValidationError("not a cursor from this endpoint (a stream id such as 1719999999999-0)")


class ChangesQuerySchema(ma.Schema):
    since = fields.String(validate=_stream_id, metadata={
        "pattern": _STREAM_ID,  # the document states the rule too (each part also below 2^64)
        "description": "the `cursor` of the previous answer; without it, only the current cursor"})


class ChangeSchema(ma.Schema):
    id = fields.String(required=True, metadata={"description": "the event's id in the outbox"})
    type = fields.String(required=True, metadata={
        "description": "claim.created, claim.status_changed, claim.matched, article.processed or article.failed"})
    claim_id = fields.String()
    article_id = fields.String()
    matched_claim_id = fields.String(metadata={"description": "claim.matched: the other claim, changed too"})
    status = fields.String(metadata={"description": "the claim's status after the change"})


class ChangeFeedSchema(ma.Schema):
    cursor = fields.String(required=True, metadata={
        "description": "the newest event's id (0-0 when there is none yet); send it back as `since`"})
    events = fields.List(fields.Nested(ChangeSchema), required=True)
    truncated = fields.Boolean(required=True, metadata={
        "description": "true when `events` is not everything since `since` (more than 100 followed, "
                       "or the cursor is unknown here): load the views again"})
