"""The stream worker's watchdog. Faust can stop consuming after a rebalance with messages in
flight (faust-streaming issues #175 and #640) while the process looks alive. Every interval the
watchdog reads the end offset and the read position of each partition the worker's agents consume;
a partition with messages waiting whose position has not moved for ``stall_after_s`` makes the
worker exit with ``STALL_EXIT_CODE``, and its supervisor (compose's restart policy, the local
runner) starts it again. The backlog is a gauge, so a dashboard shows a worker falling behind
long before that; the restart itself shows as a new ``process_start_time_seconds`` (a counter
would die with the process before anything scraped it)."""

from __future__ import annotations

import asyncio
import os
import time
from typing import Any

import faust
import structlog

from pipeline import metrics
from pipeline.config import Settings
from pipeline.stall import STALL_EXIT_CODE, StallDetector

log = structlog.get_logger(__name__)


async def _offsets(consumer: Any, tps: list[Any], timeout_s: float) -> dict[Any, tuple[int, int | None]]:
    async def read() -> dict[Any, tuple[int, int | None]]:
        ends = await consumer.highwaters(*tps)
        return {tp: (int(ends[tp]), await consumer.position(tp)) for tp in tps if ends.get(tp) is not None}

    return await asyncio.wait_for(read(), timeout_s)


def register(app: faust.App, settings: Settings) -> None:
    """Start the watchdog with the worker (after the agents are registered)."""
    if settings.stall_after_s <= 0:
        return
    detector: StallDetector[Any] = StallDetector(settings.stall_after_s)
    sources = {topic for agent in app.agents.values() for topic in agent.channel.topics}

    async def watchdog() -> None:
        tps = sorted((tp for tp in app.consumer.assignment() if tp.topic in sources), key=str)
        if getattr(app, "in_recovery", False) or not tps:
            detector.pause()  # restoring tables from changelogs moves no read position
            return
        try:
            offsets = await _offsets(app.consumer, tps, settings.watchdog_interval_s)
        except (TimeoutError, KeyError) as exc:
            log.warning("stall watchdog could not read offsets", error=repr(exc))
            return
        metrics.STREAM_BACKLOG.set(sum(end - position for end, position in offsets.values() if position is not None))
        stalled = detector.observe(time.monotonic(), offsets)
        if stalled:
            log.error(
                "stream stalled: exiting so the supervisor restarts this worker",
                partitions=[f"{tp.topic}[{tp.partition}]" for tp in stalled],
                stalled_for_s=settings.stall_after_s,
            )
            os._exit(STALL_EXIT_CODE)  # a graceful stop waits on the very tasks that hang

    app.timer(interval=settings.watchdog_interval_s, name="stall-watchdog")(watchdog)
