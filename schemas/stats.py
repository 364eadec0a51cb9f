"""The desk's numbers: counts, queue depth and age, throughput, time to verdict, load."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import fields


class VerdictTimeBucketSchema(ma.Schema):
    le = fields.Integer(required=True, allow_none=True,
                      metadata={"description": "upper bound in seconds; null for the rest"})
    count = fields.Integer(required=True,
                           metadata={"description": "durations above the previous bound, up to this one"})


class TimeToVerdictSchema(ma.Schema):
    median = fields.Float(allow_none=True)
    p25 = fields.Float(allow_none=True)
    p75 = fields.Float(allow_none=True)
    p90 = fields.Float(allow_none=True)
    samples = fields.Integer(metadata={"description": "the latest verdicts measured (at most 10,000)"})
    histogram = fields.List(fields.Nested(VerdictTimeBucketSchema))


class StatsSchema(ma.Schema):
    claims = fields.Dict(metadata={"description": "by_status counts and total"})
    queue = fields.Dict(metadata={"description": "depth and oldest_pending_age_seconds"})
    verdicts_per_day = fields.Dict(keys=fields.String(), values=fields.Integer())
    time_to_verdict_seconds = fields.Nested(
        TimeToVerdictSchema, metadata={"description": "from extraction to verdict: percentiles and a histogram"})
    reviewers = fields.List(fields.Dict(), metadata={"description": "per reviewer: in_review, verdicts"})
    articles = fields.Dict()
