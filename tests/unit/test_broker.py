"""The local broker's pure parts: its cluster id and its configuration."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Callable
from pathlib import Path

from pipeline.broker import LocalBroker, cluster_id, read_properties
from pipeline.config import Settings

# 0xF8 to 0xFB begin with the six bits 111110, base64's 62nd digit: '-' in the URL-safe alphabet.
LEADING_DASH = b"\xfb\xff" + bytes(14)


def draws(*values: bytes) -> Callable[[], bytes]:
    pending = list(values)
    return lambda: pending.pop(0)


def test_an_id_that_would_start_with_a_dash_is_drawn_again() -> None:
    assert base64.urlsafe_b64encode(LEADING_DASH).decode().startswith("-")
    second = uuid.UUID("5a2b0e44-8f0c-4b7e-9a51-0c3d2e1f4a6b").bytes
    found = cluster_id(draws(LEADING_DASH, LEADING_DASH, second))
    assert found == base64.urlsafe_b64encode(second).decode().rstrip("=")


def test_cluster_ids_are_22_url_safe_characters() -> None:
    ids = [cluster_id() for _ in range(500)]
    assert all(len(i) == 22 and not i.startswith("-") for i in ids)
    assert all(set(i) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") for i in ids)
    assert len(set(ids)) == len(ids)


def test_the_broker_config_names_its_ports_data_and_the_message_limit(tmp_path: Path) -> None:
    settings = Settings(broker_dir=tmp_path, broker_port=41001, controller_port=41002, max_document_bytes=5_000_000)
    config = LocalBroker.from_settings(settings).server_config()
    properties = dict(line.split("=", 1) for line in config.splitlines() if line and not line.startswith("#"))
    assert properties["listeners"] == "PLAINTEXT://127.0.0.1:41001,CONTROLLER://127.0.0.1:41002"
    assert properties["log.dirs"] == str(tmp_path / "kraft-logs")
    assert properties["message.max.bytes"] == properties["replica.fetch.max.bytes"] == "20000000"
    assert "{" not in config


def test_the_default_broker_has_only_its_plaintext_listener(tmp_path: Path) -> None:
    config = read_properties(LocalBroker(tmp_path, 19092, 19093, tmp_path).server_config())
    assert config["listeners"] == "PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093"
    assert "sasl.enabled.mechanisms" not in config


def test_a_sasl_listener_is_added_beside_the_plaintext_one(tmp_path: Path) -> None:
    plain = LocalBroker(tmp_path, 19092, 19093, tmp_path).server_config()
    text = LocalBroker(tmp_path, 19092, 19093, tmp_path, sasl_port=19094).server_config()
    config = read_properties(text)
    assert config["listeners"].split(",") == [
        "PLAINTEXT://127.0.0.1:19092",
        "CONTROLLER://127.0.0.1:19093",
        "SASL_PLAINTEXT://127.0.0.1:19094",
    ]
    assert config["advertised.listeners"] == "PLAINTEXT://127.0.0.1:19092,SASL_PLAINTEXT://127.0.0.1:19094"
    assert config["listener.security.protocol.map"].endswith(",SASL_PLAINTEXT:SASL_PLAINTEXT")
    assert config["sasl.enabled.mechanisms"] == "SCRAM-SHA-512"
    assert "ScramLoginModule" in config["listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config"]
    changed = {"listeners", "advertised.listeners", "listener.security.protocol.map"}
    assert {k: v for k, v in read_properties(plain).items() if k not in changed}.items() <= config.items()
    assert text.count("listeners=") == 2, "changed in place, not appended twice"
