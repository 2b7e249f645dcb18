"""One request at a time per host, spaced by a delay (the larger of ours and robots.txt's)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable


class HostGate:
    """Per-host locks and the earliest time of the next request to each host."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._locks: dict[str, asyncio.Lock] = {}
        self._next: dict[str, float] = {}

    def lock(self, host: str) -> asyncio.Lock:
        return self._locks.setdefault(host, asyncio.Lock())

    async def wait_turn(self, host: str) -> None:
        """Sleep until host may be asked again (call while holding its lock)."""
        wait = self._next.get(host, 0.0) - self.clock()
        if wait > 0:
            await asyncio.sleep(wait)

    def done(self, host: str, delay_s: float) -> None:
        """A request to host just ended: the next one waits delay_s."""
        self._next[host] = max(self._next.get(host, 0.0), self.clock() + delay_s)

    def defer(self, host: str, seconds: float) -> None:
        """The host asked us to back off (Retry-After)."""
        self.done(host, seconds)


def host_delay(default_s: float, crawl_delay_s: float | None, cap_s: float) -> float:
    """Our delay, raised to robots.txt's Crawl-delay up to cap_s."""
    return max(default_s, min(crawl_delay_s or 0.0, cap_s))
