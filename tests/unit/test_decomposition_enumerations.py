"""Lists, examples, concessive and predicate clauses, and "term: description" list items, split into
claims; on sentences written for these tests."""

from __future__ import annotations

import pytest

from workers.extraction import ExtractionResult, extract_claims


def texts(result: ExtractionResult) -> list[str]:
    return [claim.text for claim in result.claims]


def claims_of(nlp, text: str) -> list[str]:
    return texts(extract_claims(text, nlp=nlp, language="en"))


# -- examples: "such as", "including" --------------------------------------------------------


def test_such_as_yields_the_general_claim_and_one_claim_per_example(nlp):
    assert claims_of(nlp, "Coral reefs can be damaged by several threats, such as warming seas, overfishing, "
                          "or coastal pollution.") == [
        "Coral reefs can be damaged by several threats.",
        "Coral reefs can be damaged by several threats, such as warming seas.",
        "Coral reefs can be damaged by several threats, such as overfishing.",
        "Coral reefs can be damaged by several threats, such as coastal pollution.",
    ]


def test_examples_inside_the_subject_leave_a_grammatical_sentence(nlp):
    assert claims_of(nlp, "Large rivers, such as the Danube and the Rhine, carry heavy barge traffic.") == [
        "Large rivers carry heavy barge traffic.",
        "Large rivers, such as the Danube, carry heavy barge traffic.",
        "Large rivers, such as the Rhine, carry heavy barge traffic.",
    ]


def test_including_with_actions_yields_one_claim_per_action(nlp):
    assert claims_of(nlp, "The council restricted night flights, including requiring a permit for late departures "
                          "and limiting the number of arrivals.") == [
        "The council restricted night flights.",
        "The council restricted night flights, including requiring a permit for late departures.",
        "The council restricted night flights, including limiting the number of arrivals.",
    ]


# -- plain lists ----------------------------------------------------------------------------


def test_a_list_of_three_objects_yields_one_claim_per_object(nlp):
    assert claims_of(nlp, "The bakery on Elm Street sells bread, cakes, and pastries.") == [
        "The bakery on Elm Street sells bread.",
        "The bakery on Elm Street sells cakes.",
        "The bakery on Elm Street sells pastries.",
    ]


def test_multi_word_names_in_a_list_stay_whole(nlp):
    assert claims_of(nlp, "The ferry company serves Norway, South Korea, and New Zealand.") == [
        "The ferry company serves Norway.",
        "The ferry company serves South Korea.",
        "The ferry company serves New Zealand.",
    ]


@pytest.mark.parametrize("sentence", [
    # A fixed pair of single words.
    "The company invested in research and development in 2022.",
    # One name with "&" inside.
    "Shares of Johnson & Johnson rose 2 percent on Monday.",
    # "between" relates the two; neither alone says it.
    "Relations between Oslo and Santiago improved in 2021.",
    # A coordinated subject would need a different verb form.
    "Oslo, Bergen and Trondheim will host the festival in 2025.",
    # A quotation keeps the speaker's words.
    'The minister said the plan covers "schools, hospitals and roads" in the north.',
])
def test_sentences_without_a_splittable_list_stay_one_claim(nlp, sentence):
    assert claims_of(nlp, sentence) == [sentence]



def test_a_name_joined_to_a_common_noun_is_no_list_to_split(nlp):
    # The parse joins "Finland and Sweden" to "the south": "borders Latvia in Finland" would be false.
    claims = claims_of(nlp, "Estonia lies on the Baltic coast and borders Latvia in the south and Finland and "
                            "Sweden across the sea.")
    assert claims == ["Estonia lies on the Baltic coast.",
                      "Estonia borders Latvia in the south and Finland and Sweden across the sea."]

def test_the_number_of_claims_from_one_sentence_is_capped_without_losing_an_item(nlp):
    fruits = ["apples", "pears", "plums", "cherries", "grapes", "melons", "lemons", "figs"]
    claims = claims_of(nlp, "The market sells apples, pears, plums, cherries, grapes, melons, lemons and figs.")
    assert len(claims) <= 6
    # Cut at six claims, lemons and figs were in none: past the cap the sentence stays whole.
    assert all(any(fruit in claim for claim in claims) for fruit in fruits)
    assert claims_of(nlp, "The market sells apples, pears and plums.") == [
        "The market sells apples.", "The market sells pears.", "The market sells plums."]


def test_claims_of_one_sentence_differing_by_one_word_are_not_merged(nlp):
    claims = claims_of(nlp, "Tourists in Lindvik can rent bicycles, kayaks, or sailboats.")
    assert claims == ["Tourists in Lindvik can rent bicycles.", "Tourists in Lindvik can rent kayaks.",
                      "Tourists in Lindvik can rent sailboats."]


def test_a_sentence_repeated_later_still_merges_with_its_first_claim(nlp):
    text = "The bridge opened in 2021.\nThe bridge opened in 2021.\n"
    assert claims_of(nlp, text) == ["The bridge opened in 2021."]


# -- clauses --------------------------------------------------------------------------------


def test_whereas_clause_becomes_its_own_claim(nlp):
    assert claims_of(nlp, "Tram ridership rose by 12 percent in 2023, whereas bus ridership fell by 4 percent.") == [
        "Tram ridership rose by 12 percent in 2023.",
        "Bus ridership fell by 4 percent.",
    ]


def test_leading_although_clause_becomes_its_own_claim_without_although(nlp):
    assert claims_of(nlp, "Although the museum closed in March, the garden stayed open until June.") == [
        "The garden stayed open until June.",
        "The museum closed in March.",
    ]


def test_concessive_clause_stays_when_a_pronoun_points_into_it(nlp):
    sentence = "Although the museum closed in March, its garden stayed open until June."
    assert claims_of(nlp, sentence) == [sentence]


def test_a_copular_sentence_with_a_relative_clause_says_two_things(nlp):
    assert claims_of(nlp, "Lumo is a compiler that translates Python code into C.") == [
        "Lumo is a compiler.",
        "Lumo translates Python code into C.",
    ]



def test_a_subject_with_several_asides_lends_only_its_name(nlp):
    assert claims_of(nlp, "Mari Tamm (Tartu, Estonia; 3 May 1980), known as Raud, is an Estonian rower who rows "
                          "for the Parnu club.") == [
        "Mari Tamm (Tartu, Estonia; 3 May 1980), known as Raud, is an Estonian rower.",
        "Mari Tamm rows for the Parnu club.",
    ]

def test_a_relative_clause_that_defines_a_superlative_stays(nlp):
    sentence = "Lumo is the first compiler that translates Python code into C."
    assert claims_of(nlp, sentence) == [sentence]


# -- list items -----------------------------------------------------------------------------

GALLERIES = (
    "The harbour museum in Lindvik opened two new galleries in 2023.\n\n"
    "The new galleries are:\n"
    "1. The Harbour Room: a hall of ship models from the nineteenth century\n"
    "2. The Map Room: a collection of coastal charts drawn by hand\n\n"
    "The museum is open every day.\n"
)

MAYORS = (
    "Three mayors have led Lindvik since 1990. They were:\n"
    "1. Ana Ruiz - elected in 1990.\n"
    "2. Tomas Berg - elected in 2002.\n"
)


def test_term_and_description_items_become_definitions_and_complete_the_lead_in(nlp):
    claims = claims_of(nlp, GALLERIES)
    assert claims == [
        "The harbour museum in Lindvik opened two new galleries in 2023.",
        "The Harbour Room is a hall of ship models from the nineteenth century.",
        "The new galleries are The Harbour Room.",
        "The Map Room is a collection of coastal charts drawn by hand.",
        "The new galleries are The Map Room.",
        "The museum is open every day.",
    ]


def test_list_item_claims_span_their_own_line(nlp):
    result = extract_claims(GALLERIES, nlp=nlp)
    definition = next(claim for claim in result.claims if claim.text.startswith("The Map Room is"))
    # The marker ("2.") is no part of what the item says.
    assert result.text[definition.start : definition.end] == "The Map Room: a collection of coastal charts drawn by hand"


def test_name_and_participle_items_become_past_tense_claims(nlp):
    claims = claims_of(nlp, MAYORS)
    assert "Ana Ruiz was elected in 1990." in claims
    assert "Tomas Berg was elected in 2002." in claims


def test_a_long_list_rewrites_only_a_bounded_number_of_items(nlp):
    from workers.extraction.pipeline import MAX_REPARSED_ITEMS

    lines = [f"Hall {number}: a room of ship models built in {1800 + number}" for number in range(1, 251)]
    claims = claims_of(nlp, "The harbour museum in Lindvik has 250 halls. Its halls are:\n" + "\n".join(lines) + "\n")
    rewritten = [claim for claim in claims if " is a room of ship models" in claim]
    assert 0 < len(rewritten) <= MAX_REPARSED_ITEMS


# -- a relative clause whose antecedent the parse cannot settle --------------------------------


@pytest.mark.parametrize("sentence", [
    "The port board approved a new terminal in Lindvik harbour, which will cost 40 million euros.",
    "The council bought the old mill beside the river, which dates from 1820.",
])
def test_a_relative_clause_after_a_noun_inside_another_noun_phrase_stays_in_its_sentence(nlp, sentence):
    # Is it the terminal that costs 40 million or the harbour? The sentence says it, a split would guess.
    claims = claims_of(nlp, sentence)
    assert sentence in claims
    assert not any(claim.startswith(("Lindvik harbour", "The river", "the river")) for claim in claims)


def test_a_relative_clause_after_the_object_itself_is_still_its_own_claim(nlp):
    assert claims_of(nlp, "The port board approved a new terminal, which will cost 40 million euros.") == [
        "The port board approved a new terminal.",
        "A new terminal will cost 40 million euros.",
    ]


def test_a_relative_clause_after_the_only_noun_of_a_phrase_is_still_its_own_claim(nlp):
    claims = claims_of(nlp, "The minister spoke at the summit, which was held in Lindvik.")
    assert "The summit was held in Lindvik." in claims


def test_a_relative_clause_whose_verb_agrees_with_one_noun_only_is_split_off(nlp):
    claims = claims_of(nlp, "The harvest depends on the work of local farmers, who sell their grain in Lindvik.")
    assert "Local farmers sell their grain in Lindvik." in claims


def test_a_list_longer_than_a_sentence_is_cut_into_stays_whole_and_loses_no_item(nlp):
    islands = ["Hiiumaa", "Saaremaa", "Muhu", "Kihnu", "Ruhnu", "Vormsi", "Prangli"]
    claims = claims_of(nlp, f"Ferries to {', '.join(islands[:-1])} and {islands[-1]} were cancelled on 3 May 2024.")
    # Cut at six claims, the seventh island was in none.
    assert all(any(island in claim for claim in claims) for island in islands)
