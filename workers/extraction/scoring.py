"""Check-worthiness of a parsed sentence: rule reasons, the trained model's score, stance."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from spacy.tokens import Span, Token

from .attribution import is_reported, speaker, speaker_phrase, speech_verb
from .checkworthiness import feature_names, load_learned, load_model
from .dates import is_specific_date
from .kinds import sentence_kind
from .lexicon import (
    ANY_SUBJECT_DEPS,
    CAUSAL_LEMMAS,
    CLASSIFYING_ADJECTIVES,
    CLOSING_PUNCTUATION,
    COMPARISON_TAGS,
    DATE_LABELS,
    FIRST_PERSON,
    NAME_LABELS,
    NEUTRAL_LY_ADVERBS,
    NUMBER_LABELS,
    OBJECT_DEPS,
    OPINION_VERBS,
    OPINION_WORDS,
    PREDICTION_MODALS,
    QUOTE_MARKS,
    SECOND_PERSON,
    SINGLE_QUOTES,
    STANCE_ADVERBS,
    VAGUE_WORDS,
)
from .sentences import after_quote_mark, quoted_tokens

# Below it a sentence yields no claim; at or above the threshold a checker should look at it.
# The learned scorer's own threshold, chosen on a held-out 10% of ClaimBuster, is in
# workers/extraction/models/checkworthiness.json (scripts/train_checkworthiness_minilm.py); the
# floor is tuned on the tuning halves of the development files (benchmarks/eval_extraction.py).
# Floor: the highest that keeps every tuning-half figure and the example article at their best
# (0.03 lost a paragraph of the example). Threshold: best CT24 F1 on the tuning half, 0.20
# (ClaimBuster's validation split, debate sentences only, puts the model's own at 0.36).
SCORE_FLOOR = 0.02
CHECKWORTHY_THRESHOLD = 0.2

# The score's logit: the fine-tuned MiniLM's, plus the hashed-feature model's (rule reasons,
# words, tags) at RULES_WEIGHT, minus STANCE_SCALE times the author's stance. Chosen on the tuning
# halves (CT24 F1, CT19 MAP): the rule model added nothing (weights 0.25-1 lost 0.01-0.02 MAP) and
# full stance cost 0.01 F1 and 0.02 MAP; a tenth of it keeps stance ordering opinions lower.
LEARNED_WEIGHT = 1.0
RULES_WEIGHT = 0.0
STANCE_SCALE = 0.1
# The reason listed first when the learned model alone puts a sentence at or above the threshold.
MODEL_REASON = "model"

# The author's own stance (CheckThat! 2025 subjectivity): evaluative adjectives, stance adverbs and
# modals outside quotes and reported speech. Not model features: each lowers the model's logit by
# its weight per word, tuned on the development files (benchmarks/eval_extraction.py).
STANCE_WEIGHTS = {"evaluative": 1.5, "stance_adverb": 0.5, "author_modal": 1.0}
# What others said is theirs, not the author's: attribution and quoted words give back up to
# STANCE_CREDIT_MAX of logit (ATTRIBUTION_CREDIT, plus QUOTE_CREDIT times the quoted share).
ATTRIBUTION_CREDIT = 2.0
QUOTE_CREDIT = 6.0
STANCE_CREDIT_MAX = 3.0

# Reasons that lower a score; the others raise it (the trained weights agree on the signs).
LOWERING_REASONS = frozenset(
    {"question", "first_person", "second_person", "imperative", "prediction", "opinion", "vague"}
) | frozenset(STANCE_WEIGHTS)
# Reasons only a whole sentence shows (its end mark, its root): a claim cut from it inherits them.
SENTENCE_REASONS = frozenset({"question", "imperative"})
ALL_REASONS = frozenset(
    {"subject_verb_object", "named_entity", "number", "date", "comparative", "reporting_verb", "causal"}
) | LOWERING_REASONS


@dataclass
class SentenceAnalysis:
    """What scoring found in one sentence."""

    has_verb: bool
    score: float = 0.0
    reasons: list[str] = field(default_factory=list)
    kind: str = "statement"
    attribution: str | None = None
    # The head word of the attribution ("she", "Brekke", "ministry"), for resolving it in context.
    speaker: Token | None = None
    # The verb that reports ("said"); None for "according to".
    speech_verb: Token | None = None
    future: bool = False
    names: list[Span] = field(default_factory=list)
    dates: list[Span] = field(default_factory=list)
    # How much the author's own stance lowers the model's logit (attribution can make it negative).
    stance: float = 0.0
    # The fine-tuned model's logit for the whole sentence (its claims share it).
    learned_logit: float = 0.0


def analyse_sentence(sentence: Span, entities: tuple[Span, ...],
                     learned_logit: float | None = None) -> SentenceAnalysis:
    """Features, check-worthiness score and reasons, kind, attribution of `sentence`.

    `learned_logit`: the fine-tuned model's logit, when the caller has it; else the model reads
    `sentence` (only when it has a verb: a sentence without one yields no claim)."""
    analysis = rule_analysis(sentence, entities)
    if analysis.has_verb:
        if learned_logit is None:
            learned_logit = float(learned_logits([sentence])[0])
        _score(analysis, sentence, learned_logit)
    return analysis


def analyse_claim(sentence: Span, entities: tuple[Span, ...], of_sentence: SentenceAnalysis,
                  tokens: list[Token], *, attributed: bool) -> tuple[float, list[str]]:
    """The score and reasons of one claim cut from `sentence` (`of_sentence`: the sentence's
    analysis): the rules read only the claim's own `tokens`, so the clause split off "This will
    be his first trip since Moscow launched its offensive" is no prediction, and a clause without
    the sentence's evaluative word is not lowered for it. The learned model's logit stays the
    sentence's (the model reads sentences); `attributed`: the claim carries an attribution."""
    own = {token.i for token in tokens}
    if own >= {token.i for token in sentence if not (token.is_space or token.is_punct)}:
        return of_sentence.score, list(of_sentence.reasons)
    analysis = rule_analysis(sentence, tuple(entity for entity in entities if entity.start in own),
                             tokens=tokens, attributed=attributed)
    # A question's or an order's clauses are still asked or ordered.
    analysis.reasons += [reason for reason in of_sentence.reasons
                         if reason in SENTENCE_REASONS and reason not in analysis.reasons]
    _score(analysis, sentence, of_sentence.learned_logit)
    return analysis.score, analysis.reasons


def _score(analysis: SentenceAnalysis, sentence: Span, learned_logit: float) -> None:
    """Set the analysis's score from the learned logit and its stance; order its reasons."""
    analysis.learned_logit = learned_logit
    logit = model_logit(sentence, analysis.reasons, learned_logit)
    lowered = _sigmoid(logit - STANCE_SCALE * analysis.stance)
    # Stance reorders claims but does not on its own drop one the model keeps above the floor.
    analysis.score = round(max(lowered, min(_sigmoid(logit), SCORE_FLOOR)), 3)
    # Strongest evidence first, as the rule model and the stance weights weigh it; the learned
    # model's own verdict ("model": it alone puts the sentence at or above the threshold) leads.
    rules = load_model()
    weights = {**rules.reason_weights, **{reason: -weight for reason, weight in STANCE_WEIGHTS.items()}}
    analysis.reasons.sort(key=lambda reason: -abs(weights.get(reason, 0.0)))
    if _sigmoid(learned_logit) >= CHECKWORTHY_THRESHOLD:
        analysis.reasons.insert(0, MODEL_REASON)


def learned_logits(sentences: list[Span]) -> list[float]:
    """The fine-tuned model's logits for `sentences`, each as it scores alone."""
    return [float(value) for value in load_learned().logits([sentence.text for sentence in sentences])]


def model_logit(sentence: Span, reasons: list[str], learned_logit: float) -> float:
    """The score's logit before the author's stance: learned model, plus the rule model if weighed."""
    logit = LEARNED_WEIGHT * learned_logit
    if RULES_WEIGHT:
        logit += RULES_WEIGHT * load_model().logit(model_feature_names(sentence, reasons))
    return logit


def _sigmoid(logit: float) -> float:
    return float(1.0 / (1.0 + np.exp(-logit)))


def model_feature_names(sentence: Span, reasons: list[str]) -> list[str]:
    """The trained model's features: stance reasons are weighed apart, not learnt."""
    return feature_names(sentence, [reason for reason in reasons if reason not in STANCE_WEIGHTS])


def rule_analysis(sentence: Span, entities: tuple[Span, ...], *, tokens: list[Token] | None = None,
                  attributed: bool = False) -> SentenceAnalysis:
    """What the rules see in `sentence`: reasons, kind, attribution; no score yet. `tokens`: only
    those words of it (one claim's), `entities` among them; what only a whole sentence shows
    (SENTENCE_REASONS) is then left to the caller, and `attributed` says whether the words are
    reported speech."""
    whole = tokens is None
    every = [token for token in sentence if not token.is_space]
    tokens = every if tokens is None else [token for token in tokens if not token.is_space]
    has_verb = any(token.pos_ in ("VERB", "AUX") for token in tokens)
    analysis = SentenceAnalysis(has_verb=has_verb)

    quoted = quoted_tokens(every)  # a claim's words may open or close a quotation without the other mark
    analysis.names = [entity for entity in entities if entity.label_ in NAME_LABELS]
    analysis.dates = [entity for entity in entities if entity.label_ in DATE_LABELS]
    entity_token_indexes = {index for entity in entities for index in range(entity.start, entity.end)}
    reasons: list[str] = []

    has_subject = any(token.dep_ in ANY_SUBJECT_DEPS for token in tokens)
    has_object = any(token.dep_ in OBJECT_DEPS for token in tokens)
    if has_subject and has_object:
        reasons.append("subject_verb_object")
    if analysis.names:
        reasons.append("named_entity")
    if _has_number(tokens, entities, entity_token_indexes):
        reasons.append("number")
    if any(is_specific_date(date.text) for date in analysis.dates):
        reasons.append("date")
    if any(token.tag_ in COMPARISON_TAGS and token.i not in entity_token_indexes for token in tokens):
        reasons.append("comparative")

    verb = speech_verb(tokens, quoted)
    head = speaker(sentence, tokens, verb)
    attribution = speaker_phrase(sentence, head) if head is not None else None
    if attributed or verb is not None or attribution is not None:
        reasons.append("reporting_verb")
    if any(_is_causal(token) for token in tokens):
        reasons.append("causal")

    if whole and _is_question(sentence.text):
        reasons.append("question")
    unquoted = [token for token in tokens if token.i not in quoted]
    if any(token.pos_ == "PRON" and token.lower_ in FIRST_PERSON for token in unquoted):
        reasons.append("first_person")
    if any(token.pos_ == "PRON" and token.lower_ in SECOND_PERSON for token in unquoted):
        reasons.append("second_person")
    if whole and _is_imperative(sentence, has_subject):
        reasons.append("imperative")
    analysis.future = any(token.tag_ == "MD" and token.lower_ in PREDICTION_MODALS for token in tokens)
    if analysis.future:
        reasons.append("prediction")
    if is_opinion(unquoted):
        reasons.append("opinion")
    if any(token.lower_ in VAGUE_WORDS for token in unquoted):
        reasons.append("vague")
    attributed = attributed or attribution is not None or verb is not None
    analysis.stance = _author_stance(tokens, every, entity_token_indexes, attributed, reasons)

    analysis.reasons = reasons
    analysis.attribution = attribution
    analysis.speaker = head
    analysis.speech_verb = verb if head is not None else None
    analysis.kind = sentence_kind(tokens, reasons, quoted, attribution, analysis.names, analysis.dates)
    return analysis


def _author_stance(tokens: list[Token], sentence: list[Token], entity_token_indexes: set[int],
                   attributed: bool, reasons: list[str]) -> float:
    """Logit penalty for the author's evaluative words and modals among `tokens` (of `sentence`);
    adds their reasons to `reasons`."""
    quoted = _speech_token_indexes(sentence)
    counts = dict.fromkeys(STANCE_WEIGHTS, 0)
    for token in tokens:
        if token.i in quoted or token.i in entity_token_indexes or is_reported(token):
            continue
        if token.pos_ == "ADJ" and token.tag_ == "JJ" and token.is_alpha and (
                token.lower_ not in CLASSIFYING_ADJECTIVES):
            counts["evaluative"] += 1
        elif token.pos_ == "ADV" and (token.lower_ in STANCE_ADVERBS or (
                token.lower_.endswith("ly") and token.lower_ not in NEUTRAL_LY_ADVERBS)):
            counts["stance_adverb"] += 1
        elif token.tag_ == "MD":
            counts["author_modal"] += 1
    if "number" in reasons:
        # Figures anchor a checkable claim; debaters' check-worthy claims judge them ("a disastrous
        # 7 percent"), and penalising those cost the ct19 ranking.
        counts["evaluative"] = 0
    reasons += [reason for reason, count in counts.items() if count]
    penalty = sum(STANCE_WEIGHTS[reason] * count for reason, count in counts.items())
    quoted_share = sum(token.i in quoted for token in tokens) / max(len(tokens), 1)
    credit = ATTRIBUTION_CREDIT * attributed + QUOTE_CREDIT * quoted_share
    return penalty - min(credit, STANCE_CREDIT_MAX)


def _speech_token_indexes(tokens: list[Token]) -> set[int]:
    """Tokens inside double or single quotation marks; a single mark opens after a space and closes
    right after a word, so apostrophes ("don't", "Reeves's") are not taken for quotes."""
    inside: set[int] = set()
    open_quote: str | None = None
    for position, token in enumerate(tokens):
        text = token.text
        previous = tokens[position - 1] if position else None
        if text in QUOTE_MARKS:
            open_quote = after_quote_mark(text, open_quote)
        elif text in SINGLE_QUOTES:
            if not open_quote and not token.whitespace_ and (
                    previous is None or previous.whitespace_ or previous.text in "([:—–-"):
                open_quote = "'"
            elif open_quote == "'" and previous is not None and not previous.whitespace_:
                open_quote = None
        elif open_quote:
            inside.add(token.i)
    return inside


def _has_number(tokens: list[Token], entities: tuple[Span, ...], entity_token_indexes: set[int]) -> bool:
    for entity in entities:
        if entity.label_ in NUMBER_LABELS and (entity.label_ != "CARDINAL" or entity.text.lower() != "one"):
            return True
    # Digits the model left untagged ("rose to 41.5"), but not those inside names or dates.
    return any(token.like_num and token.is_digit and token.i not in entity_token_indexes for token in tokens)


def _is_causal(token: Token) -> bool:
    if token.lemma_ in CAUSAL_LEMMAS:
        return True
    # "led to", "resulted in", "stems from"
    return token.lemma_ in ("lead", "result", "stem") and any(
        child.lower_ in ("to", "in", "from") for child in token.children
    )


def _is_question(text: str) -> bool:
    return text.rstrip().rstrip(CLOSING_PUNCTUATION).endswith("?")


def _is_imperative(sentence: Span, has_subject: bool) -> bool:
    root = sentence.root
    return not has_subject and root.pos_ == "VERB" and root.tag_ == "VB" and not any(
        child.dep_ in ("aux", "auxpass", "mark") for child in root.children
    )


def is_opinion(unquoted: list[Token]) -> bool:
    """Whether the words hold the writer's own judgement ("essential", "I think")."""
    for token in unquoted:
        if token.lemma_ not in OPINION_WORDS and token.lower_ not in OPINION_WORDS:
            continue
        if token.lemma_ in OPINION_VERBS or token.lower_ in OPINION_VERBS:
            # "I think": an opinion when the speaker owns it.
            verb = token if token.pos_ == "VERB" else token.head
            speakers = FIRST_PERSON | SECOND_PERSON
            if any(child.dep_ == "nsubj" and child.lower_ in speakers for child in verb.children):
                return True
            continue
        if token.pos_ in ("ADJ", "ADV"):
            return True
    return False
