"""The changes feed: live views poll it cheaply instead of holding a connection open."""
from __future__ import annotations

from flask import Response, request
from flask.views import MethodView

from schemas.changes import ChangeFeedSchema, ChangesQuerySchema
from service.api import context
from service.api.access import requires
from service.api.parsing import Blueprint
from service.auth import Permission

CHANGES_PER_ANSWER = 100

blp = Blueprint("changes", __name__, url_prefix="/api/v1/changes",
                description="What changed since a cursor, for live views")


def _cursor_headers(cursor: str) -> dict:
    return {"ETag": f'"{cursor}"', "Cache-Control": "no-cache"}


@blp.route("")
class Changes(MethodView):
    @requires(Permission.READ)
    @blp.arguments(ChangesQuerySchema, location="query", error_status_code=400)
    @blp.response(200, ChangeFeedSchema)
    @blp.alt_response(304, description="nothing new: If-None-Match holds the current cursor")
    def get(self, query):
        """Which claims and articles changed since `since` (the `cursor` of the previous answer):
        up to 100 events, oldest first, each naming what to read again.

        Poll it every few seconds with `If-None-Match: "<cursor>"`: while nothing changed the
        answer is an empty 304 (one O(1) Redis read), and no web worker is held between polls.
        `truncated: true` means the list is not complete (more than 100 followed, or the cursor
        is unknown here): load the views afresh and continue from the new cursor.

        Events are those of the webhook outbox: claim.created, claim.status_changed (`status`
        is the new state), claim.matched, article.processed and article.failed. Some changes
        write none: an article being submitted, corrected or starting to process (queued →
        processing), a lease renewed, a claim retracted by a correction (article.processed
        follows it). Poll the record itself while watching those.
        """
        store = context.store()
        cursor = store.newest_event_id()
        if request.if_none_match.contains_weak(cursor):
            return Response(status=304, headers=_cursor_headers(cursor))
        if "since" not in query:
            return {"cursor": cursor, "events": [], "truncated": False}, 200, _cursor_headers(cursor)
        feed = store.changes_after(query["since"], limit=CHANGES_PER_ANSWER)
        return feed, 200, _cursor_headers(feed["cursor"])
