"""The pipeline's consumer groups, named once: the fetch workers' and the stream workers', and how
the stream group shares out its partitions."""

from __future__ import annotations

from typing import Any

import structlog
from confluent_kafka import KafkaException
from confluent_kafka.admin._config import AlterConfigOpType, ConfigEntry, ConfigResource
from confluent_kafka.admin._resource import ResourceType

from pipeline.config import Settings
from pipeline.kafka import clients

log = structlog.get_logger(__name__)

FETCH_GROUP = "news-ingest-fetch"


def pipeline_groups(settings: Settings) -> list[str]:
    """The groups of a deployment as the broker knows them (under its topic prefix)."""
    return [settings.topic_prefix + FETCH_GROUP, stream_group(settings)]


def stream_group(settings: Settings) -> str:
    return settings.topic_prefix + settings.app_id


def stream_consumer_config(settings: Settings) -> dict[str, Any]:
    """How the stream group shares out its topics. Under the consumer protocol (KIP-848) the broker's
    range assignor gives each worker the same share of every topic's partitions, so each stage runs
    on every worker, and a worker joining or leaving moves only the partitions that change hands.
    Cooperative-sticky (classic) also moves only those, but balances the count over all topics
    together: a joining worker may get no partition of some stage."""
    if settings.stream_group_protocol == "consumer":
        return {"group.protocol": "consumer", "group.remote.assignor": "range"}
    return {"partition.assignment.strategy": "cooperative-sticky"}


def set_stream_session_timeout(settings: Settings) -> None:
    """Under the consumer protocol the session timeout is the group's, kept by the broker: set it to
    ``session_timeout_s``. A broker whose bounds exclude it keeps its own, which the log says."""
    if settings.stream_group_protocol != "consumer":
        return
    entry = ConfigEntry(
        "consumer.session.timeout.ms",
        str(int(settings.session_timeout_s * 1000)),
        incremental_operation=AlterConfigOpType.SET,
    )
    resource = ConfigResource(ResourceType.GROUP, stream_group(settings), incremental_configs=[entry])
    admin = clients.admin_client(settings)
    try:
        admin.incremental_alter_configs([resource])[resource].result(timeout=settings.kafka_timeout_s)
    except (KafkaException, TimeoutError) as exc:
        log.warning("the broker keeps its own session timeout for the stream group", error=str(exc))
