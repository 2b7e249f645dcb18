"""Every agent's loop: each message decoded inside a guard, its step run there with every send it
makes, and any failure turned into a dead letter with the reason. So a poison record (not JSON,
the wrong shape, an unknown ``schema_version``, an empty value or a tombstone) or a bug costs one
message, never the agent, and nothing leaves a stage unaccounted for."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

import structlog

from pipeline import metrics
from pipeline.codec import DecodeError, decode
from pipeline.models import Contract, DeadLetter, Stage, stable_id

M = TypeVar("M", bound=Contract)
Step = Callable[[M, datetime], Awaitable[None]]
Origin = Callable[[M], tuple[str, str]]
log = structlog.get_logger(__name__)


async def send_dead_letter(
    topic: Any, *, stage: Stage, trace_id: str, source: str, reason: str, detail: str | None = None
) -> None:
    letter = DeadLetter.create(trace_id=trace_id, stage=stage, source=source, reason=reason, detail=detail)
    metrics.DEAD_LETTERS.labels(stage).inc()
    await topic.send(key=trace_id.encode(), value=letter)


def guarded(model: type[M], step: Step[M], origin: Origin[M], *, stage: Stage, dead: Any) -> Callable[[Any], Any]:
    """An agent over a topic of raw values: decode each as ``model`` and run ``step`` on it;
    ``origin`` names the (trace id, source) of the item's dead letter."""

    async def agent(stream: Any) -> None:
        async for event in stream.events():
            message = event.message
            where = f"{message.topic}[{message.partition}]@{message.offset}"
            try:
                item = decode(model, event.value)
            except DecodeError as exc:
                log.warning("undecodable message", where=where, error=str(exc)[:200])
                trace = stable_id(str(message.topic), str(message.partition), str(message.offset))
                await send_dead_letter(
                    dead, stage="stream", trace_id=trace, source=where, reason="undecodable message", detail=str(exc)
                )
                continue
            try:
                await step(item, datetime.now(UTC))
            except Exception as exc:  # noqa: BLE001 - one bad message never stops the agent
                trace, source = origin(item)
                log.exception("stage failed", stage=stage, source=source, where=where)
                reason = f"{stage} failed: {type(exc).__name__}"
                await send_dead_letter(dead, stage=stage, trace_id=trace, source=source, reason=reason, detail=str(exc))

    return agent


def article_origin(item: Any) -> tuple[str, str]:
    """The trace id and source of anything that carries an article (or is one)."""
    article = getattr(item, "article", item)
    return str(article.trace_id), str(article.source)
