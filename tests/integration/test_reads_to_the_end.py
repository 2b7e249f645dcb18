"""A table restored from its changelog reads to where the log ends, not to where a read_committed
client is told it ends: a transaction whose commit has returned while the broker still writes its
markers is read, and one whose producer is gone is left out after a short wait, not waited for
until the broker aborts it."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable
from itertools import islice

import pytest
from confluent_kafka import Message, Producer, TopicPartition

from pipeline.config import Settings
from pipeline.kafka import clients
from pipeline.kafka.admin import OPEN_TRANSACTION_WAIT_S, log_ends, read_partitions
from pipeline.topology import Topology

pytestmark = pytest.mark.integration


def transactional(settings: Settings) -> Producer:
    producer = clients.producer(settings, **{"transactional.id": f"test-{uuid.uuid4().hex}"})
    producer.init_transactions(30)
    return producer


def write(producer: Producer, topic: str, keys: list[str], *, commit: bool) -> None:
    producer.begin_transaction()
    for key in keys:
        producer.produce(topic, key=key.encode(), value=b"v", partition=0)
    assert producer.flush(30) == 0
    if commit:
        producer.commit_transaction(30)


def keys_of(records: Iterable[Message]) -> list[str]:
    return [(record.key() or b"").decode() for record in records]


def test_a_transaction_committing_while_the_reader_is_at_it_is_read(settings: Settings) -> None:
    topic = Topology.from_settings(settings).name("unique")
    write(transactional(settings), topic, ["a", "b"], commit=True)
    late = transactional(settings)
    write(late, topic, ["c", "d"], commit=False)
    where = TopicPartition(topic, 0)
    # two records, a commit marker, two records of the open transaction
    assert log_ends(settings, "test-reader", [where], time.monotonic() + 30) == {(topic, 0): 5}
    reader = read_partitions(settings, [where], time.monotonic() + 60, "test-reader")
    first = keys_of(islice(reader, 2))
    late.commit_transaction(30)
    assert first + keys_of(reader) == ["a", "b", "c", "d"]


def test_a_transaction_left_open_is_left_out_after_a_short_wait(settings: Settings) -> None:
    topic = Topology.from_settings(settings).name("unique")
    write(transactional(settings), topic, ["a"], commit=True)
    gone = transactional(settings)
    write(gone, topic, ["x"], commit=False)
    started = time.monotonic()
    try:
        read = keys_of(read_partitions(settings, [TopicPartition(topic, 0)], started + 60, "test-reader"))
        waited = time.monotonic() - started
    finally:
        gone.abort_transaction(30)
    assert read == ["a"]
    assert waited >= OPEN_TRANSACTION_WAIT_S  # it did wait for the transaction to end
