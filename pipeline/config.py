"""Settings, read from the environment (prefix ``NEWS_INGEST_``); the only module that does.

Entry points build a ``Settings`` and pass it on; nothing else reads ``os.environ``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from platformdirs import user_cache_path
from pydantic import AliasChoices, Field, FilePath, SecretStr, ValidationError, model_validator
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


ENV_PREFIX = "NEWS_INGEST_"
SecurityProtocol = Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"]
SaslMechanism = Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"]


def _cache_dir() -> Path:
    return user_cache_path("news-ingest")


def _default_broker_dir() -> Path:
    return _cache_dir() / "broker"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore", populate_by_name=True)

    bootstrap_servers: str | None = Field(
        None,
        validation_alias=AliasChoices("NEWS_INGEST_BOOTSTRAP_SERVERS", "KAFKA_BOOTSTRAP_SERVERS"),
        description="Kafka bootstrap servers; unset means the embedded local broker",
    )
    kafka_security_protocol: SecurityProtocol = Field(
        "PLAINTEXT", description="how every Kafka client connects: TLS (SSL), SASL, both (SASL_SSL) or neither"
    )
    kafka_sasl_mechanism: SaslMechanism | None = Field(None, description="SASL mechanism of a SASL_* protocol")
    kafka_sasl_username: str | None = None
    kafka_sasl_password: SecretStr | None = None
    kafka_ssl_ca_file: FilePath | None = Field(None, description="CA certificates (PEM) to check the brokers by")
    kafka_ssl_cert_file: FilePath | None = Field(None, description="client certificate (PEM) for mutual TLS")
    kafka_ssl_key_file: FilePath | None = Field(None, description="the client certificate's private key (PEM)")
    kafka_timeout_s: float = Field(6.0, gt=0, description="how long a command waits for Kafka to answer at all")
    topic_prefix: str = Field("", description="prepended to every topic and group name")
    partitions: int = Field(6, ge=1, description="partitions of every partitioned topic")
    app_id: str = "news-ingest"
    session_timeout_s: float = Field(10.0, gt=0, description="consumer group session timeout")
    stream_group_protocol: Literal["consumer", "classic"] = Field(
        "consumer",
        description="the stream group's rebalance protocol: 'consumer' (brokers 4.0+) gives every worker its "
        "share of every stage's partitions; 'classic' (cooperative-sticky) balances only the total",
    )
    stream_local_hops: bool = Field(
        True,
        description="a stream worker handles a message between its own agents itself, in the same transaction, "
        "when it holds the partition the message is for, instead of producing it to the internal topic",
    )
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

    @model_validator(mode="after")
    def _security_is_complete(self) -> Settings:
        sasl = self.kafka_security_protocol.startswith("SASL_")
        protocol_name = env_name("kafka_security_protocol")
        if not sasl and any(getattr(self, name) is not None for name in SASL_FIELDS):
            raise ValueError(f"{env_name('kafka_sasl_*')} need {protocol_name}=SASL_PLAINTEXT or SASL_SSL")
        missing = [name for name in SASL_FIELDS if sasl and getattr(self, name) is None]
        if missing:
            protocol = self.kafka_security_protocol
            raise ValueError(f"{protocol} needs {', '.join(env_name(name) for name in missing)}")
        tls = self.kafka_security_protocol in ("SSL", "SASL_SSL")
        if not tls and (self.kafka_ssl_ca_file or self.kafka_ssl_cert_file or self.kafka_ssl_key_file):
            raise ValueError(f"{env_name('kafka_ssl_*')} need {protocol_name}=SSL or SASL_SSL")
        if (self.kafka_ssl_cert_file is None) != (self.kafka_ssl_key_file is None):
            raise ValueError(f"{env_name('kafka_ssl_cert_file')} and {env_name('kafka_ssl_key_file')} go together")
        return self

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


SASL_FIELDS = ("kafka_sasl_mechanism", "kafka_sasl_username", "kafka_sasl_password")


def env_name(field: str) -> str:
    """The environment variable a setting is read from."""
    return ENV_PREFIX + field.upper()


def describe_invalid(error: ValidationError) -> str:
    """Settings refused, in one line naming each environment variable and the value it had."""
    problems = []
    for item in error.errors():
        field = str(item["loc"][0]) if item["loc"] else ""
        message = item["msg"].removeprefix("Value error, ")
        if not field:
            problems.append(message)
            continue
        name = field if field.isupper() else env_name(field)
        value: Any = item.get("input")
        shown = "" if isinstance(value, dict) or field.endswith("password") else f"={value!r}"
        problems.append(f"{name}{shown}: {message}")
    return "; ".join(problems)
