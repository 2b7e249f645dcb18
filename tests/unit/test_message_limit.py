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


def test_the_faust_app_and_its_tables_changelogs_take_the_limit(settings: Settings) -> None:
    from pipeline.stream.app import build_app

    app = build_app(settings)
    limit = settings.max_message_bytes
    assert (app.conf.producer_max_request_size, app.conf.consumer_max_fetch_size) == (limit, limit)
    tables = list(app.tables.values())
    assert tables
    assert {t.name: t.changelog_topic.config["max.message.bytes"] for t in tables} == {
        t.name: str(limit) for t in tables
    }
