"""schema.org ClaimReview (JSON-LD) for a claim with a verdict (pure)."""
from __future__ import annotations

from service.claims import ClaimStatus, Rating
from service.errors import NotReviewed

# DESIGN §5: ratings on the 1–5 scale; unproven has no value, only its name.
RATING_VALUES: dict[Rating, int | None] = {
    Rating.TRUE: 5, Rating.MOSTLY_TRUE: 4, Rating.HALF_TRUE: 3, Rating.MOSTLY_FALSE: 2,
    Rating.FALSE: 1, Rating.MISLEADING: 2, Rating.UNPROVEN: None,
}
ALTERNATE_NAMES: dict[Rating, str] = {
    Rating.TRUE: "True", Rating.MOSTLY_TRUE: "Mostly true", Rating.HALF_TRUE: "Half true",
    Rating.MOSTLY_FALSE: "Mostly false", Rating.FALSE: "False", Rating.MISLEADING: "Misleading",
    Rating.UNPROVEN: "Unproven",
}


def claim_review(claim: dict, article: dict, *, public_url: str, publisher_name: str,
                 publisher_url: str) -> dict:
    if claim["status"] not in (ClaimStatus.VERIFIED.value, ClaimStatus.FLAGGED.value) or not claim["rating"]:
        raise NotReviewed(f"the claim is {claim['status']}: only verified and flagged claims have "
                          "a ClaimReview", current=claim)
    rating = Rating(claim["rating"])
    claim_url = f"{public_url}/api/v1/claims/{claim['id']}"
    review_rating = {"@type": "Rating", "bestRating": 5, "worstRating": 1,
                     "alternateName": ALTERNATE_NAMES[rating]}
    if RATING_VALUES[rating] is not None:
        review_rating["ratingValue"] = RATING_VALUES[rating]
    if claim.get("explanation"):
        review_rating["ratingExplanation"] = claim["explanation"]
    item = {"@type": "Claim", "text": claim["text"]}
    if claim.get("attribution"):
        item["author"] = {"@type": "Thing", "name": claim["attribution"]}
    if article.get("published_at"):
        item["datePublished"] = article["published_at"][:10]
    if article.get("url"):
        appearance = {"@type": "CreativeWork", "url": article["url"]}
        if article.get("title"):
            appearance["headline"] = article["title"]
        item["appearance"] = [appearance]
        item["firstAppearance"] = appearance
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "@id": f"{claim_url}/claimreview",
        "url": claim_url,
        "claimReviewed": claim["text"],
        "datePublished": (claim.get("decided_at") or claim["updated_at"])[:10],
        "author": {"@type": "Organization", "name": publisher_name, "url": publisher_url},
        "reviewRating": review_rating,
        "itemReviewed": item,
    }
