"""Settings, read from the environment (prefix ``NEWS_INGEST_``); the only module that does.

Entry points build a ``Settings`` and pass it on; nothing else reads ``os.environ``.
"""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_cache_path
from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

MIB = 1024 * 1024
DEFAULT_MAX_DOCUMENT_BYTES = 10 * MIB
# Kafka carries a document bigger than its bytes: a capture's body escaped as JSON (and re-encoded
# as UTF-8 when it came in another charset), then an enriched article holding the article's text and
# again, in its claims, the sentences they quote (on a claim-dense 9 MiB capture the enriched article
# is 2.2 times the capture). Four times the document limit leaves room for both.
MESSAGE_BYTES_PER_DOCUMENT_BYTE = 4
# So that the message limit (80 MiB at most) stays below the 100 MB a broker takes in one request
# (socket.request.max.bytes) and librdkafka reads in one response (receive.message.max.bytes).
MAX_DOCUMENT_BYTES_CEILING = 20 * MIB


def message_limit(max_document_bytes: int) -> int:
    """The largest Kafka message of a deployment whose documents are at most max_document_bytes."""
    return MESSAGE_BYTES_PER_DOCUMENT_BYTE * max_document_bytes


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
    session_timeout_s: float = Field(10.0, gt=0, description="consumer group session timeout")
    stall_after_s: float = Field(
        300.0, ge=0, description="a stream worker whose partitions wait this long without progress exits; 0 disables"
    )
    watchdog_interval_s: float = Field(15.0, gt=0, description="how often the stream worker checks it is progressing")
    metrics_port: int = Field(0, ge=0, description="port of /metrics; 0 disables it")
    metrics_host: str = Field("127.0.0.1", description="address /metrics binds to")
    metrics_targets: str = Field(
        "", description="comma-separated host:port of the workers' /metrics, read by `top` and the dashboard"
    )

    cache_dir: Path = Field(default_factory=_cache_dir, description="downloads kept between runs")
    broker_dir: Path = Field(default_factory=_default_broker_dir, description="the local broker's data")
    broker_port: int = 9092
    controller_port: int = 9093
    broker_start_timeout_s: float = 90.0

    dedup_window_days: float = Field(7.0, gt=0, description="how long dedup remembers an article")
    dedup_threshold: float = Field(0.5, gt=0, lt=1, description="estimated Jaccard similarity of a near duplicate")
    dedup_num_perm: int = Field(64, ge=16, description="MinHash permutations per signature")
    dedup_sweep_interval_s: float = Field(
        3600.0, gt=0, description="how often a stream worker drops dedup entries older than the window"
    )
    dedup_bucket_cap: int = Field(16, ge=1, description="articles kept per LSH bucket")

    max_document_bytes: int = Field(
        DEFAULT_MAX_DOCUMENT_BYTES,
        gt=0,
        le=MAX_DOCUMENT_BYTES_CEILING,
        description="larger documents are dead letters; the Kafka message limit is derived from it",
    )
    fetch_timeout_s: float = 20.0
    user_agent: str = "news-ingest/0.1 (+https://example.org/news-ingest/bot)"
    fetch_allow_addresses: str = Field(
        "", description="comma-separated addresses or networks fetches may reach despite the SSRF guard"
    )
    fetch_host_delay_s: float = Field(1.0, ge=0, description="pause between requests to one host (robots may ask more)")
    fetch_max_crawl_delay_s: float = Field(30.0, ge=0, description="cap on a robots.txt Crawl-delay")
    fetch_max_attempts: int = Field(5, ge=1, description="attempts before a retryable failure is a dead letter")
    fetch_backoff_base_s: float = Field(1.0, gt=0)
    fetch_backoff_max_s: float = Field(300.0, gt=0, description="cap on backoff and on Retry-After")
    fetch_max_redirects: int = Field(5, ge=0)
    fetch_max_in_flight: int = Field(256, ge=1, description="messages one fetch worker holds at once")
    boilerplate_memory_entries: int = Field(
        500_000, ge=1, description="entries of a fetch worker's site boilerplate memory (about 200 bytes each)"
    )
    boilerplate_min_pages: int = Field(
        3, ge=2, description="distinct articles of one site a paragraph is on to be its boilerplate"
    )
    feed_max_bytes: int = Field(5 * 1024 * 1024, gt=0, description="feeds and sitemaps larger than this are refused")
    robots_ttl_s: float = Field(3600.0, gt=0)
    seen_window_s: float = Field(30 * 86400.0, gt=0, description="a URL fetched is not fetched again within this")
    sources_file: Path = Field(Path("sources.yaml"), description="the feeds, sitemaps and start pages to watch")
    demo_corpus: Path | None = Field(
        None, description="what `demo` replays; unset: the seed corpus of the source tree (the image sets its copy)"
    )
    postgres_dsn: str | None = Field(
        None, description="the PostgreSQL database the sink writes to and `stories` reads from; unset: none"
    )
    sink_batch_messages: int = Field(500, ge=1, description="messages the PostgreSQL sink writes in one transaction")
    schedule_min_interval_s: float = Field(60.0, gt=0)
    schedule_max_interval_s: float = Field(6 * 3600.0, gt=0)

    @property
    def bootstrap(self) -> str:
        """The servers to talk to: the configured ones, else the embedded broker's."""
        return self.bootstrap_servers or f"127.0.0.1:{self.broker_port}"

    @property
    def max_message_bytes(self) -> int:
        """The one Kafka message limit: producers, consumers, every topic and the local broker use it.

        Derived from the document limit rather than set beside it, so the two cannot disagree and a
        document within its limit always fits in a message."""
        return message_limit(self.max_document_bytes)
