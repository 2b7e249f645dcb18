"""A rebalance served while the stream loop holds a batch can end that batch's transaction
(``Committer.drop`` finishes a commit under way for partitions taken away): the loop's next turn
then has nothing to commit, and goes on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from confluent_kafka import TopicPartition

from pipeline.config import Settings
from pipeline.kafka.transactions import Batch, Committer
from pipeline.stream.runtime import StreamLoop
from pipeline.topology import Topology


class Producer:
    def __init__(self) -> None:
        self.calls: list[str] = []

    def commit_transaction(self, *_: Any) -> None:
        self.calls.append("commit")


class RebalancingConsumer:
    """Takes partition 0 of the source away on the first consume, as a rebalance does."""

    def __init__(self, topic: str) -> None:
        self.topic = topic
        self.loop: StreamLoop | None = None
        self.paused: list[TopicPartition] = []

    def assignment(self) -> list[TopicPartition]:
        return [TopicPartition(self.topic, 0)]

    def pause(self, partitions: list[TopicPartition]) -> None:
        self.paused = partitions

    def resume(self, partitions: list[TopicPartition]) -> None:
        self.paused = []

    def consume(self, **_: Any) -> list[Any]:
        assert self.loop is not None
        self.loop.revoked(self, [TopicPartition(self.topic, 0)])  # type: ignore[arg-type]
        return []


def test_a_held_batch_ended_by_a_rebalance_leaves_nothing_to_commit(tmp_path: Path) -> None:
    settings = Settings(cache_dir=tmp_path, stall_after_s=0)
    topology = Topology.from_settings(settings)
    source = topology.name("articles")
    consumer, producer = RebalancingConsumer(source), Producer()
    committer = Committer(producer, consumer, topology)  # type: ignore[arg-type]
    loop = StreamLoop(settings, topology, [], consumer, committer)  # type: ignore[arg-type]
    consumer.loop = loop
    # a commit that timed out (the broker away) is under way for the held batch
    committer.batch = Batch(outputs={}, offsets={(source, 0): 7})
    committer.phase, committer.produced, committer.sent = "committing", True, True

    assert loop.step() == 0
    assert producer.calls == ["commit"]  # drop finished the commit under way
    assert committer.batch is None
    assert committer.phase == "idle"
