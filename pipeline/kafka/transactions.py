"""Committing a worker's released outputs and offsets in one Kafka transaction, through outages.

A released batch is held until a transaction carrying it commits; the worker takes no new
batch meanwhile. What a failed call means follows librdkafka's error classes:

- retriable (a timeout, the coordinator moving): the same call again, after a pause;
- abortable (messages that timed out, a transaction the coordinator aborted, a stale group
  generation): abort, then produce the same outputs and send the same offsets in a new
  transaction. The outputs are deterministic by id, and an aborted transaction was never
  visible to read_committed readers, so nothing is doubled;
- fatal (this producer fenced): :class:`TransactionFatal`; the worker ends and its supervisor
  starts a new one, which redoes whatever was not committed.

The fetch worker and the stream worker both commit through it.

Partitions taken away by a rebalance leave the held batch, and a transaction already carrying
their outputs ends before the rebalance goes on: aborted if open, committed if its commit is under
way (which cannot be aborted).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field

import structlog
from confluent_kafka import Consumer, KafkaError, KafkaException, Producer, TopicPartition

from pipeline.codec import encode
from pipeline.deadman import Deadman
from pipeline.extract.boilerplate import Learned
from pipeline.fetch import boilerplate_state
from pipeline.topology import Output, Partition, Topology

log = structlog.get_logger(__name__)
PARTITION_UA = -1  # librdkafka: no partition given, the partitioner picks one
RETRY_FIRST_S = 0.25
RETRY_MAX_S = 5.0
# every transactional call is bounded (sending offsets without a timeout can wait forever on a
# coordinator that keeps answering "concurrent transactions"); a call that times out is resumed
# by calling it again, as librdkafka documents
CALL_TIMEOUT_S = 10.0
# errors neither retriable nor abortable nor fatal, in a row, that leave the producer stuck
MAX_UNCLASSIFIED = 10


FATAL_EXIT_CODE = 70  # EX_SOFTWARE: a worker whose producer can go no further; a new one starts over


class TransactionFatal(RuntimeError):
    """The producer can make no more transactions (fenced, or another fatal error)."""


@dataclass(frozen=True)
class Record:
    """A message encoded already, to an explicit partition when one is given (a changelog's, a band group's)."""

    topic: str
    key: bytes | None
    value: bytes | None
    partition: int | None = None


@dataclass
class Batch:
    """What one transaction must carry: outputs (payloads by role, or encoded records) and next
    offsets per partition, and the articles the boilerplate memory counted while they were made
    (the same record whenever sent, so carrying them again is harmless)."""

    outputs: dict[Partition, list[Output]]
    offsets: dict[Partition, int]
    learned: list[Learned] = field(default_factory=list)
    records: dict[Partition, list[Record]] = field(default_factory=dict)
    # partitions joined by messages this worker handled in-process (a stream hop to a partition it
    # holds): their parts commit together or not at all
    joined: set[Partition] = field(default_factory=set)

    def __len__(self) -> int:
        return sum(len(outs) for outs in self.outputs.values()) + sum(len(rs) for rs in self.records.values())

    @property
    def empty(self) -> bool:
        return not self.offsets and not self.learned

    def partitions(self) -> set[Partition]:
        return set(self.offsets) | set(self.outputs) | set(self.records) | self.joined

    def splits(self, partitions: Iterable[Partition]) -> bool:
        """Whether dropping these partitions would leave part of what in-process hops joined."""
        gone = set(partitions)
        return bool(self.joined & gone) and not self.joined <= gone

    def drop(self, partitions: Iterable[Partition]) -> bool:
        """Forget these partitions' part; True if the batch held any of it."""
        held = False
        for partition in partitions:
            self.joined.discard(partition)
            held |= self.offsets.pop(partition, None) is not None
            held |= self.outputs.pop(partition, None) is not None
            held |= self.records.pop(partition, None) is not None
        return held


class Committer:
    """Drives one transactional producer through the commits of held batches.

    ``phase`` is where the producer's current transaction stands: ``idle`` (none), ``open``
    (begun; outputs produced and offsets sent as far as ``produced``/``sent`` say),
    ``committing`` (a commit call returned a retriable error: call it again) or ``aborting``
    (an abort is due before anything else)."""

    def __init__(self, producer: Producer, consumer: Consumer, topology: Topology) -> None:
        self.producer, self.consumer, self.topology = producer, consumer, topology
        self.batch: Batch | None = None
        self.writer: bytes | None = None  # marks its boilerplate counts, so its own follower skips them
        self.phase = "idle"
        self.produced = self.sent = False
        self.failures = self._unclassified = 0
        self._retry_at = 0.0
        # a held batch failing for longer than this ends the worker (0: never)
        self.give_up_s = 0.0
        self._failing_since: float | None = None
        self.deadman: Deadman | None = None  # told of every transactional call, to end a worker whose call hangs

    @property
    def held(self) -> int:
        """Messages whose outputs wait for a commit."""
        return len(self.batch) if self.batch is not None else 0

    @property
    def failing(self) -> bool:
        return self.failures > 0

    def commit(self, release: Callable[[], Batch | None], *, wait: bool = True) -> int:
        """Commit the held batch, or the one release gives when none is held; returns the outputs
        committed (0 also when the attempt failed and the batch is held for the next one).
        After a failure the next attempt waits a little, longer each time, unless wait is False."""
        if wait and time.monotonic() < self._retry_at:
            return 0
        if self.batch is None:
            self.batch = release()
        if self.batch is None:
            return 0
        try:
            self._attempt(self.batch)
        except KafkaException as exc:
            self._failed(exc)
            return 0
        return self._committed()

    def _committed(self) -> int:
        committed, self.batch = len(self.batch) if self.batch is not None else 0, None
        if self.failures:
            log.info("transaction committed after failed attempts; consuming again", attempts=self.failures + 1)
        self.failures, self._unclassified, self._retry_at, self._failing_since = 0, 0, 0.0, None
        return committed

    def drop(self, partitions: list[Partition]) -> None:
        """Partitions no longer ours: their part leaves the held batch, and a transaction that
        carries it ends before this returns: an open one is aborted, one being committed (which
        cannot be aborted) is committed. Their next owner, perhaps this worker again, restores
        their tables from the changelog as it ends then; a commit finishing later could add
        records past that end while the offsets it commits say they were handled."""
        if self.batch is None or not self.batch.drop(partitions):
            return
        if self.phase == "open" and self.produced:
            self.phase = "aborting"
        while self.phase in ("aborting", "committing"):
            try:
                if self.phase == "aborting":
                    self._abort()
                else:
                    self._end_commit()
                    self._committed()
            except KafkaException as exc:
                self._failed(exc)  # raises TransactionFatal once failing for give_up_s
                time.sleep(max(0.0, self._retry_at - time.monotonic()))

    def abandon(self) -> None:
        """Give up the held batch (the worker stops): abort what is open; the rest is redelivered."""
        if self.batch is not None and self.batch.offsets:
            log.warning("uncommitted outputs left to redelivery", outputs=len(self.batch))
        self.batch = None
        if self.phase in ("open", "aborting"):
            self.phase = "aborting"
            self._abort_now()

    def _abort_now(self) -> None:
        try:
            self._abort()
        except KafkaException as exc:
            self._failed(exc)

    def _abort(self) -> None:
        try:
            with self._call("abort_transaction"):
                self.producer.abort_transaction(CALL_TIMEOUT_S)
        except KafkaException as exc:
            if exc.args[0].code() != KafkaError._STATE:
                raise
            # nothing to abort: the transaction already ended (aborted by an earlier call)
        self.phase, self.produced, self.sent = "idle", False, False

    def _attempt(self, batch: Batch) -> None:
        if self.phase == "aborting":
            self._abort()
        if self.phase == "idle" and batch.empty:
            return  # what it held was taken away by a rebalance
        if self.phase == "idle":
            self.producer.begin_transaction()
            self.phase = "open"
        if self.phase == "open":
            if not self.produced:
                self._produce(batch)
            if not self.sent and batch.offsets:
                positions = [TopicPartition(t, p, offset) for (t, p), offset in batch.offsets.items()]
                metadata = self.consumer.consumer_group_metadata()
                with self._call("send_offsets_to_transaction"):
                    self.producer.send_offsets_to_transaction(positions, metadata, CALL_TIMEOUT_S)
            self.sent = True
            self.phase = "committing"
        self._end_commit()

    def _end_commit(self) -> None:
        with self._call("commit_transaction"):
            self.producer.commit_transaction(CALL_TIMEOUT_S)
        self.phase, self.produced, self.sent = "idle", False, False

    def _call(self, name: str) -> AbstractContextManager[None]:
        return self.deadman.call(name) if self.deadman is not None else nullcontext()

    def _produce(self, batch: Batch) -> None:
        try:
            for outputs in batch.outputs.values():
                for role, key, payload in outputs:
                    self.producer.produce(self.topology.name(role), key=key.encode(), value=encode(payload))
            for records in batch.records.values():
                for record in records:
                    partition = PARTITION_UA if record.partition is None else record.partition
                    self.producer.produce(record.topic, key=record.key, value=record.value, partition=partition)
            boilerplate_state.produce_learned(self.producer, self.topology, batch.learned, self.writer)
        except BufferError as exc:
            # part of the batch is in the transaction: only a new one can carry it whole
            self.phase = "aborting"
            raise KafkaException(KafkaError(KafkaError._QUEUE_FULL, str(exc))) from exc
        except KafkaException:
            self.phase = "aborting"
            raise
        self.produced = True

    def _failed(self, exc: KafkaException) -> None:
        error: KafkaError = exc.args[0]
        unclassified = not (error.fatal() or error.retriable() or error.txn_requires_abort())
        self._unclassified = self._unclassified + 1 if unclassified else 0
        now = time.monotonic()
        self._failing_since = self._failing_since or now
        stuck = self.give_up_s > 0 and now - self._failing_since > self.give_up_s
        if error.fatal() or self._unclassified >= MAX_UNCLASSIFIED or stuck:
            # stuck: no transaction has committed for give_up_s (librdkafka can wedge in an abort
            # that never completes after an outage); a new producer starts clean
            why = f"nothing committed for {now - self._failing_since:.0f} s" if stuck else "fatal"
            log.error("fatal transaction error: this worker ends", error=str(error), code=error.name(), why=why)
            raise TransactionFatal(str(error)) from exc
        phase = self.phase
        if error.txn_requires_abort() or not error.retriable() or (phase == "open" and not self.produced):
            # abortable, or unclassified (treated as abortable), or a batch half produced:
            # only a new transaction can carry the batch whole
            self.phase = "aborting"
        self.failures += 1
        self._retry_at = time.monotonic() + min(RETRY_FIRST_S * 2 ** (self.failures - 1), RETRY_MAX_S)
        log.warning(
            "transaction attempt failed; its batch is held",
            error=str(error),
            retriable=error.retriable(),
            abortable=error.txn_requires_abort(),
            phase=phase,
            next=self.phase,
            attempts=self.failures,
            outputs=self.held,
        )


__all__ = ["FATAL_EXIT_CODE", "Batch", "Committer", "Record", "TransactionFatal"]
