"""extract_claims: article text or HTML in, sentence-level claims out (pure, no I/O)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import spacy
from spacy.tokens import Span, Token

from .atoms import Atom
from .attribution import speaker_name, speaker_phrase, speech_verb
from .boilerplate import boilerplate_flags
from .claims import ClaimDate, ExtractedClaim, ExtractionResult
from .coreference import ArticleContext
from .dates import entity_iso, is_relative_date
from .decomposition import decompose
from .entities import CanonicalNames, NameMention, claim_entities, name_mentions
from .genders import person_genders
from .kinds import atom_kind
from .language import DEFAULT_LANGUAGE, detect_language, normalise_language
from .lexicon import DATE_LABELS, NAME_LABELS
from .lists import (
    has_finite_verb,
    is_lead_in,
    is_list_item,
    is_list_marker,
    list_item_claims,
    term_definition,
    with_list_items,
)
from .merging import merge_near_duplicates
from .model import load_nlp
from .rendering import render
from .scoring import SCORE_FLOOR, SentenceAnalysis, analyse_claim, analyse_sentence, is_opinion, learned_logits
from .sentences import ParsedSentence, parse_sentences, quoted_tokens
from .text import (
    Block,
    curly_apostrophes,
    html_title,
    html_to_text,
    normalise_whitespace,
    parse_safe,
    split_blocks,
    trim,
    with_curly_apostrophes,
)

# Longer "sentences" are lists, tables or run-ons: no checker can use them as one claim.
MAX_SENTENCE_CHARS = 1500
# Below it, an opinion, question or command without a name, number or date yields no claim.
UNANCHORED_OPINION_FLOOR = 0.25
# "Term: description" items rewritten and parsed again per article: a parse each, so bounded.
MAX_REPARSED_ITEMS = 200
# Title-case lines without a verb read again in sentence case ("New Evidence That the Ship Sank"):
# headlines are short and few; an article of nothing but capitalised words must not parse twice.
MAX_RECASED_LINES = 20
MAX_RECASED_TOKENS = 40
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
    flags = with_list_items(text, blocks, boilerplate_flags(text, blocks))
    if len(blocks) > 1 and _is_headline(text[blocks[0].start : blocks[0].end], title):
        # The headline restates the article in short; it names people for linking, as the title.
        flags[0] = True
    kept = _distinct_blocks(text, [block for block, boilerplate in zip(blocks, flags) if not boilerplate])
    if not kept:
        return ExtractionResult(text=text, language=detected, skipped_reason="empty_after_boilerplate")

    nlp = nlp or load_nlp()
    parse_text = parse_safe(text)
    sentences = list(parse_sentences(nlp, parse_text, kept))
    title_doc = nlp(parse_safe(title)[:1000]) if title and title.strip() else None
    names = CanonicalNames(_name_mentions(sentences, title_doc))

    genders = person_genders(((sentence.span, sentence.entities) for sentence in sentences), names)
    context = ArticleContext(names=names, base=base, genders=genders)
    if title_doc is not None and len(title_doc):
        # "Ferry captain Mari Tamm retires" over "She has sailed ...": the headline names whom the
        # first pronouns stand for, though it yields no claim itself.
        headline = next(iter(title_doc.sents))
        context.remember(headline, tuple(entity for entity in title_doc.ents if entity.end <= headline.end))
    claims: list[ExtractedClaim] = []
    # The sentence, or the list, each claim comes from: claims of one are alike by construction.
    sources: list[int] = []
    lead_in: ExtractedClaim | None = None
    in_list = False
    items_reparsed = 0
    # Title-case lines read again in sentence case: a parse each, so bounded like the list items.
    recased = 0
    for index, sentence in enumerate(sentences):
        recase = None
        if recased < MAX_RECASED_LINES and len(sentence.span) <= MAX_RECASED_TOKENS and _title_case(sentence.span):
            recased += 1
            recase = nlp
        if in_list and is_list_marker(sentence):
            # "1." parsed as a sentence of its own, apart from its item.
            continue
        if in_list and is_list_item(sentence) and (
                not has_finite_verb(sentence.span) or term_definition(sentence.span) is not None):
            items_reparsed += 1
            item_claims = list_item_claims(text, parse_text, sentence, lead_in, context,
                                           nlp if items_reparsed <= MAX_REPARSED_ITEMS else None)
            # Neither a definition nor completed by a lead-in: the item reads as a sentence.
            sentence_claims = (item_claims if item_claims is not None
                               else _claims(text, parse_text, sentence, context, recase))
        else:
            sentence_claims = _claims(text, parse_text, sentence, context, recase)
            # "The four winners were:" says nothing alone; its list items complete it.
            in_list = is_lead_in(sentence)
            lead_in = sentence_claims[0] if in_list and len(sentence_claims) == 1 else None
            source = index
            if in_list:
                sentence_claims = []
        claims += sentence_claims
        sources += [source] * len(sentence_claims)
        context.remember(sentence.span, sentence.entities)
    claims = merge_near_duplicates(claims, sources)
    if curly_apostrophes(text):
        # The parse read "It’s" as "It's" (parse_safe); the claims write it as the article did.
        claims = [_curly(claim) for claim in claims]
    return ExtractionResult(
        text=text,
        language=detected,
        claims=claims,
        skipped_reason=None if claims else "no_verifiable_sentences",
    )


def _curly(claim: ExtractedClaim) -> ExtractedClaim:
    claim.text = with_curly_apostrophes(claim.text)
    if claim.attribution:
        claim.attribution = with_curly_apostrophes(claim.attribution)
    claim.entities = [{key: with_curly_apostrophes(value) if isinstance(value, str) and key != "label" else value
                       for key, value in entity.items()} for entity in claim.entities]
    claim.dates = [{"text": with_curly_apostrophes(date["text"]), "iso": date["iso"]} for date in claim.dates]
    return claim


def warm_up(model_name: str | None = None) -> None:
    """Load everything extraction loads on first use (spaCy, both scorers, the gazetteer, the
    inflection tables) by extracting one written sentence: a worker does this before it forks,
    so its children share those pages instead of each growing on its first article."""
    extract_claims("Officials in Tartu said on 3 May 2024 that the bridge, closed in 2023, had reopened.",
                   published_at="2024-05-06", nlp=load_nlp(model_name))


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


def _name_mentions(sentences: list[ParsedSentence], title: spacy.tokens.Doc | None) -> Iterator[NameMention]:
    """Every entity mention of the kept text and the title."""
    for sentence in sentences:
        yield from name_mentions(sentence.entities)
    if title is not None:
        yield from name_mentions(title.ents)


def _relative_base(published_at: datetime.date | datetime.datetime | str | None) -> datetime.datetime | None:
    if not published_at:
        return None
    if isinstance(published_at, str):
        published_at = datetime.datetime.fromisoformat(published_at)
    if isinstance(published_at, datetime.datetime):
        # The publication's own calendar day is what "Thursday" and "last month" refer to.
        return published_at.replace(tzinfo=None)
    return datetime.datetime.combine(published_at, datetime.time())


def _claims(text: str, parse_text: str, sentence: ParsedSentence, context: ArticleContext,
            nlp: spacy.Language | None = None) -> list[ExtractedClaim]:
    """The atomic, self-contained claims of one sentence (none when it states nothing checkable).

    `nlp` is given for a title-case line, to read it again in sentence case when it shows no verb."""
    start, end = trim(parse_text, sentence.start, sentence.end)
    if end - start > MAX_SENTENCE_CHARS or end <= start:
        return []
    analysis = analyse_sentence(sentence.span, sentence.entities)
    if not analysis.has_verb and nlp is not None:
        # "Ferry Operator: New Evidence That the Ship Sank in the Storm": capitals make the tagger see
        # no verb; read in sentence case, it states a claim, kept whole as written.
        recased = nlp(_sentence_case(sentence.span.text))
        analysis = analyse_sentence(recased[:], tuple(recased.ents), learned_logits([sentence.span])[0])
        if not analysis.has_verb or analysis.score < SCORE_FLOOR or (
                analysis.score < UNANCHORED_OPINION_FLOOR and not _verifiable(analysis.reasons)):
            return []
        analysis.attribution = None
        return _claims_of_atoms(text, sentence, context, analysis, [Atom(list(sentence.span))], start, end)
    if not analysis.has_verb or analysis.score < SCORE_FLOOR:
        return []
    unanchored = analysis.score < UNANCHORED_OPINION_FLOOR and not _verifiable(analysis.reasons)
    if unanchored and not _opinion_only(analysis.reasons):
        return []
    atoms = decompose(sentence.span) if end - start <= MAX_DECOMPOSED_CHARS else [Atom(list(sentence.span))]
    if unanchored:
        # "Vitamin D helps the body absorb calcium and is essential for bone health": the judgement
        # goes, the fact beside it stays.
        quoted = quoted_tokens(sentence.span, sentence.open_quote)
        atoms = [atom for atom in atoms if len(atoms) > 1 and not is_opinion(
            [token for token in [*atom.lead, *atom.tokens] if token.i not in quoted])]
        if not atoms:
            return []
    attribution = analysis.attribution
    if attribution:
        # rule_analysis finds an attribution only from a speaker, and keeps that speaker with it.
        assert analysis.speaker is not None
        attribution = speaker_name(
            analysis.speaker, attribution, sentence.span, sentence.entities, context, sentence.open_quote)
    return _claims_of_atoms(text, sentence, context, analysis, atoms, start, end, attribution)


def _claims_of_atoms(text: str, sentence: ParsedSentence, context: ArticleContext, analysis: SentenceAnalysis,
                     atoms: list[Atom], start: int, end: int, attribution: str | None = None) -> list[ExtractedClaim]:
    claims = []
    for atom in atoms:
        rendered = render(atom, sentence.span, sentence.entities, context, sentence.open_quote)
        if not rendered.text:
            continue
        inside = {token.i for token in rendered.tokens}
        entities = tuple(entity for entity in sentence.entities if entity.start in inside)
        dates: list[ClaimDate] = []
        relative_dates = False
        for date in entities:
            if date.label_ not in DATE_LABELS or any(known["text"] == date.text for known in dates):
                continue
            relative_dates = relative_dates or is_relative_date(date.text)
            # In the tense of the clause the date modifies: "said Thursday that he will visit".
            dates.append({"text": date.text, "iso": entity_iso(date, context.base)})
        names = [entity for entity in entities if entity.label_ in NAME_LABELS]
        speaks = attribution is not None and _speaks_for(analysis, sentence.span, rendered.tokens, inside)
        own = atom.attribution if atom.speaker is None else speaker_name(
            atom.speaker, speaker_phrase(sentence.span, atom.speaker), sentence.span, sentence.entities, context,
            sentence.open_quote)
        claim_attribution = own if own is not None else attribution if speaks else None
        score, reasons = analyse_claim(sentence.span, sentence.entities, analysis, rendered.tokens,
                                       attributed=claim_attribution is not None)
        claims.append(ExtractedClaim(
            text=rendered.text,
            sentence=text[start:end],
            start=start,
            end=end,
            score=score,
            score_reasons=reasons,
            entities=claim_entities(sentence, names, context.names, inside),
            dates=dates,
            kind=atom_kind(analysis.kind, entities),
            attribution=claim_attribution and normalise_whitespace(claim_attribution),
            needs_context=rendered.needs_context,
            relative_dates_unresolved=relative_dates and context.base is None,
        ))
    return claims


def _speaks_for(analysis: SentenceAnalysis, sentence: Span, tokens: list[Token], inside: set[int]) -> bool:
    """Whether the sentence's speaker speaks for a claim of it: the claim keeps the verb that
    reports (or what "according to" names), or the speaker with a speech verb of its own ("X
    warned that ..."). "The mayor visited the crossing and said queues had doubled": the visit is
    the writer's report, not the mayor's."""
    speaker = analysis.speaker
    if speaker is None:
        return False
    reporter = analysis.speech_verb or speaker
    # Quotation marks as rule_analysis read them, over the whole sentence.
    quoted = quoted_tokens(token for token in sentence if not token.is_space)
    return reporter.i in inside or speaker.i in inside and speech_verb(tokens, quoted) is not None


def _title_case(sentence: Span) -> bool:
    """Most words capitalised, as in headlines ("New Evidence That the Ship Sank"), not all of them
    written in capitals."""
    words = [token for token in sentence if token.is_alpha and len(token) > 3]
    capitalised = [token for token in words if token.text[0].isupper()]
    return len(words) >= 4 and len(capitalised) >= 0.7 * len(words) and not all(
        token.is_upper for token in capitalised)


def _sentence_case(text: str) -> str:
    """The words in lower case but the first and those written in capitals ("COVID-19", "US")."""
    words = text.split(" ")
    return " ".join(word if index == 0 or word.isupper() or not word[:1].isupper() else word.lower()
                    for index, word in enumerate(words))


def _is_headline(first_block: str, title: str | None) -> bool:
    """The text opens with the title itself, or with its main part ("X | Site name" titles)."""
    if not title:
        return False
    first = normalise_whitespace(first_block)
    return len(first.split()) >= 2 and first in normalise_whitespace(title)


def _opinion_only(reasons: list[str]) -> bool:
    """An opinion that is neither a question nor a command: its other clauses may state facts."""
    return not set(reasons) & {"imperative", "question"}


def _verifiable(reasons: list[str]) -> bool:
    """Questions, opinions and commands state a fact only when they carry a checkable anchor."""
    present = set(reasons)
    return not (present & {"opinion", "imperative", "question"}) or bool(present & {"named_entity", "number", "date"})
