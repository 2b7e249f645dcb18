"""A fetch request to its outcome: an article, a retry for later, or a dead letter with the reason."""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial

import httpx

from pipeline import metrics
from pipeline.config import Settings
from pipeline.extract import BoilerplateMemory, ExtractError, extract
from pipeline.extract.encoding import decode_html
from pipeline.fetch.errors import FetchError
from pipeline.fetch.http import PAGE_TYPES, Fetcher
from pipeline.fetch.politeness import HostGate, host_delay
from pipeline.fetch.retry import next_attempt
from pipeline.fetch.robots import RobotsCache, origin
from pipeline.fetch.ssrf import check_scheme
from pipeline.models import Article, Capture, DateHint, DeadLetter, FetchRequest, Stage
from pipeline.topology import Output


@dataclass
class PageFetch:
    """What fetching a page needs: the guarded HTTP client, robots.txt, the per-host gate, and the
    site boilerplate memory extraction learns in."""

    fetcher: Fetcher
    robots: RobotsCache
    gate: HostGate
    settings: Settings
    memory: BoilerplateMemory | None = None

    async def capture(self, request: FetchRequest) -> Capture:
        url = httpx.URL(request.url)
        check_scheme(url)
        host = origin(url)
        async with self.gate.lock(host):
            crawl_delay = await self.robots.check(url)
            delay = host_delay(self.settings.fetch_host_delay_s, crawl_delay, self.settings.fetch_max_crawl_delay_s)
            await self.gate.wait_turn(host)
            try:
                limit, recheck = self.settings.max_document_bytes, self._recheck
                fetched = await self.fetcher.get(request.url, accept=PAGE_TYPES, max_bytes=limit, on_redirect=recheck)
            except FetchError as exc:
                if exc.retry_after_s:
                    self.gate.defer(host, min(exc.retry_after_s, self.settings.fetch_backoff_max_s))
                raise
            finally:
                self.gate.done(host, delay)
        if not fetched.body.strip():
            raise FetchError("empty document", status=fetched.status)
        return Capture(
            capture_id=request.request_id,
            source=request.url,
            url=fetched.url,
            content_type="text/plain" if fetched.mime == "text/plain" else "text/html",
            body=decode_html(fetched.body, fetched.charset),
            captured_at=datetime.now(UTC),
        )

    async def _recheck(self, url: httpx.URL) -> None:
        await self.robots.check(url)

    async def outcome(self, request: FetchRequest) -> Output:
        """The one message a fetch request turns into."""
        if request.not_before is not None:
            await asyncio.sleep(max(0.0, (request.not_before - datetime.now(UTC)).total_seconds()))
        try:
            capture = await self.capture(request)
            article = with_feed_hints(await extract_counted(capture, self.memory), request)
            return "articles", article.article_id, article
        except FetchError as exc:
            return self._failed(request, exc)
        except ExtractError as exc:
            return dead_letter(request.request_id, "extract", request.url, exc.reason)

    def _failed(self, request: FetchRequest, exc: FetchError) -> Output:
        now = datetime.now(UTC)
        if exc.retryable:
            retry = next_attempt(request, self.settings, now, status=exc.status, retry_after=exc.retry_after_s)
            if retry is not None:
                return "fetch_retry", host_key(request.url), retry
            reason = f"{exc.reason} (after {request.attempt + 1} attempts)"
            return dead_letter(request.request_id, "fetch", request.url, reason, exc.detail, exc.status)
        return dead_letter(request.request_id, "fetch", request.url, exc.reason, exc.detail, exc.status)


# lxml, which trafilatura, htmldate and readability parse with, is not safe in several threads at
# once (concurrent extract() calls end in native crashes: adbar/trafilatura#840, #925): a worker
# extracts one page at a time off its event loop, and scales out by processes.
EXTRACTION = ThreadPoolExecutor(max_workers=1, thread_name_prefix="extract")


async def extract_counted(capture: Capture, memory: BoilerplateMemory | None = None) -> Article:
    """extract() off the event loop, in the extraction thread, timed and counted in the extract metrics."""
    started = time.perf_counter()
    work = partial(extract, capture, now=datetime.now(UTC), memory=memory)
    article = await asyncio.get_running_loop().run_in_executor(EXTRACTION, work)
    metrics.STAGE_SECONDS.labels("extract").observe(time.perf_counter() - started)
    metrics.EXTRACT_ARTICLES.labels(article.extractor).inc()
    return article


def dead_letter(
    trace: str, stage: Stage, source: str, reason: str, detail: str | None = None, status: int | None = None
) -> Output:
    """The dead letter of a message that cannot become an article, keyed by its trace."""
    letter = DeadLetter.create(
        trace_id=trace, stage=stage, source=source, reason=reason, detail=detail, http_status=status
    )
    return "deadletter", trace, letter


def with_feed_hints(article: Article, request: FetchRequest) -> Article:
    """The feed's publication date as a date hint, and its author when the page named none."""
    update: dict[str, object] = {}
    if request.feed_published:
        update["date_hints"] = (*article.date_hints, DateHint(text=request.feed_published, source="feed"))
    if request.feed_author and not article.author:
        update["author"] = request.feed_author
    return article.model_copy(update=update) if update else article


def host_key(url: str) -> str:
    """The key of news.fetch: the host (with port), so one host's URLs share a partition."""
    try:
        return httpx.URL(url).netloc.decode("ascii").lower() or "-"
    except httpx.InvalidURL:
        return "-"
