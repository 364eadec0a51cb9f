"""Dates in claims: ISO values of spaCy DATE entities, relative ones resolved and spelled against publication."""

from __future__ import annotations

import datetime
import functools
import re
from typing import Literal

from dateparser.date import DateDataParser
from spacy.tokens import Span, Token

from .lexicon import DATE_PREPOSITIONS, MONTHS, REPORTING_VERBS

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
_WEEKDAY_LEAD = r"(?:(?:on|early|late|by|until|till|before|after|since|from|between)\s+)*"
_PART_OF_DAY = r"(?:\s+(?:morning|afternoon|evening|night))?"
_BARE_WEEKDAY = re.compile(rf"^{_WEEKDAY_LEAD}({'|'.join(_WEEKDAYS)}){_PART_OF_DAY}$", re.IGNORECASE)
# "Wednesday and Thursday", "from Monday to Friday".
_WEEKDAY_RANGE = re.compile(
    rf"^{_WEEKDAY_LEAD}({'|'.join(_WEEKDAYS)}){_PART_OF_DAY}\s*(?:-|–|—|\band\b|\bto\b|\bthrough\b|\buntil\b)\s*"
    rf"(?:on\s+)?({'|'.join(_WEEKDAYS)}){_PART_OF_DAY}$",
    re.IGNORECASE,
)
# Words that only blur a date for the parser: "earlier this year" -> "this year".
_VAGUE_PREFIX = re.compile(
    r"^(?:(?:earlier|later|early|late|mid|the\s+end\s+of|the\s+start\s+of|the\s+beginning\s+of|"
    r"the\s+middle\s+of|since|from|until|till|by|in|on|of|during|around|about|the)[\s-]+)+",
    re.IGNORECASE,
)
# The relative core of a DATE entity: what "earlier this year" or "last month" hinge on.
_RELATIVE_CORE = re.compile(
    r"\b(?:(?:this|last|next|past|previous|coming)\s+(?:week|month|year|spring|summer|autumn|fall|winter)"
    r"|yesterday|today|tomorrow|tonight"
    r"|(?:last|next|this|on)?\s*(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
    r"(?:\s+(?:morning|afternoon|evening|night))?)\b",
    re.IGNORECASE,
)
_RANGE_SEPARATOR = re.compile(r"\s*(?:\band\b|\bto\b|\bthrough\b|\buntil\b|–|—|-)\s*", re.IGNORECASE)

# Date ranges: "July 8 and 9", "8–9 July 2024", "from 8 to 9 July", "July 30 to August 2",
# "between 2019 and 2021", "2023-24". Each end is read on its own, the missing month or year
# taken from the other end.
_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
          r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_DAY = r"(?:[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR_WORD = r"(?:1[5-9]|20)\d\d"
_TO = r"\s*(?:-|–|—|\bto\b|\band\b|\bthrough\b|\bthru\b|\buntil\b|\btill\b)\s*"
_RANGE_LEAD = re.compile(r"^(?:(?:from|between|on|in|during|over)\s+)?(?:the\s+)?", re.IGNORECASE)
_RANGES = (
    # July 8 and 9 | July 8, 2024 to July 10, 2024 | July 30 to August 2, 2024
    re.compile(rf"^(?P<m1>{_MONTH})\s+(?P<d1>{_DAY})(?:,?\s+(?P<y1>{_YEAR_WORD}))?{_TO}"
               rf"(?:(?P<m2>{_MONTH})\s+)?(?P<d2>{_DAY})(?:,?\s+(?P<y2>{_YEAR_WORD}))?$", re.IGNORECASE),
    # 8–9 July | 8 to 9 July 2024 | 30 July to 2 August
    re.compile(rf"^(?P<d1>{_DAY})(?:\s+(?:of\s+)?(?P<m1>{_MONTH}))?(?:,?\s+(?P<y1>{_YEAR_WORD}))?{_TO}"
               rf"(?P<d2>{_DAY})\s+(?:of\s+)?(?P<m2>{_MONTH})(?:,?\s+(?P<y2>{_YEAR_WORD}))?$", re.IGNORECASE),
    # May to July 2024 | May 2023 to July 2024
    re.compile(rf"^(?P<m1>{_MONTH})(?:\s+(?P<y1>{_YEAR_WORD}))?{_TO}(?P<m2>{_MONTH})(?:\s+(?P<y2>{_YEAR_WORD}))?$",
               re.IGNORECASE),
    # 2019-2021 | 2023-24 | between 2019 and 2021
    re.compile(rf"^(?P<y1>{_YEAR_WORD}){_TO}(?P<y2>{_YEAR_WORD}|\d\d)$", re.IGNORECASE),
)
# Words that tie a date to the calendar on their own: no year needs guessing for them.
_ANCHORED = re.compile(
    r"\b(?:yesterday|today|tomorrow|tonight|ago|last|next|this|past|coming|previous|later|earlier|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|week|weekend)\b",
    re.IGNORECASE,
)
_ENDS_WITH_DAY = re.compile(r"\d(?:st|nd|rd|th)?$", re.IGNORECASE)
_MONTH_WORD = re.compile(rf"\b{_MONTH}(?=\s|$|,)", re.IGNORECASE)

# The tense of the clause a date modifies, as `resolve_date` takes it: True for what will
# happen, False for what has happened, PRESENT for the simple present ("opens Thursday",
# "follows talks on June 3"), None when the clause does not say.
PRESENT: Literal["present"] = "present"
Tense = bool | Literal["present"] | None
_FUTURE_AUXILIARIES = frozenset({"will", "'ll", "’ll", "wo", "shall", "would"})
_PERFECT_AUXILIARIES = frozenset({"have", "has", "had", "'ve", "’ve", "having"})
_NOUN_MODIFIER_DEPS = frozenset({"poss", "compound", "nmod", "amod"})
_TIME_NOUNS = frozenset({"morning", "afternoon", "evening", "night", "midnight", "noon", "dawn", "overnight"})
# Participles that point forward without an auxiliary: "set to expire", "scheduled for Thursday".
_PROSPECTIVE = frozenset({"set", "schedule", "slate", "due", "plan", "expect", "poise"})
# Verbs whose infinitive names a later time: "planned to open", "promised to pay".
_LOOKING_AHEAD = _PROSPECTIVE | frozenset({"intend", "hope", "aim", "promise", "pledge", "vow", "want",
                                           "predict", "forecast", "project", "agree", "decide", "threaten"})
_NAMED_DAY_WORDS = frozenset({"black", "cyber", "good", "super", "ash", "holy", "maundy", "easter", "palm",
                              "shrove", "bloody", "blue", "giving"})


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
def resolve_date(text: str, base: datetime.datetime | None, future: Tense = None) -> str | None:
    """ISO value of a DATE entity's text, at the precision it states (2024, 2024-06, 2024-06-04);
    a range as an ISO interval of its two ends ("July 8 and 9" -> "2024-07-08/2024-07-09").

    Relative dates resolve against `base`; without a base they stay unresolved (None).
    `future` is the tense of the clause the date modifies (`date_tense`): a weekday or a date
    without its year said of the past ("said Thursday", "opened on December 28") is the last
    one on or before `base`, said of the future ("will visit Thursday") the next one from it.
    In the simple present a weekday is a timetable's ("opens Thursday": the next one), and a
    date without its year is the one nearest `base`: "the trip follows talks on June 3" in July
    speaks of the June just gone, "the fair opens on January 5" in December of the next one.
    """
    text = " ".join(text.split())
    if _DECADE.search(text) or _FREQUENCY.match(text) or _DURATION.match(text):
        return None
    relative = is_relative_date(text)
    if relative and base is None:
        return None
    ends = _range_ends(text)
    if ends is not None:
        return _resolve_range(*ends, base, future)
    weekday = _BARE_WEEKDAY.match(text)
    if weekday and base is not None:
        return _nearest_weekday(_WEEKDAYS.index(weekday.group(1).lower()), base, future=bool(future)).isoformat()
    weekdays = _WEEKDAY_RANGE.match(text)
    if weekdays and base is not None:
        first, last = (_WEEKDAYS.index(day.lower()) for day in weekdays.groups())
        length = datetime.timedelta(days=(last - first) % 7)
        # Said of the past, the range ends on or before publication; of the future, starts on or after it.
        if future:
            start = _nearest_weekday(first, base, future=True)
            return f"{start.isoformat()}/{(start + length).isoformat()}"
        end = _nearest_weekday(last, base, future=False)
        return f"{(end - length).isoformat()}/{end.isoformat()}"
    for candidate in _candidates(text):
        iso = _parse(candidate, base)
        if iso is not None:
            return _in_tense(iso, base, future) if _lacks_year(text) else iso
    return None


def _range_ends(text: str) -> tuple[str, str] | None:
    """The two ends of a range, each with its month and year ("8–9 July" -> "8 July", "9 July")."""
    core = _RANGE_LEAD.sub("", text, count=1)
    for pattern in _RANGES:
        match = pattern.match(core)
        if match is None:
            continue
        parts = {key: value for key, value in match.groupdict().items() if value}
        if set(parts) == {"y1", "y2"}:
            first, second = parts["y1"], parts["y2"]
            if len(second) == 2:
                second = first[:2] + second
            return (first, second) if first < second else None
        month1, month2 = parts.get("m1") or parts.get("m2"), parts.get("m2") or parts.get("m1")
        year1, year2 = parts.get("y1") or parts.get("y2"), parts.get("y2") or parts.get("y1")
        if "d1" in parts and ("d2" not in parts or int(_digits(parts["d1"])) > 31 or int(_digits(parts["d2"])) > 31):
            return None
        first = " ".join(filter(None, (parts.get("d1"), month1, year1)))
        second = " ".join(filter(None, (parts.get("d2"), month2, year2)))
        return first, second
    return None


def _digits(day: str) -> str:
    return re.sub(r"\D", "", day)


def _resolve_range(first: str, second: str, base: datetime.datetime | None, future: Tense) -> str | None:
    start, end = _parse(first, base), _parse(second, base)
    if start is None or end is None or len(start) != len(end):
        return start
    if end < start and not _YEAR.search(second):
        # "December 30 to January 2": the end falls in the next year.
        end = _shift_year(end, 1)
    if _lacks_year(first) and _lacks_year(second):
        # Said of the past, a range starts on or before `base`; of the future, it ends on or after it.
        if future is False:
            years = int(_in_tense(start, base, future)[:4]) - int(start[:4])
        else:
            years = int(_in_tense(end, base, future)[:4]) - int(end[:4])
        start, end = _shift_year(start, years), _shift_year(end, years)
    if end < start:
        return None
    return start if start == end else f"{start}/{end}"


def _lacks_year(text: str) -> bool:
    """A calendar date whose year the reader must supply ("December 28", "in March")."""
    return not _YEAR.search(text) and not _ANCHORED.search(text) and bool(_MONTH_WORD.search(text))


def _in_tense(iso: str, base: datetime.datetime | None, future: Tense) -> str:
    """A date read without its year moved to the year its tense asks for: said of the past, not
    after `base`; said of the future, not before it."""
    if base is None or future is None or "W" in iso:
        return iso
    published = _at_precision(base, iso)
    if future == PRESENT:
        return min((_shift_year(iso, years) for years in (-1, 0, 1)),
                   key=lambda shifted: abs(_ordinal(shifted) - _ordinal(published)))
    if future is False and iso > published:
        return _shift_year(iso, -1)
    if future is True and iso < published:
        return _shift_year(iso, 1)
    return iso


def _ordinal(iso: str) -> int:
    """Days (a day), or months (a month), since year 1: how far apart two dates of one precision are."""
    if len(iso) == 7:
        return int(iso[:4]) * 12 + int(iso[5:7])
    return datetime.date.fromisoformat(iso).toordinal()


def _at_precision(base: datetime.datetime, iso: str) -> str:
    return base.date().isoformat()[: len(iso)]


def _shift_year(iso: str, years: int) -> str:
    year, rest = iso[:4], iso[4:]
    if rest == "-02-29" and years:
        rest = "-02-28"
    return f"{int(year) + years:04d}{rest}"


def date_tense(entity: Span) -> Tense:
    """The tense of the clause the DATE entity modifies, from that clause's head verb: True for
    the future ("will meet Thursday", "is due to arrive Thursday", "is visiting on Thursday",
    "opens Thursday"), False for the past ("said Thursday", "a statement issued Thursday"),
    None when it cannot tell. Only the clause counts: in "said Thursday that he will visit" the
    date is of the saying, in the past."""
    root = entity.root
    while root.dep_ in _NOUN_MODIFIER_DEPS and _is_time_noun(root.head):
        # "on Saturday evening": the date is the evening's.
        root = root.head
    if root.dep_ in _NOUN_MODIFIER_DEPS:
        # "Tuesday's debate", "the Monday session": the date dates a thing, not the clause.
        return None
    verb = _governing_verb(root)
    if verb is None:
        return None
    tense = _verb_tense(verb)
    if tense and _through_noun(root, verb):
        if verb.lemma_ in _LOOKING_AHEAD:
            # "expect the first cut in March": what is expected comes after the expecting.
            return True
        # "will review the report from February": the report's date, not the review's.
        return None
    return tense


def _is_time_noun(token: Token) -> bool:
    return token.ent_type_ in ("DATE", "TIME") or token.lower_ in _TIME_NOUNS


def _through_noun(token: Token, verb: Token) -> bool:
    """A noun (not a time word) stands between the date and its verb."""
    while token.head.i != token.i and token.head.i != verb.i:
        token = token.head
        if token.pos_ in ("NOUN", "PROPN") and not _is_time_noun(token):
            return True
    return False


def named_day(entity: Span) -> bool:
    """A weekday that is part of a name ("Black Friday", "Good Friday"), not a date of its own."""
    previous = entity.doc[entity.start - 1] if entity.start > 0 else None
    return previous is not None and previous.lower_ in _NAMED_DAY_WORDS and bool(_BARE_WEEKDAY.match(entity.text))


def entity_iso(entity: Span, base: datetime.datetime | None) -> str | None:
    """The ISO value of a DATE entity in its sentence: in the tense of its clause; none for a named day."""
    if named_day(entity):
        return None
    return resolve_date(entity.text, base, date_tense(entity))


def _governing_verb(token: Token) -> Token | None:
    steps = 0
    while token.head.i != token.i and steps < 12:
        token = token.head
        steps += 1
        if token.pos_ in ("VERB", "AUX"):
            return token
    return None


def _verb_tense(verb: Token, depth: int = 0) -> Tense:
    auxiliaries = [child for child in verb.children if child.dep_ in ("aux", "auxpass")]
    words = {child.lower_ for child in auxiliaries}
    if words & _FUTURE_AUXILIARIES:
        return True
    if words & _PERFECT_AUXILIARIES:
        return False
    if any(child.tag_ == "MD" for child in auxiliaries):
        # "could sign on Friday", "must leave by Monday".
        return True
    if "to" in words or (verb.tag_ in ("VB", "VBG") and not auxiliaries):
        # An infinitive or a participle clause takes the time of what governs it: "is due to
        # arrive Thursday", "planned to open on Thursday", "visiting Paris on Thursday, she said".
        governor = _governing_verb(verb)
        if governor is None or depth > 4:
            return None
        tense = _verb_tense(governor, depth + 1)
        if tense is False and "to" in words and governor.lemma_ in _LOOKING_AHEAD:
            # "expected rates to fall in September": what was expected comes after the
            # expecting, on whichever side of publication; the nearest such date.
            return PRESENT
        return tense
    finite = next((child for child in auxiliaries if child.tag_ in ("VBD", "VBZ", "VBP")), None)
    if finite is not None:
        # "was held", "were meeting" against "is held", "are meeting" (the present as future).
        return finite.tag_ != "VBD"
    if verb.tag_ == "VBN" and verb.lemma_ in _PROSPECTIVE:
        # "measures set to expire on May 1", "a meeting scheduled for Thursday".
        return True
    if verb.tag_ == "VBD" or verb.tag_ == "VBN":
        return False
    if verb.tag_ in ("VBZ", "VBP"):
        if any(child.lemma_ in _PROSPECTIVE for child in verb.children):
            # "is due to arrive Thursday".
            return True
        # "The summit opens Thursday": the present with a date, often a timetable (resolve_date).
        # Reporting verbs in the present ("says") report what was said.
        return None if verb.lemma_ in REPORTING_VERBS else PRESENT
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
    # "will visit Monday" the next one from it; a weekday in no tense is taken as past.
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
    "in June 2024", "earlier this year" -> "earlier in 2024", "said Thursday" -> "said on 4 July
    2024"), in the tense of the clause the entity modifies; None when they stay as written."""
    text = entity.text
    if base is None or not is_relative_date(text) or named_day(entity):
        return None
    preceding = entity.doc[entity.start - 1].lower_ if entity.start > entity.sent.start else ""
    before = entity.doc[entity.start - 2] if entity.start - 2 >= entity.sent.start else None
    if preceding in ("and", "or") and before is not None and before.ent_type_ == "DATE":
        # "on Wednesday and Thursday": the second date shares the first one's preposition.
        preceding = "on"
    weekdays = _WEEKDAY_RANGE.match(text.strip())
    if weekdays:
        return _spelled_weekdays(text.strip(), weekdays, resolve_date(text, base, date_tense(entity)), preceding)
    core = _RELATIVE_CORE.search(text)
    if core is None:
        if entity.root.dep_ in _NOUN_MODIFIER_DEPS:
            # "the Jan. 6 attack", "the July 4 parade": a date that names an event keeps its words.
            return None
        return _with_year(text, resolve_date(text, base, date_tense(entity)))
    iso = resolve_date(core.group().strip(), base, date_tense(entity))
    if iso is None or "W" in iso:
        # A week has no spelling a reader would use.
        return None
    absolute = _spelled(iso)
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


def _spelled_weekdays(text: str, match: re.Match[str], iso: str | None, preceding: str) -> str | None:
    """"Wednesday and Thursday" as "on 3 and 4 July 2024", "from Monday to Friday" as "from 1 to 5 July 2024"."""
    if iso is None or "/" not in iso:
        return None
    start, end = (datetime.date.fromisoformat(part) for part in iso.split("/"))
    lead = text[: match.start(1)].strip()
    joiner = "and" if re.search(r"\band\b", text, re.IGNORECASE) or lead.lower() == "between" else "to"
    if (start.year, start.month) == (end.year, end.month):
        spelled = f"{start.day} {joiner} {_spelled(end.isoformat())}"
    elif start.year == end.year:
        spelled = f"{start.day} {MONTHS[start.month - 1]} {joiner} {_spelled(end.isoformat())}"
    else:
        spelled = f"{_spelled(start.isoformat())} {joiner} {_spelled(end.isoformat())}"
    if lead:
        return f"{lead} {spelled}"
    if preceding in DATE_PREPOSITIONS:
        return spelled
    return ("from " if joiner == "to" else "on ") + spelled


def _with_year(text: str, iso: str | None) -> str | None:
    """A calendar date written without its year, with the year it resolved to ("July 8 and 9" ->
    "July 8 and 9, 2024", "8 to 9 July" -> "8 to 9 July 2024", "in December" -> "in December 2023")."""
    if iso is None or "W" in iso or not _lacks_year(text):
        return None
    year = iso.split("/")[-1][:4]
    stripped = text.rstrip()
    # "July 8" takes a comma before its year, "8 July" and "December" do not.
    comma = "," if _ENDS_WITH_DAY.search(stripped) else ""
    return f"{stripped}{comma} {year}{text[len(stripped):]}"


def _spelled(iso: str) -> str:
    """"2024-06-04" as "4 June 2024", "2024-06" as "June 2024"."""
    parts = iso.split("-")
    if len(parts) == 3:
        return f"{int(parts[2])} {MONTHS[int(parts[1]) - 1]} {parts[0]}"
    if len(parts) == 2:
        return f"{MONTHS[int(parts[1]) - 1]} {parts[0]}"
    return iso
