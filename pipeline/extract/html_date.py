"""The date hints of an HTML page besides its metadata: a date in its URL path, and what htmldate
finds in its <time> elements, date-classed elements and the date patterns of its text."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from htmldate import find_date
from lxml import etree  # type: ignore[import-untyped]
from lxml.html import HtmlElement  # type: ignore[import-untyped]

from pipeline.extract.metadata import PageMeta
from pipeline.models import DateHint

# /2020/10/03/, /2020-10-03-, /2017/7/12/: year, month and day in order, as path segments or one of them.
# /2020/10/03/ or /2017/7/12.html as path segments; 2020-10-03 or 2020_10_03 in one; /20200428/ as one
# of eight digits. "/2023/10/3-questions" is a month and a title, not a day.
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
    found = (url_hint(page_url), htmldate_hint(tree))
    return (*meta.date_hints, *(hint for hint in found if hint is not None))
