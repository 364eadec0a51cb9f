"""Fact-checks as data: schema.org ClaimReview JSON-LD read into records, ratings kept as published
and mapped onto our scale where the mapping is clear (pure: no storage, no web)."""
from __future__ import annotations

import datetime
import hashlib
import math
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import numpy as np

from service.claims import Rating
from service.embeddings import embed, is_english
from service.errors import InvalidClaimReview

MAX_CLAIM_CHARS = 5_000
MAX_URL_CHARS = 2_048
MAX_NAME_CHARS = 500
# A BCP 47 tag as `inLanguage` and the lookup's `language` take it: "en", "pt-BR".
LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
# One request or one import batch: larger files are read in batches of this many.
MAX_ITEMS = 1_000

# What a fact-checker's rating word means on our scale (README, "Fact-checks"). Words are compared
# case-folded with runs of spaces, hyphens and underscores as one space.
RATING_WORDS: dict[str, Rating] = {
    **dict.fromkeys(["true", "correct", "accurate", "correct attribution", "verified"], Rating.TRUE),
    **dict.fromkeys(["mostly true", "mostly correct", "largely accurate"], Rating.MOSTLY_TRUE),
    **dict.fromkeys(["half true", "mixture", "mixed", "partly true", "partially true", "half right"],
                    Rating.HALF_TRUE),
    **dict.fromkeys(["mostly false", "largely false", "mostly inaccurate"], Rating.MOSTLY_FALSE),
    **dict.fromkeys(["false", "pants on fire", "incorrect", "inaccurate", "fake", "wrong", "hoax",
                     "fabricated", "scam", "four pinocchios", "misattributed", "incorrect attribution"],
                    Rating.FALSE),
    **dict.fromkeys(["misleading", "missing context", "miscaptioned", "out of context", "distorts the facts",
                     "exaggerated", "half truth"], Rating.MISLEADING),
    **dict.fromkeys(["unproven", "unsupported", "unverified", "no evidence", "research in progress"],
                    Rating.UNPROVEN),
}
# A numeric rating on schema.org's default 1 (worst) to 5 (best) scale.
FIVE_POINT_SCALE = {5: Rating.TRUE, 4: Rating.MOSTLY_TRUE, 3: Rating.HALF_TRUE, 2: Rating.MOSTLY_FALSE,
                    1: Rating.FALSE}
_WORD_SEPARATORS = re.compile(r"[\s_\-]+")


@dataclass(frozen=True)
class PublishedRating:
    """A reviewRating as the publisher wrote it."""

    value: float | None = None
    best: float | None = None
    worst: float | None = None
    alternate_name: str | None = None

    def mapped(self) -> Rating | None:
        """Our rating, when the word or the 1–5 value says it plainly; None otherwise."""
        if self.alternate_name:
            word = _WORD_SEPARATORS.sub(" ", self.alternate_name.casefold()).strip(" .!")
            if word in RATING_WORDS:
                return RATING_WORDS[word]
        on_default_scale = (self.best, self.worst) in ((5, 1), (None, None))
        if self.value is not None and on_default_scale and float(self.value).is_integer():
            return FIVE_POINT_SCALE.get(int(self.value))
        return None


@dataclass(frozen=True)
class FactCheck:
    """One ClaimReview: what was checked, where, by whom, and the verdict."""

    claim_reviewed: str
    url: str
    # The fact-check's own headline (`headline`, else `name`), often the claim in other words.
    title: str | None = None
    publisher: str | None = None
    publisher_url: str | None = None
    speaker: str | None = None
    date_published: str | None = None
    language: str | None = None
    rating: PublishedRating = field(default_factory=PublishedRating)

    def record(self) -> dict[str, Any]:
        """The fields as stored and served (the store adds id and times)."""
        return {
            "claim_reviewed": self.claim_reviewed, "url": self.url, "title": self.title, "publisher": self.publisher,
            "publisher_url": self.publisher_url, "speaker": self.speaker,
            "date_published": self.date_published, "language": self.language,
            "rating": {"value": self.rating.value, "best": self.rating.best, "worst": self.rating.worst,
                       "alternate_name": self.rating.alternate_name},
            "rating_mapped": mapped.value if (mapped := self.rating.mapped()) else None,
        }


def _invalid(errors: dict[str, list[str]]) -> InvalidClaimReview:
    message = "; ".join(f"{path}: {', '.join(messages)}" for path, messages in errors.items())
    return InvalidClaimReview(f"not a ClaimReview this service can read ({message})", errors=errors)


def url_key(url: str) -> str:
    """One key per fact-check page: scheme and host case-folded, no fragment, no trailing slash."""
    parts = urlsplit(url)
    path = parts.path.rstrip("/") or "/"
    normal = urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, ""))
    return hashlib.sha256(normal.encode()).hexdigest()


def searchable_text(record: dict) -> str:
    """What a stored fact-check is found by: the claim, and its headline when that adds words."""
    title = record.get("title")
    claim = record["claim_reviewed"]
    return f"{claim} {title}" if title and title.casefold() not in claim.casefold() else claim


def embeddings_of(records: list[dict]) -> np.ndarray:
    """Fact-checks' embeddings as they are stored: of what each is found by, with an English
    part unless it is tagged with another language."""
    return embed([searchable_text(record) for record in records],
                 english=[is_english(record.get("language")) for record in records])


def claimreview_nodes(document: Any) -> list[Any]:
    """The ClaimReview objects of a JSON-LD document: one object, a list, or a `@graph` (whose
    nodes of other types, such as the publisher's Organization, are left out)."""
    if isinstance(document, dict) and "@graph" in document:
        graph = document["@graph"]
        if not isinstance(graph, list):
            raise _invalid({"@graph": ["must be a list of nodes"]})
        return [node for node in graph if not isinstance(node, dict) or _is_claimreview(node, default=False)]
    if isinstance(document, list):
        return document
    return [document]


def _is_claimreview(node: dict, *, default: bool) -> bool:
    kind = node.get("@type")
    if kind is None:
        return default
    kinds = kind if isinstance(kind, list) else [kind]
    return any(isinstance(value, str) and value.rsplit("/", 1)[-1] == "ClaimReview" for value in kinds)


def parse_claimreview(node: Any) -> FactCheck:
    """One ClaimReview object as a FactCheck; InvalidClaimReview naming every bad field."""
    if not isinstance(node, dict):
        raise _invalid({"$": ["a ClaimReview must be a JSON object"]})
    errors: dict[str, list[str]] = {}
    if not _is_claimreview(node, default=True):
        errors["@type"] = ["must be ClaimReview"]
    claim = _text(node, "claimReviewed", errors, required=True, limit=MAX_CLAIM_CHARS)
    url = _url(node.get("url"), "url", errors, required=True)
    title = _text(node, "headline", errors, limit=MAX_CLAIM_CHARS) or _text(node, "name", errors, limit=MAX_CLAIM_CHARS)
    publisher, publisher_url = _agent(node.get("author"), "author", errors)
    item = node.get("itemReviewed")
    speaker = None
    if isinstance(item, dict):
        speaker, _ = _agent(item.get("author"), "itemReviewed.author", errors)
    elif item is not None:
        errors["itemReviewed"] = ["must be an object"]
    date = _date(node.get("datePublished"), errors)
    language = _language(node.get("inLanguage"), errors)
    rating = _rating(node.get("reviewRating"), errors)
    if errors:
        raise _invalid(errors)
    assert claim is not None and url is not None
    return FactCheck(claim_reviewed=claim, url=url, title=title, publisher=publisher, publisher_url=publisher_url,
                     speaker=speaker, date_published=date, language=language, rating=rating)


def _text(node: dict, key: str, errors: dict[str, list[str]], *, required: bool = False,
          limit: int = MAX_NAME_CHARS, path: str | None = None) -> str | None:
    value = node.get(key)
    path = path or key
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errors[path] = ["is required"]
        return None
    if not isinstance(value, str):
        errors[path] = ["must be a string"]
        return None
    value = " ".join(value.split())
    if len(value) > limit:
        errors[path] = [f"longer than {limit} characters"]
        return None
    return value


def _url(value: Any, path: str, errors: dict[str, list[str]], *, required: bool = False) -> str | None:
    if value is None or value == "":
        if required:
            errors[path] = ["is required"]
        return None
    if not isinstance(value, str) or len(value) > MAX_URL_CHARS:
        errors[path] = [f"must be a URL of at most {MAX_URL_CHARS} characters"]
        return None
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        errors[path] = ["must be an http or https URL"]
        return None
    return value.strip()


def _agent(value: Any, path: str, errors: dict[str, list[str]]) -> tuple[str | None, str | None]:
    """A Person or Organization (or its name, or a list of them: the first) as (name, url)."""
    if isinstance(value, list):
        value = value[0] if value else None
    if value is None:
        return None, None
    if isinstance(value, str):
        return _text({"name": value}, "name", errors, path=path), None
    if not isinstance(value, dict):
        errors[path] = ["must be a Person or Organization object, or a name"]
        return None, None
    return (_text(value, "name", errors, path=f"{path}.name"),
            _url(value.get("url"), f"{path}.url", errors))


def _date(value: Any, errors: dict[str, list[str]]) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value.strip()[:10]).isoformat()
        except ValueError:
            pass
    errors["datePublished"] = ["must be an ISO 8601 date (YYYY-MM-DD)"]
    return None


def _language(value: Any, errors: dict[str, list[str]]) -> str | None:
    if isinstance(value, dict):
        value = value.get("alternateName") or value.get("name")
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not LANGUAGE_TAG.match(value.strip()):
        errors["inLanguage"] = ["must be a BCP 47 language tag such as en or pt-BR"]
        return None
    return value.strip().lower()


def _number(value: Any, path: str, errors: dict[str, list[str]]) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        errors[path] = ["must be a number"]
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        errors[path] = ["must be a number"]
        return None
    if not math.isfinite(number):
        errors[path] = ["must be a finite number"]
        return None
    return number


def _rating(value: Any, errors: dict[str, list[str]]) -> PublishedRating:
    if value is None:
        return PublishedRating()
    if isinstance(value, list):
        value = value[0] if value else {}
    if not isinstance(value, dict):
        errors["reviewRating"] = ["must be a Rating object"]
        return PublishedRating()
    rating_value = _number(value.get("ratingValue"), "reviewRating.ratingValue", errors)
    best = _number(value.get("bestRating"), "reviewRating.bestRating", errors)
    worst = _number(value.get("worstRating"), "reviewRating.worstRating", errors)
    name = _text(value, "alternateName", errors, path="reviewRating.alternateName")
    if rating_value is not None:
        # schema.org's defaults: 5 best, 1 worst.
        high, low = (best if best is not None else 5.0), (worst if worst is not None else 1.0)
        if low >= high:
            errors["reviewRating.worstRating"] = ["must be below bestRating"]
        elif not low <= rating_value <= high:
            errors["reviewRating.ratingValue"] = [f"must lie between worstRating ({low:g}) and bestRating ({high:g})"]
    return PublishedRating(rating_value, best, worst, name)
