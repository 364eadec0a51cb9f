"""Importing ClaimReview documents: each object read, the readable ones stored in one script,
a result per object (what the API answers and `claimtrack factchecks import` counts)."""
from __future__ import annotations

from typing import Any

from service.embeddings import to_text
from service.errors import InvalidClaimReview
from service.factchecks import MAX_ITEMS, FactCheck, claimreview_nodes, embeddings_of, parse_claimreview
from service.store import Store

_CODES = {"created": 201, "updated": 200, "unchanged": 200}


def import_claimreviews(store: Store, document: Any) -> list[dict]:
    """One result per ClaimReview of `document` (an object, a list or a `@graph`): {index, code,
    id, outcome} when stored, {index, code: 422, error} when refused. Refused objects store
    nothing; the others are stored together."""
    nodes = claimreview_nodes(document)
    if len(nodes) > MAX_ITEMS:
        raise InvalidClaimReview(f"at most {MAX_ITEMS:,} ClaimReviews per request; send the rest in another",
                                 errors={"body": [f"at most {MAX_ITEMS:,} ClaimReviews"]})
    results: list[dict] = []
    readable: list[tuple[int, FactCheck]] = []
    for index, node in enumerate(nodes):
        try:
            readable.append((index, parse_claimreview(node)))
        except InvalidClaimReview as refusal:
            results.append({"index": index, "code": 422,
                            "error": {"message": refusal.message, "errors": refusal.errors}})
    records = [factcheck.record() for _index, factcheck in readable]
    vectors = embeddings_of(records)
    stored = store.factchecks.put_factchecks(records, [to_text(vector) for vector in vectors])
    for (index, _factcheck), (factcheck_id, outcome) in zip(readable, stored):
        results.append({"index": index, "code": _CODES[outcome], "id": factcheck_id, "outcome": outcome})
    return sorted(results, key=lambda result: result["index"])
