"""Check-worthiness of a parsed sentence: features, a score with reasons, kind and speaker."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from spacy.tokens import Span, Token

from .checkworthiness import feature_names, load_model
from .dates import is_specific_date
from .entities import NAME_LABELS
from .sentences import QUOTE_MARKS, after_quote_mark, quoted_tokens

# Below it a sentence yields no claim; at or above the threshold a checker should look at it.
# Both are tuned on the development files (benchmarks/eval_extraction.py).
SCORE_FLOOR = 0.03
CHECKWORTHY_THRESHOLD = 0.3

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
ALL_REASONS = frozenset(
    {"subject_verb_object", "named_entity", "number", "date", "comparative", "reporting_verb", "causal"}
) | LOWERING_REASONS

NUMBER_LABELS = frozenset({"CARDINAL", "MONEY", "PERCENT", "QUANTITY"})
DATE_LABELS = frozenset({"DATE"})
REPORTING_VERBS = frozenset(
    {
        "say", "tell", "state", "announce", "claim", "add", "report", "confirm", "deny", "insist",
        "argue", "warn", "note", "explain", "write", "accuse", "allege", "acknowledge", "admit",
        "estimate", "reveal", "declare", "assert", "testify", "tweet", "urge", "disclose",
        "maintain", "contend", "reply", "respond", "stress", "emphasize", "emphasise", "predict",
    }
)
_FIRST_PERSON = frozenset({"i", "me", "my", "mine", "myself", "we", "us", "our", "ours", "ourselves"})
_SECOND_PERSON = frozenset({"you", "your", "yours", "yourself", "yourselves"})
_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj", "csubjpass", "expl"})
_OBJECT_DEPS = frozenset({"dobj", "attr", "acomp", "ccomp", "xcomp", "pobj", "dative", "oprd", "agent"})
_PREDICTION_MODALS = frozenset(
    {"will", "'ll", "wo", "shall", "would", "could", "may", "might", "should", "must", "ought"}
)
_CAUSAL_LEMMAS = frozenset(
    {"because", "therefore", "thus", "hence", "consequently", "cause", "trigger", "due", "owing"}
)
_COMPARISON_TAGS = frozenset({"JJR", "RBR", "JJS", "RBS"})
_SPEAKER_DEPS = frozenset({"nsubj", "nsubjpass"})
_NOUN_MODIFIER_DEPS = frozenset({"det", "amod", "compound", "poss", "nmod", "case"})
_OPINION_WORDS = frozenset(
    {
        "good", "bad", "great", "terrible", "awful", "horrible", "wonderful", "amazing", "awesome",
        "excellent", "fantastic", "brilliant", "beautiful", "ugly", "ridiculous", "absurd", "stupid",
        "silly", "outrageous", "disgraceful", "shameful", "disgusting", "pathetic", "unfair",
        "unacceptable", "incredible", "unbelievable", "tremendous", "disastrous", "horrific",
        "nice", "lovely", "sad", "happy", "boring", "interesting", "exciting", "fascinating",
        "wrong", "perfect", "useless", "pointless",
        "crucial", "essential", "important", "vital", "necessary", "deserve", "clearly", "obviously",
        "unfortunately", "fortunately", "sadly", "hopefully", "frankly", "honestly", "surely",
        "arguably", "shocking", "appalling", "reckless", "foolish", "wise", "smart",
        "evil", "corrupt", "hypocritical", "misguided", "naive", "laughable", "insane", "crazy",
        "fabulous", "magnificent", "splendid", "lousy", "dreadful", "miserable", "glorious",
        "heroic", "cowardly", "believe", "think", "feel", "hope", "wish",
    }
)
# Opinion verbs mark an opinion only when the speaker owns them ("I think").
_OPINION_VERBS = frozenset({"believe", "think", "feel", "hope", "wish", "deserve"})

_VAGUE_WORDS = frozenset(
    {"some", "many", "several", "various", "often", "sometimes", "somewhat", "lots", "things",
     "stuff", "something", "someone", "somebody", "everything", "everyone", "everybody", "perhaps",
     "maybe", "probably", "possibly", "certain", "kind", "sort"}
)
_KIND_POLICY_LEMMAS = frozenset(
    {"law", "bill", "policy", "regulation", "ban", "sanction", "tax", "tariff", "legislation",
     "mandate", "decree", "ordinance", "budget", "subsidy", "reform", "treaty", "rule", "ruling",
     "court", "parliament", "congress", "senate", "vote", "veto", "legalize", "legalise", "regulate"}
)
_STATIVE_LEMMAS = frozenset({"be", "have", "become", "remain", "seem", "see", "consider", "regard", "call"})
# Adjectives that classify or count rather than judge ("former", "economic", "other").
_CLASSIFYING_ADJECTIVES = frozenset(
    """other more many much such same former last next own few several only first second third recent
    new economic social political national public private foreign military medical legal domestic federal
    financial international local fiscal chief main joint net annual daily weekly monthly early late total
    current previous final single double certain various further available additional general senior
    junior official human regional rural urban global western eastern northern southern central royal
    commercial industrial environmental digital online technical scientific academic clinical nuclear
    electric electoral presidential parliamentary constitutional judicial criminal civil corporate
    personal individual young old elderly male female black white red green blue yellow brown grey gray
    dark free full open due able likely possible unlike similar different separate specific particular
    entire whole top upper lower front back past future present""".split()
)
# Adverbs through which the author weighs in ("simply", "surely", "even"); -ly adverbs count too
# unless they only place or measure ("recently", "roughly", "publicly").
_STANCE_ADVERBS = frozenset(
    """just even yet surely perhaps indeed hardly simply merely truly really quite rather too so very
    ever maybe arguably certainly clearly obviously evidently""".split()
)
_NEUTRAL_LY_ADVERBS = frozenset(
    """recently previously currently reportedly allegedly officially formerly initially finally early
    only nearly roughly approximately mostly largely partly respectively annually daily weekly monthly
    yearly publicly privately directly jointly separately subsequently eventually immediately shortly
    already likely lately usually typically generally originally later quickly slowly fully newly widely
    heavily closely rarely frequently occasionally regularly apparently""".split()
)
_SINGLE_QUOTES = frozenset({"'", "‘", "’"})
_CLOSERS = "\"'”’)]»"
_MAX_ATTRIBUTION_TOKENS = 12


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
    future: bool = False
    names: list[Span] = field(default_factory=list)
    dates: list[Span] = field(default_factory=list)
    # How much the author's own stance lowers the model's logit (attribution can make it negative).
    stance: float = 0.0


def analyse_sentence(sentence: Span, entities: tuple[Span, ...]) -> SentenceAnalysis:
    """Features, check-worthiness score and reasons, kind, attribution of `sentence`."""
    analysis = rule_analysis(sentence, entities)
    if analysis.has_verb:
        model = load_model()
        logit = model.logit(model_feature_names(sentence, analysis.reasons))
        lowered = _sigmoid(logit - analysis.stance)
        # Stance reorders claims but does not on its own drop one the model keeps above the floor.
        analysis.score = round(max(lowered, min(_sigmoid(logit), SCORE_FLOOR)), 3)
        # Strongest evidence first, as the model and the stance weights weigh it.
        weights = {**model.reason_weights, **{reason: -weight for reason, weight in STANCE_WEIGHTS.items()}}
        analysis.reasons.sort(key=lambda reason: -abs(weights.get(reason, 0.0)))
    return analysis


def _sigmoid(logit: float) -> float:
    return float(1.0 / (1.0 + np.exp(-logit)))


def model_feature_names(sentence: Span, reasons: list[str]) -> list[str]:
    """The trained model's features: stance reasons are weighed apart, not learnt."""
    return feature_names(sentence, [reason for reason in reasons if reason not in STANCE_WEIGHTS])


def rule_analysis(sentence: Span, entities: tuple[Span, ...]) -> SentenceAnalysis:
    """What the rules see in `sentence`: reasons, kind, attribution; no score yet."""
    tokens = [token for token in sentence if not token.is_space]
    has_verb = any(token.pos_ in ("VERB", "AUX") for token in tokens)
    analysis = SentenceAnalysis(has_verb=has_verb)

    quoted = quoted_tokens(tokens)
    analysis.names = [entity for entity in entities if entity.label_ in NAME_LABELS]
    analysis.dates = [entity for entity in entities if entity.label_ in DATE_LABELS]
    entity_token_indexes = {index for entity in entities for index in range(entity.start, entity.end)}
    reasons: list[str] = []

    has_subject = any(token.dep_ in _SUBJECT_DEPS for token in tokens)
    has_object = any(token.dep_ in _OBJECT_DEPS for token in tokens)
    if has_subject and has_object:
        reasons.append("subject_verb_object")
    if analysis.names:
        reasons.append("named_entity")
    if _has_number(tokens, entities, entity_token_indexes):
        reasons.append("number")
    if any(is_specific_date(date.text) for date in analysis.dates):
        reasons.append("date")
    if any(token.tag_ in _COMPARISON_TAGS and token.i not in entity_token_indexes for token in tokens):
        reasons.append("comparative")

    speech_verb = _speech_verb(tokens, quoted)
    speaker = _speaker(sentence, tokens, speech_verb)
    attribution = _phrase(sentence, speaker) if speaker is not None else None
    if speech_verb is not None or attribution is not None:
        reasons.append("reporting_verb")
    if any(_is_causal(token) for token in tokens):
        reasons.append("causal")

    if _is_question(sentence.text):
        reasons.append("question")
    unquoted = [token for token in tokens if token.i not in quoted]
    if any(token.pos_ == "PRON" and token.lower_ in _FIRST_PERSON for token in unquoted):
        reasons.append("first_person")
    if any(token.pos_ == "PRON" and token.lower_ in _SECOND_PERSON for token in unquoted):
        reasons.append("second_person")
    if _is_imperative(sentence, has_subject):
        reasons.append("imperative")
    analysis.future = any(token.tag_ == "MD" and token.lower_ in _PREDICTION_MODALS for token in tokens)
    if analysis.future:
        reasons.append("prediction")
    if _is_opinion(unquoted):
        reasons.append("opinion")
    if any(token.lower_ in _VAGUE_WORDS for token in unquoted):
        reasons.append("vague")
    attributed = attribution is not None or speech_verb is not None
    analysis.stance = _author_stance(tokens, entity_token_indexes, attributed, reasons)

    analysis.reasons = reasons
    analysis.attribution = attribution
    analysis.speaker = speaker
    analysis.kind = _kind(tokens, reasons, quoted, attribution, analysis)
    return analysis


def _author_stance(tokens: list[Token], entity_token_indexes: set[int], attributed: bool,
                   reasons: list[str]) -> float:
    """Logit penalty for the author's evaluative words and modals; adds their reasons to `reasons`."""
    quoted = _speech_token_indexes(tokens)
    counts = dict.fromkeys(STANCE_WEIGHTS, 0)
    for token in tokens:
        if token.i in quoted or token.i in entity_token_indexes or _reported(token):
            continue
        if token.pos_ == "ADJ" and token.tag_ == "JJ" and token.is_alpha and (
                token.lower_ not in _CLASSIFYING_ADJECTIVES):
            counts["evaluative"] += 1
        elif token.pos_ == "ADV" and (token.lower_ in _STANCE_ADVERBS or (
                token.lower_.endswith("ly") and token.lower_ not in _NEUTRAL_LY_ADVERBS)):
            counts["stance_adverb"] += 1
        elif token.tag_ == "MD":
            counts["author_modal"] += 1
    if "number" in reasons:
        # Figures anchor a checkable claim; debaters' check-worthy claims judge them ("a disastrous
        # 7 percent"), and penalising those cost the ct19 ranking.
        counts["evaluative"] = 0
    reasons += [reason for reason, count in counts.items() if count]
    penalty = sum(STANCE_WEIGHTS[reason] * count for reason, count in counts.items())
    credit = ATTRIBUTION_CREDIT * attributed + QUOTE_CREDIT * len(quoted) / max(len(tokens), 1)
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
        elif text in _SINGLE_QUOTES:
            if not open_quote and not token.whitespace_ and (
                    previous is None or previous.whitespace_ or previous.text in "([:—–-"):
                open_quote = "'"
            elif open_quote == "'" and previous is not None and not previous.whitespace_:
                open_quote = None
        elif open_quote:
            inside.add(token.i)
    return inside


def _reported(token: Token) -> bool:
    """Inside the clause a reporting verb introduces ("she said the plan was reckless")."""
    for _ in range(6):
        if token.head is token:
            return False
        if token.dep_ in ("ccomp", "xcomp", "parataxis") and token.head.lemma_ in REPORTING_VERBS:
            return True
        token = token.head
    return False


def _has_number(tokens: list[Token], entities: tuple[Span, ...], entity_token_indexes: set[int]) -> bool:
    for entity in entities:
        if entity.label_ in NUMBER_LABELS and (entity.label_ != "CARDINAL" or entity.text.lower() != "one"):
            return True
    # Digits the model left untagged ("rose to 41.5"), but not those inside names or dates.
    return any(token.like_num and token.is_digit and token.i not in entity_token_indexes for token in tokens)


def _speech_verb(tokens: list[Token], quoted: set[int]) -> Token | None:
    """A reporting verb that introduces speech: a clause, a quote, or a parenthetical."""
    for token in tokens:
        if token.pos_ != "VERB" or token.lemma_ not in REPORTING_VERBS or token.i in quoted:
            continue
        introduces_clause = any(child.dep_ in ("ccomp", "parataxis") for child in token.children)
        parenthetical = token.dep_ in ("parataxis", "ccomp", "advcl") and token.i > token.head.i
        if introduces_clause or parenthetical or quoted:
            return token
    return None


def _speaker(sentence: Span, tokens: list[Token], speech_verb: Token | None) -> Token | None:
    """The head of who says it: the speech verb's subject, or what "according to" names."""
    if speech_verb is not None:
        subject = next((child for child in speech_verb.children if child.dep_ in _SPEAKER_DEPS), None)
        if subject is not None:
            return subject
    for token in tokens:
        # "according to the ministry"
        if token.lower_ != "according" or token.i + 1 >= sentence.end:
            continue
        to = sentence.doc[token.i + 1]
        if to.lower_ == "to":
            source = next((child for child in to.children if child.dep_ == "pobj"), None)
            if source is not None:
                return source
    return None


def _phrase(sentence: Span, head: Token) -> str:
    """The noun phrase headed by `head`, cut down to its core when it runs long."""
    start, end = head.left_edge.i, head.right_edge.i + 1
    if end - start > _MAX_ATTRIBUTION_TOKENS:
        # Keep determiners, modifiers and compounds left of the head, drop clauses and appositions.
        start = head.i
        while start > sentence.start and sentence.doc[start - 1].dep_ in _NOUN_MODIFIER_DEPS:
            start -= 1
        end = head.i + 1
    phrase = sentence.doc[start:end].text
    return phrase.strip(" ,;:-–—\"'“”‘’")


def _is_causal(token: Token) -> bool:
    if token.lemma_ in _CAUSAL_LEMMAS:
        return True
    # "led to", "resulted in", "stems from"
    return token.lemma_ in ("lead", "result", "stem") and any(
        child.lower_ in ("to", "in", "from") for child in token.children
    )


def _is_question(text: str) -> bool:
    return text.rstrip().rstrip(_CLOSERS).endswith("?")


def _is_imperative(sentence: Span, has_subject: bool) -> bool:
    root = sentence.root
    return not has_subject and root.pos_ == "VERB" and root.tag_ == "VB" and not any(
        child.dep_ in ("aux", "auxpass", "mark") for child in root.children
    )


def _is_opinion(unquoted: list[Token]) -> bool:
    for token in unquoted:
        if token.lemma_ not in _OPINION_WORDS and token.lower_ not in _OPINION_WORDS:
            continue
        if token.lemma_ in _OPINION_VERBS or token.lower_ in _OPINION_VERBS:
            # "I think": an opinion when the speaker owns it.
            verb = token if token.pos_ == "VERB" else token.head
            speakers = _FIRST_PERSON | _SECOND_PERSON
            if any(child.dep_ == "nsubj" and child.lower_ in speakers for child in verb.children):
                return True
            continue
        if token.pos_ in ("ADJ", "ADV"):
            return True
    return False


def _kind(
    tokens: list[Token],
    reasons: list[str],
    quoted: set[int],
    attribution: str | None,
    analysis: SentenceAnalysis,
) -> str:
    if attribution is not None and len(quoted) >= 3:
        return "quote"
    if "number" in reasons:
        return "quantity"
    if any(token.lemma_.lower() in _KIND_POLICY_LEMMAS for token in tokens if token.i not in quoted):
        return "policy"
    main_verbs = [token for token in tokens if token.dep_ == "ROOT" and token.pos_ in ("VERB", "AUX")]
    if analysis.dates and any(verb.lemma_ not in _STATIVE_LEMMAS for verb in main_verbs):
        return "event"
    distinct_names = {entity.text for entity in analysis.names}
    if len(distinct_names) >= 2:
        return "relation"
    return "statement"
