"""Claim matching: the same claim made in another article, found by shared entities and
scored by text similarity, in two tiers (suggested, confirmed)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from rapidfuzz import fuzz, utils


class MatchTier(str, Enum):
    SUGGESTED = "suggested"
    CONFIRMED = "confirmed"


class MatchDecision(str, Enum):
    CONFIRM = "confirm"
    REJECT = "reject"


@dataclass(frozen=True)
class Match:
    claim_id: str
    score: float
    tier: MatchTier
    differences: tuple[str, ...] = ()


def similarity(a: str, b: str) -> float:
    """0..1; word order does not matter, extra words do (a claim inside a longer one is not
    the same claim)."""
    return fuzz.token_sort_ratio(a, b, processor=utils.default_process) / 100


def find_matches(text: str, candidates: list[tuple[str, str]], *, suggest_at: float,
                 confirm_at: float) -> list[Match]:
    """The candidates (id, text) similar enough to `text`, best first; confirmed only when the
    consistency guard finds nothing that differs ("fell to 6 percent" is not "fell to 8 percent")."""
    found = []
    for candidate_id, candidate_text in candidates:
        score = similarity(text, candidate_text)
        if score >= suggest_at:
            differing = tuple(differences(text, candidate_text))
            tier = MatchTier.CONFIRMED if score >= confirm_at and not differing else MatchTier.SUGGESTED
            found.append(Match(candidate_id, round(score, 3), tier, differing))
    return sorted(found, key=lambda m: -m.score)


# -- the consistency guard: what two alike texts state differently -----------------------------
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_YEAR = re.compile(r"^(1[89]|20)\d\d$")
_WORD = re.compile(r"[\w’']+")
_POSSESSIVE = re.compile(r"[’']s?$")
_NEGATIONS = frozenset({"not", "no", "never", "nor", "none", "nobody", "nothing", "cannot", "neither"})
_FUNCTION_WORDS = frozenset("""a an the this that these those there it its in on at by for from of to with as
    after before during since when while if but and or so yet he she they we i you our their his her
    some many most all no every each one two three several new former""".split())
# Numbers written in words count as figures: "four thousand" is 4000, as "4,000" is.
_UNITS = {word: value for value, word in enumerate(
    """zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen
    sixteen seventeen eighteen nineteen""".split())}
_TENS = {word: value * 10 for value, word in enumerate(
    "twenty thirty forty fifty sixty seventy eighty ninety".split(), start=2)}
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_NUMBER_WORDS = frozenset(_UNITS) | frozenset(_TENS) | frozenset(_SCALES)
_CALENDAR = frozenset("""january february march april may june july august september october november
    december monday tuesday wednesday thursday friday saturday sunday""".split())
# Capitalised words that are no party: dates and numbers, compared as such.
_NOT_NAMES = _CALENDAR | _NUMBER_WORDS
# Words that carry what a claim states beside its names, figures and dates: not these, nor
# auxiliaries and reporting verbs (who said it is not what was said).
_NOT_CONTENT = _NOT_NAMES | _FUNCTION_WORDS | _NEGATIONS | frozenset("""is are was were be been being am has
    have had having do does did done will would shall should can could may might must also just only
    than then there here what which who whom whose where why how about into onto over under
    very too much more less other such own same because said says say told according reported""".split())


# Who said it, and when, around a reported claim: "The ministry said on 6 May 2024 that ..." and
# "..., the ministry said on Thursday." The claim is what was said; the day it was said is not a
# date of the claim (a fact-check of the same words said another day is about the same claim).
_REPORTED = ("(?:said|told|stated|announced|claimed|added|reported|confirmed|insisted|argued|warned|noted"
             "|wrote|tweeted|estimated|declared)")
_WHEN = r"(?: (?:on|in|last|this) [^,;]{1,30}?)?"
_REPORT_FRAME_BEFORE = re.compile(rf"^[^,;]{{1,100}}? {_REPORTED}(?: [A-Z][\w’'-]*)?{_WHEN} that ")
_REPORT_FRAME_AFTER = re.compile(
    rf",\s*(?:according to [^,;]{{1,100}}|[^,;]{{1,100}}? {_REPORTED}{_WHEN})\.?$")


def reported_content(text: str) -> str:
    """`text` without a reporting frame around it (who said it, and when)."""
    inner = _REPORT_FRAME_AFTER.sub("", _REPORT_FRAME_BEFORE.sub("", text.strip(), count=1), count=1)
    return inner if len(inner) >= 12 else text


# How `differences` names what two texts say differently of one subject.
OTHER_STATEMENT = "statements:"


def says_another_thing(found_differences: list[str]) -> bool:
    """Whether a pair, alike as it may be, says different things of one subject: then a verdict
    on one tells nothing of the other, and does not move it up the queue (a changed figure,
    date, negation or party is still the same claim mutated, and does)."""
    return any(difference.startswith(OTHER_STATEMENT) for difference in found_differences)


def differences(a: str, b: str) -> list[str]:
    """What keeps two alike texts from being the same claim, in what they report (not who reported
    it when): a figure, a year, a negation or a named party they state differently ("120 million"
    / "150 million"), and the statements each makes of the subject that the other lacks."""
    a, b = reported_content(a), reported_content(b)
    found = []
    years_a, years_b = _years(a), _years(b)
    figures_a, figures_b = _figures(a) - years_a, _figures(b) - years_b
    if figures_a != figures_b and figures_a and figures_b:
        found.append(f"figures: {_listed(figures_a)} vs {_listed(figures_b)}")
    dates_a, dates_b = years_a | _calendar_words(a), years_b | _calendar_words(b)
    if dates_a != dates_b and dates_a and dates_b:
        found.append(f"dates: {_listed(dates_a - dates_b)} vs {_listed(dates_b - dates_a)}")
    negated_a = _negated(a)
    if negated_a != _negated(b):
        found.append("negation: " + ("only the first is negated" if negated_a else "only the second is negated"))
    words_a, words_b = _word_forms(a), _word_forms(b)
    only_a, only_b = _names(a) - words_b, _names(b) - words_a
    if only_a and only_b:
        found.append(f"parties: {_listed(only_a)} vs {_listed(only_b)}")
    # Unlike in what they say of what they name: "The oldest bakery in Tartu is Kaneel." is not
    # "Kaneel bakery in Tartu sells 4,000 loaves a week."
    only_a, only_b = _uncovered(_content_words(a), words_b), _uncovered(_content_words(b), words_a)
    if only_a and only_b:
        found.append(f"{OTHER_STATEMENT} {_listed(only_a)} vs {_listed(only_b)}")
    return found


def _figures(text: str) -> set[str]:
    return {figure.replace(",", "") for figure in _NUMBER.findall(text)} | _spelled_figures(text)


def _spelled_figures(text: str) -> set[str]:
    """Numbers written in words ("four thousand", "twenty-five") as digits. A lone "one" is a
    pronoun as often as a number, and a scale after digits ("120 million") is the digits' own."""
    found: set[str] = set()
    run: list[str] = []
    for word in [*_WORD.findall(text.casefold()), ""]:
        if word in _NUMBER_WORDS or word == "and" and run:
            run.append(word)
            continue
        while run and run[-1] == "and":
            run.pop()
        if run and run != ["one"] and run[0] not in _SCALES:
            found.add(str(_spelled_value(run)))
        run = []
    return found


def _spelled_value(words: list[str]) -> int:
    total = current = 0
    for word in words:
        if word == "hundred":
            current = max(current, 1) * 100
        elif word in _SCALES:
            total, current = total + max(current, 1) * _SCALES[word], 0
        else:
            current += _UNITS.get(word, 0) + _TENS.get(word, 0)
    return total + current


def _years(text: str) -> set[str]:
    return {figure for figure in _figures(text) if _YEAR.match(figure)}


def _calendar_words(text: str) -> set[str]:
    """Months and weekdays: "May", "Tuesday"."""
    return {word for word in _WORD.findall(text) if word.casefold() in _CALENDAR and word[:1].isupper()}


def _negated(text: str) -> bool:
    words = _WORD.findall(text.casefold())
    return sum(word in _NEGATIONS or word.endswith(("n't", "n’t")) for word in words) % 2 == 1


def _names(text: str) -> set[str]:
    """Capitalised words (a possessive's 's dropped), but months, weekdays, numbers in words and a
    sentence's capitalised first function word."""
    words = [_POSSESSIVE.sub("", word) for word in _WORD.findall(text)]
    if words and words[0].casefold() in _FUNCTION_WORDS:
        words = words[1:]
    return {word for word in words if word[:1].isupper() and word.casefold() not in _NOT_NAMES}


def _word_forms(text: str) -> set[str]:
    """Every word of `text` (a possessive's 's dropped) as written, in lower case and capitalised: a
    name is shared when the other text has it in either case ("Unemployment" and "unemployment"),
    and a content word when the other has a word of its stem."""
    words = {_POSSESSIVE.sub("", word) for word in _WORD.findall(text)}
    return words | {word.casefold() for word in words} | {word.capitalize() for word in words}


def _content_words(text: str) -> set[str]:
    """The words that say something of what a text names: in lower case (a capitalised word,
    first or not, is a name and compared as one), not figures, dates or function words."""
    return {word for word in _WORD.findall(text) if word[:1].islower() and not any(ch.isdigit() for ch in word)
            and word not in _NOT_CONTENT}


def _uncovered(words: set[str], other: set[str]) -> set[str]:
    """The words with no word of the same stem among the other text's `_word_forms` (a shared
    start of four letters, or the shorter word whole: "turned" and "turnout", "old" and "oldest")."""
    def covered(word: str) -> bool:
        return any(word[:4] == seen[:4] if min(len(word), len(seen)) >= 4 else
                   (word.startswith(seen) or seen.startswith(word)) for seen in other)
    return {word for word in words if not covered(word)}


def _listed(values: set[str]) -> str:
    return ", ".join(sorted(values))


# -- attaching what the lookup finds to a new claim (workers: the matching task) ---------------
# The lookup's similarity (service.retrieval, 0..1) at which a fact-check or a reviewed claim is
# attached to a new claim: suggested, and confirmed when nothing differs. Chosen on the tune half
# of the CheckThat! tweets (`benchmarks/factcheck_retrieval.py --thresholds`): the lowest at which
# a wrong fact-check reaches at most 3 % of tweets whose own is left out (2.7 %), and none.
LOOKUP_SUGGEST_AT = 0.475
LOOKUP_CONFIRM_AT = 0.575


def lookup_tier(similarity: float, found_differences: list[str]) -> MatchTier | None:
    """A lookup hit's tier as a match of a new claim (None: not a match). The consistency
    guard: a pair that states a figure, date, negation or party differently is at most suggested."""
    if similarity < LOOKUP_SUGGEST_AT:
        return None
    if similarity >= LOOKUP_CONFIRM_AT and not found_differences:
        return MatchTier.CONFIRMED
    return MatchTier.SUGGESTED
