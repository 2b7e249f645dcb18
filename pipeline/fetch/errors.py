"""Why a fetch failed.

FetchError            a URL that could not be fetched (reason, HTTP status, retryable?)
 └── Blocked          refused before any connection: scheme, address, robots.txt
"""

from __future__ import annotations


class FetchError(Exception):
    """A URL that could not be fetched, with the reason and HTTP status if there was one."""

    def __init__(
        self,
        reason: str,
        status: int | None = None,
        detail: str | None = None,
        *,
        retryable: bool = False,
        retry_after_s: float | None = None,
    ) -> None:
        super().__init__(reason)
        self.reason, self.status, self.detail = reason, status, detail
        self.retryable, self.retry_after_s = retryable, retry_after_s


class Blocked(FetchError):
    """A fetch refused before any connection was attempted."""
