"""The desk's numbers: counts, queue depth and age, throughput, time to verdict, load."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import fields


class StatsSchema(ma.Schema):
    claims = fields.Dict(metadata={"description": "by_status counts and total"})
    queue = fields.Dict(metadata={"description": "depth and oldest_pending_age_seconds"})
    verdicts_per_day = fields.Dict(keys=fields.String(), values=fields.Integer())
    time_to_verdict_seconds = fields.Dict(metadata={"description": "median from extraction to verdict"})
    reviewers = fields.List(fields.Dict(), metadata={"description": "per reviewer: in_review, verdicts"})
    articles = fields.Dict()
