"""Articles: submit for extraction, follow their status, read their claims."""
from __future__ import annotations

import logging

from flask import url_for
from flask.views import MethodView

from schemas.articles import ArticleCreateSchema, ArticleListSchema, ArticleQuerySchema, ArticleSchema
from schemas.claims import ClaimListSchema
from service.api import context
from service.api.access import current_actor, requires, take_quotas
from service.api.parsing import Blueprint, idempotency_key
from service.articles import article_body, correct_article, submit_article
from service.auth import Permission

log = logging.getLogger(__name__)

blp = Blueprint("articles", __name__, url_prefix="/api/v1/articles",
                description="Submit articles and follow their extraction")


def charge_article(data: dict) -> None:
    """An article costs one from the caller's articles quota and its size from its bytes
    quota (429 when either is spent); one over the size limit is refused first (413)."""
    _field, _body, size = article_body(data, max_bytes=context.settings().max_article_bytes)
    articles, text_bytes = context.settings().article_quotas
    take_quotas([(articles, 1), (text_bytes, size)])


@blp.route("")
class Articles(MethodView):
    @requires(Permission.SUBMIT)
    @blp.arguments(ArticleCreateSchema)
    @blp.response(202, ArticleSchema, description="stored and queued for extraction")
    @blp.alt_response(200, schema=ArticleSchema, description="the same content was submitted before")
    @blp.alt_response(413, description="the article is over CLAIMTRACK_MAX_ARTICLE_BYTES")
    @blp.alt_response(429, description="this key's articles a minute or article bytes an hour are spent")
    def post(self, data):
        """Submit an article (text or HTML); the same content again returns the stored article.
        Limited per API key: articles a minute and bytes of text an hour (429)."""
        charge_article(data)
        created, article = submit_article(
            context.store(), data, max_bytes=context.settings().max_article_bytes,
            submitted_by=current_actor().key_id, idempotency_key=idempotency_key())
        if not created:
            return article, 200
        try:
            context.enqueue_extraction(article["id"])
        except Exception:  # stored anyway: the beat sweep sends queued articles again
            log.exception("could not enqueue extraction of %s", article["id"])
        return article, 202, {"Location": url_for("articles.Article", article_id=article["id"])}

    @requires(Permission.READ)
    @blp.arguments(ArticleQuerySchema, location="query")
    @blp.response(200, ArticleListSchema)
    def get(self, query):
        """Articles, oldest first (`sort=-created`: newest first), one page at a time; or, with
        `id` (repeatable, up to 100), just those, in the order asked (e.g. the titles beside a
        page of claims)."""
        status = query.get("status")
        if "ids" in query:
            articles = context.store().articles_by_id(query["ids"])
            if status:
                articles = [a for a in articles if a["status"] == status.value]
            return {"articles": articles, "next_cursor": None}
        articles, cursor = context.store().list_articles(
            status=status.value if status else None, cursor=query.get("cursor"), limit=query["limit"],
            newest_first=query["sort"] == "-created")
        return {"articles": articles, "next_cursor": cursor}


@blp.route("/<string:article_id>")
class Article(MethodView):
    @requires(Permission.READ)
    @blp.response(200, ArticleSchema)
    def get(self, article_id):
        """One article: status (queued → processing → done | failed), claim count, error."""
        return context.store().get_article(article_id, with_text=True)

    @requires(Permission.SUBMIT)
    @blp.arguments(ArticleCreateSchema)
    @blp.response(202, ArticleSchema, description="corrected and queued for re-extraction")
    @blp.alt_response(429, description="this key's articles a minute or article bytes an hour are spent")
    def put(self, data, article_id):
        """A corrected text: re-extracted; unchanged claims keep their ids, states and verdicts,
        claims gone from the text are retracted (history kept). Counts as a new article
        against the key's rate limits."""
        charge_article(data)
        article = correct_article(context.store(), article_id, data,
                                  max_bytes=context.settings().max_article_bytes,
                                  corrected_by=current_actor().key_id)
        try:
            context.enqueue_extraction(article_id)
        except Exception:  # stored anyway: the beat sweep sends queued articles again
            log.exception("could not enqueue extraction of %s", article_id)
        return article


@blp.route("/<string:article_id>/claims")
class ArticleClaims(MethodView):
    @requires(Permission.READ)
    @blp.response(200, ClaimListSchema)
    def get(self, article_id):
        """The article's claims in text order (retracted ones included, marked)."""
        return {"claims": context.store().article_claims(article_id), "next_cursor": None}
