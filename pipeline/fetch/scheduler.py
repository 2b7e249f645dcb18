"""The scheduler: polls each source on its own adaptive interval with conditional GET and
turns new entries into fetch requests (canonical URLs, not fetched again within the window).

Pure parts (``adapt_interval``, ``select_new``) take their state as parameters; the seen
store is a mapping (a dict offline, loaded from the compacted ``news.fetch.seen`` topic).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable, MutableMapping
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
import structlog
from courlan import normalize_url

from pipeline.config import Settings
from pipeline.extract.encoding import decode_html
from pipeline.fetch import feeds
from pipeline.fetch.errors import FetchError
from pipeline.fetch.http import Fetched, Fetcher
from pipeline.fetch.politeness import HostGate, host_delay
from pipeline.fetch.robots import RobotsCache, origin
from pipeline.fetch.source_state import SourceState, wait_left
from pipeline.fetch.sources import Source
from pipeline.models import FetchRequest, stable_id

log = structlog.get_logger(__name__)
MAX_CHILD_SITEMAPS = 20
MAX_DISCOVERED_FEEDS = 5
Publish = Callable[[list[FetchRequest]], None]


Remember = Callable[[SourceState], None]
PRUNE_EVERY_S = 3600.0


@dataclass
class PollState:
    interval_s: float
    due: float = 0.0
    etag: str | None = None
    last_modified: str | None = None


def restored(saved: SourceState, now: datetime, clock_now: float) -> PollState:
    """A source's poll state from what a previous scheduler remembered of it."""
    due = clock_now + wait_left(saved, now)
    return PollState(saved.interval_s, due, saved.etag, saved.last_modified)


def prune_seen(seen: MutableMapping[str, float], now: datetime, window_s: float) -> int:
    """Forget URLs scheduled longer ago than the window: they may be fetched again anyway."""
    expired = [key for key, at in seen.items() if now.timestamp() - at >= window_s]
    for key in expired:
        del seen[key]
    return len(expired)


def adapt_interval(interval_s: float, changed: bool, min_s: float, max_s: float) -> float:
    """Poll a changing source twice as often, a quiet one half again as slowly, within bounds."""
    return max(min_s, min(max_s, interval_s / 2 if changed else interval_s * 1.5))


def canonical(url: str) -> str | None:
    """courlan's normal form, tracking parameters dropped; a fragment never changes the page fetched."""
    try:
        result = normalize_url(url)
    except ValueError:
        return None
    return str(result).split("#", 1)[0] if result else None


def select_new(
    entries: list[feeds.Entry], source: str, seen: MutableMapping[str, float], now: datetime, window_s: float
) -> list[FetchRequest]:
    """Fetch requests for entries whose canonical URL was not scheduled within the window; marks them seen."""
    requests = []
    for entry in entries:
        url = canonical(entry.url)
        if url is None:
            continue
        key = stable_id("url", url)
        if now.timestamp() - seen.get(key, float("-inf")) < window_s:
            continue
        seen[key] = now.timestamp()
        extra = {"source": source, "feed_published": entry.published, "feed_author": entry.author}
        requests.append(FetchRequest.for_url(url, now, **extra))
    return requests


class Scheduler:
    def __init__(
        self,
        settings: Settings,
        fetcher: Fetcher,
        publish: Publish,
        seen: MutableMapping[str, float],
        clock: Callable[[], float] = time.monotonic,
        *,
        saved: Iterable[SourceState] = (),
        remember: Remember | None = None,
    ) -> None:
        self.settings, self.fetcher, self.publish, self.seen, self.clock = settings, fetcher, publish, seen, clock
        self.robots = RobotsCache(fetcher, settings.robots_ttl_s)
        self.gate = HostGate(clock)
        now = datetime.now(UTC)
        self.states: dict[str, PollState] = {s.url: restored(s, now, clock()) for s in saved}
        self.remember = remember
        self.pruned_at = clock()

    def state(self, source: Source) -> PollState:
        if source.url not in self.states:
            first = source.interval_s or self.settings.schedule_min_interval_s
            self.states[source.url] = PollState(interval_s=first)
        return self.states[source.url]

    async def run_due(self, sources: list[Source]) -> int:
        """Poll every source that is due; the number of fetch requests published."""
        now = self.clock()
        if now - self.pruned_at >= PRUNE_EVERY_S:
            self.pruned_at = now
            log.info("seen urls pruned", expired=prune_seen(self.seen, datetime.now(UTC), self.settings.seen_window_s))
        due = [s for s in sources if self.state(s).due <= now]
        counts = await asyncio.gather(*(self.poll(s) for s in due))
        return sum(counts)

    async def poll(self, source: Source) -> int:
        state = self.state(source)
        try:
            entries = await self._entries(source, state)
        except FetchError as exc:
            log.warning("source poll failed", source=source.url, reason=exc.reason, status=exc.status)
            entries = None
        requests = select_new(entries or [], source.url, self.seen, datetime.now(UTC), self.settings.seen_window_s)
        if requests:
            self.publish(requests)
        bounds = (self.settings.schedule_min_interval_s, self.settings.schedule_max_interval_s)
        state.interval_s = adapt_interval(state.interval_s, bool(requests), *bounds)
        state.due = self.clock() + state.interval_s
        if self.remember is not None:
            self.remember(
                SourceState(
                    url=source.url,
                    interval_s=state.interval_s,
                    etag=state.etag,
                    last_modified=state.last_modified,
                    polled_at=datetime.now(UTC),
                )
            )
        return len(requests)

    async def _entries(self, source: Source, state: PollState) -> list[feeds.Entry] | None:
        conditional = {"If-None-Match": state.etag} if state.etag else {}
        if state.last_modified:
            conditional["If-Modified-Since"] = state.last_modified
        fetched = await self.get(source.url, conditional)
        if fetched.not_modified:
            return None
        state.etag = fetched.headers.get("etag") or state.etag
        state.last_modified = fetched.headers.get("last-modified") or state.last_modified
        if source.kind == "page":
            return await self._discovered(fetched)
        return await self._document(fetched, depth=0)

    async def _discovered(self, page: Fetched) -> list[feeds.Entry]:
        found: list[feeds.Entry] = []
        for url in feeds.discover_feeds(decode_html(page.body, page.charset), page.url)[:MAX_DISCOVERED_FEEDS]:
            found += await self._document(await self.get(url, {}), depth=0)
        return found

    async def _document(self, fetched: Fetched, depth: int) -> list[feeds.Entry]:
        body = feeds.unpack(fetched.body, self.settings.feed_max_bytes)
        tree = feeds.safe_tree(body)
        if tree is None or not feeds.is_sitemap(tree):
            return feeds.parse_feed(body, fetched.url)
        entries, children = feeds.parse_sitemap(tree)
        if depth == 0:
            for child in children[:MAX_CHILD_SITEMAPS]:
                entries += await self._document(await self.get(child, {}), depth=1)
        return entries

    async def get(self, url: str, headers: dict[str, str]) -> Fetched:
        """A polite GET of a feed or sitemap: robots.txt obeyed, one request at a time per host."""
        target = httpx.URL(url)
        host = origin(target)
        async with self.gate.lock(host):
            crawl_delay = await self.robots.check(target)
            await self.gate.wait_turn(host)
            try:
                limit = self.settings.feed_max_bytes
                return await self.fetcher.get(url, accept=None, max_bytes=limit, headers=headers)
            finally:
                delay = host_delay(0.0, crawl_delay, self.settings.fetch_max_crawl_delay_s)
                self.gate.done(host, delay)
