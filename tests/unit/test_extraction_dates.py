"""Dates in claims resolved in the tense of their clause, and ranges kept whole (issue 13, defect 2).

Publication is Monday 8 July 2024 throughout: the Thursday before it is 4 July, the one after 11 July."""

from __future__ import annotations

import datetime

import pytest

from workers.extraction import extract_claims
from workers.extraction.dates import PRESENT, date_tense, resolve_date

MONDAY = datetime.datetime(2024, 7, 8)
PAST, FUTURE = False, True


@pytest.mark.parametrize(("text", "tense", "iso"), [
    ("Thursday", PAST, "2024-07-04"),
    ("Thursday", None, "2024-07-04"),
    ("Thursday", FUTURE, "2024-07-11"),
    ("Thursday night", FUTURE, "2024-07-11"),
    ("Monday", PAST, "2024-07-08"),
    ("Monday", FUTURE, "2024-07-08"),
    ("next Thursday", PAST, "2024-07-11"),
    ("last Thursday", FUTURE, "2024-07-04"),
    ("yesterday", FUTURE, "2024-07-07"),
    ("tomorrow", PAST, "2024-07-09"),
    ("last month", FUTURE, "2024-06"),
    ("next month", PAST, "2024-08"),
    ("last week", None, "2024-W27"),
    ("next year", None, "2025"),
])
def test_relative_dates_resolve_against_publication(text, tense, iso):
    assert resolve_date(text, MONDAY, tense) == iso


@pytest.mark.parametrize(("text", "iso"), [
    ("July 8 and 9", "2024-07-08/2024-07-09"),
    ("8–9 July", "2024-07-08/2024-07-09"),
    ("8 to 9 July 2024", "2024-07-08/2024-07-09"),
    ("from 8 to 9 July", "2024-07-08/2024-07-09"),
    ("between July 8 and 10", "2024-07-08/2024-07-10"),
    ("July 30 to August 2, 2024", "2024-07-30/2024-08-02"),
    ("May to July 2024", "2024-05/2024-07"),
    ("2019-2021", "2019/2021"),
    ("2023-24", "2023/2024"),
])
def test_ranges_keep_both_ends_as_an_iso_interval(text, iso):
    assert resolve_date(text, MONDAY, FUTURE) == iso


def test_a_date_without_its_year_takes_the_year_its_tense_asks_for():
    assert resolve_date("December 28", MONDAY, PAST) == "2023-12-28"
    assert resolve_date("December 28", MONDAY, FUTURE) == "2024-12-28"
    assert resolve_date("in March", MONDAY, PAST) == "2024-03"
    assert resolve_date("in March", MONDAY, FUTURE) == "2025-03"
    assert resolve_date("December 30 to January 2", MONDAY, PAST) == "2023-12-30/2024-01-02"
    # A year that is written is kept whatever the tense.
    assert resolve_date("December 28, 2024", MONDAY, PAST) == "2024-12-28"


def test_a_date_in_the_simple_present_is_the_nearest_such_date():
    # "The visit follows talks on June 3-4", published in July: the June just gone.
    assert resolve_date("June 3-4", MONDAY, PRESENT) == "2024-06-03/2024-06-04"
    assert resolve_date("June 3", MONDAY, PRESENT) == "2024-06-03"
    # "The fair opens on January 5", published in December: the coming January.
    december = datetime.datetime(2024, 12, 20)
    assert resolve_date("January 5", december, PRESENT) == "2025-01-05"
    assert resolve_date("in January", december, PRESENT) == "2025-01"
    assert resolve_date("December 28", MONDAY, PRESENT) == "2024-12-28"
    # A weekday in the present is a timetable's: the next one.
    assert resolve_date("Thursday", MONDAY, PRESENT) == "2024-07-11"


def test_what_was_expected_in_the_past_for_a_later_month_is_not_moved_back_a_year(nlp):
    text = "The central bank's governor told lawmakers he expected rates to fall in September."
    claims = extract_claims(text, nlp=nlp, published_at=MONDAY.date(), language="en").claims
    assert [date["iso"] for claim in claims for date in claim.dates] == ["2024-09"]
    assert all("September 2023" not in claim.text for claim in claims)


def test_a_month_of_what_is_expected_is_after_publication(nlp):
    # Published in July: the cut they expect "in March" is next March, not the March gone.
    text = "Analysts at two Oslo banks expect the first rate cut in March."
    claims = extract_claims(text, nlp=nlp, published_at=MONDAY.date(), language="en").claims
    assert [date["iso"] for claim in claims for date in claim.dates] == ["2025-03"]
    # Expected before, of the past: the March gone.
    text = "Analysts at two Oslo banks had expected the first rate cut in March."
    claims = extract_claims(text, nlp=nlp, published_at=MONDAY.date(), language="en").claims
    assert [date["iso"] for claim in claims for date in claim.dates] == ["2024-03"]


def test_a_past_event_named_in_the_present_is_not_moved_to_next_year(nlp):
    text = "The ferry line follows talks in Riga on June 3-4 between the two ports."
    claims = extract_claims(text, nlp=nlp, published_at=MONDAY.date(), language="en").claims
    assert [date["iso"] for claim in claims for date in claim.dates] == ["2024-06-03/2024-06-04"]
    assert all("2025" not in claim.text for claim in claims)


def test_nothing_said_of_the_past_lands_after_publication():
    texts = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
             "January 5", "June 30", "July 9", "December 31", "in November", "July 20 and 21"]
    for offset in range(0, 400, 7):
        base = datetime.datetime(2023, 12, 25) + datetime.timedelta(days=offset)
        for text in texts:
            iso = resolve_date(text, base, PAST)
            assert iso is not None
            start = iso.split("/")[0]
            assert start <= base.date().isoformat()[: len(start)], (text, base, iso)
            future = resolve_date(text, base, FUTURE)
            assert future is not None
            end = future.split("/")[-1]
            assert end >= base.date().isoformat()[: len(end)], (text, base, future)


@pytest.mark.parametrize(("sentence", "date", "tense"), [
    ("The Lindqvist government said Thursday that the minister will visit Tallinn.", "Thursday", PAST),
    ("The two ministers will meet in Tallinn on Thursday.", "Thursday", FUTURE),
    ("The delegation is due to arrive in Tallinn on Thursday.", "Thursday", FUTURE),
    ("The foreign minister is visiting Estonia on Thursday.", "Thursday", FUTURE),
    ("The harbour festival opens Thursday.", "Thursday", PRESENT),
    ("The book fair opens on June 3.", "June 3", PRESENT),
    # What was expected or promised comes after the expecting: on either side of publication.
    ("The governor said he expected rates to fall in September.", "September", PRESENT),
    ("The council promised to reopen the pier on Thursday.", "Thursday", PRESENT),
    ("The pier was forced to close in March.", "March", PAST),
    ("The ferry company said it would resume sailings on Thursday.", "Thursday", FUTURE),
    ("A statement issued Thursday said the talks had failed.", "Thursday", PAST),
    ("The council was meeting on Thursday when the power failed.", "Thursday", PAST),
    ("The port has been closed since Thursday.", "Thursday", PAST),
])
def test_tense_is_that_of_the_clause_the_date_modifies(nlp, sentence, date, tense):
    entity = next(entity for entity in nlp(sentence).ents if entity.text == date)
    assert date_tense(entity) is tense


def test_said_thursday_is_the_thursday_before_publication(nlp):
    text = "Prime Minister Ilse Varga will visit Tallinn on July 8 and 9, her office said Thursday.\n"
    result = extract_claims(text, published_at="2024-07-08", nlp=nlp)
    claim = result.claims[0]
    assert "said on 4 July 2024" in claim.text
    assert "11 July" not in claim.text
    assert {date["text"]: date["iso"] for date in claim.dates} == {
        "July 8 and 9": "2024-07-08/2024-07-09",
        "Thursday": "2024-07-04",
    }


def test_a_date_of_the_future_is_the_next_one(nlp):
    text = "The Tallinn port authority will open its new ferry terminal on Thursday, officials said.\n"
    result = extract_claims(text, published_at="2024-07-08", nlp=nlp)
    assert "on 11 July 2024" in result.claims[0].text
    assert result.claims[0].dates == [{"text": "Thursday", "iso": "2024-07-11"}]


def test_a_list_item_dates_in_the_tense_of_its_own_clause(nlp):
    text = ("The Lindvik council set its summer schedule on Monday. The events are:\n"
            "1. Harbour Day: a festival that will take place on Thursday\n"
            "2. Ferry Week: a series of boat tours that ended on Friday\n")
    dates = {claim.text: claim.dates for claim in extract_claims(text, published_at="2024-07-08", nlp=nlp).claims}
    assert dates["Harbour Day is a festival that will take place on Thursday."] == [
        {"text": "Thursday", "iso": "2024-07-11"}]
    assert dates["Ferry Week is a series of boat tours that ended on Friday."] == [
        {"text": "Friday", "iso": "2024-07-05"}]


def test_a_date_without_its_year_is_written_with_it(nlp):
    text = (
        "The Tallinn ferry company raised its fares on December 28, the company said.\n"
        "The company's board will meet from 8 to 9 August to discuss the timetable.\n"
    )
    texts = [claim.text for claim in extract_claims(text, published_at="2024-07-08", nlp=nlp).claims]
    assert any("on December 28, 2023" in claim for claim in texts)
    assert any("from 8 to 9 August 2024" in claim for claim in texts)


def test_a_named_day_is_no_date(nlp):
    text = "The Tallinn department store will cut prices by 30 percent on Black Friday, its owner said.\n"
    claim = extract_claims(text, published_at="2024-07-08", nlp=nlp).claims[0]
    assert "Black Friday" in claim.text
    assert all(date["iso"] is None for date in claim.dates if date["text"] == "Friday")


def test_a_date_that_modifies_a_noun_takes_no_tense_from_the_verb(nlp):
    doc = nlp("Tuesday's debate will shape the campaign, analysts said.")
    entity = next(entity for entity in doc.ents if entity.text.startswith("Tuesday"))
    assert date_tense(entity) is None


def test_two_weekdays_in_the_tense_of_their_clause(nlp):
    assert resolve_date("Wednesday and Thursday", MONDAY, PAST) == "2024-07-03/2024-07-04"
    assert resolve_date("Wednesday and Thursday", MONDAY, FUTURE) == "2024-07-10/2024-07-11"
    assert resolve_date("Monday and Tuesday", MONDAY, PAST) == "2024-07-01/2024-07-02"
    assert resolve_date("early Thursday", MONDAY, FUTURE) == "2024-07-11"
    text = "The Tallinn dock workers will strike from Monday to Friday, their union said.\n"
    claim = extract_claims(text, published_at="2024-07-08", nlp=nlp).claims[0]
    assert "from 8 to 12 July 2024" in claim.text
    text = "The two ministers met in Tallinn on Wednesday and Thursday, officials said.\n"
    claim = extract_claims(text, published_at="2024-07-08", nlp=nlp).claims[0]
    assert "on 3 July 2024 and 4 July 2024" in claim.text


def test_a_date_that_names_an_event_gets_no_year_written_in(nlp):
    text = "The senator voted against the inquiry into the Jan. 6 attack on the Capitol.\n"
    claim = extract_claims(text, published_at="2024-07-08", nlp=nlp).claims[0]
    assert "the Jan. 6 attack" in claim.text


@pytest.mark.parametrize(("sentence", "date", "tense"), [
    ("The ferry company issued timetables set to expire on May 1.", "May 1", FUTURE),
    ("The mayor will address a rally on Saturday evening.", "Saturday", FUTURE),
    ("The claim appears to be based on a report from February.", "February", None),
])
def test_tense_through_participles_time_words_and_nouns(nlp, sentence, date, tense):
    entity = next(entity for entity in nlp(sentence).ents if entity.text == date)
    assert date_tense(entity) is tense


def test_a_date_written_out_keeps_the_space_after_it(nlp):
    text = "The Tallinn port authority said in mid-April that cargo volumes had fallen 8 percent.\n"
    claim = extract_claims(text, published_at="2024-07-08", nlp=nlp).claims[0]
    assert "in mid-April 2024 that" in claim.text


def test_how_often_is_no_date(nlp):
    result = extract_claims("A Baltic fisheries summit, held annually since 1994, met in Klaipeda in May 2023, "
                            "and the ferry to Klaipeda runs a daily service.", nlp=nlp, published_at=MONDAY)
    dates = [date for claim in result.claims for date in claim.dates]
    assert {"text": "May 2023", "iso": "2023-05"} in dates
    assert not [date for date in dates if date["text"].lower() in ("annually", "daily")]
