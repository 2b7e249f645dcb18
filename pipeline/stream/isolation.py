"""The stream reads committed records only. A fetch worker killed or failing mid-transaction leaves
records that its transaction aborts; read uncommitted, they would reach dedup (and come out as an
article's "duplicate of itself" once the batch is redone). faust-streaming reads read_committed
only under ``processing_guarantee="exactly_once"``, so every worker consumer is made to."""

from __future__ import annotations

from typing import Any

from faust.transport.drivers import aiokafka as driver

_MARK = "_news_ingest_read_committed"


def read_committed() -> None:
    """Make every Faust worker consumer created from now on read committed records only (idempotent)."""
    thread = driver.AIOKafkaConsumerThread
    original = thread._create_worker_consumer
    if getattr(original, _MARK, False):
        return

    def create(self: Any, transport: Any) -> Any:
        consumer = original(self, transport)
        consumer._isolation_level = "read_committed"  # read when the consumer starts its fetcher
        return consumer

    setattr(create, _MARK, True)
    setattr(thread, "_create_worker_consumer", create)  # noqa: B010 - a method of faust's class
