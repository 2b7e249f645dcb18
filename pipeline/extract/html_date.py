"""The publication date of an HTML page that states none in its metadata, found by htmldate in the
page's URL, <time> elements, date-classed elements and date patterns of its text."""

from __future__ import annotations

from htmldate import find_date
from lxml import etree  # type: ignore[import-untyped]
from lxml.html import HtmlElement  # type: ignore[import-untyped]

from pipeline.models import DateHint


def htmldate_hint(tree: HtmlElement, url: str | None) -> DateHint | None:
    """A publication-date hint from htmldate, or None; drops the page's <meta> tags from ``tree``.

    The metadata has been read by then; htmldate, left the <meta> tags, falls back to a modified
    time, an og:url or a copyright year when it finds no publication date there, and none of those
    is one. Its fast mode has no such fallback in the text either (the extensive search ends on the
    copyright year, and month-only dates it returns as the first of the month), and it never answers
    with the current date: a page without a date gets no hint.
    """
    etree.strip_elements(tree, "meta", with_tail=False)
    try:
        found = find_date(tree, url=url, original_date=True, extensive_search=False, outputformat="%Y-%m-%d")
    except Exception:  # noqa: BLE001 - a date is optional: odd markup must cost the hint, not the article
        return None
    return DateHint(text=found, source="htmldate") if found else None
