"""Helpers for tests against the real broker: free ports, reading topics, waiting on conditions."""

from __future__ import annotations

import socket
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from confluent_kafka import TopicPartition

from pipeline.broker import LocalBroker
from pipeline.codec import decode
from pipeline.config import Settings
from pipeline.kafka import clients
from pipeline.models import Contract

M = TypeVar("M", bound=Contract)


def deployment_settings(bootstrap: str, tmp_path: Path, **overrides: Any) -> Settings:
    """Settings of a fresh deployment on a broker: its own topics, groups and app id, a small
    partition count and a short session timeout."""
    defaults: dict[str, Any] = {
        "topic_prefix": f"t{uuid.uuid4().hex[:10]}.",
        "partitions": 3,
        "session_timeout_s": 6.0,
        "cache_dir": tmp_path / "cache",
        "metrics_port": 0,
    }
    return Settings(bootstrap_servers=bootstrap, **(defaults | overrides))


def broker_on_free_ports(directory: Path, **options: Any) -> LocalBroker:
    """A broker of a test's own on free ports (the session broker is shared)."""
    return LocalBroker(
        directory, free_port(), free_port(), libs_cache=Settings().cache_dir, start_timeout_s=120, **options
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _bindable(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def free_ports(count: int) -> int:
    """The first of ``count`` consecutive free ports: workers started together serve metrics on them."""
    port = free_port()
    while not all(_bindable(port + i) for i in range(1, count)):
        port = free_port()
    return port


def free_port_pair() -> int:
    """A free port whose successor is free too."""
    return free_ports(2)


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
