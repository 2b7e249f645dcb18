"""The HTML path: a thin adapter over trafilatura."""

from __future__ import annotations

from typing import Any

import trafilatura

from pipeline.extract.document import ExtractedText, ExtractError
from pipeline.extract.text_capture import guess_language
from pipeline.models import DateHint


def _field(result: Any, name: str) -> str | None:
    value = getattr(result, name, None)
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _paragraphs(text: str, title: str | None) -> str:
    """One blank line between blocks, as on the text path; a leading headline is metadata, not body."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if lines and title and lines[0].casefold() == title.casefold():
        lines = lines[1:]
    return "\n\n".join(lines)


def extract_html(html: str, url: str | None) -> ExtractedText | None:
    """The main text and metadata of an HTML page, or None when trafilatura finds no article."""
    if not html.strip():
        return None
    try:
        result = trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            fast=True,
        )
    except Exception as exc:  # a parser failure on hostile markup must become a dead letter, not a crash
        raise ExtractError("html parser failed", f"{type(exc).__name__}: {exc}") from exc
    if result is None:
        return None
    title = _field(result, "title")
    text = _paragraphs(_field(result, "text") or "", title)
    if not text:
        return None
    date = _field(result, "date")
    return ExtractedText(
        text=text,
        title=title,
        author=_field(result, "author"),
        site=_field(result, "sitename"),
        language=_field(result, "language") or guess_language(text),
        date_hints=(DateHint(text=date, source="metadata"),) if date else (),
        extractor="trafilatura",
    )
