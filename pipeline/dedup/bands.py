"""LSH buckets: the articles stored under one band key, and the candidates a newcomer meets there.

A bucket is packed binary: a count, then that many fixed-width entries (``Entry``: the article id
as a 64-bit number, its order, when it was last seen, its fingerprint bytes), capped in size and
pruned of entries older than the window whenever it is touched. The store is a mapping keyed by
band key: a ``BandStore`` (``band_store.py``) offline and in each partition of the stream's table,
whose changelog carries the same packed buckets; a dict of them works too.
"""

from __future__ import annotations

import re
import struct
from collections.abc import MutableMapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import NamedTuple

from pipeline.dedup.signatures import similarity
from pipeline.partitioning import key_partition

DEFAULT_BUCKET_CAP = 16
COUNT = struct.Struct("<H")
_STABLE_ID = re.compile(r"[0-9a-f]{16}")


@dataclass(frozen=True)
class Member:
    """An article as a bucket stores it; ``order`` ranks it (extraction time, then id) among its peers."""

    article_id: str
    order: float
    fingerprint: bytes


@dataclass(frozen=True)
class Candidate:
    article_id: str
    order: float
    similarity: float


class Entry(NamedTuple):
    id: int
    order: float
    seen: float
    fingerprint: bytes


@cache
def entry_format(fingerprint_size: int) -> struct.Struct:
    """An entry's bytes: id, order, last seen (a POSIX time), fingerprint."""
    return struct.Struct(f"<Qdd{fingerprint_size}s")


HEAD = entry_format(0).size  # the bytes of an entry before its fingerprint


def storable(article_id: str) -> bool:
    """Whether an entry can store the id: a stable_id, 16 lowercase hex digits."""
    return _STABLE_ID.fullmatch(article_id) is not None


def id_number(article_id: str) -> int:
    """A ``storable`` id as the 64-bit number an entry stores (numbers sort as the digits do)."""
    return int(article_id, 16)


def id_text(number: int) -> str:
    return f"{number:016x}"


def entry_size(bucket: bytes) -> int:
    """The bytes of each entry of a packed bucket; ValueError if it is not one."""
    (count,) = COUNT.unpack_from(bucket)
    size, left = divmod(len(bucket) - COUNT.size, count) if count else (0, 1)
    if left or size < HEAD:
        raise ValueError(f"not a packed bucket: {len(bucket)} bytes for {count} entries")
    return size


def pack(entries: list[Entry]) -> bytes:
    form = entry_format(len(entries[0].fingerprint)) if entries else entry_format(0)
    return COUNT.pack(len(entries)) + b"".join(form.pack(*e) for e in entries)


def unpack(bucket: bytes | None) -> list[Entry]:
    if not bucket or not COUNT.unpack_from(bucket)[0]:
        return []
    form = entry_format(entry_size(bucket) - HEAD)
    return [Entry._make(e) for e in form.iter_unpack(memoryview(bucket)[COUNT.size :])]


def band_groups(keys: list[str], partitions: int) -> dict[int, list[tuple[int, str]]]:
    """An article's (band, band key) pairs grouped by the partition of each band key, so bands sent
    together land where each would alone."""
    groups: dict[int, list[tuple[int, str]]] = {}
    for band, key in enumerate(keys):
        groups.setdefault(key_partition(key, partitions), []).append((band, key))
    return groups


def probe(
    buckets: MutableMapping[str, bytes],
    key: str,
    member: Member,
    *,
    now: datetime,
    window: timedelta,
    cap: int = DEFAULT_BUCKET_CAP,
) -> list[Candidate]:
    """The other articles of the bucket with their estimated similarity; the member is added to it."""
    fingerprint, number = member.fingerprint, id_number(member.article_id)
    oldest = (now - window).timestamp()
    bucket = buckets.get(key)
    entries = [e for e in unpack(bucket) if e.seen >= oldest]
    candidates = [
        Candidate(id_text(e.id), e.order, similarity(fingerprint, e.fingerprint)) for e in entries if e.id != number
    ]
    if all(e.id != number for e in entries):
        entries.append(Entry(number, member.order, now.timestamp(), fingerprint))
    # The earliest articles are the ones a newcomer should be matched to: keep them, drop the newest.
    if len(entries) > 1:
        entries.sort(key=lambda e: (e.order, e.id))
    kept = pack(entries[:cap])
    if kept != bucket:
        buckets[key] = kept
    return candidates


JOURNAL_HEAD = struct.Struct("<dQdB")  # when, the article's id number, its order, its fingerprint's bytes
_KEYS_SEP = "\x1f"


def journal(member: Member, keys: list[str], now: datetime) -> bytes:
    """What ``replay`` needs to probe the same buckets with the same member at the same time."""
    head = JOURNAL_HEAD.pack(now.timestamp(), id_number(member.article_id), member.order, len(member.fingerprint))
    return head + member.fingerprint + _KEYS_SEP.join(keys).encode()


def replay(buckets: MutableMapping[str, bytes], value: bytes, *, window: timedelta, cap: int) -> None:
    """Probe again what ``journal`` wrote down: the buckets come out as the first probe left them,
    when the probes of a partition are replayed in the order they were made."""
    when, number, order, size = JOURNAL_HEAD.unpack_from(value)
    start = JOURNAL_HEAD.size
    fingerprint = value[start : start + size]
    if len(fingerprint) != size:
        raise ValueError(f"a band journal record of {len(value)} bytes is cut short")
    member = Member(id_text(number), order, fingerprint)
    now = datetime.fromtimestamp(when, UTC)
    for key in value[start + size :].decode().split(_KEYS_SEP):
        probe(buckets, key, member, now=now, window=window, cap=cap)


def similar_before(article_id: str, order: float, candidates: list[Candidate], threshold: float) -> list[Candidate]:
    """The candidates ranked before the article and similar enough: those it may duplicate."""
    return [c for c in candidates if (c.order, c.article_id) < (order, article_id) and c.similarity >= threshold]


def similar_after(article_id: str, order: float, candidates: list[Candidate], threshold: float) -> list[Candidate]:
    """The candidates ranked after the article and similar enough: stored before it arrived, they
    may have been decided without meeting it."""
    return [c for c in candidates if (c.order, c.article_id) > (order, article_id) and c.similarity >= threshold]


def earliest_match(article_id: str, order: float, candidates: list[Candidate], threshold: float) -> Candidate | None:
    """The earliest candidate ranked before the article and similar enough: the article it duplicates.

    Ranking by (order, id) rather than by arrival makes the verdict of a pair the same whichever
    bucket saw which copy first, so two copies never both end up as each other's duplicate.
    """
    before = similar_before(article_id, order, candidates, threshold)
    return min(before, key=lambda c: (c.order, c.article_id)) if before else None
