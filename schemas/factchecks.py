"""Fact-checks: what the API serves of a stored ClaimReview, and the lookup's request and answer."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from schemas.common import PageQuerySchema, StoredShape
from service.factchecks import LANGUAGE_TAG


class PublishedRatingSchema(ma.Schema):
    value = fields.Float(allow_none=True)
    best = fields.Float(allow_none=True)
    worst = fields.Float(allow_none=True)
    alternate_name = fields.String(allow_none=True)


class FactCheckSchema(StoredShape):
    """A fact-check as service/store/factchecks.py stores it."""

    id = fields.String(required=True)
    claim_reviewed = fields.String()
    url = fields.String()
    title = fields.String(allow_none=True, metadata={"description": "the fact-check's headline"})
    publisher = fields.String(allow_none=True)
    publisher_url = fields.String(allow_none=True)
    speaker = fields.String(allow_none=True, metadata={"description": "itemReviewed.author: who made the claim"})
    date_published = fields.String(allow_none=True)
    language = fields.String(allow_none=True)
    rating = fields.Nested(PublishedRatingSchema, metadata={"description": "as published"})
    rating_mapped = fields.String(allow_none=True, metadata={
        "description": "the published rating on our scale, where the README's table makes it clear"})
    created_at = fields.String()
    updated_at = fields.String()


class FactCheckListSchema(ma.Schema):
    factchecks = fields.List(fields.Nested(FactCheckSchema))
    next_cursor = fields.String(allow_none=True)


class FactCheckQuerySchema(PageQuerySchema):
    q = fields.String(validate=validate.Length(min=1, max=200), metadata={"description": "claim text contains"})


class ImportResultSchema(ma.Schema):
    index = fields.Integer(metadata={"description": "position of the ClaimReview in the document"})
    code = fields.Integer(metadata={"description": "201 created, 200 updated or unchanged, 422 refused"})
    id = fields.String()
    outcome = fields.String(validate=validate.OneOf(["created", "updated", "unchanged"]))
    error = fields.Dict()


class ImportResultsSchema(ma.Schema):
    results = fields.List(fields.Nested(ImportResultSchema))


class LookupSchema(ma.Schema):
    text = fields.String(required=True, validate=validate.Length(min=1, max=5_000))
    language = fields.String(validate=validate.Regexp(LANGUAGE_TAG),
                             metadata={"description": "only fact-checks in this language (or of none stated)"})
    limit = fields.Integer(load_default=10, validate=validate.Range(min=1, max=50))


class LookupClaimSchema(ma.Schema):
    id = fields.String()
    status = fields.String()
    rating = fields.String(allow_none=True)
    article_id = fields.String()
    explanation = fields.String(allow_none=True)


class LookupResultSchema(ma.Schema):
    kind = fields.String(validate=validate.OneOf(["factcheck", "claim"]),
                         metadata={"description": "a stored fact-check, or one of our verified or flagged claims"})
    id = fields.String()
    text = fields.String()
    similarity = fields.Float(metadata={"description": "0..1"})
    matched_terms = fields.List(fields.String(), metadata={"description": "the rarest words both share"})
    differences = fields.List(fields.String(), metadata={
        "description": "figures, dates, a negation or parties that differ (the looked-up text's first): "
                       "then not the same claim"})
    factcheck = fields.Nested(FactCheckSchema)
    claim = fields.Nested(LookupClaimSchema)


class LookupResultsSchema(ma.Schema):
    results = fields.List(fields.Nested(LookupResultSchema))
