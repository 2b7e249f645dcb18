"""The seed corpus: five plain-text captures with their boilerplate, and what must survive cleaning."""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from pipeline.extract import extract
from pipeline.models import Article, Capture, DateHint, stable_id

SEEDS = Path(__file__).parents[1] / "fixtures" / "seeds"
EXPECTED: dict[str, dict[str, Any]] = json.loads((SEEDS / "expected.json").read_text(encoding="utf-8"))["seeds"]
NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()


def run(name: str) -> Article:
    body = (SEEDS / name).read_text(encoding="utf-8")
    capture = Capture(capture_id=stable_id(name, body), source=str(SEEDS / name), content_type="text/plain", body=body)
    return extract(capture, now=NOW)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_keeps_the_article(name: str) -> None:
    text = norm(run(name).text)
    missing = [s for s in EXPECTED[name]["must_keep"] if norm(s) not in text]
    assert not missing


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_drops_the_boilerplate(name: str) -> None:
    text = norm(run(name).text)
    leaked = [s for s in EXPECTED[name]["must_drop"] if norm(s) in text]
    assert not leaked


@pytest.mark.parametrize("name", sorted(n for n, e in EXPECTED.items() if e["title"]))
def test_title(name: str) -> None:
    title = run(name).title
    assert title is not None
    assert norm(EXPECTED[name]["title"]) in norm(title)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_title_is_not_body(name: str) -> None:
    article = run(name)
    if article.title:
        assert norm(article.title) not in {norm(p) for p in article.text.split("\n\n")}


@pytest.mark.parametrize("name", sorted(n for n, e in EXPECTED.items() if e["author"]))
def test_author(name: str) -> None:
    assert run(name).author == EXPECTED[name]["author"]


def test_author_absent_where_none_is_given() -> None:
    for name in ("002_be6cbe8b0a324ad0.txt", "003_f7780dc856c60f7c.txt", "004_2d6cfb30c86cd5e9.txt"):
        assert run(name).author is None


def test_date_hints_000_header_and_byline_but_not_render_date() -> None:
    hints = run("000_110eab03d87d1f67.txt").date_hints
    assert DateHint(text="2025-05-06", source="capture-header") in hints
    assert DateHint(text="May 6, 2025", source="byline") in hints
    assert not any("07" in hint.text for hint in hints)


def test_date_hints_001_header_and_byline() -> None:
    hints = run("001_939f2a75e8e1bfed.txt").date_hints
    assert DateHint(text="2025-01-16", source="capture-header") in hints
    assert any(h.source == "byline" and h.text.startswith("January 16, 2025") for h in hints)


def test_date_hints_002_page_top() -> None:
    hints = run("002_be6cbe8b0a324ad0.txt").date_hints
    assert hints == (DateHint(text="Saturday, December 28, 2024", source="page-top"),)


@pytest.mark.parametrize("name", ["003_f7780dc856c60f7c.txt", "004_2d6cfb30c86cd5e9.txt"])
def test_no_date_hints_where_the_capture_gives_none(name: str) -> None:
    assert run(name).date_hints == ()


def test_site_from_the_capture_header() -> None:
    assert run("000_110eab03d87d1f67.txt").site == "NK News"


@pytest.mark.parametrize("name", ["003_f7780dc856c60f7c.txt", "004_2d6cfb30c86cd5e9.txt"])
def test_every_article_paragraph_survives(name: str) -> None:
    body = (SEEDS / name).read_text(encoding="utf-8")
    # The article paragraphs are the long lines ending a sentence; 004's title line is neither.
    paragraphs = [norm(line) for line in body.splitlines() if len(line) > 100 and line.rstrip().endswith(".")]
    text = norm(run(name).text)
    assert paragraphs
    assert all(p in text for p in paragraphs)


def test_003_has_exactly_its_six_paragraphs() -> None:
    article = run("003_f7780dc856c60f7c.txt")
    source = (SEEDS / "003_f7780dc856c60f7c.txt").read_text(encoding="utf-8")
    assert [norm(p) for p in article.text.split("\n\n")] == [norm(p) for p in source.splitlines() if p.strip()]
    assert article.title is None


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_article_contract(name: str) -> None:
    article = run(name)
    assert article.extractor == "text-capture"
    assert article.language == "en"
    assert article.trace_id == stable_id(name, (SEEDS / name).read_text(encoding="utf-8"))
    assert article.extracted_at == NOW
    assert article.article_id == stable_id("content", article.content_hash)
    assert run(name) == article  # deterministic


# The same rules on a page they were not tuned on: an intertitle and a short paragraph inside the
# body stay; a cookie banner, a byline, a share button and a headline-plus-summary teaser list go.
SYNTHETIC = """Menu
Home World Business Sport
We use cookies to improve your experience. Accept all
By Jane Smith | 12 March 2024
Harbour bridge reopens after eight months of repairs
The harbour bridge reopened to traffic on Thursday morning after eight months of repairs to its corroded steel \
deck, the city council said.
Engineers replaced more than two hundred support beams and resurfaced the whole span, which carries about forty \
thousand vehicles a day.
The mayor did not attend.
Local businesses on both sides of the water welcomed the reopening, saying the long detour had cut the number of \
customers visiting the old town.
What happens to the bridge tolls
The council said the bridge tolls would stay suspended until the end of the month while the new payment gantries \
are tested by engineers.
After that, drivers crossing the bridge will pay the same toll as before the repairs, the council said in a \
statement on its website.
Share this article
Related stories
Council approves new cycle lanes
The city council approved three new cycle lanes across the centre on Tuesday after a long public consultation.
Storm damages seafront cafes
A storm tore the roofs off two seafront cafes overnight, and the coastguard warned people to stay away from the \
promenade.
© 2024 Coastal Gazette
"""


def test_general_rules_on_an_unseen_page() -> None:
    capture = Capture(capture_id="synthetic", source="synthetic", content_type="text/plain", body=SYNTHETIC)
    article = extract(capture, now=NOW)
    paragraphs = article.text.split("\n\n")
    assert paragraphs[0].startswith("The harbour bridge reopened")
    assert paragraphs[-1].startswith("After that, drivers crossing")
    assert "The mayor did not attend." in paragraphs
    assert "What happens to the bridge tolls" in paragraphs
    for furniture in ("cookies", "Jane Smith", "Share this", "Related", "cycle lanes", "seafront", "©"):
        assert furniture not in article.text
    assert article.title == "Harbour bridge reopens after eight months of repairs"
    assert article.author == "Jane Smith"
    assert article.date_hints == (DateHint(text="12 March 2024", source="byline"),)
