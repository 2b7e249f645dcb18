"""Dates of HTML pages: published and modified from JSON-LD and <meta>, htmldate when they say nothing."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from pipeline.datestamp import stamp
from pipeline.extract import extract
from pipeline.models import Article, Capture, DateHint, DateStamp, stable_id

NOW = datetime(2025, 6, 1, tzinfo=UTC)
PLAIN_URL = "https://example.org/news/river-ferry-returns"
BODY = (
    "<p>The river ferry between the two market towns returned to service on Monday after a winter in dry dock, "
    "the operator said, with a new engine and a wider deck for bicycles.</p>"
    "<p>Commuters had driven a forty-minute detour over the inland bridge since November, and several shops on "
    "the quay said trade had halved while the crossing was closed.</p>"
    "<p>The operator plans a later evening sailing from the spring if passenger numbers recover.</p>"
)


def page(head: str = "", body_top: str = "") -> str:
    return (
        f'<!DOCTYPE html><html lang="en"><head><title>River ferry returns</title>{head}</head><body>'
        f"<article><h1>River ferry returns</h1>{body_top}{BODY}</article>"
        "<footer><p>Copyright 2023 Valley Courier</p></footer></body></html>"
    )


def json_ld(**fields: str) -> str:
    data = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "River ferry returns", **fields}
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def extracted(html: str, url: str = PLAIN_URL) -> Article:
    capture = Capture(capture_id=stable_id("test", html), source="test", url=url, content_type="text/html", body=html)
    return extract(capture, now=NOW)


def stamped(html: str, url: str = PLAIN_URL) -> DateStamp:
    return stamp(extracted(html, url), ingested_at=NOW)


def test_json_ld_published_and_modified() -> None:
    html = page(json_ld(datePublished="2024-03-05T08:00:00Z", dateModified="2024-03-06T10:15:00Z"))
    article = extracted(html)
    assert DateHint(text="2024-03-05T08:00:00Z", source="json-ld") in article.date_hints
    assert DateHint(text="2024-03-06T10:15:00Z", source="json-ld", role="modified") in article.date_hints
    result = stamp(article, ingested_at=NOW)
    assert (result.published, result.source, result.precision) == ("2024-03-05T08:00+00:00", "json-ld", "minute")
    assert (result.published_raw, result.utc_offset) == ("2024-03-05T08:00:00Z", "+00:00")
    assert result.modified_at == datetime(2024, 3, 6, 10, 15, tzinfo=UTC)


@pytest.mark.parametrize(
    "tag",
    [
        '<meta property="article:modified_time" content="2024-03-06T10:15:00+01:00">',
        '<meta property="og:updated_time" content="2024-03-06T10:15:00+01:00">',
        '<meta itemprop="dateModified" content="2024-03-06T10:15:00+01:00">',
    ],
)
def test_a_modified_time_alone_is_never_the_publication_date(tag: str) -> None:
    article = extracted(page(tag))
    assert [(h.source, h.role) for h in article.date_hints] == [("metadata", "modified")]
    result = stamp(article, ingested_at=NOW)
    assert result.modified_at == datetime(2024, 3, 6, 10, 15, tzinfo=timezone(timedelta(hours=1)))
    assert (result.published_at, result.source, result.confidence) == (None, "unknown", 0.0)


def test_a_modified_time_with_a_dated_url_keeps_both_apart() -> None:
    url = "https://example.org/2024/03/05/river-ferry-returns"
    result = stamped(page('<meta property="article:modified_time" content="2024-03-06T10:15:00Z">'), url)
    assert (result.published, result.source) == ("2024-03-05", "url")
    assert result.modified_at == datetime(2024, 3, 6, 10, 15, tzinfo=UTC)


def test_same_day_update_in_another_zone_is_kept() -> None:
    html = page(json_ld(datePublished="2024-03-05", dateModified="2024-03-05T01:00:00+05:00"))
    result = stamped(html)
    assert result.published == "2024-03-05"
    assert result.modified_at == datetime(2024, 3, 5, 1, tzinfo=timezone(timedelta(hours=5)))


def test_date_in_the_url_only() -> None:
    article = extracted(page(), "https://example.org/2024/03/05/river-ferry-returns")
    assert article.date_hints == (DateHint(text="2024-03-05", source="url"),)
    result = stamp(article, ingested_at=NOW)
    assert (result.published, result.source, result.precision, result.confidence) == (
        "2024-03-05",
        "url",
        "day",
        0.8,
    )
    assert result.modified_at is None


def test_time_element_without_metadata_comes_from_htmldate() -> None:
    result = stamped(page(body_top='<p class="byline">By Ana Ruiz, <time datetime="2024-03-05">March 5</time></p>'))
    assert (result.published, result.source) == ("2024-03-05", "htmldate")


def test_metadata_date_wins_and_htmldate_is_not_asked() -> None:
    """The page's own dates agree (there is one): htmldate could not change the day, and is not asked."""
    html = page(
        '<meta property="article:published_time" content="2024-03-04T09:00:00+01:00">',
        '<p class="byline"><time datetime="2024-03-02">March 2</time></p>',
    )
    article = extracted(html)
    assert article.date_hints == (DateHint(text="2024-03-04T09:00:00+01:00", source="metadata"),)
    result = stamp(article, ingested_at=NOW)
    assert (result.published, result.source, result.confidence) == ("2024-03-04T09:00+01:00", "metadata", 0.9)


def test_htmldate_decides_between_disagreeing_sources() -> None:
    html = page(
        '<meta property="article:published_time" content="2024-03-04T09:00:00+01:00">',
        '<p>Issue of March 6, 2024</p><p><time class="entry-date" datetime="2024-03-06">March 6</time></p>',
    )
    article = extracted(html)
    assert DateHint(text="March 6, 2024", source="byline") in article.date_hints
    assert DateHint(text="2024-03-06", source="htmldate") in article.date_hints
    result = stamp(article, ingested_at=NOW)
    assert (result.published, result.source) == ("2024-03-06", "byline")
    assert result.confidence < 0.9  # contradicted by the metadata


def test_a_page_without_a_date_has_none() -> None:
    """Neither the copyright year in the footer nor the current date stands in for a publication date."""
    article = extracted(page())
    assert article.date_hints == ()
    result = stamp(article, ingested_at=NOW)
    assert (result.published_at, result.published, result.source, result.modified_at) == (None, None, "unknown", None)
    assert result.ingested_at == NOW


def test_htmldate_ranks_after_the_byline() -> None:
    article = extracted(page(), "https://example.org/2024/03/05/river-ferry-returns")
    with_byline = article.model_copy(
        update={"date_hints": (*article.date_hints, DateHint(text="March 4, 2024", source="byline"))}
    )
    result = stamp(with_byline, ingested_at=NOW)
    assert (result.published, result.source) == ("2024-03-04", "byline")


def test_a_date_just_above_the_headline_is_read_past_a_large_menu_before_it() -> None:
    menu = "<div class='menu'>" + "".join(f"<ul><li><a href='/s{i}'>Section {i}</a></li></ul>" for i in range(400))
    html = (
        '<!DOCTYPE html><html lang="en"><head><title>River ferry returns</title></head><body>'
        f"{menu}<p>Valley Courier</p></div>"
        f"<article><div><span>News</span> <span>March 4, 2024</span></div><h1>River ferry returns</h1>{BODY}"
        "</article></body></html>"
    )
    hints = [(h.source, h.text, h.role) for h in extracted(html).date_hints]
    assert ("byline", "March 4, 2024", "published") in hints
    assert stamped(html).published == "2024-03-04"


def german_page(top: str, headings: str = "<h1>Fähre fährt wieder</h1>") -> str:
    return (
        '<!DOCTYPE html><html lang="de"><head><title>Fähre fährt wieder | Talbote</title></head><body>'
        f"<article>{headings}{top}<p>Die Fähre zwischen den beiden Marktorten fährt nach einem Winter im Trockendock "
        "wieder, mit neuem Motor und breiterem Deck für Fahrräder, teilte der Betreiber mit.</p>"
        "<p>Pendler nahmen seit November einen Umweg über die Brücke im Landesinneren.</p></article></body></html>"
    )


def bylines(html: str) -> list[tuple[str, str]]:
    return [(h.text, h.role) for h in extracted(html).date_hints if h.source == "byline"]


def test_a_german_byline_with_a_month_name_is_read() -> None:
    html = german_page("<p>Von Anna Beck · 4. Februar 2022, 09:30 Uhr</p>")
    assert bylines(html) == [("4. Februar 2022, 09:30", "published")]
    assert stamped(html).published == "2022-02-04T09:30"


def test_a_date_told_in_a_sentence_of_the_story_is_no_byline() -> None:
    sentence = (
        "<p>Der Betreiber teilte am Montag (30. Oktober 2023) mit, dass die Fähre ab sofort wieder "
        "im Stundentakt zwischen den Orten verkehrt.</p>"
    )
    assert bylines(german_page(sentence)) == []
    dateline = "<p>Talheim, (12.11.2021). Der Betreiber teilte mit, dass die Fähre ab sofort wieder fährt.</p>"
    assert bylines(german_page(dateline)) == [("12.11.2021", "published")]


def test_the_headline_is_the_heading_that_says_the_title() -> None:
    """A site name or a section set as the first <h1>, or an empty <h1>, is not the story's headline."""
    for before in ("<h1>Talbote</h1>", "<h1> </h1>", "<h1>Lokales</h1><h1>Region</h1>"):
        headings = f"<header>{before}<p>Ausgabe vom 1. Januar 2020</p></header><h1>Fähre fährt wieder</h1>"
        html = german_page("<p>Von Anna Beck · 4. Februar 2022</p>", headings=f"</article><article>{headings}")
        assert bylines(html) == [("4. Februar 2022", "published")], before
    as_h2 = "<h1>Talbote</h1><div><p>1. Januar 2020</p></div><h2>Fähre fährt wieder</h2>"
    assert bylines(german_page("<p>Von Anna Beck · 4. Februar 2022</p>", headings=as_h2)) == [
        ("4. Februar 2022", "published")
    ]


def test_a_menu_item_named_after_a_date_is_no_byline() -> None:
    for menu in (
        "<nav><ul><li><a href='/fest'>Hafenfest – 12. Mai 2012</a></li></ul></nav>",
        "<div role='navigation'><ul><li><a href='/fest'>Hafenfest – 12. Mai 2012</a></li></ul></div>",
    ):
        assert bylines(german_page(menu)) == [], menu


def test_microdata_dates_on_page_elements_are_metadata() -> None:
    top = (
        '<time itemprop="dateModified" datetime="2024-04-02 16:00:00" class="hidden">2024-04-02 16:00:00</time>'
        '<p itemprop="datePublished" content="2024-03-05 10:20:00">März 2024</p>'
    )
    article = extracted(page(body_top=top))
    hints = [(h.source, h.role, h.text) for h in article.date_hints]
    assert ("metadata", "published", "2024-03-05 10:20:00") in hints
    assert ("metadata", "modified", "2024-04-02 16:00:00") in hints
    assert not [h for h in hints if h[0] == "byline"]  # the hidden machine date is not shown by the headline
    assert stamp(article, ingested_at=NOW).published == "2024-03-05T10:20"


def test_a_meta_tag_date_comes_before_the_microdata() -> None:
    html = page(
        '<meta property="article:published_time" content="2024-03-06T09:00:00+01:00">',
        '<time itemprop="datePublished" datetime="2024-03-05T20:00:00+01:00"></time>',
    )
    hints = [(h.source, h.text) for h in extracted(html).date_hints if h.role == "published"]
    assert hints == [("metadata", "2024-03-06T09:00:00+01:00")]


def test_a_date_the_page_calls_its_publication_is_read_anywhere_when_the_headline_shows_none() -> None:
    footer = (
        "</article><footer><p>Folge 12 · Dauer: 41 Minuten</p><p>Veröffentlicht am 16.08.2019</p></footer><article>"
    )
    html = german_page(footer)
    assert [(h.source, h.text) for h in extracted(html).date_hints] == [("byline", "16.08.2019")]
    assert stamped(html).published == "2019-08-16"
    english = page().replace("<footer>", "<footer><p>Filed under Transport</p><p>Posted on March 4, 2024</p>")
    assert [(h.source, h.text) for h in extracted(english).date_hints] == [("byline", "March 4, 2024")]
    # The page's metadata dates it already: the label is not looked for.
    meta = '<meta property="article:published_time" content="2024-03-05T08:00:00Z">'
    assert [h.source for h in extracted(english.replace("</head>", f"{meta}</head>")).date_hints] == ["metadata"]
