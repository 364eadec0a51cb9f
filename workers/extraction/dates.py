"""Dates in claims: ISO values from spaCy DATE entities, relative ones against publication."""

from __future__ import annotations

import datetime
import functools
import re

from dateparser.date import DateDataParser

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
