"""The fetch workers' site boilerplate memory kept on Kafka: count updates go to the compacted
``news.extract.boilerplate`` topic inside the worker's transactions, and a starting worker reads
the topic back, so what the workers learnt survives restarts and rebalances.

A worker reads every site's counts, not only its assigned hosts': partitions move between
workers, captures of one site arrive on any partition, and the store's cap bounds what it keeps.
"""

from __future__ import annotations

import uuid

import structlog
from confluent_kafka import Producer

from pipeline import metrics
from pipeline.codec import DecodeError, decode, encode
from pipeline.config import Settings
from pipeline.extract.boilerplate import BoilerplateMemory, is_paragraph, key_site, site_prefix
from pipeline.extract.lru_counts import LruCounts
from pipeline.kafka import clients
from pipeline.kafka.admin import end_offsets, read_to_end
from pipeline.models import BoilerplateCount
from pipeline.topology import Topology

log = structlog.get_logger(__name__)


def memory(settings: Settings, topology: Topology) -> BoilerplateMemory:
    """A worker's memory over a capped store, filled from the topic."""
    store = LruCounts(settings.boilerplate_memory_entries)
    loaded = load(settings, topology, store)
    log.info("boilerplate memory loaded", entries=len(store), read=loaded)
    return _memory(settings, store)


def _memory(settings: Settings, store: LruCounts) -> BoilerplateMemory:
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


WRITER_HEADER = "writer"


class Follower:
    """What other workers and `news-ingest boilerplate reset` write to the topic after a worker
    loaded it, applied to the worker's store as it runs. The worker's own writes, which come back
    too, are skipped by their writer header: an older count of its own must not undo a newer one."""

    def __init__(self, settings: Settings, topology: Topology, store: LruCounts) -> None:
        topic = topology.name("boilerplate")
        self.store = store
        self.writer = uuid.uuid4().hex.encode()
        self.consumer = clients.consumer(settings, "news-ingest-boilerplate-follower")
        self.consumer.assign(end_offsets(self.consumer, topic))

    def poll(self, limit: int = 500) -> int:
        """Apply what has arrived (without waiting); how many records that was."""
        messages = self.consumer.consume(num_messages=limit, timeout=0)
        for message in messages:
            if message.error() is None and (WRITER_HEADER, self.writer) not in (message.headers() or []):
                _load_one(self.store, message.key(), message.value())
        return len(messages)

    def close(self) -> None:
        self.consumer.close()


def following_memory(settings: Settings, topology: Topology) -> tuple[BoilerplateMemory, Follower]:
    """A worker's memory filled from the topic, and the follower that keeps it up to date."""
    store = LruCounts(settings.boilerplate_memory_entries)
    follower = Follower(settings, topology, store)  # positioned before the load: nothing written since is missed
    loaded = load(settings, topology, store)
    log.info("boilerplate memory loaded", entries=len(store), read=loaded)
    return _memory(settings, store), follower


def site_counts(settings: Settings, topology: Topology) -> dict[str, BoilerplateCount]:
    """Every entry the topic holds now, by store key (what a new worker would load)."""
    entries: dict[str, BoilerplateCount] = {}
    for message in read_to_end(settings, topology.name("boilerplate"), f"boilerplate-reader-{uuid.uuid4().hex}"):
        key, value = message.key(), message.value()
        if key is None:
            continue
        if value is None:
            entries.pop(key.decode(errors="replace"), None)
            continue
        try:
            entries[key.decode()] = decode(BoilerplateCount, value)
        except (DecodeError, UnicodeDecodeError):
            continue
    return entries


def by_site(entries: dict[str, BoilerplateCount], minimum: int) -> dict[str, tuple[int, int, int]]:
    """Per site: paragraphs counted, those on ``minimum`` articles or more, article band marks."""
    sites: dict[str, tuple[int, int, int]] = {}
    for key, entry in entries.items():
        paragraphs, furniture, marks = sites.get(key_site(key), (0, 0, 0))
        if is_paragraph(key):
            paragraphs, furniture = paragraphs + 1, furniture + (entry.count >= minimum)
        else:
            marks += 1
        sites[key_site(key)] = (paragraphs, furniture, marks)
    return sites


def paragraphs_of(entries: dict[str, BoilerplateCount], site: str) -> list[tuple[int, str]]:
    """A site's paragraphs as (articles, opening words), the most common first."""
    rows = [(e.count, e.text or "") for k, e in entries.items() if key_site(k) == site and is_paragraph(k)]
    return sorted(rows, reverse=True)


def reset(settings: Settings, topology: Topology, site: str) -> int:
    """Clear a site's memory: a tombstone for each of its keys (workers apply them as they run)."""
    keys = [key for key in site_counts(settings, topology) if key.startswith(site_prefix(site))]
    producer = clients.producer(settings)
    tracker = clients.DeliveryTracker()
    for key in keys:
        producer.produce(topology.name("boilerplate"), key=key.encode(), value=None, on_delivery=tracker)
    tracker.flush(producer)
    return len(keys)


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


def drain_changes(memory: BoilerplateMemory) -> dict[str, BoilerplateCount]:
    """The entries changed since the last call, with the opening words of their paragraphs."""
    store = memory.store
    changes = store.drain() if isinstance(store, LruCounts) else {}
    texts = memory.drain_texts()
    return {key: BoilerplateCount(count=n, site=key_site(key), text=texts.get(key)) for key, n in changes.items()}


def produce_counts(
    producer: Producer, topology: Topology, changes: dict[str, BoilerplateCount], writer: bytes | None = None
) -> int:
    """Produce drained entries (inside the caller's transaction), marked with the writer's id when
    given (its follower then skips them); an entry is the latest value of its key, so producing it
    again after an aborted transaction is harmless."""
    headers: list[tuple[str, str | bytes | None]] | None = [(WRITER_HEADER, writer)] if writer else None
    topic = topology.name("boilerplate")
    for key, value in changes.items():
        producer.produce(topic, key=key.encode(), value=encode(value), headers=headers)
    return len(changes)
