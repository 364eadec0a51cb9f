"""Names: a short mention ("Modi") linked to the full name the article uses, and a claim's entities."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from spacy.tokens import Span, Token

from .lexicon import HONORIFICS
from .sentences import ParsedSentence

_POSSESSIVE = ("'s", "’s", "'", "’")


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

    def __init__(self, mentions: Iterable[tuple[str, str]]):
        surface_by_key: dict[tuple[str, ...], str] = {}
        person_keys: set[tuple[str, ...]] = set()
        for text, label in mentions:
            key = name_key(text)
            if not key:
                continue
            surface = _strip_possessive(text)
            if len(surface) > len(surface_by_key.get(key, "")):
                surface_by_key[key] = surface
            if label == "PERSON" and len(key) > 1:
                person_keys.add(key)

        self._full_names_by_part: dict[tuple[str, ...], set[tuple[str, ...]]] = defaultdict(set)
        for key in person_keys:
            for length in range(1, len(key)):
                self._full_names_by_part[key[:length]].add(key)
                self._full_names_by_part[key[-length:]].add(key)
        self._surface_by_key = surface_by_key

    def canonical(self, text: str) -> str:
        return (
            self.full_person_name(text)
            or self._surface_by_key.get(name_key(text))
            or _strip_possessive(text)
        )

    def full_person_name(self, text: str) -> str | None:
        """The one full person name in the article that `text` is the first or last part of."""
        longest = _longest_unambiguous(self._full_names_by_part.get(name_key(text), set()))
        return self._surface_by_key[longest] if longest else None


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
    return full or (names.canonical(entity.text) if entity.label_ == "PERSON" else None)


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
        {"text": text, "label": label, "canonical": names.canonical(text)} for (text, label), _ in ordered
    ]
