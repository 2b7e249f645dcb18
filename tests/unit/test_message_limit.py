"""One Kafka message limit, derived from the document limit, in every client, topic and table."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import Settings
from pipeline.kafka.clients import consumer_config, producer_config
from pipeline.topology import SPECS, Topology

DOCUMENT_LIMIT = 3 * 1024 * 1024


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """A deployment whose document limit is not the default, so nothing can pass by using the default."""
    return Settings(bootstrap_servers="127.0.0.1:1", max_document_bytes=DOCUMENT_LIMIT, cache_dir=tmp_path)


def test_the_message_limit_leaves_room_for_an_enriched_article_of_the_largest_document() -> None:
    settings = Settings()
    assert settings.max_document_bytes == 10 * 1024 * 1024
    assert settings.max_message_bytes == 4 * settings.max_document_bytes
    assert Settings(max_document_bytes=DOCUMENT_LIMIT).max_message_bytes == 4 * DOCUMENT_LIMIT


def test_a_document_limit_kafka_could_not_carry_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWS_INGEST_MAX_DOCUMENT_BYTES", str(64 * 1024 * 1024))
    with pytest.raises(ValueError, match="max_document_bytes"):
        Settings()


def test_confluent_kafka_clients_take_the_limit(settings: Settings) -> None:
    limit = settings.max_message_bytes
    assert producer_config(settings)["message.max.bytes"] == limit
    consumer = consumer_config(settings, "g")
    assert (consumer["fetch.max.bytes"], consumer["max.partition.fetch.bytes"]) == (limit, limit)


def test_every_topic_takes_the_limit(settings: Settings) -> None:
    topology = Topology.from_settings(settings)
    sizes = {spec.role: topology.config(spec.role)["max.message.bytes"] for spec in SPECS}
    assert set(sizes.values()) == {str(settings.max_message_bytes)}
    assert topology.config("claims")["cleanup.policy"] == "compact,delete"


def test_the_stream_tables_changelogs_take_the_limit(settings: Settings) -> None:
    from pipeline.stream import app, runtime

    agents, _ = app.build(settings)
    tables = [agent.table for agent in agents if agent.table is not None]
    assert len(tables) == 5
    topology = Topology.from_settings(settings)
    limits = {runtime.changelog_config(topology, table)["max.message.bytes"] for table in tables}
    assert limits == {str(settings.max_message_bytes)}


def test_a_stream_output_over_the_limit_is_refused_before_kafka_sees_it() -> None:
    from pipeline.models import DeadLetter
    from pipeline.stream.guard import MessageTooLarge, Outbox

    letter = DeadLetter.create(trace_id="t", stage="stream", source="s", reason="r")
    outbox = Outbox(limit=200)
    outbox.send("deadletter", "t", letter)
    with pytest.raises(MessageTooLarge, match="200-byte limit"):
        outbox.send("deadletter", "t", letter.model_copy(update={"reason": "x" * 300}))
    assert len(outbox.take()) == 1
