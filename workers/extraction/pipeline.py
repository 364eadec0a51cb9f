"""extract_claims: article text or HTML in, sentence-level claims out (pure, no I/O)."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator

import spacy
from spacy.tokens import Span, Token

from .boilerplate import boilerplate_flags
from .claims import ExtractedClaim, ExtractionResult
from .context import ArticleContext, render
from .dates import is_relative_date, resolve_date
from .decomposition import Atom, decompose
from .entities import NAME_LABELS, CanonicalNames
from .language import DEFAULT_LANGUAGE, detect_language, normalise_language
from .merging import merge_near_duplicates
from .model import load_nlp
from .scoring import DATE_LABELS, NUMBER_LABELS, SCORE_FLOOR, analyse_sentence
from .sentences import ParsedSentence, parse_sentences
from .text import Block, html_to_text, normalise_whitespace, parse_safe, split_blocks

# Longer "sentences" are lists, tables or run-ons: no checker can use them as one claim.
MAX_SENTENCE_CHARS = 1500
_FINITE_TAGS = frozenset({"VBD", "VBZ", "VBP", "MD"})
_LIST_MARKER = re.compile(r"^(?:\d{1,2}[.)]|[-*•·▪–—])\s*")
# Below it, an opinion, question or command without a name, number or date yields no claim.
UNANCHORED_OPINION_FLOOR = 0.25
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
    text = text or ""
    detected = normalise_language(language) if language else detect_language(text)
    if not text.strip():
        return ExtractionResult(text=text, language=detected, skipped_reason="no_text")
    if detected != DEFAULT_LANGUAGE:
        return ExtractionResult(text=text, language=detected, skipped_reason="non_english")

    blocks = split_blocks(text)
    flags = boilerplate_flags(text, blocks)
    kept = _distinct_blocks(text, [block for block, boilerplate in zip(blocks, flags) if not boilerplate])
    if not kept:
        return ExtractionResult(text=text, language=detected, skipped_reason="empty_after_boilerplate")

    nlp = nlp or load_nlp()
    parse_text = parse_safe(text)
    sentences = list(parse_sentences(nlp, parse_text, kept))
    names = CanonicalNames(_name_mentions(sentences, title, nlp))

    context = ArticleContext(names=names, base=base)
    claims: list[ExtractedClaim] = []
    lead_in: ExtractedClaim | None = None
    for sentence in sentences:
        if lead_in is not None and _is_list_item(sentence) and not _has_finite_verb(sentence.span):
            claims += _list_item_claims(text, parse_text, sentence, lead_in, context)
        else:
            lead_in = None
            sentence_claims = _claims(text, parse_text, sentence, context)
            if _is_lead_in(sentence):
                # "The four winners were:" says nothing alone; its list items complete it.
                lead_in = sentence_claims[0] if len(sentence_claims) == 1 else None
            else:
                claims += sentence_claims
        context.remember(sentence.span, sentence.entities)
    claims = merge_near_duplicates(claims)
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
    claims = []
    for atom in atoms:
        rendered = render(atom, sentence.span, sentence.entities, context)
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
            attribution=analysis.attribution,
            needs_context=rendered.needs_context,
            relative_dates_unresolved=relative_dates and context.base is None,
        ))
    return claims


def _is_lead_in(sentence: ParsedSentence) -> bool:
    return sentence.span.text.rstrip().endswith(":") and sentence.span.end == len(sentence.span.doc)


def _is_list_item(sentence: ParsedSentence) -> bool:
    """A short block of its own, as list items are ("1. Ada Lovelace (1815-1852)")."""
    return sentence.span.start == 0 and sentence.span.end == len(sentence.span.doc) and len(sentence.span) <= 40


def _has_finite_verb(sentence: Span) -> bool:
    return any(token.tag_ in _FINITE_TAGS for token in sentence)


def _list_item_claims(text: str, parse_text: str, sentence: ParsedSentence, lead_in: ExtractedClaim,
                      context: ArticleContext) -> list[ExtractedClaim]:
    """A verbless list item completed by the sentence that introduces the list."""
    start, end = _trim(parse_text, sentence.start, sentence.end)
    item = _LIST_MARKER.sub("", normalise_whitespace(parse_text[start:end])).rstrip(" .;,")
    if end <= start or not item:
        return []
    names = [entity for entity in sentence.entities if entity.label_ in NAME_LABELS]
    inside = {token.i for token in sentence.span}
    return [ExtractedClaim(
        text=f"{lead_in.text.rstrip(' :.')} {item}.",
        sentence=text[start:end],
        start=start,
        end=end,
        score=lead_in.score,
        score_reasons=list(lead_in.score_reasons),
        entities=_entities(sentence, names, context.names, inside),
        dates=[{"text": entity.text, "iso": resolve_date(entity.text, context.base)}
               for entity in sentence.entities if entity.label_ in DATE_LABELS],
        kind=lead_in.kind,
        attribution=lead_in.attribution,
        needs_context=lead_in.needs_context,
        relative_dates_unresolved=lead_in.relative_dates_unresolved,
    )]


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
