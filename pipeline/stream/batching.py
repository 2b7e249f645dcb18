"""Records of one batch bound for the same partition of a batched topic, sent as one record.

The stream's own hops between dedup agents carry many small messages (an article's bands on a
partition, each band partition's answer to the article's verdict); what one input partition's
batch sends to one partition of such a topic travels as one record whose value is a JSON array
of the payloads, in the order they were sent, keyed by the first. The reader handles them one by
one, as if they had come as records of their own.
"""

from __future__ import annotations

from collections.abc import Callable

from pipeline.kafka.transactions import Record


def coalesce(records: list[Record], partition_of: Callable[[Record], int | None], limit: int) -> list[Record]:
    """records with those that ``partition_of`` places (a batched topic's) joined by (topic,
    partition), each joined record at most ``limit`` bytes of key and value; a lone record stays
    as it was. Order is kept within each (topic, partition)."""
    out: list[Record] = []
    groups: dict[tuple[str, int], list[Record]] = {}
    for record in records:
        partition = partition_of(record) if record.value is not None else None
        if partition is None:
            out.append(record)
        else:
            groups.setdefault((record.topic, partition), []).append(record)
    for (topic, partition), group in groups.items():
        for run in _runs(group, limit):
            if len(run) == 1:
                out.append(run[0])
            else:
                value = b"[" + b",".join(r.value or b"" for r in run) + b"]"
                out.append(Record(topic, run[0].key, value, partition))
    return out


def _runs(group: list[Record], limit: int) -> list[list[Record]]:
    """group cut into runs whose joined record stays within limit."""
    runs: list[list[Record]] = []
    run: list[Record] = []
    size = 0
    for record in group:
        extra = len(record.value or b"") + 1
        if run and size + extra > limit:
            runs.append(run)
            run = []
        if not run:
            size = 2 + len(record.key or b"")  # the brackets and the key
        run.append(record)
        size += extra
    runs.append(run)
    return runs


__all__ = ["coalesce"]
