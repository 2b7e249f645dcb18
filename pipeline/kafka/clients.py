"""confluent-kafka client settings in one place: every producer, consumer and admin client we
create connects as the settings say (TLS, SASL) and logs through ``KAFKA_LOG``, rate-limited."""

from __future__ import annotations

import functools
import logging
import math
import re
import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from confluent_kafka import Consumer, KafkaError, Producer
from confluent_kafka.admin import AdminClient

from pipeline.config import Settings

# librdkafka's log and its error callbacks, for every client of the process
KAFKA_LOG = logging.getLogger("pipeline.kafka.client")
LOG_EVERY_S = 60.0
_DIGITS = re.compile(r"\d+")
# the last error each bootstrap's clients reported, to say why Kafka did not answer
_last_error: dict[str, str] = {}


class KafkaUnreachable(RuntimeError):
    """Kafka did not answer at all: down, unreachable, or refusing our credentials."""


class RateLimit(logging.Filter):
    """Lets a message of one shape (numbers aside) through once per every_s, saying how many like it
    were held back meanwhile: a broker that is down makes librdkafka repeat itself many times a second."""

    MAX_SHAPES = 1000

    def __init__(self, every_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.every_s, self.clock = every_s, clock
        self.last: dict[str, float] = {}
        self.held: Counter[str] = Counter()
        self.lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        shape = f"{record.levelno}:{_DIGITS.sub('#', message)}"
        now = self.clock()
        with self.lock:
            if now - self.last.get(shape, -math.inf) < self.every_s:
                self.held[shape] += 1
                return False
            if len(self.last) >= self.MAX_SHAPES:
                self.last.clear()
            self.last[shape] = now
            held = self.held.pop(shape, 0)
        if held:
            record.msg, record.args = f"{message} ({held} more like it in the last {self.every_s:.0f} s)", None
        return True


KAFKA_LOG.addFilter(RateLimit(LOG_EVERY_S))


def _report_error(bootstrap: str, error: KafkaError) -> None:
    if error.code() != KafkaError._ALL_BROKERS_DOWN:  # says less than the error before it
        _last_error[bootstrap] = error.str()
    KAFKA_LOG.log(logging.ERROR if error.fatal() else logging.WARNING, "%s", error.str())


def last_error(settings: Settings) -> str | None:
    """What the clients of these settings' Kafka last complained of, if anything."""
    return _last_error.get(settings.bootstrap)


def unreachable(settings: Settings) -> KafkaUnreachable:
    why = last_error(settings)
    message = f"Kafka at {settings.bootstrap} did not answer within {settings.kafka_timeout_s:g} s"
    return KafkaUnreachable(f"{message}: {why}" if why else message)


def log_config(bootstrap: str) -> dict[str, Any]:
    """librdkafka's log to KAFKA_LOG, its errors counted there and remembered for ``unreachable``."""
    return {"logger": KAFKA_LOG, "error_cb": functools.partial(_report_error, bootstrap)}


def security_config(settings: Settings) -> dict[str, Any]:
    """How to connect: security.protocol, SASL credentials, TLS files."""
    config: dict[str, Any] = {"security.protocol": settings.kafka_security_protocol.lower()}
    if settings.kafka_sasl_mechanism is not None:
        config["sasl.mechanism"] = settings.kafka_sasl_mechanism
    if settings.kafka_sasl_username is not None:
        config["sasl.username"] = settings.kafka_sasl_username
    if settings.kafka_sasl_password is not None:
        config["sasl.password"] = settings.kafka_sasl_password.get_secret_value()
    files = {
        "ssl.ca.location": settings.kafka_ssl_ca_file,
        "ssl.certificate.location": settings.kafka_ssl_cert_file,
        "ssl.key.location": settings.kafka_ssl_key_file,
    }
    config.update({key: str(path) for key, path in files.items() if path is not None})
    return config


def client_config(settings: Settings) -> dict[str, Any]:
    """What every client of ours has: where Kafka is, how to connect to it, where its log goes."""
    return {"bootstrap.servers": settings.bootstrap, **security_config(settings), **log_config(settings.bootstrap)}


def producer_config(settings: Settings, **overrides: Any) -> dict[str, Any]:
    config: dict[str, Any] = {
        **client_config(settings),
        "enable.idempotence": True,
        "compression.type": "zstd",
        "linger.ms": 5,
        "message.max.bytes": settings.max_message_bytes,
    }
    return config | overrides


def consumer_config(settings: Settings, group: str, **overrides: Any) -> dict[str, Any]:
    config: dict[str, Any] = {
        **client_config(settings),
        "group.id": settings.topic_prefix + group,
        "enable.auto.commit": False,
        "auto.offset.reset": "earliest",
        "session.timeout.ms": int(settings.session_timeout_s * 1000),
        "max.poll.interval.ms": 300_000,
        # The largest message must fit in one fetch, of one partition and of the whole request.
        "fetch.max.bytes": settings.max_message_bytes,
        "max.partition.fetch.bytes": settings.max_message_bytes,
    }
    config |= overrides
    if config.get("group.protocol") == "consumer":
        del config["session.timeout.ms"]  # the group's, held by the broker under this protocol
    return config


def producer(settings: Settings, **overrides: Any) -> Producer:
    return Producer(producer_config(settings, **overrides))


def consumer(settings: Settings, group: str, **overrides: Any) -> Consumer:
    return Consumer(consumer_config(settings, group, **overrides))


def admin_client(settings: Settings) -> AdminClient:
    return AdminClient(client_config(settings))


class DeliveryError(RuntimeError):
    """A message the broker did not accept."""


class DeliveryTracker:
    """Collects delivery reports so a caller can tell when everything it produced landed."""

    def __init__(self) -> None:
        self.failed: list[str] = []

    def __call__(self, err: Any, msg: Any) -> None:
        if err is not None:
            self.failed.append(f"{msg.topic()}: {err}")

    def flush(self, producer: Producer, timeout_s: float = 60.0) -> None:
        remaining = producer.flush(timeout_s)
        if remaining:
            raise DeliveryError(f"{remaining} messages not delivered within {timeout_s:.0f}s")
        if self.failed:
            failed, self.failed = self.failed, []
            raise DeliveryError("; ".join(failed[:5]))
