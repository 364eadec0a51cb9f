"""extract_claims: article text or HTML in, sentence-level claims out (pure, no I/O)."""

from __future__ import annotations

import datetime
import itertools
import re
from collections.abc import Iterator

import spacy
from spacy.tokens import Span, Token

from .boilerplate import block_signals, boilerplate_flags
from .claims import ExtractedClaim, ExtractionResult
from .context import ArticleContext, person_genders, render, speaker_name
from .dates import is_relative_date, resolve_date
from .decomposition import Atom, decompose
from .entities import NAME_LABELS, CanonicalNames
from .language import DEFAULT_LANGUAGE, detect_language, normalise_language
from .merging import merge_near_duplicates
from .model import load_nlp
from .scoring import DATE_LABELS, NUMBER_LABELS, SCORE_FLOOR, analyse_sentence
from .sentences import ParsedSentence, parse_sentences
from .text import Block, html_title, html_to_text, normalise_whitespace, parse_safe, split_blocks

# Longer "sentences" are lists, tables or run-ons: no checker can use them as one claim.
MAX_SENTENCE_CHARS = 1500
_FINITE_TAGS = frozenset({"VBD", "VBZ", "VBP", "MD"})
_LIST_MARKER = re.compile(r"^(?:\d{1,2}[.)]|[-*•·▪–—])\s*")
# "Lumo: a compiler for ..." or "3. Ada Reyes - elected in 2019": a term, then what it is.
_TERM_ITEM = re.compile(r"^(?:(?:\d{1,2}[.)]|[-*•·▪–—])\s*)?[^\W\d][^:]{0,60}?(?::|\s[-–—])\s+\S+(?:\s+\S+){2}")
_TERM_SEPARATORS = frozenset({":", "-", "–", "—"})
_MAX_TERM_TOKENS = 6
_DESCRIPTION_POS = frozenset({"DET", "ADJ", "NOUN", "PROPN"})
# Below it, an opinion, question or command without a name, number or date yields no claim.
UNANCHORED_OPINION_FLOOR = 0.25
# "Term: description" items rewritten and parsed again per article: a parse each, so bounded.
MAX_REPARSED_ITEMS = 200
# Past this length a parse is too unreliable to cut into clauses.
MAX_DECOMPOSED_CHARS = 600


def extract_claims(
    text: str | None = None,
    *,
    html: str | None = None,
    published_at: datetime.date | datetime.datetime | str | None = None,
    title: str | None = None,
    language: str | None = None,
    nlp: spacy.Language | None = None,
) -> ExtractionResult:
    """Sentence-level claims of an article, with spans into `result.text`.

    `text` is used as given (offsets index it); `html` is used when `text` is None or blank
    and is reduced to its main text first. Non-English articles and those with nothing left after
    boilerplate removal yield no claims and say why in `skipped_reason`.
    """
    base = _relative_base(published_at)
    if html and (text is None or not text.strip()):
        text = html_to_text(html)
        title = title or html_title(html)
    text = text or ""
    detected = normalise_language(language) if language else detect_language(text)
    if not text.strip():
        return ExtractionResult(text=text, language=detected, skipped_reason="no_text")
    if detected != DEFAULT_LANGUAGE:
        return ExtractionResult(text=text, language=detected, skipped_reason="non_english")

    blocks = split_blocks(text)
    flags = _with_list_items(text, blocks, boilerplate_flags(text, blocks))
    if len(blocks) > 1 and _is_headline(text[blocks[0].start : blocks[0].end], title):
        # The headline restates the article in short; it names people for linking, as the title.
        flags[0] = True
    kept = _distinct_blocks(text, [block for block, boilerplate in zip(blocks, flags) if not boilerplate])
    if not kept:
        return ExtractionResult(text=text, language=detected, skipped_reason="empty_after_boilerplate")

    nlp = nlp or load_nlp()
    parse_text = parse_safe(text)
    sentences = list(parse_sentences(nlp, parse_text, kept))
    names = CanonicalNames(_name_mentions(sentences, title, nlp))

    genders = person_genders(((sentence.span, sentence.entities) for sentence in sentences), names)
    context = ArticleContext(names=names, base=base, genders=genders)
    claims: list[ExtractedClaim] = []
    # The sentence, or the list, each claim comes from: claims of one are alike by construction.
    sources: list[int] = []
    lead_in: ExtractedClaim | None = None
    in_list = False
    items_reparsed = 0
    for index, sentence in enumerate(sentences):
        if in_list and _is_list_marker(sentence):
            # "1." parsed as a sentence of its own, apart from its item.
            continue
        if in_list and _is_list_item(sentence) and (
                not _has_finite_verb(sentence.span) or _definition(sentence.span) is not None):
            items_reparsed += 1
            sentence_claims = _list_item_claims(text, parse_text, sentence, lead_in, context,
                                                nlp if items_reparsed <= MAX_REPARSED_ITEMS else None)
        else:
            sentence_claims = _claims(text, parse_text, sentence, context)
            # "The four winners were:" says nothing alone; its list items complete it.
            in_list = _is_lead_in(sentence)
            lead_in = sentence_claims[0] if in_list and len(sentence_claims) == 1 else None
            source = index
            if in_list:
                sentence_claims = []
        claims += sentence_claims
        sources += [source] * len(sentence_claims)
        context.remember(sentence.span, sentence.entities)
    claims = merge_near_duplicates(claims, sources)
    return ExtractionResult(
        text=text,
        language=detected,
        claims=claims,
        skipped_reason=None if claims else "no_verifiable_sentences",
    )


def _distinct_blocks(text: str, blocks: list[Block]) -> list[Block]:
    """Blocks without repeats: a repeated paragraph could only yield claims merged away."""
    seen: set[str] = set()
    distinct = []
    for block in blocks:
        key = normalise_whitespace(text[block.start : block.end]).casefold()
        if key not in seen:
            seen.add(key)
            distinct.append(block)
    return distinct


def _name_mentions(
    sentences: list[ParsedSentence], title: str | None, nlp: spacy.Language
) -> Iterator[tuple[str, str]]:
    """Every entity mention of the kept text and the title, as (text, label)."""
    for sentence in sentences:
        for entity in sentence.entities:
            yield entity.text, entity.label_
    if title and title.strip():
        for entity in nlp(parse_safe(title)[:1000]).ents:
            yield entity.text, entity.label_


def _relative_base(published_at: datetime.date | datetime.datetime | str | None) -> datetime.datetime | None:
    if not published_at:
        return None
    if isinstance(published_at, str):
        published_at = datetime.datetime.fromisoformat(published_at)
    if isinstance(published_at, datetime.datetime):
        # The publication's own calendar day is what "Thursday" and "last month" refer to.
        return published_at.replace(tzinfo=None)
    return datetime.datetime.combine(published_at, datetime.time())


def _claims(text: str, parse_text: str, sentence: ParsedSentence, context: ArticleContext) -> list[ExtractedClaim]:
    """The atomic, self-contained claims of one sentence (none when it states nothing checkable)."""
    start, end = _trim(parse_text, sentence.start, sentence.end)
    if end - start > MAX_SENTENCE_CHARS or end <= start:
        return []
    analysis = analyse_sentence(sentence.span, sentence.entities)
    if not analysis.has_verb or analysis.score < SCORE_FLOOR:
        return []
    if analysis.score < UNANCHORED_OPINION_FLOOR and not _verifiable(analysis.reasons):
        return []
    atoms = decompose(sentence.span) if end - start <= MAX_DECOMPOSED_CHARS else [Atom(list(sentence.span))]
    attribution = analysis.attribution and speaker_name(
        analysis.speaker, analysis.attribution, sentence.span, sentence.entities, context, sentence.open_quote)
    claims = []
    for atom in atoms:
        rendered = render(atom, sentence.span, sentence.entities, context, sentence.open_quote)
        if not rendered.text:
            continue
        inside = {token.i for token in rendered.tokens}
        entities = tuple(entity for entity in sentence.entities if entity.start in inside)
        dates = []
        relative_dates = False
        for date_text in dict.fromkeys(entity.text for entity in entities if entity.label_ in DATE_LABELS):
            relative_dates = relative_dates or is_relative_date(date_text)
            dates.append({"text": date_text, "iso": resolve_date(date_text, context.base, analysis.future)})
        names = [entity for entity in entities if entity.label_ in NAME_LABELS]
        claims.append(ExtractedClaim(
            text=rendered.text,
            sentence=text[start:end],
            start=start,
            end=end,
            score=analysis.score,
            score_reasons=list(analysis.reasons),
            entities=_entities(sentence, names, context.names, inside),
            dates=dates,
            kind=_atom_kind(analysis.kind, entities),
            attribution=attribution,
            needs_context=rendered.needs_context,
            relative_dates_unresolved=relative_dates and context.base is None,
        ))
    return claims


def _is_lead_in(sentence: ParsedSentence) -> bool:
    return sentence.span.text.rstrip().endswith(":") and sentence.span.end == len(sentence.span.doc)


def _is_list_item(sentence: ParsedSentence) -> bool:
    """A short block of its own, as list items are ("1. Ada Lovelace (1815-1852)"), maybe after its marker."""
    span = sentence.span
    before = span.doc[: span.start].text.strip()
    return (not before or bool(_LIST_MARKER.fullmatch(before))) and span.end == len(span.doc) and len(span) <= 40


def _is_list_marker(sentence: ParsedSentence) -> bool:
    return sentence.span.start == 0 and bool(_LIST_MARKER.fullmatch(sentence.span.text.strip()))


def _with_list_items(text: str, blocks: list[Block], flags: list[bool]) -> list[bool]:
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


def _is_headline(first_block: str, title: str | None) -> bool:
    """The text opens with the title itself, or with its main part ("X | Site name" titles)."""
    first = normalise_whitespace(first_block)
    return bool(title) and len(first.split()) >= 2 and first in normalise_whitespace(title)


def _plain(line: str) -> bool:
    """No boilerplate sign stronger than being short: no credit, appeal or address to the reader."""
    signals = block_signals(line)
    return not (signals.certain or signals.calls_to_action or signals.address_density)


def _has_finite_verb(sentence: Span) -> bool:
    return any(token.tag_ in _FINITE_TAGS for token in sentence)


def _list_item_claims(text: str, parse_text: str, sentence: ParsedSentence, lead_in: ExtractedClaim | None,
                      context: ArticleContext, nlp: spacy.Language | None) -> list[ExtractedClaim]:
    """A verbless list item as claims: "Lumo: a compiler" says "Lumo is a compiler"; other items are
    completed by the sentence that introduces the list ("The winners were Ada Reyes")."""
    start, end = _trim(parse_text, sentence.start, sentence.end)
    item = _LIST_MARKER.sub("", normalise_whitespace(parse_text[start:end])).rstrip(" .;,")
    if end <= start or not item:
        return []
    # Without `nlp` (past the article's budget) an item is not rewritten into a definition.
    definition = _definition(sentence.span) if nlp is not None else None
    if definition is None and lead_in is None:
        return _claims(text, parse_text, sentence, context)
    names = [entity for entity in sentence.entities if entity.label_ in NAME_LABELS]
    inside = {token.i for token in sentence.span}
    dates = [{"text": entity.text, "iso": resolve_date(entity.text, context.base)}
             for entity in sentence.entities if entity.label_ in DATE_LABELS]
    claims = []
    if definition is not None:
        term, statement = definition
        parsed = nlp(statement)
        analysis = analyse_sentence(parsed[:], parsed.ents)
        if analysis.score >= SCORE_FLOOR:
            claims.append(ExtractedClaim(
                text=statement, sentence=text[start:end], start=start, end=end, score=analysis.score,
                score_reasons=list(analysis.reasons), entities=_entities(sentence, names, context.names, inside),
                dates=dates, kind=analysis.kind, attribution=analysis.attribution,
                relative_dates_unresolved=any(is_relative_date(date["text"]) for date in dates) and context.base is None,
            ))
        # "Its tools include Lumo." only when the lead-in stands alone ("They are:" does not).
        if lead_in is None or lead_in.needs_context:
            return claims
        item = term
    claims.append(ExtractedClaim(
        text=f"{lead_in.text.rstrip(' :.')} {item}.",
        sentence=text[start:end],
        start=start,
        end=end,
        score=lead_in.score,
        score_reasons=list(lead_in.score_reasons),
        entities=_entities(sentence, names, context.names, inside),
        dates=dates,
        kind=lead_in.kind,
        attribution=lead_in.attribution,
        needs_context=lead_in.needs_context,
        relative_dates_unresolved=lead_in.relative_dates_unresolved,
    ))
    return claims


def _definition(item: Span) -> tuple[str, str] | None:
    """("Lumo", "Lumo is a compiler for Rust.") for the item "Lumo: a compiler for Rust";
    ("Ada Reyes", "Ada Reyes was elected in 2019.") for "Ada Reyes - elected in 2019"."""
    marker = _LIST_MARKER.match(item.text)
    first = item.start_char + (marker.end() if marker else 0)
    tokens = [token for token in item if token.idx >= first and not token.is_space]
    separator = next((index for index, token in enumerate(tokens) if token.text == ":" or (
        token.text in _TERM_SEPARATORS and index > 0 and tokens[index - 1].whitespace_ and token.whitespace_)), None)
    if separator is None or not 1 <= separator <= _MAX_TERM_TOKENS:
        return None
    term, description = tokens[:separator], tokens[separator + 1 :]
    while description and description[-1].is_punct:
        description = description[:-1]
    if sum(not token.is_punct for token in description) < 3 or not any(token.is_alpha for token in term):
        return None
    if term[0].ent_type_ in ("DATE", "TIME", "CARDINAL") or term[0].like_num:
        return None
    plural = term[-1].tag_ in ("NNS", "NNPS")
    lead = description[0]
    if lead.tag_ == "VBN":
        past = any(token.ent_type_ == "DATE" for token in description)
        copula = ("were" if plural else "was") if past else ("are" if plural else "is")
    elif lead.pos_ in _DESCRIPTION_POS:
        copula = "are" if plural else "is"
    else:
        return None
    term_text = item.doc[term[0].i : term[-1].i + 1].text
    words = item.doc[lead.i : description[-1].i + 1].text
    if lead.pos_ == "DET":
        words = words[:1].lower() + words[1:]
    return term_text, f"{term_text} {copula} {words}."


def _verifiable(reasons: list[str]) -> bool:
    """Questions, opinions and commands state a fact only when they carry a checkable anchor."""
    present = set(reasons)
    return not (present & {"opinion", "imperative", "question"}) or bool(present & {"named_entity", "number", "date"})


def _atom_kind(sentence_kind: str, entities: tuple[Span, ...]) -> str:
    if sentence_kind == "quantity" and not any(entity.label_ in NUMBER_LABELS for entity in entities):
        return "event" if any(entity.label_ in DATE_LABELS for entity in entities) else "statement"
    return sentence_kind


def _entities(sentence: ParsedSentence, mentions: list[Span], names: CanonicalNames, inside: set[int]) -> list[dict]:
    """Named entities with canonical names, plus untagged short forms of people named elsewhere."""
    found: dict[tuple[str, str], int] = {}
    for entity in mentions:
        found.setdefault((entity.text, entity.label_), entity.start)
    tagged = {index for entity in sentence.entities for index in range(entity.start, entity.end)}
    run: list[Token] = []
    for token in [*sentence.span, None]:
        if token is not None and token.pos_ == "PROPN" and token.i not in tagged and token.i in inside:
            run.append(token)
            continue
        if run:
            mention = sentence.span.doc[run[0].i : run[-1].i + 1]
            if names.full_person_name(mention.text):
                found.setdefault((mention.text, "PERSON"), mention.start)
            run = []
    ordered = sorted(found.items(), key=lambda item: item[1])
    return [
        {"text": text, "label": label, "canonical": names.canonical(text)} for (text, label), _ in ordered
    ]


def _trim(parse_text: str, start: int, end: int) -> tuple[int, int]:
    """The span without the blanks (and blanked bullets or controls) around it."""
    while start < end and parse_text[start].isspace():
        start += 1
    while end > start and parse_text[end - 1].isspace():
        end -= 1
    return start, end
