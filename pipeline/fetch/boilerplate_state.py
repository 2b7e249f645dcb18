"""The fetch workers' site boilerplate memory kept on Kafka: count updates go to the compacted
``news.extract.boilerplate`` topic inside the worker's transactions, and a starting worker reads
the topic back, so what the workers learnt survives restarts and rebalances.

A worker reads every site's counts, not only its assigned hosts': partitions move between
workers, captures of one site arrive on any partition, and the store's cap bounds what it keeps.
"""

from __future__ import annotations

import structlog
from confluent_kafka import Producer

from pipeline import metrics
from pipeline.codec import DecodeError, decode, encode
from pipeline.config import Settings
from pipeline.extract.boilerplate import BoilerplateMemory, key_site
from pipeline.extract.lru_counts import LruCounts
from pipeline.kafka.admin import read_to_end
from pipeline.models import BoilerplateCount
from pipeline.topology import Topology

log = structlog.get_logger(__name__)


def memory(settings: Settings, topology: Topology) -> BoilerplateMemory:
    """A worker's memory over a capped store, filled from the topic."""
    store = LruCounts(settings.boilerplate_memory_entries)
    loaded = load(settings, topology, store)
    log.info("boilerplate memory loaded", entries=len(store), read=loaded)
    return BoilerplateMemory(
        store,
        min_articles=settings.boilerplate_min_pages,
        keep_texts=True,
        on_fallback=metrics.EXTRACT_BOILERPLATE_FALLBACKS.inc,
    )


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
        name = key.decode()
        if value is None:
            store.pop(name, None)  # cleared by `news-ingest boilerplate reset`
        else:
            store.load(name, decode(BoilerplateCount, value).count)
    except (DecodeError, UnicodeDecodeError):
        log.warning("unreadable boilerplate count skipped", key=repr(key[:40]))


def produce_changes(producer: Producer, topology: Topology, memory: BoilerplateMemory) -> int:
    """Produce the counts changed since the last call (inside the caller's transaction)."""
    store = memory.store
    changes = store.drain() if isinstance(store, LruCounts) else {}
    texts = memory.drain_texts()
    topic = topology.name("boilerplate")
    for key, count in changes.items():
        value = BoilerplateCount(count=count, site=key_site(key), text=texts.get(key))
        producer.produce(topic, key=key.encode(), value=encode(value))
    return len(changes)
