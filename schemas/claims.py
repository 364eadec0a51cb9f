"""Claims, their history and the transitions a reviewer asks for."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import ValidationError, fields, validate, validates_schema

from schemas.common import DateOrDateTime, PageQuerySchema, StoredShape, http_url
from service.claims import ClaimStatus, Rating
from service.matching import MatchDecision


def json_objects(description: str) -> fields.Raw:
    """A list of JSON objects passed through as stored (Raw: dumping each key through
    marshmallow fields costs more than the Redis read on a 50-claim page)."""
    return fields.Raw(metadata={"type": "array", "items": {"type": "object"}, "description": description})


def json_object(description: str) -> fields.Raw:
    return fields.Raw(allow_none=True, metadata={"type": "object", "description": description})


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


class ClaimSchema(StoredShape):
    """As service/store/claims.py decode_claim builds it (with `history` on single reads)."""

    id = fields.String(required=True)
    article_id = fields.String()
    text = fields.String()
    sentence = fields.String()
    span = fields.Nested(SpanSchema)
    attribution = fields.String(allow_none=True)
    entities = json_objects("{text, label, canonical}")
    dates = json_objects("{text, iso}")
    score = fields.Float()
    score_reasons = fields.List(fields.String())
    kind = fields.String(allow_none=True)
    status = fields.String(validate=validate.OneOf([s.value for s in ClaimStatus]))
    version = fields.Integer()
    needs_context = fields.Boolean()
    relative_dates_unresolved = fields.Boolean()
    assignee = json_object("the lease holder {key_id, name, role}")
    lease_expires_at = fields.String(allow_none=True)
    rating = fields.String(allow_none=True)
    explanation = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)
    copied_from = fields.String(allow_none=True)
    proposed_status = fields.String(allow_none=True,
                                    metadata={"description": "four-eyes: the verdict awaiting approval"})
    proposed_by = json_object("four-eyes: who proposed the verdict")
    priority_boost = fields.Float()
    evidence = json_objects("{url, title, note, actor, at}")
    notes = json_objects("{text, actor, at}")
    matches = json_objects("the same claim in other articles: {claim_id, score, tier, differences (what keeps a "
                           "pair from being confirmed: a figure, date, negation, party or statement that differs), "
                           "status, rating, article_id, text}")
    factchecks = json_objects("fact-checks this claim matches, found when it was extracted: {factcheck_id, url, "
                              "publisher, rating (ours, or null), rating_published, similarity, tier, differences, at}")
    retracted = fields.Boolean()
    extractor = json_object("{name, version}")
    created_at = fields.String()
    updated_at = fields.String()
    decided_at = fields.String(allow_none=True)
    history = fields.List(fields.Nested(HistoryEntrySchema))


class ClaimSummarySchema(ClaimSchema):
    """A claim without its history (lists, bulk results)."""

    class Meta:
        exclude = ("history",)


class ClaimListSchema(StoredShape):
    """As the handlers build it: a page of claims (each as `ClaimSummarySchema` documents it,
    already one JSON value in a list answer: store/claims.py `encoded_claim`)."""

    claims = fields.List(fields.Nested(ClaimSummarySchema))
    next_cursor = fields.String(allow_none=True)


class HistorySchema(ma.Schema):
    claim_id = fields.String()
    history = fields.List(fields.Nested(HistoryEntrySchema))


class OccurrenceSchema(ma.Schema):
    id = fields.String()
    text = fields.String()
    status = fields.String()
    rating = fields.String(allow_none=True)
    tier = fields.String(metadata={"description": "self, confirmed (the same claim, maybe through other "
                                                  "confirmed matches) or suggested (a match of this claim)"})
    article_id = fields.String()
    article_title = fields.String(allow_none=True)
    source = fields.String(allow_none=True)
    url = fields.String(allow_none=True)
    speaker = fields.String(allow_none=True, metadata={"description": "the claim's attribution"})
    seen_at = fields.String(allow_none=True, metadata={"description": "its article's publication, else its extraction"})


class DayCountSchema(ma.Schema):
    date = fields.String()
    count = fields.Integer()


class SourceCountSchema(ma.Schema):
    source = fields.String()
    count = fields.Integer()


class SpeakerCountSchema(ma.Schema):
    speaker = fields.String()
    count = fields.Integer()


class RecurrenceSchema(ma.Schema):
    claim_id = fields.String()
    occurrences = fields.Integer(metadata={"description": "claims in the cluster, this one included"})
    first_seen = fields.String(allow_none=True)
    last_seen = fields.String(allow_none=True)
    per_day = fields.List(fields.Nested(DayCountSchema))
    articles = fields.Integer(metadata={"description": "distinct articles"})
    sources = fields.List(fields.Nested(SourceCountSchema))
    speakers = fields.List(fields.Nested(SpeakerCountSchema))
    claims = fields.List(fields.Nested(OccurrenceSchema), metadata={"description": "first seen first"})
    truncated = fields.Boolean(metadata={"description": "the cluster had more claims than one answer follows"})


class RecurringQuerySchema(ma.Schema):
    status = fields.Enum(ClaimStatus, by_value=True, load_default=ClaimStatus.FLAGGED)
    since = DateOrDateTime(metadata={"description": "count repeats matched since then (default: all)"})
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class RecurringClaimSchema(ma.Schema):
    claim = fields.Dict(metadata={"description": "{id, text, status, rating, article_id}"})
    repeats = fields.Integer()
    first_seen = fields.String(allow_none=True)
    last_seen = fields.String(allow_none=True)
    sources = fields.List(fields.Nested(SourceCountSchema))
    speakers = fields.List(fields.Nested(SpeakerCountSchema))


class RecurringSchema(ma.Schema):
    recurring = fields.List(fields.Nested(RecurringClaimSchema))


class ClaimFiltersSchema(ma.Schema):
    """What selects claims, for a page of them (`ClaimQuerySchema`) or all of them (an export)."""

    status = fields.Enum(ClaimStatus, by_value=True)
    article_id = fields.String(validate=validate.Length(max=64))
    entity = fields.String(validate=validate.Length(min=1, max=200),
                           metadata={"description": "a canonical entity name, case-insensitive"})
    assignee = fields.String(validate=validate.Length(min=1, max=64),
                             metadata={"description": "`me`, or an API key id"})
    rating = fields.Enum(Rating, by_value=True)
    min_score = fields.Float(validate=validate.Range(min=0, max=1))
    max_score = fields.Float(validate=validate.Range(min=0, max=1))
    q = fields.String(validate=validate.Length(min=1, max=200), metadata={"description": "text contains"})
    created_after = DateOrDateTime()
    created_before = DateOrDateTime()
    sort = fields.String(load_default="created",
                         validate=validate.OneOf(["created", "-created", "score", "-score"]))


class ClaimQuerySchema(PageQuerySchema, ClaimFiltersSchema):
    pass


class ClaimExportQuerySchema(ClaimFiltersSchema):
    format = fields.String(load_default="ndjson", validate=validate.OneOf(["ndjson", "csv"]),
                           metadata={"description": "ndjson (a claim per line, as GET /claims/{id} answers "
                                                    "without history) or csv (one row per claim)"})


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
    entity = fields.String(validate=validate.Length(min=1, max=200))
    min_score = fields.Float(validate=validate.Range(min=0, max=1))


BULK_LIMIT = 500


class BulkItemSchema(ma.Schema):
    id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    to = fields.Enum(ClaimStatus, by_value=True, required=True)
    version = fields.Integer(strict=True, validate=validate.Range(min=1),
                             metadata={"description": "checked like If-Match when given"})
    rating = fields.Enum(Rating, by_value=True)
    explanation = fields.String(validate=validate.Length(max=10_000))
    reason = fields.String(validate=validate.Length(max=2000))
    note = fields.String(validate=validate.Length(max=10_000))


class BulkTransitionSchema(ma.Schema):
    items = fields.List(fields.Nested(BulkItemSchema), required=True,
                        validate=validate.Length(min=1, max=BULK_LIMIT),
                        metadata={"description": "each claim `id` at most once (else 422 for the whole call)"})

    @validates_schema
    def _unique_ids(self, data, **kwargs):
        ids = [item["id"] for item in data.get("items", [])]
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if repeated:
            raise ValidationError(f"each claim at most once; repeated: {', '.join(repeated[:10])}",
                                  field_name="items")


class BulkResultSchema(ma.Schema):
    id = fields.String()
    code = fields.Integer()
    claim = fields.Nested(ClaimSummarySchema)
    error = fields.Dict()


class BulkResultsSchema(ma.Schema):
    results = fields.List(fields.Nested(BulkResultSchema))


class MatchDecisionSchema(ma.Schema):
    decision = fields.Enum(MatchDecision, by_value=True, required=True)
