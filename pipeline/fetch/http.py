"""Bounded, guarded HTTP GETs: every hop SSRF-checked and pinned, redirects limited, bodies capped."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx

from pipeline.config import Settings
from pipeline.fetch.body import BoundedBody
from pipeline.fetch.errors import FetchError
from pipeline.fetch.retry import RETRYABLE_STATUS, retry_after_s
from pipeline.fetch.ssrf import AddressPolicy, Resolver, pinned, safe_address, system_resolver

PAGE_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
HopCheck = Callable[[httpx.URL], Awaitable[None]]

__all__ = ["FetchError", "Fetched", "Fetcher", "PAGE_TYPES"]


@dataclass(frozen=True)
class Fetched:
    url: str
    status: int
    mime: str
    charset: str | None
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def not_modified(self) -> bool:
        return self.status == 304


@dataclass
class Fetcher:
    """GETs under our User-Agent, through the SSRF guard on every hop."""

    client: httpx.AsyncClient
    settings: Settings
    resolver: Resolver = system_resolver
    policy: AddressPolicy = field(init=False)

    def __post_init__(self) -> None:
        self.policy = AddressPolicy.from_setting(self.settings.fetch_allow_addresses)

    async def get(
        self,
        url: str,
        *,
        accept: tuple[str, ...] | None,
        max_bytes: int,
        headers: dict[str, str] | None = None,
        on_redirect: HopCheck | None = None,
    ) -> Fetched:
        """The 200 (or 304) response of url; FetchError otherwise (retryable for 429/5xx/timeouts)."""
        target = httpx.URL(url)
        try:
            async with asyncio.timeout(self.settings.fetch_timeout_s):
                for _ in range(self.settings.fetch_max_redirects + 1):
                    result = await self._hop(target, accept, max_bytes, headers or {})
                    if isinstance(result, Fetched):
                        return result
                    target = result
                    if on_redirect is not None:
                        await on_redirect(target)
        except TimeoutError as exc:
            raise FetchError("timed out", retryable=True, detail=f"over {self.settings.fetch_timeout_s}s") from exc
        except httpx.HTTPError as exc:
            raise FetchError(f"request failed: {type(exc).__name__}", detail=str(exc), retryable=True) from exc
        raise FetchError("too many redirects", detail=f"more than {self.settings.fetch_max_redirects}")

    async def _hop(
        self, url: httpx.URL, accept: tuple[str, ...] | None, max_bytes: int, headers: dict[str, str]
    ) -> Fetched | httpx.URL:
        address = await safe_address(url, self.policy, self.resolver)
        connect_url, host_header, extensions = pinned(url, address)
        request = self.client.build_request(
            "GET",
            connect_url,
            headers={
                **headers,
                **host_header,
                "User-Agent": self.settings.user_agent,
                "Accept-Encoding": "gzip, deflate",
            },
            extensions=extensions,
        )
        response = await self.client.send(request, stream=True, follow_redirects=False)
        try:
            return await self._answer(url, response, accept, max_bytes)
        finally:
            await response.aclose()

    async def _answer(
        self, url: httpx.URL, response: httpx.Response, accept: tuple[str, ...] | None, max_bytes: int
    ) -> Fetched | httpx.URL:
        status = response.status_code
        if response.has_redirect_location:
            return url.join(response.headers["location"])
        if status not in (200, 304):
            retryable = status in RETRYABLE_STATUS
            wait = retry_after_s(response.headers.get("retry-after"), datetime.now(UTC))
            raise FetchError(f"HTTP {status}", status=status, retryable=retryable, retry_after_s=wait)
        mime = response.headers.get("content-type", "").split(";")[0].strip().lower()
        if status == 200 and accept is not None and mime not in accept:
            raise FetchError(f"content type not accepted: {mime or 'none'}", status=status)
        body = BoundedBody(max_bytes, response.headers.get("content-encoding", "identity"), status)
        async for chunk in response.aiter_raw():
            body.feed(chunk)
        return Fetched(
            url=str(url),
            status=status,
            mime=mime,
            charset=response.charset_encoding,
            body=body.result(),
            headers=dict(response.headers),
        )


def client(settings: Settings, transport: httpx.AsyncBaseTransport | None = None) -> httpx.AsyncClient:
    """The one HTTP client of a process; redirects are followed by ``Fetcher`` hop by hop."""
    return httpx.AsyncClient(timeout=settings.fetch_timeout_s, follow_redirects=False, transport=transport)
