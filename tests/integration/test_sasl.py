"""Workers against a broker that asks for SCRAM-SHA-512 credentials: with them the seeds pass, and
a client without them, or with a wrong password, is refused."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.broker import LocalBroker
from pipeline.config import Settings
from pipeline.kafka.admin import ensure_topics
from pipeline.kafka.clients import KafkaUnreachable
from pipeline.replay import replay
from pipeline.runner import running_workers
from pipeline.topology import Topology
from tests.kafka_helpers import broker_on_free_ports, deployment_settings, free_port
from tests.seeds import SEEDS_DIR

pytestmark = pytest.mark.integration
USER, PASSWORD = "ingest", "scram-test-password"


@pytest.fixture(scope="module")
def sasl_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalBroker]:
    broker = broker_on_free_ports(
        tmp_path_factory.mktemp("sasl-broker"), sasl_port=free_port(), scram_users=((USER, PASSWORD),)
    )
    broker.start()
    yield broker
    broker.stop()


def client_settings(broker: LocalBroker, tmp_path: Path, **security: str) -> Settings:
    return deployment_settings(broker.sasl_bootstrap, tmp_path, kafka_timeout_s=5.0, **security)


def scram(password: str) -> dict[str, str]:
    return {
        "kafka_security_protocol": "SASL_PLAINTEXT",
        "kafka_sasl_mechanism": "SCRAM-SHA-512",
        "kafka_sasl_username": USER,
        "kafka_sasl_password": password,
    }


def test_authenticated_workers_pass_the_seeds(sasl_broker: LocalBroker, tmp_path: Path) -> None:
    settings = client_settings(sasl_broker, tmp_path, **scram(PASSWORD))
    ensure_topics(settings, Topology.from_settings(settings))
    with running_workers(settings, tmp_path / "logs") as workers:
        summary = replay([SEEDS_DIR], settings, timeout_s=240, health_check=workers.check)
    assert (summary.documents, summary.articles, summary.duplicates, summary.dead_letters) == (5, 5, 0, 0)
    assert summary.claims > 0


@pytest.mark.parametrize(
    ("security", "why"),
    [({}, "did not answer"), (scram("wrong-password"), "Authentication failed")],
    ids=["no credentials", "wrong password"],
)
def test_a_client_without_the_credentials_is_refused(
    sasl_broker: LocalBroker, tmp_path: Path, security: dict[str, str], why: str
) -> None:
    settings = client_settings(sasl_broker, tmp_path, **security)
    started = time.monotonic()
    with pytest.raises(KafkaUnreachable, match=why):
        ensure_topics(settings, Topology.from_settings(settings))
    assert time.monotonic() - started < settings.kafka_timeout_s + 3
