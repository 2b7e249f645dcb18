"""Near duplicates across 6 partitions and 2 stream workers, one of them restarted half way."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from confluent_kafka import Message, TopicPartition

from pipeline.codec import decode, encode
from pipeline.config import Settings
from pipeline.dedup import DedupStores, judge
from pipeline.kafka import clients
from pipeline.kafka.admin import ensure_topics
from pipeline.models import Article, DedupVerdict, UniqueArticle
from pipeline.partitioning import key_partition
from pipeline.runner import start_process, stop_process
from pipeline.topology import Topology
from tests.dedup_corpus import corpus
from tests.integration.conftest import read_topic, wait_for

pytestmark = pytest.mark.integration

PARTITIONS = 6


def produce(settings: Settings, placed: list[tuple[Article, int]]) -> None:
    producer = clients.producer(settings)
    tracker = clients.DeliveryTracker()
    topic = Topology.from_settings(settings).name("articles")
    for article, partition in placed:
        producer.produce(
            topic, key=article.article_id.encode(), value=encode(article), partition=partition, on_delivery=tracker
        )
    tracker.flush(producer)


def collect_verdicts(settings: Settings, wanted: set[str], *, timeout_s: float) -> list[DedupVerdict]:
    """Every verdict on the unique and duplicates topics, once each wanted article has one (or the deadline passed)."""
    topology = Topology.from_settings(settings)
    consumer = clients.consumer(settings, f"reader-{uuid.uuid4().hex}")
    topics = {topology.name("unique"): UniqueArticle, topology.name("duplicates"): DedupVerdict}
    consumer.assign([TopicPartition(t, p, 0) for t in topics for p in range(settings.partitions)])
    found: list[DedupVerdict] = []
    deadline = time.monotonic() + timeout_s
    try:
        while not wanted <= {v.article_id for v in found} and time.monotonic() < deadline:
            message = consumer.poll(0.5)
            if message is None or message.error():
                continue
            value = decode(topics[message.topic()], message.value())
            found.append(value.dedup if isinstance(value, UniqueArticle) else value)
    finally:
        consumer.close()
    return found


def offline_verdicts(articles: list[Article]) -> dict[str, tuple[str, str | None]]:
    stores, now = DedupStores(), datetime.now(UTC)
    return {a.article_id: _summary(judge(a, stores, now=now)) for a in articles}


def _summary(verdict: DedupVerdict) -> tuple[str, str | None]:
    return verdict.verdict, verdict.duplicate_of


def test_near_duplicates_meet_across_partitions_and_survive_a_worker_restart(
    settings: Settings, tmp_path: Path
) -> None:
    prefix = f"d{uuid.uuid4().hex[:10]}."
    config = settings.model_copy(update={"partitions": PARTITIONS, "topic_prefix": prefix})
    topology = Topology.from_settings(config)
    ensure_topics(config, topology)
    pairs, singles = corpus(40, 200)
    # The two copies of a pair go to partitions three apart, so they never share one.
    first = [(o, i % PARTITIONS) for i, (o, _) in enumerate(pairs)] + [
        (a, i % PARTITIONS) for i, a in enumerate(singles)
    ]
    second = [(c, (i + 3) % PARTITIONS) for i, (_, c) in enumerate(pairs)]

    logs = [tmp_path / "worker-0.log", tmp_path / "worker-1.log"]
    workers = [start_process("worker", config, logs[0])]
    try:
        _await_ready(logs[0], 1)
        workers.append(start_process("worker", config, logs[1]))
        produce(config, first)
        half = read_topic(config, topology.name("unique"), UniqueArticle, count=len(first) // 2, timeout_s=240)
        assert len(half) >= len(first) // 2, _tails(logs)
        assert stop_process(workers[1]) == 0 or workers[1].returncode is not None
        restarted = _ready_count(logs[1])
        workers[1] = start_process("worker", config, logs[1])
        _await_ready(logs[1], restarted + 1)
        produce(config, second)
        every = [a for a, _ in first + second]
        verdicts = collect_verdicts(config, {a.article_id for a in every}, timeout_s=300)
    finally:
        for worker in workers:
            stop_process(worker)

    missing = {a.article_id for a in every} - {v.article_id for v in verdicts}
    assert not missing, f"{len(missing)} articles without a verdict\n{_tails(logs)}"
    got: dict[str, tuple[str, str | None]] = {}
    for verdict in verdicts:
        assert got.setdefault(verdict.article_id, _summary(verdict)) == _summary(verdict), "two verdicts differ"
    duplicates = [v for v in verdicts if v.verdict != "unique"]

    found = [c for o, c in pairs if got[c.article_id] == ("near-duplicate", o.article_id)]
    assert len(found) / len(pairs) >= 0.95
    assert all(got[a.article_id][0] == "unique" for a, _ in first), "a distinct article was marked duplicate"
    assert all(d.similarity is not None and d.similarity >= config.dedup_threshold for d in duplicates)
    assert got == offline_verdicts(every)


def _ready_count(log: Path) -> int:
    return log.read_text(errors="replace").count("partitions assigned") if log.exists() else 0


def _await_ready(log: Path, times: int) -> None:
    """Wait until a worker has been given partitions n times (joined the group, or joined again)."""
    wait_for(lambda: _ready_count(log) >= times, timeout_s=120, what=f"{log.name} ready {times} times")


def _tails(logs: list[Path]) -> str:
    return "\n".join(log.read_text(errors="replace")[-2000:] for log in logs if log.exists())


def test_band_groups_land_where_the_default_partitioner_puts_each_band_key(settings: Settings) -> None:
    """Bands sent together to the partition we compute meet the bands sent alone by key."""
    prefix = f"p{uuid.uuid4().hex[:10]}."
    config = settings.model_copy(update={"partitions": PARTITIONS, "topic_prefix": prefix})
    topology = Topology.from_settings(config)
    ensure_topics(config, topology)
    keys = [f"{band}:{uuid.uuid4().hex[:16]}" for band in range(200)]
    placed: dict[str, int] = {}

    def delivered(err: object, msg: Message) -> None:
        assert err is None, err
        placed[msg.key().decode()] = msg.partition()

    producer = clients.producer(config)
    for key in keys:
        producer.produce(topology.name("dedup_bands"), key=key.encode(), value=b"{}", on_delivery=delivered)
    assert producer.flush(30) == 0
    assert placed == {key: key_partition(key, topology.partitions_of("dedup_bands")) for key in keys}
    assert len(set(placed.values())) == PARTITIONS
