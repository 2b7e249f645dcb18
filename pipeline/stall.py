"""Telling a stalled consumer from an idle one: a partition with messages waiting whose read
position has not moved for a while. Pure logic; the stream worker's watchdog feeds it offsets."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
STALL_EXIT_CODE = 75  # EX_TEMPFAIL: a worker that exits with it found itself stalled; start it again


@dataclass
class StallDetector(Generic[K]):
    stall_after_s: float
    # per partition: the position last seen with messages waiting, and since when
    _since: dict[K, tuple[int, float]] = field(default_factory=dict)

    def observe(self, now: float, offsets: Mapping[K, tuple[int, int | None]]) -> list[K]:
        """``offsets`` maps each assigned partition to (end offset, read position); returns the
        partitions with messages waiting whose position has not moved for ``stall_after_s``.
        A partition without a known position is not judged."""
        stalled = []
        for tp, (end, position) in offsets.items():
            if position is None or end <= position:
                self._since.pop(tp, None)  # caught up: idle, not stalled
                continue
            last = self._since.get(tp)
            if last is None or last[0] != position:
                self._since[tp] = (position, now)
            elif now - last[1] >= self.stall_after_s:
                stalled.append(tp)
        for tp in set(self._since) - set(offsets):
            del self._since[tp]  # revoked: another worker judges it now
        return stalled

    def pause(self) -> None:
        """Forget what was seen: recovery and restarts move positions on their own schedule."""
        self._since.clear()
