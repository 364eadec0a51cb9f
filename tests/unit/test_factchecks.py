"""ClaimReview JSON-LD read into fact-checks, ratings mapped, and the consistency guard."""
from __future__ import annotations

import numpy as np
import pytest

from service.errors import InvalidClaimReview
from service.factchecks import PublishedRating, claimreview_nodes, parse_claimreview, url_key
from service.matching import MatchTier, differences, find_matches
from service.retrieval import TextIndex


def test_a_claimreview_with_its_author_as_a_name_and_a_language_object():
    factcheck = parse_claimreview({
        "@type": ["ClaimReview"], "url": "https://checks.example/a", "claimReviewed": "  Oslo  has  no  trams. ",
        "author": "Faktisk", "inLanguage": {"@type": "Language", "alternateName": "nb"},
        "reviewRating": {"alternateName": "Pants on Fire!"}})
    assert factcheck.claim_reviewed == "Oslo has no trams."
    assert factcheck.publisher == "Faktisk" and factcheck.language == "nb"
    assert factcheck.record()["rating_mapped"] == "false"


def test_every_bad_field_is_named_at_once():
    with pytest.raises(InvalidClaimReview) as refused:
        parse_claimreview({"@type": "ClaimReview", "url": "javascript:alert(1)", "datePublished": "2024-13-01",
                           "inLanguage": "not a tag", "author": 42,
                           "reviewRating": {"ratingValue": 3, "bestRating": 1, "worstRating": 5}})
    assert set(refused.value.errors) == {"claimReviewed", "url", "datePublished", "inLanguage", "author",
                                         "reviewRating.worstRating"}


@pytest.mark.parametrize("rating, mapped", [
    (PublishedRating(alternate_name="Mostly-False"), "mostly_false"),
    (PublishedRating(alternate_name="Missing context"), "misleading"),
    (PublishedRating(value=4), "mostly_true"),
    (PublishedRating(value=4, best=5, worst=1), "mostly_true"),
    (PublishedRating(value=7, best=10, worst=0), None),  # another scale: kept as published only
    (PublishedRating(alternate_name="Satire"), None),
])
def test_ratings_map_onto_our_scale_only_where_the_table_says(rating, mapped):
    assert (result.value if (result := rating.mapped()) else None) == mapped


def test_a_graph_keeps_only_its_claimreviews():
    nodes = claimreview_nodes({"@graph": [{"@type": "WebPage"}, {"@type": "ClaimReview", "url": "u"},
                                          {"@type": "http://schema.org/ClaimReview"}]})
    assert len(nodes) == 2


def test_urls_that_differ_only_in_case_slash_or_fragment_are_one_factcheck():
    assert url_key("https://Checks.example/a/#top") == url_key("https://checks.example/a")
    assert url_key("https://checks.example/a?x=1") != url_key("https://checks.example/a")


@pytest.mark.parametrize("first, second, difference", [
    ("The council spent 120 million on roads.", "The council spent 150 million on roads.", "figures: 120 vs 150"),
    ("Turnout rose in 2019.", "Turnout rose in 2024.", "dates: 2019 vs 2024"),
    ("The strike began in May 2020.", "The strike began in June 2020.", "dates: May vs June"),
    ("The vote was held on Tuesday.", "The vote was held on Thursday.", "dates: Tuesday vs Thursday"),
    ("The mayor has signed the budget.", "The mayor has not signed the budget.",
     "negation: only the second is negated"),
    ("The mayor hasn't signed the budget.", "The mayor has signed the budget.",
     "negation: only the first is negated"),
    ("Lindqvist approved the port deal.", "Haugen approved the port deal.", "parties: Lindqvist vs Haugen"),
    ("Pagar sells six thousand loaves a week.", "Pagar sells four thousand loaves a week.", "figures: 6000 vs 4000"),
    ("Twenty-five ferries sail daily.", "Thirty-two ferries sail daily.", "figures: 25 vs 32"),
])
def test_the_consistency_guard_names_what_differs(first, second, difference):
    assert differences(first, second) == [difference]


@pytest.mark.parametrize("first, second, difference", [
    # The same subject, another statement about it.
    ("The oldest bakery in Viljandi is Pagar.", "Pagar bakery in Viljandi sells 900 rye loaves a week.",
     "statements: oldest vs loaves, rye, sells, week"),
    ("The mayor approved the budget.", "The governor approved the budget.", "statements: mayor vs governor"),
])
def test_alike_texts_that_say_different_things_of_one_subject_are_not_the_same_claim(first, second, difference):
    assert differences(first, second) == [difference]


def test_the_same_claim_in_fewer_words_or_with_its_name_first_has_no_differences():
    assert differences("Unemployment in Valga fell to 6 percent.", "Valga's unemployment fell to 6 percent.") == []
    assert differences("The tram line opened in 2019.", "The tram line has been running since it opened in 2019.") == []
    assert differences("Pagar sells four thousand loaves a week.", "Pagar sells 4,000 loaves a week.") == []
    assert differences("One of the ferries sails daily.", "One ferry sails daily.") == []
    # A word with a capital inside ("iPhones") is the same word on both sides.
    assert differences("Owners of iPhones report faster batteries.",
                       "Faster batteries are reported by owners of iPhones.") == []


def test_a_changed_figure_keeps_an_entity_match_at_suggested_however_alike_the_words():
    (match,) = find_matches("Unemployment in Valga fell to 6 percent in 2023.",
                            [("clm_b", "Unemployment in Valga fell to 8 percent in 2023.")],
                            suggest_at=0.75, confirm_at=0.92)
    assert match.score >= 0.92
    assert match.tier is MatchTier.SUGGESTED and match.differences == ("figures: 6 vs 8",)


def test_the_same_claim_in_other_words_has_no_differences():
    assert differences("In 2022 the council spent 120 million on roads.",
                       "The council spent 120 million on roads in 2022, officials said.") == []


def test_the_index_ranks_a_paraphrase_first_and_names_the_shared_words():
    index = TextIndex(["Bergen banned diesel cars from its centre in 2021.",
                       "Stavanger opened a new ferry terminal.",
                       "Trondheim raised bus fares by ten percent."])
    hits = index.search("diesel cars were banned in the centre of Bergen", limit=2)
    assert hits[0].position == 0
    assert set(hits[0].shared_terms) >= {"bergen", "diesel"}
    assert TextIndex([]).search("anything") == []


def test_embeddings_find_the_same_claim_in_other_words_and_another_language():
    from service.embeddings import embed

    texts = ["Finland closed every border crossing with Russia in November 2023.",
             "A new ferry links Tallinn and Helsinki.",
             "Measles vaccines contain tracking microchips."]
    index = TextIndex(texts, embed(texts))
    for query in ("Finnland hat im November 2023 alle Grenzübergänge zu Russland geschlossen.",
                  "The Finnish government shut the whole frontier with Russia."):
        assert index.search(query, limit=1, vector=embed([query])[0])[0].position == 0


def test_the_english_part_of_an_embedding_says_who_did_what_to_whom():
    from service.embeddings import MULTILINGUAL_DIMENSIONS, embed

    english = embed(["A dog bit the postman on Elm Street.", "The postman on Elm Street was bitten by a dog.",
                     "Interest rates on Elm Street mortgages rose."])[:, MULTILINGUAL_DIMENSIONS:]
    assert english[0] @ english[1] > english[0] @ english[2] + 0.2
    assert np.allclose(np.linalg.norm(english, axis=1), 1.0, atol=1e-3)


def test_a_text_embeds_the_same_whatever_is_embedded_with_it():
    from service.embeddings import embed

    texts = ["The river Daugava froze over in Riga for the first time in nine years.",
             "A ferry carrying 212 passengers ran aground off the island of Hiiumaa on Sunday, "
             "the coast guard said, and all of them were taken ashore by lifeboat before nightfall.",
             "Prices rose."]
    together = embed(texts)
    # The int8 English model quantises activations with one scale per run: batched, a text's
    # vector took its neighbours' mark (by up to 0.03 in cosine), and a match could hang on that.
    # What is left is float rounding in the multilingual part's batched matrix products.
    for at, text in enumerate(texts):
        np.testing.assert_allclose(embed([text])[0], together[at], atol=1e-6)


def test_a_text_in_another_language_is_scored_without_the_english_part():
    from service.embeddings import MULTILINGUAL_DIMENSIONS, embed, from_text, to_text
    from service.factchecks import embeddings_of

    records = [parse_claimreview({"@type": "ClaimReview", "url": f"https://checks.example/{n}", "claimReviewed": text,
                                  **({"inLanguage": language} if language else {})}).record()
               for n, (text, language) in enumerate([("Finnland schloss 2023 alle Grenzübergänge zu Russland.", "de"),
                                                     ("Finland closed its border with Russia in 2023.", "en-GB"),
                                                     ("A ferry links Tallinn and Helsinki.", None)])]
    vectors = embeddings_of(records)
    assert not vectors[0, MULTILINGUAL_DIMENSIONS:].any()
    assert np.allclose(np.linalg.norm(vectors[1:, MULTILINGUAL_DIMENSIONS:], axis=1), 1.0, atol=1e-3)
    assert np.allclose(from_text(to_text(vectors[1])), vectors[1], atol=1e-3)
    # Stored before the English part existed: read as missing, so the lookup embeds it again.
    assert from_text(to_text(vectors[1, :MULTILINGUAL_DIMENSIONS])) is None
    texts = [record["claim_reviewed"] for record in records]
    query = "Finland shut every crossing on its Russian border in 2023."
    vector = embed([query])[0]
    with_english, without = TextIndex(texts, vectors), TextIndex(texts, vectors, english_weight=0)
    scores = {hit.position: hit.similarity for hit in with_english.search(query, limit=3, vector=vector)}
    plain = {hit.position: hit.similarity for hit in without.search(query, limit=3, vector=vector)}
    assert scores[0] == plain[0] and scores[1] != plain[1]
    # A query in another language is scored the same way against every text.
    german = embed(["Finnland hat die Grenze geschlossen."], english=[False])[0]
    assert with_english.search("Finnland Grenze", limit=3, vector=german) == without.search(
        "Finnland Grenze", limit=3, vector=german)


def test_an_index_of_texts_without_a_word_to_index_still_answers():
    assert TextIndex(["It is what it is.", "?!"]).search("it is") == []


@pytest.mark.parametrize("reported", [
    "The transport ministry said on 6 May 2024 that Estonia spent 120 million euros on the rail line in 2022.",
    "Estonia spent 120 million euros on the rail line in 2022, the transport ministry said on Thursday.",
    "Estonia spent 120 million euros on the rail line in 2022, according to the ministry.",
])
def test_the_day_a_claim_was_reported_on_is_not_a_difference(reported):
    assert differences(reported, "Estonia spent 120 million euros on the rail line in 2022.") == []
    # What it reports still counts.
    assert differences(reported, "Estonia spent 150 million euros on the rail line in 2022.") == [
        "figures: 120 vs 150"]
