"""Writing a batch of rows to PostgreSQL in one transaction with the offsets it consumed.

The offsets are stored by compare-and-set: a batch moves a partition's stored offset only from
the value its sink read when it was given the partition (or wrote last). A sink that lost the
partition to another in a rebalance, and writes late, finds the offset moved and its whole batch
is rolled back; rows are written ``INSERT ... ON CONFLICT`` by the contracts' ids all the same.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from pipeline.sink.rows import TABLES, Row, TableName, TableSpec
from pipeline.topology import Partition

Connection = psycopg.Connection[tuple[Any, ...]]


class OffsetsMoved(RuntimeError):
    """Another sink stored offsets of a partition this one was writing: the batch was rolled back."""


@dataclass(frozen=True)
class Reject:
    """A record that is not a valid payload of its topic: kept with the reason, never a stopped sink."""

    topic: str
    partition: int
    offset: int
    reason: str
    value: bytes | None


@dataclass
class Batch:
    rows: list[Row] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    # per partition: the stored offset the batch starts from (None: none stored yet) and where it ends
    offsets: dict[Partition, tuple[int | None, int]] = field(default_factory=dict)


def connect(dsn: str) -> Connection:
    """A connection whose transactions are the explicit ``conn.transaction()`` blocks."""
    return psycopg.connect(dsn, autocommit=True)


def upsert_sql(spec: TableSpec) -> bytes:
    """The INSERT ... ON CONFLICT statement of one row of a table.

    A replacing table rewrites a row only when the payload differs, so writing the same version
    twice changes nothing."""
    columns = ", ".join(spec.columns)
    placeholders = ", ".join(["%s"] * len(spec.columns))
    key = ", ".join(spec.key)
    head = f"INSERT INTO {spec.name} ({columns}) VALUES ({placeholders}) ON CONFLICT ({key}) "  # noqa: S608
    if not spec.replace:
        return (head + "DO NOTHING").encode()
    updated = [c for c in spec.columns if c not in spec.key]
    assignments = ", ".join(f"{c} = EXCLUDED.{c}" for c in updated)
    return (head + f"DO UPDATE SET {assignments} WHERE {spec.name}.payload IS DISTINCT FROM EXCLUDED.payload").encode()


def row_params(row: Row) -> tuple[Any, ...]:
    spec = TABLES[row.table]
    return tuple(Jsonb(row.values[c]) if c in spec.json_columns else row.values[c] for c in spec.columns)


def stored_offsets(conn: Connection, partitions: list[Partition]) -> dict[Partition, int]:
    """The next offset to read of each partition that has one stored."""
    if not partitions:
        return {}
    with conn.transaction():
        rows = conn.execute(
            "SELECT topic, partition, next_offset FROM sink_offsets WHERE (topic, partition) IN "
            "(SELECT * FROM unnest(%s::text[], %s::integer[]))",
            ([t for t, _ in partitions], [p for _, p in partitions]),
        ).fetchall()
    return {(str(topic), int(partition)): int(offset) for topic, partition, offset in rows}


def write(conn: Connection, batch: Batch) -> dict[TableName, int]:
    """Rows, rejects and offsets of a batch in one transaction; the rows written per table.

    Raises OffsetsMoved (the transaction rolled back) when a partition's stored offset is not the
    one the batch starts from."""
    by_table: dict[TableName, list[Row]] = defaultdict(list)
    for row in batch.rows:
        by_table[row.table].append(row)
    with conn.transaction(), conn.cursor() as cursor:
        for table, rows in by_table.items():
            cursor.executemany(upsert_sql(TABLES[table]), [row_params(r) for r in rows])
        if batch.rejects:
            cursor.executemany(
                'INSERT INTO sink_rejects (topic, partition, "offset", reason, value) VALUES (%s, %s, %s, %s, %s) '
                "ON CONFLICT DO NOTHING",
                [(r.topic, r.partition, r.offset, r.reason, r.value) for r in batch.rejects],
            )
        for (topic, partition), (start, end) in sorted(batch.offsets.items()):
            _move_offset(cursor, topic, partition, start, end)
    return {table: len(rows) for table, rows in by_table.items()}


def _move_offset(cursor: psycopg.Cursor[Any], topic: str, partition: int, start: int | None, end: int) -> None:
    if start is None:
        cursor.execute(
            "INSERT INTO sink_offsets (topic, partition, next_offset) VALUES (%s, %s, %s) ON CONFLICT DO NOTHING",
            (topic, partition, end),
        )
    else:
        cursor.execute(
            "UPDATE sink_offsets SET next_offset = %s, updated_at = now() "
            "WHERE topic = %s AND partition = %s AND next_offset = %s",
            (end, topic, partition, start),
        )
    if cursor.rowcount != 1:
        raise OffsetsMoved(f"{topic}[{partition}]: stored offset is no longer {start}")
