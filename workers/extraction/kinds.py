"""A claim's kind: quote, quantity, policy, event, relation or statement."""

from __future__ import annotations

from spacy.tokens import Span, Token

from .lexicon import DATE_LABELS, NUMBER_LABELS, POLICY_LEMMAS, STATIVE_LEMMAS


def sentence_kind(tokens: list[Token], reasons: list[str], quoted: set[int], attribution: str | None,
                  names: list[Span], dates: list[Span]) -> str:
    """The kind of what `tokens` say, given the rule reasons, quoted tokens, speaker, names and dates."""
    if attribution is not None and len(quoted) >= 3:
        return "quote"
    if "number" in reasons:
        return "quantity"
    if any(token.lemma_.lower() in POLICY_LEMMAS for token in tokens if token.i not in quoted):
        return "policy"
    main_verbs = [token for token in tokens if token.dep_ == "ROOT" and token.pos_ in ("VERB", "AUX")]
    if dates and any(verb.lemma_ not in STATIVE_LEMMAS for verb in main_verbs):
        return "event"
    distinct_names = {entity.text for entity in names}
    if len(distinct_names) >= 2:
        return "relation"
    return "statement"


def atom_kind(kind_of_sentence: str, entities: tuple[Span, ...]) -> str:
    """An atom's kind: a quantity only while the atom keeps the sentence's figures."""
    if kind_of_sentence == "quantity" and not any(entity.label_ in NUMBER_LABELS for entity in entities):
        return "event" if any(entity.label_ in DATE_LABELS for entity in entities) else "statement"
    return kind_of_sentence
