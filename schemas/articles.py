"""Articles: what a client submits and what the API answers."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import ValidationError, fields, validate, validates_schema

from schemas.common import DateOrDateTime, PageQuerySchema, http_url
from service.claims import ArticleStatus

MAX_ARTICLE_IDS = 100  # the articles beside one page of claims (at most 100 claims)


# Something besides whitespace (a pattern, so the OpenAPI document states it too).
_NOT_BLANK = validate.Regexp(r"^\s*\S", error="must not be empty or whitespace only")


class ArticleCreateSchema(ma.Schema):
    """Exactly one of `text` and `html`."""

    text = fields.String(validate=_NOT_BLANK, metadata={
        "description": "plain text; spans index it. Exactly one of `text` and `html` is required"})
    html = fields.String(validate=_NOT_BLANK, metadata={
        "description": "a web page; its main text is extracted. Exactly one of `text` and `html` is required"})
    title = fields.String(validate=validate.Length(max=1000))
    url = http_url()
    source = fields.String(validate=validate.Length(max=200))
    published_at = DateOrDateTime(metadata={"description": "ISO date or datetime; without a zone, UTC"})
    language = fields.String(validate=validate.Regexp(r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})?$",
                                                      error="Not a language code such as en or pt-BR."))

    @validates_schema
    def _text_or_html(self, data, **kwargs):
        if "text" in data and "html" in data:
            raise ValidationError("give either text or html, not both", field_name="text")
        if "text" not in data and "html" not in data:
            raise ValidationError("text or html is required", field_name="text")


class ArticleSchema(ma.Schema):
    id = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf([s.value for s in ArticleStatus]))
    title = fields.String(allow_none=True)
    url = fields.String(allow_none=True)
    source = fields.String(allow_none=True)
    published_at = fields.String(allow_none=True)
    language = fields.String(allow_none=True)
    claim_count = fields.Integer()
    error = fields.String(allow_none=True)
    skipped_reason = fields.String(allow_none=True)
    content_hash = fields.String()
    format = fields.String(metadata={"description": "text or html, as submitted"})
    created_at = fields.String()
    updated_at = fields.String()
    timings = fields.Dict(metadata={"description": "queued_at, started_at, finished_at, extraction_ms"})
    extractor = fields.Dict(allow_none=True)
    text = fields.String(allow_none=True, metadata={
        "description": "the text claim spans index (single article only); null until an HTML "
                       "article's main text is extracted"})


class ArticleListSchema(ma.Schema):
    articles = fields.List(fields.Nested(ArticleSchema))
    next_cursor = fields.String(allow_none=True)


class ArticleQuerySchema(PageQuerySchema):
    status = fields.Enum(ArticleStatus, by_value=True)
    sort = fields.String(load_default="created", validate=validate.OneOf(["created", "-created"]),
                         metadata={"description": "`created` (oldest first, the default) or `-created`"})
    ids = fields.List(
        fields.String(validate=validate.Length(min=1, max=64)), data_key="id",
        validate=validate.Length(max=MAX_ARTICLE_IDS, error=f"at most {MAX_ARTICLE_IDS} ids in one request"),
        metadata={"description": "repeatable: just these articles, in the order asked, unknown ids "
                                 "left out; `cursor` and `limit` then do not apply"})
