"""Taking snapshots of a running pipeline: offsets from Kafka's admin API, the workers' /metrics
over HTTP, the results topics through a ``ResultsTail``. Shared by ``top`` and the dashboard."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

import httpx
from confluent_kafka import ConsumerGroupTopicPartitions, IsolationLevel, KafkaException, TopicPartition
from confluent_kafka.admin import OffsetSpec  # type: ignore[attr-defined]

from pipeline.config import Settings
from pipeline.kafka.admin import admin_client
from pipeline.kafka.groups import pipeline_groups
from pipeline.topology import Topology
from pipeline.views import metrics_text
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
        self.admin = admin_client(settings)
        self.http = httpx.Client(timeout=min(timeout_s, 2.0))
        self.tail = ResultsTail(settings, self.topology)

    def snapshot(self, results_budget_s: float = 0.5) -> Snapshot:
        """Offsets and /metrics as they are now, and what the results topics held within
        results_budget_s of reading (they are read from their start, so the first may take longer)."""
        taken_at = self.clock()
        workers = tuple(scrape(self.http, target) for target in self.targets)
        try:
            groups = tuple(self._group(group) for group in self.groups)
            topics = self._topics(groups)
            self.tail.poll(results_budget_s, self.timeout_s)
        except KafkaException as exc:
            return Snapshot(taken_at, {}, (), workers, self.tail.results.digest(), kafka_error=str(exc.args[0]))
        return Snapshot(taken_at, topics, groups, workers, self.tail.results.digest())

    def _group(self, group: str) -> GroupOffsets:
        request = [ConsumerGroupTopicPartitions(group)]
        listed = self.admin.list_consumer_group_offsets(request, request_timeout=self.timeout_s)[group]
        committed: dict[str, dict[int, int]] = {}
        for tp in listed.result(self.timeout_s).topic_partitions or []:
            if tp.error is None and tp.offset >= 0:
                committed.setdefault(tp.topic, {})[tp.partition] = tp.offset
        described = self.admin.describe_consumer_groups([group], request_timeout=self.timeout_s)[group]
        description = described.result(self.timeout_s)
        return GroupOffsets(group, description.state.name, len(description.members), committed)

    def _topics(self, groups: tuple[GroupOffsets, ...]) -> dict[str, TopicOffsets]:
        metadata = self.admin.list_topics(timeout=self.timeout_s).topics
        wanted = [name for name, _, _ in self.topology.all()]
        wanted += sorted({t for g in groups for t in g.committed} - set(wanted))
        partitions = [
            TopicPartition(name, p) for name in wanted if name in metadata for p in sorted(metadata[name].partitions)
        ]
        if not partitions:
            return {}
        start = self._offsets(partitions, OffsetSpec.earliest())  # type: ignore[no-untyped-call]
        end = self._offsets(partitions, OffsetSpec.latest())  # type: ignore[no-untyped-call]
        return {
            name: TopicOffsets(start.get(name, {}), end.get(name, {}))
            for name in wanted
            if name in start or name in end
        }

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
        self.tail.close()
        self.http.close()
