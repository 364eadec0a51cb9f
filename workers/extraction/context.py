"""Decontextualisation: an atomic claim rewritten to stand alone (names, pronouns, dates)."""

from __future__ import annotations

import datetime
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from spacy.tokens import Span, Token

from .dates import is_relative_date, resolve_date
from .decomposition import Atom
from .entities import CanonicalNames, name_key
from .pronouns import DEMONSTRATIVES, GROUP_PRONOUNS, PERSON_PRONOUNS, PRONOUN_GENDER, THING_PRONOUNS
from .scoring import REPORTING_VERBS
from .sentences import QUOTE_MARKS, quoted_tokens

# Two sentences back: "The car is new. Its pillars give it a sleek side. It has LED lights."
_SUBJECT_WINDOW = 2
_THING_LABELS = frozenset({"ORG", "GPE", "LOC", "FAC", "PRODUCT", "LAW", "EVENT", "WORK_OF_ART"})
_GROUP_LABELS = frozenset({"ORG", "NORP", "GPE"})
_CORE_DEPS = frozenset({"det", "amod", "compound", "nmod", "nummod", "poss"})
_COUNTRY_NOUNS = frozenset({"country", "nation"})
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")
_PREPOSITIONS = frozenset({"in", "on", "at", "since", "by", "until", "till", "from", "during", "before", "after",
                           "of", "through"})
# The relative core of a DATE entity: what "earlier this year" or "last month" hinge on.
_RELATIVE_CORE = re.compile(
    r"\b(?:(?:this|last|next|past|previous|coming)\s+(?:week|month|year|spring|summer|autumn|fall|winter)"
    r"|yesterday|today|tomorrow|tonight"
    r"|(?:last|next|this|on)?\s*(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
    r"(?:\s+(?:morning|afternoon|evening|night))?)\b",
    re.IGNORECASE,
)
# What the article itself says of a person's gender: a title or a noun right beside the name.
_MALE_TITLES = frozenset({"mr", "sir", "lord", "king", "prince", "duke", "monsieur", "señor", "herr"})
_FEMALE_TITLES = frozenset({"mrs", "ms", "miss", "dame", "lady", "queen", "princess", "duchess", "madame", "madam",
                            "señora", "frau"})
_MALE_NOUNS = frozenset(
    """man boy father dad son brother husband boyfriend king prince duke actor businessman chairman spokesman
    congressman councilman uncle nephew grandfather grandson gentleman widower monk emperor policeman fireman
    salesman sportsman stepfather groom bridegroom godfather patriarch headmaster waiter""".split())
_FEMALE_NOUNS = frozenset(
    """woman girl mother mum mom daughter sister wife girlfriend queen princess duchess actress businesswoman
    chairwoman spokeswoman congresswoman councilwoman aunt niece grandmother granddaughter lady widow nun
    empress policewoman saleswoman sportswoman stepmother bride godmother matriarch headmistress waitress
    hostess heroine""".split())
# Common given names borne almost only by one gender in English-language news; one vote each, and
# names used for both ("Jordan", "Kim", "Jean", "Andrea") are left out on purpose.
_MALE_GIVEN_NAMES = frozenset(
    """james john robert michael william david richard joseph thomas charles christopher daniel matthew anthony
    mark donald steven paul andrew joshua kenneth kevin brian george timothy ronald edward jason jeffrey ryan
    jacob gary nicholas eric jonathan stephen larry justin scott brandon benjamin samuel gregory frank raymond
    alexander patrick jack dennis jerry tyler aaron henry adam douglas nathan peter zachary kyle walter harold
    jeremy ethan carl keith roger gerald christian sean arthur austin noah lawrence jesse joe bryan billy
    bruce albert willie gabriel logan alan juan wayne roy ralph randy eugene vincent russell louis bobby philip
    johnny mitch mike bill bob jim tom dan steve ted barack bernie marco rand mitt hunter boris vladimir
    narendra xi emmanuel olaf rishi keir viktor recep volodymyr sergei dmitry ivan pedro carlos
    luis jorge miguel ahmed mohammed muhammad ali hassan omar lars hans klaus jens erik karl ole per""".split())
_FEMALE_GIVEN_NAMES = frozenset(
    """mary patricia jennifer linda elizabeth barbara susan jessica sarah karen lisa nancy betty margaret sandra
    ashley kimberly emily donna michelle carol amanda dorothy melissa deborah stephanie rebecca sharon laura
    cynthia kathleen amy angela shirley anna brenda pamela emma nicole helen samantha katherine christine debra
    rachel carolyn janet catherine maria heather diane ruth julie olivia joyce virginia victoria lauren
    christina joan evelyn judith megan cheryl hannah martha gloria teresa sara madison frances kathryn janice
    abigail alice judy sophia grace denise amber doris marilyn danielle beverly isabella theresa diana natalie
    brittany charlotte marie kayla lori hillary kamala nikki ursula liz priti
    tammy elise ilhan alexandria marjorie kristi gretchen kathy jacinda giorgia marine sanna mette
    annalena julia yulia svetlana olga irina natalia tatiana fatima aisha mirella ingrid agnes astrid""".split())
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,.;:!?%)\]”’])")
_SPACES = re.compile(r"\s+")


@dataclass
class Mention:
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

    def remember(self, sentence: Span, entities: tuple[Span, ...]) -> None:
        self.mentions += sentence_mentions(sentence, entities, self.names)
        del self.mentions[:-50]
        subjects = _subjects(sentence)
        if subjects and subjects[0].lower_ in ("it", "they", "he", "she") and not is_expletive(subjects[0]):
            # "The ferry ... . It sails ... . It carries ...": the topic goes on through the pronouns.
            return
        mentions = (_subject_mention(subject, entities, self.names) for subject in subjects)
        self.recent_subjects.append([mention for mention in mentions if mention is not None])
        del self.recent_subjects[:-_SUBJECT_WINDOW]

    def subject_mentions(self) -> list[Mention]:
        """The recent subjects, the latest sentence's first."""
        return [mention for subjects in reversed(self.recent_subjects) for mention in subjects]

    def topic(self, agrees: Callable[[Mention], bool]) -> Mention | None:
        """The latest recent subject that a pronoun agreeing by `agrees` can stand for."""
        return next((mention for mention in self.subject_mentions() if agrees(mention)), None)


@dataclass
class RenderedClaim:
    text: str
    needs_context: bool
    tokens: list[Token]


def sentence_mentions(sentence: Span, entities: tuple[Span, ...], names: CanonicalNames) -> list[Mention]:
    mentions = []
    for entity in entities:
        person = person_name(entity, names)
        if person:
            mentions.append(Mention(person, "PERSON"))
        elif entity.label_ in _THING_LABELS or entity.label_ == "NORP":
            mentions.append(Mention(names.canonical(entity.text), entity.label_))
    return mentions


def person_name(entity: Span, names: CanonicalNames) -> str | None:
    """The person `entity` names, in full where the article gives the full name; None if no person."""
    if any(char.isdigit() for char in entity.text) or not entity.text[:1].isupper():
        return None  # "COVID-19" or words run together ("aJan"), now and then tagged as a person
    full = names.full_person_name(entity.text)
    return full or (names.canonical(entity.text) if entity.label_ == "PERSON" else None)


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
            if given in _MALE_GIVEN_NAMES or given in _FEMALE_GIVEN_NAMES:
                votes[name]["m" if given in _MALE_GIVEN_NAMES else "f"] += 1
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
        if word in _MALE_TITLES or word in _FEMALE_TITLES:
            return "m" if word in _MALE_TITLES else "f"
    root = entity.root
    beside = [child for child in root.children if child.dep_ in ("compound", "appos") and child.i not in range(
        entity.start, entity.end)]
    if root.dep_ in ("appos", "compound"):
        beside.append(root.head)
    for noun in beside:
        if noun.lemma_.lower() in _MALE_NOUNS or noun.lemma_.lower() in _FEMALE_NOUNS:
            return "m" if noun.lemma_.lower() in _MALE_NOUNS else "f"
    return None


def _own_pronouns(name: Token, sentence: Span, quoted: set[int]) -> list[Token]:
    """Personal pronouns that can only mean the subject `name`: a possessive in its own clause
    ("Solberg sold her boat") or the subject of what it says ("Solberg said she ...")."""
    if name.dep_ not in ("nsubj", "nsubjpass"):
        return []
    verb = name.head
    # "Solberg runs the company and sold her boat": verbs sharing the subject are its clause too.
    clause = {verb, *(conjunct for conjunct in verb.conjuncts
                      if not any(child.dep_ in ("nsubj", "nsubjpass") for child in conjunct.children))}
    found = []
    for token in sentence:
        if token.i <= name.i or token.i in quoted or token.lower_ not in PRONOUN_GENDER or token.pos_ != "PRON":
            continue
        if token.tag_ == "PRP$" and _clause_verb(token) in clause:
            found.append(token)
        elif token.dep_ in ("nsubj", "nsubjpass") and token.head.dep_ == "ccomp" and token.head.head == verb and (
                verb.lemma_ in REPORTING_VERBS):
            found.append(token)
    return found


def _clause_verb(token: Token) -> Token:
    head = token.head
    while head.pos_ not in ("VERB", "AUX") and head.head != head:
        head = head.head
    return head


def _subjects(sentence: Span) -> list[Token]:
    verb = sentence.root
    subjects = [token for token in verb.children if token.dep_ in ("nsubj", "nsubjpass")]
    content = next((child for child in verb.children if child.dep_ == "ccomp"), None)
    if verb.lemma_ in REPORTING_VERBS and content is not None:
        # "X will visit Y, the ministry said": the next sentence goes on about X, or else the ministry.
        subjects[:0] = [token for token in content.children if token.dep_ in ("nsubj", "nsubjpass")]
    return subjects


def _subject_mention(subject: Token, entities: tuple[Span, ...], names: CanonicalNames) -> Mention | None:
    """What a later "it", "they" or "he" may stand for: the subject's name or core noun phrase."""
    conjuncts = [subject, *subject.conjuncts]
    if len(conjuncts) == 1:
        return _head_mention(subject, entities, names)
    # "Modi and Putin will meet ... . They will discuss ...": both, as one group.
    parts = [_head_mention(conjunct, entities, names) for conjunct in sorted(conjuncts, key=lambda token: token.i)]
    if len(parts) > 3 or any(part is None for part in parts) or len({part.name for part in parts}) < len(parts) or (
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
    phrase = [token for token in subject.subtree if token.i <= subject.i and token.dep_ in _CORE_DEPS | {"nsubj",
              "nsubjpass"} and (token == subject or token.head == subject)]
    if not 1 <= len(phrase) <= 6 or phrase[0].lower_ in DEMONSTRATIVES | {"some", "many", "all", "most"}:
        return None
    if any(token.pos_ == "PRON" for token in phrase):
        # "his regime" would carry its own unresolved pronoun into the next claim.
        return None
    words = [token.text for token in phrase]
    if phrase[0].pos_ == "DET" or phrase[0].is_sent_start and phrase[0].pos_ != "PROPN":
        words[0] = words[0].lower()
    return Mention(" ".join(words), "NOUN", plural=subject.tag_ in ("NNS", "NNPS"))


def is_expletive(token: Token) -> bool:
    """"It is not known if ...", "it would be unprecedented to ...": an "it" that refers to nothing."""
    if token.lower_ != "it" or token.dep_ not in ("nsubj", "nsubjpass", "expl"):
        return token.dep_ == "expl"
    verb = token.head
    if verb.lemma_ == "come" and any(child.lower_ == "to" for child in verb.children):
        return True  # "when it comes to"
    if verb.lemma_ not in ("be", "seem", "appear", "take", "remain", "know", "say", "believe", "report", "think",
                           "expect", "estimate", "come", "matter", "become", "make", "look"):
        return False
    # The clause may hang on the verb or on its complement ("it is [fair] to say", "it is no [mystery] that").
    heads = [verb, *(child for child in verb.children if child.dep_ in ("acomp", "attr", "oprd"))]
    return any(_extraposed(child) for head in heads for child in head.children if child.i > verb.i)


def _extraposed(child: Token) -> bool:
    if child.dep_ in ("ccomp", "xcomp", "csubj"):
        return True
    return child.dep_ == "advcl" and any(grandchild.lower_ in ("if", "whether", "to") for grandchild in child.children)


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
    named_so_far = False
    # Pronoun classes already replaced by a noun phrase: a second "their" means the same people.
    resolved: set[frozenset[str]] = set()
    needs_context = False
    replaced_names: set[str] = set()
    for position, token in enumerate(sequence):
        if token.i in replacements or token.i in dropped:
            continue
        entity = entity_at.get(token.i)
        if entity is not None and entity.label_ == "DATE":
            _resolve_date(entity, sequence, position, context.base, replacements, dropped)
            continue
        if entity is not None or token.pos_ == "PROPN":
            mention = entity if entity is not None else _lone_proper_noun(token)
            full = context.names.full_person_name(mention.text) if mention is not None else None
            if full and full not in replaced_names and full != mention.text.strip():
                replacements[mention.start] = _possessive(full) if mention.text.endswith(("'s", "’s")) else full
                dropped.update(range(mention.start + 1, mention.end))
                replaced_names.add(full)
            # A name inside a quotation is the speaker's, not what a pronoun outside it refers to.
            named_so_far = named_so_far or token.i not in quoted and (entity is None or entity.label_ not in (
                "DATE", "TIME", "CARDINAL", "ORDINAL", "PERCENT", "MONEY", "QUANTITY"))
            continue
        if token.i in quoted:
            continue
        lower = token.lower_
        pronoun_class = _pronoun_class(lower)
        if (token.pos_ == "PRON" and pronoun_class and not is_expletive(token) and not named_so_far
                and pronoun_class not in resolved):
            antecedent = _antecedent(token, sentence, entities, quoted, inside, context)
            if antecedent is BOUND:
                resolved.add(pronoun_class)
                continue
            if antecedent is None:
                needs_context = True
                continue
            possessive = token.tag_ == "PRP$" or lower in ("his", "its", "their", "hers", "theirs")
            replacements[token.i] = _possessive(antecedent.name) if possessive else antecedent.name
            if antecedent.label == "NOUN":
                resolved.add(pronoun_class)
            else:
                named_so_far = True
        elif lower in _COUNTRY_NOUNS and token.i > 0 and token.doc[token.i - 1].lower_ == "the":
            country = _last(context.mentions, "GPE") or _last(_before(token, sentence, entities, context.names), "GPE")
            if country is not None:
                replacements[token.i - 1] = ""
                replacements[token.i] = country.name
                named_so_far = True
        elif lower in DEMONSTRATIVES and token.dep_ in ("nsubj", "nsubjpass") and position == 0:
            needs_context = True
    text = _join(atom, sequence, replacements, dropped, reopened)
    return RenderedClaim(text, needs_context, sequence)


def _lone_proper_noun(token: Token) -> Span | None:
    """An untagged one-word name ("Ortúzar"), not a part of a longer one."""
    doc = token.doc
    neighbours = [doc[index] for index in (token.i - 1, token.i + 1) if 0 <= index < len(doc)]
    if any(neighbour.pos_ == "PROPN" for neighbour in neighbours):
        return None
    return doc[token.i : token.i + 1]


def _pronoun_class(lower: str) -> frozenset[str] | None:
    return next((group for group in (PERSON_PRONOUNS, THING_PRONOUNS, GROUP_PRONOUNS) if lower in group), None)


# The pronoun's referent is already in the claim ("Such schools ..., but they are exempted").
BOUND = Mention("", "BOUND")


def _antecedent(token: Token, sentence: Span, entities: tuple[Span, ...], quoted: set[int],
                inside: set[int], context: ArticleContext) -> Mention | None:
    """What the pronoun stands for, `BOUND` when that is in the claim already, None when unknown."""
    lower = token.lower_
    unquoted = tuple(entity for entity in entities if entity.start not in quoted)
    earlier = _before(token, sentence, unquoted, context.names)
    if lower in PERSON_PRONOUNS:
        gender = PRONOUN_GENDER[lower]

        # The same sentence first, then the people the last sentences were about, then whoever was named
        # last: "Moberg said there is no product like the one Aasen described. 'I'm sorry,' he said."
        for candidates in (reversed(earlier), context.subject_mentions(), reversed(context.mentions)):
            agreeing = [mention for mention in candidates if mention.label == "PERSON"
                        and context.genders.get(mention.name, gender) == gender]
            # Most people in the news whose gender the article never shows are men: "she" goes to a
            # woman the article shows as one before anyone unknown.
            known = next((mention for mention in agreeing if context.genders.get(mention.name) == gender), None)
            if agreeing:
                return known if gender == "f" and known is not None else agreeing[0]
        return None
    if lower in THING_PRONOUNS:
        same_sentence = next((mention for mention in reversed(earlier) if mention.label in _THING_LABELS), None)
        if same_sentence is not None:
            return same_sentence
        agrees = _is_thing
    else:
        agrees = _is_group
    # An earlier clause's subject in the same sentence, then the topic of the last sentences.
    for subject in reversed([other for other in sentence if other.dep_ in ("nsubj", "nsubjpass")
                             and other.i < token.i and other.i not in quoted]):
        if subject.i in inside and subject.pos_ in ("NOUN", "PROPN"):
            if agrees(Mention("", "NOUN", plural=subject.tag_ in ("NNS", "NNPS"))):
                return BOUND
            continue
        mention = _subject_mention(subject, unquoted, context.names)
        if mention is not None and agrees(mention):
            return mention
    return context.topic(agrees)


def speaker_name(speaker: Token, phrase: str, sentence: Span, entities: tuple[Span, ...], context: ArticleContext,
                 open_quote: str | None = None) -> str:
    """Who is quoted, as a checker needs it: "she" as the person she is, "Brekke" by full name."""
    if speaker.pos_ == "PRON" and _pronoun_class(speaker.lower_):
        antecedent = _antecedent(speaker, sentence, entities, quoted_tokens(sentence, open_quote), set(), context)
        return antecedent.name if antecedent is not None and antecedent is not BOUND else phrase
    name = next((entity.text for entity in entities if entity.start <= speaker.i < entity.end), speaker.text)
    if name_key(phrase) == name_key(name):
        # A short name grows to the full one; "the Kremlin" keeps its article.
        return context.names.full_person_name(name) or phrase
    return phrase


def _is_thing(mention: Mention) -> bool:
    return mention.label in _THING_LABELS or mention.label == "NOUN" and not mention.plural


def _is_group(mention: Mention) -> bool:
    return mention.plural or mention.label in _GROUP_LABELS


def _before(token: Token, sentence: Span, entities: tuple[Span, ...], names: CanonicalNames) -> list[Mention]:
    return sentence_mentions(sentence, tuple(entity for entity in entities if entity.end <= token.i), names)


def _last(mentions: list[Mention], label: str) -> Mention | None:
    return next((mention for mention in reversed(mentions) if mention.label == label), None)


def _possessive(name: str) -> str:
    return name + ("’" if name.endswith("s") else "’s") if "’" in name else name + ("'" if name.endswith("s") else "'s")


def _resolve_date(entity: Span, sequence: list[Token], position: int, base: datetime.datetime | None,
                  replacements: dict[int, str], dropped: set[int]) -> None:
    text = entity.text
    if base is None or not is_relative_date(text):
        return
    core = _RELATIVE_CORE.search(text)
    if core is None:
        return
    future = any(token.tag_ == "MD" for token in entity.sent)
    iso = resolve_date(core.group().strip(), base, future)
    if iso is None or "W" in iso:
        return
    absolute = _spelled(iso)
    preceding = entity.doc[entity.start - 1].lower_ if entity.start > entity.sent.start else ""
    prefix_words = text[: core.start()].strip()
    needs_preposition = not prefix_words and preceding not in _PREPOSITIONS
    if prefix_words and prefix_words.split()[-1].lower() in _PREPOSITIONS:
        needs_preposition = False
    elif prefix_words:
        needs_preposition = True
    core_text = core.group().strip()
    leading_on = core_text.lower().startswith("on ")
    if needs_preposition or leading_on:
        absolute = ("on " if len(iso) == 10 else "in ") + absolute
    rewritten = f"{prefix_words} {absolute}".strip() + text[core.end():]
    replacements[entity.start] = rewritten
    dropped.update(range(entity.start + 1, entity.end))


def _spelled(iso: str) -> str:
    parts = iso.split("-")
    if len(parts) == 3:
        return f"{int(parts[2])} {_MONTHS[int(parts[1]) - 1]} {parts[0]}"
    if len(parts) == 2:
        return f"{_MONTHS[int(parts[1]) - 1]} {parts[0]}"
    return iso


def _join(atom: Atom, sequence: list[Token], replacements: dict[int, str], dropped: set[int], opening: str) -> str:
    pieces: list[str] = []
    lead_end = len(atom.lead)
    trailer_start = len(atom.lead) + len(atom.tokens)
    for position, token in enumerate(sequence):
        if position == lead_end and atom.link:
            pieces.append(" " + atom.link + " ")
        if position == trailer_start and atom.trailer:
            pieces.append(", ")
        if token.i in dropped:
            continue
        word = replacements.get(token.i, token.text)
        if position == lead_end and atom.lead and token.i == token.sent.start and token.pos_ != "PROPN":
            word = word[:1].lower() + word[1:]
        if position == trailer_start and token.pos_ != "PROPN" and token.i != token.sent.start:
            word = word[:1].lower() + word[1:]
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
    if sum(text.count(mark) for mark in ('"', "“", "”")) % 2:
        opened = max(text.rfind('"'), text.rfind("“"))
        closing = "”" if opened >= 0 and text[opened] == "“" else '"'
    if closing and text.endswith((".", "!", "?")):
        return text[:-1] + (text[-1] + closing)
    if not text.rstrip("\"'”’)»").endswith((".", "!", "?", "…")):
        text += "."
    return text + closing
