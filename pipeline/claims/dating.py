"""Which date expressions of the date stamp belong to a claim: when it was said, what it is about."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence

from pipeline.models import DateExpression, DateStamp, Precision

_DAY_PRECISIONS = frozenset({"day", "minute"})


class DateIndex:
    """The stamp's date expressions by offset, for window and adjacency look-ups."""

    def __init__(self, expressions: Sequence[DateExpression]) -> None:
        self._items = sorted(expressions, key=lambda e: e.start)
        self._starts = [e.start for e in self._items]

    def starting_after(self, text: str, position: int) -> DateExpression | None:
        """The expression that begins right after ``position``, with only spaces between."""
        index = bisect_left(self._starts, position)
        if index < len(self._items):
            candidate = self._items[index]
            if not text[position : candidate.start].strip():
                return candidate
        return None

    def within(self, start: int, end: int) -> list[DateExpression]:
        index = bisect_left(self._starts, start)
        found: list[DateExpression] = []
        while index < len(self._items) and self._items[index].start < end:
            if self._items[index].end <= end:
                found.append(self._items[index])
            index += 1
        return found

    def nearest(self, start: int, end: int, anchor: int) -> DateExpression | None:
        """The expression inside [start, end) closest to ``anchor`` (the cue)."""
        candidates = self.within(start, end)
        if not candidates:
            return None
        return min(candidates, key=lambda e: min(abs(e.start - anchor), abs(e.end - anchor)))


def publication_date(stamp: DateStamp) -> tuple[str, Precision] | None:
    """The publication day, when the stamp knows it to the day; a month or year says too little."""
    if stamp.published and stamp.precision in _DAY_PRECISIONS:
        return stamp.published[:10], "day"
    return None
