"""Claims, their history and the transitions a reviewer asks for."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from schemas.common import PageQuerySchema, http_url
from service.claims import ClaimStatus, Rating


class SpanSchema(ma.Schema):
    start = fields.Integer()
    end = fields.Integer()


class HistoryEntrySchema(ma.Schema):
    at = fields.String()
    actor = fields.Raw(metadata={"description": '{key_id, name, role} or "system"'})
    from_ = fields.String(data_key="from", attribute="from", allow_none=True)
    to = fields.String()
    version = fields.Integer()
    fields_ = fields.Dict(data_key="fields", attribute="fields")
    why = fields.String()


class ClaimSchema(ma.Schema):
    id = fields.String(required=True)
    article_id = fields.String()
    text = fields.String()
    sentence = fields.String()
    span = fields.Nested(SpanSchema)
    attribution = fields.String(allow_none=True)
    entities = fields.List(fields.Dict())
    dates = fields.List(fields.Dict())
    score = fields.Float()
    score_reasons = fields.List(fields.String())
    kind = fields.String(allow_none=True)
    status = fields.String(validate=validate.OneOf([s.value for s in ClaimStatus]))
    version = fields.Integer()
    needs_context = fields.Boolean()
    relative_dates_unresolved = fields.Boolean()
    assignee = fields.Dict(allow_none=True)
    lease_expires_at = fields.String(allow_none=True)
    rating = fields.String(allow_none=True)
    explanation = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)
    copied_from = fields.String(allow_none=True)
    evidence = fields.List(fields.Dict())
    notes = fields.List(fields.Dict())
    matches = fields.List(fields.Dict())
    retracted = fields.Boolean()
    extractor = fields.Dict(allow_none=True)
    created_at = fields.String()
    updated_at = fields.String()
    decided_at = fields.String(allow_none=True)
    history = fields.List(fields.Nested(HistoryEntrySchema))


class ClaimListSchema(ma.Schema):
    claims = fields.List(fields.Nested(ClaimSchema))
    next_cursor = fields.String(allow_none=True)


class HistorySchema(ma.Schema):
    claim_id = fields.String()
    history = fields.List(fields.Nested(HistoryEntrySchema))


class ClaimQuerySchema(PageQuerySchema):
    status = fields.Enum(ClaimStatus, by_value=True)
    article_id = fields.String(validate=validate.Length(max=64))
    min_score = fields.Float(validate=validate.Range(min=0, max=1))


class EvidenceSchema(ma.Schema):
    url = http_url(required=True)
    title = fields.String(validate=validate.Length(max=500))
    note = fields.String(validate=validate.Length(max=2000))


class TransitionSchema(ma.Schema):
    to = fields.Enum(ClaimStatus, by_value=True, required=True)
    rating = fields.Enum(Rating, by_value=True)
    explanation = fields.String(validate=validate.Length(max=10_000))
    reason = fields.String(validate=validate.Length(max=2000))
    note = fields.String(validate=validate.Length(max=10_000))
    evidence = fields.List(fields.Nested(EvidenceSchema), validate=validate.Length(max=50))
    copied_from = fields.String(validate=validate.Length(max=64))


class QueueNextSchema(ma.Schema):
    article_id = fields.String(validate=validate.Length(max=64))
    min_score = fields.Float(validate=validate.Range(min=0, max=1))
