"""Curly apostrophes inside words ("It’s", "doesn’t") are parsed as straight ones and written back
as the article wrote them; on sentences written for these tests."""

from __future__ import annotations

from workers.extraction import extract_claims
from workers.extraction.text import curly_apostrophes, parse_safe, with_curly_apostrophes


def test_parse_safe_straightens_only_apostrophes_inside_words():
    text = "It’s Tom’s ‘best’ year, the board’s chair said’"
    assert parse_safe(text) == "It's Tom's ‘best’ year, the board's chair said’"
    assert len(parse_safe(text)) == len(text)


def test_an_article_written_with_curly_apostrophes_keeps_them():
    assert curly_apostrophes("It’s late.") and not curly_apostrophes("It’s late, isn't it?")
    assert with_curly_apostrophes("Tom's car isn't here.") == "Tom’s car isn’t here."


def test_a_curly_negation_is_a_negation(nlp):
    # "n’t" read as a noun made "doesn’t meet" a clause without a negation.
    result = extract_claims("The new ferry from Tallinn doesn’t meet the 2019 safety standard.", nlp=nlp,
                            language="en")
    assert [claim.text for claim in result.claims] == [
        "The new ferry from Tallinn doesn’t meet the 2019 safety standard."]
    doc = nlp(parse_safe("The new ferry from Tallinn doesn’t meet the 2019 safety standard."))
    assert any(token.dep_ == "neg" for token in doc)


def test_it_is_worth_noting_with_a_curly_apostrophe(nlp):
    result = extract_claims("It’s worth noting that Tallinn’s ferry line was sold in 2021.", nlp=nlp, language="en")
    assert [claim.text for claim in result.claims] == ["Tallinn’s ferry line was sold in 2021."]
