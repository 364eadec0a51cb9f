"""Reported speech: the verb that reports, who speaks, and the speaker named as a checker needs."""

from __future__ import annotations

import re

from spacy.tokens import Span, Token

from .coreference import BOUND, ArticleContext, antecedent, described_name, frame_owner, pronoun_class
from .entities import name_key, possessive_of, titled_person
from .lexicon import NOUN_SUBJECT_DEPS, REPORTING_VERBS, SPEAKER_PHRASE_DEPS
from .sentences import quoted_tokens

# Longer speaker phrases are cut down to their core ("the ministry", not its clauses).
_MAX_ATTRIBUTION_TOKENS = 12
# Clauses after a speaker that say more of them, not who they are.
_DESCRIBING_DEPS = frozenset({"relcl", "acl", "advcl"})


def _passive(verb: Token) -> bool:
    return any(child.dep_ in ("nsubjpass", "auxpass") for child in verb.children)


def _agent(verb: Token) -> Token | None:
    """Who acts on a passive verb: "by Reuters" → Reuters."""
    by = next((child for child in verb.children if child.dep_ == "agent"), None)
    return next((child for child in by.children if child.dep_ == "pobj"), None) if by is not None else None


def speech_verb(tokens: list[Token], quoted: set[int]) -> Token | None:
    """A reporting verb that introduces speech: a clause, a quote, or a parenthetical. A passive
    one only with its agent ("it was reported by Reuters that"): "she had been accused" and "he
    was told" report nothing their subject said."""
    for token in tokens:
        if token.pos_ != "VERB" or token.lemma_ not in REPORTING_VERBS or token.i in quoted:
            continue
        if _passive(token) and _agent(token) is None:
            continue
        introduces_clause = any(child.dep_ in ("ccomp", "parataxis") for child in token.children)
        parenthetical = token.dep_ in ("parataxis", "ccomp", "advcl") and token.i > token.head.i
        if introduces_clause or parenthetical or quoted:
            return token
    return None


def speaker(sentence: Span, tokens: list[Token], verb: Token | None) -> Token | None:
    """The head of who says it: the speech verb's subject (its agent when passive), or what
    "according to" names."""
    if verb is not None:
        subject = _agent(verb) if _passive(verb) else _subject(verb)
        if subject is not None:
            return subject
    for token in tokens:
        # "according to the ministry"
        if token.lower_ != "according" or token.i + 1 >= sentence.end:
            continue
        to = sentence.doc[token.i + 1]
        if to.lower_ == "to":
            source = next((child for child in to.children if child.dep_ == "pobj"), None)
            if source is not None:
                return source
    return None


def _subject(verb: Token) -> Token | None:
    """The verb's subject, or the one of the verb it is coordinated with ("Its leader called the
    budget a fiction and said ...")."""
    for _ in range(4):
        subject = next((child for child in verb.children if child.dep_ in NOUN_SUBJECT_DEPS), None)
        if subject is not None or verb.dep_ != "conj":
            return subject
        verb = verb.head
    return None


def speaker_phrase(sentence: Span, head: Token) -> str:
    """The noun phrase headed by `head`, without a clause that describes the speaker ("Kallas,
    who has led the government since 2021"; a name's apposition too), cut down to its core when
    it runs long."""
    start, end = head.left_edge.i, head.right_edge.i + 1
    describing = [child for child in head.children if child.i > head.i and (
        child.dep_ in _DESCRIBING_DEPS or child.dep_ == "appos" and head.pos_ == "PROPN")]
    # "The port authority of Parnu, which runs the harbour": a clause set off by a comma deeper in.
    describing += [token for token in head.subtree if token.i > head.i and token.dep_ in _DESCRIBING_DEPS
                   and token.left_edge.i > 0 and sentence.doc[token.left_edge.i - 1].text == ","]
    if describing:
        end = min(child.left_edge.i for child in describing)
    if end - start > _MAX_ATTRIBUTION_TOKENS:
        # Keep determiners, modifiers and compounds left of the head, drop clauses and appositions.
        start = head.i
        while start > sentence.start and sentence.doc[start - 1].dep_ in SPEAKER_PHRASE_DEPS:
            start -= 1
        end = head.i + 1
    phrase = sentence.doc[start:end].text
    return phrase.strip(" ,;:-–—\"'“”‘’")


def is_reported(token: Token) -> bool:
    """Inside the clause a reporting verb introduces ("she said the plan was reckless")."""
    for _ in range(6):
        if token.head is token:
            return False
        if token.dep_ in ("ccomp", "xcomp", "parataxis") and token.head.lemma_ in REPORTING_VERBS:
            return True
        token = token.head
    return False


def speaker_name(speaker: Token, phrase: str, sentence: Span, entities: tuple[Span, ...], context: ArticleContext,
                 open_quote: str | None = None) -> str:
    """Who is quoted, as a checker needs it: "she" as the person she is, "Brekke" by full name."""
    if speaker.pos_ == "PRON" and pronoun_class(speaker.lower_):
        found = antecedent(speaker, sentence, entities, quoted_tokens(sentence, open_quote), set(), context)
        return found.name if found is not None and found is not BOUND else phrase
    owner = next((child for child in speaker.children
                  if child.dep_ == "poss" and child.pos_ == "PRON" and pronoun_class(child.lower_)), None)
    if owner is not None:
        # "her office said": whose office, as the sentence or the article before it says.
        found = frame_owner(owner, entities, context.names) or antecedent(
            owner, sentence, entities, quoted_tokens(sentence, open_quote), set(), context)
        if found is not None and found is not BOUND:
            return re.sub(rf"\b{re.escape(owner.text)}\b", lambda _: possessive_of(found.name), phrase, count=1)
    titled = titled_person(speaker, context.names)
    if titled is not None:
        return titled
    described = described_name(speaker, context)
    if described and phrase.lower() == f"the {speaker.lower_}":
        return described  # "the bank" as the Danske Bank the article tied it to
    name = next((entity.text for entity in entities if entity.start <= speaker.i < entity.end), speaker.text)
    if name_key(phrase) == name_key(name):
        # A short name grows to the full one; "the Kremlin" keeps its article.
        return context.names.full_person_name(name) or phrase
    return phrase
