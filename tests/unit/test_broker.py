"""The local broker's pure parts: its configuration."""

from __future__ import annotations

from pathlib import Path

from pipeline.broker import LocalBroker
from pipeline.config import Settings


def test_the_broker_config_names_its_ports_data_and_the_message_limit(tmp_path: Path) -> None:
    settings = Settings(broker_dir=tmp_path, broker_port=41001, controller_port=41002, max_document_bytes=5_000_000)
    config = LocalBroker.from_settings(settings).server_config()
    properties = dict(line.split("=", 1) for line in config.splitlines() if line and not line.startswith("#"))
    assert properties["listeners"] == "PLAINTEXT://127.0.0.1:41001,CONTROLLER://127.0.0.1:41002"
    assert properties["log.dirs"] == str(tmp_path / "kraft-logs")
    assert properties["message.max.bytes"] == properties["replica.fetch.max.bytes"] == "20000000"
    assert "{" not in config
