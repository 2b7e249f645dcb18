"""A held batch whose transaction cannot complete (an abort that keeps timing out, as librdkafka
can after an outage) ends the worker once nothing has committed for give_up_s; until then it is
held and tried again."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from confluent_kafka import KafkaError, KafkaException

from pipeline.kafka import transactions
from pipeline.kafka.transactions import Batch, Committer, Record, TransactionFatal
from pipeline.topology import Topology


class WedgedProducer:
    """Commits time out once (the broker away), then every abort times out for ever."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def begin_transaction(self) -> None:
        self.calls.append("begin")

    def produce(self, *_: Any, **__: Any) -> None:
        self.calls.append("produce")

    def send_offsets_to_transaction(self, *_: Any) -> None:
        self.calls.append("offsets")

    def commit_transaction(self, *_: Any) -> None:
        self.calls.append("commit")
        raise KafkaException(KafkaError(KafkaError._INCONSISTENT, "messages failed delivery", txn_requires_abort=True))

    def abort_transaction(self, *_: Any) -> None:
        self.calls.append("abort")
        raise KafkaException(KafkaError(KafkaError._TIMED_OUT, "retry call to resume", retriable=True))


def test_a_wedged_abort_ends_the_worker_after_give_up_s(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = SimpleNamespace(now=100.0)
    monkeypatch.setattr(transactions, "time", SimpleNamespace(monotonic=lambda: clock.now))
    producer = WedgedProducer()
    consumer = SimpleNamespace(consumer_group_metadata=lambda: object())
    committer = Committer(producer, consumer, Topology())  # type: ignore[arg-type]
    committer.give_up_s = 60.0
    batch = Batch(outputs={}, offsets={("t", 0): 5}, records={("t", 0): [Record("t", b"k", b"v")]})

    assert committer.commit(lambda: batch) == 0  # the commit fails: held, to be aborted
    assert committer.batch is batch and committer.phase == "aborting"
    for _ in range(5):
        clock.now += 10.0
        assert committer.commit(lambda: None, wait=False) == 0  # the abort times out: still held
    assert committer.batch is batch
    clock.now += 15.0
    with pytest.raises(TransactionFatal):
        committer.commit(lambda: None, wait=False)
    assert producer.calls.count("abort") == 6


def test_without_a_bound_a_held_batch_is_held_for_as_long_as_it_fails() -> None:
    committer = Committer(WedgedProducer(), SimpleNamespace(consumer_group_metadata=lambda: object()), Topology())  # type: ignore[arg-type]
    batch = Batch(outputs={}, offsets={("t", 0): 5})
    for _ in range(20):
        committer.commit(lambda: batch, wait=False)
    assert committer.batch is batch
