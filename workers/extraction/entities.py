"""Canonical names: a short mention ("Modi") linked to the full name used in the article."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

NAME_LABELS = frozenset(
    {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW", "LANGUAGE"}
)
_POSSESSIVE = ("'s", "’s", "'", "’")
# Courtesy titles are not part of the name: "Ms Solberg" is the "Ingrid Solberg" of the article.
HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "lady", "lord"})


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
