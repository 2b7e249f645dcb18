"""What the views show, worked out from two snapshots: rates over the time between them, lag from
committed and end offsets, the workers' counters summed. Pure: no Kafka, no HTTP.

Rates from offsets count offsets, as Kafka's own tools do: a transaction's commit marker takes one
in each partition it wrote to. A worker's counter that went down was restarted, and counts from 0."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from prometheus_client import Counter

from pipeline import metrics
from pipeline.views.metrics_text import sample_name, total
from pipeline.views.results import ResultsDigest
from pipeline.views.snapshot import GroupOffsets, PartitionOffsets, Snapshot, TopicOffsets, WorkerScrape

# What the workers count, as the views name it: (name, metric, labels its samples must have).
COUNTS: tuple[tuple[str, Counter, dict[str, str]], ...] = (
    ("fetch messages", metrics.FETCH_MESSAGES, {}),
    ("articles extracted", metrics.EXTRACT_ARTICLES, {}),
    ("unique", metrics.DEDUP_VERDICTS, {"verdict": "unique"}),
    ("updates", metrics.DEDUP_VERDICTS, {"verdict": "update"}),
    ("duplicates", metrics.DEDUP_VERDICTS, {"verdict": "duplicate"}),
    ("near duplicates", metrics.DEDUP_VERDICTS, {"verdict": "near-duplicate"}),
    ("claims", metrics.CLAIMS_FOUND, {}),
    ("articles on stories", metrics.STORIES_ARTICLES, {}),
    ("claim updates", metrics.CLAIM_UPDATES, {}),
    ("enrichment step errors", metrics.ENRICH_ERRORS, {}),
    ("dead letters", metrics.DEAD_LETTERS, {}),
)
START_TIME = "process_start_time_seconds"


@dataclass(frozen=True)
class TopicRow:
    topic: str
    end: int  # offsets summed over partitions
    held: int  # records kept: end minus start
    produced_per_s: float | None
    consumed_per_s: float | None  # the groups' committed offsets moving on, summed


@dataclass(frozen=True)
class LagRow:
    group: str
    topic: str
    committed: int
    end: int
    lag: int
    consumed_per_s: float | None


@dataclass(frozen=True)
class GroupRow:
    group: str
    state: str
    members: int
    lag: int


@dataclass(frozen=True)
class CountRow:
    name: str
    total: float | None  # None: no worker answering reports it
    per_s: float | None


@dataclass(frozen=True)
class WorkerRow:
    target: str
    up: bool
    uptime_s: float | None
    error: str | None


@dataclass(frozen=True)
class Report:
    taken_at: float
    interval_s: float | None  # time since the snapshot the rates are from; None for the first
    topics: tuple[TopicRow, ...]
    lags: tuple[LagRow, ...]
    groups: tuple[GroupRow, ...]
    counts: tuple[CountRow, ...]
    workers: tuple[WorkerRow, ...]
    results: ResultsDigest
    kafka_error: str | None

    @property
    def workers_alive(self) -> int:
        return sum(w.up for w in self.workers)

    def count(self, name: str) -> CountRow:
        return next(c for c in self.counts if c.name == name)


def rate(before: float | None, after: float | None, seconds: float | None) -> float | None:
    """Change per second; None without both values and some time between them."""
    if before is None or after is None or not seconds or seconds <= 0:
        return None
    return (after - before) / seconds


def counter_increase(before: float | None, after: float | None) -> float | None:
    """How much a counter went up; one that went down was restarted and counted ``after`` since."""
    if before is None or after is None:
        return None
    return after - before if after >= before else after


def partition_lag(end: PartitionOffsets, start: PartitionOffsets, committed: PartitionOffsets) -> int:
    """Records a group has still to read: a partition it has not committed on is read from its start."""
    return sum(max(0, last - committed.get(p, start.get(p, 0))) for p, last in end.items())


def _committed_sum(group: GroupOffsets | None, topic: str) -> int | None:
    if group is None or topic not in group.committed:
        return None
    return sum(group.committed[topic].values())


def lag_rows(current: Snapshot, previous: Snapshot | None, seconds: float | None) -> tuple[LagRow, ...]:
    before = {g.group: g for g in previous.groups} if previous else {}
    rows = []
    for group in current.groups:
        for topic, committed in sorted(group.committed.items()):
            offsets = current.topics.get(topic, TopicOffsets({}, {}))
            rows.append(
                LagRow(
                    group=group.group,
                    topic=topic,
                    committed=sum(committed.values()),
                    end=sum(offsets.end.values()),
                    lag=partition_lag(offsets.end, offsets.start, committed),
                    consumed_per_s=rate(
                        _committed_sum(before.get(group.group), topic), sum(committed.values()), seconds
                    ),
                )
            )
    return tuple(rows)


def topic_rows(current: Snapshot, previous: Snapshot | None, lags: tuple[LagRow, ...]) -> tuple[TopicRow, ...]:
    seconds = _seconds(current, previous)
    rows = []
    for topic, offsets in current.topics.items():
        end = sum(offsets.end.values())
        prior = previous.topics.get(topic) if previous else None
        consumed = [row.consumed_per_s for row in lags if row.topic == topic and row.consumed_per_s is not None]
        rows.append(
            TopicRow(
                topic=topic,
                end=end,
                held=end - sum(offsets.start.values()),
                produced_per_s=rate(sum(prior.end.values()) if prior else None, end, seconds),
                consumed_per_s=sum(consumed) if consumed else None,
            )
        )
    return tuple(rows)


def group_rows(current: Snapshot, lags: tuple[LagRow, ...]) -> tuple[GroupRow, ...]:
    return tuple(
        GroupRow(g.group, g.state, g.members, sum(row.lag for row in lags if row.group == g.group))
        for g in current.groups
    )


def count_rows(current: Snapshot, previous: Snapshot | None) -> tuple[CountRow, ...]:
    seconds = _seconds(current, previous)
    before: Mapping[str, WorkerScrape] = {w.target: w for w in previous.workers if w.up} if previous else {}
    up = [w for w in current.workers if w.up]
    rows = []
    for name, metric, labels in COUNTS:
        sample = sample_name(metric)
        now = {w.target: total(w.samples, sample, labels) or 0.0 for w in up}
        increases = [
            counter_increase(total(before[target].samples, sample, labels) or 0.0, value)
            for target, value in now.items()
            if target in before
        ]
        per_s = sum(i for i in increases if i is not None) / seconds if seconds and increases else None
        rows.append(CountRow(name, sum(now.values()) if up else None, per_s))
    return tuple(rows)


def worker_rows(current: Snapshot) -> tuple[WorkerRow, ...]:
    rows = []
    for worker in current.workers:
        started = total(worker.samples, START_TIME) if worker.up else None
        uptime = max(0.0, current.taken_at - started) if started else None
        rows.append(WorkerRow(worker.target, worker.up, uptime, worker.error))
    return tuple(rows)


def _seconds(current: Snapshot, previous: Snapshot | None) -> float | None:
    return current.taken_at - previous.taken_at if previous else None


def report(current: Snapshot, previous: Snapshot | None = None) -> Report:
    """What the views show of current, with rates since previous (none when it is None)."""
    seconds = _seconds(current, previous)
    lags = lag_rows(current, previous, seconds)
    return Report(
        taken_at=current.taken_at,
        interval_s=seconds,
        topics=topic_rows(current, previous, lags),
        lags=lags,
        groups=group_rows(current, lags),
        counts=count_rows(current, previous),
        workers=worker_rows(current),
        results=current.results,
        kafka_error=current.kafka_error,
    )


def as_json(report: Report) -> dict[str, Any]:
    """The report as plain JSON values (the dashboard's endpoint, ``top --json``)."""
    data = dataclasses.asdict(report)
    data["workers_alive"] = report.workers_alive
    for timeline, value in zip(data["results"]["timelines"], report.results.timelines, strict=True):
        timeline["stances"] = list(value.stances)
    return data
