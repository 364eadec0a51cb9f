"""Atomic claims from one parsed sentence: coordinated, participial and relative clauses apart."""

from __future__ import annotations

import itertools

from lemminflect import getInflection
from spacy.tokens import Span, Token

from .atoms import MIN_CLAUSE_TOKENS, Atom, has_pronoun, size, within, without, without_edges
from .lexicon import (
    ANY_SUBJECT_DEPS,
    BOUNDING_MARKS,
    CAUSAL_MARKS,
    CONCESSIVE_MARKS,
    CREATION_LEMMAS,
    DISCOURSE_MARKERS,
    DOCUMENT_NOUNS,
    EMPHASIS_ADVERBS,
    EVENT_NOUNS,
    FEATURE_LEMMAS,
    FINITE_TAGS,
    FRAMING_PARTICIPLES,
    GROUP_PRONOUNS,
    INTRANSITIVE_LEMMAS,
    NOMINAL_POS,
    NOTEWORTHY_ADJECTIVES,
    NOTING_VERBS,
    NOUN_SUBJECT_DEPS,
    NUMERIC_LABELS,
    OWNING_LEMMAS,
    PAST_TAGS,
    PLURAL_NOUN_TAGS,
    PLURAL_PRONOUNS,
    READER_INSTRUCTIONS,
    REFERRING_NOUNS,
    RELATIVE_PRONOUNS,
    REPORT_NOUNS,
    REPORTING_VERBS,
    SAYING_LEMMAS,
    TEMPORAL_MARKS,
    THING_PRONOUNS,
    TRIP_VERBS,
    VERB_POS,
)
from .lists import enumerated, split_subjects
from .sentences import quoted_tokens

_MAX_ATOMS = 6
# A part of something named before: "some" of "some of its citizens".
# What a verb says besides its subject: without any of these, "The victory came." says nothing.
_COMPLEMENT_DEPS = frozenset({"dobj", "attr", "acomp", "oprd", "dative", "agent", "prep", "xcomp", "ccomp", "prt"})
_PARTICIPLE_LINKS = frozenset({"when", "while", "after", "before", "since", "by", "upon", "on", "without", "if"})
_CONTRACTED = {"ca": "can", "wo": "will", "sha": "shall"}
# "Several banks, such as A and B": A and B are banks, not "several banks".
_QUANTIFIERS = frozenset({"several", "many", "some", "other", "few", "most", "all", "both", "certain", "various",
                          "numerous", "these", "those", "such"})
_PARTITIVES = frozenset({"some", "many", "most", "several", "few", "all", "none", "dozens", "hundreds", "thousands"})


def decompose(sentence: Span) -> list[Atom]:
    """The atomic propositions of `sentence`; the whole sentence when it holds only one."""
    if sentence.root.pos_ not in VERB_POS:
        return [Atom([token for token in sentence])]
    atoms = [part for atom in _propositions(sentence) for each in split_subjects(atom) for item in enumerated(each)
             for part in _trip_purpose(item)]
    return _at_most_max([*atoms[:_MAX_ATOMS - 1], *_examples_named(sentence, atoms), *atoms[_MAX_ATOMS - 1:]],
                        sentence)


def _at_most_max(atoms: list[Atom], sentence: Span) -> list[Atom]:
    """`atoms`, or the sentence whole when it holds more than a claim should be cut into: cut
    short, the propositions after the sixth ("Ferries to A, B, C, D, E, F and G were cancelled":
    G) would be in no claim."""
    return atoms if len(atoms) <= _MAX_ATOMS else [Atom([token for token in sentence])]


def _examples_named(sentence: Span, made: list[Atom]) -> list[Atom]:
    """"The large lakes, such as Peipsi and Võrtsjärv, freeze early": that Peipsi and Võrtsjärv are
    large lakes is a fact the sentence gives. Examples already made claims of their own ("funds
    services such as libraries" as "The council funds libraries") need no such claim."""
    atoms = []
    for marker in sentence:
        if marker.lower_ != "as" or marker.dep_ != "prep" or not any(
                child.lower_ == "such" for child in marker.children):
            continue
        noun, item = marker.head, next((child for child in marker.children if child.dep_ == "pobj"), None)
        if item is None or noun.pos_ != "NOUN" or item.pos_ not in NOMINAL_POS:
            continue
        items = without_edges(list(item.subtree))
        if any(marker in atom.tokens and not all(token in atom.tokens for token in items) for atom in made):
            continue  # enumerated: each example is a claim of its own
        # The class without its determiner ("the", "several") and without what only picks some of it.
        phrase = without_edges([token for token in noun.subtree if not within(token, marker) and not any(
            within(token, child) for child in noun.children if child.dep_ in ("relcl", "acl", "appos", "det",
                                                                              "predet", "poss", "nummod"))])
        phrase = without_edges([token for token in phrase if (token.i != marker.i - 1 or token.text != ",") and not (
            token.head == noun and token.lower_ in _QUANTIFIERS)])
        if not phrase or not items or has_pronoun([*items, *phrase]) or any(
                token.is_punct and token.text != "-" for token in phrase) or any(
                token.ent_type_ in ("CARDINAL", "QUANTITY", "MONEY", "PERCENT") for token in items):
            continue
        # "Nordea and Danske Bank", not the "once-and-future" of one mayor.
        several = item.tag_ in PLURAL_NOUN_TAGS or any(
            token.dep_ == "conj" and token.pos_ in NOMINAL_POS and token.head.pos_ in NOMINAL_POS for token in items)
        if several and noun.tag_ not in PLURAL_NOUN_TAGS or len(phrase) < 2:
            # "Bloggers are people", "Agricultural products is an item": nothing a checker would check.
            continue
        words: dict[int, str] = {}
        if several:
            link = "are"
        else:
            if noun.tag_ in PLURAL_NOUN_TAGS:
                words[noun.i] = noun.lemma_
            first = words.get(phrase[0].i, phrase[0].text)
            link = "is an" if first[:1].lower() in "aeiou" else "is a"
        if phrase[0].i == phrase[0].sent.start:
            words[phrase[0].i] = words.get(phrase[0].i, phrase[0].text).lower()
        atoms.append(Atom(phrase, lead=items, link=link, words=words))
    return atoms


def _propositions(sentence: Span) -> list[Atom]:
    """The sentence's clauses as atoms, lists left whole."""
    whole = Atom([token for token in sentence])
    root = sentence.root
    pointed = _pointed_at(root)
    if pointed is not None:
        # "It is worth noting that X", "Note that X": X is what the sentence states.
        atoms = _pointed_atoms(pointed)
        return _at_most_max(atoms, sentence) if atoms else [whole]
    frame: list[Token] = []
    head = root
    content = next((child for child in root.children if child.dep_ == "ccomp"), None)
    if root.lemma_ in REPORTING_VERBS and content is not None and content.pos_ in VERB_POS:
        # Reported speech: split what was said, keep who said it on every part.
        frame = [token for token in sentence if not within(token, content)]
        head = content
    if frame and head.tag_ in ("VBN", "VBG") and not any(child.dep_ in ("aux", "auxpass") for child in head.children):
        # A participle parsed as what was said ("said the team, beaten twice in May, would
        # play"): its pieces would not read as sentences.
        return [whole]
    # "X said Y, following reports Z": what the reports said is theirs, not the speaker's.
    reported: list[Atom] = []
    for child in root.children if frame else []:
        if child.dep_ in ("prep", "advcl") and (found := _reported(child)):
            reported += found
            cut = {token.i for token in _detached_tokens(root, child)}
            frame = [token for token in frame if token.i not in cut]
    # "X said A, while Y said B": what Y said is a claim of Y's, no part of X's frame.
    for child in root.children if frame else []:
        if child.dep_ == "advcl" and _is_concessive(child) and size(child) >= MIN_CLAUSE_TOKENS and not (
                _refers_across(root, child)):
            reported += _concessive_atoms(child)
            cut = {token.i for token in _detached_tokens(root, child)}
            frame = [token for token in frame if token.i not in cut]
    atoms = _clauses(head, subject=None)
    speaker = next((child for child in root.children if child.dep_ in NOUN_SUBJECT_DEPS), None) if frame else None
    acts = _speaker_acts(head) if speaker is not None else []
    if acts:
        # Cut out, with the atom the split made of each under the wrong subject.
        atoms = _without_clauses(atoms, acts)
    if frame and (parallel := _parallel_complements(head)):
        atoms = _with_parallel_complements(atoms, head, parallel)
    if not 2 <= len(atoms) + len(acts) + len(reported) <= _MAX_ATOMS:
        return [whole]
    if frame:
        frame_first = frame[0].i < head.left_edge.i
        for atom in atoms:
            if atom.prefix or atom.speaker is not None:
                continue
            if frame_first and not atom.lead:
                atom.tokens = sorted([*without_edges(frame), *atom.tokens], key=lambda token: token.i)
            else:
                atom.trailer = without_edges(frame)
    # The speaker's own further act, with the speaker as its subject.
    spoken_by_speaker = [Atom(without_edges(list(act.subtree)), lead=list(speaker.subtree))
                         for act in acts if speaker is not None]
    return [*atoms, *spoken_by_speaker, *reported]


def _speaker_acts(content: Token) -> list[Token]:
    """Reporting verbs the parse joined to what was said rather than to the verb that reports it:
    "told a news conference that stocks had driven the gain and warned that returns would fall"
    (Tangen warned, not the stocks). Each has a clause of its own and no subject."""
    return [child for child in content.children if child.dep_ == "conj" and child.pos_ == "VERB"
            and child.lemma_ in REPORTING_VERBS and any(grandchild.dep_ == "ccomp" for grandchild in child.children)
            and not any(grandchild.dep_ in ANY_SUBJECT_DEPS for grandchild in child.children)]


def _without_clauses(atoms: list[Atom], clauses: list[Token]) -> list[Atom]:
    """`atoms` without the tokens of `clauses` (and what joins them), each an atom of its own
    elsewhere; an atom left with less than a clause goes."""
    cut = {token.i for clause in clauses for token in _detached_tokens(clause.head, clause)}
    return [atom for atom in (without(atom, cut) for atom in atoms) if len(atom.tokens) >= MIN_CLAUSE_TOKENS]


def _parallel_complements(content: Token) -> list[Token]:
    """Clauses a bare "that" opens that the parser hung inside what was said rather than beside
    it: "said the ferry carried 212 passengers, that none were hurt and that ..." ("hurt" an
    adverbial clause of "carried"), "told reporters she expected the port to open and that it
    would employ 400 people" (a conjunct of "open", which no "that" opens). A "that" clause
    joined to another "that" clause is left where it is: both may belong to a verb inside."""
    found: list[Token] = []
    for clause in content.subtree:
        # An adverbial "that" clause of anything but the content is a result ("so big that ...").
        if clause.pos_ not in VERB_POS or clause == content or (clause.dep_, clause.head == content) not in (
                ("conj", False), ("advcl", True)) or clause.head.pos_ not in VERB_POS or any(
                within(clause, other) for other in found):
            continue
        mark = clause.left_edge
        if not (mark.lower_ == "that" and mark.dep_ == "mark" and mark.head == clause):
            continue
        if clause.dep_ == "conj" and any(child.dep_ == "mark" and child.lower_ == "that"
                                         for child in clause.head.children):
            continue
        found.append(clause)
    return found


def _with_parallel_complements(atoms: list[Atom], content: Token, parallel: list[Token]) -> list[Atom]:
    """`atoms` of what was said without the `parallel` clauses, and an atom for each: one beside
    the content as its own clauses; one joined to a clause inside it in that clause's place
    ("she expected that it would employ 400 people")."""
    kept = _without_clauses(atoms, parallel)
    for clause in parallel:
        if clause.head == content:
            beside = _clauses(clause, subject=None)
            for atom in beside:
                # "that none were hurt": none of whom, the clause alone does not say.
                for subject in [token for token in atom.tokens if token.dep_ in NOUN_SUBJECT_DEPS]:
                    _name_the_part(atom, subject)
            kept += beside
            continue
        replaced = {token.i for token in clause.head.subtree} - {token.i for token in clause.subtree}
        kept.append(Atom(without_edges([token for token in content.subtree if token.i not in replaced])))
    return kept


def _clauses(verb: Token, *, subject: list[Token] | None, aux: list[Token] | None = None,
             tense: str | None = None, participle: bool = False) -> list[Atom]:
    """`verb`'s own clause, then the clauses split off it, in text order of their verbs.

    `subject` and `aux` are borrowed from a clause `verb` is coordinated with ("India has ramped
    up ... and not joined ..."); `tense` is the tense of the clause it hangs from."""
    own_subject = _subject_tokens(verb)
    # "..., and there are too many ferries": a clause with an expletive subject borrows none.
    # "..., but that's exactly what happened": a demonstrative "that" is a subject of its own too.
    expletive = any(child.dep_ == "expl" or child.dep_ in NOUN_SUBJECT_DEPS for child in verb.children)
    subject = own_subject or (None if expletive else subject)
    tense = _tense(verb, aux or []) or tense
    # Children cut out of the main clause, and those whose facts are added with the main kept whole.
    detached: list[Token] = []
    atoms: list[Atom] = []
    leading_done = False
    opening = _leading_adjuncts(verb)  # lent to the clauses joined to this one
    for child in [*verb.children, *_stray_conjuncts(verb)]:
        if child.dep_ == "conj" and child.pos_ in VERB_POS and size(child) >= MIN_CLAUSE_TOKENS and not (
                participle and any(other.dep_ in NOUN_SUBJECT_DEPS for other in child.children)) and not (
                _addresses_the_reader(child)) and not _bare_beside_finite(verb, child):
            # A clause with its own subject inside a participle phrase is a parse gone astray.
            detached.append(child)
            if subject and _participle_beside_finite(verb, child):
                # "..., and portrays the war, depicting ...": a participle phrase read as a second verb.
                atoms += _participle_clauses(verb, child, subject, tense)
                continue
            joined = _clauses(child, subject=subject, aux=_borrowed_aux(verb, child) if subject else None,
                              tense=tense)
            if joined and not joined[0].lead and not has_pronoun(opening) and not _leading_adjuncts(child):
                # "By the end of March, it had spread ..., and two children had died": by then, both.
                joined[0].tokens = sorted([*opening, *joined[0].tokens], key=lambda token: token.i)
            atoms += joined
        elif child.dep_ == "conj" and (pointed := _pointed_at(child)) is not None:
            # "That may sound modest, but keep in mind that the county has 3,000 residents": what the
            # reader is told to keep in mind is a fact; the instruction is not.
            content = _pointed_atoms(pointed)
            if content:
                detached.append(child)
                atoms += content
        elif child.dep_ == "advcl" and _is_result(child) and size(child) >= MIN_CLAUSE_TOKENS:
            # "X, so even a few homes can change it": the result is stated as true, as is X.
            detached.append(child)
            atoms += _bind_possessives([_without_marker(atom, child) for atom in _clauses(child, subject=None)])
        elif child.dep_ == "advcl" and (document := _document_says(child, tense)) is not None:
            # "signed a declaration calling for ...": the declaration calls, not the signer.
            detached.append(child)
            atoms.append(document)
        elif child.dep_ == "attr" and any(other.dep_ == "expl" for other in verb.children) and (
                reported := _what_reports_said(child)):
            # "There have been reports that X": what the reports said is all the sentence states.
            return reported
        elif child.dep_ == "advcl" and subject and child.i < verb.i and _is_participle(child):
            # One leading phrase, even when the parser cut it in two ("re - elected").
            leading = None if leading_done else _leading_phrase(verb, child)
            if leading is None:
                continue
            leading_done = True
            detached.append(child)
            atoms.append(_finite(Atom(leading, lead=subject), [child], subject, verb,
                                 _participle_tense(tense, leading)))
        elif child.dep_ == "advcl" and subject and _is_participle(child) and _after_a_break(child):
            detached.append(child)
            atoms += _participle_clauses(verb, child, subject, tense)
        elif child.dep_ == "advcl" and _is_concessive(child) and size(child) >= MIN_CLAUSE_TOKENS and not (
                _refers_across(verb, child)):
            detached.append(child)
            atoms += _concessive_atoms(child)
        elif child.dep_ == "advcl" and subject and _is_causal(child, verb) and _whole_span(verb, child):
            # "The mill closed because demand fell": that demand fell is a fact of its own; the main
            # claim keeps its cause, since the link is a claim too.
            causes = _bind_possessives(
                [_closed(_without_marker(atom, child), child) for atom in _clauses(child, subject=None)])
            if all(_stands_alone(atom) for atom in causes) and _cause_subject(causes, verb, child):
                atoms += causes
        elif child.dep_ == "advcl" and subject and _is_temporal(child, verb, tense) and _whole_span(verb, child):
            events = [_closed(_without_marker(atom, child), child) for atom in _clauses(child, subject=None)]
            _refer_back(events, verb, child)
            _bind_possessives(events)
            if all(_stands_alone(atom) for atom in events):
                if not _bounds(verb, child):
                    detached.append(child)
                atoms += events
        elif child.dep_ in ("prep", "advcl") and (absolute := _absolute(_with_of(child), tense)) is not None:
            detached.append(child)
            atoms.append(absolute)
        elif child.dep_ in ("prep", "advcl") and (reported := _reported(child)):
            detached.append(child)
            atoms += reported
    for token in _subtree_tokens(verb):
        if _is_predicate_relative(token, verb) and subject:
            # "Reyes is a chemist who founded Lumo": Reyes is a chemist; Reyes founded Lumo.
            body = _relative_body(token)
            if body:
                detached.append(token)
                atoms.append(Atom(body, lead=subject))
        elif token.dep_ == "acl" and subject and _is_predicate_participle(token, verb) and not any(
                within(token, child) for child in detached) and (
                said := _predicate_participle(token, verb, subject, tense)) is not None:
            # "Lumo is a compiler written in Rust": Lumo is a compiler; Lumo is written in Rust.
            detached.append(token)
            atoms.append(said)
        elif token.dep_ == "appos" and (described := _described_name(token, tense)) is not None and not any(
                within(token, child) for child in detached):
            # "Tallinn, the capital of Estonia, has ...": Tallinn is the capital of Estonia.
            detached.append(token)
            atoms.append(described)
        elif token.dep_ == "relcl" and (named := _appositive_name(token)) and not any(
                within(token, child) for child in detached) and (body := _relative_body(token)):
            # "Baltic Lines, the company that bought the port in 2019": Baltic Lines bought it.
            detached.append(token.head)
            atoms.append(Atom(body, lead=named))
        elif token.dep_ == "relcl" and _is_non_restrictive(token) and token.head.i != verb.i and \
                not _antecedent_unsure(token):
            atom = _relative_clause(token)
            if atom is not None:
                detached.append(token)
                atoms.append(atom)
        elif token.dep_ == "acl" and subject and token.head.head == verb and not any(
                within(token, child) for child in detached) and (
                featured := _what_it_features(token, verb, subject, tense)) is not None:
            # "The bakery sells a cake featuring wild berries": the bakery's cake features them.
            detached.append(token)
            atoms.append(featured)
        elif token.dep_ == "acl" and not any(within(token, child) for child in detached) and (
                document := _document_says(token, tense)) is not None:
            detached.append(token)
            atoms.append(document)
    lead = [] if own_subject or subject is None else [*subject, *(aux or [])]
    spelled = _spelled_out(aux or []) if lead else {}
    link = _passive_link(verb, lead, aux, tense)
    if not detached:
        return [Atom(without_edges(_subtree_tokens(verb)), lead=lead, link=link, words=spelled), *atoms]
    dropped = {token.i for child in detached for token in _detached_tokens(verb, child)}
    own = [token for token in _subtree_tokens(verb) if token.i not in dropped]
    main = Atom(without_edges(own), lead=lead, link=link, words=spelled)
    return [main, *atoms] if len(main.tokens) >= MIN_CLAUSE_TOKENS else atoms


# -- tense: a participle or an absolute clause written as a sentence of its own ---------------


def _tense(verb: Token, borrowed: list[Token]) -> str | None:
    """"past", "perfect", "present" or "will" of a finite clause; None for other modals or none."""
    auxiliaries = [child for child in verb.children if child.dep_ in ("aux", "auxpass") and child.i < verb.i]
    auxiliaries = [*borrowed, *auxiliaries]
    if any(token.lower_ == "to" for token in auxiliaries):
        return None
    modal = next((token for token in auxiliaries if token.tag_ == "MD"), None)
    if modal is not None:
        return "will" if modal.lower_ in ("will", "'ll", "wo") else None
    first = auxiliaries[0] if auxiliaries else verb
    if first.lemma_ == "have" and first.tag_ in ("VBZ", "VBP") and auxiliaries:
        return "perfect"
    if first.tag_ == "VBD":
        return "past"
    if first.tag_ in ("VBZ", "VBP"):
        return "present"
    return None


def _participle_tense(tense: str | None, phrase: list[Token]) -> str | None:
    """A present perfect becomes a past when the phrase names a time that is over ("last month")."""
    if tense != "perfect":
        return tense
    for token in phrase:
        if token.ent_type_ == "DATE" and token.ent_iob_ == "B":
            ancestors = [ancestor.lower_ for ancestor in itertools.islice(token.ancestors, 2)]
            if not any(word in ("since", "for", "over", "during", "from") for word in ancestors):
                return "past"
    return tense


def _plural(subject: list[Token]) -> bool:
    return any(token.tag_ in PLURAL_NOUN_TAGS or token.lower_ in PLURAL_PRONOUNS for token in subject) or any(
        token.dep_ == "cc" for token in subject)


def _inflected(lemma: str, tag: str) -> str | None:
    forms = getInflection(lemma, tag=tag)
    return forms[0] if forms else None


def _verb_form(verb: Token, tense: str | None, subject: list[Token]) -> str | None:
    """`verb` (a bare participle) as the finite verb of `subject` in `tense`: "declined", "has provided"."""
    plural = _plural(subject) or any(token.lower_ in ("i", "you") for token in subject)
    if verb.lemma_ == "be":
        return {"past": "were" if plural else "was", "perfect": "have been" if plural else "has been",
                "present": "are" if plural else "is", "will": "will be"}.get(tense or "")
    if tense == "past":
        return _inflected(verb.lemma_, "VBD")
    if tense == "perfect":
        participle = _inflected(verb.lemma_, "VBN")
        return participle and ("have " if plural else "has ") + participle
    if tense == "present":
        return _inflected(verb.lemma_, "VBP" if plural else "VBZ")
    if tense == "will":
        return "will " + verb.lemma_
    return None


def _be(subject: list[Token], tense: str | None) -> str | None:
    plural = _plural(subject)
    return {"past": "were" if plural else "was", "perfect": "are" if plural else "is",
            "present": "are" if plural else "is", "will": "will be"}.get(tense or "")


def _finite(atom: Atom, verbs: list[Token], subject: list[Token], main: Token, tense: str | None) -> Atom:
    """An atom whose verb is a bare participle, made a sentence: "..., notably declining to sign" as
    "declined to sign"; a past participle ("Re-elected ...") or an unknown tense takes "was"."""
    inside = {token.i for token in atom.tokens}
    verb = next((token for token in verbs if token.i in inside), None)
    # "when comparing ...", "by cutting ...": a participle its own word ties to a time or means.
    bound = verb is not None and any(child.i < verb.i and child.lower_ in _PARTICIPLE_LINKS for child in verb.children)
    # "reading ... when he was in kindergarten and talking to ...": another participle would stay bare.
    bound = bound or any(token.tag_ == "VBG" and token.dep_ == "conj" and token not in verbs for token in atom.tokens)
    form = _verb_form(verb, tense, subject) if verb is not None and verb.tag_ == "VBG" and not bound else None
    if verb is None or form is None:
        atom.link = _link(subject, main, verbs[0])
        return atom
    # The writer's stress ("notably") and what only ties the phrase to its clause ("thereby") go.
    stress = {child.i for child in verb.children if child.dep_ == "advmod" and child.lower_ in EMPHASIS_ADVERBS}
    atom.tokens = without_edges([token for token in atom.tokens if token.i not in stress])
    atom.words = {**atom.words, verb.i: form}
    return atom


def _after_a_break(clause: Token) -> bool:
    """"..., providing a market": a participle phrase set off by a comma or a dash. Without one it is
    most often part of the predicate ("do not go around expounding ...", "replaced the bedding")."""
    start = clause.left_edge.i
    return start > clause.sent.start and clause.doc[start - 1].text in (",", "—", "–", "--", ";")


def _participle_clauses(verb: Token, clause: Token, subject: list[Token], tense: str | None) -> list[Atom]:
    """"..., providing a market for Russia after it was cut off ...": the participle phrase with the
    main clause's subject and tense, and what its own clauses say."""
    tense = _participle_tense(tense, list(clause.subtree))
    verbs = [clause, *(token for token in clause.subtree if token.dep_ == "conj" and token.head == clause)]
    atoms = _clauses(clause, subject=subject, tense=tense, participle=True)
    return [_finite(atom, verbs, subject, verb, tense) if atom.lead == subject else atom for atom in atoms]


def _pointed_at(verb: Token) -> Token | None:
    """The clause the writer points the reader at, without stating anything else: X of "It is worth
    noting that X", "It's important to remember that X", "Note that X", "keep in mind that X"."""
    if verb.lemma_ == "be" and any(child.lower_ == "it" and child.dep_ in ("nsubj", "expl") for child in verb.children):
        adjectives = [child for child in verb.children
                      if child.dep_ == "acomp" and child.lower_ in NOTEWORTHY_ADJECTIVES]
        noting = [child for head in (verb, *adjectives) for child in head.children
                  if child.dep_ in ("xcomp", "ccomp") and child.lemma_ in NOTING_VERBS and child.i > verb.i]
        if not adjectives or len(noting) != 1:
            return None
        verb = noting[0]
    elif not (verb.tag_ == "VB" and verb.lemma_ in READER_INSTRUCTIONS and verb.i == _clause_start(verb)):
        return None
    content = [child for child in verb.children if child.dep_ == "ccomp" and child.pos_ in VERB_POS
               and any(mark.dep_ == "mark" and mark.lower_ == "that" for mark in child.children)]
    if len(content) != 1 or not any(child.dep_ in NOUN_SUBJECT_DEPS for child in content[0].children):
        return None
    return content[0]


def _pointed_atoms(content: Token) -> list[Atom]:
    """The propositions of the clause pointed at, with a result the parser hung on the pointing verb
    ("keep in mind that X, so Y"); none when a part would not stand alone."""
    atoms = [_without_marker(atom, content) for atom in _clauses(content, subject=None)]
    for result in content.head.children:
        if result.dep_ == "advcl" and _is_result(result) and size(result) >= MIN_CLAUSE_TOKENS:
            atoms += [_without_marker(atom, result) for atom in _clauses(result, subject=None)]
    return _bind_possessives(atoms) if atoms and all(_stands_alone(atom) or atom.lead for atom in atoms) else []


def _clause_start(verb: Token) -> int:
    """Where an imperative's clause starts: the sentence start, or after the "but" joining it."""
    start = verb.left_edge.i
    doc = verb.doc
    while start < verb.i and (doc[start].is_punct or doc[start].dep_ == "cc"):
        start += 1
    return start


def _is_result(clause: Token) -> bool:
    """"..., so even a few homes can change it": a consequence with its own subject, after a comma.
    Not "so that" (a purpose), nor "so" as an adverb ("so many")."""
    marks = [child for child in clause.children if child.dep_ == "mark"]
    if len(marks) != 1 or marks[0].lower_ != "so" or clause.i < marks[0].i < clause.left_edge.i:
        return False
    doc = clause.doc
    mark = marks[0]
    if mark.i + 1 < len(doc) and doc[mark.i + 1].lower_ == "that":
        return False
    if mark.i == 0 or doc[mark.i - 1].text not in (",", ";") or clause.i < clause.head.i:
        return False
    return any(child.dep_ in NOUN_SUBJECT_DEPS for child in clause.children) and any(
        child.dep_ in ("aux", "auxpass") or child.tag_ in FINITE_TAGS for child in [clause, *clause.children])


def _addresses_the_reader(conj: Token) -> bool:
    """"..., but keep in mind that ...": an instruction to the reader, no act of the subject."""
    return conj.tag_ == "VB" and conj.lemma_ in READER_INSTRUCTIONS and not any(
        child.dep_ in ("aux", "auxpass", "nsubj", "nsubjpass") for child in conj.children)


def _bare_beside_finite(verb: Token, conj: Token) -> bool:
    """A bare verb joined to a tensed one with nothing of its own to make it a clause ("won three
    titles, led by A, B and coach C"): a noun the parser read as a verb, not a second act."""
    return conj.tag_ == "VB" and verb.tag_ in ("VBD", "VBZ", "VBN") and _lone_verb(conj)


def _participle_beside_finite(verb: Token, conj: Token) -> bool:
    """"portrays the war, depicting ...": an -ing form joined to a tensed verb without an
    auxiliary of its own is a participle phrase, not a second finite clause."""
    return conj.tag_ == "VBG" and verb.tag_ in ("VBD", "VBZ", "VBP") and _lone_verb(conj)


def _lone_verb(verb: Token) -> bool:
    return not any(child.dep_ in ("aux", "auxpass", *ANY_SUBJECT_DEPS) for child in verb.children)


def _stray_conjuncts(verb: Token) -> list[Token]:
    """Finite verbs the parser joined to an infinitive below `verb`, which they cannot be coordinated
    with: "She was the first woman to win a Nobel Prize and remains the only ...": "remains" goes
    with "was"."""
    stray = []
    for token in verb.subtree:
        infinitive = token.head
        if token.dep_ != "conj" or token.tag_ not in ("VBZ", "VBD") or infinitive == verb or not any(
                child.dep_ == "aux" and child.lower_ == "to" for child in infinitive.children) or any(
                child.dep_ in ANY_SUBJECT_DEPS for child in token.children):
            continue
        # Only for the nearest finite verb above: a clause between them has its own coordination.
        between = list(itertools.takewhile(lambda ancestor: ancestor != verb, infinitive.ancestors))
        if all(ancestor.tag_ not in FINITE_TAGS and ancestor.dep_ != "ROOT" for ancestor in between):
            stray.append(token)
    return stray


def _passive_link(verb: Token, lead: list[Token], aux: list[Token] | None, tense: str | None) -> str:
    """"Python is a language ... and first released in 1991": a bare past participle joined to a
    clause whose verb it cannot borrow takes its own "was" ("Python was first released in 1991"),
    past where it names a year; "" for any other clause."""
    if not lead or aux or verb.tag_ != "VBN" or verb.dep_ != "conj" or verb.head.lemma_ != "be" or any(
            child.dep_ in ("aux", "auxpass", "dobj") for child in verb.children):
        return ""
    dated = any(token.ent_type_ == "DATE" and token.like_num and len(token.text) == 4 for token in verb.subtree)
    return _be(lead, "past" if dated else tense) or ""


def _borrowed_aux(verb: Token, conj: Token) -> list[Token] | None:
    """"India has ramped up ... and not joined": "joined" borrows "has". Only where the conjunct's
    form needs the auxiliary ("has ... not joined", "will visit ... and meet"); a negation of the
    first verb goes with it ("can't antagonize a fight and then claim ...")."""
    if any(child.dep_ in ("aux", "auxpass", "nsubj", "nsubjpass", "expl") for child in conj.children):
        return None
    auxiliaries = [child for child in verb.children if child.dep_ in ("aux", "auxpass", "neg") and child.i < verb.i]
    subject = next((child for child in verb.children if child.dep_ in NOUN_SUBJECT_DEPS), None)
    if subject is None or any(token.i < subject.i for token in auxiliaries):
        # "Had he taken ... and written ...": a condition, not a fact to lend.
        return None
    if any(child.dep_ == "neg" for child in conj.children):
        auxiliaries = [token for token in auxiliaries if token.dep_ != "neg"]
    verbal = [token for token in auxiliaries if token.dep_ != "neg"]
    if not verbal or any(token.lower_ == "to" for token in verbal):
        return None
    last = verbal[-1]
    tag = conj.tag_
    if tag == "VBD" and _inflected(conj.lemma_, "VBN") == conj.lower_ and not (last.dep_ == "auxpass" and (
            conj.lemma_ in INTRANSITIVE_LEMMAS or verb.lemma_ == "bear")):
        # "has closed ... and opened", "were left stranded and forced to fight": the tagger often
        # reads the participle as a past tense. Not "was born ... and moved", "was arrested and fled".
        tag = "VBN"
    if tag == "VBN" and (last.lemma_ == "have" or last.lemma_ == "be" and last.dep_ == "auxpass" and not any(
            child.dep_ == "dobj" for child in conj.children)):
        return auxiliaries
    if tag == "VBG" and last.lemma_ == "be" and last.dep_ == "aux":
        return auxiliaries
    if tag == "VB" and (last.tag_ == "MD" or last.lemma_ == "do"):
        return auxiliaries
    return None


def _spelled_out(auxiliaries: list[Token]) -> dict[int, str]:
    """A contracted modal borrowed without its "n't" is written in full: "ca" → "can"."""
    if any(token.dep_ == "neg" for token in auxiliaries):
        return {}
    return {token.i: _CONTRACTED[token.lower_] for token in auxiliaries if token.lower_ in _CONTRACTED}


# -- subordinate facts: when, with what, by whose report ------------------------------------------


def _whole_span(verb: Token, clause: Token) -> bool:
    """The parse gives the clause all its words: one after the main clause runs to the end of it,
    one before is closed by a comma ("after investors grew wary of its losses, its ..." is cut
    short when the parser hangs the rest of the list on the main verb)."""
    doc = verb.doc
    if clause.i < verb.i:
        return clause.right_edge.i + 1 < verb.i and doc[clause.right_edge.i + 1].text == ","
    end = max(token.i for token in verb.subtree)
    return all(token.is_punct for token in doc[clause.right_edge.i + 1 : end + 1])


def _is_temporal(clause: Token, verb: Token, tense: str | None) -> bool:
    """"after it was cut off from its markets": a past event with its own subject. Not "until the
    infection has run its course" (a present perfect is a condition), nor a causal "since" ("adds
    that it would be no surprise, since the plant was shut"): "since" dates only a perfect or a
    "first" ("the first visit since ...")."""
    marks = [child for child in clause.children if child.dep_ == "mark"]
    if len(marks) != 1 or marks[0].lower_ not in TEMPORAL_MARKS or size(clause) < MIN_CLAUSE_TOKENS:
        return False
    if marks[0].lower_ == "since" and tense != "perfect" and not any(
            token.ent_type_ == "ORDINAL" or token.tag_ in ("JJS", "RBS") or token.lower_ in ("first", "last")
            for token in verb.subtree if not within(token, clause)):
        return False
    if not any(child.dep_ in NOUN_SUBJECT_DEPS for child in clause.children):
        return False
    # "after its owner did": an ellipsis says nothing alone.
    if clause.lemma_ == "do" and not any(child.dep_ in ("dobj", "ccomp", "xcomp") for child in clause.children):
        return False
    return _tense(clause, []) == "past"


def _is_causal(clause: Token, verb: Token) -> bool:
    """"because demand for paper fell": a cause with its own subject and a finite verb, given as true.
    Not "just because ...", nor the cause of a negated main clause ("did not close because ..."
    may deny the very link), nor an ellipsis ("because it did")."""
    marks = [child for child in clause.children if child.dep_ == "mark"]
    if len(marks) != 1 or marks[0].lower_ not in CAUSAL_MARKS or size(clause) < MIN_CLAUSE_TOKENS:
        return False
    if any(child.dep_ == "advmod" and child.i < marks[0].i for child in clause.children):
        return False
    if not any(child.dep_ in NOUN_SUBJECT_DEPS for child in clause.children):
        return False
    if clause.tag_ not in FINITE_TAGS and not any(
            child.dep_ in ("aux", "auxpass") and child.lower_ != "to" for child in clause.children):
        return False
    if clause.lemma_ == "do" and not any(child.dep_ in ("dobj", "ccomp", "xcomp") for child in clause.children):
        return False
    return not any(token.dep_ == "neg" or token.lower_ in ("never", "if", "unless", "whether")
                   for token in verb.subtree if not within(token, clause))


def _cause_subject(atoms: list[Atom], verb: Token, clause: Token) -> bool:
    """A cause's pronoun subject is the main clause's subject ("The lakes freeze early because they are
    shallow"): written in. False when the cause has a pronoun that is not so bound: the main claim,
    which keeps its cause, says it whole."""
    pronoun = next((child for child in clause.children if child.dep_ in NOUN_SUBJECT_DEPS), None)
    subject = next((child for child in verb.children if child.dep_ in NOUN_SUBJECT_DEPS), None)
    phrase = [] if subject is None else without_edges([token for token in _subject_tokens(verb) if not any(
        within(token, child) for child in subject.children if child.dep_ == "prep" and _example_marker(child))])
    for atom in atoms:
        pronouns = [token for token in atom.tokens if has_pronoun([token]) and token.i not in atom.words]
        if not pronouns:
            continue
        if pronoun is None or pronouns[0] != pronoun or subject is None or not phrase or has_pronoun(phrase) or (
                not _may_stand_for(pronoun, subject)) or pronoun.lower_ in ("his", "her", "its", "their"):
            return False
        if pronoun.lower_ == "it" and clause.lemma_ == "be" and not any(
                child.dep_ == "acomp" for child in clause.children):
            return False  # "because it was a high tide": the time or weather, not the subject
        words = " ".join(token.text for token in phrase)
        if phrase[0].i == phrase[0].sent.start and phrase[0].pos_ != "PROPN":
            words = words[:1].lower() + words[1:]
        atom.words = {**atom.words, pronoun.i: words}
        group = THING_PRONOUNS if pronoun.lower_ in THING_PRONOUNS else GROUP_PRONOUNS
        # Later pronouns of its kind are bound to it ("they lost their funding"); any other needs its context.
        atom.words.update({token.i: token.text for token in pronouns[1:] if token.lower_ in group})
        if any(token.i not in atom.words for token in pronouns[1:]):
            return False
    return True


def _example_marker(prep: Token) -> bool:
    """"such as", "including", "like": a preposition that adds examples to its noun."""
    return prep.lower_ in ("including", "like") or prep.lower_ == "as" and any(
        child.lower_ == "such" for child in prep.children)


def _refer_back(atoms: list[Atom], verb: Token, clause: Token) -> None:
    """"..., providing a market for the mine after it was shut": "it" is the nearest thing named
    before the clause. A name is left to the renderer, which finds names; a common noun is written
    in, unless the main clause's subject could be meant too: then the claim needs its context."""
    pronoun = next((child for child in clause.children if child.dep_ in NOUN_SUBJECT_DEPS), None)
    if pronoun is None or pronoun.lower_ not in THING_PRONOUNS | GROUP_PRONOUNS or clause.i < verb.i:
        return
    before = [token for token in pronoun.sent if token.i < clause.left_edge.i and token.pos_ in NOMINAL_POS]
    nearest = next((token for token in reversed(before) if _may_stand_for(pronoun, token)
                    and token.dep_ not in ("compound", "poss")), None)
    if nearest is None:
        return
    # Only the clause's own subject competes: a participle phrase's borrowed one is further away.
    subject = next((token for token in verb.children if token.dep_ in NOUN_SUBJECT_DEPS), None)
    phrase = [token for token in nearest.subtree if token.i <= nearest.i]
    unsure = subject is not None and subject != nearest and _may_stand_for(pronoun, subject)
    if not unsure and (nearest.pos_ == "PROPN" or nearest.ent_type_):
        # A name: the renderer finds it, and names it in full.
        return
    group = THING_PRONOUNS if pronoun.lower_ in THING_PRONOUNS else GROUP_PRONOUNS
    for atom in atoms:
        if pronoun not in atom.tokens:
            continue
        # Later pronouns of the same kind are bound to the subject: "it lost its funding".
        atom.words = {**atom.words, **{token.i: token.text for token in atom.tokens if token.lower_ in group}}
        if unsure or has_pronoun(phrase):
            atom.needs_context = True
        else:
            atom.words[pronoun.i] = "".join(token.text_with_ws for token in phrase).strip()


def _bind_possessives(atoms: list[Atom]) -> list[Atom]:
    """"the company abandoned ... and had its valuation slashed": "its" after the atom's own subject
    that it can stand for is that subject's, not a name the renderer finds elsewhere."""
    for atom in atoms:
        subjects = [token for token in [*atom.lead, *atom.tokens] if token.dep_ in NOUN_SUBJECT_DEPS
                    and token.pos_ in NOMINAL_POS]
        for token in atom.tokens:
            if token.lower_ in ("its", "their") and token.i not in atom.words and any(
                    subject.i < token.i and _may_stand_for(token, subject) for subject in subjects):
                atom.words = {**atom.words, token.i: token.text}
    return atoms


def _bounds(verb: Token, clause: Token) -> bool:
    """"has not visited since the war began", "the first trip since ...": without the clause the main
    clause says something else; it keeps it."""
    if any(child.lower_ in BOUNDING_MARKS or child.dep_ == "advmod" and child.lower_ in ("only", "just", "not")
           for child in clause.children):
        # "changed their mind only after ...": the clause is what the main clause is about.
        return True
    rest = [token for token in verb.subtree if not within(token, clause)]
    if any(token.dep_ == "neg" or token.tag_ in ("JJS", "RBS") or token.ent_type_ == "ORDINAL" or
           token.lower_ in ("never", "first", "last", "only") for token in rest):
        return True
    # "The teams were tied after ...", "This comes less than a week after ...": the clause is what
    # the main clause says; without it, the verb has nothing left to say.
    return not any(child.dep_ in _COMPLEMENT_DEPS for child in verb.children if child != clause)


def _stands_alone(atom: Atom) -> bool:
    """A subordinate clause cut out whole: a subject and a verb of its own, no dangling link."""
    tokens = [*atom.lead, *atom.tokens]
    return len(tokens) >= MIN_CLAUSE_TOKENS and any(token.dep_ in NOUN_SUBJECT_DEPS for token in tokens)


def _absolute(prep: Token, tense: str | None) -> Atom | None:
    """"with Russia isolated in the West": Russia is isolated in the West (in the main clause's tense).
    The parser gives it three shapes: "with" + a clause with a subject, "with" marking such a clause,
    or "with" + a noun that a participle modifies ("with hundreds of people lining the road")."""
    if prep.lower_ != "with":
        return None
    if prep.dep_ == "mark":
        predicate: Token | None = prep.head
    else:
        predicate = next((child for child in prep.children if child.dep_ == "pcomp"), None)
    if predicate is not None:
        subject = next((child for child in predicate.children if child.dep_ in NOUN_SUBJECT_DEPS), None)
        if subject is None or subject.pos_ not in NOMINAL_POS or predicate.tag_ not in ("VBN", "VBD", "VBG", "JJ"):
            return None
        if predicate.tag_ == "VBD" and _inflected(predicate.lemma_, "VBN") != predicate.lower_:
            return None
        lead = list(subject.subtree)
        tokens = [token for token in predicate.subtree if not within(token, subject) and token != prep]
        head = subject
    else:
        noun = next((child for child in prep.children if child.dep_ == "pobj"), None)
        if noun is None or noun.pos_ not in NOMINAL_POS:
            return None
        predicate = next((token for token in noun.subtree if token.dep_ in ("acl", "amod") and token.i > token.head.i
                          and token.head.pos_ in NOMINAL_POS and token.tag_ in ("VBN", "VBG")
                          and token.right_edge.i == noun.right_edge.i), None)
        if predicate is None:
            return None
        lead = [token for token in noun.subtree if not within(token, predicate)]
        tokens = list(predicate.subtree)
        head = noun
    link = _be(lead, tense)
    if link is None or any(token.dep_ == "mark" or token.lower_ in RELATIVE_PRONOUNS for token in tokens):
        return None
    if not _set_off(prep, predicate) or has_pronoun([*lead, *tokens]) or any(
            token.dep_ in ("cc", "conj") for token in [*lead, *tokens]) or sum(
            child.dep_ in NOUN_SUBJECT_DEPS for child in predicate.children) > 1:
        # "with 12% saying they ... and 35% saying ...": more than the parse can safely part.
        return None
    lead, tokens = without_edges(lead), without_edges(tokens)
    if len(lead) + len(tokens) < MIN_CLAUSE_TOKENS:
        return None
    # "with the majority located in Brazil": the majority of what, only the main clause says.
    vague = (head.lower_ in _PARTITIVES or head.lemma_ in REFERRING_NOUNS) and not any(
        child.dep_ in ("prep", "compound", "amod", "poss", "nmod", "appos", "relcl") for child in head.children)
    return Atom(tokens, lead=lead, link=link, needs_context=vague)


def _set_off(prep: Token, predicate: Token) -> bool:
    """An absolute clause stands apart: "..., with Russia isolated in the West." or "With prices
    rising, ...". Not "associated with animals sold in markets" (an argument of the verb), nor one
    the parse ends early ("..., with A beating B 6-4, 6-3 and C ...")."""
    doc, sentence = prep.doc, prep.sent
    end = max(predicate.right_edge.i, max(token.i for token in prep.subtree))
    if prep.i == sentence.start:
        return end + 1 < sentence.end and doc[end + 1].text == ","
    return doc[prep.i - 1].text == "," and all(token.is_punct for token in doc[end + 1 : sentence.end])


def _with_of(child: Token) -> Token:
    """The "with" of an absolute clause: the child itself, or the mark of a clause."""
    return next((mark for mark in child.children if mark.dep_ == "mark" and mark.lower_ == "with"), child)


def _reported(prep: Token) -> list[Atom]:
    """"following reports some were left stranded": what the reports said, said by them."""
    if prep.dep_ == "advcl" and prep.lower_ != "following":
        return []
    noun = next((child for child in prep.children if child.dep_ in ("pobj", "dobj")), None)
    return [] if noun is None else _what_reports_said(noun)


def _what_reports_said(noun: Token) -> list[Atom]:
    """"reports (that) some were left stranded": one atom per proposition, "Reports said ..."."""
    if noun.lemma_ not in REPORT_NOUNS:
        return []
    clause = next((child for child in noun.children if child.dep_ in ("relcl", "acl", "ccomp")
                   and child.pos_ in VERB_POS and child.i > noun.i), None)
    if clause is None:
        return []
    subject = next((child for child in clause.children if child.dep_ in NOUN_SUBJECT_DEPS), None)
    if subject is None or subject.lower_ in RELATIVE_PRONOUNS or subject.i < noun.i:
        return []
    if clause.left_edge.lower_ in RELATIVE_PRONOUNS and clause.left_edge.dep_ != "mark":
        return []
    source = without_edges([token for token in noun.subtree if not within(token, clause)])
    said = "".join(token.text_with_ws for token in source).strip()
    atoms = [_without_marker(atom, clause) for atom in _clauses(clause, subject=None)]
    if not source or not all(_stands_alone(atom) for atom in atoms):
        return []
    for atom in atoms:
        atom.prefix = said + " said"
        atom.attribution = said
        _name_the_part(atom, subject)
    return atoms


def _name_the_part(atom: Atom, subject: Token) -> None:
    """"... release some of the workers, following reports some were left stranded": the bare "some"
    is the "some of the workers" named before it in the sentence; unnamed, it needs its context."""
    if subject.lower_ not in _PARTITIVES or any(True for _ in subject.children):
        return
    named = next((token for token in subject.sent if token.i < subject.i and token.lower_ == subject.lower_
                  and any(child.lower_ == "of" for child in token.children)), None)
    clause = None if named is None else next(
        (token for token in named.subtree if token.dep_ in ("relcl", "acl")), None)
    phrase = [] if named is None else without_edges(
        [token for token in named.subtree if clause is None or not within(token, clause)])
    if not phrase or has_pronoun(phrase):
        # "some of its citizens": whose, the sentence alone does not say safely.
        atom.needs_context = True
        return
    for part in ("lead", "tokens"):
        tokens: list[Token] = getattr(atom, part)
        if subject in tokens:
            at = tokens.index(subject)
            setattr(atom, part, [*tokens[:at], *phrase, *tokens[at + 1:]])


def _what_it_features(participle: Token, verb: Token, subject: list[Token], tense: str | None) -> Atom | None:
    """"The bakery sells a seasonal cake featuring wild berries": "The bakery's seasonal cake features
    wild berries", in the main clause's tense. Only for what a thing is made of or shows
    (FEATURE_LEMMAS), of an object that the subject offers, makes or holds (OWNING_LEMMAS)."""
    noun = participle.head
    if participle.tag_ != "VBG" or participle.lemma_ not in FEATURE_LEMMAS or verb.lemma_ not in OWNING_LEMMAS:
        return None
    if noun.dep_ != "dobj" or noun.pos_ != "NOUN" or participle.i != noun.i + 1 or not any(
            child.dep_ == "det" and child.lower_ in ("a", "an") for child in noun.children):
        return None
    if not subject or has_pronoun(subject) or subject[-1].pos_ not in NOMINAL_POS or len(subject) > 6 or any(
            token.is_punct for token in subject):
        return None
    described = [token for token in noun.subtree if token.i < noun.i and token.dep_ != "det"] + [noun]
    if any(token.is_punct and token.text != "-" or token.pos_ in VERB_POS for token in described):
        return None
    form = _verb_form(participle, tense, [noun])
    if form is None:
        return None
    owner = subject[-1]
    words = {owner.i: owner.text + ("'" if owner.text.endswith("s") else "'s"), participle.i: form}
    if subject[0].i == subject[0].sent.start and subject[0].pos_ == "DET":
        words[subject[0].i] = subject[0].text.lower()
    return Atom(without_edges(list(participle.subtree)), lead=[*subject, *described], words=words)


def _document_says(participle: Token, tense: str | None) -> Atom | None:
    """"a joint statement calling for X": the statement called for X. The parser often hangs the
    participle on the nearest noun ("a statement at a summit calling for"): the document is the
    nearest one before it with nothing but its modifiers and prepositions between."""
    if participle.tag_ != "VBG" or participle.lemma_ not in SAYING_LEMMAS or participle.i < participle.head.i:
        return None
    doc = participle.doc
    document = next((doc[index] for index in range(participle.i - 1, participle.sent.start - 1, -1)
                     if doc[index].lemma_ in DOCUMENT_NOUNS and doc[index].pos_ == "NOUN"), None)
    if document is None or any(doc[index].pos_ in VERB_POS or doc[index].is_punct
                               for index in range(document.i + 1, participle.i)):
        return None
    # "a letter from the mayor": the document with what names it, up to the participle.
    lead = [token for token in document.subtree if token.i < participle.i and not within(token, participle)]
    form = {"past": "VBD", "perfect": "VBD", "present": "VBZ" if document.tag_ == "NN" else "VBP"}.get(tense or "")
    word = _inflected(participle.lemma_, form) if form else None
    if word is None:
        return None
    return Atom(without_edges(list(participle.subtree)), lead=without_edges(lead), words={participle.i: word})


def _subject_tokens(verb: Token) -> list[Token]:
    subject = next((child for child in verb.children if child.dep_ in NOUN_SUBJECT_DEPS), None)
    if subject is None or subject.lower_ in RELATIVE_PRONOUNS:
        return []
    tokens = [token for token in subject.subtree]
    # A subject that carries its own relative clause lends only its core ("Reyes", not "Reyes, who ..."),
    # without any of them: "Mari Tamm (Tartu, Estonia; 3 May 1980), known as ...", not a piece of it.
    clauses = [token for token in tokens if token.dep_ in ("relcl", "appos", "acl")]
    tokens = [token for token in tokens if not any(within(token, clause) for clause in clauses)]
    return without_edges(_outside_brackets(tokens))


def _outside_brackets(tokens: list[Token]) -> list[Token]:
    """`tokens` without what they hold in brackets, nor stray brackets left by a cut."""
    kept, depth = [], 0
    for token in tokens:
        if token.text in ("(", "["):
            depth += 1
        elif token.text in (")", "]"):
            depth = max(0, depth - 1)
        elif depth == 0:
            kept.append(token)
    return kept


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


def _antecedent_unsure(clause: Token) -> bool:
    """"a terminal in Lindvik harbour, which will cost ...": the terminal or the harbour? When
    another noun could be what the clause is about (the noun before the clause sits in a phrase of
    that noun, or a phrase stands between the two) and the clause's verb agrees with both in
    number, the parse only guesses; the sentence keeps the clause. "the expression of genes,
    which control ...": only the genes are plural, so the clause is theirs."""
    noun = clause.head
    rivals = []
    if noun.dep_ == "pobj" and noun.head.dep_ == "prep":
        owner = noun.head.head
        if owner.pos_ in ("NOUN", "PROPN"):
            rivals.append(owner)
        else:  # "bought the mill beside the river, which ...": the mill, or the river
            rivals += [child for child in owner.children if child.dep_ in ("dobj", "attr") and child.i < noun.head.i]
    rivals += [grandchild for child in noun.rights if child.dep_ == "prep" and child.i < clause.i
               for grandchild in child.children if grandchild.dep_ == "pobj"]
    number = _finite_number(clause)
    return any(number is None or _noun_number(rival) in (None, number) for rival in rivals)


def _finite_number(verb: Token) -> str | None:
    """"singular" for "dates", "is"; "plural" for "control", "are"; None when the form does not say."""
    finite = next((child for child in verb.children if child.dep_ in ("aux", "auxpass")), verb)
    return {"VBZ": "singular", "VBP": "plural"}.get(finite.tag_)


def _noun_number(noun: Token) -> str | None:
    return {"NN": "singular", "NNP": "singular", "NNS": "plural", "NNPS": "plural"}.get(noun.tag_)


def _is_non_restrictive(clause: Token) -> bool:
    """", who voted against the plan," (split off) but not "people who signed up" (kept)."""
    first = clause.left_edge
    return first.i > 0 and clause.doc[first.i - 1].text == "," and first.lower_ in RELATIVE_PRONOUNS


def _described_name(noun: Token, tense: str | None) -> Atom | None:
    """"Tallinn is the capital of Estonia" of "Tallinn, the capital of Estonia, has ...": what an
    appositive set off by commas says of the name before it, in the main clause's tense."""
    name = noun.head
    doc = noun.doc
    if noun.pos_ != "NOUN" or noun.i < name.i or name.pos_ != "PROPN" or noun.tag_ in PLURAL_NOUN_TAGS:
        return None
    if name.ent_type_ in NUMERIC_LABELS or name.dep_ == "pobj" and name.head.head.ent_type_ in NUMERIC_LABELS:
        # "raised the rate to 4.5 percent on Thursday, the highest level since 2008", "to 4.7
        # percent of GDP, the highest share of any NATO member": the phrase describes the figure;
        # the parse hung it on the day, or on what the figure is of.
        return None
    if not any(child.dep_ in ("det", "poss") for child in noun.children) or any(
            token.dep_ in ("relcl", "acl", "appos", "conj") or token.pos_ in VERB_POS or token.text in ("(", ")")
            for token in noun.subtree if token != noun):
        return None
    start, end = noun.left_edge.i, noun.right_edge.i
    if start == 0 or doc[start - 1].text != "," or end + 1 >= len(doc) or doc[end + 1].text not in (",", ".", ";"):
        return None
    if noun.i in quoted_tokens(noun.sent):
        return None
    phrase = without_edges([token for token in name.subtree if not within(token, noun) and token.i < start])
    if not 1 <= len(phrase) <= 6 or phrase[-1] != name or any(
            token.pos_ not in ("PROPN", "DET") and token.text not in ("&", ".", "-") for token in phrase):
        return None
    # A person's role then ("Jaan Kask was the mayor"); a place or body is what it is.
    link = "was" if tense == "past" and name.ent_type_ == "PERSON" else "is"
    return Atom(without_edges(list(noun.subtree)), lead=phrase, link=link)


def _appositive_name(clause: Token) -> list[Token]:
    """"Baltic Lines" of "Baltic Lines, the company that bought the port": the name an appositive
    ("the company", "an economist") with a relative clause describes; empty for any other clause."""
    noun = clause.head
    name = noun.head
    if noun.dep_ != "appos" or noun.pos_ != "NOUN" or noun.i < name.i or not any(
            child.dep_ == "det" and child.lower_ in ("the", "a", "an") for child in noun.children):
        return []
    if name.pos_ != "PROPN" or noun.doc[noun.left_edge.i - 1].text != ",":
        return []
    phrase = without_edges([token for token in name.subtree if not within(token, noun)])
    if not 1 <= len(phrase) <= 6 or phrase[-1] != name or any(
            token.pos_ not in ("PROPN", "DET") and token.text not in ("&", ".", "-") for token in phrase):
        return []
    return phrase


def _relative_clause(clause: Token) -> Atom | None:
    body = _relative_body(clause)
    if not body:
        return None
    noun = clause.head
    # All the clause follows: "the port authority of Parnu", "Estonia and Norway", not "Estonia" alone.
    asides = [child for child in noun.children if child.dep_ == "appos"]
    antecedent = [token for token in noun.subtree if token.i < clause.left_edge.i and not any(
        within(token, aside) for aside in asides)]
    return Atom(body, lead=without_edges(antecedent))


def _relative_body(clause: Token) -> list[Token]:
    """"founded Lumo" of "who founded Lumo"; empty unless the pronoun is the clause's subject."""
    pronoun = clause.left_edge
    if pronoun.dep_ not in NOUN_SUBJECT_DEPS or pronoun.head != clause or pronoun.lower_ not in RELATIVE_PRONOUNS:
        return []
    body = [token for token in clause.subtree if token.i != pronoun.i]
    return without_edges(body) if len(body) >= 2 else []


def _is_predicate_relative(clause: Token, verb: Token, dep: str = "relcl") -> bool:
    """"a chemist who founded Lumo" after "is": the subject is both a chemist and the founder.
    Not "the first chemist who ...", which only the clause makes true."""
    noun = clause.head
    if clause.dep_ != dep or noun.dep_ != "attr" or noun.head != verb or verb.lemma_ != "be":
        return False
    if any(child.dep_ == "neg" or child.lower_ == "never" or child.dep_ in NOUN_SUBJECT_DEPS and child.lower_ in (
            "it", "this", "that") for child in verb.children):
        # "Mari is not a chemist who founded Lumo" says nothing of who founded it; "It's a rifle that
        # should be sold" is a cleft, whose "it" the relative clause would leave dangling.
        return False
    modifiers = [child for child in noun.children if child.i < noun.i]
    return any(child.lower_ in ("a", "an") for child in modifiers) and not any(
        child.tag_ in ("JJS", "RBS") or child.ent_type_ == "ORDINAL" for child in modifiers)


def _is_predicate_participle(participle: Token, verb: Token) -> bool:
    """"a compiler written in Rust", "a firm specialising in ferries" after "is": what the noun is
    said to be, the subject is too. Not "the first film directed by a woman" (only the participle
    makes it first), nor after a negation."""
    if participle.tag_ not in ("VBN", "VBG") or participle.i < participle.head.i:
        return False
    if participle.lower_ in FRAMING_PARTICIPLES or any(child.dep_ in ("nsubj", "nsubjpass", "mark", "aux")
                                                        for child in participle.children):
        return False
    if any(child.dep_ == "neg" or child.lower_ == "never" for child in verb.children):
        return False
    return _is_predicate_relative(participle, verb, dep="acl") and size(participle) >= 2


def _predicate_participle(participle: Token, verb: Token, subject: list[Token], tense: str | None) -> Atom | None:
    if participle.tag_ == "VBN":
        link = verb.text.lower() if verb.tag_ in ("VBZ", "VBP", "VBD") else None
        if link is None or link.startswith("'") or has_pronoun(subject):
            return None
        if participle.lemma_ in CREATION_LEMMAS and link in ("is", "are"):
            # "Python is a language created by Guido van Rossum": it was created, once.
            link = "was" if link == "is" else "were"
        return Atom(without_edges(list(participle.subtree)), lead=subject, link=link)
    form = _verb_form(participle, tense, subject)
    if form is None or has_pronoun(subject):
        return None
    return Atom(without_edges(list(participle.subtree)), lead=subject, words={participle.i: form})


def _is_concessive(clause: Token) -> bool:
    """"whereas Neptune is a gas giant", "although prices rose": a second fact, with its own subject."""
    return any(child.dep_ == "mark" and child.lower_ in CONCESSIVE_MARKS for child in clause.children) and any(
        child.dep_ in NOUN_SUBJECT_DEPS for child in clause.children)


def _leading_adjuncts(verb: Token) -> list[Token]:
    """What opens the clause before its subject and says when, where or by whose account ("By the end
    of March,", "Last year,", "According to the ministry,"), with its comma; no discourse marker. Lent
    to a joined clause only without a pronoun, whose referent may be in the clause it came from."""
    subject = next((child for child in verb.children if child.dep_ in ANY_SUBJECT_DEPS), None)
    if subject is None:
        return []
    doc, tokens = verb.doc, []
    for child in verb.children:
        if child.i < subject.left_edge.i and child.dep_ in ("prep", "npadvmod") and (
                child.lower_ not in DISCOURSE_MARKERS):
            tokens += list(child.subtree)
            if child.right_edge.i + 1 < subject.left_edge.i and doc[child.right_edge.i + 1].text == ",":
                tokens.append(doc[child.right_edge.i + 1])
    return tokens


def _concessive_atoms(clause: Token) -> list[Atom]:
    """The atoms of a concessive clause; those of one that reports ("while the mayor of Kaunas
    said repairs would take a year") are its speaker's, not the sentence's."""
    atoms = _bind_possessives(
        [_closed(_without_marker(atom, clause), clause) for atom in _clauses(clause, subject=None)])
    if clause.lemma_ in REPORTING_VERBS:
        speaker = next(child for child in clause.children if child.dep_ in NOUN_SUBJECT_DEPS)
        for atom in atoms:
            atom.speaker = speaker
    return atoms


def _refers_across(verb: Token, clause: Token) -> bool:
    """"Although the museum closed, its garden stayed open": apart, "its" would lose the museum.
    A pronoun after a noun of its own part that it can stand for ("even though India has ramped up
    its purchases") stays."""
    rest, own = [token for token in verb.subtree if not within(token, clause)], list(clause.subtree)
    return _unanchored_pronoun(rest) or _unanchored_pronoun(own)


def _unanchored_pronoun(tokens: list[Token]) -> bool:
    """A third-person pronoun with no noun before it in `tokens` that it could stand for."""
    seen: list[Token] = []
    for token in tokens:
        if token.pos_ in NOMINAL_POS:
            seen.append(token)
        elif has_pronoun([token]) and not any(_may_stand_for(token, noun) for noun in seen):
            return True
    return False


def _may_stand_for(pronoun: Token, noun: Token) -> bool:
    lower = pronoun.lower_
    if lower in THING_PRONOUNS:
        return noun.tag_ in ("NN", "NNP") and noun.ent_type_ not in ("PERSON", "NORP")
    if lower in GROUP_PRONOUNS:
        return noun.tag_ in PLURAL_NOUN_TAGS or noun.ent_type_ in ("ORG", "NORP", "GPE")
    # "he", "she": a person named, or a noun that may be one ("the minister").
    return noun.ent_type_ == "PERSON" or noun.tag_ == "NN" and not noun.ent_type_


def _without_marker(atom: Atom, clause: Token) -> Atom:
    """The clause without its "(even) though", "shortly after"."""
    marks = [child for child in clause.children if child.dep_ == "mark"]
    marker = {child.i for child in marks}
    # "even though", "shortly after", "years before", "less than a week after": all that leads the mark.
    for child in clause.children:
        if marks and child.i < marks[0].i and child.dep_ in ("advmod", "npadvmod", "prep"):
            marker |= {token.i for token in child.subtree}
    atom.tokens = without_edges([token for token in atom.tokens if token.i not in marker])
    return atom


def _closed(atom: Atom, clause: Token) -> Atom:
    """The atom with the parenthesis its clause opened and the parser hung on the main verb."""
    doc, end = clause.doc, clause.right_edge.i
    opened = sum(token.text == "(" for token in atom.tokens) - sum(token.text == ")" for token in atom.tokens)
    if opened > 0 and atom.tokens and atom.tokens[-1].i <= end and end + 1 < clause.sent.end and (
            doc[end + 1].text == ")"):
        atom.tokens = without_edges([*atom.tokens, doc[end + 1]])
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
    if child.dep_ in ("relcl", "appos") and end + 1 < verb.sent.end and doc[end + 1].text == ",":
        tokens.append(doc[end + 1])
    if end + 1 < verb.sent.end and doc[end + 1].text == ")" and sum(token.text == "(" for token in tokens) > sum(
            token.text == ")" for token in tokens):
        # "... (IMCAS)": the parenthesis the clause opened.
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
