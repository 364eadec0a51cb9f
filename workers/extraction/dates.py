"""Dates in claims: ISO values of spaCy DATE entities, relative ones resolved and spelled against publication."""

from __future__ import annotations

import datetime
import functools
import re

from dateparser.date import DateDataParser
from spacy.tokens import Span

from .lexicon import DATE_PREPOSITIONS, MONTHS

_YEAR = re.compile(r"\b(?:1[5-9]|20)\d\d\b")
_DECADE = re.compile(r"\b\d{2,4}['’]?s\b", re.IGNORECASE)
_FREQUENCY = re.compile(
    r"^(?:the\s+)?(?:annual(?:ly)?|yearly|monthly|weekly|daily|nightly|quarterly|biannual|hourly)$",
    re.IGNORECASE,
)
_DURATION = re.compile(
    r"^(?:about|around|nearly|almost|roughly|some|more\s+than|less\s+than|over|under|at\s+least|"
    r"up\s+to|only|just|another|the\s+(?:past|last|next|first|previous|coming)|the|a|an)?\s*"
    r"(?:[\d.,]+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"fifteen|twenty|thirty|forty|fifty|hundred|few|several|many|couple\s+of|a\s+few)?[\s-]*"
    r"(?:full\s+)?(?:days?|weeks?|months?|years?|decades?|centuries?|hours?|minutes?|seconds?|"
    r"quarters?|semesters?|seasons?)(?:[\s-]+(?:long|old|later|earlier))?$",
    re.IGNORECASE,
)
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_BARE_WEEKDAY = re.compile(
    rf"^(?:on\s+)?({'|'.join(_WEEKDAYS)})(?:\s+(?:morning|afternoon|evening|night))?$", re.IGNORECASE
)
# Words that only blur a date for the parser: "earlier this year" -> "this year".
_VAGUE_PREFIX = re.compile(
    r"^(?:(?:earlier|later|early|late|mid|the\s+end\s+of|the\s+start\s+of|the\s+beginning\s+of|"
    r"the\s+middle\s+of|since|from|until|till|by|in|on|of|during|around|about|the)[\s-]+)+",
    re.IGNORECASE,
)
_YEAR_RANGE = re.compile(r"^((?:1[5-9]|20)\d\d)\s*[-–/]\s*\d{2,4}$")
# The relative core of a DATE entity: what "earlier this year" or "last month" hinge on.
_RELATIVE_CORE = re.compile(
    r"\b(?:(?:this|last|next|past|previous|coming)\s+(?:week|month|year|spring|summer|autumn|fall|winter)"
    r"|yesterday|today|tomorrow|tonight"
    r"|(?:last|next|this|on)?\s*(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
    r"(?:\s+(?:morning|afternoon|evening|night))?)\b",
    re.IGNORECASE,
)
_RANGE_SEPARATOR = re.compile(r"\s*(?:\band\b|\bto\b|\bthrough\b|\buntil\b|–|—|-)\s*", re.IGNORECASE)


def is_relative_date(text: str) -> bool:
    """A date that needs the publication date to mean something: no year, not a duration."""
    text = text.strip()
    if _YEAR.search(text) or _DECADE.search(text):
        return False
    return not (_FREQUENCY.match(text) or _DURATION.match(text))


def is_specific_date(text: str) -> bool:
    """A point or period in time, not a frequency ("annual") or a length ("five years")."""
    text = " ".join(text.split())
    return not (_FREQUENCY.match(text) or _DURATION.match(text))


@functools.lru_cache(maxsize=4096)
def resolve_date(text: str, base: datetime.datetime | None, future: bool = False) -> str | None:
    """ISO value of a DATE entity's text, at the precision it states (2024, 2024-06, 2024-06-04).

    Relative dates resolve against `base`; without a base they stay unresolved (None).
    `future` says the sentence speaks of what will happen ("will visit Monday").
    """
    text = " ".join(text.split())
    if _DECADE.search(text) or _FREQUENCY.match(text) or _DURATION.match(text):
        return None
    year_range = _YEAR_RANGE.match(text)
    if year_range:
        return year_range.group(1)
    relative = is_relative_date(text)
    if relative and base is None:
        return None
    weekday = _BARE_WEEKDAY.match(text)
    if weekday and base is not None:
        return _nearest_weekday(_WEEKDAYS.index(weekday.group(1).lower()), base, future=future).isoformat()
    for candidate in _candidates(text):
        iso = _parse(candidate, base)
        if iso is not None:
            return iso
    return None


def _candidates(text: str) -> list[str]:
    """The text, then simpler readings of it: without vague prefixes, the start of a range."""
    simplified = _VAGUE_PREFIX.sub("", text)
    first_of_range = _RANGE_SEPARATOR.split(simplified, maxsplit=1)[0]
    # "July 15 and 16" read whole is 15 July 2016: a range is read from its start.
    ordered = (first_of_range, text, simplified) if first_of_range != simplified else (text, simplified)
    return list(dict.fromkeys(candidate for candidate in ordered if candidate))


def _nearest_weekday(weekday: int, base: datetime.datetime, *, future: bool) -> datetime.date:
    # News convention: "said Thursday" is the latest Thursday up to the publication day,
    # "will visit Monday" the next one from it.
    today = base.date()
    if future:
        return today + datetime.timedelta(days=(weekday - today.weekday()) % 7)
    return today - datetime.timedelta(days=(today.weekday() - weekday) % 7)


def _parse(text: str, base: datetime.datetime | None) -> str | None:
    data = _parser(base).get_date_data(text)
    if data is None or data.date_obj is None:
        return None
    value = data.date_obj
    period = data.period or "day"
    if period == "year":
        return f"{value.year:04d}"
    if period == "month":
        return f"{value.year:04d}-{value.month:02d}"
    if period == "week":
        year, week, _ = value.isocalendar()
        return f"{year:04d}-W{week:02d}"
    return value.date().isoformat()


@functools.lru_cache(maxsize=64)
def _parser(base: datetime.datetime | None) -> DateDataParser:
    settings = {"PREFER_DAY_OF_MONTH": "first", "RETURN_TIME_AS_PERIOD": False}
    if base is not None:
        settings["RELATIVE_BASE"] = base
    return DateDataParser(languages=["en"], settings=settings)


def absolute_date_text(entity: Span, base: datetime.datetime | None) -> str | None:
    """The DATE entity's words with their relative core spelled out against `base` ("last month" ->
    "in June 2024", "earlier this year" -> "earlier in 2024"); None when they stay as written."""
    text = entity.text
    if base is None or not is_relative_date(text):
        return None
    core = _RELATIVE_CORE.search(text)
    if core is None:
        return None
    future = any(token.tag_ == "MD" for token in entity.sent)
    iso = resolve_date(core.group().strip(), base, future)
    if iso is None or "W" in iso:
        # A week has no spelling a reader would use.
        return None
    absolute = _spelled(iso)
    preceding = entity.doc[entity.start - 1].lower_ if entity.start > entity.sent.start else ""
    prefix_words = text[: core.start()].strip()
    needs_preposition = not prefix_words and preceding not in DATE_PREPOSITIONS
    if prefix_words and prefix_words.split()[-1].lower() in DATE_PREPOSITIONS:
        needs_preposition = False
    elif prefix_words:
        needs_preposition = True
    core_text = core.group().strip()
    leading_on = core_text.lower().startswith("on ")
    if needs_preposition or leading_on:
        absolute = ("on " if len(iso) == 10 else "in ") + absolute
    return f"{prefix_words} {absolute}".strip() + text[core.end():]


def _spelled(iso: str) -> str:
    """"2024-06-04" as "4 June 2024", "2024-06" as "June 2024"."""
    parts = iso.split("-")
    if len(parts) == 3:
        return f"{int(parts[2])} {MONTHS[int(parts[1]) - 1]} {parts[0]}"
    if len(parts) == 2:
        return f"{MONTHS[int(parts[1]) - 1]} {parts[0]}"
    return iso
