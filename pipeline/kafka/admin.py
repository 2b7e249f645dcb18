"""Creating the declared topics idempotently, and reading where topics end."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import structlog
from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, KafkaException, Message, TopicPartition
from confluent_kafka.admin import AdminClient
from confluent_kafka.admin._metadata import ClusterMetadata
from confluent_kafka.cimpl import NewTopic

from pipeline.config import Settings
from pipeline.kafka import clients
from pipeline.kafka.clients import admin_client as admin_client
from pipeline.topology import Topology

log = structlog.get_logger(__name__)

_NOT_READY = {
    KafkaError.NOT_LEADER_FOR_PARTITION,
    KafkaError.LEADER_NOT_AVAILABLE,
    KafkaError.UNKNOWN_TOPIC_OR_PART,
    KafkaError._UNKNOWN_PARTITION,
    KafkaError._UNKNOWN_TOPIC,
}
_NO_ANSWER = {KafkaError._TRANSPORT, KafkaError._TIMED_OUT, KafkaError._ALL_BROKERS_DOWN, KafkaError._AUTHENTICATION}
WATERMARK_TRY_S = 5.0  # one watermark query; a slower answer is asked again, the caller beating meanwhile
# a transaction's markers follow its commit within milliseconds; one open longer is a departed producer's
OPEN_TRANSACTION_WAIT_S = 5.0


def metadata(client: AdminClient | Consumer, settings: Settings, topic: str | None = None) -> ClusterMetadata:
    """The cluster's metadata as a first contact: KafkaUnreachable, saying why, when Kafka does not
    answer within ``kafka_timeout_s``."""
    try:
        return client.list_topics(topic, timeout=settings.kafka_timeout_s)
    except KafkaException as exc:
        if exc.args[0].code() in _NO_ANSWER:
            client.poll(0)  # serves the log and error callbacks, which say why
            raise clients.unreachable(settings) from exc
        raise


def ensure_topics(settings: Settings, topology: Topology, timeout_s: float = 30.0) -> list[str]:
    """Create every declared topic that does not exist yet; returns the names created."""
    admin = admin_client(settings)
    existing = set(metadata(admin, settings).topics)
    wanted = [
        NewTopic(name, num_partitions=partitions, replication_factor=1, config=topology.config(spec.role))
        for name, partitions, spec in topology.all()
        if name not in existing
    ]
    if not wanted:
        return []
    created = []
    for name, future in admin.create_topics(wanted, operation_timeout=timeout_s).items():
        try:
            future.result(timeout=timeout_s)
            created.append(name)
        except KafkaException as exc:
            if exc.args[0].code() != KafkaError.TOPIC_ALREADY_EXISTS:
                raise
    _wait_for_leaders(admin, [t.topic for t in wanted], timeout_s)
    return created


def _wait_for_leaders(admin: AdminClient, names: list[str], timeout_s: float) -> None:
    """Creation returns before every partition has a leader; wait until each has one."""
    deadline = time.monotonic() + timeout_s
    while True:
        topics = admin.list_topics(timeout=timeout_s).topics
        led = all(
            name in topics
            and topics[name].error is None
            and all(p.leader >= 0 and p.error is None for p in topics[name].partitions.values())
            for name in names
        )
        if led:
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"topics without a leader after {timeout_s:.0f}s: {names}")
        time.sleep(0.1)


def delete_topics_with_prefix(settings: Settings, prefix: str, timeout_s: float = 30.0) -> list[str]:
    """Remove every topic whose name starts with prefix (a demo's or a test run's)."""
    if not prefix:
        raise ValueError("refusing to delete topics without a prefix")
    admin = admin_client(settings)
    names = [name for name in metadata(admin, settings).topics if name.startswith(prefix)]
    for future in admin.delete_topics(names, operation_timeout=timeout_s).values() if names else []:
        future.result(timeout=timeout_s)
    return names


def end_offsets(consumer: Consumer, topic: str, timeout_s: float = 30.0) -> list[TopicPartition]:
    """Each partition of topic positioned at its current end (waiting out leader elections)."""
    deadline = time.monotonic() + timeout_s
    metadata = consumer.list_topics(topic, timeout=timeout_s).topics[topic]
    return [
        TopicPartition(topic, partition, high_watermark(consumer, TopicPartition(topic, partition), deadline))
        for partition in sorted(metadata.partitions)
    ]


def high_watermark(
    consumer: Consumer, tp: TopicPartition, deadline: float, on_poll: Callable[[], None] = lambda: None
) -> int:
    """Where the partition ends, waiting out leader elections and a topic too new for the
    client's metadata, until deadline (a ``time.monotonic()``); on_poll runs between tries."""
    while True:
        try:
            timeout = min(WATERMARK_TRY_S, max(1.0, deadline - time.monotonic()))
            _, high = consumer.get_watermark_offsets(tp, timeout=timeout)
            return int(high)
        except KafkaException as exc:
            error = exc.args[0]
            slow = error.code() == KafkaError._TIMED_OUT
            if not (error.retriable() or slow) and error.code() not in _NOT_READY or time.monotonic() > deadline:
                raise
            on_poll()
            time.sleep(0.1)


def read_to_end(
    settings: Settings, topic: str, group: str, timeout_s: float = 60.0, *, give_up_s: float | None = None
) -> Iterator[Message]:
    """Every committed record of topic, from its start to where each partition ends (a compacted
    topic read back at start-up); after give_up_s, when given, stops short with a warning."""
    consumer = clients.consumer(settings, group, **{"enable.partition.eof": True})
    try:
        partitions = sorted(metadata(consumer, settings, topic).topics[topic].partitions)
        wanted = [TopicPartition(topic, partition) for partition in partitions]
        ends = log_ends(settings, group, wanted, time.monotonic() + timeout_s)
        deadline = time.monotonic() + give_up_s if give_up_s is not None else float("inf")
        try:
            yield from _read_until(consumer, ends, deadline)
        except TimeoutError:
            log.warning("topic not read to its end", topic=topic, partitions=sorted(p for _, p in ends))
    finally:
        consumer.close()


def read_partitions(
    settings: Settings,
    partitions: list[TopicPartition],
    deadline: float,
    group: str,
    on_poll: Callable[[], None] = lambda: None,
) -> Iterator[Message]:
    """Every committed record of these partitions, from their start to their end as it is now,
    including a transaction still open there that ends soon (see :func:`_read_until`).
    TimeoutError past deadline (a ``time.monotonic()``)."""
    consumer = clients.consumer(settings, group, **{"enable.partition.eof": True})
    try:
        yield from _read_until(consumer, log_ends(settings, group, partitions, deadline, on_poll), deadline, on_poll)
    finally:
        consumer.close()


def log_ends(
    settings: Settings,
    group: str,
    partitions: list[TopicPartition],
    deadline: float,
    on_poll: Callable[[], None] = lambda: None,
) -> dict[tuple[str, int], int]:
    """Where each non-empty partition's log ends now, open transactions included. A read_committed
    client is told the last stable offset instead, which stops before a transaction whose commit
    has returned to its producer while the broker is still writing its markers."""
    asker = clients.consumer(settings, group, **{"isolation.level": "read_uncommitted"})
    try:
        highs = {(str(t.topic), int(t.partition)): high_watermark(asker, t, deadline, on_poll) for t in partitions}
    finally:
        asker.close()
    return {where: high for where, high in highs.items() if high > 0}


def _read_until(
    consumer: Consumer,
    ends: dict[tuple[str, int], int],
    deadline: float,
    on_poll: Callable[[], None] = lambda: None,
) -> Iterator[Message]:
    """Read each partition of ends from its start until it reaches its end offset (what is left
    in ends when it raises TimeoutError past deadline). A read_committed reader stops before an
    open transaction: one that ends within OPEN_TRANSACTION_WAIT_S is read as it ended; one still
    open then (its producer gone: it is aborted when its transaction times out) is left out."""
    consumer.assign([TopicPartition(t, p, OFFSET_BEGINNING) for t, p in ends])
    stopped: dict[tuple[str, int], float] = {}  # partitions at an open transaction, since when
    while ends:
        now = time.monotonic()
        if now > deadline:
            raise TimeoutError(f"partitions not read to their end: {sorted(ends)}")
        for where in [w for w, since in stopped.items() if now - since > OPEN_TRANSACTION_WAIT_S]:
            log.warning("an open transaction left out of a read", partition=f"{where[0]}[{where[1]}]", end=ends[where])
            del ends[where], stopped[where]
        message = consumer.poll(0.5)
        on_poll()
        if message is None:
            continue
        where = (str(message.topic()), int(message.partition() or 0))
        error = message.error()
        if error is None:
            stopped.pop(where, None)
            yield message
        elif error.code() == KafkaError._PARTITION_EOF and where in ends:
            if int(message.offset() or 0) >= ends[where]:
                del ends[where]
                stopped.pop(where, None)
            else:
                stopped.setdefault(where, time.monotonic())
