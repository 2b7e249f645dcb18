"""robots.txt, fetched once per host and cached: may we fetch a URL, and how slowly."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx
from protego import Protego

from pipeline.fetch.errors import Blocked, FetchError
from pipeline.fetch.http import Fetcher

ROBOTS_MAX_BYTES = 500 * 1024
AGENT = "news-ingest"


def origin(url: httpx.URL) -> str:
    return f"{url.scheme}://{url.netloc.decode('ascii')}"


class RobotsCache:
    """The parsed robots.txt of each origin, kept for ttl_s; a 4xx means everything is allowed."""

    def __init__(self, fetcher: Fetcher, ttl_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.fetcher, self.ttl_s, self.clock = fetcher, ttl_s, clock
        self._rules: dict[str, tuple[float, Protego]] = {}

    async def rules(self, url: httpx.URL) -> Protego:
        key = origin(url)
        cached = self._rules.get(key)
        if cached is not None and cached[0] > self.clock():
            return cached[1]
        parsed = Protego.parse(await self._text(key))
        self._rules[key] = (self.clock() + self.ttl_s, parsed)
        return parsed

    async def _text(self, key: str) -> str:
        try:
            fetched = await self.fetcher.get(key + "/robots.txt", accept=None, max_bytes=ROBOTS_MAX_BYTES)
        except Blocked:
            raise
        except FetchError as exc:
            if exc.status is not None and 400 <= exc.status < 500 and exc.status != 429:
                return ""
            raise FetchError("robots.txt unavailable", status=exc.status, detail=exc.reason, retryable=True) from exc
        return fetched.body.decode("utf-8", errors="replace")

    async def check(self, url: httpx.URL) -> float | None:
        """The Crawl-delay for url's host; Blocked when robots.txt disallows url."""
        rules = await self.rules(url)
        if not rules.can_fetch(str(url), AGENT):
            raise Blocked("disallowed by robots.txt")
        delay = rules.crawl_delay(AGENT)
        return float(delay) if delay is not None else None
