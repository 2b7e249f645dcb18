"""Attribution styles found measuring on a public news attribution corpus, and the new claim fields."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pipeline.claims.entities import entities_of
from pipeline.claims.sentences import split_sentences
from pipeline.models import Claim
from tests.claims_text import claims_of as claims_in

NOW = datetime(2016, 5, 2, tzinfo=UTC)


def claims_of(text: str) -> list[Claim]:
    return claims_in(text, published="2016-05-02", now=NOW)


@pytest.mark.parametrize(
    ("text", "speaker", "content"),
    [
        ("''We will win the state,'' Ms. Rowe said.", "Rowe", "We will win the state"),
        (
            "''The plan is dead,'' said Tom Hale, a former aide to the governor. ''Nobody wants it.''",
            "Tom Hale",
            "The plan is dead",
        ),
        (
            "Jane Amar, dean of the law school at Lakeside University, said the ruling changed the tone of the court.",
            "Jane Amar",
            "the ruling changed the tone of the court",
        ),
        ("Rep. Sam Ortiz (D-Ore.) said the bill would pass next week.", "Sam Ortiz", "the bill would pass next week"),
        (
            "Senator Lee said Thursday his plan would cut taxes for families.",
            "Lee",
            "his plan would cut taxes for families",
        ),
        (
            "Top advisers said he had rejected the idea of a farewell address.",
            "Top advisers",
            "he had rejected the idea",
        ),
        ("Turnout rose by ten points in the county, according to a new survey.", "new survey", "Turnout rose by ten"),
    ],
)
def test_news_attribution_styles(text: str, speaker: str, content: str) -> None:
    found = claims_of(text)
    assert any(speaker in c.speaker.name and c.text.startswith(content) for c in found), [
        (c.speaker.name, c.cue, c.text) for c in found
    ]


def test_told_keeps_its_object_out_of_the_claim() -> None:
    assert not claims_of("The mayor told his aides to wait.")


def test_double_apostrophe_quotes_keep_a_quoted_sentence_whole() -> None:
    text = "''It was booming. Those days are gone,'' Ms. Hughes said. She left."
    assert [s.text for s in split_sentences(text)] == [text[: text.index(" She")], "She left."]


def test_content_offsets_and_entities() -> None:
    text = "The Harbour Authority of Lisbon said on Monday that container traffic from Spain’s ports will stop."
    claim = claims_of(text)[0]
    assert claim.content_start is not None and claim.content_end is not None
    assert text[claim.content_start : claim.content_end].endswith("will stop.")
    assert claim.text in text[claim.content_start : claim.content_end]
    assert claim.entities == ("Spain",)


def test_entities_are_capitalised_runs_without_possessives_or_openers() -> None:
    assert entities_of("The troops of Moscow’s Red Square and U.S. officials met Kim Jong-un on Friday") == (
        "Moscow",
        "Red Square",
        "U.S.",
        "Kim Jong-un",
    )
    assert entities_of("He said it would rain in May") == ()
