"""The PostgreSQL sink's consumer loop: the results topics into tables, exactly once.

The consumer group only shares out the partitions; the offsets live in PostgreSQL. On assignment
each partition is sought to the offset stored there (its start when none is), and each batch's
rows go in one database transaction with the offsets it read to. Nothing is ever committed to
Kafka, so a sink killed anywhere leaves a batch wholly written or not at all, and the next one
reads on from what the database holds.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable

import structlog
from confluent_kafka import OFFSET_BEGINNING, Consumer, Message, TopicPartition

from pipeline import metrics
from pipeline.codec import DecodeError, decode
from pipeline.config import Settings
from pipeline.kafka import clients
from pipeline.sink import store
from pipeline.sink.rows import SINK_ROLES, rows_of
from pipeline.sink.store import Batch, Connection, OffsetsMoved, Reject
from pipeline.topology import Partition, Role, Topology

log = structlog.get_logger(__name__)
POLL_S = 0.5
SINK_GROUP = "sink-postgres"


def sink_topics(topology: Topology) -> dict[str, Role]:
    return {topology.name(role): role for role in SINK_ROLES}


class PostgresSink:
    def __init__(self, settings: Settings, conn: Connection, consumer: Consumer) -> None:
        self.settings, self.conn, self.consumer = settings, conn, consumer
        self.topology = Topology.from_settings(settings)
        self.roles = sink_topics(self.topology)
        # per assigned partition, the offset stored in the database (None: none yet)
        self.stored: dict[Partition, int | None] = {}

    def assigned(self, consumer: Consumer, partitions: list[TopicPartition]) -> None:
        """Seek every partition given to the offset stored in the database."""
        wanted = [(str(tp.topic), int(tp.partition)) for tp in partitions]
        found = store.stored_offsets(self.conn, wanted)
        self.stored.update({where: found.get(where) for where in wanted})
        consumer.assign([TopicPartition(t, p, found.get((t, p), OFFSET_BEGINNING)) for t, p in wanted])
        log.info("partitions assigned", partitions=len(wanted), stored=len(found))

    def revoked(self, consumer: Consumer, partitions: list[TopicPartition]) -> None:
        for tp in partitions:
            self.stored.pop((str(tp.topic), int(tp.partition)), None)
        consumer.unassign()

    def batch(self, messages: Iterable[Message]) -> Batch:
        """The rows, rejects and offsets of consumed messages (those of partitions still ours)."""
        batch = Batch()
        ends: dict[Partition, int] = {}
        for message in messages:
            if message.error():
                log.warning("consumer error", error=str(message.error()))
                continue
            where = (str(message.topic()), int(message.partition() or 0))
            if where not in self.stored:
                continue
            offset = int(message.offset() or 0)
            ends[where] = offset + 1
            model = self.topology.spec(self.roles[where[0]]).model
            try:
                batch.rows.extend(rows_of(decode(model, message.value())))
            except DecodeError as exc:
                batch.rejects.append(Reject(where[0], where[1], offset, str(exc)[:2000], message.value()))
        self._past_markers(ends)
        batch.offsets = {where: (self.stored[where], end) for where, end in ends.items()}
        return batch

    def _past_markers(self, ends: dict[Partition, int]) -> None:
        """Each partition's position, not its last offset + 1: a transaction's marker follows its
        last record, and stopping before it would leave a lag of one for ever."""
        wanted = list(self.stored) if not ends else list(ends)
        for tp in self.consumer.position([TopicPartition(t, p) for t, p in wanted]):
            where, position = (str(tp.topic), int(tp.partition)), int(tp.offset)
            stored = self.stored.get(where)
            if position > max(ends.get(where, 0), stored if stored is not None else -1):
                ends[where] = position

    def step(self) -> int:
        """Consume and write one batch; the messages it held."""
        messages = self.consumer.consume(num_messages=self.settings.sink_batch_messages, timeout=POLL_S)
        batch = self.batch(messages)
        if not batch.offsets:
            return 0
        started = time.perf_counter()
        try:
            written = store.write(self.conn, batch)
        except OffsetsMoved as exc:
            log.warning("offsets moved by another sink: reading again from the stored ones", error=str(exc))
            self.assigned(self.consumer, self.consumer.assignment())
            return 0
        metrics.STAGE_SECONDS.labels("sink").observe(time.perf_counter() - started)
        for table, count in written.items():
            metrics.SINK_ROWS.labels(table).inc(count)
        metrics.SINK_REJECTS.inc(len(batch.rejects))
        for reject in batch.rejects:
            log.warning("record rejected", topic=reject.topic, partition=reject.partition, offset=reject.offset)
        self.stored.update({where: end for where, (_, end) in batch.offsets.items()})
        return len(messages)


def run(settings: Settings, conn: Connection, stop: threading.Event) -> None:
    """Sink the results topics until stop is set."""
    consumer = clients.consumer(settings, SINK_GROUP)
    sink = PostgresSink(settings, conn, consumer)
    consumer.subscribe(list(sink.roles), on_assign=sink.assigned, on_revoke=sink.revoked, on_lost=sink.revoked)
    log.info("postgres sink started", topics=sorted(sink.roles))
    try:
        while not stop.is_set():
            sink.step()
    finally:
        consumer.close()
    log.info("postgres sink stopped")
