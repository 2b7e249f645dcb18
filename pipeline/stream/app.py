"""Building the Faust app from settings: one consumer group, tables co-partitioned with topics."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import faust

from pipeline.codec import PydanticCodec
from pipeline.config import Settings
from pipeline.topology import Role, Topology


@dataclass(frozen=True)
class StreamTopics:
    """The Faust topic of every role, each with the codec of its payload model."""

    app: faust.App
    topology: Topology

    def __call__(self, role: Role) -> Any:
        """The topic to send payloads of its model to."""
        spec = self.topology.spec(role)
        return self.app.topic(
            self.topology.name(role),
            key_serializer="raw",
            value_serializer=PydanticCodec(spec.model),
            partitions=self.topology.partitions_of(role),
        )

    def source(self, role: Role) -> Any:
        """The topic an agent reads: raw values, decoded by the agent's guard (see ``guard.guarded``),
        so that a record that is not a valid payload becomes a dead letter instead of an error in Faust."""
        return self.app.topic(
            self.topology.name(role),
            key_serializer="raw",
            value_serializer="raw",
            partitions=self.topology.partitions_of(role),
        )

    def table_config(self, config: Mapping[str, str] | None = None) -> dict[str, str]:
        """The settings of a table's changelog topic: config, and room for the largest message."""
        return {**(config or {}), **self.topology.size_config()}


def build_app(settings: Settings) -> faust.App:
    from pipeline.stream import dedup, enrich, exactly_once, isolation, stories, watchdog

    isolation.read_committed()
    if settings.stream_exactly_once:
        exactly_once.install()
    topology = Topology.from_settings(settings)
    datadir = settings.cache_dir / "faust" / (settings.topic_prefix + settings.app_id)
    datadir.mkdir(parents=True, exist_ok=True)
    app = faust.App(
        settings.topic_prefix + settings.app_id,
        broker=f"kafka://{settings.bootstrap}",
        store=settings.store,
        topic_partitions=settings.partitions,
        topic_replication_factor=1,
        consumer_auto_offset_reset="earliest",
        broker_session_timeout=settings.session_timeout_s,
        broker_heartbeat_interval=min(3.0, settings.session_timeout_s / 3),
        web_enabled=False,
        producer_compression_type="zstd",
        producer_max_request_size=settings.max_message_bytes,
        consumer_max_fetch_size=settings.max_message_bytes,  # aiokafka's max_partition_fetch_bytes
        datadir=str(datadir),
        # transactions per source partition and read_committed, made atomic by exactly_once.install()
        processing_guarantee="exactly_once" if settings.stream_exactly_once else "at_least_once",
    )
    topics = StreamTopics(app, topology)
    dedup.register(app, topics, settings)
    enrich.register(app, topics)
    stories.register(app, topics)
    watchdog.register(app, settings)
    return app
