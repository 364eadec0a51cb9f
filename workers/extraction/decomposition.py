"""Atomic claims from one parsed sentence: coordinated, participial and relative clauses apart."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field

from spacy.tokens import Span, Token

from .pronouns import GROUP_PRONOUNS, THIRD_PERSON
from .scoring import REPORTING_VERBS
from .sentences import quoted_tokens

_SUBJECT_DEPS = ("nsubj", "nsubjpass")
_VERB_POS = ("VERB", "AUX")
_RELATIVE_SUBJECTS = frozenset({"who", "which", "that"})
_PLURAL_TAGS = frozenset({"NNS", "NNPS"})
_PLURAL_PRONOUNS = GROUP_PRONOUNS | {"we", "us", "these", "those"}
_PAST_TAGS = frozenset({"VBD", "VBN"})
# Participles that work as prepositions and frame the clause ("assuming X", "compared with Y"):
# no proposition of the subject's own.
_FRAMING_PARTICIPLES = frozenset(
    """assuming considering given granted judging speaking regarding concerning excluding
    including compared according provided supposing barring""".split())
# Clauses shorter than this are fragments ("and did"), not propositions.
_MIN_CLAUSE_TOKENS = 3
_MAX_ATOMS = 6
_QUOTE_MARKS = frozenset({'"', "“", "”"})
# Subordinate clauses the sentence asserts as true alongside its main clause.
_CONCESSIVE_MARKS = frozenset({"although", "though", "whereas", "while"})
_NOMINAL_POS = frozenset({"NOUN", "PROPN"})
# Where a list can be split: objects and complements, not subjects ("A and B are" wants "are").
_LIST_DEPS = frozenset({"dobj", "pobj", "pcomp", "attr", "oprd", "dative"})
# "the talks between Moscow and Delhi" or "a mix of sand and clay" name one thing, not a list.
_COLLECTIVE_HEADS = frozenset({
    "between", "among", "amongst", "combination", "mix", "mixture", "blend", "difference", "ratio",
    "combine", "compare", "merge", "both",
})
# "on July 8 and 9", "between 5 and 10 percent": ranges, not lists of separate facts.
_NUMERIC_ENTITIES = frozenset({"DATE", "TIME", "CARDINAL", "MONEY", "PERCENT", "QUANTITY", "ORDINAL"})


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
    if sentence.root.pos_ not in _VERB_POS:
        return [Atom([token for token in sentence])]
    atoms = [part for atom in _propositions(sentence) for item in _enumerated(atom) for part in _trip_purpose(item)]
    return atoms[:_MAX_ATOMS]


def _propositions(sentence: Span) -> list[Atom]:
    """The sentence's clauses as atoms, lists left whole."""
    whole = Atom([token for token in sentence])
    root = sentence.root
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
        elif child.dep_ == "advcl" and _is_concessive(child) and _size(child) >= _MIN_CLAUSE_TOKENS and not (
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
    if clause.lower_ in _FRAMING_PARTICIPLES:
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
    plural = any(token.tag_ in _PLURAL_TAGS or token.lower_ in _PLURAL_PRONOUNS for token in subject) or any(
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
    body = _relative_body(clause)
    if not body:
        return None
    noun = clause.head
    antecedent = [token for token in noun.subtree if not _within(token, clause) and token.i <= noun.i]
    antecedent = [token for token in antecedent if token.dep_ not in ("appos",)]
    return Atom(body, lead=_without_edges(antecedent))


def _relative_body(clause: Token) -> list[Token]:
    """"founded Lumo" of "who founded Lumo"; empty unless the pronoun is the clause's subject."""
    pronoun = clause.left_edge
    if pronoun.dep_ not in _SUBJECT_DEPS or pronoun.head != clause or pronoun.lower_ not in _RELATIVE_SUBJECTS:
        return []
    body = [token for token in clause.subtree if token.i != pronoun.i]
    return _without_edges(body) if len(body) >= 2 else []


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
    return any(child.dep_ == "mark" and child.lower_ in _CONCESSIVE_MARKS for child in clause.children) and any(
        child.dep_ in _SUBJECT_DEPS for child in clause.children)


def _refers_across(verb: Token, clause: Token) -> bool:
    """"Although the museum closed, its garden stayed open": apart, "its" would lose the museum.
    A pronoun after a noun of its own part ("while a pig has 38 chromosomes in its cells") stays."""
    rest, own = [token for token in verb.subtree if not _within(token, clause)], list(clause.subtree)
    first, second = (own, rest) if clause.i < verb.i else (rest, own)
    unanchored = list(itertools.takewhile(lambda token: token.pos_ not in _NOMINAL_POS, first))
    return _has_pronoun(second) or _has_pronoun(unanchored)


def _has_pronoun(tokens: Iterable[Token]) -> bool:
    """A third-person pronoun, which may need the words a split would take away."""
    return any(token.pos_ == "PRON" and token.lower_ in THIRD_PERSON and token.dep_ != "expl" for token in tokens)


def _without_marker(atom: Atom, clause: Token) -> Atom:
    """The clause without its "(even) though"."""
    marker = {child.i for child in clause.children if child.dep_ == "mark"}
    marker |= {child.i for child in clause.children if child.lower_ == "even" and child.i + 1 in marker}
    atom.tokens = _without_edges([token for token in atom.tokens if token.i not in marker])
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


# -- trips for an event -----------------------------------------------------------------------

_TRIP_VERBS = frozenset({"visit", "travel", "go", "come", "fly", "arrive", "return", "head", "journey"})
_EVENT_NOUNS = frozenset({
    "summit", "meeting", "conference", "talks", "talk", "forum", "ceremony", "festival", "session", "funeral",
    "wedding", "inauguration", "congress", "convention", "rally", "parade", "tournament", "exhibition", "fair",
    "assembly", "negotiations", "negotiation", "games", "celebration",
})


def _trip_purpose(atom: Atom) -> list[Atom]:
    """"Reyes flew to Oslo in May 2021 for a summit in Bergen": the trip, and the summit held in
    Bergen in May 2021 as a fact of its own. Only when the event has a place of its own."""
    inside = {token.i for token in atom.tokens}
    for verb in atom.tokens:
        if verb.pos_ != "VERB" or verb.lemma_ not in _TRIP_VERBS:
            continue
        purpose = next((child for child in verb.children if child.dep_ == "prep" and child.lower_ == "for"
                        and child.i in inside), None)
        event = purpose and next((child for child in purpose.children if child.dep_ == "pobj" and (
            child.lower_ in _EVENT_NOUNS or child.lemma_ in _EVENT_NOUNS)), None)
        if event is None:
            continue
        places = [child for child in event.children if child.dep_ == "prep" and child.lower_ in ("in", "at")]
        if not places:
            continue
        dates = [child for child in verb.children if child.dep_ == "prep" and child.lower_ in ("in", "on") and any(
            token.ent_type_ == "DATE" for token in child.subtree)]
        held = Atom(_without_edges([token for head in (*places, *dates) for token in head.subtree]),
                    lead=_without_edges([token for token in event.subtree if token.i <= event.i]),
                    link=_held(verb, plural=event.tag_ == "NNS"))
        return [_without(atom, {token.i for token in purpose.subtree}), held]
    return [atom]


def _held(verb: Token, *, plural: bool) -> str:
    """"was held", "are held" or "will be held", in the tense of the trip."""
    modal = next((child.lower_ for child in verb.children if child.tag_ == "MD"), None)
    if modal is not None:
        return ("will" if modal in ("wo", "'ll") else modal) + " be held"
    if verb.tag_ in ("VBZ", "VBP", "VB"):
        return "are held" if plural else "is held"
    return "were held" if plural else "was held"


# -- lists ------------------------------------------------------------------------------------


def _enumerated(atom: Atom) -> list[Atom]:
    """`atom` once per item of each list in it ("such as A, B or C", "A, B and C"); the examples
    a "such as" or "including" adds are left out of a first, general atom."""
    inside = {token.i for token in atom.tokens}
    if _has_pronoun([*atom.lead, *atom.tokens]) or not atom.lead and _lacks_subject(atom.tokens):
        return [atom]
    lists = [items for token in atom.tokens if (items := _list_items(token, inside))]
    if not lists:
        return [atom]
    examples = [_example_phrase(items[0]) for items in lists]
    all_examples = {index for phrase in examples for index in phrase}
    atoms = [_without(atom, all_examples)] if all_examples else []
    for items, phrase in zip(lists, examples):
        spans = [_item_span(item) for item in items]
        whole_list = {token.i for token in items[0].subtree}
        other_examples = all_examples - phrase
        atoms += [_without(atom, (whole_list - span) | other_examples) for span in spans]
    return [atom for atom in atoms if len(atom.tokens) >= _MIN_CLAUSE_TOKENS] or [atom]


def _lacks_subject(tokens: list[Token]) -> bool:
    """A finite verb without a subject: a parse gone wrong, whose lists are not to be trusted."""
    inside = {token.i for token in tokens}
    tops = [token for token in tokens if token.head.i not in inside or token.head == token]
    return any(top.tag_ in ("VBD", "VBP", "VBZ") and not any(
        child.dep_ in (*_SUBJECT_DEPS, "expl", "csubj") for child in top.children) for top in tops)


def _list_items(head: Token, inside: set[int]) -> list[Token]:
    """The items of the list `head` opens, when each is worth a claim of its own."""
    if head.dep_ not in _LIST_DEPS or not any(child.dep_ == "conj" for child in head.children):
        return []
    items = [head]
    for item in items:
        items += [child for child in item.children if child.dep_ == "conj"]
    # Items alike: all things ("diet", "overfishing") or all actions ("banning flights"); a mix is
    # a parse that joined a verb to a noun.
    kinds = {_item_kind(item) for item in items}
    if len(kinds) != 1 or None in kinds or any(token.i not in inside for token in head.subtree):
        return []
    if head.head.lower_ in _COLLECTIVE_HEADS or head.head.lemma_ in _COLLECTIVE_HEADS:
        return []
    if head.i in quoted_tokens(head.sent):
        return []  # A quotation's words stay as spoken.
    if any(child.dep_ == "preconj" for child in head.children):
        return []
    if any(item.ent_type_ in _NUMERIC_ENTITIES or item.pos_ == "NUM" for item in items):
        return []
    # "Johnson & Johnson", "Bosnia and Herzegovina": one name running across the "and".
    spans = [_item_tokens(item) for item in items]
    if any(span[0].ent_iob_ == "I" for span in spans[1:]):
        return []
    sizes = [sum(1 for token in span if not token.is_punct) for span in spans]
    if _example_phrase(head) or len(items) >= 3 or min(sizes) >= 2:
        return items
    return []


def _item_kind(item: Token) -> str | None:
    if item.pos_ in _NOMINAL_POS:
        return "thing"
    if item.tag_ != "VBG" or any(child.dep_ in _SUBJECT_DEPS or child.dep_ in ("aux", "auxpass") for child in item.children):
        return None
    return "action" if any(child.dep_ in ("dobj", "prep", "ccomp", "xcomp") for child in item.children) else "thing"


def _item_tokens(item: Token) -> list[Token]:
    """One list item alone: its subtree without the items, commas and "and" that follow it."""
    dropped = [child for child in item.children if child.dep_ in ("conj", "cc", "preconj", "punct")]
    return [token for token in item.subtree if not any(_within(token, child) for child in dropped)]


def _item_span(item: Token) -> set[int]:
    return {token.i for token in _item_tokens(item)}


def _example_phrase(head: Token) -> set[int]:
    """", such as A, B or C" (with its commas) when `head` opens a list of examples; else empty."""
    marker = head.head
    if head.dep_ not in ("pobj", "pcomp") or marker.dep_ != "prep":
        return set()
    such_as = marker.lower_ == "as" and any(child.lower_ == "such" for child in marker.children)
    like = marker.lower_ == "like" and marker.head.pos_ in _NOMINAL_POS
    if not (such_as or like or marker.lower_ == "including"):
        return set()
    phrase = {token.i for token in marker.subtree}
    doc = head.doc
    before, after = marker.left_edge.i - 1, marker.right_edge.i + 1
    if before >= marker.sent.start and doc[before].text == ",":
        phrase.add(before)
        if after < marker.sent.end and doc[after].text == ",":
            phrase.add(after)
    return phrase


def _without(atom: Atom, dropped: set[int]) -> Atom:
    tokens = _without_edges([token for token in atom.tokens if token.i not in dropped])
    return Atom(tokens, lead=atom.lead, link=atom.link, trailer=atom.trailer)
