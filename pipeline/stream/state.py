"""A stream table: the state of one stateful step, partitioned as the topic its agent reads.

A step sees the table as a mapping over the partition of the message it is handling (the runtime
selects it), exactly as ``process`` hands it a dict. Writes are remembered as dirty keys until the
runtime drains them into changelog records of the same transaction as the message's offset, one
record per key with its latest value, however often the batch wrote it. Pure logic: no Kafka here.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterable, Iterator, MutableMapping
from dataclasses import dataclass, field
from typing import Any

import orjson


@dataclass(frozen=True)
class ChangelogRecord:
    partition: int
    key: bytes
    value: bytes | None  # None deletes the key (a tombstone)


@dataclass(frozen=True)
class Codec:
    """How a table's values are written to its changelog and read back."""

    encode: Callable[[Any], bytes]
    decode: Callable[[bytes], Any]


JSON = Codec(orjson.dumps, orjson.loads)
RAW = Codec(bytes, bytes)  # values that are bytes already, written as they are


@dataclass
class Table(MutableMapping[str, Any]):
    """Values are replaced, never changed in place: JSON-compatible ones by default, or what
    ``codec`` writes, each partition held in a mapping ``store`` makes (a dict by default)."""

    name: str
    config: dict[str, str] = field(default_factory=dict)
    store: Callable[[], MutableMapping[str, Any]] = dict
    codec: Codec = JSON
    partitions: dict[int, MutableMapping[str, Any]] = field(default_factory=dict)
    current: int = 0
    _dirty: set[tuple[int, str]] = field(default_factory=set)

    def use(self, partition: int) -> None:
        self.current = partition

    @property
    def data(self) -> MutableMapping[str, Any]:
        """The current partition's entries, to change without a changelog record (expiry, which the
        changelog's retention does on the broker)."""
        return self._partition(self.current)

    def _partition(self, partition: int) -> MutableMapping[str, Any]:
        if partition not in self.partitions:
            self.partitions[partition] = self.store()
        return self.partitions[partition]

    def __getitem__(self, key: str) -> Any:
        return self.partitions.get(self.current, {})[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.data[key] = value
        self._dirty.add((self.current, key))

    def __delitem__(self, key: str) -> None:
        del self.data[key]
        self._dirty.add((self.current, key))

    def __iter__(self) -> Iterator[str]:
        return iter(list(self.partitions.get(self.current, {})))

    def __len__(self) -> int:
        return len(self.partitions.get(self.current, {}))

    def __contains__(self, key: object) -> bool:
        return key in self.partitions.get(self.current, {})

    def held(self) -> set[int]:
        return set(self.partitions)

    def drain(self) -> list[ChangelogRecord]:
        """The changelog records of every key written since the last drain."""
        records = []
        for partition, key in sorted(self._dirty):
            entries = self.partitions.get(partition, {})
            value = self.codec.encode(entries[key]) if key in entries else None
            records.append(ChangelogRecord(partition, orjson.dumps(key), value))
        self._dirty.clear()
        return records

    def restore(self, partition: int, key: bytes, value: bytes | None) -> bool:
        """Apply one changelog record read back from the broker; False for one this version cannot
        read (written by an earlier one in another form), which is skipped: the key is forgotten,
        as an expired one is."""
        entries = self._partition(partition)
        try:
            name = orjson.loads(key)
            if value is None:
                entries.pop(name, None)
            else:
                entries[name] = self.codec.decode(value)
        except (ValueError, TypeError, struct.error):
            return False
        return True

    def drop(self, partitions: Iterable[int]) -> None:
        """Forget partitions no longer this worker's (their next owner restores them)."""
        for partition in partitions:
            self.partitions.pop(partition, None)
            self._dirty = {(p, k) for p, k in self._dirty if p != partition}

    def entries(self) -> int:
        # read by a scrape in another thread: the list is taken at once, as a partition may come or go
        return sum(map(len, list(self.partitions.values())))


Replay = Callable[[MutableMapping[str, Any], bytes], None]


@dataclass
class Journal(Table):
    """A table whose changelog carries what changed it, not its values: the ``note`` of each input
    (with all it needs to be applied again), which ``replay`` applies to the partition's entries
    when it is restored, in the order they were written. For a step whose input is much smaller
    than the entries it writes (an article's bands on a partition, and the buckets they join).
    A drain writes the notes of a partition in one record (several, past ``batch_bytes``), keyed
    ``{"notes": n, "first": key of the first}``; a record of one note (an earlier version's) is
    still replayed, and records of the entries themselves (a key that is a JSON string) are
    restored as a ``Table`` restores them."""

    replay: Replay | None = None
    batch_bytes: int = 256 * 1024
    _notes: list[ChangelogRecord] = field(default_factory=list)

    def __setitem__(self, key: str, value: Any) -> None:
        self.data[key] = value

    def __delitem__(self, key: str) -> None:
        del self.data[key]

    def note(self, key: bytes, value: bytes) -> None:
        """The current input's changelog record: key unique to the input, value what replay reads."""
        self._notes.append(ChangelogRecord(self.current, key, value))

    def drain(self) -> list[ChangelogRecord]:
        notes, self._notes = self._notes, []
        by_partition: dict[int, list[ChangelogRecord]] = {}
        for note in notes:
            by_partition.setdefault(note.partition, []).append(note)
        records: list[ChangelogRecord] = []
        for partition, group in sorted(by_partition.items()):
            batch: list[ChangelogRecord] = []
            size = 0
            for note in group:
                if batch and size + _FRAME.size + len(note.value or b"") > self.batch_bytes:
                    records.append(_batch_record(partition, batch))
                    batch, size = [], 0
                batch.append(note)
                size += _FRAME.size + len(note.value or b"")
            records.append(_batch_record(partition, batch))
        return records

    def restore(self, partition: int, key: bytes, value: bytes | None) -> bool:
        try:
            name = orjson.loads(key)
        except ValueError:
            return False
        if isinstance(name, str) or value is None or self.replay is None:
            return super().restore(partition, key, value)
        try:
            for note in _frames(value) if isinstance(name, dict) else [value]:
                self.replay(self._partition(partition), note)
        except (ValueError, TypeError, struct.error, UnicodeDecodeError):
            return False
        return True

    def drop(self, partitions: Iterable[int]) -> None:
        gone = set(partitions)
        super().drop(gone)
        self._notes = [note for note in self._notes if note.partition not in gone]


_FRAME = struct.Struct(">I")  # the length of a note in a batch record


def _batch_record(partition: int, notes: list[ChangelogRecord]) -> ChangelogRecord:
    key = b'{"notes":%d,"first":%s}' % (len(notes), notes[0].key)
    return ChangelogRecord(partition, key, b"".join(_FRAME.pack(len(n.value or b"")) + (n.value or b"") for n in notes))


def _frames(value: bytes) -> Iterator[bytes]:
    start = 0
    while start < len(value):
        (size,) = _FRAME.unpack_from(value, start)
        note = value[start + _FRAME.size : start + _FRAME.size + size]
        if len(note) != size:
            raise ValueError(f"a batch of notes of {len(value)} bytes is cut short")
        yield note
        start += _FRAME.size + size


__all__ = ["JSON", "RAW", "ChangelogRecord", "Codec", "Journal", "Table"]
