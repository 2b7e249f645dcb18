"""Which publication date to believe when a page states several (JSON-LD, <meta> tags, the URL,
htmldate's reading of the page, a byline, a feed entry, a capture header).

Each source votes for the days its dates can be; the day with the most trusted support wins, so a
metadata date contradicted by the URL and the byline loses. JSON-LD and the <meta> tags are written
by the same CMS from the same field, so together they count as one voice (the stronger of the two).

The day is the publisher's local day: a time written with an offset is that offset's day. A time
written in UTC (``Z``, ``+00:00``) names an instant, not the publisher's day: it is read in the
local offset of another source that gives the same instant, and otherwise it supports the
neighbouring day as well when the URL or the date by the headline names that day (an evening story
in America is dated the next day in UTC; the URL path and the byline show the publisher's own day).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone

from pipeline.models import DateSource, Precision

# How far a publisher's clock can be from UTC.
_WEST, _EAST = timedelta(hours=-12), timedelta(hours=14)
_FINE: frozenset[Precision] = frozenset({"day", "minute"})
_ONE_VOICE: dict[DateSource, str] = {"json-ld": "metadata"}
METADATA: frozenset[DateSource] = frozenset({"json-ld", "metadata"})
# Sources that give the publisher's own day, never a UTC one.
_SHOWN: frozenset[DateSource] = frozenset({"url", "byline"})
# The metadata's modification time on the day the byline shows, not the metadata's publication day:
# the page shows the version it was updated to as its date (a story reworked and put out again).
MODIFIED_SUPPORT = 0.5


@dataclass(frozen=True)
class Candidate:
    """One publication date a source states."""

    at: datetime  # aware: in the offset written, UTC when none was
    precision: Precision
    source: DateSource
    weight: float
    raw: str
    offset: str | None  # as written ("+02:00", "+00:00" for Z); None when no zone was given

    @property
    def day(self) -> date:
        return self.at.date()

    @property
    def in_utc(self) -> bool:
        return self.precision == "minute" and self.offset == "+00:00"


@dataclass(frozen=True)
class Verdict:
    winner: Candidate
    confidence: float


def offset_text(at: datetime) -> str:
    delta = at.utcoffset() or timedelta()
    sign, minutes = ("-", -delta) if delta < timedelta() else ("+", delta)
    hours, rest = divmod(int(minutes.total_seconds()) // 60, 60)
    return f"{sign}{hours:02d}:{rest:02d}"


def _same_instant(utc: Candidate, other: Candidate) -> timedelta | None:
    """The local offset ``other`` shows ``utc``'s instant in, if it is the same instant."""
    if other.precision != "minute" or other.in_utc:
        return None
    if other.offset is not None:
        return other.at.utcoffset() if other.at == utc.at else None
    # A time written without a zone, a whole number of hours from the UTC one: the local clock.
    gap = other.at - utc.at
    whole_hours = gap.total_seconds() % 3600 == 0 and gap != timedelta()
    return gap if whole_hours and _WEST <= gap <= _EAST else None


def localise(candidates: list[Candidate]) -> list[Candidate]:
    """UTC times read in the local offset another source shows the same instant in."""
    found = []
    for candidate in candidates:
        local = next((d for o in candidates if candidate.in_utc and (d := _same_instant(candidate, o))), None)
        if local is not None:
            at = candidate.at.astimezone(timezone(local))
            candidate = replace(candidate, at=at, offset=offset_text(at))
        found.append(candidate)
    return found


def _possible_days(candidate: Candidate, shown_days: set[date]) -> set[date]:
    if not candidate.in_utc:
        return {candidate.day}
    near = {(candidate.at + _WEST).date(), (candidate.at + _EAST).date()}
    return {candidate.day} | (near & shown_days)


def _combined(weights: Iterable[float]) -> float:
    doubt = 1.0
    for weight in weights:
        doubt *= 1.0 - weight
    return 1.0 - doubt


def reconcile(
    candidates: list[Candidate], rank: dict[DateSource, int], modified_days: frozenset[date] = frozenset()
) -> Verdict | None:
    """The best-supported publication date, or None when there is none; ``modified_days`` are the
    local days of the metadata's modification times."""
    fine = localise([c for c in candidates if c.precision in _FINE])
    if not fine:
        coarse = sorted(candidates, key=lambda c: rank[c.source])
        return Verdict(coarse[0], coarse[0].weight) if coarse else None
    weight = {c.source: max(o.weight for o in fine if o.source == c.source) for c in fine}
    shown_days = {c.day for c in fine if c.source in _SHOWN}
    metadata_days = {c.day for c in fine if c.source in METADATA}
    # Only against the metadata's publication day: an update on that day says nothing new.
    updated_days = ({c.day for c in fine if c.source == "byline"} & modified_days) - metadata_days

    def voice_of(c: Candidate) -> str:
        # htmldate reads the page's JSON-LD too: on a day the metadata states it is the metadata again.
        if c.source == "htmldate" and c.day in metadata_days:
            return "metadata"
        return _ONE_VOICE.get(c.source, c.source)

    def voices(day: date) -> dict[str, float]:
        found: dict[str, float] = {}
        for c in fine:
            if day in _possible_days(c, shown_days):
                voice = voice_of(c)
                found[voice] = max(found.get(voice, 0.0), weight[c.source])
        if day in updated_days:
            found["modified"] = MODIFIED_SUPPORT
        return found

    def support(day: date) -> float:
        return sum(voices(day).values())

    def stated_best(day: date) -> Candidate:
        return min((c for c in fine if c.day == day), key=lambda c: (-c.weight, rank[c.source]))

    days = {c.day for c in fine}
    best = max(days, key=lambda d: (support(d), stated_best(d).weight, -rank[stated_best(d).source]))
    winner = stated_best(best)
    agreeing = voices(best)
    opposing = max((w for d in days if d != best for v, w in voices(d).items() if v not in agreeing), default=0.0)
    sure = min(0.99, _combined(agreeing.values()))
    # A voice against costs its trust times the doubt left in the strongest voice for the day.
    return Verdict(winner, round(sure - opposing * (1.0 - max(agreeing.values())), 3))
