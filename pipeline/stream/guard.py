"""Every agent's handling of one message: decoded inside a guard, its step run there with every send
it makes, and any failure turned into a dead letter with the reason. So a poison record (not JSON,
the wrong shape, an unknown ``schema_version``, an empty value or a tombstone), an output over the
message limit, or a bug costs one message, never the worker, and nothing leaves a stage unaccounted
for. What a failed step sent before it failed is discarded with it."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

import structlog

from pipeline import metrics
from pipeline.codec import DecodeError, decode_all, encode
from pipeline.models import Contract, DeadLetter, Stage, stable_id
from pipeline.stream.state import Table
from pipeline.topology import Role, batched

M = TypeVar("M", bound=Contract)
log = structlog.get_logger(__name__)


class MessageTooLarge(ValueError):
    """An output that the broker would refuse."""


@dataclass(frozen=True)
class Sent:
    role: Role
    key: bytes
    value: bytes
    partition: int | None = None  # the partitioner's choice by key when None


class Outbox:
    """What the message being handled sends, encoded and checked against the message limit."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.sent: list[Sent] = []

    def send(self, role: Role, key: str, value: Contract, partition: int | None = None) -> None:
        data = encode(value)
        if len(data) + len(key) > self.limit:
            raise MessageTooLarge(f"a {type(value).__name__} of {len(data)} bytes, over the {self.limit}-byte limit")
        self.sent.append(Sent(role, key.encode(), data, partition))

    def take(self) -> list[Sent]:
        sent, self.sent = self.sent, []
        return sent


Step = Callable[[M, datetime, Outbox], None]
Origin = Callable[[M], tuple[str, str]]


@dataclass(frozen=True)
class Agent(Generic[M]):
    """One stage step over one topic: ``origin`` names the (trace id, source) of an item's dead
    letter; ``table``, when given, is its state, partitioned as the topic."""

    name: str
    source: Role
    model: type[M]
    step: Step[M]
    origin: Origin[M]
    stage: Stage
    table: Table | None = None


AnyAgent = Agent[Any]


def dead_letter(*, stage: Stage, trace_id: str, source: str, reason: str, detail: str | None = None) -> Sent:
    letter = DeadLetter.create(trace_id=trace_id, stage=stage, source=source, reason=reason, detail=detail)
    metrics.DEAD_LETTERS.labels(stage).inc()
    return Sent("deadletter", trace_id.encode(), encode(letter))


def handle(
    agent: Agent[Any], value: bytes | None, at: tuple[str, int, int], now: datetime, outbox: Outbox
) -> list[Sent]:
    """Everything the message at (topic, partition, offset) sends: its step's outputs for each
    payload it carries (one, or a batched topic's several), or one dead letter for each that is
    not valid or whose step failed (never raises)."""
    topic, partition, offset = at
    where = f"{topic}[{partition}]@{offset}"
    try:
        items = decode_all(agent.model, value, many=batched(agent.source))
    except DecodeError as exc:
        return [_undecodable(where, stable_id(topic, str(partition), str(offset)), exc)]
    sent: list[Sent] = []
    for index, item in enumerate(items):
        if isinstance(item, DecodeError):
            trace = stable_id(topic, str(partition), str(offset), str(index))
            sent.append(_undecodable(f"{where}#{index}", trace, item))
        else:
            sent.extend(_run(agent, item, now, outbox, where))
    return sent


def _undecodable(where: str, trace: str, exc: DecodeError) -> Sent:
    log.warning("undecodable message", where=where, error=str(exc)[:200])
    return dead_letter(stage="stream", trace_id=trace, source=where, reason="undecodable message", detail=str(exc))


def _run(agent: Agent[Any], item: Any, now: datetime, outbox: Outbox, where: str) -> list[Sent]:
    started = time.perf_counter()
    try:
        agent.step(item, now, outbox)
        return outbox.take()
    except Exception as exc:  # noqa: BLE001 - one bad message never stops the worker
        outbox.take()
        trace, source = agent.origin(item)
        log.exception("stage failed", stage=agent.stage, source=source, where=where)
        reason = f"{agent.stage} failed: {type(exc).__name__}"
        return [dead_letter(stage=agent.stage, trace_id=trace, source=source, reason=reason, detail=str(exc))]
    finally:
        metrics.STAGE_SECONDS.labels(agent.name).observe(time.perf_counter() - started)


def article_origin(item: Any) -> tuple[str, str]:
    """The trace id and source of anything that carries an article (or is one)."""
    article = getattr(item, "article", item)
    return str(article.trace_id), str(article.source)


__all__ = ["Agent", "AnyAgent", "MessageTooLarge", "Outbox", "Sent", "article_origin", "dead_letter", "handle"]
