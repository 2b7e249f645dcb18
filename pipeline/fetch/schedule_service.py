"""``news-ingest schedule``: the scheduler wired to Kafka (the seen store, publishing to ``news.fetch``)."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import httpx
import structlog
from confluent_kafka import TopicPartition

from pipeline.codec import DecodeError, decode, encode
from pipeline.config import Settings
from pipeline.fetch import http, sources
from pipeline.fetch.pages import host_key
from pipeline.fetch.scheduler import Publish, Scheduler
from pipeline.fetch.ssrf import Resolver, system_resolver
from pipeline.kafka import clients
from pipeline.kafka.admin import end_offsets
from pipeline.models import FetchRequest
from pipeline.topology import Topology

log = structlog.get_logger(__name__)
TICK_S = 0.2


def load_seen(settings: Settings, topology: Topology, timeout_s: float = 60.0) -> dict[str, float]:
    """Every URL scheduled before (request_id -> when), read from the compacted topic to its end."""
    topic = topology.name("fetch_seen")
    consumer = clients.consumer(settings, "news-ingest-seen-loader")
    seen: dict[str, float] = {}
    try:
        ends = {tp.partition: tp.offset for tp in end_offsets(consumer, topic, timeout_s) if tp.offset > 0}
        consumer.assign([TopicPartition(topic, p, 0) for p in ends])
        positions = dict.fromkeys(ends, 0)
        while any(positions[p] < ends[p] for p in ends):
            message = consumer.poll(1.0)
            if message is None or message.error():
                continue
            positions[int(message.partition() or 0)] = int(message.offset() or 0) + 1
            try:
                request = decode(FetchRequest, message.value())
            except DecodeError:
                continue
            seen[request.request_id] = request.requested_at.timestamp()
    finally:
        consumer.close()
    return seen


def kafka_publisher(settings: Settings, topology: Topology) -> Publish:
    producer = clients.producer(settings)
    tracker = clients.DeliveryTracker()

    def publish(requests: list[FetchRequest]) -> None:
        for request in requests:
            value, host = encode(request), host_key(request.url).encode()
            producer.produce(topology.name("fetch"), key=host, value=value, on_delivery=tracker)
            producer.produce(topology.name("fetch_seen"), key=request.request_id.encode(), value=value)
        tracker.flush(producer)
        log.info("published", urls=len(requests))

    return publish


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
    seen = load_seen(settings, topology)
    log.info("scheduler started", sources=str(sources_path), seen=len(seen))
    asyncio.run(_loop(settings, stop, sources_path, kafka_publisher(settings, topology), seen, resolver, transport))


async def _loop(
    settings: Settings,
    stop: threading.Event,
    sources_path: Path,
    publish: Publish,
    seen: dict[str, float],
    resolver: Resolver,
    transport: httpx.AsyncBaseTransport | None,
) -> None:
    async with http.client(settings, transport) as client:
        scheduler = Scheduler(settings, http.Fetcher(client, settings, resolver), publish, seen)
        while not stop.is_set():
            await scheduler.run_due(sources.load(sources_path))
            await asyncio.sleep(TICK_S)
