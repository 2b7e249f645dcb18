"""The extract stage: a Capture in, a clean Article out (pure functions, no Kafka)."""

from __future__ import annotations

import re
from datetime import datetime

from pipeline.extract.document import ExtractedText, ExtractError
from pipeline.extract.html import extract_html
from pipeline.extract.normalize import content_hash, normalize_text
from pipeline.extract.text_capture import clean_capture
from pipeline.models import Article, Capture, stable_id

MIN_ARTICLE_CHARS = 100
_HTML_START = re.compile(r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b", re.I | re.S)


def looks_like_html(body: str) -> bool:
    return _HTML_START.match(body[:4096]) is not None


def _extract_text(capture: Capture) -> ExtractedText | None:
    if capture.content_type == "text/html" or looks_like_html(capture.body):
        return extract_html(capture.body, capture.url)
    return clean_capture(capture.body)


def _clean(value: str | None) -> str | None:
    return normalize_text(value) or None if value else None


def extract(capture: Capture, *, now: datetime) -> Article:
    """The clean article of a capture; ExtractError when there is none worth keeping."""
    found = _extract_text(capture)
    text = normalize_text(found.text) if found else ""
    if found is None or len(text) < MIN_ARTICLE_CHARS:
        raise ExtractError("no article text found", f"{len(text)} characters after cleaning")
    digest = content_hash(text)
    article_id = stable_id("url", capture.url) if capture.url else stable_id("content", digest)
    return Article(
        article_id=article_id,
        trace_id=capture.capture_id,
        source=capture.source,
        url=capture.url,
        title=_clean(found.title),
        author=_clean(found.author),
        site=_clean(found.site),
        language=found.language,
        text=text,
        content_hash=digest,
        date_hints=found.date_hints,
        extractor=found.extractor,
        extracted_at=now,
    )


__all__ = ["ExtractError", "ExtractedText", "extract"]
