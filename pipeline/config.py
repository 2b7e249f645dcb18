"""Settings, read from the environment (prefix ``NEWS_INGEST_``); the only module that does.

Entry points build a ``Settings`` and pass it on; nothing else reads ``os.environ``.
"""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_cache_path
from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def _cache_dir() -> Path:
    return user_cache_path("news-ingest")


def _default_broker_dir() -> Path:
    return _cache_dir() / "broker"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NEWS_INGEST_", extra="ignore", populate_by_name=True)

    bootstrap_servers: str | None = Field(
        None,
        validation_alias=AliasChoices("NEWS_INGEST_BOOTSTRAP_SERVERS", "KAFKA_BOOTSTRAP_SERVERS"),
        description="Kafka bootstrap servers; unset means the embedded local broker",
    )
    topic_prefix: str = Field("", description="prepended to every topic and group name")
    partitions: int = Field(6, ge=1, description="partitions of every partitioned topic")
    app_id: str = "news-ingest"
    store: str = Field("memory://", description="Faust table store: memory:// or rocksdb://")
    session_timeout_s: float = Field(10.0, gt=0, description="consumer group session timeout")
    metrics_port: int = Field(0, ge=0, description="port of /metrics; 0 disables it")
    metrics_host: str = Field("127.0.0.1", description="address /metrics binds to")

    cache_dir: Path = Field(default_factory=_cache_dir, description="downloads kept between runs")
    broker_dir: Path = Field(default_factory=_default_broker_dir, description="the local broker's data")
    broker_port: int = 9092
    controller_port: int = 9093
    broker_start_timeout_s: float = 90.0

    max_document_bytes: int = Field(10 * 1024 * 1024, gt=0)
    fetch_timeout_s: float = 20.0
    user_agent: str = "news-ingest/0.1 (+https://example.org/news-ingest/bot)"

    @property
    def bootstrap(self) -> str:
        """The servers to talk to: the configured ones, else the embedded broker's."""
        return self.bootstrap_servers or f"127.0.0.1:{self.broker_port}"
