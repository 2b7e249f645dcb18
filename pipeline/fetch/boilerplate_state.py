"""The fetch workers' site boilerplate memory kept on Kafka: each article a worker's memory counts
goes to the compacted ``news.extract.boilerplate`` topic inside the worker's transaction, as one
record (its band keys and paragraph hashes) on the partition of its site, and a starting worker
reads the topic back and counts those articles again, so what the workers learnt survives restarts
and rebalances.

A worker reads every site's articles, not only its assigned hosts': partitions move between
workers, captures of one site arrive on any partition, and the store's cap bounds what it keeps.
An article read twice (a worker's own, or one counted by two workers) counts once, as a copy of
it would. Keeping a site on one partition keeps its records in order, so a reset (a tombstone of
each of the site's articles) clears what came before it and nothing after.
"""

from __future__ import annotations

import uuid
from collections.abc import MutableMapping
from dataclasses import dataclass, field

import structlog
from confluent_kafka import Producer

from pipeline import metrics
from pipeline.codec import DecodeError, decode, encode
from pipeline.config import Settings
from pipeline.extract.boilerplate import (
    BoilerplateMemory,
    Learned,
    is_article,
    is_paragraph,
    key_site,
    site_prefix,
)
from pipeline.extract.lru_counts import LruCounts
from pipeline.kafka import clients
from pipeline.kafka.admin import end_offsets, read_to_end
from pipeline.models import BoilerplateCount
from pipeline.partitioning import key_partition
from pipeline.topology import Topology

log = structlog.get_logger(__name__)


def memory(settings: Settings, topology: Topology) -> BoilerplateMemory:
    """A worker's memory over a capped store, filled from the topic."""
    found = _memory(settings)
    loaded = load(settings, topology, found)
    log.info("boilerplate memory loaded", entries=len(found.store), read=loaded)
    return found


def _memory(settings: Settings) -> BoilerplateMemory:
    return BoilerplateMemory(
        LruCounts(settings.boilerplate_memory_entries),
        min_articles=settings.boilerplate_min_pages,
        record=True,
        on_fallback=metrics.EXTRACT_BOILERPLATE_FALLBACKS.inc,
    )


def load(settings: Settings, topology: Topology, memory: BoilerplateMemory, timeout_s: float = 120.0) -> int:
    """Count the topic's committed articles into memory; returns how many messages were read."""
    topic, group = topology.name("boilerplate"), "news-ingest-boilerplate-loader"
    read = 0
    for message in read_to_end(settings, topic, group, timeout_s, give_up_s=timeout_s):
        read += 1
        apply(memory, message.key(), message.value())
    return read


WRITER_HEADER = "writer"


class Follower:
    """What other workers and `news-ingest boilerplate reset` write to the topic after a worker
    loaded it, applied to the worker's memory as it runs. The worker's own records, which come back
    too, are skipped by their writer header."""

    def __init__(self, settings: Settings, topology: Topology, memory: BoilerplateMemory) -> None:
        topic = topology.name("boilerplate")
        self.memory = memory
        self.writer = uuid.uuid4().hex.encode()
        self.consumer = clients.consumer(settings, "news-ingest-boilerplate-follower")
        self.consumer.assign(end_offsets(self.consumer, topic))

    def poll(self, limit: int = 500) -> int:
        """Apply what has arrived (without waiting); how many records that was."""
        messages = self.consumer.consume(num_messages=limit, timeout=0)
        for message in messages:
            if message.error() is None and (WRITER_HEADER, self.writer) not in (message.headers() or []):
                apply(self.memory, message.key(), message.value())
        return len(messages)

    def close(self) -> None:
        self.consumer.close()


def following_memory(settings: Settings, topology: Topology) -> tuple[BoilerplateMemory, Follower]:
    """A worker's memory filled from the topic, and the follower that keeps it up to date."""
    found = _memory(settings)
    follower = Follower(settings, topology, found)  # positioned before the load: nothing written since is missed
    loaded = load(settings, topology, found)
    log.info("boilerplate memory loaded", entries=len(found.store), read=loaded)
    return found, follower


def apply(memory: BoilerplateMemory, key: bytes | None, value: bytes | None) -> BoilerplateCount | None:
    """One record of the topic, applied to a memory; the record when it is one."""
    if key is None:
        return None
    try:
        name = key.decode()
        if value is None:  # `news-ingest boilerplate reset`
            if is_article(name):
                memory.forget(key_site(name))
            else:
                memory.store.pop(name, None)
            return None
        entry = decode(BoilerplateCount, value)
    except (DecodeError, UnicodeDecodeError):
        log.warning("unreadable boilerplate record skipped", key=repr(key[:40]))
        return None
    if entry.count is not None:
        memory.store[name] = entry.count
    elif entry.site is not None:
        memory.learn(learned(entry))
    return entry


def learned(entry: BoilerplateCount) -> Learned:
    return Learned(entry.site or "", entry.bands, entry.paragraphs, entry.texts)


def record(article: Learned) -> BoilerplateCount:
    return BoilerplateCount(site=article.site, bands=article.bands, paragraphs=article.paragraphs, texts=article.texts)


def produce_learned(producer: Producer, topology: Topology, learned: list[Learned], writer: bytes | None = None) -> int:
    """Produce the articles a memory counted (inside the caller's transaction), each on the
    partition of its site, marked with the writer's id when given (its follower then skips them).
    An article's record is the same whenever it is sent, so sending it again after an aborted
    transaction is harmless."""
    headers: list[tuple[str, str | bytes | None]] | None = [(WRITER_HEADER, writer)] if writer else None
    topic, partitions = topology.name("boilerplate"), topology.partitions_of("boilerplate")
    for article in learned:
        producer.produce(
            topic,
            key=article.key.encode(),
            value=encode(record(article)),
            partition=key_partition(article.site, partitions),
            headers=headers,
        )
    return len(learned)


@dataclass
class SiteMemory:
    """What the topic holds now, counted as a new worker would count it (without a cap): the
    counts, the opening words of each paragraph, and the live keys of the topic by partition."""

    counts: MutableMapping[str, int] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    keys: dict[str, int] = field(default_factory=dict)


def read_memory(settings: Settings, topology: Topology) -> SiteMemory:
    shown = SiteMemory()
    counted = BoilerplateMemory(shown.counts, min_articles=settings.boilerplate_min_pages)
    for message in read_to_end(settings, topology.name("boilerplate"), f"boilerplate-reader-{uuid.uuid4().hex}"):
        key = message.key()
        if key is None:
            continue
        name = key.decode(errors="replace")
        entry = apply(counted, key, message.value())
        if entry is None:
            shown.keys.pop(name, None)
            continue
        shown.keys[name] = message.partition() or 0
        if entry.text is not None:
            shown.texts.setdefault(name, entry.text)
        for paragraph, text in zip(learned(entry).paragraph_keys(), entry.texts, strict=False):
            shown.texts.setdefault(paragraph, text)
    return shown


def by_site(counts: MutableMapping[str, int], minimum: int) -> dict[str, tuple[int, int, int]]:
    """Per site: paragraphs counted, those on ``minimum`` articles or more, article band marks."""
    sites: dict[str, tuple[int, int, int]] = {}
    for key, count in counts.items():
        paragraphs, furniture, marks = sites.get(key_site(key), (0, 0, 0))
        if is_paragraph(key):
            paragraphs, furniture = paragraphs + 1, furniture + (count >= minimum)
        else:
            marks += 1
        sites[key_site(key)] = (paragraphs, furniture, marks)
    return sites


def paragraphs_of(shown: SiteMemory, site: str) -> list[tuple[int, str]]:
    """A site's paragraphs as (articles, opening words), the most common first."""
    rows = [(n, shown.texts.get(k, "")) for k, n in shown.counts.items() if key_site(k) == site and is_paragraph(k)]
    return sorted(rows, reverse=True)


def reset(settings: Settings, topology: Topology, site: str) -> int:
    """Clear a site's memory: a tombstone for each of its keys on the topic, on the partition that
    key is on (workers apply them as they run)."""
    keys = {k: p for k, p in read_memory(settings, topology).keys.items() if k.startswith(site_prefix(site))}
    producer = clients.producer(settings)
    tracker = clients.DeliveryTracker()
    for key, partition in keys.items():
        producer.produce(
            topology.name("boilerplate"), key=key.encode(), value=None, partition=partition, on_delivery=tracker
        )
    tracker.flush(producer)
    return len(keys)
