"""Date expressions in article text, resolved against the publication date.

Conventions (news usage; each one is a decision, tested in ``tests/unit/test_date_expressions.py``):

* A bare weekday ("on Tuesday") in a past-tense or neutral clause is the most recent such day on or
  before the base (the base itself when it is that weekday); in a future-tense clause it is the next
  such day on or after the base.
* "last <weekday>" is strictly before the base, so "last Tuesday" written on a Tuesday is 7 days
  earlier; "next <weekday>" is strictly after it (on a Tuesday, "next Tuesday" is 7 days later and
  "next Friday" 3 days later); "this <weekday>" is that day of the base's Monday-based week.
* A day or month without a year takes the year that puts it nearest to the base, unless the clause
  has a tense: past picks the latest occurrence on or before the base, future the earliest on or
  after it.
* "last/this/next week" resolve to the Monday of that week, with day precision (the contract has no
  week precision); "last/this/next month" and "earlier/later this month" to the month; "last/this/next
  year" to the year.
* The tense of an expression is read from its clause (the text since the previous comma, semicolon,
  colon, dash or sentence start); when that clause has no tense marker, from the rest of the sentence
  after it, then from the sentence before it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Literal

from dateparser.date import DateDataParser

from pipeline.models import DateExpression, Precision

Tense = Literal["past", "future"]
DateOrder = Literal["DMY", "MDY"]
Resolved = tuple[str, Precision, bool]

MONTHS: dict[str, int] = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan", "januar", "jänner", "jän"),
            ("february", "feb", "februar", "feber"),
            ("march", "mar", "märz", "mär", "mrz"),
            ("april", "apr"),
            ("may", "mai"),
            ("june", "jun", "juni"),
            ("july", "jul", "juli"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct", "oktober", "okt"),
            ("november", "nov"),
            ("december", "dec", "dezember", "dez"),
        ),
        start=1,
    )
    for name in names
}
WEEKDAYS: dict[str, int] = {
    name: number
    for number, name in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))
}
_NUMBERS: dict[str, int] = {
    word: number
    for number, word in enumerate(
        ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")
    )
} | {"a": 1, "an": 1, "a couple of": 2, "a few": 3, "several": 3}

# English and German month names (German pages write "1. Februar 2022", "3. Dez. 2011").
# Month and weekday names are matched capitalized only: "may", "march" and "sat" are common words.
_FULL_MONTHS = "|".join(name.capitalize() for name in MONTHS if len(name) > 3 and name != "sept")
_SHORT_MONTHS = "|".join(name.capitalize() for name in MONTHS if len(name) <= 3 or name == "sept")
_MONTH = (
    rf"(?<![A-Za-z])(?P<month>(?:{_FULL_MONTHS}|{_FULL_MONTHS.upper()}|May|MAY)(?![A-Za-z])"
    rf"|(?:{_SHORT_MONTHS}|{_SHORT_MONTHS.upper()})(?![A-Za-z])\.?)"
)
_WEEKDAY_NAMES = "|".join(name.capitalize() for name in WEEKDAYS)
_WEEKDAY_PREFIX = rf"(?:(?:{_WEEKDAY_NAMES}),?\s+)?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?(?!\d)"
_YEAR = r"(?P<year>1[5-9]\d\d|2[01]\d\d)(?![\d])"
_PREP = r"(?i:\b(?:back\s+in|on|in|since|by|until|till|from|through|during|before|after|as\s+of)\s+)"
_YEAR_REL = r"(?i:(?P<{name}>next|last|this))"

_WEEKDAY_EXCLUDED = re.compile(r"(?i:black|good|super|cyber|ash|bloody|holy|easter|palm|maundy|giving)\s+$")

_FUTURE_WORDS = (
    r"will|won['’]t|shall|would|wouldn['’]t|set\s+to|scheduled|"
    r"due\s+to|going\s+to|to\s+be\s+held|to\s+take\s+place|plans?\s+to|planned|planning|expected\s+to|"
    r"upcoming|ahead\s+of|might|could|intends?\s+to|aims?\s+to|next"
)
_PAST_WORDS = (
    r"said|told|met|was|were|had|did|didn['’]t|held|began|took|made|sent|gave|came|went|saw|spoke|wrote|"
    r"left|struck|won|lost|broke|fell|led|chose|became|paid|hit|shot|fought|brought|thought|sought|caught|"
    r"ran|rose|flew|drew|grew|knew|threw|stood|kept|felt|found|got|heard|sold|sat|taught|tore|wore|ago|"
    r"previously|earlier|last|[A-Za-z]{2,}ed"
)
_TENSE_MARKER = re.compile(
    rf"(?<![A-Za-z])(?:(?P<future>(?i:{_FUTURE_WORDS}))|(?P<past>(?i:{_PAST_WORDS}))|may)(?![A-Za-z])"
)
_NOT_PAST = frozenset({"hundred", "need", "speed", "indeed", "seed", "feed", "breed", "shed", "bed", "united"})
# A full stop ends a sentence unless it closes an abbreviation ("Jan.", "Mr.", "U.S.").
_SENTENCE_END = re.compile(r"[!?\n]|(?<!\b[A-Za-z])(?<!\b[A-Z][a-z])(?<!\b[A-Z][a-z]{2})(?<!\bSept)\.(?=\s|$)")
_CLAUSE_END = re.compile(rf"[,;:—–()\[\]]|\s-\s|{_SENTENCE_END.pattern}")
_WINDOW = 300
# dateparser periods as precisions (a "week" or a "day" is a day)
PERIODS: dict[str, Precision] = {"year": "year", "month": "month"}


@dataclass
class _Context:
    text: str
    base: date | None
    forced: Tense | None = None
    order: DateOrder = "MDY"
    tenses: dict[tuple[int, int], Tense | None] = field(default_factory=dict)

    def tense(self, start: int, end: int) -> Tense | None:
        if self.forced is not None:
            return self.forced
        if (start, end) not in self.tenses:
            self.tenses[(start, end)] = _tense(self.text, start, end)
        return self.tenses[(start, end)]


def _marker_tense(match: re.Match[str]) -> Tense | None:
    if match.group("future"):
        return "future"
    if match.group("past") and match.group("past").lower() not in _NOT_PAST:
        return "past"
    return "future" if match.group(0) == "may" else None


def _markers(fragment: str) -> list[Tense]:
    return [tense for match in _TENSE_MARKER.finditer(fragment) if (tense := _marker_tense(match)) is not None]


def _tense(text: str, start: int, end: int) -> Tense | None:
    """The tense of the clause around text[start:end]: nearest marker before, else after, else earlier."""
    before = text[max(0, start - _WINDOW) : start]
    clause = _CLAUSE_END.split(before)[-1]
    if found := _markers(clause):
        return found[-1]
    after = _SENTENCE_END.split(text[end : end + _WINDOW], maxsplit=1)[0]
    if found := _markers(after):
        return found[0]
    sentence = _SENTENCE_END.split(before)[-1]
    found = _markers(sentence)
    return found[-1] if found else None


def iso(value: date, precision: Precision) -> str:
    """``value`` as ISO text truncated to ``precision`` (day at most: dates have no time)."""
    return {"year": f"{value.year:04d}", "month": f"{value.year:04d}-{value.month:02d}"}.get(
        precision, value.isoformat()
    )


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _pick(candidates: list[date], base: date, tense: Tense | None) -> date | None:
    """The candidate the tense points to: latest on/before base, earliest on/after, else nearest."""
    if tense == "past":
        return max((c for c in candidates if c <= base), default=None)
    if tense == "future":
        return min((c for c in candidates if c >= base), default=None)
    return min(candidates, key=lambda c: (abs((c - base).days), c > base), default=None)


def weekday_date(base: date, weekday: int, mode: str | None) -> date:
    """Resolve a weekday: ``mode`` is past/future (tense), last, next or this."""
    back = (base.weekday() - weekday) % 7
    ahead = (weekday - base.weekday()) % 7
    if mode == "last":
        return base - timedelta(days=back or 7)
    if mode == "next":
        return base + timedelta(days=ahead or 7)
    if mode == "this":
        return base + timedelta(days=weekday - base.weekday())
    if mode == "future":
        return base + timedelta(days=ahead)
    return base - timedelta(days=back)


def _shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + delta
    return index // 12, index % 12 + 1


def _month_number(match: re.Match[str]) -> int:
    return MONTHS[match.group("month").lower().rstrip(".")]


# Rule resolvers: (match, context) -> (value, precision, relative) or None.


def _absolute_day(match: re.Match[str], ctx: _Context) -> Resolved | None:
    month = int(match.group("month")) if match.group("month").isdigit() else _month_number(match)
    value = _safe_date(int(match.group("year")), month, int(match.group("day")))
    return (value.isoformat(), "day", False) if value else None


def _numeric_day(match: re.Match[str], ctx: _Context) -> Resolved | None:
    """05/06/2025: a part over 12 can only be the day; otherwise the site's date order decides."""
    first, second = int(match.group("first")), int(match.group("second"))
    day_first = first > 12 or (second <= 12 and ctx.order == "DMY")
    day, month = (first, second) if day_first else (second, first)
    value = _safe_date(int(match.group("year")), month, day)
    return (value.isoformat(), "day", False) if value else None


def _short_year_day(match: re.Match[str], ctx: _Context) -> Resolved | None:
    value = _safe_date(2000 + int(match.group("short_year")), int(match.group("month")), int(match.group("day")))
    return (value.isoformat(), "day", False) if value else None


def _month_day(match: re.Match[str], ctx: _Context) -> Resolved | None:
    if ctx.base is None:
        return None
    month, day = _month_number(match), int(match.group("day"))
    shift = match.group("rel_before") or match.group("rel_after")
    if shift:
        year = ctx.base.year + {"next": 1, "last": -1, "this": 0}[shift.lower()]
        value = _safe_date(year, month, day)
    else:
        years = range(ctx.base.year - 1, ctx.base.year + 2)
        candidates = [c for y in years if (c := _safe_date(y, month, day))]
        value = _pick(candidates, ctx.base, ctx.tense(match.start(), match.end()))
    return (value.isoformat(), "day", True) if value else None


def _month(match: re.Match[str], ctx: _Context) -> Resolved | None:
    month = _month_number(match)
    if match.group("year"):
        return f"{match.group('year')}-{month:02d}", "month", False
    prep = (match.group("prep") or match.group("part") or "").lower()
    if ctx.base is None or not prep:
        return None
    base = ctx.base.replace(day=1)
    candidates = [date(ctx.base.year + delta, month, 1) for delta in (-1, 0, 1)]
    if prep == "this":
        value: date | None = date(ctx.base.year, month, 1)
    elif prep in ("last", "next"):
        later = prep == "next"
        value = _pick([c for c in candidates if (c > base if later else c < base)], base, "future" if later else "past")
    else:
        value = _pick(candidates, base, ctx.tense(match.start(), match.end()))
    return (iso(value, "month"), "month", True) if value else None


def _weekday(match: re.Match[str], ctx: _Context) -> Resolved | None:
    if ctx.base is None or _WEEKDAY_EXCLUDED.search(ctx.text[max(0, match.start() - 12) : match.start()]):
        return None
    weekday = WEEKDAYS[match.group("weekday").lower()]
    mode: str | None = (match.group("mod") or "").lower()
    if mode not in ("last", "next", "this"):
        mode = ctx.tense(match.start(), match.end())
    return weekday_date(ctx.base, weekday, mode).isoformat(), "day", True


def _relative_day(match: re.Match[str], ctx: _Context) -> Resolved | None:
    if ctx.base is None:
        return None
    word = " ".join(match.group(0).lower().split())
    offset = {"the day before yesterday": -2, "yesterday": -1, "the day after tomorrow": 2, "tomorrow": 1}
    return (ctx.base + timedelta(days=offset.get(word, 0))).isoformat(), "day", True


def _relative_unit(match: re.Match[str], ctx: _Context) -> Resolved | None:
    if ctx.base is None:
        return None
    delta = {"last": -1, "this": 0, "next": 1}[match.group("mod").lower()]
    return _unit_offset(ctx.base, match.group("unit").lower(), delta)


def _ago(match: re.Match[str], ctx: _Context) -> Resolved | None:
    if ctx.base is None:
        return None
    count = match.group("count").lower()
    number = int(count) if count.isdigit() else _NUMBERS[" ".join(count.split())]
    return _unit_offset(ctx.base, match.group("unit").lower(), -number, exact=True)


def _unit_offset(base: date, unit: str, delta: int, *, exact: bool = False) -> Resolved:
    """``base`` moved by ``delta`` units: a week is its Monday unless ``exact`` (then the same weekday)."""
    if unit == "day":
        return (base + timedelta(days=delta)).isoformat(), "day", True
    if unit == "week":
        start = base if exact else base - timedelta(days=base.weekday())
        return (start + timedelta(weeks=delta)).isoformat(), "day", True
    if unit == "month":
        year, month = _shift_month(base.year, base.month, delta)
        return f"{year:04d}-{month:02d}", "month", True
    return f"{base.year + delta:04d}", "year", True


def _year(match: re.Match[str], ctx: _Context) -> Resolved | None:
    return match.group("year"), "year", False


@dataclass(frozen=True)
class _Rule:
    pattern: re.Pattern[str]
    resolve: Callable[[re.Match[str], _Context], Resolved | None]


_RULES: tuple[_Rule, ...] = (
    _Rule(re.compile(rf"{_PREP}?(?<![\d-])(?P<year>\d{{4}})-(?P<month>[01]\d)-(?P<day>[0-3]\d)(?!\d)"), _absolute_day),
    _Rule(re.compile(rf"{_PREP}?{_WEEKDAY_PREFIX}{_MONTH}\s+{_DAY},?\s+{_YEAR}"), _absolute_day),
    _Rule(
        re.compile(
            rf"{_PREP}?(?<![\d/.])(?P<first>[0-3]?\d)(?P<sep>[/.])(?P<gap>\s?)(?P<second>[0-3]?\d)(?P=sep)(?P=gap)"
            rf"{_YEAR}(?![/.]?\w)"
        ),
        _numeric_day,
    ),
    # "31.10.23": a German day with a two-digit year, always day first.
    _Rule(
        re.compile(rf"{_PREP}?(?<![\d/.])(?P<day>[0-3]\d)\.(?P<month>[01]\d)\.(?P<short_year>\d\d)(?![.,]?\d)"),
        _short_year_day,
    ),
    # "4th of May, 2025", and "4. Mai 2025" as German writes the day.
    _Rule(re.compile(rf"{_PREP}?{_WEEKDAY_PREFIX}(?<!\d){_DAY}\.?\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}"), _absolute_day),
    *(
        _Rule(
            re.compile(
                rf"{_PREP}?(?:{_YEAR_REL.format(name='rel_before')}\s+year['’]s\s+)?{_WEEKDAY_PREFIX}{day_month}"
                rf"(?:\s+{_YEAR_REL.format(name='rel_after')}\s+year\b)?"
            ),
            _month_day,
        )
        for day_month in (rf"{_MONTH}\s+{_DAY}", rf"(?<!\d){_DAY}\s+(?:of\s+)?{_MONTH}")
    ),
    _Rule(
        re.compile(
            r"(?:(?P<prep>(?i:\b(?:(?:back\s+)?in|since|until|till|by|from|through|during|before|after"
            r"|(?:earlier|later)\s+in|last|next|this)))\s+)?(?:(?P<part>(?i:\b(?:early|mid|late)))[\s-]+)?"
            rf"{_MONTH}(?:,?\s+{_YEAR})?"
        ),
        _month,
    ),
    _Rule(
        re.compile(
            r"(?:(?P<mod>(?i:\b(?:last|next|this|on|since|by|until|till|from|before|after|early|late)))\s+)?"
            rf"(?<![A-Za-z])(?P<weekday>{_WEEKDAY_NAMES})(?![A-Za-z])"
        ),
        _weekday,
    ),
    _Rule(
        re.compile(
            r"(?i:\b(?:the\s+day\s+(?:before\s+yesterday|after\s+tomorrow)|yesterday|today|tonight|tomorrow)\b)"
        ),
        _relative_day,
    ),
    _Rule(
        re.compile(r"(?i:\b(?:(?:earlier|later)\s+)?(?P<mod>last|this|next)\s+(?P<unit>week|month|year)\b)"),
        _relative_unit,
    ),
    _Rule(
        re.compile(
            r"(?i:\b(?P<count>\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|an?|"
            r"a\s+couple\s+of|a\s+few|several)\s+(?P<unit>day|week|month|year)s?\s+ago\b)"
        ),
        _ago,
    ),
    _Rule(
        re.compile(
            r"(?i:\b(?:back\s+in|in|since|by|until|till|from|through|during|before|after|early|mid|late)[\s-]+)"
            rf"{_YEAR}(?![-–/]?\d)"
        ),
        _year,
    ),
)


# Every rule's match holds one of these words within a few characters, so the rules only scan the text around them.
_ANCHOR = re.compile(
    r"(?i:\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|jän|mär|mrz|mai|okt|dez|"
    r"mon|tue|wed|thu|fri|sat|sun|yesterday|today|tonight|tomorrow|week|month|year|ago))|\d{4}|\d\.[01]\d\.\d"
)
_BEFORE_ANCHOR, _AFTER_ANCHOR = 40, 60


def _windows(text: str) -> list[tuple[int, int]]:
    windows: list[tuple[int, int]] = []
    for anchor in _ANCHOR.finditer(text):
        low, high = max(0, anchor.start() - _BEFORE_ANCHOR), min(len(text), anchor.end() + _AFTER_ANCHOR)
        if windows and low <= windows[-1][1]:
            windows[-1] = (windows[-1][0], high)
        else:
            windows.append((low, high))
    return windows


def _candidates(ctx: _Context) -> list[DateExpression]:
    found: list[DateExpression] = []
    for (low, high), rule in ((window, rule) for window in _windows(ctx.text) for rule in _RULES):
        for match in rule.pattern.finditer(ctx.text, low, high):
            try:
                resolved = rule.resolve(match, ctx)
            except (OverflowError, ValueError):  # resolved beyond the calendar (year 1 or 9999): no date
                resolved = None
            if resolved is None:
                continue
            value, precision, relative = resolved
            start, end = match.span()
            found.append(
                DateExpression(
                    text=match.group(0), start=start, end=end, value=value, precision=precision, relative=relative
                )
            )
    return found


def _select(candidates: list[DateExpression]) -> list[DateExpression]:
    """Non-overlapping expressions, the longest first (rule order breaks ties), in text order."""
    chosen: list[DateExpression] = []
    for candidate in sorted(candidates, key=lambda c: c.start - c.end):
        if all(candidate.end <= other.start or candidate.start >= other.end for other in chosen):
            chosen.append(candidate)
    return sorted(chosen, key=lambda c: c.start)


def find_date_expressions(
    text: str, base: date | None, *, tense: Tense | None = None, order: DateOrder = "MDY"
) -> list[DateExpression]:
    """Date expressions in ``text``, resolved against ``base``; relative ones are skipped without a base.

    ``tense`` forces the tense of every expression instead of reading it from its clause; ``order`` is
    how the site writes an all-numeric date whose day and month could be swapped (see ``date_order``).
    """
    return _select(_candidates(_Context(text=text, base=base, forced=tense, order=order)))


def resolve_date(expression: str, base: date, *, future: bool = False) -> tuple[str, Precision] | None:
    """Resolve one expression ("on Tuesday", "May 9", "3 days ago") against ``base``.

    ``future=True`` reads it in a future-tense clause; otherwise the neutral conventions apply (a bare
    weekday is the most recent one, a day without a year the nearest). What the rules here do not know
    goes to dateparser.
    """
    found = find_date_expressions(expression, base, tense="future" if future else None)
    if found:
        best = max(found, key=lambda e: e.end - e.start)
        return best.value, best.precision
    return _dateparser_resolve(expression, base, future=future)


def _dateparser_resolve(expression: str, base: date, *, future: bool) -> tuple[str, Precision] | None:
    settings: dict[str, object] = {
        "RELATIVE_BASE": datetime(base.year, base.month, base.day),
        "PREFER_DATES_FROM": "future" if future else "past",
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    data = DateDataParser(languages=["en"], settings=settings).get_date_data(expression)
    if data.date_obj is None:
        return None
    precision: Precision = PERIODS.get(data.period or "day", "day")
    return iso(data.date_obj.date(), precision), precision
