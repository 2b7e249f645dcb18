"""Turning a failure inside an agent into a dead letter, so no message is lost."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import structlog

from pipeline import metrics
from pipeline.models import DeadLetter, Stage

log = structlog.get_logger(__name__)


async def send_dead_letter(topic: Any, *, stage: Stage, trace_id: str, source: str, exc: Exception) -> None:
    log.exception("stage failed", stage=stage, source=source)
    letter = DeadLetter.create(
        trace_id=trace_id,
        stage=stage,
        source=source,
        reason=f"{stage} failed: {type(exc).__name__}",
        detail=str(exc)[:2000],
        failed_at=datetime.now(UTC),
    )
    metrics.DEAD_LETTERS.labels(stage).inc()
    await topic.send(key=trace_id.encode(), value=letter)
