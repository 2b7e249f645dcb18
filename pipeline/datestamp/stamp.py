"""The date stamp of an article: when it was published, how precisely, and how sure we are.

The publication date comes from the date hints the extract stage found, weighed against each other
(``reconcile``); without hints, a year may be inferred from anniversary arithmetic in the text. The
ingest time is never a publication date: an article that does not say is stamped ``unknown``.
"""

from __future__ import annotations

import email.utils
import re
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache

from dateparser.date import DateDataParser

from pipeline.datestamp.expressions import PERIODS, DateOrder, find_date_expressions, iso
from pipeline.datestamp.locale import date_order
from pipeline.datestamp.reconcile import METADATA, Candidate, offset_text, reconcile
from pipeline.models import Article, DateExpression, DateHint, DateSource, DateStamp, Precision

_PRIORITY: tuple[DateSource, ...] = (
    "capture-header",
    "json-ld",
    "metadata",
    "feed",
    "byline",
    "url",
    "htmldate",
    "page-top",
    "http",
)
_RANK: dict[DateSource, int] = {source: rank for rank, source in enumerate(_PRIORITY)}
_CONFIDENCE: dict[DateSource, float] = {
    "capture-header": 0.95,
    "json-ld": 0.9,
    "metadata": 0.9,
    "feed": 0.85,
    "byline": 0.85,
    "url": 0.8,
    # htmldate reads the URL, <time> elements and date patterns of a page without date metadata.
    "htmldate": 0.75,
    "page-top": 0.7,
    "http": 0.5,
}
_INFERRED_CONFIDENCE = 0.35
# Before this a hint is a placeholder (CMSs write 0001-01-01 for "no date"), not a publication date.
MIN_YEAR = 1800
# A clock time after a date: "May 6, 2025 3:06 PM", "03.03.2011, 14:17", "Mar 12, 2020 @ 9am".
TIME_SUFFIX = re.compile(
    r"\s*(?:,|at|um|@|-|\||·)?\s*(?:(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?::\d{2})?|(?P<bare>\d{1,2})(?=\s*[AaPp]\.?[Mm]))"
    r"(?:\s*(?P<half>[AaPp])\.?[Mm]\.?)?"
)
_RFC2822 = re.compile(r"(?:[A-Z][a-z]{2},\s*)?\d{1,2}\s+[A-Z][a-z]{2}\s+\d{2,4}\s+\d{1,2}:\d{2}")
_UPDATED = re.compile(r"(?i:^\s*(?:last\s+)?(?:updated|modified|revised)\b)")
_LABEL = re.compile(r"(?i:^(?:published|posted|updated|last\s+updated|date|on)\b\s*:?\s*)")
_HAS_TIME = re.compile(r"\d{1,2}[:.]\d{2}|\d\s*[AaPp]\.?[Mm]\b")
HAS_YEAR = re.compile(r"(?<!\d)(?:1[5-9]|2[01])\d\d(?!\d)")
_ORDINAL_WORDS = {
    "tenth": 10,
    "twentieth": 20,
    "twenty-fifth": 25,
    "thirtieth": 30,
    "fortieth": 40,
    "fiftieth": 50,
    "sixtieth": 60,
    "seventieth": 70,
    "seventy-fifth": 75,
    "eightieth": 80,
    "ninetieth": 90,
    "hundredth": 100,
}
_CENTENARIES = {"centenary": 100, "centennial": 100, "bicentenary": 200, "bicentennial": 200}
_EVENT_YEAR = r"[^.!?\n]{0,160}?(?<![\d-])(?P<year>1[5-9]\d\d|20\d\d)(?![\d-])"
# "the 70th anniversary of the capitulation of Nazi Germany in 1945": the year must follow in the same sentence.
_ANNIVERSARY = re.compile(
    rf"(?i:\b(?:(?:(?P<count>\d{{1,3}})(?:st|nd|rd|th)|(?P<word>{'|'.join(_ORDINAL_WORDS)}))[\s-]+anniversary"
    rf"|(?P<centenary>{'|'.join(_CENTENARIES)}))\b{_EVENT_YEAR})"
)
_YEARS_SINCE = re.compile(rf"(?i:\b(?P<count>\d{{1,3}})\s+years\s+(?:since|after)\b{_EVENT_YEAR})")


@dataclass(frozen=True)
class _Published:
    at: datetime
    precision: Precision
    source: DateSource
    confidence: float
    raw: str | None = None
    offset: str | None = None


def stamp(article: Article, *, ingested_at: datetime) -> DateStamp:
    """The date stamp of ``article``; ``ingested_at`` is recorded as such, never as the publication date."""
    dated = publication(article, ingested_at=ingested_at)
    return dated.model_copy(update={"expressions": date_expressions(article, dated)})


def publication(article: Article, *, ingested_at: datetime) -> DateStamp:
    """The date stamp without the date expressions of the text (a step of its own, that may fail alone)."""
    published_hints = tuple(h for h in article.date_hints if not _is_modified(h))
    order = date_order(article.language, article.url)
    updates, modified_days = _shown_updates(article.date_hints, order), _modified_days(article.date_hints, order)
    published = _from_hints(published_hints, order, updates, modified_days) or _inferred(article.text, ingested_at)
    modified = _modified(article.date_hints, order)
    if published is None:
        return undated(article, ingested_at=ingested_at, modified_at=modified)
    return DateStamp(
        article_id=article.article_id,
        published_at=published.at,
        published=_published_text(published),
        published_raw=published.raw,
        utc_offset=published.offset,
        precision=published.precision,
        source=published.source,
        confidence=published.confidence,
        modified_at=modified if modified is None or _not_before(modified, published) else None,
        ingested_at=ingested_at,
    )


def undated(article: Article, *, ingested_at: datetime, modified_at: datetime | None = None) -> DateStamp:
    """The stamp of an article whose publication date is unknown."""
    return DateStamp(
        article_id=article.article_id,
        source="unknown",
        confidence=0.0,
        modified_at=modified_at,
        ingested_at=ingested_at,
    )


def date_expressions(article: Article, dated: DateStamp) -> tuple[DateExpression, ...]:
    """The date expressions of the text, resolved against the publication day when it is known to the day."""
    base = dated.published_at.date() if dated.published_at and dated.precision in ("day", "minute") else None
    order = date_order(article.language, article.url)
    return tuple(find_date_expressions(article.text, base, order=order))


def _is_modified(hint: DateHint) -> bool:
    """An update time (in a modified field, or labelled "Updated: ..."): never the published date."""
    return hint.role == "modified" or _UPDATED.match(hint.text) is not None


def _by_priority(hints: tuple[DateHint, ...]) -> list[DateHint]:
    """The hints, the most trusted source first (in page order within a source)."""
    return sorted(hints, key=lambda h: _RANK[h.source])


def _modified(hints: tuple[DateHint, ...], order: DateOrder) -> datetime | None:
    """When the page says it was last updated, the most trusted source first."""
    for hint in _by_priority(hints):
        parsed = parse_hint(_UPDATED.sub("", hint.text).lstrip(" :"), order) if _is_modified(hint) else None
        if parsed is not None and parsed[0].year >= MIN_YEAR:
            return parsed[0]
    return None


def _not_before(modified: datetime, published: _Published) -> bool:
    """An update is kept unless it precedes the publication, compared at the publication's precision
    (a page dated only by day may be updated that same day, in any time zone)."""
    if published.precision == "minute":
        return modified >= published.at
    return modified.date() >= published.at.date()


def _published_text(published: _Published) -> str:
    """The publication in the publisher's local time, to its precision (a time without a zone as written)."""
    if published.precision != "minute":
        return iso(published.at.date(), published.precision)
    at = published.at if published.offset is not None else published.at.replace(tzinfo=None)
    return at.isoformat(timespec="minutes")


def candidate(hint: DateHint, order: DateOrder = "MDY") -> Candidate | None:
    """A hint as a dated candidate, with the offset it was written in (None when it names no zone)."""
    parsed = parse_as_written(hint.text, order)
    if parsed is None or parsed[0].year < MIN_YEAR:
        return None
    at, precision = parsed
    offset = offset_text(at) if precision == "minute" and at.tzinfo is not None else None
    return Candidate(_aware(at), precision, hint.source, _CONFIDENCE[hint.source], hint.text, offset)


def _shown_updates(hints: tuple[DateHint, ...], order: DateOrder) -> set[date]:
    """The days the page shows as its update by the headline ("Updated March 5")."""
    shown = (candidate(h, order) for h in hints if h.source == "byline" and _is_modified(h))
    return {c.day for c in shown if c is not None}


def _modified_days(hints: tuple[DateHint, ...], order: DateOrder) -> frozenset[date]:
    """The local days of the metadata's modification times."""
    stated = (candidate(h, order) for h in hints if h.role == "modified" and h.source in METADATA)
    return frozenset(c.day for c in stated if c is not None)


def _from_hints(
    hints: tuple[DateHint, ...], order: DateOrder, updates: set[date], modified_days: frozenset[date]
) -> _Published | None:
    """The reconciled publication; htmldate's day is left out when the page shows it as an update
    (htmldate reads "Updated March 5" as a date like any other)."""
    parsed = (candidate(h, order) for h in hints)
    kept = [c for c in parsed if c is not None and not (c.source == "htmldate" and c.day in updates)]
    verdict = reconcile(kept, _RANK, modified_days)
    if verdict is None:
        return None
    won = verdict.winner
    return _Published(won.at, won.precision, won.source, verdict.confidence, won.raw, won.offset)


def parse_hint(text: str, order: DateOrder = "MDY") -> tuple[datetime, Precision] | None:
    """A date hint as an aware datetime (UTC when it names no zone) and its precision; ``order`` is
    how the site writes an all-numeric date."""
    parsed = parse_as_written(text, order)
    return None if parsed is None else (_aware(parsed[0]), parsed[1])


def parse_as_written(text: str, order: DateOrder = "MDY") -> tuple[datetime, Precision] | None:
    """A date hint as written: in the offset it names, naive when it names none (never converted)."""
    text = _LABEL.sub("", " ".join(text.split()))
    if not text:
        return None
    return _parse_iso(text) or _parse_rfc2822(text) or _parse_in_text(text, order) or _parse_dateparser(text, order)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _parse_iso(text: str) -> tuple[datetime, Precision] | None:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    return value, "minute" if len(text) > len("2025-05-06") else "day"


def _parse_rfc2822(text: str) -> tuple[datetime, Precision] | None:
    # email.utils is lenient: it reads "January 16, 2025 3:06 PM" as 03:06, so only the strict shape goes there.
    if not _RFC2822.match(text):
        return None
    try:
        value = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    return value, "minute"


def _parse_in_text(text: str, order: DateOrder) -> tuple[datetime, Precision] | None:
    """The first absolute date in a hint ("Anton Sokolin May 6, 2025"), with the time that follows it."""
    found = [e for e in find_date_expressions(text, None, order=order) if not e.relative]
    if not found:
        return None
    first = found[0]
    day = _start_of(first.value).replace(tzinfo=None)
    clock = _clock(TIME_SUFFIX.match(text, first.end)) if first.precision == "day" else None
    if clock is not None:
        return day.replace(hour=clock[0], minute=clock[1]), "minute"
    return day.replace(tzinfo=UTC), first.precision


def _clock(match: re.Match[str] | None) -> tuple[int, int] | None:
    """Hour and minute of a clock time after a date ("3:06 PM", "14.17", "9am"), as written."""
    if match is None:
        return None
    hour, minute = int(match.group("hour") or match.group("bare")), int(match.group("minute") or 0)
    half = (match.group("half") or "").lower()
    if half and not 1 <= hour <= 12:
        return None
    hour = hour % 12 + (12 if half == "p" else 0) if half else hour
    return (hour, minute) if hour < 24 and minute < 60 else None


def _start_of(value: str) -> datetime:
    """The start of an ISO day, month or year (``2025``, ``2025-05``, ``2025-05-06``), in UTC."""
    parts = [int(part) for part in value.split("-")]
    year, month, day = (parts + [1, 1])[:3]
    return datetime(year, month, day, tzinfo=UTC)


@cache
def _date_parser(order: DateOrder) -> DateDataParser:
    # No TIMEZONE: dateparser would convert a time with a zone to it, and the day would be UTC's, not
    # the publisher's; the clock time is kept as written.
    settings = {"RETURN_AS_TIMEZONE_AWARE": False, "PREFER_DAY_OF_MONTH": "first", "DATE_ORDER": order}
    return DateDataParser(settings=settings)


def _parse_dateparser(text: str, order: DateOrder) -> tuple[datetime, Precision] | None:
    # A hint without a year ("2 hours ago", "Tuesday") is relative to the crawl time: not a date we may use.
    if not HAS_YEAR.search(text):
        return None
    data = _date_parser(order).get_date_data(text)
    if data.date_obj is None:
        return None
    precision = PERIODS.get(data.period or "day", "day")
    if precision == "day" and _HAS_TIME.search(text):
        return data.date_obj.replace(tzinfo=None), "minute"
    return _start_of(iso(data.date_obj.date(), precision)), precision


def _inferred(text: str, ingested_at: datetime) -> _Published | None:
    """A year from anniversary arithmetic ("the 70th anniversary of ... in 1945" is 2015), if the text allows."""
    years = Counter(_anniversary_years(text))
    # A year after the ingest year is a forward-looking mention, not the year the article was written.
    plausible = [(year, n) for year, n in years.most_common() if year <= ingested_at.year]
    if not plausible:
        return None
    year = plausible[0][0]
    return _Published(datetime(year, 1, 1, tzinfo=UTC), "year", "inferred", _INFERRED_CONFIDENCE)


def _anniversary_years(text: str) -> list[int]:
    years: list[int] = []
    for match in _ANNIVERSARY.finditer(text):
        if match.group("count"):
            count = int(match.group("count"))
        elif match.group("word"):
            count = _ORDINAL_WORDS[match.group("word").lower()]
        else:
            count = _CENTENARIES[match.group("centenary").lower()]
        years.append(int(match.group("year")) + count)
    years.extend(int(m.group("year")) + int(m.group("count")) for m in _YEARS_SINCE.finditer(text))
    return years
