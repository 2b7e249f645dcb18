"""The date hints of an HTML page besides its metadata: a date in its URL path, the date shown by its
headline, and what htmldate finds in its <time> elements, date-classed elements and the date
patterns of its text."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from htmldate import find_date
from lxml import etree  # type: ignore[import-untyped]
from lxml.html import HtmlElement  # type: ignore[import-untyped]

from pipeline.datestamp.expressions import find_date_expressions
from pipeline.datestamp.locale import date_order
from pipeline.extract.metadata import PageMeta
from pipeline.models import DateHint

# /2020/10/03/, /2020-10-03-, /2017/7/12/: year, month and day in order, as path segments or one of them.
# /2020/10/03/ or /2017/7/12.html as path segments; 2020-10-03 or 2020_10_03 in one; /20200428/ as one
# of eight digits. "/2023/10/3-questions" is a month and a title, not a day.
_CLOCK = re.compile(r",?\s*(?:um\s+|at\s+|@\s*)?\d{1,2}[:.]\d{2}(?:\s*[AaPp]\.?[Mm]\.?)?")
_URL_DATE = re.compile(
    r"/((?:19|20)\d\d)/(0?[1-9]|1[0-2])/(0?[1-9]|[12]\d|3[01])(?=/|\.|$)"
    r"|(?<![\d])((?:19|20)\d\d)([-_])(0[1-9]|1[0-2])\5(0[1-9]|[12]\d|3[01])(?![\d])"
    r"|/((?:19|20)\d\d)(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?=/|$)"
)


def url_hint(url: str | None) -> DateHint | None:
    """The day a URL's path names (``/2020/10/03/``), or None."""
    if not url:
        return None
    match = _URL_DATE.search(urlsplit(url).path)
    if match is None:
        return None
    year, month, day = (int(part) for part in match.groups() if part and part.isdigit())
    return DateHint(text=f"{year:04d}-{month:02d}-{day:02d}", source="url")


# How far from the headline a date still belongs to it: the line under it, or a kicker above it.
AFTER_HEADLINE_CHARS = 400
BEFORE_HEADLINE_CHARS = 150
_UPDATE_LABEL = re.compile(r"(?i:(?:last\s+)?(?:updated|modified|revised|aktualisiert|geändert)\b)")
_TEXT = "//body//text()[not(ancestor::script)][not(ancestor::style)][not(ancestor::noscript)]"


def _around_headline(tree: HtmlElement) -> tuple[str, str] | None:
    headline = tree.find(".//body//h1")
    if headline is None:
        return None
    before = " ".join(" ".join(headline.xpath(f"preceding::text(){_TEXT[len('//body//text()'):]}")).split())
    after = " ".join(" ".join(headline.xpath(f"following::text(){_TEXT[len('//body//text()'):]}")).split())
    return before[-BEFORE_HEADLINE_CHARS:], after[:AFTER_HEADLINE_CHARS]


def headline_hints(tree: HtmlElement, language: str | None, url: str | None) -> list[DateHint]:
    """The dates a reader sees by the headline: the first under it (else the last above it), as a
    byline date, and one labelled as an update as a modified date. Whole days only."""
    around = _around_headline(tree)
    if around is None:
        return []
    hints: dict[str, DateHint] = {}
    order = date_order(language, url)
    for text in (around[1], around[0]):
        found = [e for e in find_date_expressions(text, None, order=order) if not e.relative and e.precision == "day"]
        for expression in found if text is around[1] else reversed(found):
            role = "modified" if _UPDATE_LABEL.search(text[max(0, expression.start - 30) : expression.start]) else "published"
            clock = _CLOCK.match(text, expression.end)
            end = clock.end() if clock else expression.end
            hints.setdefault(role, DateHint(text=text[expression.start : end], source="byline", role=role))
    return list(hints.values())


def htmldate_hint(tree: HtmlElement) -> DateHint | None:
    """A publication-date hint from htmldate, or None; drops the page's <meta> tags from ``tree``.

    The metadata is read separately, so htmldate is left the page without the <meta> tags (which
    would also lead it to a modified time, an og:url or a copyright year) and without the URL (a
    hint of its own): its markup search
    first, then the extensive search of the text. A year alone (``2016-01-01``, a copyright line) is no publication day, and
    htmldate never answers with the current date: a page without a date gets no hint.
    """
    etree.strip_elements(tree, "meta", with_tail=False)
    for extensive in (False, True):
        try:
            found = find_date(
                tree,
                url="",  # not None: htmldate would read the canonical link's
                original_date=True,
                extensive_search=extensive,
                outputformat="%Y-%m-%d",
            )
        except Exception:  # noqa: BLE001 - a date is optional: odd markup must cost the hint, not the article
            return None
        if found and not (extensive and found.endswith("-01-01")):
            return DateHint(text=found, source="htmldate")
    return None


def page_date_hints(tree: HtmlElement, url: str | None, meta: PageMeta) -> tuple[DateHint, ...]:
    """Every date hint of the page for the date resolver to weigh: the metadata's, the URL's (the
    capture's URL, else the one the page gives for itself) and htmldate's."""
    page_url = url or meta.url
    shown = headline_hints(tree, meta.language, page_url)
    found = (url_hint(page_url), htmldate_hint(tree))
    return (*meta.date_hints, *shown, *(hint for hint in found if hint is not None))
