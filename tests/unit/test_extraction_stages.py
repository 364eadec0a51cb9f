"""Atomic decomposition, decontextualisation, the trained score and merging, on texts written for these tests."""

from __future__ import annotations

import datetime

import pytest

from workers.extraction import ExtractionResult, extract_claims
from workers.extraction.checkworthiness import (
    MODEL_PATH,
    CheckworthinessModel,
    load_model,
)
from workers.extraction.claims import ExtractedClaim
from workers.extraction.decomposition import decompose
from workers.extraction.merging import merge_near_duplicates

# A Thursday.
PUBLISHED = datetime.date(2024, 7, 4)

PORT_ARTICLE = """\
Chilean Foreign Minister Valentina Ortúzar will visit Norway on July 15 and 16, her ministry said Thursday.
It will be her first trip to the country since Oslo reopened its embassy in Santiago.
Ortúzar and Norwegian Prime Minister Lars Hegge will discuss salmon farming quotas, the ministry said.
Recently confirmed for a second term, Ortúzar last visited Europe in March 2021 for a trade fair in Hamburg.
Chile has also become a major buyer of Norwegian fishing vessels, providing a steady market for shipyards in Bergen.
The shipyards signed contracts worth $210 million last month.
A note from the Coastal Ledger:
Dear readers,
We are an independent newsroom and we depend on readers like you. Please support us with a gift of $3 a month.
Every contribution keeps our reporters on the coast. We are grateful to each of you.
Remind me later.
"""


def texts(result: ExtractionResult) -> list[str]:
    return [claim.text for claim in result.claims]


def claim_with(result: ExtractionResult, *fragments: str) -> ExtractedClaim:
    for claim in result.claims:
        if all(fragment in claim.text for fragment in fragments):
            return claim
    raise AssertionError(f"no claim with {fragments}; claims: {texts(result)}")


@pytest.fixture(scope="module")
def port(nlp) -> ExtractionResult:
    return extract_claims(PORT_ARTICLE, published_at=PUBLISHED, nlp=nlp)


# -- the article ----------------------------------------------------------------------------


def test_every_body_paragraph_yields_a_claim_and_the_appeal_none(port):
    appeal = PORT_ARTICLE.index("A note from")
    body = [line for line in PORT_ARTICLE[:appeal].splitlines() if line]
    for line in body:
        start = PORT_ARTICLE.index(line)
        assert any(claim.start == start for claim in port.claims), line
    assert all(claim.start < appeal for claim in port.claims)


def test_spans_cover_the_original_sentence_of_every_atomic_claim(port):
    for claim in port.claims:
        assert port.text[claim.start : claim.end] == claim.sentence
    assert [claim.start for claim in port.claims] == sorted(claim.start for claim in port.claims)


# -- decomposition --------------------------------------------------------------------------


def test_leading_participle_becomes_a_claim_with_its_own_subject(port):
    confirmed = claim_with(port, "confirmed for a second term")
    assert confirmed.text == "Valentina Ortúzar was recently confirmed for a second term."
    visit = claim_with(port, "last visited Europe")
    assert visit.text.startswith("Valentina Ortúzar last visited Europe in March 2021")
    assert confirmed.sentence == visit.sentence


def test_trailing_participle_becomes_a_claim_with_the_main_subject(port):
    assert claim_with(port, "major buyer").text == "Chile has also become a major buyer of Norwegian fishing vessels."
    assert claim_with(port, "steady market").text.startswith("Chile ")


def test_coordinated_clauses_split_and_share_the_subject(nlp):
    doc = nlp("The council closed the old library in 2019 and sold the building to a hotel chain in 2022.")
    assert len(decompose(next(doc.sents))) == 2
    result = extract_claims(doc.text, nlp=nlp)
    assert texts(result) == ["The council closed the old library in 2019.",
                             "The council sold the building to a hotel chain in 2022."]


def test_non_restrictive_relative_clause_becomes_its_own_claim(nlp):
    result = extract_claims("Mayor Ines Duarte, who took office in 2020, cut bus fares by 30 percent.", nlp=nlp)
    assert "Mayor Ines Duarte took office in 2020." in texts(result)
    assert "Mayor Ines Duarte cut bus fares by 30 percent." in texts(result)


def test_restrictive_relative_clause_stays_in_place(nlp):
    result = extract_claims("Workers who joined the strike lost 12 days of pay in 2023.", nlp=nlp)
    assert texts(result) == ["Workers who joined the strike lost 12 days of pay in 2023."]


def test_a_trip_for_an_event_gives_the_trip_and_the_event_apart(nlp):
    result = extract_claims("Reyes last visited Chile in March 2021 for an annual trade summit in the port "
                            "city of Valparaíso.", nlp=nlp)
    assert texts(result) == [
        "Reyes last visited Chile in March 2021.",
        "An annual trade summit was held in March 2021 in the port city of Valparaíso.",
    ]
    future = extract_claims("The foreign minister will travel to Jakarta on 3 May for a security conference "
                            "at the regional secretariat.", nlp=nlp)
    assert "A security conference will be held on 3 May at the regional secretariat." in texts(future)


def test_a_participle_after_they_takes_a_plural_verb(nlp):
    result = extract_claims("Nurses at the clinic treat 40 patients a day.\n"
                            "They work through the night, using two diesel generators.", nlp=nlp)
    assert claim_with(result, "generators").text == "Nurses use two diesel generators."
    past = extract_claims("Nurses at the clinic treated 40 patients on Monday.\n"
                          "They worked through the night, using two diesel generators.", nlp=nlp)
    assert claim_with(past, "generators").text == "Nurses used two diesel generators."


def test_a_participle_that_frames_the_clause_is_not_split_off(nlp):
    result = extract_claims("The budget office expects revenue of $4 billion in 2025, assuming the tax extension passes.",
                            nlp=nlp)
    assert texts(result) == ["The budget office expects revenue of $4 billion in 2025, assuming the tax extension passes."]


def test_a_simple_sentence_is_one_claim_with_its_own_words(nlp):
    result = extract_claims("The Helsinki tram network carried 61 million passengers in 2023.", nlp=nlp)
    assert texts(result) == ["The Helsinki tram network carried 61 million passengers in 2023."]


# -- decontextualisation --------------------------------------------------------------------


def test_his_first_trip_to_the_country_names_the_person_and_the_country(port):
    trip = claim_with(port, "first trip")
    assert "Valentina Ortúzar's first trip to Norway" in trip.text
    assert trip.sentence.startswith("It will be her first trip to the country")


def test_short_name_becomes_the_full_name(port):
    assert claim_with(port, "salmon farming").text.startswith("Valentina Ortúzar and Norwegian Prime Minister")


def test_relative_dates_resolve_against_published_at(port):
    assert claim_with(port, "her ministry said", "2024").text.endswith("said on 4 July 2024.")
    contracts = claim_with(port, "$210 million")
    assert "in June 2024" in contracts.text
    assert {"text": "last month", "iso": "2024-06"} in contracts.dates


def test_without_published_at_relative_dates_stay_and_the_claim_says_so(nlp):
    result = extract_claims("The shipyard in Turku laid off 140 workers last month.", nlp=nlp)
    claim = result.claims[0]
    assert "last month" in claim.text
    assert claim.relative_dates_unresolved is True


def test_plural_pronoun_resolves_to_the_previous_subject(nlp):
    result = extract_claims(
        "Dairy farmers in Wexford received 8 percent less for their milk in 2023.\n"
        "They blamed lower export prices for the fall.", nlp=nlp)
    assert claim_with(result, "blamed").text == "Dairy farmers blamed lower export prices for the fall."


def test_a_topic_carries_through_a_chain_of_pronouns(nlp):
    result = extract_claims(
        "The new ferry entered service in 2019.\nIt carries 400 passengers a day.\n"
        "It crosses to the island in 45 minutes.", nlp=nlp)
    crossing = claim_with(result, "45 minutes")
    assert crossing.text == "The new ferry crosses to the island in 45 minutes."
    assert not crossing.needs_context


def test_a_clause_split_off_takes_the_subject_its_pronoun_stands_for(nlp):
    result = extract_claims("Charter schools must meet state standards, but they are exempted from class-size rules.",
                            nlp=nlp)
    exempted = claim_with(result, "exempted")
    assert exempted.text == "Charter schools are exempted from class-size rules."
    assert not exempted.needs_context


def test_a_pronoun_whose_referent_is_in_the_claim_needs_no_context(nlp):
    claim = extract_claims("Harbours in Finland charged yachts 2 euros per metre of their length in 2023.",
                           nlp=nlp).claims[0]
    assert "their length" in claim.text
    assert not claim.needs_context


def test_they_after_a_coordinated_subject_names_both(nlp):
    result = extract_claims("Narendra Modi and Vladimir Putin met in Moscow in July 2024.\n"
                            "They discussed a new rail corridor.", nlp=nlp)
    assert claim_with(result, "rail corridor").text == (
        "Narendra Modi and Vladimir Putin discussed a new rail corridor.")


def test_she_goes_to_the_last_woman_named_not_the_last_person(nlp):
    result = extract_claims(
        "The council hired spokeswoman Agnes Rimstad in 2021.\n"
        "Mayor Tomas Lind opened the new bridge on Friday, and Lind said he would open a second one in 2026.\n"
        '"The bridge cost 40 million kroner," she said.', nlp=nlp)
    cost = claim_with(result, "40 million")
    assert cost.text == '"The bridge cost 40 million kroner," Agnes Rimstad said.'
    assert cost.attribution == "Agnes Rimstad"


def test_courtesy_titles_link_to_the_full_name_and_give_the_gender(nlp):
    result = extract_claims(
        "Ingrid Solberg runs the ferry company in Bodø.\n"
        "Harald Brekke met Ms Solberg at the port, and Mr Brekke said he would dredge the channel in May.\n"
        '"We will add two boats next year," she said.', nlp=nlp)
    assert claim_with(result, "two boats").attribution == "Ingrid Solberg"
    assert "Ms Solberg" not in " ".join(texts(result))


def test_a_common_given_name_tells_she_from_he_but_the_sentence_s_own_person_comes_first(nlp):
    result = extract_claims(
        "Nancy Okonkwo chairs the harbour board in Lagos.\n"
        "Pieter Dekker, a shipping analyst, expects freight rates to fall in 2025.\n"
        '"The board approved 12 new berths in March," she said.\n'
        'Dekker also spoke to Rosalind Achebe, a port engineer: "The berths need deeper water," she said.', nlp=nlp)
    assert claim_with(result, "12 new berths").attribution == "Nancy Okonkwo"
    assert claim_with(result, "deeper water").attribution == "Rosalind Achebe"


def test_the_speaker_field_names_whom_a_pronoun_stands_for(nlp):
    result = extract_claims(
        "Tomas Lind opened the bridge in Tromsø in June 2024.\n"
        '"It cost 40 million kroner," he said.', nlp=nlp)
    assert claim_with(result, "40 million").attribution == "Tomas Lind"


def test_he_prefers_the_last_sentence_s_speaker_to_a_name_inside_what_was_said(nlp):
    result = extract_claims(
        "Senator Rolf Aasen said a powder from Arizona kills the virus.\n"
        "A hospital spokesman, Jens Moberg, said there is no product like the one Aasen described.\n"
        '"We have never heard of such a powder," he said.', nlp=nlp)
    assert claim_with(result, "never heard").attribution == "Jens Moberg"


def test_it_looks_two_sentences_back_past_a_plural_subject(nlp):
    result = extract_claims("The new estate car is 4.9 metres long.\n"
                            "Steeply raked pillars give it a sleek side profile.\n"
                            "It has LED headlamps with 1,200 pixels each.", nlp=nlp)
    headlamps = claim_with(result, "headlamps")
    assert headlamps.text.endswith("estate car has LED headlamps with 1,200 pixels each.")
    assert not headlamps.needs_context


def test_a_name_inside_a_quote_does_not_stand_for_the_speaker(nlp):
    result = extract_claims(
        "Jonas Berg has chaired the harbour board since 2015.\n"
        '"Lisbeth Moe built this port in 1988," he said.', nlp=nlp)
    quote = claim_with(result, "Lisbeth Moe")
    assert quote.text.endswith("Jonas Berg said.")


def test_reflexives_and_extraposed_it_are_left_alone(nlp):
    result = extract_claims(
        "The port authority published its accounts in May.\nThe audit itself found 12 errors.\n"
        "It is fair to say that the port lost 3 million euros in 2023.", nlp=nlp)
    assert "The audit itself found 12 errors." in texts(result)
    # The extraposed "it" is not taken for the port authority: the writer's frame goes, the fact stays.
    assert claim_with(result, "3 million euros").text == "The port lost 3 million euros in 2023."


def test_a_subject_with_its_own_pronoun_is_not_carried_to_the_next_sentence(nlp):
    result = extract_claims("His bakery opened in Tromsø in 2010.\nIt employs 30 people.", nlp=nlp)
    employs = claim_with(result, "employs 30 people")
    assert "bakery" not in employs.text
    assert employs.needs_context


def test_quotes_are_kept_as_quotes(nlp):
    result = extract_claims('"We will open 12 new clinics by March," Health Minister Aino Lehto said.', nlp=nlp)
    claim = result.claims[0]
    assert claim.text.startswith('"We will open 12 new clinics by March,"')
    assert claim.kind == "quote"
    assert claim.attribution == "Health Minister Aino Lehto"


def test_a_quotation_running_over_sentences_stays_a_quotation(nlp):
    result = extract_claims(
        "Agnes Rimstad has led the Harbour Trust in Bergen since 2012.\n"
        '"The two plans were drafted in 2021. They are nested within each other," Rimstad said.', nlp=nlp)
    nested = claim_with(result, "nested")
    assert nested.text.startswith('"They are nested within each other," ')
    assert nested.text.endswith("Rimstad said.")
    assert not nested.needs_context


def test_reported_speech_keeps_its_speaker_in_every_part(port):
    salmon = claim_with(port, "salmon farming")
    assert salmon.attribution == "the ministry"
    assert "the ministry said" in salmon.text


def test_list_items_are_completed_by_the_sentence_that_introduces_them(nlp):
    text = "The three largest ports of the region were:\n1. Valparaíso (1544)\n2. San Antonio (1590)\n"
    result = extract_claims(text, nlp=nlp)
    assert "The three largest ports of the region were Valparaíso (1544)." in texts(result)
    assert all(result.text[claim.start : claim.end] == claim.sentence for claim in result.claims)


# -- scoring --------------------------------------------------------------------------------


def test_the_model_ships_small_and_loads_offline_once():
    assert MODEL_PATH.stat().st_size < 5 * 1024 * 1024
    assert load_model() is load_model()
    assert isinstance(CheckworthinessModel.load(), CheckworthinessModel)


def test_specific_facts_score_above_opinions_and_predictions(nlp):
    fact = extract_claims("Unemployment in Estonia fell to 6.1 percent in 2023, down from 7.4 percent.", nlp=nlp)
    opinion = extract_claims("Honestly, I think this is a wonderful time to be alive.", nlp=nlp)
    prediction = extract_claims("Things will probably get better soon.", nlp=nlp)
    assert fact.claims and fact.claims[0].score >= 0.5
    assert {"number", "date", "named_entity"} <= set(fact.claims[0].score_reasons)
    for low in (opinion, prediction):
        assert not low.claims or low.claims[0].score < fact.claims[0].score / 2


def test_scores_are_deterministic(nlp):
    text = "The pension fund lost 3.2 billion kroner in the second quarter."
    assert extract_claims(text, nlp=nlp).claims[0].score == extract_claims(text, nlp=nlp).claims[0].score


# -- merging --------------------------------------------------------------------------------


def _claim(text: str, score: float) -> ExtractedClaim:
    return ExtractedClaim(text=text, sentence=text, start=0, end=len(text), score=score)


def test_near_duplicates_merge_into_the_first_with_the_higher_score():
    merged = merge_near_duplicates([
        _claim("The bridge in Tartu reopened on 3 May 2024.", 0.6),
        _claim("The bridge in Tartu was reopened on 3 May 2024.", 0.8),
        _claim("The ferry to Saaremaa resumed on 3 May 2024.", 0.5),
    ])
    assert [claim.text for claim in merged] == ["The bridge in Tartu reopened on 3 May 2024.",
                                                "The ferry to Saaremaa resumed on 3 May 2024."]
    assert merged[0].score == 0.8


def test_claims_with_different_figures_are_not_merged():
    merged = merge_near_duplicates([_claim("Depot 4 stored 40 tonnes of grain in 2020.", 0.5),
                                    _claim("Depot 5 stored 50 tonnes of grain in 2020.", 0.5)])
    assert len(merged) == 2


def test_claims_of_one_sentence_merge_only_when_identical():
    items = [_claim("Drought can harm young olive trees.", 0.5), _claim("Frost can harm young olive trees.", 0.5),
             _claim("Frost can harm young olive trees.", 0.7), _claim("Drought can harm young olive trees!", 0.6)]
    merged = merge_near_duplicates(items, sources=[1, 1, 1, 2])
    assert [claim.text for claim in merged] == ["Drought can harm young olive trees.",
                                                "Frost can harm young olive trees."]
    assert [claim.score for claim in merged] == [0.6, 0.7]
