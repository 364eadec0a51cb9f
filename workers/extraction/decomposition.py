"""Atomic claims from one parsed sentence: coordinated, participial and relative clauses apart."""

from __future__ import annotations

import itertools

from spacy.tokens import Span, Token

from .atoms import MIN_CLAUSE_TOKENS, Atom, has_pronoun, size, within, without, without_edges
from .lexicon import (
    CONCESSIVE_MARKS,
    EVENT_NOUNS,
    FRAMING_PARTICIPLES,
    NOMINAL_POS,
    NOUN_SUBJECT_DEPS,
    PAST_TAGS,
    PLURAL_NOUN_TAGS,
    PLURAL_PRONOUNS,
    RELATIVE_PRONOUNS,
    REPORTING_VERBS,
    TRIP_VERBS,
    VERB_POS,
)
from .lists import enumerated

_MAX_ATOMS = 6


def decompose(sentence: Span) -> list[Atom]:
    """The atomic propositions of `sentence`; the whole sentence when it holds only one."""
    if sentence.root.pos_ not in VERB_POS:
        return [Atom([token for token in sentence])]
    atoms = [part for atom in _propositions(sentence) for item in enumerated(atom) for part in _trip_purpose(item)]
    return atoms[:_MAX_ATOMS]


def _propositions(sentence: Span) -> list[Atom]:
    """The sentence's clauses as atoms, lists left whole."""
    whole = Atom([token for token in sentence])
    root = sentence.root
    frame: list[Token] = []
    head = root
    content = next((child for child in root.children if child.dep_ == "ccomp"), None)
    if root.lemma_ in REPORTING_VERBS and content is not None and content.pos_ in VERB_POS:
        # Reported speech: split what was said, keep who said it on every part.
        frame = [token for token in sentence if not within(token, content)]
        head = content
    atoms = _clauses(head, subject=None)
    if len(atoms) < 2:
        return [whole]
    atoms = atoms[:_MAX_ATOMS]
    if frame:
        frame_first = frame[0].i < head.left_edge.i
        for atom in atoms:
            if frame_first and not atom.lead:
                atom.tokens = sorted([*without_edges(frame), *atom.tokens], key=lambda token: token.i)
            else:
                atom.trailer = without_edges(frame)
    return atoms


def _clauses(verb: Token, *, subject: list[Token] | None) -> list[Atom]:
    """`verb`'s own clause, then the clauses split off it, in text order of their verbs."""
    own_subject = _subject_tokens(verb)
    subject = own_subject or subject
    detached: list[Token] = []
    atoms: list[Atom] = []
    leading_done = False
    for child in verb.children:
        if child.dep_ == "conj" and child.pos_ in VERB_POS and size(child) >= MIN_CLAUSE_TOKENS:
            detached.append(child)
            atoms += _clauses(child, subject=subject)
        elif child.dep_ == "advcl" and subject and child.i < verb.i and _is_participle(child):
            # One leading phrase, even when the parser cut it in two ("re - elected").
            leading = None if leading_done else _leading_phrase(verb, child)
            if leading is None:
                continue
            leading_done = True
            detached.append(child)
            atoms.append(Atom(leading, lead=subject, link=_link(subject, verb, child)))
        elif child.dep_ == "advcl" and subject and _is_participle(child):
            phrase = _participle_phrase(verb, child)
            detached.append(child)
            atoms.append(Atom(phrase, lead=subject, link=_link(subject, verb, child)))
        elif child.dep_ == "advcl" and _is_concessive(child) and size(child) >= MIN_CLAUSE_TOKENS and not (
                _refers_across(verb, child)):
            detached.append(child)
            atoms += [_without_marker(atom, child) for atom in _clauses(child, subject=None)]
    for token in _subtree_tokens(verb):
        if _is_predicate_relative(token, verb) and subject:
            # "Reyes is a chemist who founded Lumo": Reyes is a chemist; Reyes founded Lumo.
            body = _relative_body(token)
            if body:
                detached.append(token)
                atoms.append(Atom(body, lead=subject))
        elif token.dep_ == "relcl" and _is_non_restrictive(token) and token.head.i != verb.i:
            atom = _relative_clause(token)
            if atom is not None:
                detached.append(token)
                atoms.append(atom)
    if not detached:
        return [Atom(without_edges(_subtree_tokens(verb)), lead=[] if own_subject else subject or [])]
    dropped = {token.i for child in detached for token in _detached_tokens(verb, child)}
    own = [token for token in _subtree_tokens(verb) if token.i not in dropped]
    main = Atom(without_edges(own), lead=[] if own_subject or subject is None else subject)
    return [main, *atoms] if len(main.tokens) >= MIN_CLAUSE_TOKENS else atoms


def _subject_tokens(verb: Token) -> list[Token]:
    subject = next((child for child in verb.children if child.dep_ in NOUN_SUBJECT_DEPS), None)
    if subject is None or subject.lower_ in RELATIVE_PRONOUNS:
        return []
    tokens = [token for token in subject.subtree]
    # A subject that carries its own relative clause lends only its core ("Reyes", not "Reyes, who ...").
    clause = next((token for token in tokens if token.dep_ in ("relcl", "appos", "acl")), None)
    if clause is not None:
        tokens = [token for token in tokens if not within(token, clause)]
    return without_edges(tokens)


def _is_participle(clause: Token) -> bool:
    """"..., providing a market" or "Re-elected for a third term, Modi ...": no subject, no marker."""
    # A leading "Confirmed for a second term, ..." is often tagged as a past tense.
    leading = clause.i < clause.head.i and clause.left_edge.i <= clause.sent.start + 1
    if clause.tag_ not in ("VBG", "VBN") and not (leading and clause.tag_ == "VBD"):
        return False
    if clause.lower_ in FRAMING_PARTICIPLES:
        return False
    if any(child.dep_ in ("mark", "nsubj", "nsubjpass", "aux", "auxpass") for child in clause.children):
        return False
    if any(token.dep_ == "mark" for token in clause.subtree):
        return clause.i > clause.head.i and size(clause) >= MIN_CLAUSE_TOKENS
    return size(clause) >= MIN_CLAUSE_TOKENS


def _participle_phrase(verb: Token, clause: Token) -> list[Token]:
    if clause.i < verb.i:
        return _leading_phrase(verb, clause) or []
    return without_edges(list(clause.subtree))


def _leading_phrase(verb: Token, clause: Token) -> list[Token] | None:
    """"Recently re-elected for a third term" in "Recently re-elected ..., Modi visited ...":
    from the sentence start to the comma before the subject."""
    subject = next((child for child in verb.children if child.dep_ in NOUN_SUBJECT_DEPS), None)
    if subject is None or subject.left_edge.i <= clause.right_edge.i:
        return None
    doc = verb.doc
    comma = next((index for index in range(subject.left_edge.i - 1, clause.right_edge.i, -1)
                  if doc[index].text == ","), None)
    if comma is None or any(doc[index].dep_ != "punct" for index in range(clause.right_edge.i + 1, comma)):
        return None
    return without_edges(list(doc[verb.sent.start : comma]))


def _link(subject: list[Token], verb: Token, clause: Token) -> str:
    plural = any(token.tag_ in PLURAL_NOUN_TAGS or token.lower_ in PLURAL_PRONOUNS for token in subject) or any(
        token.dep_ == "cc" for token in subject)
    past = verb.tag_ in PAST_TAGS or any(child.tag_ == "VBD" for child in verb.children)
    if clause.tag_ == "VBN" or past:
        return "were" if plural else "was"
    return "are" if plural else "is"


def _is_non_restrictive(clause: Token) -> bool:
    """", who voted against the plan," (split off) but not "people who signed up" (kept)."""
    first = clause.left_edge
    return first.i > 0 and clause.doc[first.i - 1].text == "," and first.lower_ in RELATIVE_PRONOUNS


def _relative_clause(clause: Token) -> Atom | None:
    body = _relative_body(clause)
    if not body:
        return None
    noun = clause.head
    antecedent = [token for token in noun.subtree if not within(token, clause) and token.i <= noun.i]
    antecedent = [token for token in antecedent if token.dep_ not in ("appos",)]
    return Atom(body, lead=without_edges(antecedent))


def _relative_body(clause: Token) -> list[Token]:
    """"founded Lumo" of "who founded Lumo"; empty unless the pronoun is the clause's subject."""
    pronoun = clause.left_edge
    if pronoun.dep_ not in NOUN_SUBJECT_DEPS or pronoun.head != clause or pronoun.lower_ not in RELATIVE_PRONOUNS:
        return []
    body = [token for token in clause.subtree if token.i != pronoun.i]
    return without_edges(body) if len(body) >= 2 else []


def _is_predicate_relative(clause: Token, verb: Token) -> bool:
    """"a chemist who founded Lumo" after "is": the subject is both a chemist and the founder.
    Not "the first chemist who ...", which only the clause makes true."""
    noun = clause.head
    if clause.dep_ != "relcl" or noun.dep_ != "attr" or noun.head != verb or verb.lemma_ != "be":
        return False
    modifiers = [child for child in noun.children if child.i < noun.i]
    return any(child.lower_ in ("a", "an") for child in modifiers) and not any(
        child.tag_ in ("JJS", "RBS") or child.ent_type_ == "ORDINAL" for child in modifiers)


def _is_concessive(clause: Token) -> bool:
    """"whereas Neptune is a gas giant", "although prices rose": a second fact, with its own subject."""
    return any(child.dep_ == "mark" and child.lower_ in CONCESSIVE_MARKS for child in clause.children) and any(
        child.dep_ in NOUN_SUBJECT_DEPS for child in clause.children)


def _refers_across(verb: Token, clause: Token) -> bool:
    """"Although the museum closed, its garden stayed open": apart, "its" would lose the museum.
    A pronoun after a noun of its own part ("while a pig has 38 chromosomes in its cells") stays."""
    rest, own = [token for token in verb.subtree if not within(token, clause)], list(clause.subtree)
    first, second = (own, rest) if clause.i < verb.i else (rest, own)
    unanchored = list(itertools.takewhile(lambda token: token.pos_ not in NOMINAL_POS, first))
    return has_pronoun(second) or has_pronoun(unanchored)


def _without_marker(atom: Atom, clause: Token) -> Atom:
    """The clause without its "(even) though"."""
    marker = {child.i for child in clause.children if child.dep_ == "mark"}
    marker |= {child.i for child in clause.children if child.lower_ == "even" and child.i + 1 in marker}
    atom.tokens = without_edges([token for token in atom.tokens if token.i not in marker])
    return atom


def _detached_tokens(verb: Token, child: Token) -> list[Token]:
    """`child`'s subtree with the comma, conjunction or relative-clause commas that join it."""
    tokens = list(child.subtree)
    if child.dep_ == "advcl" and child.i < verb.i and _is_participle(child):
        tokens = _participle_phrase(verb, child)
        end = tokens[-1].i
        if end + 1 < verb.sent.end and child.doc[end + 1].text == ",":
            tokens.append(child.doc[end + 1])
        return tokens
    doc = child.doc
    if child.dep_ == "advcl" and child.i < verb.i and child.right_edge.i + 1 < verb.i and (
            doc[child.right_edge.i + 1].text == ","):
        # "Although X, Y": the comma goes with the clause.
        tokens.append(doc[child.right_edge.i + 1])
    start, end = tokens[0].i, tokens[-1].i
    before = start - 1
    while before >= verb.sent.start and (doc[before].dep_ == "cc" or doc[before].text in (",", ";")) and (
        doc[before].head.i in (verb.i, child.i, child.head.i)
    ):
        tokens.append(doc[before])
        before -= 1
    if child.dep_ == "relcl" and end + 1 < verb.sent.end and doc[end + 1].text == ",":
        tokens.append(doc[end + 1])
    return tokens


def _subtree_tokens(token: Token) -> list[Token]:
    return list(token.subtree)


# -- trips for an event -----------------------------------------------------------------------


def _trip_purpose(atom: Atom) -> list[Atom]:
    """"Reyes flew to Oslo in May 2021 for a summit in Bergen": the trip, and the summit held in
    Bergen in May 2021 as a fact of its own. Only when the event has a place of its own."""
    inside = {token.i for token in atom.tokens}
    for verb in atom.tokens:
        if verb.pos_ != "VERB" or verb.lemma_ not in TRIP_VERBS:
            continue
        purpose = next((child for child in verb.children if child.dep_ == "prep" and child.lower_ == "for"
                        and child.i in inside), None)
        if purpose is None:
            continue
        event = next((child for child in purpose.children if child.dep_ == "pobj" and (
            child.lower_ in EVENT_NOUNS or child.lemma_ in EVENT_NOUNS)), None)
        if event is None:
            continue
        places = [child for child in event.children if child.dep_ == "prep" and child.lower_ in ("in", "at")]
        if not places:
            continue
        dates = [child for child in verb.children if child.dep_ == "prep" and child.lower_ in ("in", "on") and any(
            token.ent_type_ == "DATE" for token in child.subtree)]
        held = Atom(without_edges([token for head in (*places, *dates) for token in head.subtree]),
                    lead=without_edges([token for token in event.subtree if token.i <= event.i]),
                    link=_held(verb, plural=event.tag_ == "NNS"))
        return [without(atom, {token.i for token in purpose.subtree}), held]
    return [atom]


def _held(verb: Token, *, plural: bool) -> str:
    """"was held", "are held" or "will be held", in the tense of the trip."""
    modal = next((child.lower_ for child in verb.children if child.tag_ == "MD"), None)
    if modal is not None:
        return ("will" if modal in ("wo", "'ll") else modal) + " be held"
    if verb.tag_ in ("VBZ", "VBP", "VB"):
        return "are held" if plural else "is held"
    return "were held" if plural else "was held"
