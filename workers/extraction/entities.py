"""Names: a short mention ("Modi") linked to the full name the article uses, and a claim's entities."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from spacy.tokens import Span, Token

from .lexicon import HONORIFICS, PLACE_LABELS, TITLE_NOUNS, TYPED_NAME_LABELS
from .sentences import ParsedSentence

_POSSESSIVE = ("'s", "’s", "'", "’")
# Countries, capitals, continents, US states and cities of 100,000 or more (scripts/build_gazetteer.py).
PLACES_PATH = Path(__file__).with_name("places.txt")
# Countries alone, with the short names news uses ("Britain", "the US").
COUNTRIES_PATH = Path(__file__).with_name("countries.txt")
# Votes for one type of a name, beside one vote per mention of the tagger's label: a title before a
# name or a longer person name that holds it outweighs two stray labels; the gazetteer one.
_PERSON_CUE_VOTES = 2.0
_PLACE_CUE_VOTES = 1.5
# Words before a person's name that make a title, not a name: "Russian President", "Finance Minister".
_TITLE_DEPS = frozenset({"compound", "amod", "nmod"})


@functools.lru_cache(maxsize=1)
def places() -> frozenset[str]:
    """The gazetteer's names, case-folded."""
    return _names(PLACES_PATH)


@functools.lru_cache(maxsize=1)
def countries() -> frozenset[str]:
    """The countries' names, case-folded."""
    return _names(COUNTRIES_PATH)


def _names(path: Path) -> frozenset[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(line.casefold() for line in lines if line and not line.startswith("#"))


def is_country(name: str) -> bool:
    """A country the gazetteer knows, with or without its "the": "Netherlands", "the Netherlands"."""
    key = name.casefold().removeprefix("the ")
    return key in countries() or f"the {key}" in countries()


def takes_the(name: str) -> bool:
    """A country named with "the" before it ("the Netherlands"), written here without it."""
    key = name.casefold()
    return not key.startswith("the ") and key not in countries() and f"the {key}" in countries()


class NameMention(NamedTuple):
    """One mention of a name in the article: its text, the tagger's label, the title before it."""

    text: str
    label: str
    # "russian president" of "Russian President Vladimir Putin" or "Vladimir Putin, the Russian president".
    role: tuple[str, ...] = ()


def name_mentions(entities: Iterable[Span]) -> Iterable[NameMention]:
    """`entities` as mentions, each person with the title the sentence gives them."""
    for entity in entities:
        yield NameMention(entity.text, entity.label_, person_role(entity) if entity.label_ == "PERSON" else ())


def person_role(entity: Span) -> tuple[str, ...]:
    """The title the sentence puts before or beside a person's name, as lower-case words; () when none."""
    doc = entity.doc
    root = entity.root
    words: list[Token] = []
    index = entity.start - 1
    while index >= 0 and doc[index].dep_ in _TITLE_DEPS and (
            entity.start <= doc[index].head.i < entity.end or doc[index].head in words):
        words.insert(0, doc[index])
        index -= 1
    if not words:
        # "Vladimir Putin, the Russian president," or "the Russian president, Vladimir Putin,".
        noun = next((child for child in root.children if child.dep_ == "appos"), None)
        if noun is None and root.dep_ == "appos":
            noun = root.head
        if noun is not None and noun.lower_ in TITLE_NOUNS:
            words = [token for token in noun.subtree if token.i <= noun.i and (
                token == noun or token.dep_ in _TITLE_DEPS and token.head.i <= noun.i)]
    role = tuple(token.lower_ for token in words if token.lower_ not in HONORIFICS)
    return role if role and role[-1] in TITLE_NOUNS else ()


def name_key(text: str) -> tuple[str, ...]:
    """Words of a name, without a leading "the", courtesy title or trailing possessive, case-folded."""
    words = text.split()
    if words and words[0].lower() == "the":
        words = words[1:]
    if len(words) > 1 and words[0].lower().rstrip(".") in HONORIFICS:
        words = words[1:]
    if words:
        last = words[-1]
        for suffix in _POSSESSIVE:
            if last.endswith(suffix) and len(last) > len(suffix):
                words[-1] = last[: -len(suffix)]
                break
    return tuple(word.casefold() for word in words)


class CanonicalNames:
    """Maps a name mention to the longest name in the article that contains it.

    Full person names lend themselves to their first and last words ("Narendra Modi" to
    "Modi", whatever label the model gave that mention); other names only to the same name
    written with or without "the" or a possessive. A short form shared by two different full
    names ("Smith" for "John Smith" and "Jane Smith") stays as written.
    """

    def __init__(self, mentions: Iterable[NameMention | tuple[str, str]]):
        surface_by_key: dict[tuple[str, ...], str] = {}
        tagged_person: set[tuple[str, ...]] = set()
        # Each name's PERSON labels less its other name labels.
        as_person: dict[tuple[str, ...], int] = defaultdict(int)
        typed = [NameMention(*mention) for mention in mentions]
        for text, label, _role in typed:
            key = name_key(text)
            if not key:
                continue
            surface = _strip_possessive(text)
            if len(surface) > len(surface_by_key.get(key, "")):
                surface_by_key[key] = surface
            if label == "PERSON":
                tagged_person.add(key)
                as_person[key] += 1
            elif label in TYPED_NAME_LABELS:
                as_person[key] -= 1
        # One stray PERSON on "Fair Vote Estonia", an organisation everywhere else, makes no person.
        person_keys = {key for key in tagged_person if len(key) > 1 and as_person[key] >= 0}
        self._tagged_person = tagged_person

        self._full_names_by_part: dict[tuple[str, ...], set[tuple[str, ...]]] = defaultdict(set)
        for key in person_keys:
            for length in range(1, len(key)):
                self._full_names_by_part[key[:length]].add(key)
                self._full_names_by_part[key[-length:]].add(key)
        self._surface_by_key = surface_by_key
        self._person_keys = person_keys
        self._types = self._vote_types(typed)
        self._people_by_role: dict[tuple[str, ...], set[str]] = defaultdict(set)
        for mention in typed:
            if mention.role:
                person = self.canonical(mention.text)
                for length in range(1, len(mention.role) + 1):
                    self._people_by_role[mention.role[-length:]].add(person)

    def _vote_types(self, mentions: list[NameMention]) -> dict[str, str]:
        """One type per name in the article ("Kyiv" a place, "Modi" a person, whatever one mention's
        label): the tagger's labels over every mention, a title, a longer person name, the gazetteer."""
        votes: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        for text, label, role in mentions:
            if label not in TYPED_NAME_LABELS:
                continue
            canonical = self.canonical(text)
            votes[canonical][label] += 1
            if role:
                votes[canonical]["PERSON"] += _PERSON_CUE_VOTES
        gazetteer = places()
        types = {}
        for canonical, counts in votes.items():
            if name_key(canonical) in self._person_keys:
                counts["PERSON"] += _PERSON_CUE_VOTES
            elif canonical.casefold() in gazetteer:
                place = max(PLACE_LABELS, key=lambda label: (counts[label], label == "GPE"))
                counts[place] += _PLACE_CUE_VOTES
            # Ties go to the label the article used first.
            types[canonical] = max(counts, key=lambda label: counts[label])
        return types

    def label(self, text: str, label: str) -> str:
        """The one type the article gives the name `text` (tagged `label` here)."""
        if label not in TYPED_NAME_LABELS:
            return label
        return self._types.get(self.canonical(text), label)

    def person_by_role(self, words: Iterable[str]) -> str | None:
        """The one person the article gives the title `words` ("russian president", "prime minister")."""
        people = self._people_by_role.get(tuple(word.lower() for word in words), set())
        return next(iter(people)) if len(people) == 1 else None

    def canonical(self, text: str) -> str:
        return (
            self.full_person_name(text)
            or self._surface_by_key.get(name_key(text))
            or _strip_possessive(text)
        )

    def full_person_name(self, text: str) -> str | None:
        """The one full person name in the article that `text` is the first or last part of."""
        key = name_key(text)
        if key not in self._tagged_person and " ".join(key) in places():
            return None  # "Estonia", never a person here, is not Jaan Estonia's name
        longest = _longest_unambiguous(self._full_names_by_part.get(key, set()))
        return self._surface_by_key[longest] if longest else None


def titled_person(head: Token, names: CanonicalNames) -> str | None:
    """The person a title stands for: "the Russian president" as the Vladimir Putin the article
    calls Russian President; None when the article gives no one, or more than one, that title."""
    if head.lower_ not in TITLE_NOUNS or head.pos_ != "NOUN" or head.tag_ != "NN":
        return None
    modifiers = [child for child in head.children if child.i < head.i]
    if not any(child.dep_ == "det" and child.lower_ == "the" for child in modifiers) or any(
            child.dep_ not in ("det", *_TITLE_DEPS) for child in modifiers):
        return None
    words = [child.lower_ for child in modifiers if child.dep_ in _TITLE_DEPS] + [head.lower_]
    return names.person_by_role(words)


def _longest_unambiguous(candidates: set[tuple[str, ...]]) -> tuple[str, ...] | None:
    """The longest candidate, if every other candidate is a part of it."""
    if not candidates:
        return None
    longest = max(candidates, key=lambda key: (len(key), key))
    if all(_is_part(candidate, longest) for candidate in candidates):
        return longest
    return None


def _is_part(part: tuple[str, ...], whole: tuple[str, ...]) -> bool:
    size = len(part)
    return any(whole[index : index + size] == part for index in range(len(whole) - size + 1))


def possessive_of(name: str) -> str:
    """The name's possessive ("Liis Saar's", "Kaja Kallas'"); curly apostrophes in the name, a curly one."""
    return name + ("’" if name.endswith("s") else "’s") if "’" in name else name + ("'" if name.endswith("s") else "'s")


def _strip_possessive(text: str) -> str:
    text = text.strip()
    for suffix in ("'s", "’s"):
        if text.endswith(suffix) and len(text) > len(suffix):
            return text[: -len(suffix)]
    return text


def person_name(entity: Span, names: CanonicalNames) -> str | None:
    """The person `entity` names, in full where the article gives the full name; None if no person."""
    if any(char.isdigit() for char in entity.text) or not entity.text[:1].isupper():
        return None  # "COVID-19" or words run together ("aJan"), now and then tagged as a person
    full = names.full_person_name(entity.text)
    return full or (names.canonical(entity.text) if names.label(entity.text, entity.label_) == "PERSON" else None)


def claim_entities(sentence: ParsedSentence, mentions: list[Span], names: CanonicalNames,
                   inside: set[int]) -> list[dict]:
    """Named entities with canonical names, plus untagged short forms of people named elsewhere."""
    found: dict[tuple[str, str], int] = {}
    for entity in mentions:
        found.setdefault((entity.text, entity.label_), entity.start)
    tagged = {index for entity in sentence.entities for index in range(entity.start, entity.end)}
    run: list[Token] = []
    for token in [*sentence.span, None]:
        if token is not None and token.pos_ == "PROPN" and token.i not in tagged and token.i in inside:
            run.append(token)
            continue
        if run:
            mention = sentence.span.doc[run[0].i : run[-1].i + 1]
            if names.full_person_name(mention.text):
                found.setdefault((mention.text, "PERSON"), mention.start)
            run = []
    ordered = sorted(found.items(), key=lambda item: item[1])
    return [
        {"text": text, "label": names.label(text, label), "canonical": names.canonical(text)}
        for (text, label), _ in ordered
    ]
