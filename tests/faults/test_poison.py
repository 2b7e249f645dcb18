"""Poison records on every topic a worker reads (not JSON, the wrong shape, an unknown
``schema_version``, an empty value, a tombstone, a record near the size limit): each becomes one
dead letter with its reason, the workers stay alive, and the documents after them come through."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from confluent_kafka import Producer

from pipeline.config import Settings
from pipeline.kafka import clients
from pipeline.models import Capture, DeadLetter, stable_id
from pipeline.replay import replay
from pipeline.runner import running_workers
from pipeline.topology import Role, Topology
from tests.integration.conftest import read_topic
from tests.seeds import SEEDS_DIR

pytestmark = pytest.mark.integration

# every topic an agent of the stream worker or a fetch worker consumes
READ: tuple[Role, ...] = (
    "captures",
    "fetch",
    "fetch_retry",
    "articles",
    "dedup_keyed",
    "dedup_bands",
    "dedup_decide",
    "unique",
    "enriched",
    "stories_in",
)


def poisons(limit: int) -> list[tuple[str, bytes | None]]:
    capture = Capture(capture_id="c", source="s", content_type="text/plain", body="x").model_dump(mode="json")
    return [
        ("not json", b"{not json"),
        ("wrong shape", orjson.dumps({"hello": "world"})),
        ("unknown version", orjson.dumps({**capture, "schema_version": 99})),
        ("empty", b""),
        ("tombstone", None),
        ("near the size limit", b"[" + b" " * (limit - 64 * 1024) + b"]"),
    ]


def produce(producer: Producer, topic: str, key: bytes, value: bytes | None) -> tuple[int, int]:
    """Produce one record and wait for it: its partition and offset."""
    delivered: list[tuple[int, int]] = []

    def done(err: object, msg: object) -> None:
        assert err is None, err
        delivered.append((msg.partition(), msg.offset()))  # type: ignore[attr-defined]

    producer.produce(topic, key=key, value=value, on_delivery=done)
    producer.flush(30)
    return delivered[0]


def test_poison_records_become_dead_letters_and_the_next_documents_come_through(
    settings: Settings, tmp_path: Path
) -> None:
    topology = Topology.from_settings(settings)
    producer = clients.producer(settings)
    with running_workers(settings, tmp_path / "logs") as workers:
        assert replay([SEEDS_DIR], settings, timeout_s=240, health_check=workers.check).articles == 5
        traces = {}
        for role in READ:
            topic = topology.name(role)
            for name, value in poisons(settings.max_message_bytes):
                partition, offset = produce(producer, topic, f"poison-{name}".encode(), value)
                traces[stable_id(topic, str(partition), str(offset))] = (role, name)
        letters = read_topic(settings, topology.name("deadletter"), DeadLetter, count=len(traces), timeout_s=180)
        workers.check()
        # the documents after the poison: new text, so new articles
        fresh = tmp_path / "fresh"
        fresh.mkdir()
        for seed in sorted(SEEDS_DIR.glob("*.txt")):
            (fresh / seed.name).write_text(seed.read_text(encoding="utf-8") + "\n\nA later paragraph.\n")
        after = replay([fresh], settings, timeout_s=240, health_check=workers.check)

    got = {letter.trace_id: letter for letter in letters if letter.trace_id in traces}
    missing = sorted(traces[t] for t in set(traces) - set(got))
    assert not missing, f"no dead letter for {missing}"
    assert all(letter.reason == "undecodable message" for letter in got.values())
    assert len([letter for letter in letters if letter.trace_id in traces]) == len(traces)  # one each
    assert after.documents == 5 and after.dead_letters == 0
