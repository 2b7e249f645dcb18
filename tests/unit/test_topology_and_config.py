import pytest

from pipeline.config import Settings
from pipeline.topology import SPECS, Topology


def test_every_role_has_one_topic_and_prefixes_apply() -> None:
    topology = Topology(prefix="t1.", partitions=3)
    names = [name for name, _, _ in topology.all()]
    assert len(names) == len(set(names)) == len(SPECS)
    assert topology.name("claims") == "t1.news.claims"
    assert all(partitions == 3 for _, partitions, _ in topology.all())


def test_compacted_topics_say_so_in_their_config() -> None:
    assert Topology().spec("claims").config()["cleanup.policy"] == "compact,delete"
    assert Topology().spec("fetch").config()["cleanup.policy"] == "delete"


def test_settings_read_the_prefixed_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWS_INGEST_PARTITIONS", "4")
    monkeypatch.setenv("NEWS_INGEST_TOPIC_PREFIX", "x.")
    monkeypatch.delenv("NEWS_INGEST_BOOTSTRAP_SERVERS", raising=False)
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:19092")
    settings = Settings()
    assert (settings.partitions, settings.topic_prefix, settings.bootstrap) == (4, "x.", "127.0.0.1:19092")


def test_no_broker_configured_means_the_embedded_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEWS_INGEST_BOOTSTRAP_SERVERS", raising=False)
    monkeypatch.delenv("KAFKA_BOOTSTRAP_SERVERS", raising=False)
    monkeypatch.setenv("NEWS_INGEST_BROKER_PORT", "29092")
    settings = Settings()
    assert settings.bootstrap_servers is None
    assert settings.bootstrap == "127.0.0.1:29092"


def test_bad_settings_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWS_INGEST_PARTITIONS", "0")
    with pytest.raises(ValueError, match="partitions"):
        Settings()
