"""The publication date of a page that states several: the publisher's local day, the URL and the
byline against the metadata, undated pages left undated, and pages without a body still dated."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from pipeline.chain import Chain, Stores
from pipeline.datestamp import publication
from pipeline.extract import extract
from pipeline.extract.html_date import url_hint
from pipeline.models import Article, Capture, DateHint, DateStamp, stable_id

NOW = datetime(2025, 6, 1, tzinfo=UTC)
TEXT = "The lock keepers of the canal voted on Tuesday to keep the night passage open through the winter. " * 3


def stamped(hints: tuple[DateHint, ...], language: str, url: str | None = None) -> DateStamp:
    article = Article(
        article_id="a1",
        trace_id="t1",
        source="test",
        url=url,
        language=language,
        text=TEXT,
        content_hash="h1",
        date_hints=hints,
        extractor="trafilatura",
        extracted_at=NOW,
    )
    return publication(article, ingested_at=NOW)


def dated(*hints: tuple[str, str], language: str = "en", url: str | None = None) -> DateStamp:
    return stamped(tuple(DateHint.model_validate({"text": t, "source": s}) for t, s in hints), language, url)


def page(head: str = "", body: str = "") -> str:
    return (
        f'<!DOCTYPE html><html lang="en"><head><title>Canal passage stays open</title>{head}</head>'
        f"<body><article><h1>Canal passage stays open</h1>{body}</article>"
        "<footer><p>Copyright 2021 Towpath Weekly</p></footer></body></html>"
    )


def capture(html: str, url: str | None = None) -> Capture:
    return Capture(capture_id=stable_id("test", html), source="page.html", url=url, content_type="text/html", body=html)


def test_a_time_just_after_local_midnight_keeps_the_local_day() -> None:
    result = dated(("2020-10-03T01:00:00+02:00", "json-ld"))
    assert result.published == "2020-10-03T01:00+02:00"  # 2020-10-02 in UTC
    assert (result.published_raw, result.utc_offset) == ("2020-10-03T01:00:00+02:00", "+02:00")
    assert result.precision == "minute"
    assert result.published_at is not None and result.published_at.utcoffset() == timedelta(hours=2)


def test_a_time_just_before_local_midnight_west_of_utc_keeps_the_local_day() -> None:
    result = dated(("2020-10-02T23:30:00-05:00", "metadata"))
    assert result.published is not None and result.published[:10] == "2020-10-02"  # 2020-10-03 in UTC
    assert result.utc_offset == "-05:00"


def test_a_utc_time_is_read_in_the_offset_another_source_gives_the_same_instant() -> None:
    result = dated(("2019-10-18T22:04:00Z", "json-ld"), ("Sat, 19 Oct 2019 00:04:00 +0200", "metadata"))
    assert (result.published, result.utc_offset) == ("2019-10-19T00:04+02:00", "+02:00")
    assert result.published_raw == "2019-10-18T22:04:00Z"


def test_a_utc_time_and_a_local_clock_without_zone_give_the_local_day() -> None:
    result = dated(("2023-11-09T06:35:00+00:00", "metadata"), ("2023-11-08 22:35:00", "metadata"))
    assert result.published == "2023-11-08T22:35-08:00"


def test_a_utc_evening_time_gives_way_to_the_day_in_the_url() -> None:
    url = "https://news.example/2023/11/08/late-council-vote"
    result = dated(("2023-11-09T01:10:00Z", "json-ld"), ("2023-11-08", "url"), url=url)
    assert (result.published, result.precision, result.source) == ("2023-11-08", "day", "url")


def test_a_metadata_date_contradicted_by_the_url_and_the_byline_loses() -> None:
    result = dated(("2019-06-17T18:28:00+02:00", "json-ld"), ("2017-07-12", "url"), ("July 12, 2017", "byline"))
    assert (result.published, result.source) == ("2017-07-12", "byline")
    assert result.confidence < 0.95  # contradicted


def test_a_metadata_date_against_the_url_alone_stands() -> None:
    result = dated(("2019-06-17T18:28:00+02:00", "json-ld"), ("2017-07-12", "url"))
    assert (result.published, result.source) == ("2019-06-17T18:28+02:00", "json-ld")
    assert result.confidence < dated(("2019-06-17T18:28:00+02:00", "json-ld")).confidence


def test_agreeing_sources_are_surer_than_one() -> None:
    alone = dated(("2019-06-17", "url"))
    agreed = dated(("2019-06-17", "url"), ("June 17, 2019", "byline"))
    assert (agreed.published, alone.published) == ("2019-06-17", "2019-06-17")
    assert agreed.confidence > alone.confidence


def test_a_numeric_byline_is_read_in_the_sites_date_order() -> None:
    assert dated(("03.04.2019", "byline"), language="de").published == "2019-04-03"
    assert dated(("03/04/2019", "byline"), language="en-US").published == "2019-03-04"


def test_url_dates() -> None:
    assert url_hint("https://news.example/2017/7/12/harbour") == DateHint(text="2017-07-12", source="url")
    assert url_hint("https://news.example/20200428/harbour") == DateHint(text="2020-04-28", source="url")
    assert url_hint("https://news.example/2020-04-28-harbour") == DateHint(text="2020-04-28", source="url")
    assert url_hint("https://news.example/2023/10/3-questions-for-the-mayor") is None
    assert url_hint("https://news.example/2023/10/") is None
    assert url_hint("https://news.example/item?id=20200428") is None


def test_the_date_by_the_headline_is_a_byline_and_an_update_is_a_modification() -> None:
    body = "<p>By Ines Berg | March 3, 2021</p><p>Updated March 5, 2021</p>" + f"<p>{TEXT}</p>"
    article = extract(capture(page(body=body)), now=NOW)
    assert DateHint(text="March 3, 2021", source="byline") in article.date_hints
    assert DateHint(text="March 5, 2021", source="byline", role="modified") in article.date_hints
    result = publication(article, ingested_at=NOW)
    assert (result.published, result.source) == ("2021-03-03", "byline")
    assert result.modified_at == datetime(2021, 3, 5, tzinfo=UTC)


def test_an_undated_page_stays_undated() -> None:
    """A copyright year, an issue number and a dateless URL are no publication date."""
    body = f"<p>Issue 42 of 2021, page 7.</p><p>{TEXT}</p><p>Call 0800 2021 1234 for the timetable.</p>"
    result = Chain().run(capture(page(body=body), "https://news.example/canal/passage-stays-open"), Stores(), now=NOW)
    assert result.article is not None and result.datestamp is not None
    assert (result.datestamp.published, result.datestamp.source, result.datestamp.confidence) == (None, "unknown", 0.0)


def test_an_updated_only_page_has_no_publication_date() -> None:
    body = f"<p>Updated March 5, 2021</p><p>{TEXT}</p>"
    result = publication(extract(capture(page(body=body)), now=NOW), ingested_at=NOW)
    assert (result.published, result.source) == (None, "unknown")
    assert result.modified_at == datetime(2021, 3, 5, tzinfo=UTC)


def test_a_page_without_a_body_still_gets_its_date() -> None:
    ld = {"@context": "https://schema.org", "@type": "VideoObject", "name": "Canal passage stays open"}
    head = (
        f'<script type="application/ld+json">{json.dumps(ld)}</script>'
        '<meta property="article:published_time" content="2021-02-01T07:45:00+01:00">'
    )
    result = Chain().run(capture(page(head, '<div class="player"></div>')), Stores(), now=NOW)
    assert result.dead_letter is None and result.article is not None
    assert result.article.text == "Canal passage stays open"
    assert result.datestamp is not None and result.datestamp.published == "2021-02-01T07:45+01:00"


def test_a_page_without_a_body_or_a_date_is_a_dead_letter() -> None:
    result = Chain().run(capture(page(body='<div class="player"></div>')), Stores(), now=NOW)
    assert result.dead_letter is not None and result.dead_letter.reason == "no article text found"


def with_roles(*hints: tuple[str, str, str], language: str = "de") -> DateStamp:
    return stamped(tuple(DateHint.model_validate({"text": t, "source": s, "role": r}) for t, s, r in hints), language)


def test_a_byline_on_the_metadatas_update_day_dates_the_version_shown() -> None:
    """A story first put out in November and reworked in January shows January by its headline, and
    the metadata's modification time says the same: the page is dated as the version it shows."""
    hints = (
        ("2021-11-29T14:13:37+00:00", "json-ld", "published"),
        ("2022-01-12T14:27:30+00:00", "json-ld", "modified"),
        ("12.01.2022", "byline", "published"),
        ("2021-11-29", "htmldate", "published"),
    )
    result = with_roles(*hints)
    assert (result.published, result.source) == ("2022-01-12", "byline")
    assert result.confidence < 0.9  # the JSON-LD says otherwise
    # Without the update the JSON-LD stands (htmldate repeating it is no second voice against the byline).
    assert with_roles(*(h for h in hints if h[2] != "modified")).published == "2021-11-29T14:13+00:00"


def test_an_update_on_the_publication_day_adds_no_certainty() -> None:
    published = (("2022-01-12T09:00:00+01:00", "metadata", "published"), ("12.01.2022", "byline", "published"))
    updated = (*published, ("2022-01-12T15:00:00+01:00", "metadata", "modified"))
    assert with_roles(*updated).confidence == with_roles(*published).confidence


def test_htmldate_repeating_the_json_ld_is_the_json_ld_again() -> None:
    alone = with_roles(("2023-11-09T01:10:00Z", "json-ld", "published"), ("2023-11-08", "url", "published"))
    repeated = with_roles(
        ("2023-11-09T01:10:00Z", "json-ld", "published"),
        ("2023-11-08", "url", "published"),
        ("2023-11-09", "htmldate", "published"),
    )
    assert repeated.published == alone.published == "2023-11-08"
    assert repeated.confidence == alone.confidence
