"""Merging near-duplicates never costs a fact: claims that differ in a name, date, figure or negation stay."""

from __future__ import annotations

from workers.extraction import extract_claims
from workers.extraction.claims import ExtractedClaim
from workers.extraction.merging import merge_near_duplicates

_CITIES = ["Tartu", "Narva", "Pärnu", "Viljandi", "Rakvere", "Kuressaare", "Haapsalu", "Valga", "Võru", "Paide"]


def _claim(text: str, entities: tuple[str, ...] = (), dates: tuple[str, ...] = ()) -> ExtractedClaim:
    return ExtractedClaim(
        text=text, sentence=text, start=0, end=len(text), score=0.5,
        entities=[{"text": name, "label": "GPE", "canonical": name} for name in entities],
        dates=[{"text": date, "iso": date} for date in dates])


def test_parallel_sentences_about_different_cities_all_stay(nlp):
    unemployment = [f"Unemployment in {city} fell to 6 percent in 2023, according to the national statistics office."
                    for city in _CITIES]
    budgets = [f"The city council of {city} approved a budget of 40 million euros for 2024." for city in _CITIES]
    text = "\n".join(sentence for pair in zip(unemployment, budgets) for sentence in pair)
    claims = extract_claims(text, nlp=nlp).claims
    assert len(claims) == 20
    for city in _CITIES:
        assert sum(city in claim.text for claim in claims) == 2


def test_claims_that_differ_only_in_a_named_party_are_not_merged():
    merged = merge_near_duplicates([_claim("Exports to Latvia rose in 2022.", ("Latvia",), ("2022",)),
                                    _claim("Exports to Lithuania rose in 2022.", ("Lithuania",), ("2022",))])
    assert len(merged) == 2


def test_claims_that_differ_only_in_a_date_are_not_merged():
    merged = merge_near_duplicates([_claim("The ferry line to Hiiumaa opened in May 2019.", ("Hiiumaa",), ("2019-05",)),
                                    _claim("The ferry line to Hiiumaa opened in May 2021.", ("Hiiumaa",), ("2021-05",))])
    assert len(merged) == 2


def test_a_negated_claim_is_not_merged_with_its_opposite():
    merged = merge_near_duplicates([_claim("The harbour authority has signed the dredging contract."),
                                    _claim("The harbour authority hasn't signed the dredging contract."),
                                    _claim("The harbour authority has not signed the dredging contract.")])
    assert [claim.text for claim in merged] == ["The harbour authority has signed the dredging contract.",
                                                "The harbour authority hasn't signed the dredging contract."]


def test_the_same_fact_in_other_words_still_merges(nlp):
    text = ("Prime Minister Liisa Tamm opened the new port terminal in Paldiski on 3 May 2024.\n"
            "Tamm opened the new port terminal in Paldiski on 3 May 2024, officials said.\n")
    claims = extract_claims(text, nlp=nlp).claims
    assert [claim.text for claim in claims][:1] == [
        "Prime Minister Liisa Tamm opened the new port terminal in Paldiski on 3 May 2024."]
