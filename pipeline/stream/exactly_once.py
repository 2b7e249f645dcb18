"""Exactly once through Faust: every record an event causes, in the transaction of the event's own partition.

faust-streaming 0.15's ``processing_guarantee="exactly_once"`` opens one transactional producer per
source partition (``{app}-{group}-{partition}``) and commits each partition's offsets in its own
transaction, but three things break the atomicity of "offsets of an event + what it produced":

1. ``TransactionManager.send`` picks the transaction from the *destination* partition of the record
   (``faust/transport/consumer.py``, ``send``): a record caused by an event of ``news.articles[2]``
   and keyed to ``news.articles.by-content[5]`` goes into transaction 5, which commits with partition
   5's offsets, not with the event's. A crash between the two commits leaves the output without the
   offset (processed again: doubled) or the offset without the output (aborted: lost). Records to a
   topic the worker does not consume (``news.claims``, ``news.duplicates``, the dead letters) have no
   partition in the consumer's metadata, so ``send`` gives them no transaction at all: the plain
   producer writes them at once, outside any transaction.
2. The commit timer runs between the sends of an event: it commits the offsets acked so far together
   with the records an event still in progress already sent. Killed after that, the event is read
   again and its first records come out twice.
3. Table changelog records go through the producer's buffer (``Topic.send_soon``), published later by
   a background task, often into the next transaction: the offsets of an event can commit without its
   state change, and reprocessed, the event meets its own first pass.

``SourceTransactions`` sends every record in the transaction of the partition its event came from
(changelog records included, carried through the buffer), keeps per transaction the events that
produced into it, and commits a transaction only at a point where none of them is still running:
it stops new events from producing into it, waits until those running are acked and their changelog
records are in the producer, then commits their offsets with what they produced.
"""

from __future__ import annotations

import asyncio
import time
import weakref
from collections import Counter
from collections.abc import Awaitable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import faust
import structlog
from aiokafka.structs import TopicPartition  # type: ignore[import-untyped]
from confluent_kafka.cimpl import NewTopic
from faust.transport import consumer as faust_consumer
from faust.transport import producer as faust_producer
from faust.transport.drivers import aiokafka as faust_aiokafka
from faust.types import TP

from pipeline.config import Settings
from pipeline.kafka.admin import admin_client

log = structlog.get_logger(__name__)

QUIESCE_TIMEOUT_S = 60.0
_POLL_S = 0.005

# The transaction of the event whose changelog record the buffer is publishing now.
_changelog_tid: ContextVar[str | None] = ContextVar("changelog_tid", default=None)


@dataclass
class _Transaction:
    """What one transaction holds: the events that produced into it, changelog records not yet sent."""

    open: asyncio.Event = field(default_factory=asyncio.Event)
    events: dict[tuple[TP, int], Any] = field(default_factory=dict)
    changelogs: int = 0
    dirty: bool = False

    def __post_init__(self) -> None:
        self.open.set()

    def running(self) -> bool:
        for key, message in list(self.events.items()):
            if message.acked:
                del self.events[key]
        return bool(self.events) or self.changelogs > 0


class SourceTransactions(faust_consumer.TransactionManager):
    """Faust's transaction manager, with records routed by the partition of their event."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._transactions: dict[str, _Transaction] = {}

    def _txn(self, tid: str) -> _Transaction:
        txn = self._transactions.get(tid)
        if txn is None:
            txn = self._transactions[tid] = _Transaction()
        return txn

    def tid_of(self, tp: TP) -> str | None:
        try:
            group = self.app.assignor.group_for_topic(tp.topic)
        except KeyError:
            return None
        return f"{self.app.conf.id}-{group}-{tp.partition}"

    def event_tid(self) -> tuple[str, Any] | None:
        event = faust.current_event()
        if event is None:
            return None
        tid = self.tid_of(event.message.tp)
        return None if tid is None else (tid, event.message)

    def note_changelog(self) -> str | None:
        """A changelog record queued by the running event (synchronously, from a table write)."""
        found = self.event_tid()
        if found is None:
            return None
        tid, message = found
        txn = self._txn(tid)
        txn.events[(message.tp, message.offset)] = message
        txn.changelogs += 1
        txn.dirty = True
        return tid

    def changelog_sent(self, tid: str) -> None:
        self._txn(tid).changelogs -= 1

    async def send(
        self,
        topic: str,
        key: bytes | None,
        value: bytes | None,
        partition: int | None,
        timestamp: float | None,
        headers: Any,
        *,
        transactional_id: str | None = None,
    ) -> Awaitable[Any]:
        tid = _changelog_tid.get()
        if tid is None:
            found = self.event_tid()
            if found is None:
                log.warning("record sent outside an event: not part of a transaction", topic=topic)
                return await super().send(topic, key, value, partition, timestamp, headers)
            tid, message = found
            txn = self._txn(tid)
            event_key = (message.tp, message.offset)
            if event_key not in txn.events:
                while not txn.open.is_set():  # a commit of this transaction is waiting for a quiet point
                    await txn.open.wait()
                txn.events[event_key] = message
            txn.dirty = True
        p = self.consumer.key_partition(topic, key, partition)
        return await self.producer.send(topic, key, value, p, timestamp, headers, transactional_id=tid)

    async def commit(self, offsets: Mapping[TP, int], start_new_transaction: bool = True) -> bool:
        by_tid: dict[str, dict[TP, int]] = {}
        for tp, offset in offsets.items():
            tid = self.tid_of(tp)
            if tid is not None:
                by_tid.setdefault(tid, {})[tp] = offset
        for tid, txn in self._transactions.items():
            if txn.dirty:
                by_tid.setdefault(tid, {})
        committed = False
        for tid in sorted(by_tid):
            try:
                committed |= await self._commit_one(tid, by_tid[tid], start_new_transaction)
            except Exception as exc:  # noqa: BLE001 - a fenced or failed transaction: the worker restarts
                log.error("transaction commit failed", transactional_id=tid, error=repr(exc))
                await self.app.crash(exc)
                return False
        return committed

    async def quiesce(self) -> bool:
        """Stop new events from producing and wait until every event that produced is acked and its
        changelog records are in the producer; False if that took longer than QUIESCE_TIMEOUT_S."""
        for txn in self._transactions.values():
            txn.open.clear()
        deadline = time.monotonic() + QUIESCE_TIMEOUT_S
        while any(txn.running() for txn in list(self._transactions.values())):
            if time.monotonic() > deadline:
                log.warning("events still running after %.0f s: commit postponed", QUIESCE_TIMEOUT_S)
                return False
            await asyncio.sleep(_POLL_S)
        return True

    def reopen(self) -> None:
        for txn in self._transactions.values():
            txn.open.set()

    async def _commit_one(self, tid: str, offsets: Mapping[TP, int], start_new: bool) -> bool:
        txn = self._txn(tid)
        producer = self.producer._transaction_producers.get(tid)  # type: ignore[attr-defined]
        if producer is None:
            return False
        async with self.producer._trn_locks[tid]:  # type: ignore[attr-defined]
            if not producer._txn_manager.is_in_transaction():
                await producer.begin_transaction()
            if offsets:
                positions = {TopicPartition(tp.topic, tp.partition): offset for tp, offset in offsets.items()}
                await producer.send_offsets_to_transaction(positions, self.app.conf.id)
            await producer.commit_transaction()
            txn.dirty = False
            if start_new:
                await producer.begin_transaction()
        return bool(offsets)


# Table changelog records are queued in agent code (a table write) and sent by the buffer's task:
# the transaction of the writing event travels with the record.
_queued: weakref.WeakKeyDictionary[Any, str] = weakref.WeakKeyDictionary()
_put = faust_producer.ProducerBuffer.put
_send_pending = faust_producer.ProducerBuffer._send_pending


def _manager(buffer: Any) -> SourceTransactions | None:
    app = buffer.app
    if app is None or not app.in_transaction:
        return None
    manager = app.consumer.transactions
    return manager if isinstance(manager, SourceTransactions) else None


def _buffer_put(self: Any, fut: Any) -> None:
    manager = _manager(self)
    if manager is not None:
        tid = manager.note_changelog()
        if tid is not None:
            _queued[fut] = tid
    _put(self, fut)


async def _buffer_send_pending(self: Any, fut: Any) -> None:
    tid = _queued.pop(fut, None)
    token = _changelog_tid.set(tid)
    try:
        await _send_pending(self, fut)
    finally:
        _changelog_tid.reset(token)
        manager = _manager(self)
        if tid is not None and manager is not None:
            manager.changelog_sent(tid)


_force_commit = faust_consumer.Consumer.force_commit


async def _quiet_force_commit(self: Any, *args: Any, **kwargs: Any) -> bool:
    """Faust's commit, run at a point where no event is between two of its sends: the offsets it
    computes from the acks then cover every event whose records are in the transactions."""
    manager = self.transactions if self.in_transaction else None
    if not isinstance(manager, SourceTransactions):
        return bool(await _force_commit(self, *args, **kwargs))
    try:
        if not await manager.quiesce():
            return False
        return bool(await _force_commit(self, *args, **kwargs))
    finally:
        manager.reopen()


def install() -> None:
    """Route Faust's transactional sends through ``SourceTransactions`` (idempotent, process-wide)."""
    faust_aiokafka.Transport.TransactionManager = SourceTransactions
    faust_consumer.Consumer.force_commit = _quiet_force_commit  # type: ignore[method-assign]
    faust_producer.ProducerBuffer.put = _buffer_put  # type: ignore[method-assign]
    faust_producer.ProducerBuffer._send_pending = _buffer_send_pending  # type: ignore[method-assign]


def ensure_changelogs(app: faust.App, settings: Settings, timeout_s: float = 30.0) -> list[str]:
    """Create the tables' changelog topics before the worker subscribes: one the worker creates
    itself at start is missing from its first metadata, its partitions are never assigned, and
    every write to that table fails until the next rebalance."""
    admin = admin_client(settings)
    existing = set(admin.list_topics(timeout=timeout_s).topics)
    wanted = []
    for table in app.tables.values():
        name = table.changelog_topic.get_topic_name()
        if name not in existing:
            config = {"cleanup.policy": "compact", **{k: str(v) for k, v in table.extra_topic_configs.items()}}
            partitions = table.partitions or settings.partitions
            wanted.append(NewTopic(name, num_partitions=partitions, replication_factor=1, config=config))
    if not wanted:
        return []
    created = Counter[str]()
    for name, future in admin.create_topics(wanted).items():
        try:
            future.result(timeout=timeout_s)
            created[name] += 1
        except Exception as exc:  # noqa: BLE001 - created meanwhile by another worker
            log.info("changelog topic not created", topic=name, error=str(exc))
    return sorted(created)
