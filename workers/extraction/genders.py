"""The gender an article gives each person it names, so that "she said" goes to the right one."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from spacy.tokens import Span, Token

from .entities import CanonicalNames, person_name
from .lexicon import (
    FEMALE_GIVEN_NAMES,
    FEMALE_NOUNS,
    FEMALE_TITLES,
    MALE_GIVEN_NAMES,
    MALE_NOUNS,
    MALE_TITLES,
    NOUN_SUBJECT_DEPS,
    PRONOUN_GENDER,
    REPORTING_VERBS,
)
from .sentences import quoted_tokens


def person_genders(sentences: Iterable[tuple[Span, tuple[Span, ...]]], names: CanonicalNames) -> dict[str, str]:
    """The gender the article gives each person, so that "she said" does not go to the last man named.

    Evidence: a courtesy title ("Ms Solberg"), a gendered noun beside the name ("spokeswoman Ingrid
    Solberg", "his wife, Ingrid"), each worth two votes; a common given name, and a pronoun tied to
    the person's own clause ("Solberg sold her boat", "Solberg said she ..."), one each, for every
    mention. A tie says nothing."""
    votes: dict[str, Counter] = defaultdict(Counter)
    for sentence, entities in sentences:
        quoted = quoted_tokens(sentence)
        in_entity = {index for entity in entities for index in range(entity.start, entity.end)}
        # The small model leaves some repeated surnames untagged ("Lind said he ...").
        lone = [token.doc[token.i : token.i + 1] for token in sentence if token.pos_ == "PROPN"
                and token.i not in in_entity and names.full_person_name(token.text)]
        for entity in [*entities, *lone]:
            name = person_name(entity, names)
            if not name:
                continue
            stated = _stated_gender(entity)
            if stated:
                votes[name][stated] += 2
            given = name.split()[0].lower() if len(name.split()) > 1 else ""
            if given in MALE_GIVEN_NAMES or given in FEMALE_GIVEN_NAMES:
                votes[name]["m" if given in MALE_GIVEN_NAMES else "f"] += 1
            if entity.start not in quoted:
                for pronoun in _own_pronouns(entity.root, sentence, quoted):
                    votes[name][PRONOUN_GENDER[pronoun.lower_]] += 1
    genders = {}
    for name, counts in votes.items():
        ranked = counts.most_common(2)
        if len(ranked) == 1 or ranked[0][1] > ranked[1][1]:
            genders[name] = ranked[0][0]
    return genders


def _stated_gender(entity: Span) -> str | None:
    # "Ms Solberg" tagged whole, or "Mr" just before "Harald Brekke".
    titles = [entity[0], *([entity.doc[entity.start - 1]] if entity.start else [])]
    for title in titles:
        word = title.lower_.rstrip(".")
        if word in MALE_TITLES or word in FEMALE_TITLES:
            return "m" if word in MALE_TITLES else "f"
    root = entity.root
    beside = [child for child in root.children if child.dep_ in ("compound", "appos") and child.i not in range(
        entity.start, entity.end)]
    if root.dep_ in ("appos", "compound"):
        beside.append(root.head)
    for noun in beside:
        if noun.lemma_.lower() in MALE_NOUNS or noun.lemma_.lower() in FEMALE_NOUNS:
            return "m" if noun.lemma_.lower() in MALE_NOUNS else "f"
    return None


def _own_pronouns(name: Token, sentence: Span, quoted: set[int]) -> list[Token]:
    """Personal pronouns that can only mean the subject `name`: a possessive in its own clause
    ("Solberg sold her boat") or the subject of what it says ("Solberg said she ...")."""
    if name.dep_ not in NOUN_SUBJECT_DEPS:
        return []
    verb = name.head
    # "Solberg runs the company and sold her boat": verbs sharing the subject are its clause too.
    clause = {verb, *(conjunct for conjunct in verb.conjuncts
                      if not any(child.dep_ in NOUN_SUBJECT_DEPS for child in conjunct.children))}
    found = []
    for token in sentence:
        if token.i <= name.i or token.i in quoted or token.lower_ not in PRONOUN_GENDER or token.pos_ != "PRON":
            continue
        if token.tag_ == "PRP$" and _clause_verb(token) in clause:
            found.append(token)
        elif token.dep_ in NOUN_SUBJECT_DEPS and token.head.dep_ == "ccomp" and token.head.head == verb and (
                verb.lemma_ in REPORTING_VERBS):
            found.append(token)
    return found


def _clause_verb(token: Token) -> Token:
    head = token.head
    while head.pos_ not in ("VERB", "AUX") and head.head != head:
        head = head.head
    return head
