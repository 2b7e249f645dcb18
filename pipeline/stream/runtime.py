"""The stream worker: one consumer group over every agent's topic, a consume-transform-produce loop
in Kafka transactions.

Each poll gives a batch; every message is handled by its topic's agent (``guard.handle``), and
what the batch sent, the changelog records of the table keys it wrote and the batch's next
offsets are committed in one transaction (``kafka.transactions``), the offsets with the
consumer's group metadata, so a worker fenced by a rebalance cannot commit. Readers are
read_committed. So a worker killed anywhere leaves either all of a batch or none of it, and the
next owner of its partitions, restoring their tables from the changelogs to where their logs end
(a transaction whose markers the broker is still writing read as committed; one left open by a
worker that is gone left out, as the broker aborts it), handles the rest exactly once.

A commit that fails while the broker is away is held and retried, or redone in a new
transaction, with consumption paused meanwhile; only a fatal error (the producer fenced) or a
stall ends the worker, and its supervisor starts a new one.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

import structlog
from confluent_kafka import Consumer, KafkaException, Message, TopicPartition
from confluent_kafka.cimpl import NewTopic

from pipeline import metrics
from pipeline.config import Settings
from pipeline.deadman import Deadman
from pipeline.kafka import clients
from pipeline.kafka.admin import admin_client, read_partitions
from pipeline.kafka.groups import set_stream_session_timeout, stream_consumer_config
from pipeline.kafka.transactions import FATAL_EXIT_CODE, Batch, Committer, Record, TransactionFatal
from pipeline.partitioning import key_partition
from pipeline.stall import STALL_EXIT_CODE, StallDetector
from pipeline.stopping import stop_on_signals
from pipeline.stream.batching import coalesce
from pipeline.stream.guard import AnyAgent, Outbox, Sent, handle
from pipeline.stream.local_hops import Hops, LocalHop
from pipeline.stream.state import Table
from pipeline.topology import SPECS, Partition, Topology

log = structlog.get_logger(__name__)
BATCH_MESSAGES = 500
POLL_S = 0.025
# an outage shorter than this keeps the open transaction; a worker killed inside one holds back
# the readers of its partitions this long
TRANSACTION_TIMEOUT_MS = 60_000
RESTORE_TIMEOUT_S = 120.0
CLOSE_TIMEOUT_S = 10.0
LOCAL_OFFSET = -1  # a message handled in-process has no offset of its own
COMMITTED_TIMEOUT_S = 10.0  # within the deadman's bound for the silence of a rebalance callback


@dataclass(frozen=True)
class Timer:
    interval_s: float
    run: Callable[[], None]


def changelog_topic(settings: Settings, table: Table) -> str:
    return f"{settings.topic_prefix}{settings.app_id}-{table.name}-changelog"


def changelog_config(topology: Topology, table: Table) -> dict[str, str]:
    return {"cleanup.policy": "compact", **table.config, **topology.size_config()}


def ensure_changelogs(settings: Settings, topology: Topology, tables: Iterable[Table], timeout_s: float = 30.0) -> None:
    """Create the tables' compacted changelog topics, partitioned as the topics their agents read."""
    admin = admin_client(settings)
    existing = set(admin.list_topics(timeout=timeout_s).topics)
    wanted = [
        NewTopic(
            changelog_topic(settings, table),
            num_partitions=settings.partitions,
            replication_factor=1,
            config=changelog_config(topology, table),
        )
        for table in tables
        if changelog_topic(settings, table) not in existing
    ]
    for name, future in admin.create_topics(wanted).items() if wanted else []:
        try:
            future.result(timeout=timeout_s)
        except Exception as exc:  # noqa: BLE001 - created meanwhile by another worker
            log.info("changelog topic not created", topic=name, error=str(exc))


class StreamLoop:
    def __init__(
        self, settings: Settings, topology: Topology, agents: list[AnyAgent], consumer: Consumer, committer: Committer
    ) -> None:
        self.settings, self.topology, self.consumer, self.committer = settings, topology, consumer, committer
        self.agents = {topology.name(agent.source): agent for agent in agents}
        self.tables = {topic: agent.table for topic, agent in self.agents.items() if agent.table is not None}
        self.changelogs = {topic: changelog_topic(settings, table) for topic, table in self.tables.items()}
        self.batched = {topology.name(s.role): topology.partitions_of(s.role) for s in SPECS if s.batched}
        internal = [s.role for s in SPECS if s.internal and settings.stream_local_hops]
        self.internal = {topology.name(r): topology.partitions_of(r) for r in internal}
        self.internal = {name: count for name, count in self.internal.items() if name in self.agents}
        self.split_held = False  # a rebalance split a held batch that in-process hops joined
        self.outbox = Outbox(settings.max_message_bytes)
        self.committed: dict[Partition, int] = {}
        self.paused = False
        self.held_paused: set[Partition] = set()
        self.stalls: StallDetector[Partition] = StallDetector(settings.stall_after_s)
        self.deadman = Deadman(settings.stall_after_s)
        committer.deadman, committer.give_up_s = self.deadman, settings.stall_after_s

    @property
    def topics(self) -> list[str]:
        return list(self.agents)

    def process(self, messages: list[Message]) -> Batch:
        """Handle a batch: every message's outputs and the changelog of what it wrote, by partition.
        A hop to a partition of an internal topic this worker holds is handled here too, after the
        batch's messages, its outputs counted as those of the message it came from."""
        records: dict[Partition, list[Record]] = {}
        offsets: dict[Partition, int] = {}
        joined: set[Partition] = set()
        hops = self._hops()
        waiting: deque[tuple[LocalHop, Partition]] = deque()
        for message in messages:
            if message.error():
                log.warning("consumer error", error=str(message.error()))
                continue
            topic, partition, offset = str(message.topic()), int(message.partition() or 0), int(message.offset() or 0)
            sent = self._handle(topic, partition, offset, message.value())
            produced, local = hops.split(sent, self.topology.name)
            records.setdefault((topic, partition), []).extend(produced)
            waiting.extend((hop, (topic, partition)) for hop in local)
            offsets[(topic, partition)] = offset + 1
            self.deadman.beat()
        while waiting:
            hop, root = waiting.popleft()
            joined |= {root, (hop.topic, hop.partition)}
            metrics.STREAM_LOCAL_HOPS.labels(hop.role).inc()
            sent = self._handle(hop.topic, hop.partition, LOCAL_OFFSET, hop.value)
            produced, local = hops.split(sent, self.topology.name)
            records.setdefault(root, []).extend(produced)
            waiting.extend((next_hop, root) for next_hop in local)
        for topic, table in self.tables.items():
            for change in table.drain():
                where = records.setdefault((topic, change.partition), [])
                where.append(Record(self.changelogs[topic], change.key, change.value, change.partition))
        limit = self.outbox.limit
        coalesced = {at: coalesce(out, self._batched_partition, limit) for at, out in records.items()}
        return Batch(outputs={}, offsets=offsets, records=coalesced, joined=joined)

    def _handle(self, topic: str, partition: int, offset: int, value: bytes | None) -> list[Sent]:
        agent = self.agents[topic]
        if agent.table is not None:
            agent.table.use(partition)
        return handle(agent, value, (topic, partition, offset), datetime.now(UTC), self.outbox)

    def _hops(self) -> Hops:
        """The internal topics this worker may hop to itself, and the partitions it holds now."""
        if not self.internal:
            return Hops({}, frozenset())
        held = frozenset((str(tp.topic), int(tp.partition)) for tp in self.consumer.assignment())
        return Hops(self.internal, held)

    def _batched_partition(self, record: Record) -> int | None:
        """The partition of a record to a batched topic (None for any other topic's)."""
        if record.topic not in self.batched:
            return None
        if record.partition is not None:
            return record.partition
        return key_partition((record.key or b"").decode(), self.batched[record.topic])

    def step(self) -> int:
        """One turn: commit a held batch, or consume and commit a new one; the messages handled."""
        self.deadman.beat()
        if self.committer.batch is not None:
            self._pause(True)
            # serves rebalances; paused partitions give nothing, and what was fetched before the
            # pause is read again once consumption resumes
            self._rewind(self.consumer.consume(num_messages=BATCH_MESSAGES, timeout=POLL_S))
            self._end_if_split()
            self._commit(None)
            return 0
        self._pause(False)
        messages = self.consumer.consume(num_messages=BATCH_MESSAGES, timeout=POLL_S)
        self._end_if_split()
        if not messages:
            return 0
        batch = self.process(messages)
        self._past_markers(batch)
        self._commit(batch)
        return len(messages)

    def _end_if_split(self) -> None:
        if self.split_held:
            log.error("a rebalance split a held batch that in-process hops joined: this worker ends")
            raise TransactionFatal("held batch split by a rebalance")

    def _past_markers(self, batch: Batch) -> None:
        """Commit each partition's position, not its last offset + 1: after the last record of a
        transaction comes its marker, and a commit before it would leave a backlog of one."""
        read = self.consumer.position([TopicPartition(t, p) for t, p in batch.offsets])
        for tp in read:
            where = (str(tp.topic), int(tp.partition))
            if tp.offset > batch.offsets[where]:
                batch.offsets[where] = int(tp.offset)

    def _commit(self, batch: Batch | None) -> None:
        """Commit batch, or the held one when batch is None; a rebalance served while a batch was
        held may have ended its transaction already (``Committer.drop``), leaving none to commit."""
        held = batch if batch is not None else self.committer.batch
        if held is None:
            return
        offsets = dict(held.offsets)
        self.committer.commit(lambda: batch)
        if self.committer.batch is None:
            self.committed.update(offsets)

    def _rewind(self, messages: list[Message]) -> None:
        first: dict[Partition, int] = {}
        for message in messages:
            if not message.error():
                where = (str(message.topic()), int(message.partition() or 0))
                first[where] = min(first.get(where, int(message.offset() or 0)), int(message.offset() or 0))
        for (topic, partition), offset in first.items():
            self.consumer.seek(TopicPartition(topic, partition, offset))
        if first:
            rewound = {f"{t}[{p}]": o for (t, p), o in first.items()}
            log.info("messages fetched before the pause are read again", rewound=rewound)

    def _pause(self, pause: bool) -> None:
        """Pause every assigned partition, or resume every partition paused: librdkafka keeps a
        partition's pause across a rebalance that takes it away and gives it back."""
        if pause == self.paused:
            return
        assigned = self.consumer.assignment()
        if pause:
            self.consumer.pause(assigned)
            self.held_paused = {(str(tp.topic), int(tp.partition)) for tp in assigned}
        else:
            every = self.held_paused | {(str(tp.topic), int(tp.partition)) for tp in assigned}
            self.consumer.resume([TopicPartition(t, p) for t, p in sorted(every)])
            self.held_paused = set()
        self.paused = pause
        log.info("consumption paused while a commit fails" if pause else "consuming again", partitions=len(assigned))

    def assigned(self, consumer: Consumer, partitions: list[TopicPartition]) -> None:
        """New partitions: their tables restored from the changelogs before any message is handled."""
        log.info("partitions assigned", partitions=len(partitions))
        (consumer.pause if self.paused else consumer.resume)(partitions)
        try:
            for tp in consumer.committed(partitions, timeout=COMMITTED_TIMEOUT_S) if partitions else []:
                self.committed[(str(tp.topic), int(tp.partition))] = max(int(tp.offset), 0)
        except KafkaException as exc:  # only the stall check reads these; it judges them once known
            log.warning("committed offsets not read", error=str(exc))
        wanted = [tp for tp in partitions if tp.topic in self.tables]
        if not wanted:
            return
        started = time.monotonic()
        by_changelog = {self.changelogs[tp.topic]: self.tables[tp.topic] for tp in wanted}
        for tp in wanted:
            self.tables[tp.topic].drop([tp.partition])
        changelog_partitions = [TopicPartition(self.changelogs[tp.topic], tp.partition) for tp in wanted]
        restored = unreadable = 0
        group = f"{self.settings.app_id}-restore"
        deadline = started + RESTORE_TIMEOUT_S
        for record in read_partitions(self.settings, changelog_partitions, deadline, group, self.deadman.beat):
            table = by_changelog[str(record.topic())]
            if table.restore(int(record.partition() or 0), record.key() or b"null", record.value()):
                restored += 1
            else:
                unreadable += 1
        log.info(
            "tables restored",
            partitions=[f"{tp.topic}[{tp.partition}]" for tp in wanted],
            records=restored,
            unreadable_skipped=unreadable,
            seconds=round(time.monotonic() - started, 2),
        )
        self.deadman.beat()

    def revoked(self, _consumer: Consumer, partitions: list[TopicPartition]) -> None:
        """Partitions taken away: what the held batch has of them is dropped (their next owner
        handles those messages again) and so is their state."""
        gone = [(str(tp.topic), int(tp.partition)) for tp in partitions]
        held = self.committer.batch
        if held is not None and held.splits(gone):
            # what stays would commit hops whose other end is gone, and the tables that stay hold
            # what the dropped part wrote: none of it commits, and the worker starts over
            self.committer.drop(sorted(held.partitions()))
            self.split_held = True
        self.committer.drop(gone)
        for topic, partition in gone:
            self.committed.pop((topic, partition), None)
            if topic in self.tables:
                self.tables[topic].drop([partition])

    def watch(self) -> None:
        """Backlog gauge, and the stall check: messages waiting on a partition whose progress has not
        moved for ``stall_after_s`` end the worker. Progress is the committed offset, or the read
        position where that is further and no commit is held: a read_committed consumer steps over
        aborted records and transaction markers without a message to commit."""
        assigned = self.consumer.assignment()
        read = {} if self.committer.batch is not None else self._positions(assigned)
        offsets: dict[Partition, tuple[int, int | None]] = {}
        for tp in assigned:
            where = (str(tp.topic), int(tp.partition))
            _, high = self.consumer.get_watermark_offsets(tp, cached=True)  # never blocks
            if high is None or high < 0:
                continue
            done = max(self.committed.get(where, -1), read.get(where, -1))
            offsets[where] = (int(high), done if done >= 0 else None)
        metrics.STREAM_BACKLOG.set(sum(end - done for end, done in offsets.values() if done is not None))
        if self.settings.stall_after_s <= 0:
            return
        stalled = self.stalls.observe(time.monotonic(), offsets)
        if stalled:
            log.error("stream stalled: exiting so the supervisor restarts this worker", partitions=stalled)
            os._exit(STALL_EXIT_CODE)

    def _positions(self, partitions: list[TopicPartition]) -> dict[Partition, int]:
        return {(str(tp.topic), int(tp.partition)): int(tp.offset) for tp in self.consumer.position(partitions)}

    def close(self) -> None:
        deadline = time.monotonic() + CLOSE_TIMEOUT_S
        while self.committer.batch is not None and time.monotonic() < deadline:
            self._commit(None)
            time.sleep(0.1)
        self.committer.abandon()


def run(
    settings: Settings,
    agents: list[AnyAgent],
    timers: list[Timer],
    stop: threading.Event | None = None,
) -> None:
    """Run the agents until stop is set (SIGTERM/SIGINT when none is given)."""
    stop = stop or stop_on_signals()
    topology = Topology.from_settings(settings)
    tables = [agent.table for agent in agents if agent.table is not None]
    ensure_changelogs(settings, topology, tables)
    set_stream_session_timeout(settings)
    consumer = clients.consumer(
        settings, settings.app_id, **stream_consumer_config(settings), **{"fetch.wait.max.ms": 25}
    )
    producer = clients.producer(
        settings,
        **{
            "transactional.id": f"{settings.topic_prefix}{settings.app_id}-{uuid.uuid4().hex}",
            "transaction.timeout.ms": TRANSACTION_TIMEOUT_MS,
        },
    )
    producer.init_transactions(60)
    loop = StreamLoop(settings, topology, agents, consumer, Committer(producer, consumer, topology))
    consumer.subscribe(loop.topics, on_assign=loop.assigned, on_revoke=loop.revoked, on_lost=loop.revoked)
    due = {i: time.monotonic() + timer.interval_s for i, timer in enumerate(timers)}
    watch_at = time.monotonic() + settings.watchdog_interval_s
    log.info("stream worker started", bootstrap=settings.bootstrap, prefix=settings.topic_prefix, agents=len(agents))
    try:
        while not stop.is_set():
            loop.step()
            now = time.monotonic()
            for i, timer in enumerate(timers):
                if now >= due[i]:
                    timer.run()
                    due[i] = time.monotonic() + timer.interval_s
            if now >= watch_at:
                loop.watch()
                watch_at = now + settings.watchdog_interval_s
        loop.close()
    except TransactionFatal as exc:
        log.error("stream worker stopped by a fatal transaction error", error=str(exc))
        raise SystemExit(FATAL_EXIT_CODE) from exc
    finally:
        loop.deadman.stop()
        consumer.close()
    log.info("stream worker stopped")


__all__ = ["StreamLoop", "Timer", "changelog_config", "changelog_topic", "ensure_changelogs", "run"]
