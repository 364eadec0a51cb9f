"""Causes, examples, what the writer points at, appositive names and expletive clauses as claims of
their own; on sentences written for these tests."""

from __future__ import annotations

import pytest

from workers.extraction import ExtractionResult, extract_claims


def claims_of(nlp, text: str) -> ExtractionResult:
    return extract_claims(text, nlp=nlp, language="en")


def texts(result: ExtractionResult) -> list[str]:
    return [claim.text for claim in result.claims]


# -- causes -----------------------------------------------------------------------------------


def test_a_cause_is_a_claim_of_its_own_and_the_main_claim_keeps_it(nlp):
    # The link is a claim too: the main claim does not lose it.
    assert texts(claims_of(nlp, "The mill closed in 2012 because demand for paper fell sharply.")) == [
        "The mill closed in 2012 because demand for paper fell sharply.",
        "Demand for paper fell sharply.",
    ]


def test_a_cause_before_the_main_clause(nlp):
    assert "The road to Tartu was flooded." in texts(claims_of(
        nlp, "Because the road to Tartu was flooded, the buses were diverted through Elva."))


def test_the_pronoun_of_a_cause_is_the_main_clause_subject(nlp):
    assert "The big lakes in our county are much shallower." in texts(claims_of(
        nlp, "The big lakes in our county, such as Peipsi and Saadjarv, freeze much faster than the rivers, "
             "such as Emajogi and Pede, because they are much shallower."))


@pytest.mark.parametrize("sentence", [
    # A negated main clause may deny the very link: the cause is not asserted.
    "The plant did not close because demand fell.",
    "Just because prices rose in May does not mean that wages will follow.",
])
def test_a_cause_that_is_not_asserted_is_no_claim(nlp, sentence):
    assert len(claims_of(nlp, sentence).claims) <= 1


# -- examples of a class -----------------------------------------------------------------------


def test_examples_of_the_subject_are_members_of_its_class(nlp):
    result = texts(claims_of(nlp, "The big lakes in our county, such as Peipsi and Saadjarv, freeze much faster "
                                  "than the wide rivers, such as Emajogi and Pede, because they are much shallower."))
    assert "Peipsi and Saadjarv are big lakes in our county." in result
    assert "Emajogi and Pede are wide rivers." in result


def test_one_example_and_a_quantifier(nlp):
    assert "Poplar is a fast-growing tree." in texts(claims_of(
        nlp, "Fast-growing trees such as poplar are planted along the river."))
    # "Several" picks some of the class: the examples are Nordic banks, not "several Nordic banks".
    assert "Nordea and Danske Bank are Nordic banks." in texts(claims_of(
        nlp, "Several Nordic banks, such as Nordea and Danske Bank, have raised their rates."))


def test_examples_already_claims_of_their_own_get_no_membership_claim(nlp):
    result = texts(claims_of(nlp, "Big cities such as Tallinn, Riga and Vilnius have seen rents rise by 20 percent."))
    assert "Big cities such as Riga have seen rents rise by 20 percent." in result
    assert not any(text.endswith("are big cities.") for text in result)


# -- what the writer points at ----------------------------------------------------------------


@pytest.mark.parametrize(("sentence", "claim"), [
    ("It's worth noting that the ferry line was sold to a Finnish company in 2021.",
     "The ferry line was sold to a Finnish company in 2021."),
    ("It is important to note that the new bridge has not yet been inspected.",
     "The new bridge has not yet been inspected."),
    ("Note that the figures exclude part-time workers.", "The figures exclude part-time workers."),
    ("It’s worth clarifying that the ferry no longer stops in Parnu.", "The ferry no longer stops in Parnu."),
    ("It is safe to say that nobody expected the vote to pass.", "Nobody expected the vote to pass."),
])
def test_a_pointer_to_a_fact_leaves_the_fact(nlp, sentence, claim):
    assert texts(claims_of(nlp, sentence)) == [claim]


def test_what_the_reader_is_told_to_keep_in_mind_and_its_result_are_claims(nlp):
    result = claims_of(nlp, "That may sound like a modest rise, but keep in mind that the county has only 3,000 "
                            "residents, so even a few new homes can change its character.")
    assert texts(result)[1:] == [
        "The county has only 3,000 residents.",
        "Even a few new homes can change the county's character.",
    ]


# -- appositive names -------------------------------------------------------------------------


def test_what_an_appositive_says_of_a_name_is_a_claim_about_the_name(nlp):
    assert texts(claims_of(nlp, "The ferries now belong to Baltic Lines, the company that bought the port in "
                                "2019.")) == [
        "The ferries now belong to Baltic Lines.",
        "Baltic Lines bought the port in 2019.",
    ]
    assert texts(claims_of(nlp, "The report was written by Mari Tamm, the economist who led the 2015 census.")) == [
        "The report was written by Mari Tamm.",
        "Mari Tamm led the 2015 census.",
    ]


def test_an_appositive_inside_the_subject_leaves_the_sentence_grammatical(nlp):
    assert texts(claims_of(nlp, "Baltic Lines, the company that bought the port in 2019, will add two ferries "
                                "in 2025.")) == [
        "Baltic Lines will add two ferries in 2025.",
        "Baltic Lines bought the port in 2019.",
    ]


# -- expletive subjects -----------------------------------------------------------------------


def test_a_clause_with_there_borrows_no_subject(nlp):
    result = texts(claims_of(nlp, "The harbour is a busy little port, and there are too many ferries for the "
                                  "quay."))
    assert "There are too many ferries for the quay." in result
    assert not any(text.startswith("The harbour there") for text in result)


def test_a_cause_with_a_pronoun_bound_to_nothing_stays_only_in_the_main_claim(nlp):
    sentence = "The coach was pleased because they played well in the second half."
    assert texts(claims_of(nlp, sentence)) == [sentence]
    assert texts(claims_of(nlp, "The mill closed because it lost its only customer.")) == [
        "The mill closed because it lost its only customer.",
        "The mill lost its only customer.",
    ]


# -- what a thing features ----------------------------------------------------------------------


def test_what_an_offered_thing_features_is_a_claim_about_the_owners_thing(nlp):
    assert texts(claims_of(nlp, "The bakery sells a seasonal cake featuring wild berries from Saaremaa.")) == [
        "The bakery sells a seasonal cake.",
        "The bakery's seasonal cake features wild berries from Saaremaa.",
    ]


def test_a_participle_that_restricts_its_noun_stays(nlp):
    # "requiring" is no feature of the policy that could be checked apart from its adoption.
    sentence = "The council adopted a policy requiring all staff to wear helmets."
    assert texts(claims_of(nlp, sentence)) == [sentence]


# -- a relative clause after "is" -------------------------------------------------------------


@pytest.mark.parametrize("sentence", [
    # Negated, the sentence says nothing of who founded Lumo; a cleft's "it" would be left dangling.
    "Mari is not a chemist who founded Lumo.",
    "It's not a rifle that should be sold in Estonia.",
])
def test_a_relative_clause_after_a_negated_or_cleft_is_stays(nlp, sentence):
    assert texts(claims_of(nlp, sentence)) == [sentence]


# -- coordinated subjects ---------------------------------------------------------------------


def test_each_item_of_a_coordinated_subject_with_its_own_verb_form(nlp):
    assert texts(claims_of(nlp, "A ship's speed, range and capacity are all set by the size of its hull.")) == [
        "A ship's speed is set by the size of its hull.",
        "A ship's range is set by the size of its hull.",
        "A ship's capacity is set by the size of its hull.",
    ]
    assert texts(claims_of(nlp, "Mari Tamm and Jaan Kask were elected to the council in 2019.")) == [
        "Mari Tamm was elected to the council in 2019.",
        "Jaan Kask was elected to the council in 2019.",
    ]
    assert texts(claims_of(nlp, "Apples and a pear are sold at the market in Tartu.")) == [
        "Apples are sold at the market in Tartu.",
        "A pear is sold at the market in Tartu.",
    ]


@pytest.mark.parametrize("sentence", [
    "Oslo and Bergen met in the final in 2019.",  # together
    "Tartu and Narva are rivals.",  # of each other
    "Estonia and Latvia have raised their defence budgets.",  # "their" stands for both
    "Estonia and Latvia signed a treaty on the border in 2019.",  # maybe one act of both
    "Wind and solar power together account for 40 percent of the supply in Estonia.",
])
def test_what_a_coordinated_subject_does_together_stays_one_claim(nlp, sentence):
    assert texts(claims_of(nlp, sentence)) == [sentence]


def test_membership_in_a_bare_class_or_of_a_plural_example_in_a_singular_class_is_no_claim(nlp):
    result = texts(claims_of(nlp, "The lakes, such as Peipsi and Saadjarv, freeze early in November."))
    assert not any(text.startswith("Peipsi and Saadjarv are") for text in result)
    result = texts(claims_of(nlp, "Some items, such as fresh vegetables, are not taxed at all in Estonia."))
    assert not any("is an item" in text or "is a item" in text for text in result)


def test_a_cause_about_the_weather_or_time_is_not_the_subjects(nlp):
    result = texts(claims_of(nlp, "Fish from the bay swam through the streets of Parnu because it was a high "
                                  "tide."))
    assert not any(text.startswith("Fish from the bay was") for text in result)


def test_a_coordinated_subject_after_a_leading_clause_stays(nlp):
    sentence = "While there was wide interest in ferries in the 1960s, the routes, the prices, and the ships changed " \
               "over time."
    assert texts(claims_of(nlp, sentence)) == [sentence]


def test_a_contracted_verb_after_a_borrowed_subject_is_written_in_full(nlp):
    assert "Kim Solberg is running for the council." in texts(claims_of(
        nlp, "Kim Solberg, a nurse in Bergen who’s running for the council, spoke on Monday."))


def test_a_subject_named_by_its_owner_keeps_the_owner_whole(nlp):
    result = texts(claims_of(nlp, "Great Britain’s affliction with foul air is described in a 1661 pamphlet. But "
                                  "its soot-choked skies date back to the 12th century."))
    assert result[1] == "Great Britain’s affliction’s soot-choked skies date back to the 12th century."


def test_a_clause_whose_subject_is_that_borrows_no_subject(nlp):
    result = texts(claims_of(nlp, "It's not every day that ferries are cancelled in Parnu, but that's exactly what "
                                  "happened in May."))
    assert not any(text.startswith("It that") for text in result)


# -- appositives and lists after a pronoun subject -------------------------------------------


def test_what_an_appositive_noun_says_of_a_name_is_a_claim(nlp):
    assert texts(claims_of(nlp, "Tallinn, the capital of Estonia, has a population of about 450,000.")) == [
        "Tallinn has a population of about 450,000.",
        "Tallinn is the capital of Estonia.",
    ]
    # In the main clause's tense: the mayor then.
    assert "Jaan Kask was the mayor of Tartu." in texts(claims_of(
        nlp, "The plan was announced by Jaan Kask, the mayor of Tartu, in May."))


def test_a_list_after_a_pronoun_subject_is_split_with_the_pronoun_resolved(nlp):
    assert texts(claims_of(nlp, "Mari Tamm is a ferry captain from Tallinn. She has sailed to Helsinki, Stockholm "
                                "and Riga.")) == [
        "Mari Tamm is a ferry captain from Tallinn.",
        "Mari Tamm has sailed to Helsinki.",
        "Mari Tamm has sailed to Stockholm.",
        "Mari Tamm has sailed to Riga.",
    ]


def test_a_list_after_they_stays_whole(nlp):
    # "They" may stand for what the article never names: three claims would each need it.
    sentence = "They have sailed to Helsinki, Stockholm and Riga."
    assert texts(claims_of(nlp, sentence)) == [sentence]


def test_an_organisation_described_by_an_appositive_is_what_it_is(nlp):
    assert "The Baltic Institute is a think tank in Riga." in texts(claims_of(
        nlp, "The report was written by the Baltic Institute, a think tank in Riga, in 2019."))


# -- a participle on the predicate noun --------------------------------------------------------


def test_what_a_participle_says_of_the_predicate_noun_it_says_of_the_subject(nlp):
    assert texts(claims_of(nlp, "Baltic Lines is a ferry company based in Tallinn.")) == [
        "Baltic Lines is a ferry company.",
        "Baltic Lines is based in Tallinn.",
    ]
    assert texts(claims_of(nlp, "Kask Group is a firm specialising in ferry repairs.")) == [
        "Kask Group is a firm.",
        "Kask Group specialises in ferry repairs.",
    ]


@pytest.mark.parametrize("sentence", [
    "Lumo is not a compiler written in Rust.",
    "Vaindlo is the first ferry built in Estonia.",
])
def test_a_participle_after_a_negation_or_a_first_stays(nlp, sentence):
    assert texts(claims_of(nlp, sentence)) == [sentence]
