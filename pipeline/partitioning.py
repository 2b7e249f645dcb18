"""Where Kafka's default partitioner puts a key, for records sent to a partition of our choosing
that must land where a key of theirs would."""

from __future__ import annotations

import zlib


def key_partition(key: str, partitions: int) -> int:
    """The partition librdkafka's default partitioner (consistent_random: CRC-32 of the key) gives
    a key."""
    return zlib.crc32(key.encode()) % partitions
