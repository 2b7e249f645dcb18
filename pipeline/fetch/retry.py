"""When to try a failed fetch again: exponential backoff with jitter, Retry-After honoured."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from pipeline.config import Settings
from pipeline.models import FetchRequest

RETRYABLE_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})


def retry_after_s(value: str | None, now: datetime) -> float | None:
    """Seconds a Retry-After header asks for (delta-seconds or an HTTP date), None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def backoff_s(attempt: int, base_s: float, cap_s: float, rand: Callable[[], float] = random.random) -> float:
    """Exponential backoff with equal jitter: half the step fixed, half random, never above cap."""
    step = min(cap_s, base_s * 2.0**attempt)
    return step / 2 + rand() * step / 2


def next_attempt(
    request: FetchRequest,
    settings: Settings,
    now: datetime,
    *,
    status: int | None,
    retry_after: float | None,
    rand: Callable[[], float] = random.random,
) -> FetchRequest | None:
    """The retry of request, scheduled for later; None once the attempts are used up."""
    if request.attempt + 1 >= settings.fetch_max_attempts:
        return None
    if retry_after is not None:
        delay = min(retry_after, settings.fetch_backoff_max_s)
    else:
        delay = backoff_s(request.attempt, settings.fetch_backoff_base_s, settings.fetch_backoff_max_s, rand)
    return request.model_copy(
        update={"attempt": request.attempt + 1, "not_before": now + timedelta(seconds=delay), "last_status": status}
    )
