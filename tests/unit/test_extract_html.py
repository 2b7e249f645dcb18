"""The HTML path (trafilatura) and the choice between the HTML and the text path."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pipeline.extract import ExtractError, extract
from pipeline.extract.html import Readable, extract_html, fuller_block, parse, prose_or_readability
from pipeline.models import Article, Capture, DateHint, stable_id

NOW = datetime(2025, 6, 1, tzinfo=UTC)
URL = "https://example.org/news/harbour-bridge"
PARAGRAPHS = (
    "The harbour bridge reopened to traffic on Thursday morning after eight months of repairs to its "
    "corroded steel deck, the city council said.",
    "Engineers replaced more than two hundred support beams and resurfaced the whole span, which carries "
    "about forty thousand vehicles a day.",
    "Local businesses on both sides of the water welcomed the reopening, saying the long detour had cut "
    "the number of customers visiting the old town.",
)
PAGE = f"""<!DOCTYPE html>
<html lang="en">
<head>
<title>Harbour bridge reopens after repairs | Coastal Gazette</title>
<meta name="author" content="Maria Lopez">
<meta property="article:published_time" content="2024-03-14T09:30:00Z">
<meta property="og:site_name" content="Coastal Gazette">
</head>
<body>
<nav><ul><li><a href="/">Home page</a></li><li><a href="/news">Local news</a></li>
<li><a href="/sport">Weekend sport</a></li></ul></nav>
<article>
<h1>Harbour bridge reopens after repairs</h1>
{"".join(f"<p>{p}</p>" for p in PARAGRAPHS)}
</article>
<footer><p>Copyright 2024 Coastal Gazette. Every right reserved.</p><a href="/privacy">Privacy policy</a></footer>
<form id="commentform"><h3>Leave a comment</h3><textarea name="comment"></textarea>
<input type="submit" value="Post comment"></form>
</body>
</html>"""


def capture(body: str, content_type: str = "text/html", url: str | None = URL) -> Capture:
    return Capture(capture_id=stable_id("test", body), source="test", url=url, content_type=content_type, body=body)


def test_keeps_the_article_paragraphs() -> None:
    article = extract(capture(PAGE), now=NOW)
    assert article.text == "\n\n".join(PARAGRAPHS)


def test_drops_navigation_footer_and_comment_form() -> None:
    text = extract(capture(PAGE), now=NOW).text
    for furniture in ("Home page", "Weekend sport", "Copyright", "Privacy policy", "Leave a comment", "Post comment"):
        assert furniture not in text


def test_metadata() -> None:
    article = extract(capture(PAGE), now=NOW)
    assert article.title == "Harbour bridge reopens after repairs"
    assert article.author == "Maria Lopez"
    assert article.site == "Coastal Gazette"
    assert article.language == "en"
    assert DateHint(text="2024-03-14T09:30:00Z", source="metadata") in article.date_hints
    assert article.extractor == "trafilatura"


def test_ids() -> None:
    article = extract(capture(PAGE), now=NOW)
    assert article.article_id == stable_id("url", URL)
    assert article.trace_id == capture(PAGE).capture_id
    without_url = extract(capture(PAGE, url=None), now=NOW)
    assert without_url.article_id == stable_id("content", without_url.content_hash)
    assert without_url.content_hash == article.content_hash


def test_html_sent_as_plain_text_takes_the_html_path() -> None:
    article = extract(capture(PAGE, content_type="text/plain"), now=NOW)
    assert article.extractor == "trafilatura"
    assert article.text == "\n\n".join(PARAGRAPHS)


@pytest.mark.parametrize(
    "body",
    [
        "",
        "   \n\t ",
        "<html><head><title>Only a head</title></head></html>",
        "<html><body></body></html>",
        "<!doctype html><html><body><p>Too short.</p></body></html>",
        "<html><p>unclosed <b>tags <div><p>and <i>more",
        "<<<>>> </p></div></body>",
        "\x00\x01\x02<html>\x00",
        "<?xml version='1.0' encoding='utf-8'?><html><body><p>x</p></body></html>",
        "<html><body>" + "<div>" * 3000 + "deep" + "</div>" * 3000 + "</body></html>",
    ],
)
def test_hostile_or_empty_html_raises_extract_error_or_gives_an_article(body: str) -> None:
    try:
        article = extract(capture(body), now=NOW)
    except ExtractError as exc:
        assert exc.reason
    else:
        assert isinstance(article, Article)
        assert len(article.text) >= 100


def test_malformed_but_substantial_html_still_gives_the_text() -> None:
    body = "<html><body><div><p>" + "</p><p>".join(PARAGRAPHS) + "<div><span>"  # never closed
    article = extract(capture(body), now=NOW)
    assert all(p in article.text for p in PARAGRAPHS)


def test_extract_html_none_on_empty() -> None:
    assert extract_html("", None) is None


def test_empty_text_capture_raises() -> None:
    with pytest.raises(ExtractError, match="no article text found"):
        extract(capture("Home\nNews\nSubscribe\n", content_type="text/plain", url=None), now=NOW)


def test_boilerplate_paragraphs_inside_the_article_are_dropped() -> None:
    pitch = "Sign up for our morning newsletter"
    credit = "Copyright 2024 Coastal Gazette. All rights reserved."
    page = PAGE.replace(f"<p>{PARAGRAPHS[1]}</p>", f"<p>{pitch}</p><p>{PARAGRAPHS[1]}</p><p>{credit}</p>")
    text = extract(capture(page), now=NOW).text
    assert text == "\n\n".join(PARAGRAPHS)


def test_a_menu_taken_for_the_article_gives_way_to_the_prose_block() -> None:
    menu = "\n\n".join(f"Service desk {n}" for n in range(60))
    page = f"""<html><body><ul>{"".join(f"<li><a href='/s{n}'>Service desk {n}</a></li>" for n in range(60))}</ul>
<div>{"".join(f"<p>{p}</p>" for p in PARAGRAPHS)}</div></body></html>"""
    text = prose_or_readability(Readable(page, None), menu)
    assert all(p in text for p in PARAGRAPHS)
    assert "Service desk 7" not in text
    assert prose_or_readability(Readable(page, None), "\n\n".join(PARAGRAPHS)) == "\n\n".join(PARAGRAPHS)


def test_an_article_split_into_containers_is_taken_whole() -> None:
    more = [
        f"Council engineers checked pier number {n} of the bridge during the night shifts and "
        f"found its bearings worn after decades of heavy traffic on the coastal road."
        for n in range(12)
    ]
    page = (
        f"""<html><body><div class="story">{"".join(f"<p>{p}</p>" for p in (*PARAGRAPHS, *more))}</div></body></html>"""
    )
    part = "\n\n".join(PARAGRAPHS)
    whole = fuller_block(Readable(page, None), parse(page), part)
    assert all(p in whole for p in (*PARAGRAPHS, *more))
    everything = "\n\n".join((*PARAGRAPHS, *more))
    assert fuller_block(Readable(page, None), parse(page), everything) == everything
