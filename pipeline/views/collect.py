"""Taking snapshots of a running pipeline: offsets from Kafka's admin API, the workers' /metrics
over HTTP, the results topics through a ``ResultsTail``. Shared by ``top`` and the dashboard."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

import httpx
from confluent_kafka import Consumer, IsolationLevel, KafkaException, TopicPartition
from confluent_kafka.admin import AdminClient, OffsetSpec  # type: ignore[attr-defined]

from pipeline.config import Settings
from pipeline.kafka.clients import client_config
from pipeline.kafka.groups import pipeline_groups
from pipeline.topology import Topology
from pipeline.views import metrics_text
from pipeline.views.quiet import QUIET
from pipeline.views.results_tail import ResultsTail
from pipeline.views.snapshot import GroupOffsets, PartitionOffsets, Snapshot, TopicOffsets, WorkerScrape


def metrics_targets(settings: Settings, given: Sequence[str] = ()) -> list[str]:
    """The workers' /metrics addresses: those given, else NEWS_INGEST_METRICS_TARGETS."""
    if given:
        return [t.strip() for t in given if t.strip()]
    return [t.strip() for t in settings.metrics_targets.split(",") if t.strip()]


def metrics_url(target: str) -> str:
    """``host:port`` means its /metrics; a URL is taken as it is."""
    return target if "://" in target else f"http://{target}/metrics"


def scrape(client: httpx.Client, target: str) -> WorkerScrape:
    try:
        response = client.get(metrics_url(target))
        response.raise_for_status()
        return WorkerScrape(target, True, metrics_text.parse(response.text))
    except (httpx.HTTPError, ValueError) as exc:
        return WorkerScrape(target, False, error=str(exc) or type(exc).__name__)


class Collector:
    def __init__(
        self,
        settings: Settings,
        targets: Sequence[str] = (),
        groups: Sequence[str] = (),
        *,
        timeout_s: float = 5.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.settings = settings
        self.topology = Topology.from_settings(settings)
        self.targets = list(targets)
        self.groups = list(groups) or pipeline_groups(settings)
        self.timeout_s = timeout_s
        self.clock = clock
        self.admin = AdminClient(client_config(settings) | QUIET)
        self.http = httpx.Client(timeout=min(timeout_s, 2.0))
        self.tail = ResultsTail(settings, self.topology)
        self.offset_readers: dict[str, Consumer] = {}

    def snapshot(self, results_budget_s: float = 0.5) -> Snapshot:
        """Offsets and /metrics as they are now, and what the results topics held within
        results_budget_s of reading (they are read from their start, so the first may take longer)."""
        taken_at = self.clock()
        workers = tuple(scrape(self.http, target) for target in self.targets)
        try:
            described = self._describe()
            partitions = self._partitions({tp.topic for _, _, assigned in described.values() for tp in assigned})
            groups = tuple(
                GroupOffsets(group, state, members, self._committed(group, partitions))
                for group, (state, members, _) in described.items()
            )
            topics = self._topics(partitions)
            self.tail.poll(results_budget_s, self.timeout_s)
        except (KafkaException, TimeoutError) as exc:
            why = str(exc.args[0]) if exc.args else f"no answer within {self.timeout_s:.0f}s"
            return Snapshot(taken_at, {}, (), workers, self.tail.results.digest(), kafka_error=why)
        return Snapshot(taken_at, topics, groups, workers, self.tail.results.digest())

    def _partitions(self, assigned: set[str]) -> list[TopicPartition]:
        """Every partition of the topology's topics and of those the groups are assigned, as they exist."""
        metadata = self.admin.list_topics(timeout=self.timeout_s).topics
        names = [name for name, _, _ in self.topology.all()]
        names += sorted(assigned - set(names))
        existing = [name for name in names if name in metadata]
        return [TopicPartition(name, p) for name in existing for p in sorted(metadata[name].partitions)]

    def _describe(self) -> dict[str, tuple[str, int, list[TopicPartition]]]:
        """Each group's state, member count and the partitions its members are assigned."""
        futures = self.admin.describe_consumer_groups(self.groups, request_timeout=self.timeout_s)
        described = {}
        for group in self.groups:
            description = futures[group].result(self.timeout_s)
            assigned = [tp for m in description.members for tp in m.assignment.topic_partitions]
            described[group] = (description.state.name, len(description.members), assigned)
        return described

    def _committed(self, group: str, partitions: list[TopicPartition]) -> dict[str, PartitionOffsets]:
        """Where group has committed on these partitions.

        Asked through a consumer of the group that never joins it: the admin API's offset listing
        crashes librdkafka when the group's coordinator moves (NOT_COORDINATOR)."""
        if group not in self.offset_readers:
            # read_uncommitted: not made to wait while a transaction's offsets are pending
            self.offset_readers[group] = Consumer(
                client_config(self.settings) | QUIET | {"group.id": group, "isolation.level": "read_uncommitted"}
            )
        committed: dict[str, dict[int, int]] = {}
        for tp in self.offset_readers[group].committed(partitions, timeout=self.timeout_s) if partitions else []:
            if tp.error is None and tp.offset >= 0:
                committed.setdefault(tp.topic, {})[tp.partition] = tp.offset
        return dict(committed)

    def _topics(self, partitions: list[TopicPartition]) -> dict[str, TopicOffsets]:
        if not partitions:
            return {}
        start = self._offsets(partitions, OffsetSpec.earliest())  # type: ignore[no-untyped-call]
        end = self._offsets(partitions, OffsetSpec.latest())  # type: ignore[no-untyped-call]
        names = dict.fromkeys(tp.topic for tp in partitions)
        return {name: TopicOffsets(start.get(name, {}), end.get(name, {})) for name in names}

    def _offsets(self, partitions: list[TopicPartition], spec: OffsetSpec) -> dict[str, PartitionOffsets]:
        futures = self.admin.list_offsets(
            {tp: spec for tp in partitions},
            isolation_level=IsolationLevel.READ_COMMITTED,
            request_timeout=self.timeout_s,
        )
        found: dict[str, dict[int, int]] = {}
        for tp, future in futures.items():
            found.setdefault(tp.topic, {})[tp.partition] = future.result(self.timeout_s).offset
        return dict(found)

    def close(self) -> None:
        for reader in self.offset_readers.values():
            reader.close()
        self.tail.close()
        self.http.close()
