"""The date stamp: publication date from hints, inferred years, unknown dates, expressions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from pipeline.datestamp import stamp
from pipeline.models import Article, DateHint

INGESTED = datetime(2026, 2, 3, 4, 5, tzinfo=UTC)

SEED_000 = (
    "North Korean troops won’t march through Moscow’s Red Square for Victory Day celebrations on Friday, "
    "a high-level Russian official said on Tuesday, despite Russia extending an invitation."
)
SEED_004 = (
    "The victory day parade marks the 70th anniversary of the capitulation of Nazi Germany in 1945, which formally "
    "marked the official end of hostilities. Russian foreign minister Sergey Lavrov said on Tuesday that 26 leaders "
    "accepted."
)


def article(text: str = "Nothing dated here.", *hints: tuple[str, str]) -> Article:
    return Article(
        article_id="a1",
        trace_id="t1",
        source="test",
        text=text,
        content_hash="h1",
        date_hints=tuple(DateHint.model_validate({"text": t, "source": s}) for t, s in hints),
        extractor="text-capture",
        extracted_at=INGESTED,
    )


def test_capture_header_wins_over_page_top() -> None:
    result = stamp(
        article(SEED_000, ("May 07, 2025", "page-top"), ("2025-05-06", "capture-header")), ingested_at=INGESTED
    )
    assert result.published == "2025-05-06"
    assert result.source == "capture-header"
    assert result.precision == "day"
    assert result.published_at == datetime(2025, 5, 6, tzinfo=UTC)
    assert result.confidence >= 0.9
    assert {e.text: e.value for e in result.expressions} == {"on Friday": "2025-05-09", "on Tuesday": "2025-05-06"}


def test_byline_with_time_has_minute_precision() -> None:
    result = stamp(article("Text.", ("January 16, 2025 3:06 PM", "byline")), ingested_at=INGESTED)
    assert result.precision == "minute"
    assert result.published_at == datetime(2025, 1, 16, 15, 6, tzinfo=UTC)
    assert result.published is not None and result.published.startswith("2025-01-16T15:06")
    assert result.source == "byline"


def test_byline_with_author_name() -> None:
    result = stamp(article("Text.", ("Anton Sokolin May 6, 2025", "byline")), ingested_at=INGESTED)
    assert (result.published, result.precision, result.source) == ("2025-05-06", "day", "byline")


def test_page_top_with_weekday() -> None:
    result = stamp(
        article("The Kremlin confirmed on Monday.", ("Saturday, December 28, 2024", "page-top")), ingested_at=INGESTED
    )
    assert (result.published, result.precision, result.source) == ("2024-12-28", "day", "page-top")
    assert 0.5 < result.confidence < 0.9
    assert [e.value for e in result.expressions] == ["2024-12-23"]


@pytest.mark.parametrize(
    ("hint", "published_at", "precision"),
    [
        ("2025-05-06T10:00:00+09:00", datetime(2025, 5, 6, 10, tzinfo=timezone(timedelta(hours=9))), "minute"),
        ("Tue, 06 May 2025 10:00:00 GMT", datetime(2025, 5, 6, 10, tzinfo=UTC), "minute"),
        ("6 May 2025", datetime(2025, 5, 6, tzinfo=UTC), "day"),
    ],
)
def test_hint_formats(hint: str, published_at: datetime, precision: str) -> None:
    result = stamp(article("Text.", (hint, "metadata")), ingested_at=INGESTED)
    assert result.published_at == published_at
    assert result.published_at.utcoffset() is not None
    assert result.precision == precision


def test_unparseable_hint_falls_through_to_the_next_source() -> None:
    result = stamp(article("Text.", ("2 hours ago", "capture-header"), ("May 6, 2025", "byline")), ingested_at=INGESTED)
    assert (result.published, result.source) == ("2025-05-06", "byline")


def test_no_hints_and_no_anniversary_is_unknown() -> None:
    text = "Kim stated that he shared his commitment, the first visit since he came to power in 2012."
    result = stamp(article(text), ingested_at=INGESTED)
    assert result.published is None
    assert result.published_at is None
    assert result.precision is None
    assert result.source == "unknown"
    assert result.confidence == 0.0
    assert result.ingested_at == INGESTED


def test_anniversary_gives_an_inferred_year() -> None:
    result = stamp(article(SEED_004), ingested_at=INGESTED)
    assert result.published == "2015"
    assert result.precision == "year"
    assert result.source == "inferred"
    assert result.confidence <= 0.4
    # An inferred year is no base for "on Tuesday".
    assert [(e.text, e.value) for e in result.expressions] == [("in 1945", "1945")]


def test_anniversary_without_a_year_gives_nothing() -> None:
    result = stamp(article("The parade marks the 80th anniversary, officials said."), ingested_at=INGESTED)
    assert (result.published, result.source) == (None, "unknown")


@pytest.mark.parametrize(
    "hints",
    [(), (("not a date", "byline"),), (("today", "page-top"),), (("Tuesday 10:30", "http"),)],
)
def test_ingest_time_never_leaks(hints: tuple[tuple[str, str], ...]) -> None:
    result = stamp(article("Officials said on Tuesday that talks would resume today.", *hints), ingested_at=INGESTED)
    assert result.published_at is None
    assert result.ingested_at == INGESTED
    assert result.expressions == ()


def test_an_updated_hint_is_the_modified_date_not_the_published_one() -> None:
    result = stamp(
        article(SEED_000, ("Updated: May 7, 2025 10:02 AM", "byline"), ("May 6, 2025", "page-top")),
        ingested_at=INGESTED,
    )
    assert (result.published, result.source) == ("2025-05-06", "page-top")
    assert result.modified_at == datetime(2025, 5, 7, 10, 2, tzinfo=UTC)


def test_only_an_updated_hint_leaves_the_publication_date_unknown() -> None:
    result = stamp(article("Nothing dated here.", ("Last updated 2025-05-07", "metadata")), ingested_at=INGESTED)
    assert (result.published_at, result.source, result.confidence) == (None, "unknown", 0.0)
    assert result.modified_at == datetime(2025, 5, 7, tzinfo=UTC)
    assert result.ingested_at == INGESTED


def test_numeric_dates_in_the_text_follow_the_site_locale() -> None:
    text = "The decree of 05/06/2025 stands."
    us = stamp(article(text).model_copy(update={"language": "en-US"}), ingested_at=INGESTED)
    uk = stamp(article(text).model_copy(update={"language": "en-GB"}), ingested_at=INGESTED)
    assert [e.value for e in us.expressions] == ["2025-05-06"]
    assert [e.value for e in uk.expressions] == ["2025-06-05"]
