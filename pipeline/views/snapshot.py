"""One look at the running pipeline, as data: where each topic starts and ends, where each
consumer group has committed, what each worker's /metrics said, what the results topics hold.

``collect.Collector`` takes these; ``report`` turns two of them into what the views show."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from pipeline.views.metrics_text import Labels
from pipeline.views.results import ResultsDigest

PartitionOffsets = Mapping[int, int]


@dataclass(frozen=True)
class TopicOffsets:
    """Per partition, the first offset kept and the end (the last stable offset: read_committed)."""

    start: PartitionOffsets
    end: PartitionOffsets


@dataclass(frozen=True)
class GroupOffsets:
    group: str
    state: str  # as the broker says: STABLE, EMPTY, PREPARING_REBALANCE, DEAD (no such group), ...
    members: int
    committed: Mapping[str, PartitionOffsets]  # topic -> partition -> committed offset


@dataclass(frozen=True)
class WorkerScrape:
    target: str  # host:port
    up: bool
    samples: Mapping[tuple[str, Labels], float] = field(default_factory=dict)
    error: str | None = None


@dataclass(frozen=True)
class Snapshot:
    taken_at: float  # seconds since the epoch
    topics: Mapping[str, TopicOffsets]
    groups: tuple[GroupOffsets, ...]
    workers: tuple[WorkerScrape, ...]
    results: ResultsDigest = ResultsDigest()
    kafka_error: str | None = None  # Kafka did not answer: topics and groups are empty
