"""Parsing the kept blocks with spaCy in one batch, keeping offsets into the article text."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import spacy
from spacy.tokens import Span, Token

from .lexicon import CLOSING_QUOTES, DATE_LABELS, FREQUENCY_WORDS, OPENING_QUOTES, QUOTE_MARKS
from .text import Block

# Far below spaCy's max_length, so memory and time per document stay modest.
MAX_CHUNK_CHARS = 100_000
_BATCH_SIZE = 64
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*\s")
_WHITESPACE = re.compile(r"\s")


@dataclass(frozen=True)
class ParsedSentence:
    """A spaCy sentence, its entities, and where its document starts in the article text."""

    span: Span
    entities: tuple[Span, ...]
    offset: int
    # The mark of a quotation the paragraph opened before this sentence and has not closed yet.
    open_quote: str | None = None

    @property
    def start(self) -> int:
        return self.offset + self.span.start_char

    @property
    def end(self) -> int:
        return self.offset + self.span.end_char


def chunk_block(parse_text: str, block: Block, limit: int = MAX_CHUNK_CHARS) -> list[Block]:
    """`block` cut into pieces of at most `limit` characters, at a sentence end or a space."""
    chunks = []
    start = block.start
    while block.end - start > limit:
        window = parse_text[start : start + limit]
        cut = _last_match_end(_SENTENCE_END, window, min_position=limit // 2)
        if cut is None:
            cut = _last_match_end(_WHITESPACE, window, min_position=limit // 2) or limit
        chunks.append(Block(start, start + cut))
        start += cut
    chunks.append(Block(start, block.end))
    return chunks


def _last_match_end(pattern: re.Pattern, window: str, *, min_position: int) -> int | None:
    last = None
    for match in pattern.finditer(window, min_position):
        last = match.end()
    return last


def parse_sentences(nlp: spacy.Language, parse_text: str, blocks: list[Block]) -> Iterator[ParsedSentence]:
    """The sentences of `blocks`, parsed in one nlp.pipe batch, in text order."""
    limit = min(MAX_CHUNK_CHARS, nlp.max_length)
    chunks = [chunk for block in blocks for chunk in chunk_block(parse_text, block, limit)]
    docs = nlp.pipe((parse_text[chunk.start : chunk.end] for chunk in chunks), batch_size=_BATCH_SIZE)
    for chunk, doc in zip(chunks, docs):
        # Span.ents scans every entity of the document: walk both lists once instead.
        entities = [entity for entity in doc.ents if not _frequency_only(entity)]
        position = 0
        open_quote = None
        for sentence in doc.sents:
            while position < len(entities) and entities[position].start < sentence.start:
                position += 1
            first = position
            while position < len(entities) and entities[position].end <= sentence.end:
                position += 1
            yield ParsedSentence(sentence, tuple(entities[first:position]), chunk.start, open_quote)
            open_quote = quote_state(sentence, open_quote)


def _frequency_only(entity: Span) -> bool:
    """A DATE that says how often, not when ("annual")."""
    return entity.label_ in DATE_LABELS and all(token.lower_ in FREQUENCY_WORDS for token in entity)


def quote_state(tokens: Iterable[Token], open_quote: str | None = None) -> str | None:
    """The quotation still open after `tokens`, given the one open before them."""
    for token in tokens:
        open_quote = after_quote_mark(token.text, open_quote)
    return open_quote


def quoted_tokens(tokens: Iterable[Token], open_quote: str | None = None) -> set[int]:
    """Indexes of the tokens inside quotation marks (the marks left out)."""
    inside = set()
    for token in tokens:
        if token.text in QUOTE_MARKS:
            open_quote = after_quote_mark(token.text, open_quote)
        elif open_quote:
            inside.add(token.i)
    return inside


def after_quote_mark(text: str, open_quote: str | None) -> str | None:
    """The quotation open after the mark `text`, given the one open before it."""
    if text in OPENING_QUOTES:
        return text
    if text in CLOSING_QUOTES:
        return None
    if text == '"':
        return None if open_quote else '"'
    return open_quote
