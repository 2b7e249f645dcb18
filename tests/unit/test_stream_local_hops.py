"""Hops between the stream's own agents to partitions the worker holds are handled in the batch
that sent them, in its transaction; a rebalance that would split such a batch ends the worker."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from confluent_kafka import TopicPartition

from pipeline.codec import decode, encode
from pipeline.config import Settings
from pipeline.kafka.transactions import Batch, Committer, Record, TransactionFatal
from pipeline.models import Article, DedupVerdict, UniqueArticle
from pipeline.partitioning import key_partition
from pipeline.stream.dedup import DedupStage
from pipeline.stream.guard import Sent
from pipeline.stream.local_hops import Hops, LocalHop
from pipeline.stream.runtime import StreamLoop
from pipeline.topology import Role, Topology
from tests.dedup_corpus import corpus

PARTITIONS = 3


def name(role: Role) -> str:
    return f"p.{role}"


def test_sends_to_held_partitions_of_internal_topics_stay_in_process_in_order() -> None:
    key = "abc"
    by_key = key_partition(key, PARTITIONS)
    hops = Hops(
        {name("dedup_bands"): PARTITIONS, name("dedup_decide"): PARTITIONS},
        frozenset({(name("dedup_bands"), 1), (name("dedup_decide"), by_key), (name("unique"), 0)}),
    )
    sent = [
        Sent("dedup_bands", b"k1", b"1", partition=1),
        Sent("dedup_bands", b"k2", b"2", partition=2),  # a partition held elsewhere
        Sent("dedup_decide", key.encode(), b"3"),  # placed by its key
        Sent("unique", b"u", b"4", partition=0),  # held, but read by others too: always produced
        Sent("dedup_bands", b"k3", b"5", partition=1),
    ]
    produced, local = hops.split(sent, name)
    assert local == [
        LocalHop("dedup_bands", name("dedup_bands"), 1, b"1"),
        LocalHop("dedup_decide", name("dedup_decide"), by_key, b"3"),
        LocalHop("dedup_bands", name("dedup_bands"), 1, b"5"),
    ]
    assert produced == [Record(name("dedup_bands"), b"k2", b"2", 2), Record(name("unique"), b"u", b"4", 0)]


def test_a_batch_splits_only_when_part_of_what_it_joined_goes() -> None:
    batch = Batch(outputs={}, offsets={("a", 0): 1, ("c", 2): 5}, joined={("a", 0), ("b", 1)})
    assert batch.splits([("b", 1)])
    assert not batch.splits([("a", 0), ("b", 1), ("c", 2)])
    assert not batch.splits([("c", 2)])
    assert not Batch(outputs={}, offsets={("a", 0): 1}).splits([("a", 0)])


class Message:
    def __init__(self, topic: str, partition: int, offset: int, value: bytes) -> None:
        self._at, self._value = (topic, partition, offset), value

    def error(self) -> None:
        return None

    def topic(self) -> str:
        return self._at[0]

    def partition(self) -> int:
        return self._at[1]

    def offset(self) -> int:
        return self._at[2]

    def value(self) -> bytes:
        return self._value


class Consumer:
    def __init__(self, held: list[tuple[str, int]]) -> None:
        self.held = held

    def assignment(self) -> list[TopicPartition]:
        return [TopicPartition(topic, partition) for topic, partition in self.held]


def dedup_loop(tmp_path: Path, *, every_partition: bool, local_hops: bool = True) -> tuple[StreamLoop, Topology]:
    settings = Settings(cache_dir=tmp_path, stall_after_s=0, partitions=PARTITIONS, stream_local_hops=local_hops)
    topology = Topology.from_settings(settings)
    agents = DedupStage(settings).agents()
    roles = [agent.source for agent in agents] if every_partition else ["articles"]
    consumer = Consumer([(topology.name(role), p) for role in roles for p in range(PARTITIONS)])
    loop = StreamLoop(settings, topology, agents, consumer, Committer(None, consumer, topology))  # type: ignore[arg-type]
    return loop, topology


def article_messages(topology: Topology, articles: list[Article]) -> list[Any]:
    topic = topology.name("articles")
    return [
        Message(topic, key_partition(a.article_id, PARTITIONS), offset, encode(a)) for offset, a in enumerate(articles)
    ]


def records_of(batch: Batch) -> list[Record]:
    return [record for records in batch.records.values() for record in records]


def test_a_worker_holding_every_partition_decides_a_batch_of_articles_in_it(tmp_path: Path) -> None:
    [(original, copy)], singles = corpus(1, 2)
    articles = [original, *singles, copy]
    loop, topology = dedup_loop(tmp_path, every_partition=True)
    batch = loop.process(article_messages(topology, articles))

    records = records_of(batch)
    internal = {topology.name(r) for r in ("dedup_keyed", "dedup_bands", "dedup_decide")}
    assert not [r for r in records if r.topic in internal]
    unique = [decode(UniqueArticle, r.value or b"") for r in records if r.topic == topology.name("unique")]
    assert sorted(u.article.article_id for u in unique) == sorted(a.article_id for a in [original, *singles])
    [verdict] = [decode(DedupVerdict, r.value or b"") for r in records if r.topic == topology.name("duplicates")]
    assert (verdict.article_id, verdict.verdict, verdict.duplicate_of) == (
        copy.article_id,
        "near-duplicate",
        original.article_id,
    )
    # every hop joined the partitions of its ends; the offsets are the articles' only
    assert set(batch.offsets) <= batch.joined
    assert {topic for topic, _ in batch.joined} == {topology.name("articles"), *internal}
    changelogs = {r.topic for r in records if r.topic.endswith("-changelog")}
    assert {"dedup-urls", "dedup-content-hashes", "dedup-bands", "dedup-pending"} == {
        t.rsplit("-", 1)[0].split("news-ingest-", 1)[1] for t in changelogs
    }


@pytest.mark.parametrize(("every_partition", "local_hops"), [(False, True), (True, False)])
def test_hops_to_partitions_held_elsewhere_or_with_the_setting_off_are_produced(
    tmp_path: Path, every_partition: bool, local_hops: bool
) -> None:
    [(original, copy)], _ = corpus(1, 0)
    loop, topology = dedup_loop(tmp_path, every_partition=every_partition, local_hops=local_hops)
    batch = loop.process(article_messages(topology, [original, copy]))

    topics = {r.topic for r in records_of(batch)}
    assert topology.name("dedup_keyed") in topics
    assert topology.name("unique") not in topics
    assert not batch.joined


class Producer:
    def __init__(self) -> None:
        self.calls: list[str] = []

    def abort_transaction(self, *_: Any) -> None:
        self.calls.append("abort")

    def commit_transaction(self, *_: Any) -> None:
        self.calls.append("commit")


class RebalancingConsumer(Consumer):
    """Takes the given partitions away on the first consume, as a rebalance does."""

    def __init__(self, held: list[tuple[str, int]], taken: list[tuple[str, int]]) -> None:
        super().__init__(held)
        self.taken = taken
        self.loop: StreamLoop | None = None

    def pause(self, _partitions: list[TopicPartition]) -> None: ...

    def consume(self, **_: Any) -> list[Any]:
        assert self.loop is not None
        self.loop.revoked(self, [TopicPartition(t, p) for t, p in self.taken])  # type: ignore[arg-type]
        return []


def held_joined_batch(tmp_path: Path, taken: list[tuple[str, int]]) -> tuple[StreamLoop, Producer, Committer]:
    settings = Settings(cache_dir=tmp_path, stall_after_s=0)
    topology = Topology.from_settings(settings)
    articles, bands = topology.name("articles"), topology.name("dedup_bands")
    consumer, producer = RebalancingConsumer([(articles, 0), (bands, 1)], taken), Producer()
    committer = Committer(producer, consumer, topology)  # type: ignore[arg-type]
    loop = StreamLoop(settings, topology, [], consumer, committer)  # type: ignore[arg-type]
    consumer.loop = loop
    # a batch whose transaction is open with its records produced, held while the broker is away
    committer.batch = Batch(
        outputs={},
        offsets={(articles, 0): 7},
        records={(articles, 0): [Record("out", b"k", b"v")], (bands, 1): [Record("changelog", b"k", b"v", 1)]},
        joined={(articles, 0), (bands, 1)},
    )
    committer.phase, committer.produced = "open", True
    return loop, producer, committer


def test_a_rebalance_taking_one_end_of_a_held_batchs_hops_aborts_it_and_ends_the_worker(tmp_path: Path) -> None:
    settings = Settings(cache_dir=tmp_path)
    bands = Topology.from_settings(settings).name("dedup_bands")
    loop, producer, committer = held_joined_batch(tmp_path, [(bands, 1)])

    with pytest.raises(TransactionFatal):
        loop.step()
    assert producer.calls == ["abort"]
    assert committer.batch is not None and committer.batch.empty and not committer.batch.records


def test_a_rebalance_taking_every_partition_a_held_batch_joined_drops_it_as_any_other(tmp_path: Path) -> None:
    topology = Topology.from_settings(Settings(cache_dir=tmp_path))
    taken = [(topology.name("articles"), 0), (topology.name("dedup_bands"), 1)]
    loop, producer, committer = held_joined_batch(tmp_path, taken)

    assert loop.step() == 0
    assert producer.calls == ["abort"]
    assert not loop.split_held
