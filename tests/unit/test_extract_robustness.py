"""Bad input gives an article or a dead letter with a reason, within bounded time and memory.

The bound on time is the per-test timeout (a hang fails the test, a slow run does not); the bound
on memory is checked where Python allocates it (decompression)."""

from __future__ import annotations

import gzip
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pipeline.documents import Unreadable, read_capture
from pipeline.extract import ExtractError, extract
from pipeline.extract.encoding import decode_html
from pipeline.models import Article, Capture, stable_id

NOW = datetime(2025, 6, 1, tzinfo=UTC)
PARAGRAPH = (
    "The harbour bridge reopened to traffic on Thursday morning after eight months of repairs to its "
    "corroded steel deck, the city council said in a statement."
)
LIMIT = 5_000_000


def capture(body: str, content_type: str = "text/html") -> Capture:
    return Capture(capture_id=stable_id("t", body), source="t", url=None, content_type=content_type, body=body)


def article_or_reason(body: str, content_type: str = "text/html") -> Article | str:
    try:
        return extract(capture(body, content_type), now=NOW)
    except ExtractError as exc:
        assert exc.reason
        return exc.reason


@pytest.mark.timeout(60)
def test_ten_megabytes_of_nested_divs_is_a_dead_letter() -> None:
    body = "<html><body>" + "<div>" * 1_000_000 + PARAGRAPH + "</div>" * 1_000_000 + "</body></html>"
    assert len(body) > 10_000_000
    assert article_or_reason(body) == "no article text found"


@pytest.mark.timeout(60)
def test_a_wide_page_of_many_elements_is_bounded() -> None:
    body = "<html><body>" + "<div><span>x</span></div>" * 60_000 + "</body></html>"
    assert article_or_reason(body) == "html too complex"


@pytest.mark.timeout(30)
@pytest.mark.parametrize(
    "body",
    [
        "<html><head><title>No body</title></head><p>" + PARAGRAPH + "</p><p>" + PARAGRAPH + "</p></html>",
        "<p>" + PARAGRAPH + "<p>" + PARAGRAPH.upper() + "<div><table><tr><td>",
        "<html><body><p>" + PARAGRAPH + "</body></html>" + "</div>" * 500,
    ],
)
def test_malformed_html_without_body_still_gives_the_text(body: str) -> None:
    result = article_or_reason(body)
    assert isinstance(result, Article)
    assert PARAGRAPH in result.text


def test_a_pdf_sent_as_html_is_a_dead_letter() -> None:
    pdf = "%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nstream\n" + "\x00\x9c" * 400
    assert article_or_reason(pdf) == "binary document, not text or HTML"
    assert article_or_reason(pdf, "text/plain") == "binary document, not text or HTML"


def test_latin1_page_with_a_wrong_utf8_header_reads_as_latin1() -> None:
    html = f"<html><body><p>Caf\u00e9 cr\u00e8me \u00e0 la gare. {PARAGRAPH}</p></body></html>"
    text = decode_html(html.encode("latin-1"), "utf-8")
    assert "Caf\u00e9 cr\u00e8me \u00e0 la gare" in text
    result = article_or_reason(text)
    assert isinstance(result, Article)
    assert "Caf\u00e9 cr\u00e8me" in result.text


def test_gzip_bomb_is_refused_without_inflating_it(tmp_path: Path) -> None:
    path = tmp_path / "bomb.html.gz"
    path.write_bytes(gzip.compress(b"<html><body>" + b" " * 200_000_000, compresslevel=9))
    assert path.stat().st_size < 1_000_000
    tracemalloc.start()
    try:
        with pytest.raises(Unreadable, match="document too large"):
            read_capture(path, max_bytes=LIMIT)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 * LIMIT


def test_a_corrupt_gzip_is_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "page.html.gz"
    path.write_bytes(gzip.compress(b"<html><body><p>text</p></body></html>")[:-12] + b"garbage!" * 4)
    with pytest.raises(Unreadable):
        read_capture(path, max_bytes=LIMIT)


def test_gzipped_captures_are_read_with_their_charset(tmp_path: Path) -> None:
    head = '<head><meta charset="windows-1252"></head>'
    html = f"<html>{head}<body><p>\u201cNa\u00efve\u201d. {PARAGRAPH}</p></body></html>"
    (tmp_path / "page.html.gz").write_bytes(gzip.compress(html.encode("cp1252")))
    (tmp_path / "capture.txt.gz").write_bytes(gzip.compress(PARAGRAPH.encode("utf-8")))
    page = read_capture(tmp_path / "page.html.gz", max_bytes=LIMIT)
    assert page.content_type == "text/html"
    assert "\u201cNa\u00efve\u201d" in page.body
    text = read_capture(tmp_path / "capture.txt.gz", max_bytes=LIMIT)
    assert (text.content_type, text.body) == ("text/plain", PARAGRAPH)
