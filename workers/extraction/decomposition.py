"""Atomic claims from one parsed sentence: coordinated, participial and relative clauses apart."""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Span, Token

from .scoring import REPORTING_VERBS

_SUBJECT_DEPS = ("nsubj", "nsubjpass")
_VERB_POS = ("VERB", "AUX")
_RELATIVE_SUBJECTS = frozenset({"who", "which", "that"})
_PLURAL_TAGS = frozenset({"NNS", "NNPS"})
_PAST_TAGS = frozenset({"VBD", "VBN"})
# Clauses shorter than this are fragments ("and did"), not propositions.
_MIN_CLAUSE_TOKENS = 3
_MAX_ATOMS = 6
_QUOTE_MARKS = frozenset({'"', "“", "”"})


@dataclass
class Atom:
    """One proposition: `lead` (a borrowed subject) + `link` ("was") + `tokens`, each in order."""

    tokens: list[Token]
    lead: list[Token] = field(default_factory=list)
    link: str = ""
    # A reporting frame after the proposition ("..., the Kremlin said").
    trailer: list[Token] = field(default_factory=list)


def decompose(sentence: Span) -> list[Atom]:
    """The atomic propositions of `sentence`; the whole sentence when it holds only one."""
    whole = Atom([token for token in sentence])
    root = sentence.root
    if root.pos_ not in _VERB_POS:
        return [whole]
    frame: list[Token] = []
    head = root
    content = next((child for child in root.children if child.dep_ == "ccomp"), None)
    if root.lemma_ in REPORTING_VERBS and content is not None and content.pos_ in _VERB_POS:
        # Reported speech: split what was said, keep who said it on every part.
        frame = [token for token in sentence if not _within(token, content)]
        head = content
    atoms = _clauses(head, subject=None)
    if len(atoms) < 2:
        return [whole]
    atoms = atoms[:_MAX_ATOMS]
    if frame:
        frame_first = frame[0].i < head.left_edge.i
        for atom in atoms:
            if frame_first and not atom.lead:
                atom.tokens = sorted([*_without_edges(frame), *atom.tokens], key=lambda token: token.i)
            else:
                atom.trailer = _without_edges(frame)
    return atoms


def _clauses(verb: Token, *, subject: list[Token] | None) -> list[Atom]:
    """`verb`'s own clause, then the clauses split off it, in text order of their verbs."""
    own_subject = _subject_tokens(verb)
    subject = own_subject or subject
    detached: list[Token] = []
    atoms: list[Atom] = []
    leading_done = False
    for child in verb.children:
        if child.dep_ == "conj" and child.pos_ in _VERB_POS and _size(child) >= _MIN_CLAUSE_TOKENS:
            detached.append(child)
            atoms += _clauses(child, subject=subject)
        elif child.dep_ == "advcl" and subject and child.i < verb.i and _is_participle(child):
            # One leading phrase, even when the parser cut it in two ("re - elected").
            if leading_done or _leading_phrase(verb, child) is None:
                continue
            leading_done = True
            detached.append(child)
            atoms.append(Atom(_leading_phrase(verb, child), lead=subject, link=_link(subject, verb, child)))
        elif child.dep_ == "advcl" and subject and _is_participle(child):
            phrase = _participle_phrase(verb, child)
            detached.append(child)
            atoms.append(Atom(phrase, lead=subject, link=_link(subject, verb, child)))
    for token in _subtree_tokens(verb):
        if token.dep_ == "relcl" and _is_non_restrictive(token) and token.head.i != verb.i:
            atom = _relative_clause(token)
            if atom is not None:
                detached.append(token)
                atoms.append(atom)
    if not detached:
        return [Atom(_without_edges(_subtree_tokens(verb)), lead=[] if own_subject else subject or [])]
    dropped = {token.i for child in detached for token in _detached_tokens(verb, child)}
    own = [token for token in _subtree_tokens(verb) if token.i not in dropped]
    main = Atom(_without_edges(own), lead=[] if own_subject or subject is None else subject)
    return [main, *atoms] if len(main.tokens) >= _MIN_CLAUSE_TOKENS else atoms


def _subject_tokens(verb: Token) -> list[Token]:
    subject = next((child for child in verb.children if child.dep_ in _SUBJECT_DEPS), None)
    if subject is None or subject.lower_ in _RELATIVE_SUBJECTS:
        return []
    tokens = [token for token in subject.subtree]
    # A subject that carries its own relative clause lends only its core ("Reyes", not "Reyes, who ...").
    clause = next((token for token in tokens if token.dep_ in ("relcl", "appos", "acl")), None)
    if clause is not None:
        tokens = [token for token in tokens if not _within(token, clause)]
    return _without_edges(tokens)


def _is_participle(clause: Token) -> bool:
    """"..., providing a market" or "Re-elected for a third term, Modi ...": no subject, no marker."""
    # A leading "Confirmed for a second term, ..." is often tagged as a past tense.
    leading = clause.i < clause.head.i and clause.left_edge.i <= clause.sent.start + 1
    if clause.tag_ not in ("VBG", "VBN") and not (leading and clause.tag_ == "VBD"):
        return False
    if any(child.dep_ in ("mark", "nsubj", "nsubjpass", "aux", "auxpass") for child in clause.children):
        return False
    if any(token.dep_ == "mark" for token in clause.subtree):
        return clause.i > clause.head.i and _size(clause) >= _MIN_CLAUSE_TOKENS
    return _size(clause) >= _MIN_CLAUSE_TOKENS


def _participle_phrase(verb: Token, clause: Token) -> list[Token]:
    if clause.i < verb.i:
        return _leading_phrase(verb, clause) or []
    return _without_edges(list(clause.subtree))


def _leading_phrase(verb: Token, clause: Token) -> list[Token] | None:
    """"Recently re-elected for a third term" in "Recently re-elected ..., Modi visited ...":
    from the sentence start to the comma before the subject."""
    subject = next((child for child in verb.children if child.dep_ in _SUBJECT_DEPS), None)
    if subject is None or subject.left_edge.i <= clause.right_edge.i:
        return None
    doc = verb.doc
    comma = next((index for index in range(subject.left_edge.i - 1, clause.right_edge.i, -1)
                  if doc[index].text == ","), None)
    if comma is None or any(doc[index].dep_ != "punct" for index in range(clause.right_edge.i + 1, comma)):
        return None
    return _without_edges(list(doc[verb.sent.start : comma]))


def _link(subject: list[Token], verb: Token, clause: Token) -> str:
    plural = any(token.tag_ in _PLURAL_TAGS for token in subject) or any(
        token.dep_ == "cc" for token in subject)
    past = verb.tag_ in _PAST_TAGS or any(child.tag_ == "VBD" for child in verb.children)
    if clause.tag_ == "VBN" or past:
        return "were" if plural else "was"
    return "are" if plural else "is"


def _is_non_restrictive(clause: Token) -> bool:
    """", who voted against the plan," (split off) but not "people who signed up" (kept)."""
    first = clause.left_edge
    return first.i > 0 and clause.doc[first.i - 1].text == "," and first.lower_ in _RELATIVE_SUBJECTS


def _relative_clause(clause: Token) -> Atom | None:
    pronoun = clause.left_edge
    if pronoun.dep_ not in _SUBJECT_DEPS or pronoun.head != clause:
        return None
    noun = clause.head
    antecedent = [token for token in noun.subtree if not _within(token, clause) and token.i <= noun.i]
    antecedent = [token for token in antecedent if token.dep_ not in ("appos",)]
    body = [token for token in clause.subtree if token.i != pronoun.i]
    if len(body) < 2:
        return None
    return Atom(_without_edges(body), lead=_without_edges(antecedent))


def _detached_tokens(verb: Token, child: Token) -> list[Token]:
    """`child`'s subtree with the comma, conjunction or relative-clause commas that join it."""
    tokens = list(child.subtree)
    if child.dep_ == "advcl" and child.i < verb.i:
        tokens = _participle_phrase(verb, child)
        end = tokens[-1].i
        if end + 1 < verb.sent.end and child.doc[end + 1].text == ",":
            tokens.append(child.doc[end + 1])
        return tokens
    doc = child.doc
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


def _within(token: Token, head: Token) -> bool:
    return head.left_edge.i <= token.i <= head.right_edge.i and (token == head or head in token.ancestors)


def _size(token: Token) -> int:
    return sum(1 for item in token.subtree if not item.is_punct)


def _without_edges(tokens: list[Token]) -> list[Token]:
    """Tokens in order without leading or trailing punctuation and conjunctions."""
    tokens = sorted(tokens, key=lambda token: token.i)
    while tokens and (tokens[0].is_punct and tokens[0].text not in ('"', "“", "'", "‘") or tokens[0].dep_ in ("cc", "mark") and tokens[0].lower_ in ("and", "but", "or", "while", "whereas")):
        tokens = tokens[1:]
    while tokens and tokens[-1].is_punct and tokens[-1].text not in ('"', "”", "'", "’", ".", "!", "?"):
        tokens = tokens[:-1]
    while tokens and tokens[-1].dep_ == "cc":
        tokens = tokens[:-1]
    # A quotation cut in two loses the mark that no longer closes anything.
    if sum(token.text in _QUOTE_MARKS for token in tokens) % 2 and tokens:
        for index in (-1, -2, 0):
            if abs(index) <= len(tokens) and tokens[index].text in _QUOTE_MARKS and (
                    index != 0 or tokens[0].text in ('"', "“")) and (index == 0 or tokens[index].text in ('"', "”")):
                del tokens[index]
                break
    return tokens
