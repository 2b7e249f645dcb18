"""Which of a message's sends a worker handles itself: those to an internal topic (one only the
stream's own agents read) whose partition this worker holds. They are handled in the batch that
sent them, so their outputs and the changelogs of what they wrote commit in the same transaction
as the offsets of the messages they came from, and the hop costs no record. A send to a
partition another worker holds is produced as before. Pure logic: no Kafka here.

The stages these hops feed already take their messages in any order, as each of their partitions
gathers messages from every partition of the stage before it; so handling some at once while
others wait on the topic changes no result.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from pipeline.kafka.transactions import Record
from pipeline.partitioning import key_partition
from pipeline.stream.guard import Sent
from pipeline.topology import Partition, Role


@dataclass(frozen=True)
class LocalHop:
    """A send handled by this worker: the partition of its internal topic, and its value."""

    role: Role
    topic: str
    partition: int
    value: bytes


@dataclass(frozen=True)
class Hops:
    """The internal topics by name with their partition counts, and the partitions held."""

    internal: dict[str, int]
    held: frozenset[Partition]

    def split(self, sent: Iterable[Sent], name: Callable[[Role], str]) -> tuple[list[Record], list[LocalHop]]:
        """sent as the records to produce and the hops to handle here, each in the order sent."""
        records: list[Record] = []
        local: list[LocalHop] = []
        for s in sent:
            topic = name(s.role)
            partitions = self.internal.get(topic)
            if partitions is not None:
                partition = s.partition if s.partition is not None else key_partition(s.key.decode(), partitions)
                if (topic, partition) in self.held:
                    local.append(LocalHop(s.role, topic, partition, s.value))
                    continue
            records.append(Record(topic, s.key, s.value, s.partition))
        return records, local


__all__ = ["Hops", "LocalHop"]
