"""The article's main text: HTML to text, blocks with offsets, and a parse-safe copy."""

from __future__ import annotations

import re
from dataclasses import dataclass

import trafilatura

from .lexicon import CLOSING_PUNCTUATION, WORDS_ENDING_NO_SENTENCE

# Characters the parser should see as plain spaces: controls (line breaks included, since
# blocks are parsed one at a time), invisible format characters and lone surrogates.
# Replacing one character by one space keeps every offset valid in the original text.
_UNPARSEABLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e"
    "\u2060-\u206f\ufeff\ufff9-\ufffb\ufffe\uffff\ud800-\udfff]"
)
_LINE_BREAK = re.compile(r"\r\n|[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_BLANK = re.compile(r"[\s\x00-\x1f\x7f-\x9f\u200b-\u200f\u2060\ufeff]+")
_TERMINAL = tuple(".!?:;\"”’')]»…")
_BULLET = re.compile(r"^\s*(?:[-*•·▪–—]|\d{1,2}[.)])\s")
_LINE_BULLET = re.compile(r"(?:^|(?<=[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]))[ \t]*[-*•·▪–—](?=\s)")
_HARD_WRAP_MIN_LINES = 3
# A line of nothing but these ends the line before it: ".", ").", ",".
_CLOSING_MARKS = frozenset(".,;:!?…" + CLOSING_PUNCTUATION)
# An apostrophe inside a word ("It’s", "doesn’t", "Tom’s"). The model knows the contractions only with
# a straight one: with the curly one it tags "n’t" a noun and gives "’s" no lemma, so negations,
# tenses and expletive "it" go unseen. One character for one: offsets stay valid.
_CURLY_APOSTROPHE = re.compile(r"(?<=[^\W\d_])’(?=[^\W\d_])")
_STRAIGHT_APOSTROPHE = re.compile(r"(?<=[^\W\d_])'(?=[^\W\d_])")


@dataclass(frozen=True)
class Block:
    """A paragraph-like run of text: text[start:end], trimmed of surrounding blanks."""

    start: int
    end: int


def html_to_text(html: str) -> str:
    """The main text of an HTML page ('' when there is none or the page cannot be read)."""
    # Precision first keeps teasers and link lists out; some layouts then yield nothing,
    # and the default heuristics still find their article.
    return _extract_main_text(html, favor_precision=True) or _extract_main_text(html, favor_precision=False)


def html_title(html: str) -> str | None:
    """The page's headline as its metadata gives it (og:title, <title>, the first h1), if any."""
    try:
        metadata = trafilatura.extract_metadata(html)
    except (ValueError, TypeError, LookupError, AttributeError):
        return None
    return metadata.title if metadata is not None and metadata.title else None


def _extract_main_text(html: str, *, favor_precision: bool) -> str:
    try:
        extracted = trafilatura.extract(
            html,
            include_comments=False,
            include_tables=False,
            include_images=False,
            include_links=False,
            favor_precision=favor_precision,
            deduplicate=False,
        )
    except (ValueError, TypeError, LookupError, AttributeError):
        # lxml and its encoders raise these on pages that are not HTML at all.
        return ""
    return extracted or ""


def parse_safe(text: str) -> str:
    """`text` with characters that confuse the parser replaced by spaces, offsets unchanged.

    That includes list bullets at the start of a line, which the parser would take for words.
    """
    text = _LINE_BULLET.sub(lambda match: " " * len(match.group()), text)
    text = _CURLY_APOSTROPHE.sub("'", text)
    return _UNPARSEABLE.sub(" ", text)


def curly_apostrophes(text: str) -> bool:
    """`text` writes the apostrophes inside its words curly ("It’s") and never straight."""
    return _CURLY_APOSTROPHE.search(text) is not None and _STRAIGHT_APOSTROPHE.search(text) is None


def with_curly_apostrophes(text: str) -> str:
    """`text` with the apostrophes inside its words curly again, as the article wrote them."""
    return _STRAIGHT_APOSTROPHE.sub("’", text)


def normalise_whitespace(text: str) -> str:
    return _BLANK.sub(" ", text).strip()


def split_blocks(text: str) -> list[Block]:
    """Paragraph blocks of `text`: one per line, except that hard-wrapped lines rejoin."""
    lines = _lines(text)
    blocks: list[Block] = []
    paragraph: list[Block] = []
    for line in [*lines, None]:
        if line is not None and line.start < line.end:
            paragraph.append(line)
            continue
        # A blank line (or the end) closes a paragraph.
        blocks.extend(_join_wrapped(text, paragraph))
        paragraph = []
    return blocks


def _lines(text: str) -> list[Block]:
    lines = []
    position = 0
    for match in _LINE_BREAK.finditer(text):
        lines.append(_trimmed(text, position, match.start()))
        position = match.end()
    lines.append(_trimmed(text, position, len(text)))
    return lines


def _trimmed(text: str, start: int, end: int) -> Block:
    while start < end and _is_blank(text[start]):
        start += 1
    while end > start and _is_blank(text[end - 1]):
        end -= 1
    return Block(start, end)


def _is_blank(char: str) -> bool:
    return char.isspace() or bool(_UNPARSEABLE.match(char))


def _join_wrapped(text: str, lines: list[Block]) -> list[Block]:
    if not lines:
        return []
    if _looks_hard_wrapped(text, lines):
        return [Block(lines[0].start, lines[-1].end)]
    joined = [lines[0]]
    for line in lines[1:]:
        previous = joined[-1]
        if _continues(text[previous.start : previous.end], text[line.start : line.end]):
            joined[-1] = Block(previous.start, line.end)
        else:
            joined.append(line)
    return joined


def _continues(previous: str, line: str) -> bool:
    """A line continues the previous one when that one stops mid-sentence."""
    if _BULLET.match(line) or previous.endswith(_TERMINAL):
        return False
    if all(char in _CLOSING_MARKS or char.isspace() for char in line):
        return True  # the full stop a name set on its own line left behind
    if previous.rsplit(None, 1)[-1].lower() in WORDS_ENDING_NO_SENTENCE:
        return True  # "a new study in the" / "Baltic Journal of Medicine", whatever its case
    first = line[0]
    return first.islower() or first.isdigit() or (previous.endswith((",", "-")) and not first.isupper())


def _looks_hard_wrapped(text: str, lines: list[Block]) -> bool:
    """Lines of nearly equal width that mostly stop mid-sentence (e-mail or terminal
    wrapping) form one paragraph; one paragraph per line is the more common layout."""
    if len(lines) < _HARD_WRAP_MIN_LINES:
        return False
    if sum(text[line.start : line.end].endswith(_TERMINAL) for line in lines[:-1]) >= len(lines[:-1]) / 2:
        return False
    widths = [line.end - line.start for line in lines[:-1]]
    widest = max(widths)
    if widest > 100 or widest < 40:
        return False
    if any(_BULLET.match(text[line.start : line.end]) for line in lines):
        return False
    return sum(width >= 0.75 * widest for width in widths) >= 0.8 * len(widths)


def trim(parse_text: str, start: int, end: int) -> tuple[int, int]:
    """The span without the blanks (and blanked bullets or controls) around it."""
    while start < end and parse_text[start].isspace():
        start += 1
    while end > start and parse_text[end - 1].isspace():
        end -= 1
    return start, end
