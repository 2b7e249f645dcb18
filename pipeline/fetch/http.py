"""One polite, bounded HTTP GET that yields a capture or a reason it could not."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx

from pipeline.config import Settings
from pipeline.documents import Unreadable, decode_body
from pipeline.models import Capture, FetchRequest

ACCEPTED_TYPES = ("text/html", "application/xhtml+xml", "text/plain")


class FetchError(Exception):
    """A URL that could not be fetched, with the reason and HTTP status if there was one."""

    def __init__(self, reason: str, status: int | None = None, detail: str | None = None) -> None:
        super().__init__(reason)
        self.reason, self.status, self.detail = reason, status, detail


def fetch_page(request: FetchRequest, settings: Settings, client: httpx.Client) -> Capture:
    url = httpx.URL(request.url)
    if url.scheme not in ("http", "https"):
        raise FetchError(f"scheme not allowed: {url.scheme}")
    try:
        with client.stream("GET", url, headers={"User-Agent": settings.user_agent}) as response:
            if response.status_code != 200:
                raise FetchError(f"HTTP {response.status_code}", status=response.status_code)
            mime = response.headers.get("content-type", "").split(";")[0].strip().lower()
            if mime not in ACCEPTED_TYPES:
                raise FetchError(f"content type not accepted: {mime or 'none'}", status=200)
            raw = _read_capped(response, settings.max_document_bytes)
            encoding = response.encoding or "utf-8"
    except httpx.HTTPError as exc:
        raise FetchError(f"request failed: {type(exc).__name__}", detail=str(exc)) from exc
    body = _decode(raw, encoding, settings.max_document_bytes)
    return Capture(
        capture_id=request.request_id,
        source=str(response.url),
        url=str(response.url),
        content_type="text/plain" if mime == "text/plain" else "text/html",
        body=body,
        captured_at=datetime.now(UTC),
    )


def _read_capped(response: httpx.Response, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > limit:
            raise FetchError("document too large", status=response.status_code, detail=f"more than {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _decode(raw: bytes, encoding: str, limit: int) -> str:
    try:
        if encoding.lower().replace("-", "") == "utf8":
            return decode_body(raw, max_bytes=limit)
        decode_body(raw[:8192].decode(encoding, errors="replace").encode(), max_bytes=limit)
        return raw.decode(encoding, errors="replace")
    except Unreadable as bad:
        raise FetchError(bad.reason, status=200, detail=bad.detail) from bad
    except LookupError as exc:
        raise FetchError(f"unknown charset: {encoding}", status=200) from exc
