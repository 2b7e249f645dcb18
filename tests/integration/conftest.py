"""One real Apache Kafka broker per test session; unique topics and groups per test."""

from __future__ import annotations

import os
import socket
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest
from confluent_kafka import TopicPartition

from pipeline.broker import LocalBroker
from pipeline.codec import decode
from pipeline.config import Settings
from pipeline.kafka import clients
from pipeline.kafka.admin import ensure_topics
from pipeline.models import Contract
from pipeline.topology import Topology

M = TypeVar("M", bound=Contract)

pytestmark = pytest.mark.integration


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalBroker]:
    """The broker the environment names (NEWS_INGEST_BROKER_*), else one on free ports in a temp dir."""
    env = Settings()
    data_dir = env.broker_dir if "NEWS_INGEST_BROKER_DIR" in os.environ else tmp_path_factory.mktemp("broker")
    port = env.broker_port if "NEWS_INGEST_BROKER_PORT" in os.environ else free_port()
    controller = env.controller_port if "NEWS_INGEST_CONTROLLER_PORT" in os.environ else free_port()
    local = LocalBroker(data_dir, port, controller, libs_cache=env.cache_dir, start_timeout_s=120)
    started = local.start()
    yield local
    if started:
        local.stop()


@pytest.fixture
def settings(broker: LocalBroker, tmp_path: Path) -> Settings:
    """Settings of a fresh deployment: its own topics, groups and Faust app id."""
    config = Settings(
        bootstrap_servers=broker.bootstrap,
        topic_prefix=f"t{uuid.uuid4().hex[:10]}.",
        partitions=3,
        session_timeout_s=6.0,
        cache_dir=tmp_path / "cache",
        metrics_port=0,
    )
    ensure_topics(config, Topology.from_settings(config))
    return config


def read_topic(settings: Settings, topic: str, model: type[M], *, count: int, timeout_s: float = 60.0) -> list[M]:
    """Every message of topic from the beginning, once at least count have arrived (or the deadline passed)."""
    consumer = clients.consumer(settings, f"reader-{uuid.uuid4().hex}")
    metadata = consumer.list_topics(topic, timeout=10).topics[topic]
    consumer.assign([TopicPartition(topic, p, 0) for p in metadata.partitions])
    found: list[M] = []
    deadline = time.monotonic() + timeout_s
    try:
        while len(found) < count and time.monotonic() < deadline:
            message = consumer.poll(0.5)
            if message is not None and not message.error():
                found.append(decode(model, message.value()))
    finally:
        consumer.close()
    return found


def wait_for(condition: Callable[[], bool], *, timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s:.0f}s waiting for {what}")
        time.sleep(0.2)
