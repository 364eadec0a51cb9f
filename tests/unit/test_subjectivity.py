"""The author's own stance lowers the check-worthiness score; what others said does not count as it."""

from __future__ import annotations

import math

from workers.extraction import extract_claims
from workers.extraction.scoring import (
    ALL_REASONS,
    LOWERING_REASONS,
    SCORE_FLOOR,
    STANCE_WEIGHTS,
    analyse_sentence,
    learned_logits,
    model_logit,
)


def analysed(nlp, text: str):
    doc = nlp(text)
    return analyse_sentence(doc[:], doc.ents)


def best_score(nlp, text: str) -> float:
    return max((claim.score for claim in extract_claims(text, nlp=nlp, language="en").claims), default=0.0)


def test_stance_reasons_are_lowering_reasons():
    assert set(STANCE_WEIGHTS) <= LOWERING_REASONS <= ALL_REASONS


def test_an_authors_opinion_scores_below_the_same_fact_reported_flatly(nlp):
    flat = "The council closed the Varnell Street library in March after the budget vote."
    opinion = ("The council shamefully closed the beloved Varnell Street library in a reckless, "
               "cynical budget vote.")
    assert best_score(nlp, opinion) < best_score(nlp, flat) - 0.2
    reasons = analysed(nlp, opinion).reasons
    assert {"evaluative", "stance_adverb"} <= set(reasons)


def test_an_authors_exhortation_scores_below_the_plain_statement(nlp):
    plain = "The regional government paid for 14 night buses on the Tallinn routes in 2023."
    exhortation = "The regional government should surely pay for far more night buses on the Tallinn routes."
    assert best_score(nlp, exhortation) < best_score(nlp, plain)
    assert "author_modal" in analysed(nlp, exhortation).reasons


def test_a_quoted_opinion_of_a_named_speaker_is_not_the_authors(nlp):
    quoted = 'Mayor Ilse Brandt said the closure was "a reckless, cynical and shameful decision".'
    analysis = analysed(nlp, quoted)
    assert "evaluative" not in analysis.reasons
    assert analysis.stance <= 0


def test_single_quotation_marks_and_reported_clauses_are_the_speakers(nlp):
    single = "Critics called the new stadium a 'grotesque, wasteful vanity project', the paper reported."
    reported = "Brandt told reporters that the plan was reckless and cynical."
    for text in (single, reported):
        assert "evaluative" not in analysed(nlp, text).reasons, text


def test_apostrophes_do_not_open_a_quote(nlp):
    analysis = analysed(nlp, "The mayor's reckless plan doesn't add up.")
    assert "evaluative" in analysis.reasons


def test_stance_lowers_the_model_score_but_not_below_the_floor(nlp):
    doc = nlp("Washing hands with soap is still a truly effective and cheap way to stop the virus.")
    analysis = analyse_sentence(doc[:], doc.ents)
    # The score before stance: the learned model's logit (issue 13), as analyse_sentence combines it.
    model_score = 1 / (1 + math.exp(-model_logit(doc[:], analysis.reasons, learned_logits([doc[:]])[0])))
    assert analysis.stance > 0
    assert min(model_score, SCORE_FLOOR) - 0.001 <= analysis.score < model_score
