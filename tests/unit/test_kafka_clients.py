"""Every client's connection settings (TLS, SASL) and its log, rate-limited: pure, no broker."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from confluent_kafka import Consumer, KafkaException
from pydantic import ValidationError

from pipeline.config import Settings, describe_invalid
from pipeline.kafka.clients import RateLimit, admin_client, consumer_config, producer_config, security_config
from pipeline.kafka.groups import stream_consumer_config


def test_plaintext_by_default_with_no_credentials() -> None:
    assert security_config(Settings()) == {"security.protocol": "plaintext"}


def test_sasl_ssl_settings_reach_producers_and_consumers_alike(tmp_path: Path) -> None:
    ca = tmp_path / "ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\n")
    settings = Settings(
        kafka_security_protocol="SASL_SSL",
        kafka_sasl_mechanism="SCRAM-SHA-512",
        kafka_sasl_username="ingest",
        kafka_sasl_password="s3cret",  # noqa: S106 - a test credential
        kafka_ssl_ca_file=ca,
    )
    wanted = {
        "security.protocol": "sasl_ssl",
        "sasl.mechanism": "SCRAM-SHA-512",
        "sasl.username": "ingest",
        "sasl.password": "s3cret",
        "ssl.ca.location": str(ca),
    }
    assert security_config(settings) == wanted
    for config in (producer_config(settings), consumer_config(settings, "g")):
        assert wanted.items() <= config.items()
        assert config["logger"].name == "pipeline.kafka.client"
    assert "s3cret" not in repr(settings), "the password is never printed with the settings"


def test_the_admin_client_takes_the_same_settings() -> None:
    # past the settings' own check (model_copy does not validate): librdkafka refuses the mechanism,
    # so the admin client was given it
    unchecked = {"kafka_security_protocol": "SASL_PLAINTEXT", "kafka_sasl_mechanism": "NOPE-MECH"}
    with pytest.raises(KafkaException, match="NOPE-MECH"):
        admin_client(Settings().model_copy(update=unchecked))


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"NEWS_INGEST_KAFKA_SECURITY_PROTOCOL": "SASL_SSL"}, "NEWS_INGEST_KAFKA_SASL_USERNAME"),
        ({"NEWS_INGEST_KAFKA_SASL_USERNAME": "ingest"}, "NEWS_INGEST_KAFKA_SECURITY_PROTOCOL=SASL_PLAINTEXT"),
        ({"NEWS_INGEST_KAFKA_SECURITY_PROTOCOL": "TLS"}, "NEWS_INGEST_KAFKA_SECURITY_PROTOCOL='TLS'"),
        ({"NEWS_INGEST_KAFKA_SECURITY_PROTOCOL": "SSL", "NEWS_INGEST_KAFKA_SSL_CA_FILE": "/no/ca.pem"}, "/no/ca.pem"),
        ({"NEWS_INGEST_PARTITIONS": "abc"}, "NEWS_INGEST_PARTITIONS='abc': Input should be a valid integer"),
    ],
)
def test_incomplete_or_bad_settings_are_refused_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], named: str
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError) as refused:
        Settings()
    line = describe_invalid(refused.value)
    assert named in line
    assert "\n" not in line


def test_a_refused_password_is_not_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWS_INGEST_KAFKA_SASL_PASSWORD", "s3cret")
    with pytest.raises(ValidationError) as refused:
        Settings()
    assert "s3cret" not in describe_invalid(refused.value)


def record(message: str, *args: object) -> logging.LogRecord:
    return logging.LogRecord("pipeline.kafka.client", logging.ERROR, __file__, 1, message, args, None)


def test_the_same_complaint_passes_once_a_minute_with_a_count_of_the_rest() -> None:
    now = [0.0]
    limit = RateLimit(60.0, clock=lambda: now[0])
    refused = "Connect to ipv4#127.0.0.1:%d failed: Connection refused (after %dms in state CONNECT)"
    passed = [limit.filter(record(refused, 9092, ms)) for ms in range(100)]
    assert passed == [True] + [False] * 99
    assert limit.filter(record("1/1 brokers are down")), "another complaint is let through"
    now[0] = 61.0
    again = record(refused, 9092, 3)
    assert limit.filter(again)
    assert again.getMessage().endswith("(99 more like it in the last 60 s)")


@pytest.mark.parametrize("protocol", ["consumer", "classic"])
def test_the_stream_group_protocol_makes_a_consumer_librdkafka_accepts(protocol: str) -> None:
    """Under the consumer protocol the session timeout is the broker's: a consumer given one is refused."""
    settings = Settings(stream_group_protocol=protocol)
    config = consumer_config(settings, settings.app_id, **stream_consumer_config(settings))
    assert ("session.timeout.ms" in config) == (protocol == "classic")
    assert config.get("group.remote.assignor") == ("range" if protocol == "consumer" else None)
    Consumer(config).close()
    with pytest.raises(KafkaException, match="session.timeout.ms"):
        Consumer({**config, "group.protocol": "consumer", "session.timeout.ms": 10_000})
