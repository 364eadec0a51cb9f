"""Rendering an atom as a claim that stands alone: short names, pronouns, "the country" and dates resolved."""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Span, Token

from .atoms import Atom
from .coreference import (
    BOUND,
    UNNAMED,
    ArticleContext,
    antecedent,
    country_named_before,
    described_name,
    frames_its_clause,
    introduced_phrase,
    is_expletive,
    lone_proper_noun,
    nearest_thing,
    pronoun_class,
    reported_person,
)
from .dates import absolute_date_text
from .entities import person_name, possessive_of, takes_the, titled_person
from .lexicon import (
    BARE_DISCOURSE_MARKERS,
    CONFLICT_NOUNS,
    COUNT_WORDS,
    COUNTRY_NOUNS,
    DEMONSTRATIVES,
    DISCOURSE_MARKERS,
    DOUBLE_QUOTES,
    EVENT_OR_ACT_NOUNS,
    NOMINAL_POS,
    NOUN_SUBJECT_DEPS,
    NUMERIC_LABELS,
    PERSON_PRONOUNS,
    PLURAL_NOUN_TAGS,
    PRONOUN_GENDER,
    QUOTE_MARKS,
    REFERRING_NOUNS,
    RELATION_NOUNS,
    THING_PRONOUNS,
    TITLE_NOUNS,
    VERB_POS,
)
from .sentences import quoted_tokens

_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,.;:!?%)\]”’])")
_SPACES = re.compile(r"\s+")


@dataclass
class RenderedClaim:
    """A claim's text, whether it still needs its context, and the tokens it was made of."""

    text: str
    needs_context: bool
    tokens: list[Token]


def render(atom: Atom, sentence: Span, entities: tuple[Span, ...], context: ArticleContext,
           open_quote: str | None = None) -> RenderedClaim:
    """The atom's text with pronouns, short names, "the country" and relative dates resolved.

    `open_quote` is the mark of a quotation opened in an earlier sentence: the claim reopens it."""
    quoted = quoted_tokens(sentence, open_quote)
    sequence = [*atom.lead, *atom.tokens, *atom.trailer]
    reopened = open_quote or ""
    if not sequence or any(token.text in QUOTE_MARKS for token in sentence.doc[sentence.start : sequence[0].i + 1]):
        reopened = ""
    inside = {token.i for token in sequence}
    replacements: dict[int, str] = {}
    dropped: set[int] = set()
    entity_at = {index: entity for entity in entities for index in range(entity.start, entity.end)}
    dropped.update(_discourse_marker(atom, sequence))
    # People the claim names before each pronoun: with two of one gender, "he" needs a rule to say who.
    people: list[str] = []
    titled: dict[int, str] = {}
    for token in sequence:
        if token.dep_ in NOUN_SUBJECT_DEPS and token.i not in quoted:
            person = _name_titled_subject(token, inside, context, replacements, dropped)
            if person is not None:
                titled[token.left_edge.i] = person
    named_so_far = False
    # Pronoun classes already replaced by a noun phrase: a second "their" means the same people.
    resolved: set[frozenset[str]] = set()
    needs_context = atom.needs_context
    replaced_names: set[str] = set()
    described_at, needs_context = _name_described_nouns(atom, sequence, quoted, context, replacements, needs_context)
    for position, token in enumerate(sequence):
        if token.i in titled:
            people.append(titled[token.i])
            named_so_far = True
        if token.i in described_at:
            named_so_far = True
        if token.i in replacements or token.i in dropped or token.i in atom.words:
            continue
        entity = entity_at.get(token.i)
        if entity is not None and entity.label_ == "DATE":
            absolute = absolute_date_text(entity, context.base)
            if absolute is None and any(_compared_elsewhere(word) for word in entity):
                needs_context = True  # "on the same day": as what
            if absolute is not None:
                # The words after the date follow its last token: "mid-April" ends with a space, "mid" not.
                replacements[entity.start] = absolute + (entity[-1].whitespace_ if not entity[0].whitespace_ else "")
                dropped.update(range(entity.start + 1, entity.end))
            continue
        if entity is not None or token.pos_ == "PROPN":
            mention = entity if entity is not None else lone_proper_noun(token)
            full = context.names.full_person_name(mention.text) if mention is not None else None
            person = full or (person_name(entity, context.names) if entity is not None else None)
            if person is not None and token.i not in quoted:
                people.append(person)
            if mention is not None and full and full not in replaced_names and full != mention.text.strip():
                replacements[mention.start] = possessive_of(full) if mention.text.endswith(("'s", "’s")) else full
                dropped.update(range(mention.start + 1, mention.end))
                replaced_names.add(full)
            # A name inside a quotation is the speaker's, not what a pronoun outside it refers to.
            named_so_far = named_so_far or token.i not in quoted and (
                entity is None or entity.label_ not in NUMERIC_LABELS)
            continue
        if token.i in quoted:
            continue
        lower = token.lower_
        group = pronoun_class(lower)
        possessive = token.tag_ == "PRP$" or lower in ("his", "its", "their", "hers", "theirs")
        if lower == "it" and (token.dep_ == "dobj" and token.head.lemma_ == "do" or _an_occasion(token)):
            # "the only person to have done it", "It was the second time that ...": an act or event the
            # article told of, not a thing it named.
            needs_context = True
        elif token.pos_ == "PRON" and group and not possessive and _only_its_own_subject_before(
                token, sequence[:position]):
            needs_context = True
        elif token.pos_ == "PRON" and group and named_so_far and not is_expletive(token):
            # A name comes before the pronoun in the claim; which one, or one outside it?
            referent_name = _named_referent(token, lower, people, sentence, quoted, inside, context)
            if referent_name is _AMBIGUOUS:
                needs_context = True
            elif referent_name is not None:
                replacements[token.i] = _inserted(referent_name, possessive)
                _spell_out_clitic(token, replacements)
        elif (token.pos_ == "PRON" and group and not is_expletive(token) and not named_so_far
                and group not in resolved):
            referent = antecedent(token, sentence, entities, quoted, inside, context)
            if referent is BOUND:
                resolved.add(group)
                continue
            if referent is None:
                needs_context = True
                continue
            replacements[token.i] = _inserted(referent.name, possessive)
            _spell_out_clitic(token, replacements)
            if referent.label == "NOUN":
                resolved.add(group)
                # "It is the northernmost ..." after "The system opened ...": "the system" is no better.
                words = referent.name.lower().split()
                if len(words) == 2 and words[0] == "the" and words[1] in EVENT_OR_ACT_NOUNS | REFERRING_NOUNS:
                    needs_context = True
            else:
                named_so_far = True
        elif lower in COUNTRY_NOUNS and token.text.islower() and token.i > 0 and token.doc[token.i - 1].lower_ == "the":
            # Lower case: "The Nation's reporter" names a magazine.
            country = country_named_before(token, sentence, entities, context)
            if country is None or token.dep_ == "compound":  # "the country name": not "Norway name"
                needs_context = True  # which country, only the article's context can say
            else:
                if not takes_the(country.name):  # "the country" → "the Netherlands", "Latvia"
                    replacements[token.i - 1] = ""
                replacements[token.i] = country.name
                named_so_far = True
        elif (counted := _counted_phrase(token)) is not None:
            # "The two countries will build ..." after "Latvia and Lithuania signed ...": those two.
            number, determiner, count = counted
            named_group = next((mention for mention in context.subject_mentions() if mention.label == "GROUP"
                                and len(mention.name.replace(" and ", ", ").split(", ")) == number), None)
            if named_group is None or determiner.i not in inside:
                needs_context = True
            else:
                replacements[determiner.i] = named_group.name
                dropped.update((count.i, token.i))
                named_so_far = True
        elif lower in DEMONSTRATIVES and token.dep_ in NOUN_SUBJECT_DEPS and position == 0:
            needs_context = True
        elif lower in ("there", "here", "then") and token.dep_ == "advmod" and position == 0:
            # "There she met Pierre Curie": where, or when, the sentence before said.
            needs_context = True
        elif lower in DEMONSTRATIVES and token.tag_ == "DT" and token.dep_ in ("dobj", "pobj") and not any(
                above.pos_ in VERB_POS and above.dep_ in ("advcl", "relcl", "acl") for above in token.ancestors):
            # "plans to raise that to 3 percent": raise what, the claim does not say.
            needs_context = True
        elif (lower in DEMONSTRATIVES or lower == "both") and token.dep_ in ("det", "predet") and (
                _in_main_clause(token.head)):
            # "for this work", "Both rivers are ...": which, the claim does not say.
            needs_context = True
        elif _compared_elsewhere(token):
            needs_context = True
        elif _is_bare(token, CONFLICT_NOUNS, "the") or _is_bare(token, RELATION_NOUNS, None):
            # "The war" and "relations" alone lean on the article: the war it placed, the parties it named.
            anchored = _anchored_noun(token, context)
            if anchored is None:
                needs_context = True
            else:
                replacements[token.i] = anchored
        elif (introduced := introduced_phrase(token, context)) is not None and _says_not_which(token, "the"):
            # "The reactor is due to open in 2031" after "a second reactor near Salaspils".
            if introduced is False:
                needs_context = True
            else:
                replacements[token.i] = introduced
        elif _is_bare(token, EVENT_OR_ACT_NOUNS, "the") or _is_bare(token, REFERRING_NOUNS, "the"):
            needs_context = True
    text = _join(atom, sequence, replacements, dropped, reopened)
    return RenderedClaim(text, needs_context, sequence)


def _name_titled_subject(head: Token, inside: set[int], context: ArticleContext, replacements: dict[int, str],
                         dropped: set[int]) -> str | None:
    """"The Russian president told ..." as "Vladimir Putin told ...", where the article ties the title
    to one person; that person, or None."""
    person = titled_person(head, context.names)
    phrase = [token for token in head.subtree if token.i <= head.i]
    if person is None or not all(token.i in inside for token in phrase):
        return None
    replacements[phrase[0].i] = person
    dropped.update(token.i for token in phrase[1:])
    return person


def _name_described_nouns(atom: Atom, sequence: list[Token], quoted: set[int], context: ArticleContext,
                          replacements: dict[int, str], needs_context: bool) -> tuple[set[int], bool]:
    """"The restaurant offers ..." as "Geranium offers ...", where the article tied the noun to that
    one name; a claim whose "the restaurant" the article tied to several needs its context. The
    replaced nouns' positions, and whether the claim needs its context."""
    written = " ".join(atom.words.get(token.i, token.text) for token in sequence).lower()
    at: set[int] = set()
    for token in sequence:
        if token.i in quoted or token.i in replacements:
            continue
        name = described_name(token, context)
        if name is False:
            needs_context = True
        elif name and name.lower() not in written:
            # Keep what the atom wrote after the noun: "the restaurant's" → "Geranium's".
            replacements[token.i - 1] = ""
            replacements[token.i] = name + atom.words.get(token.i, token.text)[len(token.text):]
            written += " " + name.lower()
            at.add(token.i)
    return at, needs_context


def _discourse_marker(atom: Atom, sequence: list[Token]) -> list[int]:
    """"But" of "But the war ..." and "However," of "However, there were ...": the link to the
    sentence before says nothing of the claim's own."""
    if atom.lead or len(sequence) < 3:
        return []
    first, second = sequence[0], sequence[1]
    if first.i != first.sent.start or first.lower_ not in DISCOURSE_MARKERS or first.dep_ not in ("cc", "advmod") or (
            first.head.dep_ != "ROOT"):
        return []
    if second.text == ",":
        return [first.i, second.i]
    return [first.i] if first.lower_ in BARE_DISCOURSE_MARKERS else []


# A pronoun whose referent the claim cannot tell: two people of its gender named before it, no rule.
_AMBIGUOUS = "\0ambiguous"


def _named_referent(token: Token, lower: str, people: list[str], sentence: Span, quoted: set[int],
                    inside: set[int], context: ArticleContext) -> str | None:
    """A pronoun after a name in the claim: None when it refers to something the claim names (as it
    is, it reads right), the name to write when the referent is outside the claim, `_AMBIGUOUS` when
    two people of its gender precede it and the reporting frame does not say which, or when nothing
    before it in the claim could be what it stands for."""
    if lower in PERSON_PRONOUNS:
        gender = PRONOUN_GENDER[lower]
        agreeing = {person for person in people if context.genders.get(person, gender) == gender}
        if len(agreeing) < 2:
            return None
        role = reported_person(token, context.names)
        if role is None:
            return _AMBIGUOUS
        name, is_speaker = role
        return None if is_speaker else name
    if lower in THING_PRONOUNS:
        nearest = nearest_thing(token, sentence, quoted, context.names)
        if nearest is UNNAMED:
            nearest = None
        if nearest is None and not _nominal_before(token, sentence, inside):
            return _AMBIGUOUS  # "Urmas Klaas said it would carry ...": no one named is an "it"
        if nearest is None or nearest[0] in inside:
            return None
        index, phrase = nearest
        head = token.doc[index]
        if _is_bare(head, CONFLICT_NOUNS, "the"):
            anchored = _anchored_noun(head, context)
            return f"the {anchored}" if anchored else _AMBIGUOUS
        return phrase
    if not _nominal_before(token, sentence, inside, plural=True):
        return _AMBIGUOUS  # "In Tallinn they rose by 6 percent": what rose, the claim does not say
    return None


def _nominal_before(pronoun: Token, sentence: Span, inside: set[int], *, plural: bool = False) -> bool:
    """Whether the claim has something before `pronoun` it could stand for, other than a phrase set
    on the pronoun's own verb ("In Tartu it fell"): a singular noun or a name that is no person, no
    title and no modifier of another noun ("Critics, including opposition MP X, said it ..." has
    none); with `plural`, a plural noun or any name ("Jaan Tamm and Mari Kask said they ...")."""
    def could_be(other: Token) -> bool:
        if plural:
            return other.pos_ == "PROPN" or other.pos_ == "NOUN" and other.tag_ in PLURAL_NOUN_TAGS
        return (other.pos_ in NOMINAL_POS and other.ent_type_ != "PERSON" and other.lower_ not in TITLE_NOUNS
                and other.tag_ not in PLURAL_NOUN_TAGS and other.dep_ != "compound")

    return any(other.i in inside and could_be(other) and not frames_its_clause(other, pronoun)
               for other in sentence[: pronoun.i - sentence.start])


def _only_its_own_subject_before(pronoun: Token, before: list[Token]) -> bool:
    """"The Centre Party voted against it", "Romania and Kazakhstan accounted for half of them": an
    object pronoun (not "itself") cannot stand for the subject of its own clause, so when that
    subject is all the claim names before it that it could agree with, it stands for something
    outside the claim."""
    if pronoun.dep_ not in ("dobj", "pobj", "dative"):
        return False
    verb = _governing_verb(pronoun)
    subject = next((child for child in verb.children if child.dep_ in NOUN_SUBJECT_DEPS), None)
    if subject is None:
        return False
    plural = pronoun.lower_ in ("them", "they")
    containing = {ancestor.i for ancestor in pronoun.ancestors}
    candidates = [token for token in before if token.i not in containing and (
        token.pos_ == "PROPN" or token.pos_ == "NOUN" and (token.tag_ in PLURAL_NOUN_TAGS) == plural)]
    own = {token.i for token in subject.subtree}
    return bool(candidates) and all(token.i in own for token in candidates)


def _in_main_clause(noun: Token) -> bool:
    """Whether `noun` belongs to the clause of its sentence's main verb (or a verb joined to it),
    not to a subordinate one, whose "this" may point back inside the claim ("..., although some
    dispute this figure")."""
    return _governing_verb(noun).dep_ in ("ROOT", "conj")


def _governing_verb(token: Token) -> Token:
    """The nearest verb above `token` in the parse (or the root, when none is)."""
    verb = token.head
    while verb.pos_ not in ("VERB", "AUX") and verb.head != verb:
        verb = verb.head
    return verb


def _compared_elsewhere(token: Token) -> bool:
    """"a similar project", "on the same day": like which, or the same as what, the claim does not say
    ("similar to ...", "the same day as ..." say it themselves; "similar laws" may compare its own parts)."""
    noun = token.head
    if token.dep_ != "amod" or noun.tag_ != "NN" or any(
            child.lower_ in ("to", "as") for child in [*token.children, *noun.children]):
        return False
    article = next((child.lower_ for child in noun.children if child.dep_ == "det"), None)
    return token.lower_ == "similar" and article in ("a", "an") or token.lower_ == "same" and article == "the"


def _counted_phrase(token: Token) -> tuple[int, Token, Token] | None:
    """"the two countries" with nothing else that says which: (2, "the", "two"); else None."""
    if token.pos_ != "NOUN" or token.tag_ not in PLURAL_NOUN_TAGS:
        return None
    children = [child for child in token.children if child.dep_ != "punct"]
    if [child.dep_ for child in children] != ["det", "nummod"] or children[0].lower_ != "the" or (
            children[1].lower_ not in COUNT_WORDS):
        return None
    return COUNT_WORDS[children[1].lower_], children[0], children[1]


def _is_bare(token: Token, nouns: frozenset[str], determiner: str | None) -> bool:
    """"the war" or "relations" with nothing that says which: no modifier, no "in ..." or "between ..."."""
    return token.lower_ in nouns and token.pos_ == "NOUN" and _says_not_which(token, determiner)


def _says_not_which(token: Token, determiner: str | None) -> bool:
    """The noun has `determiner` and nothing else that says which one (see `_is_bare`)."""
    children = list(token.children)
    if determiner is None:
        # "diplomatic relations" still leave open between whom.
        return all(child.dep_ == "amod" for child in children)
    # "the strike's impact" no more says which strike, nor "the system, which opened in 1982, ...".
    return [child.lower_ for child in children if child.dep_ not in ("case", "punct") and not (
        child.dep_ in ("relcl", "acl") and child.left_edge.i > 0 and child.doc[child.left_edge.i - 1].text == ",")
            ] == [determiner]


def _anchored_noun(token: Token, context: ArticleContext) -> str | None:
    """"war" as "war in Ukraine", "relations" as "relations between Moscow and New Delhi"."""
    if token.lower_ in RELATION_NOUNS:
        return f"{token.text} {context.relation_parties}" if context.relation_parties else None
    if context.conflict_place is None:
        return None
    preposition = "of" if token.lemma_ == "invasion" else "in"
    return f"{token.text} {preposition} {context.conflict_place}"


_CLITICS = {("be", "VBZ"): "is", ("be", "VBP"): "are", ("be", "VBD"): "was", ("have", "VBZ"): "has",
            ("have", "VBP"): "have", ("have", "VBD"): "had", ("will", "MD"): "will", ("would", "MD"): "would"}


def _clitic_in_full(token: Token) -> str | None:
    """"is" for the "'s" of "who's", when a split leaves it first after a borrowed subject."""
    if not token.text.startswith(("'", "’")) or token.pos_ not in ("AUX", "VERB"):
        return None
    return _CLITICS.get((token.lemma_, token.tag_))


def _an_occasion(token: Token) -> bool:
    """"It" as the subject of "was the second time", "will be her first trip": the event told before."""
    return token.dep_ in NOUN_SUBJECT_DEPS and token.head.lemma_ == "be" and any(
        child.dep_ == "attr" and (child.lemma_ in ("time", "occasion") or child.lower_ in EVENT_OR_ACT_NOUNS)
        for child in token.head.children)


def _spell_out_clitic(pronoun: Token, replacements: dict[int, str]) -> None:
    """"he's right" with a name for "he": "Jaan Saar is right", not "Jaan Saar's right"."""
    following = pronoun.nbor() if pronoun.i + 1 < len(pronoun.doc) else None
    if following is not None and following.i not in replacements and (full := _clitic_in_full(following)):
        replacements[following.i] = " " + full


def _inserted(name: str, possessive: bool) -> str:
    """A name standing in for a pronoun: "Today the Eiffel Tower attracts ...", its "The" in lower
    case as anywhere but first (`_join` capitalises a claim's first word)."""
    if name.startswith("The "):
        name = "the" + name[3:]
    return possessive_of(name) if possessive else name


def _join(atom: Atom, sequence: list[Token], replacements: dict[int, str], dropped: set[int], opening: str) -> str:
    pieces: list[str] = [atom.prefix + " "] if atom.prefix else []
    lead_end = len(atom.lead)
    trailer_start = len(atom.lead) + len(atom.tokens)
    for position, token in enumerate(sequence):
        if position == lead_end and atom.link:
            pieces.append(" " + atom.link + " ")
        if position == trailer_start and atom.trailer:
            pieces.append(", ")
        if token.i in dropped:
            continue
        word = replacements.get(token.i, atom.words.get(token.i, token.text))
        # A sentence's first word moved inside a claim loses its capital; a name put in for a
        # pronoun there ("He said" → "..., Martins Kazaks said") keeps its own.
        own_word = token.i not in replacements and token.pos_ != "PROPN"
        if position == 0 and atom.prefix and token.i == token.sent.start and own_word:
            word = word[:1].lower() + word[1:]
        if position == lead_end and atom.lead and token.i == token.sent.start and own_word:
            word = word[:1].lower() + word[1:]
        # A reporting frame moved behind its proposition loses the capital of a sentence start.
        if position == trailer_start and own_word and token.text != "I":
            word = word[:1].lower() + word[1:]
        if position == lead_end and atom.lead and (full := _clitic_in_full(token)):
            # "Kim Schrier, who's running": "Kim Schrier is running", not "Kim Schrier 's running".
            word = full
            if pieces and not pieces[-1].endswith(" "):
                pieces[-1] += " "
        following = sequence[position + 1] if position + 1 < len(sequence) else None
        adjacent = following is not None and following.i == token.i + 1
        pieces.append(word + (token.whitespace_ if adjacent else " "))
    text = _SPACES.sub(" ", "".join(pieces)).strip()
    text = _SPACE_BEFORE_PUNCT.sub(r"\1", text)
    if not text:
        return text
    text = opening + text[0].upper() + text[1:]
    closing = ""
    # Marks of mixed styles pair up too: a page may open with " and close with ”.
    if sum(text.count(mark) for mark in DOUBLE_QUOTES) % 2:
        opened = max(text.rfind('"'), text.rfind("“"))
        closing = "”" if opened >= 0 and text[opened] == "“" else '"'
    if closing and text.endswith((".", "!", "?")):
        return text[:-1] + (text[-1] + closing)
    if not text.rstrip("\"'”’)»").endswith((".", "!", "?", "…")):
        text += "."
    return text + closing
