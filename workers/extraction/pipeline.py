"""extract_claims: article text or HTML in, sentence-level claims out (pure, no I/O)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import spacy
from spacy.tokens import Span, Token

from .boilerplate import boilerplate_flags
from .claims import ExtractedClaim, ExtractionResult
from .dates import is_relative_date, resolve_date
from .entities import CanonicalNames
from .language import DEFAULT_LANGUAGE, detect_language, normalise_language
from .model import load_nlp
from .scoring import SCORE_FLOOR, analyse_sentence
from .sentences import ParsedSentence, parse_sentences
from .text import Block, html_to_text, normalise_whitespace, parse_safe, split_blocks

# Longer "sentences" are lists, tables or run-ons: no checker can use them as one claim.
MAX_SENTENCE_CHARS = 1500


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

    claims: list[ExtractedClaim] = []
    seen: set[str] = set()
    for sentence in sentences:
        claim = _claim(text, parse_text, sentence, names, base)
        if claim is None:
            continue
        key = claim.text.casefold()
        if key in seen:
            continue
        seen.add(key)
        claims.append(claim)
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


def _claim(
    text: str,
    parse_text: str,
    sentence: ParsedSentence,
    names: CanonicalNames,
    base: datetime.datetime | None,
) -> ExtractedClaim | None:
    start, end = _trim(parse_text, sentence.start, sentence.end)
    if end - start > MAX_SENTENCE_CHARS or end <= start:
        return None
    analysis = analyse_sentence(sentence.span, sentence.entities)
    if not analysis.has_verb or analysis.score < SCORE_FLOOR:
        return None

    dates = []
    relative_dates = False
    for date_text in dict.fromkeys(entity.text for entity in analysis.dates):
        relative_dates = relative_dates or is_relative_date(date_text)
        dates.append({"text": date_text, "iso": resolve_date(date_text, base, analysis.future)})

    sentence_text = text[start:end]
    return ExtractedClaim(
        text=normalise_whitespace(parse_text[start:end]),
        sentence=sentence_text,
        start=start,
        end=end,
        score=analysis.score,
        score_reasons=analysis.reasons,
        entities=_entities(sentence, analysis.names, names),
        dates=dates,
        kind=analysis.kind,
        attribution=analysis.attribution,
        needs_context=analysis.needs_context,
        relative_dates_unresolved=relative_dates and base is None,
    )


def _entities(sentence: ParsedSentence, mentions: list[Span], names: CanonicalNames) -> list[dict]:
    """Named entities with canonical names, plus untagged short forms of people named elsewhere."""
    found: dict[tuple[str, str], int] = {}
    for entity in mentions:
        found.setdefault((entity.text, entity.label_), entity.start)
    tagged = {index for entity in sentence.entities for index in range(entity.start, entity.end)}
    run: list[Token] = []
    for token in [*sentence.span, None]:
        if token is not None and token.pos_ == "PROPN" and token.i not in tagged:
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
