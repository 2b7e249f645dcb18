"""``news-ingest schedule``: the scheduler wired to Kafka (the seen store, publishing to ``news.fetch``)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

import httpx
import structlog
from confluent_kafka import Producer

from pipeline.codec import DecodeError, decode, encode
from pipeline.config import Settings
from pipeline.fetch import http, sources
from pipeline.fetch.pages import host_key
from pipeline.fetch.scheduler import Publish, Scheduler, prune_seen
from pipeline.fetch.source_state import SourceState
from pipeline.fetch.ssrf import Resolver, system_resolver
from pipeline.kafka import clients
from pipeline.kafka.admin import read_to_end
from pipeline.models import Contract, FetchRequest
from pipeline.topology import Topology

log = structlog.get_logger(__name__)
TICK_S = 0.2
M = TypeVar("M", bound=Contract)


def read_compacted(settings: Settings, topic: str, model: type[M], timeout_s: float = 60.0) -> Iterator[M]:
    """Every record of a compacted topic, read to its end (records that do not decode as ``model``
    are skipped)."""
    for message in read_to_end(settings, topic, "news-ingest-scheduler-loader", timeout_s):
        try:
            yield decode(model, message.value())
        except DecodeError:
            continue


def load_seen(settings: Settings, topology: Topology, now: datetime) -> dict[str, float]:
    """URLs scheduled within the window (request_id -> when), from the compacted topic."""
    topic = topology.name("fetch_seen")
    seen = {r.request_id: r.requested_at.timestamp() for r in read_compacted(settings, topic, FetchRequest)}
    prune_seen(seen, now, settings.seen_window_s)
    return seen


def load_sources(settings: Settings, topology: Topology) -> list[SourceState]:
    """What the last scheduler remembered of each source, the latest record per URL."""
    states = {s.url: s for s in read_compacted(settings, topology.name("fetch_sources"), SourceState)}
    return list(states.values())


def kafka_publisher(producer: Producer, topology: Topology) -> Publish:
    tracker = clients.DeliveryTracker()

    def publish(requests: list[FetchRequest]) -> None:
        for request in requests:
            value, host = encode(request), host_key(request.url).encode()
            producer.produce(topology.name("fetch"), key=host, value=value, on_delivery=tracker)
            producer.produce(topology.name("fetch_seen"), key=request.request_id.encode(), value=value)
        tracker.flush(producer)
        log.info("published", urls=len(requests))

    return publish


@dataclass
class SourceMemory:
    """The scheduler's record of its sources: what it read back at start, and where it writes."""

    saved: list[SourceState]
    producer: Producer
    topic: str

    def remember(self, state: SourceState) -> None:
        self.producer.produce(self.topic, key=state.url.encode(), value=encode(state))
        self.producer.poll(0)


def run(
    settings: Settings,
    stop: threading.Event,
    sources_path: Path,
    *,
    resolver: Resolver = system_resolver,
    transport: httpx.AsyncBaseTransport | None = None,
) -> None:
    """Poll the sources of sources_path (re-read every tick) until stop is set."""
    topology = Topology.from_settings(settings)
    seen = load_seen(settings, topology, datetime.now(UTC))
    producer = clients.producer(settings)
    memory = SourceMemory(load_sources(settings, topology), producer, topology.name("fetch_sources"))
    log.info("scheduler started", sources=str(sources_path), seen=len(seen), remembered=len(memory.saved))
    try:
        asyncio.run(
            _loop(settings, stop, sources_path, kafka_publisher(producer, topology), seen, memory, resolver, transport)
        )
    finally:
        producer.flush(10)


async def _loop(
    settings: Settings,
    stop: threading.Event,
    sources_path: Path,
    publish: Publish,
    seen: dict[str, float],
    memory: SourceMemory,
    resolver: Resolver,
    transport: httpx.AsyncBaseTransport | None,
) -> None:
    async with http.client(settings, transport) as client:
        fetcher = http.Fetcher(client, settings, resolver)
        scheduler = Scheduler(settings, fetcher, publish, seen, saved=memory.saved, remember=memory.remember)
        while not stop.is_set():
            await scheduler.run_due(sources.load(sources_path))
            await asyncio.sleep(TICK_S)
