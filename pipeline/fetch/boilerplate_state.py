"""The fetch workers' site boilerplate memory kept on Kafka: count updates go to the compacted
``news.extract.boilerplate`` topic inside the worker's transactions, and a starting worker reads
the topic back, so what the workers learnt survives restarts and rebalances.

A worker reads every site's counts, not only its assigned hosts': partitions move between
workers, captures of one site arrive on any partition, and the store's cap bounds what it keeps.
"""

from __future__ import annotations

import structlog
from confluent_kafka import Producer

from pipeline.codec import DecodeError, decode, encode
from pipeline.config import Settings
from pipeline.extract.boilerplate import BoilerplateCount, BoilerplateMemory
from pipeline.extract.lru_counts import LruCounts
from pipeline.kafka.admin import read_to_end
from pipeline.topology import Topology

log = structlog.get_logger(__name__)


def memory(settings: Settings, topology: Topology) -> tuple[BoilerplateMemory, LruCounts]:
    """A worker's memory over a capped store, filled from the topic."""
    store = LruCounts(settings.boilerplate_memory_entries)
    loaded = load(settings, topology, store)
    log.info("boilerplate memory loaded", entries=len(store), read=loaded)
    return BoilerplateMemory(store, min_pages=settings.boilerplate_min_pages), store


def load(settings: Settings, topology: Topology, store: LruCounts, timeout_s: float = 120.0) -> int:
    """Read the topic's committed counts into store; returns how many messages were read."""
    topic, group = topology.name("boilerplate"), "news-ingest-boilerplate-loader"
    read = 0
    for message in read_to_end(settings, topic, group, timeout_s, give_up_s=timeout_s):
        read += 1
        _load_one(store, message.key(), message.value())
    return read


def _load_one(store: LruCounts, key: bytes | None, value: bytes | None) -> None:
    if key is None:
        return
    try:
        store.load(key.decode(), decode(BoilerplateCount, value).count)
    except (DecodeError, UnicodeDecodeError):
        log.warning("unreadable boilerplate count skipped", key=repr(key[:40]))


def produce_counts(producer: Producer, topology: Topology, changes: dict[str, int]) -> int:
    """Produce counts drained from the store (inside the caller's transaction); a count is the
    latest value of its key, so producing it again after an aborted transaction is harmless."""
    topic = topology.name("boilerplate")
    for key, count in changes.items():
        producer.produce(topic, key=key.encode(), value=encode(BoilerplateCount(count=count)))
    return len(changes)
