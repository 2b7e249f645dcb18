"""The extract stage: a Capture in, a clean Article out (pure functions, no Kafka)."""

from __future__ import annotations

import dataclasses
import re
from datetime import datetime

from pipeline.extract import html_date, language
from pipeline.extract.boilerplate import BoilerplateMemory, site_named, site_of
from pipeline.extract.document import ExtractedText, ExtractError
from pipeline.extract.html import extract_html
from pipeline.extract.normalize import content_hash, normalize_text
from pipeline.extract.text_capture import SiteFurniture, clean_capture
from pipeline.models import Article, Capture, stable_id

MIN_ARTICLE_CHARS = 100
BINARY_SAMPLE_CHARS = 4096
BINARY_MAGIC = ("%PDF-", "PK\x03\x04", "\x89PNG", "GIF8", "\xff\xd8\xff")
_ODD_CHARS = re.compile("[\ufffd\x00-\x08\x0b\x0e-\x1f]")
_HTML_START = re.compile(r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b", re.I | re.S)


def warm_up() -> None:
    """Load now what extraction loads on the first page that needs it (the language model,
    dateparser's locales behind htmldate): that page would otherwise stall its worker for seconds."""
    language.warm_up()
    html_date.warm_up()


def looks_like_html(body: str) -> bool:
    return _HTML_START.match(body[:4096]) is not None


def _refuse_binary(body: str) -> None:
    """A PDF or an image sent with a text content type is a dead letter, not an article of noise."""
    head = body[:BINARY_SAMPLE_CHARS]
    if head.lstrip().startswith(BINARY_MAGIC):
        raise ExtractError("binary document, not text or HTML", repr(head.lstrip()[:8]))
    odd = len(_ODD_CHARS.findall(head))
    if odd > len(head) // 20 + 2:
        raise ExtractError("binary document, not text or HTML", f"{odd} control characters in {len(head)}")


def _site(capture: Capture, site_name: str | None) -> str | None:
    """Where the memory counts a page: its URL's site, else the site its metadata names, else nowhere."""
    if capture.url:
        return site_of(capture.url)
    if site_name and site_name.strip():
        return site_named(site_name)
    return None


def _site_furniture(capture: Capture, memory: BoilerplateMemory) -> SiteFurniture:
    """For the text cleaner: a capture's lines the memory knows as its site's boilerplate, so that
    they count against the block they sit in before the article is chosen."""

    def known(site_name: str | None, lines: list[str]) -> set[str]:
        site = _site(capture, site_name)
        return memory.known(site, lines) if site else set()

    return known


def _long_enough(found: ExtractedText | None) -> bool:
    return found is not None and len(normalize_text(found.text)) >= MIN_ARTICLE_CHARS


def _extract_text(capture: Capture, memory: BoilerplateMemory | None) -> ExtractedText | None:
    """The page's text, less what the memory knows as its site's boilerplate, unless that would
    leave no article: then the text as extracted without the memory (counted by the memory)."""
    _refuse_binary(capture.body)
    if capture.content_type == "text/html" or looks_like_html(capture.body):
        found = extract_html(capture.body, capture.url)
        if found is None or memory is None or (site := _site(capture, found.site)) is None:
            return found
        kept = dataclasses.replace(found, text="\n\n".join(memory.filter_page(site, found.text.split("\n\n"))))
        return kept if _long_enough(kept) or not _long_enough(found) else memory.fell_back(found)
    if memory is None:
        return clean_capture(capture.body)
    kept_text = clean_capture(capture.body, _site_furniture(capture, memory))
    if _long_enough(kept_text):
        return kept_text
    found = clean_capture(capture.body)
    return memory.fell_back(found) if _long_enough(found) else found


def _headline_and_date(found: ExtractedText) -> bool:
    """A page with a thin or no body that names its headline and its publication date (a video, a
    gallery, a teaser) is still an article, and keeps its date: only a document with no article at
    all is a dead letter."""
    return bool(found.title and found.title.strip()) and any(h.role == "published" for h in found.date_hints)


def _clean(value: str | None) -> str | None:
    return normalize_text(value) or None if value else None


def extract(capture: Capture, *, now: datetime, memory: BoilerplateMemory | None = None) -> Article:
    """The clean article of a capture; ExtractError when there is none worth keeping.

    ``memory`` is the site-level boilerplate memory: the fetch worker passes one over its state
    store so that paragraphs repeated on many pages of a site are dropped as it learns them."""
    found = _extract_text(capture, memory)
    text = normalize_text(found.text) if found else ""
    if found is None or (len(text) < MIN_ARTICLE_CHARS and not _headline_and_date(found)):
        raise ExtractError("no article text found", f"{len(text)} characters after cleaning")
    text = text or normalize_text(found.title or "")
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


__all__ = ["BoilerplateMemory", "ExtractError", "ExtractedText", "extract"]
