"""Claims: list, read with history and version, move through the review states."""
from __future__ import annotations

import re

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from schemas.claims import ClaimListSchema, ClaimQuerySchema, ClaimSchema, HistorySchema, TransitionSchema
from service.api import context
from service.api.access import current_actor, requires
from service.auth import Permission
from service.claims import ClaimStatus, InvalidTransition, TransitionRequest, explain_refusal, plan_transition

blp = Blueprint("claims", __name__, url_prefix="/api/v1/claims",
                description="Claims and their review states")

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


@blp.route("")
class Claims(MethodView):
    @requires(Permission.READ)
    @blp.arguments(ClaimQuerySchema, location="query")
    @blp.response(200, ClaimListSchema)
    def get(self, query):
        """Claims in creation order (text order within one article), filtered, one page at a time."""
        status = query.get("status")
        claims, cursor = context.store().list_claims(
            status=status.value if status else None, article_id=query.get("article_id"),
            min_score=query.get("min_score"), cursor=query.get("cursor"), limit=query["limit"])
        return {"claims": claims, "next_cursor": cursor}


@blp.route("/<string:claim_id>")
class Claim(MethodView):
    @requires(Permission.READ)
    @blp.response(200, ClaimSchema, headers={"ETag": {"schema": {"type": "string"}}})
    def get(self, claim_id):
        """One claim with its version (also as ETag) and history."""
        return with_etag(context.store().get_claim(claim_id))


@blp.route("/<string:claim_id>/history")
class ClaimHistory(MethodView):
    @requires(Permission.READ)
    @blp.response(200, HistorySchema)
    def get(self, claim_id):
        """Every change of the claim, oldest first; never rewritten."""
        return {"claim_id": claim_id, "history": context.store().claim_history(claim_id)}


@blp.route("/<string:claim_id>/transitions")
class ClaimTransitions(MethodView):
    @requires(Permission.REVIEW)
    @blp.arguments(TransitionSchema)
    @blp.response(200, ClaimSchema)
    @blp.alt_response(409, description="stale If-Match: the current claim is under `current`")
    @blp.alt_response(422, description="refused by the state machine, the role, or missing fields")
    @blp.alt_response(428, description="If-Match missing")
    def post(self, data, claim_id):
        """Move a claim to another state (DESIGN §5); needs If-Match with its version."""
        version = expected_version()
        transition = TransitionRequest(
            to=data["to"], rating=data.get("rating"), explanation=data.get("explanation"),
            reason=data.get("reason"), note=data.get("note"),
            evidence=tuple(data.get("evidence", ())), copied_from=data.get("copied_from"))
        actor = current_actor()
        plan = plan_transition(transition, actor=actor)
        try:
            claim = context.store().transition(
                claim_id, plan, expected_version=version, actor=actor,
                lease_seconds=context.settings().lease_seconds, note=transition.note,
                evidence=transition.evidence)
        except InvalidTransition as refused:
            current = refused.current
            if current and not refused.errors:
                refused.message = ("the claim was retracted from its article; it can only be dismissed"
                                   if current["retracted"] and transition.to is not ClaimStatus.DISMISSED
                                   else explain_refusal(ClaimStatus(current["status"]), transition))
                refused.errors = {"to": [refused.message]}
            raise
        return with_etag(claim)
