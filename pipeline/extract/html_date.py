"""The date hints of an HTML page besides its metadata: a date in its URL path, the date shown by its
headline, and what htmldate finds in its <time> elements, date-classed elements and the date
patterns of its text."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from urllib.parse import urlsplit

from htmldate import find_date
from lxml import etree  # type: ignore[import-untyped]
from lxml.html import HtmlElement, fromstring  # type: ignore[import-untyped]

from pipeline.datestamp.expressions import DateOrder, find_date_expressions
from pipeline.datestamp.locale import date_order
from pipeline.datestamp.stamp import TIME_SUFFIX, candidate
from pipeline.extract.metadata import PageMeta
from pipeline.models import DateHint

# /2020/10/03/ or /2017/7/12.html as path segments; 2020-10-03 or 2020_10_03 in one; /20200428/ as one
# of eight digits. "/2023/10/3-questions" is a month and a title, not a day.
_URL_DATE = re.compile(
    r"/((?:19|20)\d\d)/(0?[1-9]|1[0-2])/(0?[1-9]|[12]\d|3[01])(?=/|\.|$)"
    r"|(?<![\d])((?:19|20)\d\d)([-_])(0[1-9]|1[0-2])\5(0[1-9]|[12]\d|3[01])(?![\d])"
    r"|/((?:19|20)\d\d)(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?=/|$)"
)
# How far from the headline a date still belongs to it: the line under it, or a kicker above it.
AFTER_HEADLINE_CHARS = 400
BEFORE_HEADLINE_CHARS = 150
LABEL_CHARS = 30
_UPDATE_LABEL = re.compile(r"(?i:(?:last\s+)?(?:updated|modified|revised|aktualisiert|geändert)\b)")


def url_hint(url: str | None) -> DateHint | None:
    """The day a URL's path names (``/2020/10/03/``), or None."""
    if not url:
        return None
    match = _URL_DATE.search(urlsplit(url).path)
    if match is None:
        return None
    year, month, day = (int(part) for part in match.groups() if part and part.isdigit())
    return DateHint(text=f"{year:04d}-{month:02d}-{day:02d}", source="url")


_SILENT = frozenset({"script", "style", "noscript", "template", "nav"})
# A run of text this long is a sentence of the story ("the spokesman said on Monday (30 October
# 2023)"), not a byline: the dates it tells of are not the page's, except a dateline at its start
# ("Karlsruhe, (12.11.2021). The ...").
PROSE_WORDS = 12
DATELINE_WORDS = 4
_DIGIT = re.compile(r"\d")
_WORDS = re.compile(r"\S+")


def _shown(text: str | None) -> str:
    """A run of visible text as the date reader sees it: the digits of a sentence of prose hidden
    after its dateline."""
    if not text or len(text.split()) < PROSE_WORDS:
        return text or ""
    cut = [m.end() for m in itertools.islice(_WORDS.finditer(text), DATELINE_WORDS)][-1]
    return text[:cut] + _DIGIT.sub("#", text[cut:])


_HIDDEN_STYLE = re.compile(r"display\s*:\s*none")


def _read(element: HtmlElement) -> bool:
    """Whether the date reader reads an element's text: not code, not hidden (a hidden element
    often holds a machine date, a modified time), and not the site's navigation (a menu item may be
    named after a date)."""
    if not isinstance(element.tag, str) or element.tag in _SILENT or element.get("role") == "navigation":
        return False
    hidden = element.get("hidden") is not None or "hidden" in (element.get("class") or "").split()
    return not hidden and not _HIDDEN_STYLE.search(element.get("style") or "")


def _visible(element: HtmlElement) -> Iterator[str]:
    """An element's visible text in document order, lazily (its tail excluded)."""
    if _read(element):
        yield _shown(element.text)
        for child in element:
            yield from _visible(child)
            yield _shown(child.tail)


def _text_of(element: HtmlElement, chars: int) -> str:
    """An element's visible text and its tail, whitespace collapsed, cut after about ``chars``."""
    parts, size = [], 0
    for text in itertools.chain(_visible(element), [_shown(element.tail)]):
        if text.strip():
            parts.append(text)
            size += len(text)
            if size >= chars:
                break
    return " ".join(" ".join(parts).split())


def _visible_backwards(element: HtmlElement) -> Iterator[str]:
    """An element's visible text from its end backwards, lazily (its tail excluded)."""
    if _read(element):
        for child in reversed(element):
            yield _shown(child.tail)
            yield from _visible_backwards(child)
        yield _shown(element.text)


def _end_of(element: HtmlElement, chars: int) -> str:
    """The end of ``_text_of(element)``, at least ``chars`` characters of it when it has them: read
    from the end, so a large block above the headline (a header with its menus) is not walked whole."""
    parts, size = [], 0
    for text in itertools.chain([_shown(element.tail)], _visible_backwards(element)):
        if text.strip():
            parts.append(text)
            size += len(" ".join(text.split())) + 1
            if size > chars:
                break
    return " ".join(" ".join(parts[::-1]).split())


def _next_to(headline: HtmlElement, *, preceding: bool, chars: int) -> str:
    """The text beside the headline in document order, out to about ``chars`` characters: its
    siblings first, then its ancestors' siblings."""
    parts: list[str] = [] if preceding else [_shown(headline.tail)]
    node, size = headline, 0
    while node is not None and size < chars:
        for sibling in node.itersiblings(preceding=preceding):
            # Text above the headline is read from its end: a long block ends the reading.
            parts.append(_end_of(sibling, chars) if preceding else _text_of(sibling, chars - size))
            size += len(parts[-1])
            if size >= chars:
                break
        node = node.getparent()
        if node is not None:
            parts.append(_shown(node.text if preceding else node.tail))
    text = " ".join(parts[::-1] if preceding else parts).split()
    return " ".join(text)


def _words(text: str) -> str:
    return " ".join(text.split()).casefold()


def _title_share(heading: str, titles: list[str]) -> int:
    """How much of a title ``heading`` says: its length inside a title, a title's inside it, else 0."""
    return max((len(heading) if heading in t else len(t) if t in heading else 0 for t in titles), default=0)


def find_headline(tree: HtmlElement, titles: tuple[str | None, ...] = ()) -> HtmlElement | None:
    """The page's headline: of its <h1> and <h2> headings, the one that says most of its title (an
    <h1> first at a tie), so that a site name or a section set as an <h1> above the story is passed
    over; without such a heading, the first <h1> that says anything. A page without an <h1> has no
    headline (a forum thread, a document): its <h2>s only stand in for an <h1> that is not the story's."""
    h1s = tree.findall(".//body//h1")
    if not h1s:
        return None
    said = [t for t in (_words(title) for title in titles if title) if t]
    best, best_share, first = None, 0, None
    for heading in itertools.chain(h1s, tree.iterfind(".//body//h2")):
        text = _words(heading.text_content())
        if not text:
            continue
        if first is None and heading.tag == "h1":
            first = heading
        if (share := _title_share(text, said)) > best_share:
            best, best_share = heading, share
    return best if best is not None else first


def _around_headline(tree: HtmlElement, titles: tuple[str | None, ...] = ()) -> tuple[str, str] | None:
    """The visible text just under the page's headline, and just above it."""
    headline = find_headline(tree, titles)
    if headline is None:
        return None
    after = _next_to(headline, preceding=False, chars=AFTER_HEADLINE_CHARS)
    before = _next_to(headline, preceding=True, chars=BEFORE_HEADLINE_CHARS)
    return after[:AFTER_HEADLINE_CHARS], before[-BEFORE_HEADLINE_CHARS:]


def _shown_dates(text: str, language: str | None, url: str | None) -> list[tuple[str, bool]]:
    """The whole days written in ``text`` (with a clock time that follows), each with whether a label
    calls it an update."""
    found = []
    for expression in find_date_expressions(text, None, order=date_order(language, url)):
        if expression.relative or expression.precision != "day":
            continue
        clock = TIME_SUFFIX.match(text, expression.end)
        label = text[max(0, expression.start - LABEL_CHARS) : expression.start]
        found.append(
            (text[expression.start : clock.end() if clock else expression.end], bool(_UPDATE_LABEL.search(label)))
        )
    return found


def headline_hints(
    tree: HtmlElement, language: str | None, url: str | None, titles: tuple[str | None, ...] = ()
) -> list[DateHint]:
    """The dates a reader sees by the headline (the heading that says the page's ``titles``), the
    nearest first (under it, else above it): the publication as a byline date, one labelled as an
    update as a modified date."""
    around = _around_headline(tree, titles)
    if around is None:
        return []
    after, before = around
    shown = _shown_dates(after, language, url) + _shown_dates(before, language, url)[::-1]
    hints: dict[bool, DateHint] = {}
    for text, update in shown:
        hints.setdefault(update, DateHint(text=text, source="byline", role="modified" if update else "published"))
    return list(hints.values())


# "Published on March 4, 2024", "Veröffentlicht am 16.08.2019": a date the page calls its publication.
_PUBLISHED_LABEL = re.compile(
    r"(?i:\b(?:published|posted|veröffentlicht|erschienen|erstellt|publiziert)(?:\s+(?:on|am))?\s*:?\s*)"
)
LABELLED_CHARS = 40


def labelled_hint(tree: HtmlElement, language: str | None, url: str | None) -> DateHint | None:
    """The first day anywhere in the page's visible text that a label calls its publication, as a
    byline date: for a page whose headline shows none (the date under the story, in its footer)."""
    body = tree.find(".//body")
    if body is None:
        return None
    text = " ".join(" ".join(_visible(body)).split())
    for label in _PUBLISHED_LABEL.finditer(text):
        after = text[label.end() : label.end() + LABELLED_CHARS]
        shown = _shown_dates(after, language, url)
        if shown and after.startswith(shown[0][0]) and not shown[0][1]:
            return DateHint(text=shown[0][0], source="byline")
    return None


# A page whose only date is in words of another language: htmldate hands it to dateparser, which
# loads its locales then (seconds, once per process).
_WARM_UP_PAGE = "<html><body><p>Publié le mardi 3 avril de l'an 2020</p></body></html>"


def warm_up() -> None:
    """Load what htmldate loads on the first page it reads a date in words from."""
    htmldate_hint(fromstring(_WARM_UP_PAGE))


def htmldate_hint(tree: HtmlElement) -> DateHint | None:
    """A publication-date hint from htmldate, or None; drops the page's <meta> tags from ``tree``.

    The metadata and the URL are hints of their own, so htmldate is left the page without them (the
    <meta> tags would also lead it to a modified time, an og:url or a copyright year): its markup
    search first, then the extensive search of the text. A year alone (``2016-01-01``, a copyright
    line) is no publication day, and htmldate never answers with the current date: a page without a
    date gets no hint.
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
    """Every date hint of the page for the date resolver to weigh: the metadata's, the dates by the
    headline, the URL's (the capture's URL, else the one the page gives for itself) and, unless
    those agree, htmldate's."""
    page_url = url or meta.url
    titles = (meta.title, tree.findtext(".//title"))
    found = [*meta.date_hints, *headline_hints(tree, meta.language, page_url, titles)]
    if (in_url := url_hint(page_url)) is not None:
        found.append(in_url)
    if not any(h.role == "published" for h in found) and (labelled := labelled_hint(tree, meta.language, page_url)):
        found.append(labelled)
    if not _settled(found, date_order(meta.language, page_url)) and (read := htmldate_hint(tree)) is not None:
        found.append(read)
    return tuple(found)


def _settled(hints: list[DateHint], order: DateOrder) -> bool:
    """Whether the page's own dates agree on one day: htmldate, the slowest reader and never the
    strongest voice, cannot change the day then, and is not asked."""
    days = {c.day for h in hints if h.role == "published" and (c := candidate(h, order)) is not None}
    return len(days) == 1
