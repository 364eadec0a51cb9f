"""The headline, dropped as the title, still says whom the first pronouns of the article stand for; on
an article written for this test."""

from __future__ import annotations

from workers.extraction import extract_claims

ARTICLE = ("Ferry captain Mari Tamm retires after 40 years\n\n"
           "She has sailed the Tallinn to Helsinki route since 1984.\n\n"
           "She was awarded a medal by the port in 2019.")


def test_a_pronoun_after_the_headline_stands_for_the_person_it_names(nlp):
    result = extract_claims(ARTICLE, nlp=nlp, language="en", title="Ferry captain Mari Tamm retires after 40 years")
    assert [(claim.text, claim.needs_context) for claim in result.claims] == [
        ("Mari Tamm has sailed the Tallinn to Helsinki route since 1984.", False),
        ("Mari Tamm was awarded a medal by the port in 2019.", False),
    ]


def test_a_title_case_line_that_states_a_claim_is_kept_whole(nlp):
    # In title case the tagger sees no verb; read in sentence case the line states that the ferry sank.
    result = extract_claims("Tallinn Port: New Evidence That the Ferry Sank in the Storm\n\n"
                            "The ferry sank in 1994, the port said.", nlp=nlp, language="en")
    assert [claim.text for claim in result.claims][0] == "Tallinn Port: New Evidence That the Ferry Sank in the Storm."


def test_a_title_case_line_without_a_claim_yields_none(nlp):
    result = extract_claims("Ferry Timetables and Ticket Prices for the Summer Season\n\n"
                            "The ferry sank in 1994, the port said.", nlp=nlp, language="en")
    assert [claim.text for claim in result.claims] == ["The ferry sank in 1994, the port said."]
