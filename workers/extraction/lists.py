"""Lists: lines of a list kept from boilerplate, verbless items made claims, enumerations split.

A list in the article ("The winners were:" then one item a line) is read here line by line; a list
inside one sentence ("such as A, B or C") becomes one atom per item."""

from __future__ import annotations

import itertools
import re

import spacy
from lemminflect import getInflection
from spacy.tokens import Span, Token

from .atoms import MIN_CLAUSE_TOKENS, Atom, has_pronoun, within, without
from .boilerplate import block_signals
from .claims import ClaimDate, ExtractedClaim
from .coreference import ArticleContext
from .dates import entity_iso, is_relative_date
from .entities import claim_entities
from .lexicon import (
    COLLECTIVE_HEADS,
    DATE_LABELS,
    DESCRIPTION_POS,
    FINITE_TAGS,
    JOINT_LEMMAS,
    JOINT_WORDS,
    LIST_DEPS,
    NAME_LABELS,
    NOMINAL_POS,
    NOUN_SUBJECT_DEPS,
    NUMERIC_LABELS,
    PLURAL_NOUN_TAGS,
    TERM_SEPARATORS,
)
from .scoring import SCORE_FLOOR, analyse_sentence
from .sentences import ParsedSentence, quoted_tokens
from .text import Block, normalise_whitespace, trim

LIST_MARKER = re.compile(r"^(?:\d{1,2}[.)]|[-*•·▪–—])\s*")
# "Lumo: a compiler for ..." or "3. Ada Reyes - elected in 2019": a term, then what it is.
_TERM_ITEM = re.compile(r"^(?:(?:\d{1,2}[.)]|[-*•·▪–—])\s*)?[^\W\d][^:]{0,60}?(?::|\s[-–—])\s+\S+(?:\s+\S+){2}")
_MAX_TERM_TOKENS = 6


# -- a list in the article, one item a line ---------------------------------------------------------


def with_list_items(text: str, blocks: list[Block], flags: list[bool]) -> list[bool]:
    """`flags` with a list of "term: description" lines, and the line that leads into it, kept:
    short, unpunctuated and in a row, they otherwise read as a list of links."""
    lines = [text[block.start : block.end].strip() for block in blocks]
    flags = list(flags)
    for index, line in enumerate(lines):
        if not (line.endswith(":") and len(line.split()) >= 4) or flags[index] and not _plain(line):
            continue
        items = list(itertools.takewhile(
            lambda other: _TERM_ITEM.match(lines[other]) and (not flags[other] or _plain(lines[other])),
            range(index + 1, len(lines))))
        # A flagged lead-in needs more evidence than one item that it opens a list.
        if len(items) >= (2 if flags[index] else 1):
            for kept in (index, *items):
                flags[kept] = False
    return flags


def _plain(line: str) -> bool:
    """No boilerplate sign stronger than being short: no credit, appeal or address to the reader."""
    signals = block_signals(line)
    return not (signals.certain or signals.calls_to_action or signals.address_density)


def is_lead_in(sentence: ParsedSentence) -> bool:
    return sentence.span.text.rstrip().endswith(":") and sentence.span.end == len(sentence.span.doc)


def is_list_item(sentence: ParsedSentence) -> bool:
    """A short block of its own, as list items are ("1. Ada Lovelace (1815-1852)"), maybe after its marker."""
    span = sentence.span
    before = span.doc[: span.start].text.strip()
    return (not before or bool(LIST_MARKER.fullmatch(before))) and span.end == len(span.doc) and len(span) <= 40


def is_list_marker(sentence: ParsedSentence) -> bool:
    return sentence.span.start == 0 and bool(LIST_MARKER.fullmatch(sentence.span.text.strip()))


def has_finite_verb(sentence: Span) -> bool:
    return any(token.tag_ in FINITE_TAGS for token in sentence)


def list_item_claims(text: str, parse_text: str, sentence: ParsedSentence, lead_in: ExtractedClaim | None,
                     context: ArticleContext, nlp: spacy.Language | None) -> list[ExtractedClaim] | None:
    """A verbless list item as claims: "Lumo: a compiler" says "Lumo is a compiler"; other items are
    completed by the sentence that introduces the list ("The winners were Ada Reyes").

    None when the item is neither: the caller reads it as a sentence of its own."""
    start, end = trim(parse_text, sentence.start, sentence.end)
    item = LIST_MARKER.sub("", normalise_whitespace(parse_text[start:end])).rstrip(" .;,")
    if end <= start or not item:
        return []
    # Without `nlp` (past the article's budget) an item is not rewritten into a definition.
    definition = term_definition(sentence.span) if nlp is not None else None
    if definition is None and lead_in is None:
        return None
    names = [entity for entity in sentence.entities if entity.label_ in NAME_LABELS]
    inside = {token.i for token in sentence.span}
    dates: list[ClaimDate] = [{"text": entity.text, "iso": entity_iso(entity, context.base)}
             for entity in sentence.entities if entity.label_ in DATE_LABELS]
    claims = []
    if definition is not None:
        assert nlp is not None  # a definition is looked for only with `nlp`
        term, statement = definition
        parsed = nlp(statement)
        analysis = analyse_sentence(parsed[:], tuple(parsed.ents))  # a tuple already; typed a Sequence
        if analysis.score >= SCORE_FLOOR:
            claims.append(ExtractedClaim(
                text=statement, sentence=text[start:end], start=start, end=end, score=analysis.score,
                score_reasons=list(analysis.reasons), entities=claim_entities(sentence, names, context.names, inside),
                dates=dates, kind=analysis.kind, attribution=analysis.attribution,
                relative_dates_unresolved=(any(is_relative_date(date["text"]) for date in dates)
                                           and context.base is None),
            ))
        # "Its tools include Lumo." only when the lead-in stands alone ("They are:" does not).
        if lead_in is None or lead_in.needs_context:
            return claims
        item = term
    assert lead_in is not None  # a None lead-in returned above: at once without a definition, after its claims with one
    claims.append(ExtractedClaim(
        text=f"{lead_in.text.rstrip(' :.')} {item}.",
        sentence=text[start:end],
        start=start,
        end=end,
        score=lead_in.score,
        score_reasons=list(lead_in.score_reasons),
        entities=claim_entities(sentence, names, context.names, inside),
        dates=dates,
        kind=lead_in.kind,
        attribution=lead_in.attribution,
        needs_context=lead_in.needs_context,
        relative_dates_unresolved=lead_in.relative_dates_unresolved,
    ))
    return claims


def term_definition(item: Span) -> tuple[str, str] | None:
    """("Lumo", "Lumo is a compiler for Rust.") for the item "Lumo: a compiler for Rust";
    ("Ada Reyes", "Ada Reyes was elected in 2019.") for "Ada Reyes - elected in 2019"."""
    marker = LIST_MARKER.match(item.text)
    first = item.start_char + (marker.end() if marker else 0)
    tokens = [token for token in item if token.idx >= first and not token.is_space]
    separator = next((index for index, token in enumerate(tokens) if token.text == ":" or (
        token.text in TERM_SEPARATORS and index > 0 and tokens[index - 1].whitespace_ and token.whitespace_)), None)
    if separator is None or not 1 <= separator <= _MAX_TERM_TOKENS:
        return None
    term, description = tokens[:separator], tokens[separator + 1 :]
    while description and description[-1].is_punct:
        description = description[:-1]
    if sum(not token.is_punct for token in description) < 3 or not any(token.is_alpha for token in term):
        return None
    if term[0].ent_type_ in ("DATE", "TIME", "CARDINAL") or term[0].like_num:
        return None
    plural = term[-1].tag_ in PLURAL_NOUN_TAGS
    lead = description[0]
    if lead.tag_ == "VBN":
        past = any(token.ent_type_ == "DATE" for token in description)
        copula = ("were" if plural else "was") if past else ("are" if plural else "is")
    elif lead.pos_ in DESCRIPTION_POS:
        copula = "are" if plural else "is"
    else:
        return None
    term_text = item.doc[term[0].i : term[-1].i + 1].text
    words = item.doc[lead.i : description[-1].i + 1].text
    if lead.pos_ == "DET":
        words = words[:1].lower() + words[1:]
    return term_text, f"{term_text} {copula} {words}."


# -- a list inside a sentence ------------------------------------------------------------------------


def enumerated(atom: Atom) -> list[Atom]:
    """`atom` once per item of each list in it ("such as A, B or C", "A, B and C"); the examples
    a "such as" or "including" adds are left out of a first, general atom."""
    inside = {token.i for token in atom.tokens}
    if not atom.lead and _lacks_subject(atom.tokens):
        return [atom]
    lists = [items for token in atom.tokens if (items := _list_items(token, inside))]
    # A pronoun may stand for the list ("A, B and C, and their ..."), or for what the list is of; one
    # that is the clause's own subject ("He has managed A, B and C") is the same in every item's claim.
    pronouns = [token for token in [*atom.lead, *atom.tokens] if has_pronoun([token])]
    if any(not (token.dep_ in NOUN_SUBJECT_DEPS and token.head.dep_ == "ROOT" and token.lower_ in (
            "he", "she", "it")) for token in pronouns):
        return [atom]
    if not lists:
        return [atom]
    examples = [_example_phrase(items[0]) for items in lists]
    all_examples = {index for phrase in examples for index in phrase}
    atoms = [without(atom, all_examples)] if all_examples else []
    for items, phrase in zip(lists, examples):
        spans = [_item_span(item) for item in items]
        whole_list = {token.i for token in items[0].subtree}
        other_examples = all_examples - phrase
        atoms += [without(atom, (whole_list - span) | other_examples) for span in spans]
    return [atom for atom in atoms if len(atom.tokens) >= MIN_CLAUSE_TOKENS] or [atom]


# A plural verb of a coordinated subject, as each item's: "are" → "is".
_SINGULAR = {"are": "is", "were": "was", "have": "has", "do": "does", "'re": "is", "’re": "is"}


def split_subjects(atom: Atom) -> list[Atom]:
    """`atom` once per item of a coordinated subject that each does or is alone: "A ship's speed, range
    and capacity are all set by its hull" → "A ship's speed is set by its hull", ... The verb agrees
    with its one item. Not what the items do together ("Oslo and Bergen met", "A and B account for 40%",
    "are rivals", "both"), nor a plural pronoun after them, which stands for all of them."""
    if atom.lead or atom.link or atom.prefix:
        return [atom]
    inside = {token.i for token in atom.tokens}
    subject = next((token for token in atom.tokens if token.dep_ in NOUN_SUBJECT_DEPS and token.head.i in inside
                    and token.head.dep_ == "ROOT" and any(child.dep_ == "conj" for child in token.children)), None)
    if subject is None:
        return [atom]
    verb = subject.head
    items = [subject]
    for item in items:
        items += [child for child in item.children if child.dep_ == "conj"]
    conjunctions = [token for item in items for token in item.children if token.dep_ == "cc"]
    if not 2 <= len(items) <= 4 or [token.lower_ for token in conjunctions] != ["and"] or any(
            item.pos_ not in NOMINAL_POS or item.i not in inside or item.ent_type_ in NUMERIC_LABELS
            for item in items):
        return [atom]
    spans = [_item_tokens(item) for item in items]
    if any(span[0].ent_iob_ == "I" for span in spans[1:]) or subject.i in quoted_tokens(subject.sent):
        return [atom]
    if any(token.pos_ in ("VERB", "AUX") or token.i < subject.left_edge.i for span in spans for token in span):
        return [atom]  # "the specifics of what the term meant, ...": a clause in an item, a parse to distrust
    rest = [token for token in atom.tokens if not within(token, subject)]
    if any(token.i < subject.right_edge.i for token in rest) or sum(
            child.dep_ in NOUN_SUBJECT_DEPS for child in verb.children) > 1:
        # "While ..., A and B changed": the item is written first, so nothing may come before it.
        return [atom]
    if verb.lemma_ in JOINT_LEMMAS or any(token.lower_ in JOINT_WORDS or token.lemma_ in JOINT_LEMMAS and (
            token.head == verb) or token.lower_ in ("they", "them", "their", "themselves") for token in atom.tokens):
        return [atom]
    if any(child.dep_ in ("attr", "dobj", "oprd") and child.tag_ in PLURAL_NOUN_TAGS for child in verb.children):
        return [atom]  # "are rivals", "are gas giants": kept together, as said
    if any(child.dep_ == "dobj" and any(det.dep_ == "det" and det.lower_ in ("a", "an", "the")
                                        for det in child.children) for child in verb.children):
        return [atom]  # "will host the festival", "signed a deal": maybe one act of them all
    finite = next((token for token in [*sorted(child for child in verb.children if child.dep_ in ("aux", "auxpass")
                                                and child.i < verb.i), verb] if token.tag_ in FINITE_TAGS), None)
    words: dict[int, str] = {}
    if finite is not None and finite.tag_ == "VBP":
        form = _SINGULAR.get(finite.lower_) or (
            None if finite.lemma_ in ("be", "have", "do") else _third_person(finite))
        if form is None:
            return [atom]
        words[finite.i] = form
    elif finite is None or finite.tag_ not in ("VBD", "MD") or finite.lower_ == "were":
        if finite is None or finite.lower_ != "were":
            return [atom]
        words[finite.i] = "was"
    # The items share the first one's determiner or owner: "a ship's speed, range and capacity".
    shared = [token for child in subject.children if child.dep_ in ("det", "poss") and child.i < subject.i
              for token in child.subtree]
    dropped = {token.i for token in rest if token.head == verb and token.lower_ == "all" and token.dep_ in (
        "dep", "advmod", "nsubj", "appos", "det", "predet")}
    atoms = []
    for position, (item, span) in enumerate(zip(items, spans)):
        own = [token for token in span if token.dep_ not in ("cc", "punct") or token.i > item.i]
        lead = own if position == 0 or any(child.dep_ in ("det", "poss") for child in item.children) else [
            *shared, *own]
        tokens = [token for token in rest if token.i not in dropped]
        # "Apples and a pear are sold": "Apples are sold", "A pear is sold".
        own_words = {} if item.tag_ in PLURAL_NOUN_TAGS else dict(words)
        if item.tag_ == "NN" and not item.ent_type_:
            # "its hull" after "A ship's range" is the ship's, as it was after the whole subject.
            own_words.update({token.i: token.text for token in tokens if token.lower_ in ("it", "its")})
        atoms.append(Atom(tokens, lead=lead, words=own_words))
    return atoms


def _third_person(verb: Token) -> str | None:
    forms = getInflection(verb.lemma_, tag="VBZ")
    return forms[0] if forms else None


def _lacks_subject(tokens: list[Token]) -> bool:
    """A finite verb without a subject: a parse gone wrong, whose lists are not to be trusted."""
    inside = {token.i for token in tokens}
    tops = [token for token in tokens if token.head.i not in inside or token.head == token]
    return any(top.tag_ in ("VBD", "VBP", "VBZ") and not any(
        child.dep_ in (*NOUN_SUBJECT_DEPS, "expl", "csubj") for child in top.children) for top in tops)


def _list_items(head: Token, inside: set[int]) -> list[Token]:
    """The items of the list `head` opens, when each is worth a claim of its own."""
    if head.dep_ not in LIST_DEPS or not any(child.dep_ == "conj" for child in head.children):
        return []
    items = [head]
    for item in items:
        items += [child for child in item.children if child.dep_ == "conj"]
    # Items alike: all things ("diet", "overfishing") or all actions ("banning flights"); a mix is
    # a parse that joined a verb to a noun.
    kinds = {_item_kind(item) for item in items}
    if len(kinds) != 1 or None in kinds or any(token.i not in inside for token in head.subtree):
        return []
    if len({item.text[:1].isupper() for item in items}) > 1:
        # "borders Latvia in the south and Finland and Sweden across the sea": names joined to a
        # common noun are most often a parse that joined two lists; an item of each would be false.
        return []
    if head.head.lower_ in COLLECTIVE_HEADS or head.head.lemma_ in COLLECTIVE_HEADS:
        return []
    if head.head.dep_ == "agent":
        # "discovered by Mart Saar and Eva Ilves": most often one act of them together; each
        # alone would read as its only doer.
        return []
    if _describes_a_subject(head):
        # "The group, consisting of A, B and C, became ...": each item's own claim would keep the
        # rest of the phrase around it.
        return []
    if head.i in quoted_tokens(head.sent):
        return []  # A quotation's words stay as spoken.
    if any(child.dep_ == "preconj" for child in head.children):
        return []
    if any(item.ent_type_ in NUMERIC_LABELS or item.pos_ == "NUM" for item in items):
        return []
    # "Johnson & Johnson", "Bosnia and Herzegovina": one name running across the "and".
    spans = [_item_tokens(item) for item in items]
    if any(span[0].ent_iob_ == "I" for span in spans[1:]):
        return []
    sizes = [sum(1 for token in span if not token.is_punct) for span in spans]
    if _example_phrase(head) or len(items) >= 3 or min(sizes) >= 2:
        return items
    return []


def _describes_a_subject(head: Token) -> bool:
    """Whether the list at `head` is inside a participle, relative or appositive phrase of a subject."""
    path: list[Token] = []
    for ancestor in head.ancestors:
        if ancestor.dep_ in NOUN_SUBJECT_DEPS:
            return any(token.dep_ in ("acl", "relcl", "appos") for token in path)
        path.append(ancestor)
    return False


def _item_kind(item: Token) -> str | None:
    if item.pos_ in NOMINAL_POS:
        return "thing"
    if item.tag_ != "VBG" or any(child.dep_ in NOUN_SUBJECT_DEPS or child.dep_ in ("aux", "auxpass")
                                 for child in item.children):
        return None
    return "action" if any(child.dep_ in ("dobj", "prep", "ccomp", "xcomp") for child in item.children) else "thing"


def _item_tokens(item: Token) -> list[Token]:
    """One list item alone: its subtree without the items, commas and "and" that follow it."""
    dropped = [child for child in item.children if child.dep_ in ("conj", "cc", "preconj", "punct")]
    return [token for token in item.subtree if not any(within(token, child) for child in dropped)]


def _item_span(item: Token) -> set[int]:
    return {token.i for token in _item_tokens(item)}


def _example_phrase(head: Token) -> set[int]:
    """", such as A, B or C" (with its commas) when `head` opens a list of examples; else empty."""
    marker = head.head
    if head.dep_ not in ("pobj", "pcomp") or marker.dep_ != "prep":
        return set()
    such_as = marker.lower_ == "as" and any(child.lower_ == "such" for child in marker.children)
    like = marker.lower_ == "like" and marker.head.pos_ in NOMINAL_POS
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
