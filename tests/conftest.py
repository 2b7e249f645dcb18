"""Fixtures shared by every test that needs Kafka: one real broker per test session."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.broker import LocalBroker
from pipeline.config import Settings
from pipeline.kafka.admin import ensure_topics
from pipeline.topology import Topology
from tests.kafka_helpers import deployment_settings, free_port
from tests.postgres import PostgresServer, running_server


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
    """Settings of a fresh deployment: its own topics, groups and app id."""
    config = deployment_settings(broker.bootstrap, tmp_path)
    ensure_topics(config, Topology.from_settings(config))
    return config


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One real PostgreSQL server per test session (skips, naming the package, where there is none)."""
    with running_server() as server:
        if isinstance(server, str):
            pytest.skip(server)
        yield server


@pytest.fixture
def postgres_dsn(postgres_server: PostgresServer) -> str:
    """A fresh database of the session's server."""
    return postgres_server.new_database()
