"""What the HTML path does when trafilatura finds (next to) nothing: the page's JSON-LD body, then
readability-lxml, then jusText, each only when what came before is too short."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from pipeline.extract import extract
from pipeline.extract.html import readability_text
from pipeline.models import Capture

NOW = datetime(2025, 6, 1, tzinfo=UTC)
PARAGRAPHS = [
    f"Paragraph {n}: the council voted on Tuesday to rebuild the old harbour bridge, which has been closed "
    f"since the spring floods damaged {n + 2} of its piers and left the footpath unsafe."
    for n in range(4)
]


def html_capture(body: str) -> Capture:
    return Capture(
        capture_id="page", source="page", url="https://news.example/bridge", content_type="text/html", body=body
    )


def test_a_page_rendered_by_script_gives_its_json_ld_body() -> None:
    data = {"@type": "NewsArticle", "headline": "Bridge to be rebuilt", "articleBody": "\n".join(PARAGRAPHS)}
    script = f'<script type="application/ld+json">{json.dumps(data)}</script>'
    page = f'<html><head>{script}</head><body><div id="app"></div></body></html>'
    article = extract(html_capture(page), now=NOW)
    assert all(paragraph in article.text for paragraph in PARAGRAPHS)
    assert article.title == "Bridge to be rebuilt"


def test_readability_takes_over_when_trafilatura_keeps_a_scrap() -> None:
    """A content wrapper with a furniture-like id: trafilatura keeps one paragraph of it."""
    inner = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    page = f'<html><body><nav><a href="/">Home</a></nav><div id="footer-content">{inner}</div></body></html>'
    text = extract(html_capture(page), now=NOW).text
    assert all(paragraph in text for paragraph in PARAGRAPHS)
    assert "Home" not in text


def test_readability_never_fails_the_page() -> None:
    assert readability_text("") == ""  # readability raises on an empty document
    # control characters in a text node: lxml refuses to build a tree that holds them
    page = f"<html><body><div><p>{PARAGRAPHS[0]}</p>\x01\x02 {PARAGRAPHS[1]}</div></body></html>"
    text = readability_text(page)
    assert PARAGRAPHS[0] in text and PARAGRAPHS[1] in text
    assert "\x01" not in text
