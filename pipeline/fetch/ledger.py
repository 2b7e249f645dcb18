"""Which consumed messages are done, released per partition only as a contiguous prefix.

A message's outputs are held until every earlier message of its partition is done too,
then its outputs and the offset after it are committed together (in one transaction):
a worker killed at any moment leaves each message either fully committed or redelivered.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from pipeline.topology import Partition

T = TypeVar("T")


@dataclass
class Ledger(Generic[T]):
    _open: dict[Partition, dict[int, list[T] | None]] = field(default_factory=dict)

    def add(self, partition: Partition, offset: int) -> None:
        self._open.setdefault(partition, {})[offset] = None

    def complete(self, partition: Partition, offset: int, outputs: list[T]) -> bool:
        """Record outputs of a message; False when its partition was dropped meanwhile."""
        entries = self._open.get(partition)
        if entries is None or offset not in entries:
            return False
        entries[offset] = outputs
        return True

    def release(self) -> tuple[dict[Partition, list[T]], dict[Partition, int]]:
        """Outputs of each partition's done prefix, and the offset to commit for it."""
        outputs: dict[Partition, list[T]] = {}
        commits: dict[Partition, int] = {}
        for partition, entries in self._open.items():
            while entries:
                offset = next(iter(entries))
                done = entries[offset]
                if done is None:
                    break
                outputs.setdefault(partition, []).extend(done)
                del entries[offset]
                commits[partition] = offset + 1
        return outputs, commits

    def drop(self, partitions: Iterable[Partition]) -> None:
        for partition in partitions:
            self._open.pop(partition, None)

    @property
    def in_flight(self) -> int:
        return sum(len(entries) for entries in self._open.values())
