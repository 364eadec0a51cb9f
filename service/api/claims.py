"""Claims: list and search, read with history and version, move through the review states,
leases, bulk changes, matches and ClaimReview."""
from __future__ import annotations

import re

from flask import g, request
from flask.views import MethodView
from flask_smorest import abort
from werkzeug.routing import UnicodeConverter

from schemas.claims import (
    BulkResultsSchema,
    BulkTransitionSchema,
    ClaimListSchema,
    ClaimQuerySchema,
    ClaimSchema,
    HistorySchema,
    MatchDecisionSchema,
    TransitionSchema,
)
from schemas.common import PageQuerySchema
from service.api import context
from service.api.access import current_actor, key_check_for_write, requires
from service.api.parsing import Blueprint
from service.auth import Permission
from service.claimreview import claim_review
from service.claims import ClaimStatus, TransitionRequest, copied_verdict, plan_transition
from service.errors import DomainError

blp = Blueprint("claims", __name__, url_prefix="/api/v1/claims",
                description="Claims and their review states")


class ClaimIdConverter(UnicodeConverter):
    """A claim id: any path segment but `bulk-transitions`, so that route's other methods
    answer 405 with `Allow: OPTIONS, POST` rather than reaching a claim of that name."""

    def __init__(self, url_map, *args, **kwargs):
        super().__init__(url_map, *args, **kwargs)
        self.regex = "(?!bulk-transitions$)" + self.regex


blp.record_once(lambda state: state.app.url_map.converters.setdefault("claim_id", ClaimIdConverter))

_IF_MATCH = re.compile(r'^\s*(?:W/)?"?(\d{1,12})"?\s*$')


def expected_version() -> int:
    """The version named by If-Match: missing → 428, unreadable → 400."""
    header = request.headers.get("If-Match")
    if header is None:
        abort(428, message='this change needs If-Match with the claim version you saw (e.g. If-Match: "3")',
              errors={"If-Match": ["required"]})
    match = _IF_MATCH.match(header)
    if not match:
        abort(400, message='If-Match must be a claim version such as "3"',
              errors={"If-Match": [f"not a version: {header[:40]!r}"]})
    return int(match.group(1))


def with_etag(claim: dict):
    return claim, 200, {"ETag": f'"{claim["version"]}"'}


def transition_request(data: dict) -> TransitionRequest:
    return TransitionRequest(
        to=data["to"], rating=data.get("rating"), explanation=data.get("explanation"),
        reason=data.get("reason"), note=data.get("note"),
        evidence=tuple(data.get("evidence", ())), copied_from=data.get("copied_from"))


def apply_transition(claim_id: str, transition: TransitionRequest, *, version: int | None) -> dict:
    """Plan what the request needs, then apply it atomically to the stored claim."""
    actor, settings = current_actor(), context.settings()
    plan = plan_transition(transition, actor=actor, four_eyes=settings.require_second_review)
    return context.store().transition(
        claim_id, plan, expected_version=version, actor=actor,
        lease_seconds=settings.lease_seconds, note=transition.note, evidence=transition.evidence,
        key_check=key_check_for_write())


def item_result(claim_id: str, transition: TransitionRequest, *, version: int | None) -> dict:
    """One item of a multi-claim call: applied atomically on its own; its failure is reported,
    not raised, so the other items still run."""
    try:
        claim = apply_transition(claim_id, transition, version=version)
    except DomainError as error:
        return {"id": claim_id, "code": error.status,
                "error": {"message": error.message, "errors": error.errors}}
    claim.pop("history", None)
    return {"id": claim_id, "code": 200, "claim": claim}


def first_page_read(**_view_args):
    """The list's first index stretch, read in the key lookup's round trip: guessed from the
    raw query, before it is validated, so a guess the parsed query does not confirm is only
    unused (the store takes it for exactly the stretch it reads first), never wrong. None when
    the guess needs the caller (`assignee=me`) or the query is beyond the limits."""
    args = request.args
    try:
        limit = int(args.get("limit", 50))
        if not 1 <= limit <= PageQuerySchema.LIMIT_MAX or args.get("assignee") == "me":
            return None
        return context.store().claims.page_read(
            status=args.get("status"), article_id=args.get("article_id"), entity=args.get("entity"),
            assignee=args.get("assignee"), sort=args.get("sort", "created"), cursor=args.get("cursor"),
            limit=limit)
    except (ValueError, DomainError):  # not a number, not a cursor: the parsed query says so
        return None


@blp.route("")
class Claims(MethodView):
    @requires(Permission.READ, along=first_page_read)
    @blp.arguments(ClaimQuerySchema, location="query")
    @blp.response(200, ClaimListSchema)
    def get(self, query):
        """Search claims; pages stay stable under concurrent writes (cursor)."""
        claims, cursor = context.store().list_claims(
            **claim_filters(query), cursor=query.get("cursor"), limit=query["limit"], prefetched=g.along,
            encoded=True)
        return {"claims": claims, "next_cursor": cursor}


def claim_filters(query: dict) -> dict:
    """The store's list arguments for a parsed ClaimFiltersSchema query (`assignee=me`: the caller)."""
    status, rating = query.get("status"), query.get("rating")
    assignee = query.get("assignee")
    if assignee == "me":
        assignee = current_actor().key_id
    after, before = query.get("created_after"), query.get("created_before")
    return {"status": status.value if status else None, "article_id": query.get("article_id"),
            "entity": query.get("entity"), "assignee": assignee, "rating": rating.value if rating else None,
            "min_score": query.get("min_score"), "max_score": query.get("max_score"), "q": query.get("q"),
            "created_after": after.isoformat() if after else None,
            "created_before": before.isoformat() if before else None, "sort": query["sort"]}


@blp.route("/<claim_id:claim_id>")
class Claim(MethodView):
    @requires(Permission.READ, along=lambda claim_id: context.store().claims.claim_read(claim_id))
    @blp.response(200, ClaimSchema, headers={"ETag": {"schema": {"type": "string"}}})
    def get(self, claim_id):
        """One claim with its version (also as ETag) and history."""
        return with_etag(g.along.claim())


@blp.route("/<claim_id:claim_id>/history")
class ClaimHistory(MethodView):
    @requires(Permission.READ)
    @blp.response(200, HistorySchema)
    def get(self, claim_id):
        """Every change of the claim, oldest first; never rewritten."""
        return {"claim_id": claim_id, "history": context.store().claim_history(claim_id)}


@blp.route("/<claim_id:claim_id>/transitions")
class ClaimTransitions(MethodView):
    @requires(Permission.REVIEW, carried=True)
    @blp.arguments(TransitionSchema)
    @blp.response(200, ClaimSchema)
    @blp.alt_response(409, description="stale If-Match: the current claim is under `current`")
    @blp.alt_response(422, description="refused by the state machine, the role, or missing fields")
    @blp.alt_response(428, description="If-Match missing")
    def post(self, data, claim_id):
        """Move a claim to another state (DESIGN §5); needs If-Match with its version."""
        return with_etag(apply_transition(claim_id, transition_request(data), version=expected_version()))


@blp.route("/<claim_id:claim_id>/lease")
class ClaimLease(MethodView):
    @requires(Permission.REVIEW)
    @blp.response(200, ClaimSchema)
    @blp.alt_response(422, description="the claim is not leased to you")
    def post(self, claim_id):
        """Renew your lease for another CLAIMTRACK_LEASE_SECONDS (the version does not change)."""
        return with_etag(context.store().renew_lease(
            claim_id, actor=current_actor(), lease_seconds=context.settings().lease_seconds))

    @requires(Permission.REVIEW)
    @blp.response(200, ClaimSchema)
    @blp.alt_response(422, description="the claim is not leased to you")
    def delete(self, claim_id):
        """Release your lease: the claim goes back to pending."""
        return with_etag(apply_transition(claim_id, TransitionRequest(to=ClaimStatus.PENDING), version=None))


@blp.route("/bulk-transitions")
class BulkTransitions(MethodView):
    @requires(Permission.REVIEW)
    @blp.arguments(BulkTransitionSchema)
    @blp.response(200, BulkResultsSchema)
    def post(self, data):
        """Up to 500 transitions, each atomic on its own; one result per item, in order."""
        return {"results": [item_result(item["id"], transition_request(item), version=item.get("version"))
                            for item in data["items"]]}


@blp.route("/<claim_id:claim_id>/matches/<string:other_id>")
class ClaimMatch(MethodView):
    @requires(Permission.REVIEW)
    @blp.arguments(MatchDecisionSchema)
    @blp.response(200, ClaimSchema)
    def post(self, data, claim_id, other_id):
        """Confirm or reject a suggested match (both claims record the decision)."""
        return with_etag(context.store().decide_match(
            claim_id, other_id, decision=data["decision"].value, actor=current_actor()))


@blp.route("/<claim_id:claim_id>/copy-verdict")
class CopyVerdict(MethodView):
    @requires(Permission.REVIEW)
    @blp.response(200, BulkResultsSchema)
    @blp.alt_response(422, description="the claim has no verdict (verified or flagged) to copy")
    def post(self, claim_id):
        """Copy this claim's verdict to every pending confirmed match, each atomically."""
        verdict, targets = copied_verdict(context.store().get_claim(claim_id, with_history=False))
        return {"results": [item_result(target, verdict, version=None) for target in targets]}


@blp.route("/<claim_id:claim_id>/claimreview")
class ClaimReview(MethodView):
    @requires(Permission.READ)
    @blp.response(200, description="schema.org ClaimReview JSON-LD")
    @blp.alt_response(409, description="the claim has no verdict to publish")
    def get(self, claim_id):
        """schema.org ClaimReview (JSON-LD) of a verified or flagged claim."""
        store, settings = context.store(), context.settings()
        claim = store.get_claim(claim_id, with_history=False)
        article = store.get_article(claim["article_id"])
        return claim_review(claim, article, public_url=settings.public_url,
                            publisher_name=settings.publisher_name, publisher_url=settings.publisher_url)
