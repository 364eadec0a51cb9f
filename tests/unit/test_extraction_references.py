"""Names, titles and references resolved from the article, or the claim says it needs context."""

from __future__ import annotations

from workers.extraction import extract_claims
from workers.extraction.entities import CanonicalNames, NameMention


def _labels(nlp, text: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for claim in extract_claims(text, nlp=nlp).claims:
        for entity in claim.entities:
            found.setdefault(entity["canonical"], set()).add(entity["label"])
    return found


def test_a_city_the_tagger_takes_for_a_person_is_a_place(nlp):
    labels = _labels(nlp, "Tallinn has not been a firm supporter of Kyiv, officials in Riga said on 3 May 2024.")
    assert labels.get("Kyiv") == {"GPE"}


def test_one_type_per_name_in_an_article():
    names = CanonicalNames([NameMention("Narendra Modi", "PERSON"), NameMention("Modi", "GPE"),
                            NameMention("Modi", "PERSON"), NameMention("Kyiv", "PERSON"),
                            NameMention("Anna Lind", "PERSON", ("foreign", "minister"))])
    assert names.label("Modi", "GPE") == "PERSON"
    assert names.label("Kyiv", "PERSON") == "GPE"
    assert names.label("Lind", "ORG") == "PERSON"
    assert names.label("2024", "DATE") == "DATE"


def test_a_person_the_article_names_often_stays_a_person_despite_the_gazetteer():
    names = CanonicalNames([NameMention("Lincoln", "PERSON"), NameMention("Lincoln", "PERSON")])
    assert names.label("Lincoln", "PERSON") == "PERSON"


def test_a_title_the_article_ties_to_a_person_resolves_to_that_person():
    names = CanonicalNames([NameMention("Alar Karis", "PERSON", ("estonian", "president")),
                            NameMention("Kaja Kallas", "PERSON", ("estonian", "prime", "minister"))])
    assert names.person_by_role(["estonian", "president"]) == "Alar Karis"
    assert names.person_by_role(["prime", "minister"]) == "Kaja Kallas"
    assert names.person_by_role(["finance", "minister"]) is None


def test_a_role_description_as_speaker_becomes_the_person(nlp):
    text = ("Estonian President Alar Karis will visit Finland on 4 June 2024, his office said.\n"
            "The Estonian president told reporters that the border crossing at Narva would reopen in August.\n")
    claims = extract_claims(text, nlp=nlp).claims
    reported = next(claim for claim in claims if "Narva" in claim.text)
    assert reported.attribution == "Alar Karis"
    assert reported.text.startswith("Alar Karis told reporters")
