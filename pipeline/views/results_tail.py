"""Reading the results topics a view folds (dead letters, story assignments, claim updates) from
their start, read_committed, a little at each call so a view never waits long on them."""

from __future__ import annotations

import time
import uuid

from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, KafkaException, TopicPartition

from pipeline.codec import DecodeError, decode
from pipeline.config import Settings
from pipeline.kafka import clients
from pipeline.models import ClaimUpdate, DeadLetter, StoryAssignment
from pipeline.topology import Role, Topology
from pipeline.views.quiet import QUIET
from pipeline.views.results import Results

ROLES: tuple[Role, ...] = ("deadletter", "stories", "claim_updates")


class ResultsTail:
    def __init__(self, settings: Settings, topology: Topology, results: Results | None = None) -> None:
        self.results = results or Results()
        self.names = {topology.name(role): role for role in ROLES}
        # never commits: each view reads from the start
        self.consumer: Consumer = clients.consumer(
            settings,
            f"views-{uuid.uuid4().hex}",
            **{"isolation.level": "read_committed", "enable.partition.eof": True, **QUIET},
        )
        self.assigned: set[str] = set()
        self.partitions: set[tuple[str, int]] = set()
        self.at_end: set[tuple[str, int]] = set()  # partitions read to their end, nothing come since

    @property
    def caught_up(self) -> bool:
        return len(self.assigned) == len(self.names) and self.at_end >= self.partitions

    def _assign_new(self, timeout_s: float) -> None:
        """Start reading each results topic once it exists (a view may start before the pipeline)."""
        missing = [name for name in self.names if name not in self.assigned]
        if not missing:
            return
        topics = self.consumer.list_topics(timeout=timeout_s).topics
        found = [name for name in missing if name in topics and topics[name].error is None]
        if found:
            partitions = [TopicPartition(name, p, OFFSET_BEGINNING) for name in found for p in topics[name].partitions]
            self.consumer.incremental_assign(partitions)
            self.assigned.update(found)
            self.partitions.update((tp.topic, tp.partition) for tp in partitions)

    def poll(self, budget_s: float = 0.5, timeout_s: float = 5.0) -> None:
        """Fold what has arrived, for at most about budget_s or until caught up (raises
        KafkaException when Kafka fails)."""
        self._assign_new(timeout_s)
        deadline = time.monotonic() + budget_s
        while self.assigned and time.monotonic() < deadline:
            message = self.consumer.poll(min(0.1, max(0.0, deadline - time.monotonic())))
            if message is None:
                if self.caught_up:
                    return
                continue
            where = (str(message.topic()), int(message.partition() or 0))
            error = message.error()
            if error is None:
                self.at_end.discard(where)
                self._fold(where[0], message.value())
            elif error.code() == KafkaError._PARTITION_EOF:
                self.at_end.add(where)
                if self.caught_up:
                    return
            elif error.fatal():
                raise KafkaException(error)

    def _fold(self, topic: str, value: bytes | None) -> None:
        role = self.names.get(topic)
        if value is None:
            return  # a tombstone of a compacted topic
        try:
            if role == "deadletter":
                self.results.add_dead_letter(decode(DeadLetter, value))
            elif role == "stories":
                self.results.add_assignment(decode(StoryAssignment, value))
            elif role == "claim_updates":
                self.results.add_update(decode(ClaimUpdate, value))
        except DecodeError:
            self.results.undecodable += 1

    def close(self) -> None:
        self.consumer.close()
