"""Boilerplate is found by what it says, wherever it stands (issue 13, defect 5).

A fictional publisher, the Fenwick Courier, and articles written for these tests."""

from __future__ import annotations

import pytest

from workers.extraction import extract_claims
from workers.extraction.boilerplate import block_signals, boilerplate_flags
from workers.extraction.text import split_blocks

NEWS = [
    "The Fenwick county board approved a $31 million flood wall on Tuesday, its chair, Nadia Osei, said.",
    "Construction of the 2.4-kilometre wall along the Lune river is due to start in March 2025.",
    "The river burst its banks three times in 2023, flooding 640 homes, according to the county.",
    "Councillor Brendan Tully, who voted against the plan, said the wall would cost twice as much as promised.",
    "State engineers estimate that the wall will protect about 9,000 residents from a once-a-century flood.",
    "The board will vote on a second, smaller wall for the harbour district in September.",
]

APPEAL = [
    "A note from the Fenwick Courier:",
    "Dear readers,",
    "We are a small newsroom and our reporters cover the county board every week, which no one else does.",
    "Our work is paid for by readers, not by advertisers, and we answer only to you.",
    "If you can, please support us with a gift of just $4 a month. Every contribution keeps our journalism free.",
    "Thank you for reading.",
    "Remind me later",
]

NEWSLETTER_BOX = [
    "Get the Lune Valley briefing",
    "Sign up for our free weekday newsletter and get the county's news in your inbox every morning.",
    "Email address",
    "Subscribe",
    "By signing up, you agree to our privacy policy.",
]


def _flagged(lines: list[str]) -> list[str]:
    text = "\n".join(lines) + "\n"
    blocks = split_blocks(text)
    return [text[block.start : block.end] for block, flag in zip(blocks, boilerplate_flags(text, blocks)) if flag]


@pytest.mark.parametrize("position", [0, 3, len(NEWS)], ids=["start", "middle", "end"])
def test_appeal_is_found_wherever_it_stands(position):
    lines = NEWS[:position] + APPEAL + NEWS[position:]
    assert _flagged(lines) == APPEAL


def test_article_pasted_twice_loses_both_appeals_and_no_news():
    lines = NEWS + APPEAL + NEWS + APPEAL
    assert _flagged(lines) == APPEAL + APPEAL


def test_a_long_appeal_without_a_salutation_in_the_middle():
    appeal = [
        "Before you go, we have a small favour to ask.",
        "Thousands of readers across the valley rely on the Fenwick Courier for news they can trust, "
        "and our reporting stays free for everyone who needs it.",
        "We have no owner and no shareholders, so our journalism answers to the public alone.",
        "Support the Courier today. It only takes a minute.",
    ]
    lines = NEWS[:3] + appeal + NEWS[3:]
    assert _flagged(lines) == appeal


def test_newsletter_box_in_the_middle_goes_and_the_news_around_it_stays():
    lines = NEWS[:2] + NEWSLETTER_BOX + NEWS[2:]
    assert _flagged(lines) == NEWSLETTER_BOX


def test_remind_me_later_block_in_the_middle():
    block = [
        "Support independent journalism",
        "The Fenwick Courier depends on readers like you. Become a member today.",
        "Maybe later",
    ]
    lines = NEWS[:4] + block + NEWS[4:]
    assert _flagged(lines) == block


def test_news_about_donations_and_subscriptions_stays_beside_an_appeal():
    news = [
        "The charity said donations fell 12 percent in 2023, to $4.1 million.",
        "Subscriptions to the county's flood alerts doubled after the storm, officials said.",
        "Fenwick Food Bank, which relies on donations, served 18,000 families last year.",
    ]
    assert _flagged(news) == []
    # Next to an appeal, news in the third person is not taken into it.
    assert _flagged(news[:1] + APPEAL + news[1:]) == APPEAL


def test_a_heading_before_news_after_an_appeal_stays():
    lines = NEWS[:2] + ["Become a member today.", "Flood defences", NEWS[2]]
    assert _flagged(lines) == ["Become a member today."]


def test_a_reporter_in_the_first_person_is_not_an_appeal_without_an_ask():
    lines = [
        "We reached the flooded village of Marrow End by boat on Wednesday morning.",
        "Our guide, a volunteer firefighter, said the water had risen a metre overnight.",
        *NEWS[:2],
    ]
    assert _flagged(lines) == []


def test_service_journalism_addressing_the_reader_is_not_an_appeal():
    signals = block_signals(
        "In 2025 you can contribute up to $23,000 to a workplace pension plan before taxes, "
        "and your employer may match part of it."
    )
    assert not signals.certain
    assert not block_signals("The Courier's publisher said US subscriptions rose 8 percent.").certain


@pytest.mark.parametrize("position", [0, 3, len(NEWS)], ids=["start", "middle", "end"])
def test_no_claim_comes_from_the_appeal(nlp, position):
    text = "\n".join(NEWS[:position] + APPEAL + NEWS[position:]) + "\n"
    result = extract_claims(text, published_at="2024-07-08", nlp=nlp)
    appeal_start = text.index(APPEAL[0])
    appeal_end = text.index(APPEAL[-1]) + len(APPEAL[-1])
    assert result.claims
    assert not [claim.text for claim in result.claims if appeal_start <= claim.start < appeal_end]
    covered = {sentence for sentence in NEWS if any(claim.sentence == sentence for claim in result.claims)}
    assert len(covered) >= len(NEWS) - 1


def test_a_greeting_that_opens_a_letter_is_not_an_appeal():
    letter = [
        "Hello,",
        "We moved to Fenwick in 2019 and our street has flooded four times since then.",
        "The county never answered the 12 complaints we filed about the drains.",
    ]
    assert _flagged(NEWS[:2] + letter) == ["Hello,"]


@pytest.mark.parametrize("note", [
    "Correction: An earlier version of this article misstated the length of the flood wall.",
    "Editor's note: This story has been updated with the board's vote.",
    "A previous version of this story gave the wrong date for the vote.",
])
def test_the_publishers_note_on_its_own_article_goes(note):
    assert _flagged(NEWS[:3] + [note] + NEWS[3:]) == [note]
