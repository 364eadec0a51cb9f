"""Coreference: what a pronoun, a short name or "the country" stands for, from the article so far."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Container
from dataclasses import dataclass, field
from typing import Literal

from spacy.tokens import Span, Token

from .entities import CanonicalNames, is_country, person_name, titled_person
from .lexicon import (
    CONFLICT_NOUNS,
    DEMONSTRATIVES,
    EXPLETIVE_IT_VERBS,
    GROUP_LABELS,
    GROUP_PRONOUNS,
    NAME_LABELS,
    NOUN_SUBJECT_DEPS,
    PASSIVE_EXPLETIVE_IT_VERBS,
    PERSON_PRONOUNS,
    PLURAL_NOUN_TAGS,
    PRONOUN_GENDER,
    RAISING_ADJECTIVES,
    RELATION_NOUNS,
    REPORTING_VERBS,
    SUBJECT_PHRASE_DEPS,
    THING_LABELS,
    THING_PRONOUNS,
    TITLE_NOUNS,
    TOPIC_PRONOUNS,
)

# Two sentences back: "The car is new. Its pillars give it a sleek side. It has LED lights."
_SUBJECT_WINDOW = 2


@dataclass
class Mention:
    """Something the article named, as a pronoun standing for it is rewritten: "Narendra Modi"."""

    name: str
    label: str
    plural: bool = False


@dataclass
class ArticleContext:
    """What the article has named so far, most recent last, for pronouns in later sentences."""

    names: CanonicalNames
    base: datetime.datetime | None
    # "m" or "f" by person name, where the article says (`person_genders`).
    genders: dict[str, str] = field(default_factory=dict)
    mentions: list[Mention] = field(default_factory=list)
    # The subjects of the last sentences, most recent last: where "it", "they", "he" and "she" look
    # after their own sentence. A reported sentence gives what is said's subject, then the speaker.
    recent_subjects: list[list[Mention]] = field(default_factory=list)
    # The things each of those sentences named as an argument (places, organisations), in step with
    # `recent_subjects`.
    recent_things: list[list[Mention]] = field(default_factory=list)
    # Where the article's war is ("Ukraine" of "its military offensive in Ukraine"), for a later "the war".
    conflict_place: str | None = None
    # Between whom the last "relations" were ("between Moscow and New Delhi"), for a later bare "relations".
    relation_parties: str | None = None
    # What a common noun stands for where the article tied it to one name ("Geranium is a
    # restaurant"), for a later "the restaurant"; None once two names were tied to it.
    described: dict[str, str | None] = field(default_factory=dict)
    # What an indefinite phrase brought in ("a second reactor near Salaspils"), by its noun, for a later
    # bare "the reactor"; None once two phrases brought the noun in, or one that names nothing.
    introduced: dict[str, str | None] = field(default_factory=dict)
    # The last sentence's plural nouns other than its subjects ("would deploy 120 extra officers"),
    # and the pronoun it opened with (its subjects are then not the latest of `recent_subjects`).
    last_objects: list[Mention] = field(default_factory=list)
    last_pronoun: Mention | None = None
    # The people the latest sentence that named anyone named: with two of one gender there, a
    # pronoun no subject settles could be either.
    last_people: list[str] = field(default_factory=list)

    def remember(self, sentence: Span, entities: tuple[Span, ...]) -> None:
        named = sentence_mentions(sentence, entities, self.names)
        self.mentions += named
        del self.mentions[:-50]
        people = list(dict.fromkeys(mention.name for mention in named if mention.label == "PERSON"))
        self.last_people = people or self.last_people
        self.conflict_place = conflict_place(sentence, entities, self.names) or self.conflict_place
        self.relation_parties = relation_parties(sentence) or self.relation_parties
        ties = described_names(sentence, entities, self.names)
        for noun, name in [*ties, *named_kinds(sentence, entities, self.names)]:
            _tie(self.described, noun, name)
        for noun in another_of_a_kind(sentence, {noun for noun, _name in ties}) & self.described.keys():
            self.described[noun] = None
        for noun, phrase in introduced_nouns(sentence):
            _tie(self.introduced, noun, phrase)
        self.last_objects = [Mention(token.text, "NOUN", plural=True) for token in sentence if token.pos_ == "NOUN"
                             and token.tag_ in PLURAL_NOUN_TAGS and token.dep_ not in NOUN_SUBJECT_DEPS]
        # "... passed the budget. It cuts spending ...": the budget as likely as the parliament (a name
        # as object is not: "The Commission fined Volkswagen ... . It said ...").
        self.last_objects += [Mention(found[1], "NOUN") for token in sentence if token.dep_ == "dobj"
                              and not token.ent_type_
                              and (found := _thing_at(token, self.names, ("dobj",))) not in (None, UNNAMED)]
        self.last_pronoun = None
        subjects = _subjects(sentence)
        # "A teacher then a lawyer, he was elected ...": a description set before the subject is none.
        lead = next((subject for subject in subjects if not any(
            child.dep_ == "det" and child.lower_ in ("a", "an") for child in subject.children)), None)
        pronoun = None if lead is None else TOPIC_PRONOUNS.get(lead.lower_) or next(
            (TOPIC_PRONOUNS[child.lower_] for child in lead.children
             if child.dep_ == "poss" and child.lower_ in TOPIC_PRONOUNS), None)
        if lead is not None and pronoun is not None and not is_expletive(lead):
            # "The ferry ... . It sails ... . Its crew ...": the topic goes on through the pronouns.
            self.last_pronoun = Mention(pronoun, "NOUN", plural=pronoun == "they")
            return
        mentions = (self._described_mention(subject) or _subject_mention(subject, entities, self.names)
                    for subject in subjects)
        self.recent_subjects.append([mention for mention in mentions if mention is not None])
        # Not a place an adjunct names ("praised its crew in Helsinki"): what the sentence is about.
        arguments = tuple(entity for entity in entities if entity.root.dep_ != "pobj")
        self.recent_things.append([mention for mention in sentence_mentions(sentence, arguments, self.names)
                                   if mention.label in THING_LABELS])
        del self.recent_subjects[:-_SUBJECT_WINDOW]
        del self.recent_things[:-_SUBJECT_WINDOW]

    def _described_mention(self, subject: Token) -> Mention | None:
        """"The bakery" as the topic a later "its" stands for, named: the name the article tied it to."""
        name = described_name(subject, self)
        return Mention(name, "NOUN") if name else None

    def subject_mentions(self) -> list[Mention]:
        """The recent subjects, the latest sentence's first."""
        return [mention for subjects in reversed(self.recent_subjects) for mention in subjects]

    def topic(self, agrees: Callable[[Mention], bool]) -> Mention | None:
        """The latest recent subject that a pronoun agreeing by `agrees` can stand for: of a
        reported sentence, what was said's subject when it is a name; None when it is only a
        common noun and the speaker could be meant too ("The company said demand had doubled.
        Its shares rose": the company's or demand's, only a reader knows)."""
        continued = self.last_pronoun is not None and agrees(self.last_pronoun)
        passed: list[Mention] = []  # what the later sentences named that could be meant instead
        for age, (subjects, things) in enumerate(zip(reversed(self.recent_subjects), reversed(self.recent_things))):
            agreeing = [mention for mention in subjects if agrees(mention)]
            if agreeing and any(agrees(thing) and thing.name != agreeing[0].name for thing in passed):
                # "The port ... . The Southern Poverty Law Center tracks ... . It was founded in 1971": the
                # centre, whatever the parse made its subject, as likely as the port.
                return None
            passed += things
            if len({mention.name for mention in agreeing}) > 1 and agreeing[0].label == "NOUN":
                return None
            singular_object = age == 0 and agreeing and not agreeing[0].plural and any(
                not mention.plural and agrees(mention) and mention.name != agreeing[0].name
                for mention in self.last_objects)
            if singular_object or agreeing and (age > 0 or self.last_pronoun is not None) and not continued and any(
                    map(agrees, self.last_objects)):
                # "... would deploy 120 extra officers. It did not say where they would come from": the
                # officers, most likely, not the subject of a sentence before ("They seized two towns.
                # They ...": the topic goes on).
                return None
            if agreeing:
                return agreeing[0]
        return None


def _tie(table: dict[str, str | None], noun: str, value: str | None) -> None:
    """`noun` tied to `value`, or to None (no one thing) once the article tied it to another."""
    table[noun] = value if table.get(noun, value) == value else None


def conflict_place(sentence: Span, entities: tuple[Span, ...], names: CanonicalNames) -> str | None:
    """The country a war of `sentence` is in: "an offensive in Ukraine", "the Ukraine war", "the invasion
    of Ukraine"."""
    places = {index: entity for entity in entities for index in range(entity.start, entity.end)
              if names.label(entity.text, entity.label_) == "GPE"}
    for token in sentence:
        if token.lemma_ not in CONFLICT_NOUNS or token.pos_ != "NOUN":
            continue
        # "launched its offensive in Ukraine": the place may hang on the verb.
        verb_children = list(token.head.children) if token.dep_ in ("dobj", "nsubj", "nsubjpass") else []
        for child in [*token.children, *verb_children]:
            heads = [grandchild for grandchild in child.children if grandchild.dep_ == "pobj"] if (
                child.dep_ == "prep" and child.lower_ in ("in", "on", "against", "of")) else [child] if (
                child.dep_ == "compound") else []
            place = next((places[head.i] for head in heads if head.i in places), None)
            if place is not None:
                return names.canonical(place.text)
    return None


def relation_parties(sentence: Span) -> str | None:
    """"between Moscow and New Delhi" of "relations between Moscow and New Delhi"."""
    for token in sentence:
        if token.lower_ in RELATION_NOUNS:
            parties = next((child for child in token.children if child.dep_ == "prep" and child.lower_ in (
                "between", "with")), None)
            if parties is not None and any(grandchild.dep_ == "pobj" for grandchild in parties.children):
                return sentence.doc[parties.i : parties.right_edge.i + 1].text
    return None


def described_names(sentence: Span, entities: tuple[Span, ...], names: CanonicalNames) -> list[tuple[str, str]]:
    """(noun, name) for each name the sentence says a common noun of: "Geranium is a restaurant",
    "The most expensive restaurant in Copenhagen is Geranium", "Geranium, a restaurant, ..."."""
    named = {index: entity for entity in entities if entity.label_ in NAME_LABELS
             for index in range(entity.start, entity.end)}
    ties = []
    for token in sentence:
        if token.lemma_ == "be":
            sides = [child for child in token.children if child.dep_ in ("nsubj", "attr")]
            pairs = [tuple(sides)] if len(sides) == 2 else []
        elif token.dep_ == "appos":
            pairs = [(token.head, token)]
        else:
            continue
        for first, second in pairs:
            for noun, name in ((first, second), (second, first)):
                if noun.pos_ != "NOUN" or noun.tag_ != "NN" or noun.i in named or noun.lemma_ in TITLE_NOUNS:
                    continue
                text = _name_text(name, named)
                if text is not None:
                    ties.append((noun.lemma_.lower(), names.canonical(text)))
    return ties


# Words in a name a noun is tied to ("Geranium", "Tartu Ülikooli Kliinikum").
_LONGEST_NAME = 6


def _name_text(token: Token, named: dict[int, Span]) -> str | None:
    """The name `token` heads: its entity, or a proper noun the model gave no entity."""
    entity = named.get(token.i)
    if entity is not None:
        return entity.text if entity.label_ not in ("NORP", "LANGUAGE") else None
    if token.pos_ != "PROPN":
        return None
    start = _name_start(token, with_the=True)
    return None if start is None else token.doc[start : token.i + 1].text


def _name_start(token: Token, *, with_the: bool, taken: Container[int] = ()) -> int | None:
    """Where the name that ends at `token` starts: the capitalised words written before it that hang
    from it, across hyphens ("the Spanish-American War"; "The Last Harbour" `with_the`). None past
    _LONGEST_NAME words: a run of capitals, not a name. `taken`: words of another name."""
    deps = ("compound", "amod", "nmod", "det") if with_the else ("compound", "amod", "nmod")
    start = token.i
    while start > token.sent.start:
        before = token.doc[start - 1]
        if before.i in taken or token not in before.ancestors or not (
                before.tag_ == "HYPH" or before.is_title and before.dep_ in deps):
            break
        start -= 1
        if token.i - start >= _LONGEST_NAME:
            return None
    return start + 1 if token.doc[start].tag_ == "HYPH" else start


# Names whose last word says what kind of thing they name ("Great Barrier Reef", "Danske Bank"); not
# places that are countries or cities, whose "the state" or "the city" may mean another one.
_KIND_NAMED_LABELS = frozenset({"ORG", "FAC", "LOC"})


def named_kinds(sentence: Span, entities: tuple[Span, ...], names: CanonicalNames) -> list[tuple[str, str]]:
    """(noun, name) for each name that ends in a word for its kind: ("reef", "the Great Barrier Reef"),
    for a later bare "the reef". A name is an organisation's or a place's that is no country or city,
    or proper nouns the model gave no entity; with "the" where the article wrote it before the name."""
    spans = [entity for entity in entities if entity.label_ in _KIND_NAMED_LABELS]
    labelled = {index for entity in entities for index in range(entity.start, entity.end)}
    for token in sentence:
        if token.pos_ == "PROPN" and token.dep_ != "compound" and token.i not in labelled and (
                start := _name_start(token, with_the=False, taken=labelled)) is not None:
            spans.append(sentence.doc[start : token.i + 1])
    found = []
    for span in spans:
        last = span[-1]
        if len(span) < 2 or not last.is_alpha or not last.is_title:
            continue
        name = names.canonical(span.text)
        article = span.start > 0 and span.doc[span.start - 1].lower_ == "the" or span[0].lower_ == "the"
        if article and not name.lower().startswith("the "):
            name = "the " + name
        found.append((last.lower_, name))
    return found


def another_of_a_kind(sentence: Span, tied: set[str]) -> set[str]:
    """Nouns the sentence mentions one more of ("a restaurant", "another restaurant") without tying
    it to a name: a later "the restaurant" may mean that one."""
    return {token.lemma_.lower() for token in sentence if token.pos_ == "NOUN" and token.tag_ == "NN" and any(
        child.dep_ == "det" and child.lower_ in ("a", "an", "another") for child in token.children)} - tied


def described_name(token: Token, context: ArticleContext) -> str | Literal[False] | None:
    """The name a bare "the <noun>" stands for where the article tied the noun to one name;
    False when it tied it to several (the claim cannot say which), None when it did not."""
    if not _the_noun(token):
        return None
    if any(child.dep_ not in ("det", "case") for child in token.children):
        return None  # "the new restaurant", "the restaurant in Aarhus": it says which itself
    key = token.lemma_.lower()
    if key not in context.described:
        return None
    return context.described[key] or False


# Words that make an indefinite phrase point elsewhere itself: "a similar project", "another bridge".
_POINTING_ELSEWHERE = frozenset({"similar", "such", "other", "another", "same"})
# Prepositions whose phrase after a noun says which one it is: "a reactor near Salaspils".
_LOCATING_PREPOSITIONS = frozenset({"of", "in", "near", "at", "on", "from", "for", "between", "outside"})
# Longest phrase put in for a later "the <noun>".
_LONGEST_INTRODUCTION = 9


def introduced_nouns(sentence: Span) -> list[tuple[str, str | None]]:
    """(noun, phrase) for each singular noun an indefinite article brings in: "a second nuclear research
    reactor near Salaspils" gives ("reactor", "second nuclear research reactor near Salaspils"); the
    phrase is None when it names nothing (no name in it), is long, or points elsewhere itself."""
    found: list[tuple[str, str | None]] = []
    for token in sentence:
        det = next((child for child in token.children if child.dep_ == "det"), None)
        if token.pos_ != "NOUN" or token.tag_ != "NN" or det is None or det.lower_ not in ("a", "an") or (
                token.ent_type_ or token.dep_ in ("attr", "appos", "npadvmod") or token.lower_ in TITLE_NOUNS):
            continue
        parts = [child for child in token.children if child.i < token.i and child.dep_ in SUBJECT_PHRASE_DEPS or (
            child.i > token.i and child.dep_ == "prep" and child.lower_ in _LOCATING_PREPOSITIONS)]
        tokens = sorted({token, *(item for part in parts for item in part.subtree)}, key=lambda item: item.i)
        contiguous = tokens[-1].i - tokens[0].i + 1 == len(tokens)
        named = any(item.pos_ == "PROPN" or item.ent_type_ in NAME_LABELS for item in tokens)
        if not contiguous or not named or len(tokens) > _LONGEST_INTRODUCTION or tokens[0] != det or any(
                item.lower_ in _POINTING_ELSEWHERE or item.pos_ == "PRON" for item in tokens):
            found.append((token.lower_, None))
            continue
        found.append((token.lower_, sentence.doc[tokens[1].i : tokens[-1].i + 1].text))
    return found


def introduced_phrase(token: Token, context: ArticleContext) -> str | Literal[False] | None:
    """What a bare "the <noun>" stands for where an earlier sentence brought the noun in with "a":
    "second nuclear research reactor near Salaspils"; False when the article does not say which,
    None when it brought no such noun in."""
    if not _the_noun(token):
        return None
    if token.lower_ not in context.introduced or token.lemma_.lower() in context.described:
        return None
    phrase = context.introduced[token.lower_]
    if phrase is None or any(child.dep_ == "case" for child in token.children):
        # "the reactor's cost" would read "the ... reactor near Salaspils's cost".
        return False
    return phrase


def _the_noun(token: Token) -> bool:
    """"the <noun>" with the noun at its head: not "the fairy tale", whose "fairy" is no fairy named."""
    return token.pos_ == "NOUN" and token.tag_ == "NN" and token.dep_ != "compound" and token.i > 0 and (
        token.doc[token.i - 1].lower_ == "the")


def sentence_mentions(sentence: Span, entities: tuple[Span, ...], names: CanonicalNames) -> list[Mention]:
    mentions = []
    for entity in entities:
        person = person_name(entity, names)
        if person:
            mentions.append(Mention(person, "PERSON"))
        elif entity.label_ in THING_LABELS or entity.label_ == "NORP":
            mentions.append(Mention(names.canonical(entity.text), entity.label_))
    return mentions


def _subjects(sentence: Span) -> list[Token]:
    verb = sentence.root
    subjects = [token for token in verb.children if token.dep_ in NOUN_SUBJECT_DEPS]
    content = next((child for child in verb.children if child.dep_ == "ccomp"), None)
    if verb.lemma_ in REPORTING_VERBS and content is not None:
        # "X will visit Y, the ministry said": the next sentence goes on about X, or else the ministry.
        subjects[:0] = [token for token in content.children if token.dep_ in NOUN_SUBJECT_DEPS]
    return subjects


def _subject_mention(subject: Token, entities: tuple[Span, ...], names: CanonicalNames) -> Mention | None:
    """What a later "it", "they" or "he" may stand for: the subject's name or core noun phrase."""
    conjuncts = [subject, *subject.conjuncts]
    if len(conjuncts) == 1:
        return _head_mention(subject, entities, names)
    # "Modi and Putin will meet ... . They will discuss ...": both, as one group.
    found = [_head_mention(conjunct, entities, names) for conjunct in sorted(conjuncts, key=lambda token: token.i)]
    parts = [part for part in found if part is not None]
    if len(found) > 3 or len(parts) < len(found) or len({part.name for part in parts}) < len(parts) or (
            not any(child.lower_ == "and" for conjunct in conjuncts for child in conjunct.children)):
        return None
    named = all(part.label != "NOUN" for part in parts)
    return Mention(", ".join(part.name for part in parts[:-1]) + " and " + parts[-1].name,
                   "GROUP" if named else "NOUN", plural=True)


def _head_mention(subject: Token, entities: tuple[Span, ...], names: CanonicalNames) -> Mention | None:
    if subject.pos_ == "PRON":
        return None
    for entity in entities:
        if entity.start <= subject.i < entity.end:
            person = person_name(entity, names)
            if person:
                return Mention(person, "PERSON")
            return Mention(names.canonical(entity.text), "OTHER" if entity.label_ == "PERSON" else entity.label_)
    if subject.pos_ not in ("NOUN", "PROPN"):
        return None
    for apposition in (child for child in subject.children if child.dep_ == "appos"):
        # "A district official, Michael Houser, said ...": the person the noun is.
        named = _head_mention(apposition, entities, names)
        if named is not None and named.label == "PERSON":
            return named
    # The noun phrase without its clauses: "the new coronavirus", "Russian exporters".
    # A compound of a compound stays: "The Great Barrier Reef", not "the Barrier Reef".
    kept = {subject.i}
    for token in reversed([token for token in subject.subtree if token.i < subject.i]):
        if token.dep_ in SUBJECT_PHRASE_DEPS and (token.head == subject or token.head.i in kept and (
                token.dep_ == "compound" or token.head.dep_ == "compound")):
            kept.add(token.i)
    if subject.pos_ == "PROPN":
        # "The Treaty of Westphalia": a name's "of" and the name after it are part of it.
        kept.update(token.i for token in _of_a_name(subject))
    phrase = [token for token in subject.subtree if token.i in kept]
    # An owner is named whole, with its "'s": "Great Britain's affliction", not "Britain affliction".
    owners = [token for token in phrase if token.dep_ == "poss" and token.pos_ != "PRON"]
    phrase = sorted({*phrase, *(token for owner in owners for token in owner.subtree)}, key=lambda token: token.i)
    if not 1 <= len(phrase) <= 6 or phrase[0].lower_ in DEMONSTRATIVES | {"some", "many", "all", "most"}:
        return None
    if any(token.pos_ == "PRON" for token in phrase):
        # "his regime" would carry its own unresolved pronoun into the next claim.
        return None
    words = [token.text for token in phrase]
    first = phrase[0]
    # "Dock workers" opening a sentence: a capital the position gave a common word, not a name
    # (no entity, modifying a common noun).
    unnamed_modifier = first.pos_ == "PROPN" and not first.ent_type_ and first.dep_ == "compound" and (
        first.head.pos_ == "NOUN")
    if first.pos_ == "DET" or first.is_sent_start and (first.pos_ != "PROPN" or unnamed_modifier):
        words[0] = words[0].lower()
    text = "".join(word + (token.whitespace_ if following is not None and following.i == token.i + 1 else " ")
                   for word, token, following in zip(words, phrase, [*phrase[1:], None])).strip()
    return Mention(text, "NOUN", plural=subject.tag_ in PLURAL_NOUN_TAGS)


def is_expletive(token: Token) -> bool:
    """"It is not known if ...", "it would be unprecedented to ...": an "it" that refers to nothing."""
    if token.lower_ != "it" or token.dep_ not in ("nsubj", "nsubjpass", "expl"):
        return token.dep_ == "expl"
    verb = token.head
    if verb.lemma_ == "come" and any(child.lower_ == "to" for child in verb.children):
        return True  # "when it comes to"
    if verb.lemma_ not in EXPLETIVE_IT_VERBS:
        return False
    if verb.lemma_ in PASSIVE_EXPLETIVE_IT_VERBS:
        # "It is said that ..." refers to nothing; "It said ..." and "It is expected to reopen" do.
        passive = token.dep_ == "nsubjpass" or any(child.dep_ == "auxpass" for child in verb.children)
        return passive and any(child.dep_ == "ccomp" and child.i > verb.i for child in verb.children)
    # The clause may hang on the verb or on its complement ("it is [fair] to say", "it is no [mystery] that").
    heads = [verb, *(child for child in verb.children if child.dep_ in ("acomp", "attr", "oprd"))]
    return any(_extraposed(child) and not (head.lower_ in RAISING_ADJECTIVES and child.dep_ == "xcomp")
               for head in heads for child in head.children if child.i > verb.i)


def _extraposed(child: Token) -> bool:
    if child.dep_ in ("ccomp", "xcomp", "csubj"):
        return True
    # "it is as if ...", "it's not as though ...", "it is unclear whether ...", "it looks like ...".
    return child.dep_ == "advcl" and any(grandchild.lower_ in ("if", "whether", "to", "though") or (
        grandchild.lower_ == "like" and grandchild.dep_ == "mark") for grandchild in child.children)


def lone_proper_noun(token: Token) -> Span | None:
    """An untagged one-word name ("Ortúzar"), not a part of a longer one."""
    doc = token.doc
    neighbours = [doc[index] for index in (token.i - 1, token.i + 1) if 0 <= index < len(doc)]
    if any(neighbour.pos_ == "PROPN" for neighbour in neighbours):
        return None
    return doc[token.i : token.i + 1]


def pronoun_class(lower: str) -> frozenset[str] | None:
    """The pronouns `lower` agrees with (person, thing or group); None for any other word."""
    return next((group for group in (PERSON_PRONOUNS, THING_PRONOUNS, GROUP_PRONOUNS) if lower in group), None)


# The pronoun's referent is already in the claim ("Such schools ..., but they are exempted").
BOUND = Mention("", "BOUND")


def antecedent(token: Token, sentence: Span, entities: tuple[Span, ...], quoted: set[int],
                inside: set[int], context: ArticleContext) -> Mention | None:
    """What the pronoun stands for, `BOUND` when that is in the claim already, None when unknown."""
    lower = token.lower_
    unquoted = tuple(entity for entity in entities if entity.start not in quoted)
    if lower in PERSON_PRONOUNS:
        gender = PRONOUN_GENDER[lower]
        earlier = _before(token, sentence, unquoted, context.names)

        # The same sentence first, then the people the last sentences were about, then whoever was named
        # last: "Moberg said there is no product like the one Aasen described. 'I'm sorry,' he said."
        for place, candidates in enumerate((reversed(earlier), context.subject_mentions(), reversed(context.mentions))):
            agreeing = [mention for mention in candidates if mention.label == "PERSON"
                        and context.genders.get(mention.name, gender) == gender]
            if place == 2 and sum(context.genders.get(name, gender) == gender for name in context.last_people) > 1:
                return None  # "... Jaan Saar ... Peeter Tamm's vote. He's right ...": which of them
            # Most people in the news whose gender the article never shows are men: "she" goes to a
            # woman the article shows as one before anyone unknown.
            known = next((mention for mention in agreeing if context.genders.get(mention.name) == gender), None)
            if agreeing:
                person_meant = known if gender == "f" and known is not None else agreeing[0]
                # Once "She said ..." is Kaja Kallas, a later "He added ..." is someone else.
                context.genders.setdefault(person_meant.name, gender)
                return person_meant
            if place > 0 or (role := _role_before(token, sentence, quoted)) is None:
                continue
            # "The minister said exports rose, while he said ...": the minister, not someone named before.
            if role.i in inside:
                return BOUND
            person = titled_person(role, context.names)
            return Mention(person, "PERSON") if person is not None else None
        return None
    if lower in THING_PRONOUNS:
        # The sentence's own thing first: "The port of Tallinn handled ..., and it expects more" is the
        # port's, not Tallinn's; "bought a warehouse in Tartu and sold it" names no one thing.
        found = nearest_thing(token, sentence, quoted, context.names)
        if found is UNNAMED or found is not None and _another_subject_thing(token, sentence, quoted, context.names,
                                                                          found):
            return None
        if found is not None:
            index, phrase = found
            if index in inside:
                return BOUND
            head = token.doc[index]
            return Mention(phrase, context.names.label(phrase, head.ent_type_) if head.ent_type_ else "NOUN")
        agrees = _is_thing
    else:
        agrees = _is_group
    # An earlier clause's subject in the same sentence, then the topic of the last sentences.
    for subject in reversed([other for other in sentence if other.dep_ in NOUN_SUBJECT_DEPS
                             and other.i < token.i and other.i not in quoted]):
        if subject.i in inside and subject.pos_ in ("NOUN", "PROPN"):
            # "The mayor said it would ...": a person by role is no "it"; what it is, the claim does not say.
            label = "PERSON" if subject.lower_ in TITLE_NOUNS or subject.ent_type_ == "PERSON" else "NOUN"
            if agrees(Mention("", label, plural=subject.tag_ in PLURAL_NOUN_TAGS)):
                return BOUND
            continue
        mention = _subject_mention(subject, unquoted, context.names)
        if mention is not None and agrees(mention):
            return mention
    return context.topic(agrees)


def _role_before(token: Token, sentence: Span, quoted: set[int]) -> Token | None:
    """A subject before `token` in its sentence that names a person by role ("the minister")."""
    return next((other for other in reversed(sentence[: token.i - sentence.start]) if other.dep_ in NOUN_SUBJECT_DEPS
                 and other.pos_ == "NOUN" and other.lower_ in TITLE_NOUNS and other.i not in quoted), None)


def frame_owner(owner: Token, entities: tuple[Span, ...], names: CanonicalNames) -> Mention | None:
    """Whose "its manager" is in "X returned 16 percent, its manager said": what was said is of
    X, its subject (the first, where the parse gives two: "Norway's fund, the world's largest,
    returned"), not the last name before the pronoun ("Norway"). None without such a frame."""
    speaker = owner.head
    verb = speaker.head
    if owner.lower_ not in THING_PRONOUNS or speaker.dep_ not in NOUN_SUBJECT_DEPS or (
            verb.lemma_ not in REPORTING_VERBS):
        return None
    content = next((child for child in verb.children
                    if child.dep_ in ("ccomp", "parataxis") and child.i < verb.i), None)
    subject = None if content is None else next(
        (child for child in content.children if child.dep_ in NOUN_SUBJECT_DEPS), None)
    if subject is None or subject.pos_ not in ("NOUN", "PROPN"):
        return None
    mention = _subject_mention(subject, entities, names)
    return mention if mention is not None and _is_thing(mention) else None


def reported_person(token: Token, names: CanonicalNames) -> tuple[str, bool] | None:
    """Who "he" or "she" in reported speech is, by role: the subject of what a speaker says is the
    speaker ("Putin told Modi he understood ..."), the subject of a clause inside that the one spoken
    to ("... he understood he had concerns"). (name, is the speaker); None when no frame says."""
    if token.dep_ not in NOUN_SUBJECT_DEPS or token.head.dep_ != "ccomp":
        return None
    verb = token.head.head
    frame = _speech_frame(verb, names)
    if frame is not None:
        return frame[0], True
    inner_subject = next((child for child in verb.children if child.dep_ in NOUN_SUBJECT_DEPS), None)
    if inner_subject is None or inner_subject.lower_ != token.lower_ or verb.dep_ != "ccomp":
        return None
    frame = _speech_frame(verb.head, names)
    if frame is None or frame[1] is None:
        return None
    return frame[1], False


def _speech_frame(verb: Token, names: CanonicalNames) -> tuple[str, str | None] | None:
    """The person who speaks through `verb`, and the person spoken to when there is one."""
    if verb.lemma_ not in REPORTING_VERBS:
        return None
    speaker = next((child for child in verb.children if child.dep_ in NOUN_SUBJECT_DEPS), None)
    speaker_name = _person_at(speaker, names) if speaker is not None else None
    if speaker_name is None:
        return None
    addressee = next((child for child in verb.children if child.dep_ in ("dative", "dobj")), None)
    return speaker_name, _person_at(addressee, names) if addressee is not None else None


def _person_at(token: Token, names: CanonicalNames) -> str | None:
    entity = next((entity for entity in token.doc.ents if entity.start <= token.i < entity.end), None)
    if entity is not None:
        return person_name(entity, names)
    return titled_person(token, names)


def nearest_thing(token: Token, sentence: Span, quoted: set[int], names: CanonicalNames,
                  roles_first: tuple[str, ...] | None = None) -> tuple[int, str] | None:
    """The nearest thing before `token` in its sentence that an "it" can stand for, as (index, text):
    a place or organisation named, or a definite singular noun phrase ("the conflict"). A subject or
    object comes before a noun after a preposition ("bought a house in Tartu and sold it": the house,
    not Tartu); `UNNAMED` when the nearest one is a thing no phrase names alone ("a house"); None
    when there is none."""
    # "Nokia reported a fall in sales, and its shares dropped": an owner is rarely an unnamed thing,
    # so past one a name may still own; a noun no longer ("bought a house and fixed its roof").
    owner = token.tag_ == "PRP$"
    passed_unnamed = False
    for roles in (roles_first or _CORE_ROLES, None):
        for index in range(token.i - 1, sentence.start - 1, -1):
            if index in quoted:
                continue
            if frames_its_clause(token.doc[index], token):
                continue
            found = _thing_at(token.doc[index], names, roles)
            if found is UNNAMED and owner:
                passed_unnamed = True
            elif found is not None and not (passed_unnamed and not token.doc[found[0]].ent_type_):
                return found
    return UNNAMED if passed_unnamed else None


def frames_its_clause(other: Token, pronoun: Token) -> bool:
    """"Tartu" of "In Tartu it fell to 4.9 percent": in a phrase set on the pronoun's own verb, which
    the pronoun, its subject or object, cannot be."""
    verb = pronoun.head
    return other.i < pronoun.i and any(above.dep_ == "prep" and above.head == verb for above in other.ancestors)


def _another_subject_thing(token: Token, sentence: Span, quoted: set[int], names: CanonicalNames,
                           found: tuple[int, str]) -> bool:
    """A subject "it" after an object thing and another subject thing: "The ministry approved the plan,
    and it will ...": the plan or the ministry, only a reader can tell."""
    if token.dep_ not in ("nsubj", "nsubjpass"):
        return False
    subject = nearest_thing(token, sentence, quoted, names, roles_first=("nsubj", "nsubjpass"))
    return subject is not None and subject is not UNNAMED and subject[1] != found[1] and (
        token.doc[subject[0]].dep_ in ("nsubj", "nsubjpass"))


_CORE_ROLES = ("dobj", "nsubj", "nsubjpass", "attr")
UNNAMED = (-1, "")


def _thing_at(other: Token, names: CanonicalNames, roles: tuple[str, ...] | None) -> tuple[int, str] | None:
    """What an "it" may stand for at `other` (in one of `roles`, any when None): (index, text),
    `UNNAMED` for a singular noun no phrase names alone, None for nothing an "it" stands for."""
    if other.ent_type_:
        entity = next((entity for entity in other.doc.ents if entity.start <= other.i < entity.end), None)
        if entity is None or (roles is not None and entity.root.dep_ not in roles):
            return None
        if names.label(entity.text, entity.label_) in THING_LABELS and not (
                entity.root.dep_ == "pobj" and entity.root.head.head.pos_ == "NOUN"):
            # Not "Ukraine" of "the conflict in Ukraine": the noun the name is said of comes first.
            return entity.root.i, names.canonical(entity.text)
        return None
    if other.pos_ != "NOUN" or other.tag_ != "NN" or other.lower_ in TITLE_NOUNS or other.dep_ not in (
            roles or ("pobj", *_CORE_ROLES)):
        return None
    phrase = [child for child in other.subtree if child.i <= other.i]
    if phrase[0].lower_ == "the" and all(child.pos_ in ("DET", "ADJ", "NOUN") for child in phrase):
        # "the port of Tallinn", not "the port": the name says which.
        return other.i, " ".join([phrase[0].lower_, *(child.text for child in [*phrase[1:], *_of_a_name(other)])])
    owner = next((child for child in other.children if child.dep_ == "poss"), None)
    if owner is not None and owner.pos_ == "PROPN" and all(
            child.pos_ in ("PROPN", "PART", "ADJ", "NOUN") for child in phrase):
        # "Riga's airport": a name's says which as well as "the" does.
        return other.i, "".join(child.text_with_ws for child in phrase).strip()
    return UNNAMED


def _of_a_name(token: Token) -> list[Token]:
    """"of Westphalia" of "The Treaty of Westphalia", "in Ukraine" of "the war in Ukraine": the
    preposition and the name after `token` that say which, or nothing."""
    prepositions = ("of", "in") if token.lower_ in CONFLICT_NOUNS else ("of",)
    for of in (child for child in token.children if child.dep_ == "prep" and child.lower_ in prepositions):
        name = [other for other in of.subtree if other != of]
        if name and all(other.pos_ in ("PROPN", "DET", "PART") for other in name):
            return list(of.subtree)
    return []


def country_named_before(token: Token, sentence: Span, entities: tuple[Span, ...],
                         context: ArticleContext) -> Mention | None:
    """The country "the country" at `token` stands for: the last one the article named (a city
    named since is none: "Riga's port, once the country's largest employer"). Only a country the
    gazetteer knows: a place it does not know is as likely a town ("Tartu", "D.C.") as a country."""
    for mentions in (context.mentions, _before(token, sentence, entities, context.names)):
        country = next((mention for mention in reversed(mentions)
                        if mention.label == "GPE" and is_country(mention.name)), None)
        if country is not None:
            return country
    return None


def _is_thing(mention: Mention) -> bool:
    return mention.label in THING_LABELS or mention.label == "NOUN" and not mention.plural


def _is_group(mention: Mention) -> bool:
    return mention.plural or mention.label in GROUP_LABELS


def _before(token: Token, sentence: Span, entities: tuple[Span, ...], names: CanonicalNames) -> list[Mention]:
    return sentence_mentions(sentence, tuple(entity for entity in entities if entity.end <= token.i), names)
