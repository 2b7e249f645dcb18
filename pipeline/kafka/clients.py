"""confluent-kafka client settings in one place."""

from __future__ import annotations

from typing import Any

from confluent_kafka import Consumer, Producer

from pipeline.config import Settings


def producer_config(settings: Settings, **overrides: Any) -> dict[str, Any]:
    config: dict[str, Any] = {
        "bootstrap.servers": settings.bootstrap,
        "enable.idempotence": True,
        "compression.type": "zstd",
        "linger.ms": 5,
        "message.max.bytes": settings.max_message_bytes,
    }
    return config | overrides


def consumer_config(settings: Settings, group: str, **overrides: Any) -> dict[str, Any]:
    config: dict[str, Any] = {
        "bootstrap.servers": settings.bootstrap,
        "group.id": settings.topic_prefix + group,
        "enable.auto.commit": False,
        "auto.offset.reset": "earliest",
        "session.timeout.ms": int(settings.session_timeout_s * 1000),
        "max.poll.interval.ms": 300_000,
        # The largest message must fit in one fetch, of one partition and of the whole request.
        "fetch.max.bytes": settings.max_message_bytes,
        "max.partition.fetch.bytes": settings.max_message_bytes,
    }
    return config | overrides


def producer(settings: Settings, **overrides: Any) -> Producer:
    return Producer(producer_config(settings, **overrides))


def consumer(settings: Settings, group: str, **overrides: Any) -> Consumer:
    return Consumer(consumer_config(settings, group, **overrides))


class DeliveryError(RuntimeError):
    """A message the broker did not accept."""


class DeliveryTracker:
    """Collects delivery reports so a caller can tell when everything it produced landed."""

    def __init__(self) -> None:
        self.failed: list[str] = []

    def __call__(self, err: Any, msg: Any) -> None:
        if err is not None:
            self.failed.append(f"{msg.topic()}: {err}")

    def flush(self, producer: Producer, timeout_s: float = 60.0) -> None:
        remaining = producer.flush(timeout_s)
        if remaining:
            raise DeliveryError(f"{remaining} messages not delivered within {timeout_s:.0f}s")
        if self.failed:
            failed, self.failed = self.failed, []
            raise DeliveryError("; ".join(failed[:5]))
