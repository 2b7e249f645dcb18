"""What the scheduler knows of each source, kept across restarts on the compacted
``news.fetch.sources`` topic: its validators for a conditional GET, its adapted interval and when
it was last polled. A restarted scheduler neither downloads an unchanged feed again nor polls a
quiet one at the minimum interval until it has learnt its pace again."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pipeline.models import Contract


class SourceState(Contract):
    schema_version: Literal[1] = 1
    url: str
    interval_s: float
    etag: str | None = None
    last_modified: str | None = None
    polled_at: datetime


def wait_left(state: SourceState, now: datetime) -> float:
    """Seconds until the source is due again (0 when it already is)."""
    return max(0.0, state.polled_at.timestamp() + state.interval_s - now.timestamp())
