"""The HTTP contract's schemas, as pure code."""
from __future__ import annotations

import datetime as dt

import pytest
from marshmallow import ValidationError

from schemas.articles import ArticleCreateSchema
from schemas.claims import TransitionSchema


def test_published_at_accepts_a_date_or_a_datetime():
    schema = ArticleCreateSchema()
    assert schema.load({"text": "x", "published_at": "2024-07-04"})["published_at"] == dt.date(2024, 7, 4)
    moment = schema.load({"text": "x", "published_at": "2024-07-04T10:00:00Z"})["published_at"]
    assert moment == dt.datetime(2024, 7, 4, 10, tzinfo=dt.UTC)
    naive = schema.load({"text": "x", "published_at": "2024-07-04T10:00:00"})["published_at"]
    assert naive.tzinfo == dt.UTC


@pytest.mark.parametrize("url", ["ftp://example.org/x", "javascript:alert(1)", "example.org"])
def test_only_http_urls_are_accepted(url):
    with pytest.raises(ValidationError) as refused:
        ArticleCreateSchema().load({"text": "x", "url": url})
    assert "url" in refused.value.messages


def test_urls_without_a_tld_are_fine():
    assert ArticleCreateSchema().load({"text": "x", "url": "http://intranet:8080/a"})["url"]


def test_text_or_html_but_not_both_nor_neither():
    with pytest.raises(ValidationError):
        ArticleCreateSchema().load({})
    with pytest.raises(ValidationError):
        ArticleCreateSchema().load({"text": "x", "html": "<p>x</p>"})


def test_evidence_urls_must_be_http():
    with pytest.raises(ValidationError) as refused:
        TransitionSchema().load({"to": "verified", "evidence": [{"url": "file:///etc/passwd"}]})
    assert "evidence" in refused.value.messages
