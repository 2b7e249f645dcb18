"""The stage chain degrades, never drops: a failed enrichment step leaves its part empty, says why on
the result, and the article goes on; a bad document is one dead letter, the next one is processed."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from pipeline import chain
from pipeline.chain import Chain, Stores, enrich
from pipeline.dedup import verdicts
from pipeline.models import Article, Capture, DateHint, UniqueArticle
from pipeline.process import process_paths
from tests.articles import follow, lead

NOW = datetime(2025, 6, 1, tzinfo=UTC)


def unique(text: str, *hints: DateHint) -> UniqueArticle:
    article = Article(
        article_id="a1",
        trace_id="t1",
        source="s",
        text=text,
        content_hash="h1",
        date_hints=hints,
        extractor="text-capture",
        extracted_at=NOW,
    )
    return UniqueArticle(article=article, dedup=verdicts.unique(article, NOW))


def test_a_placeholder_date_is_no_publication_date_and_fails_nothing() -> None:
    hints = (DateHint(text="0001-01-01", source="json-ld"), DateHint(text="0001-01-01T00:00:00Z", source="json-ld"))
    result = enrich(unique('"The bridge opens on Monday," the mayor said.', *hints), now=NOW)
    assert result.datestamp.source == "unknown" and result.datestamp.modified_at is None
    assert result.errors == ()


def test_a_failed_claims_step_keeps_the_article_its_date_and_says_why(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: object) -> list[object]:
        raise OverflowError("date value out of range")

    monkeypatch.setattr(chain, "find_claims", broken)
    item = unique('"The bridge opens on Monday," the mayor said.', DateHint(text="2025-05-06", source="metadata"))
    result = enrich(item, now=NOW)
    assert result.article == item.article and result.claims == ()
    assert result.datestamp.published == "2025-05-06" and result.datestamp.expressions
    assert [(e.step, e.type, e.message) for e in result.errors] == [
        ("claims", "OverflowError", "date value out of range")
    ]


def test_a_failed_date_expression_step_keeps_the_publication_date(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: object) -> tuple[object, ...]:
        raise ValueError("bad base")

    monkeypatch.setattr(chain, "date_expressions", broken)
    result = enrich(unique("Said on Monday.", DateHint(text="2025-05-06", source="metadata")), now=NOW)
    assert result.datestamp.published == "2025-05-06" and result.datestamp.expressions == ()
    assert [e.step for e in result.errors] == ["date-expressions"]


@pytest.mark.parametrize("part", ["probe", "track_probe"])
def test_a_failed_story_step_is_recorded_on_the_result(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, part: str
) -> None:
    """Either half fails: reading the article where it is, or joining it to the open stories."""

    def broken(*_: object, **__: object) -> object:
        raise KeyError("story")

    monkeypatch.setattr(chain, part, broken)
    (tmp_path / "a.txt").write_text(f"{lead(0)}\n\n{follow(0)}\n")
    (result,) = process_paths([tmp_path])
    assert result.article is not None and result.datestamp is not None
    assert result.story is not None and result.story.story_id is None
    assert [e.step for e in result.errors] == ["stories"]


def test_one_bad_document_never_stops_the_run(tmp_path: Path) -> None:
    (tmp_path / "0-empty.txt").write_text("  \n")
    (tmp_path / "1-short.txt").write_text("Too short to be an article.\n")
    (tmp_path / "2-good.txt").write_text(f"{lead(1)}\n\n{follow(1)}\n")
    results = list(process_paths([tmp_path]))
    assert [r.dead_letter.reason if r.dead_letter else "ok" for r in results] == [
        "empty document",
        "no article text found",
        "ok",
    ]
    assert results[2].story is not None and results[2].story.opened


def test_copies_of_one_article_never_make_its_paragraphs_boilerplate() -> None:
    """Forty copies of an article of one site, half of them with a paragraph more: one article."""
    pipeline, stores = Chain(), Stores()
    body = f"{lead(2)}\n\n{lead(3)}\n\n{follow(2)}"
    results = []
    for n in range(40):
        extra = f"\n\n{follow(n % 7)} Update {n}." if n % 2 else ""
        html = f"<html><head><title>Buses</title></head><body><article>{body}{extra}</article></body></html>"
        html = (
            html.replace("\n\n", "</p><p>").replace("<article>", "<article><p>").replace("</article>", "</p></article>")
        )
        capture = Capture(
            capture_id=f"c{n}",
            source=f"copy-{n}",
            url=f"https://valley.example/buses?v={n}",
            content_type="text/html",
            body=html,
        )
        results.append(pipeline.run(capture, stores, now=NOW))
    assert all(r.dead_letter is None and r.article is not None and lead(2) in r.article.text for r in results)
    assert max(v for k, v in stores.boilerplate.items() if "\x1fp\x1f" in k) == 1
