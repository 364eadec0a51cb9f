"""Feeds (RSS and Atom) that beat polls for new articles: admins add, change and remove them."""
from __future__ import annotations

from flask.views import MethodView

from schemas.common import PageQuerySchema
from schemas.feeds import FeedCreateSchema, FeedListSchema, FeedSchema, FeedUpdateSchema
from service import feed_monitor
from service.api import context
from service.api.access import requires
from service.api.parsing import Blueprint
from service.auth import Permission

blp = Blueprint("feeds", __name__, url_prefix="/api/v1/feeds",
                description="RSS and Atom feeds polled for new articles (changes: admin)")


@blp.route("")
class Feeds(MethodView):
    @requires(Permission.READ)
    @blp.arguments(PageQuerySchema, location="query")
    @blp.response(200, FeedListSchema)
    def get(self, query):
        """Every feed, oldest first: last poll, last error, entries seen, next poll, failures in a row."""
        found, cursor = context.store().list_feeds(cursor=query.get("cursor"), limit=query["limit"])
        return {"feeds": found, "next_cursor": cursor}

    @requires(Permission.ADMIN)
    @blp.arguments(FeedCreateSchema)
    @blp.response(201, FeedSchema, description="the feed, due for its first poll now")
    @blp.alt_response(409, description="another feed already polls this URL")
    @blp.alt_response(422, description="a URL that is not public http(s), an interval under 60 s")
    def post(self, data):
        """Poll an RSS or Atom feed every `interval_seconds`; each new entry becomes an article once."""
        return feed_monitor.create_feed(
            context.store(), url=data["url"], title=data.get("title"),
            interval_seconds=data["interval_seconds"], fetch_pages=data["fetch_pages"],
            allow_private=context.settings().feed_allow_private), 201


@blp.route("/<string:feed_id>")
class Feed(MethodView):
    @requires(Permission.READ)
    @blp.response(200, FeedSchema)
    def get(self, feed_id):
        """One feed with its poll state."""
        return context.store().get_feed(feed_id)

    @requires(Permission.ADMIN)
    @blp.arguments(FeedUpdateSchema, required=False)  # every field is optional; none changes nothing
    @blp.response(200, FeedSchema)
    @blp.alt_response(409, description="another feed already polls this URL")
    def patch(self, data, feed_id):
        """Change url, title, interval_seconds, fetch_pages; `active: false` stops polling."""
        return feed_monitor.update_feed(context.store(), feed_id, data,
                                        allow_private=context.settings().feed_allow_private)

    @requires(Permission.ADMIN)
    @blp.response(204)
    def delete(self, feed_id):
        """Stop polling and forget the feed; its articles stay (and its entries stay ingested)."""
        context.store().delete_feed(feed_id)
