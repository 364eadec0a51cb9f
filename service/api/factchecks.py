"""Fact-checks: ClaimReview JSON-LD in, listed, read, deleted; and the "has this been checked?" lookup."""
from __future__ import annotations

from flask.views import MethodView

from schemas.factchecks import (
    FactCheckListSchema,
    FactCheckQuerySchema,
    FactCheckSchema,
    ImportResultsSchema,
    LookupResultsSchema,
    LookupSchema,
)
from service.api import context
from service.api.access import requires
from service.api.parsing import Blueprint, json_document
from service.auth import Permission
from service.errors import InvalidClaimReview
from service.factcheck_import import import_claimreviews
from service.lookup import Lookup

blp = Blueprint("factchecks", __name__, url_prefix="/api/v1/factchecks",
                description="Fact-checks (schema.org ClaimReview) and the lookup of a text among them")

# One per process: its index is rebuilt only when fact-checks or verdicts change.
LOOKUP = Lookup()


@blp.route("")
class FactChecks(MethodView):
    @requires(Permission.SUBMIT)
    @blp.response(200, ImportResultsSchema)
    @blp.alt_response(201, schema=ImportResultsSchema, description="one ClaimReview object, newly stored")
    @blp.alt_response(422, description="one ClaimReview object that cannot be read: the bad fields are named")
    @blp.doc(requestBody={"required": True, "content": {"application/ld+json": {"schema": {"type": "object"}},
                                                        "application/json": {"schema": {"type": "object"}}}})
    def post(self):
        """Store ClaimReview JSON-LD as fact-checkers publish it: one object, a list, or a `@graph`.
        Idempotent on `url` (a URL stored before keeps its id and takes the new fields). A list or
        graph answers 200 with a result per object; one object answers 201, 200 or 422."""
        document = json_document()
        results = import_claimreviews(context.store(), document)
        if isinstance(document, dict) and "@graph" not in document:
            (result,) = results
            if result["code"] == 422:
                raise InvalidClaimReview(result["error"]["message"], errors=result["error"]["errors"])
            return {"results": results}, result["code"]
        return {"results": results}

    @requires(Permission.READ)
    @blp.arguments(FactCheckQuerySchema, location="query")
    @blp.response(200, FactCheckListSchema)
    def get(self, query):
        """Fact-checks, newest first; `q` keeps those whose claim contains it."""
        factchecks, cursor = context.store().factchecks.list_factchecks(
            q=query.get("q"), cursor=query.get("cursor"), limit=query["limit"])
        return {"factchecks": factchecks, "next_cursor": cursor}


@blp.route("/<string:factcheck_id>")
class FactCheck(MethodView):
    @requires(Permission.READ)
    @blp.response(200, FactCheckSchema)
    def get(self, factcheck_id):
        """One fact-check."""
        return context.store().factchecks.get_factcheck(factcheck_id)

    @requires(Permission.ADMIN)
    @blp.response(200, FactCheckSchema)
    def delete(self, factcheck_id):
        """Delete a fact-check (admin); it answers as it was."""
        return context.store().factchecks.delete_factcheck(factcheck_id)


@blp.route("/search")
class FactCheckSearch(MethodView):
    @requires(Permission.READ)
    @blp.arguments(LookupSchema)
    @blp.response(200, LookupResultsSchema)
    def post(self, data):
        """Has this been checked before? Stored fact-checks and our verified and flagged claims,
        most similar first, each with the words both share and what differs (figures, dates, a
        negation, parties)."""
        results = LOOKUP.search(context.store(), data["text"], limit=data["limit"], language=data.get("language"))
        return {"results": results}
