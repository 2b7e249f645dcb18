"""The band store in little memory: what ``probe`` keeps, as fixed-width rows in a few thousand pages.

An article is stored under each of its band keys (14 with the default parameters), so a bucket
member is a row of 12 bytes (the bucket's tag, the article's id) and the article's entry (order,
last seen, fingerprint) is kept once however many of its buckets hold it. A bucket is found by a
64-bit hash of its band key: its low bits choose the page, 32 others are the tag, so two band keys
whose 44 bits agree share a bucket (a member met that way is judged by its fingerprint like any
other). The store reads and writes whole packed buckets (``bands.pack``), as a dict of them would
and as the stream's changelog carries them; band keys themselves are not kept, so it cannot list
them. The stores of one table's partitions in a worker share their entries (an ``EntryPool``): an
article whose bands fall in several partitions is kept once however many of them the worker holds.
"""

from __future__ import annotations

import struct
import weakref
from collections.abc import Iterator, MutableMapping

import numpy as np

from pipeline.dedup.bands import COUNT, HEAD, entry_size

PAGES = 4096
_SEEN = struct.Struct("<d")
_SEEN_AT = 16  # where an entry's last seen starts: after its id and order


def _find(page: bytearray | None, needle: bytes, width: int) -> list[int]:
    """The indexes of the fixed-width rows of ``page`` that start with ``needle``."""
    at = page.find(needle) if page else -1
    if at < 0:
        return []
    found: list[int] = []
    while page is not None and at >= 0:
        if at % width == 0:
            found.append(at // width)
            at = page.find(needle, at + width)
        else:
            at = page.find(needle, at + 1)
    return found


class EntryPool:
    """Articles' entries (id, order, last seen, fingerprint) by page of their id, shared by the band
    stores made with it, which it knows so that expiring an entry drops it from all of them."""

    def __init__(self, pages: int = PAGES) -> None:
        self.pages = pages
        self.entries: dict[int, bytearray] = {}  # page of the article id -> the articles' entries
        self.width = 0  # the bytes of an entry, known from the first bucket written
        self.stores: weakref.WeakValueDictionary[int, BandStore] = weakref.WeakValueDictionary()

    def store(self) -> BandStore:
        """A new band store keeping its entries here."""
        return BandStore(pool=self)

    def expire(self, oldest: float) -> np.ndarray | None:
        """Drop the entries last seen before ``oldest`` (a POSIX time); their ids, None if none."""
        if not self.width:
            return None
        layout = np.dtype({"names": ["id", "seen"], "formats": ["<u8", "<f8"], "offsets": [0, _SEEN_AT]})
        gone = []
        for page in list(self.entries):
            entries = np.frombuffer(self.entries[page], np.dtype((np.void, self.width)))
            heads = entries.view(np.uint8).reshape(-1, self.width)[:, :HEAD].copy().view(layout).ravel()
            old = heads["seen"] < oldest
            if old.any():
                gone.append(heads["id"][old])
                kept = entries[~old].tobytes()
                if kept:
                    self.entries[page] = bytearray(kept)
                else:
                    del self.entries[page]
        return np.concatenate(gone) if gone else None


class BandStore(MutableMapping[str, bytes]):
    def __init__(self, pages: int = PAGES, pool: EntryPool | None = None) -> None:
        self.pool = pool if pool is not None else EntryPool(pages)
        self.pages = self.pool.pages  # the pool's: entries are found in its pages by them
        self.pool.stores[id(self)] = self
        self.tags: dict[int, bytearray] = {}  # page -> the 4-byte tag of each row, a bucket's in the order written
        self.ids: dict[int, bytearray] = {}  # page -> the 8-byte article id of each row
        self.buckets = 0
        # the rows of the bucket read last, until a write: a probe reads a bucket, then writes it
        self._read: tuple[str, int, bytes, list[int]] | None = None

    @property
    def entries(self) -> dict[int, bytearray]:
        return self.pool.entries

    @property
    def width(self) -> int:
        return self.pool.width

    def _place(self, key: str) -> tuple[int, bytes]:
        # Python's string hash: 64 bits, computed once per string, the same for the life of the
        # process, which is all a store lives (it is restored from band keys, not from hashes).
        digest = hash(key) & 0xFFFF_FFFF_FFFF_FFFF
        return digest % self.pages, (digest >> 32).to_bytes(4, "little")

    def get(self, key: str, default: bytes | None = None) -> bytes | None:  # type: ignore[override]
        found = self._bucket(key)
        return default if found is None else found

    def _rows(self, key: str) -> tuple[int, bytes, list[int]]:
        if self._read is not None and self._read[0] == key:
            return self._read[1:]
        page, tag = self._place(key)
        rows = _find(self.tags.get(page), tag, 4)
        self._read = key, page, tag, rows
        return page, tag, rows

    def __getitem__(self, key: str) -> bytes:
        found = self._bucket(key)
        if found is None:
            raise KeyError(key)
        return found

    def _bucket(self, key: str) -> bytes | None:
        page, _, rows = self._rows(key)
        if not rows:
            return None
        ids = self.ids[page]
        found = [self._entry(bytes(ids[8 * row : 8 * row + 8])) for row in rows]
        return COUNT.pack(len(found)) + b"".join(found)

    def _entry(self, number: bytes) -> bytes:
        page = self.entries.get(int.from_bytes(number, "little") % self.pages)
        at = _find(page, number, self.width)
        return bytes(page[at[0] * self.width : (at[0] + 1) * self.width]) if page and at else b""

    def __setitem__(self, key: str, value: bytes) -> None:
        count = COUNT.unpack_from(value)[0] if value else 0
        width = entry_size(value) if count else self.width
        if self.width != width:
            if self.width:
                raise ValueError(f"bucket entries of {width} bytes in a store of {self.width}")
            self.pool.width = width
        page, tag, rows = self._rows(key)
        self._read = None
        had = self._drop_rows(page, rows)
        ids = self.ids.setdefault(page, bytearray())
        for start in range(COUNT.size, COUNT.size + count * width, width):
            ids += value[start : start + 8]
            self._keep(value[start : start + 8], value[start : start + width])
        self.tags.setdefault(page, bytearray()).extend(tag * count)
        self.buckets += bool(count) - had

    def _keep(self, number: bytes, entry: bytes) -> None:
        """Store an article's entry, or replace the one stored (keeping the later last seen)."""
        page = self.entries.setdefault(int.from_bytes(number, "little") % self.pages, bytearray())
        at = _find(page, number, self.width)
        if not at:
            page.extend(entry)
            return
        start = at[0] * self.width
        (before,) = _SEEN.unpack_from(page, start + _SEEN_AT)
        page[start : start + self.width] = entry
        if before > _SEEN.unpack_from(entry, _SEEN_AT)[0]:
            _SEEN.pack_into(page, start + _SEEN_AT, before)

    def _drop_rows(self, page: int, rows: list[int]) -> bool:
        """Remove a bucket's rows from its page; whether it had any."""
        tags, ids = self.tags.get(page), self.ids.get(page)
        if not rows or tags is None or ids is None:
            return False
        for row in reversed(rows):
            del tags[4 * row : 4 * row + 4], ids[8 * row : 8 * row + 8]
        if not tags:
            del self.tags[page], self.ids[page]
        return True

    def _rewrite(self, page: int, keep: np.ndarray) -> None:
        """Keep only the rows of a page that ``keep`` marks, dropping the page once empty."""
        tags = np.frombuffer(self.tags[page], "<u4")[keep]
        ids = np.frombuffer(self.ids[page], "<u8")[keep]
        if len(tags):
            self.tags[page], self.ids[page] = bytearray(tags.tobytes()), bytearray(ids.tobytes())
        else:
            del self.tags[page], self.ids[page]

    def __delitem__(self, key: str) -> None:
        page, _, rows = self._rows(key)
        self._read = None
        if not self._drop_rows(page, rows):
            raise KeyError(key)
        self.buckets -= 1

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and bool(self._rows(key)[2])

    def __len__(self) -> int:
        return self.buckets

    def __iter__(self) -> Iterator[str]:
        raise TypeError("a band store keeps hashes of its band keys, not the keys")

    def expire(self, oldest: float) -> int:
        """Forget the articles last seen before ``oldest`` (a POSIX time) in this store and every
        other of its pool, and every bucket left empty by it; how many buckets that was."""
        dead = self.pool.expire(oldest)
        if dead is None:
            return 0
        return sum(store._forget(dead) for store in list(self.pool.stores.values()))

    def _forget(self, dead: np.ndarray) -> int:
        self._read = None
        emptied = 0
        for page in list(self.tags):
            tags, lost = np.frombuffer(self.tags[page], "<u4"), np.isin(np.frombuffer(self.ids[page], "<u8"), dead)
            if lost.any():
                emptied += len(np.unique(tags)) - len(np.unique(tags[~lost]))
                self._rewrite(page, ~lost)
        self.buckets -= emptied
        return emptied
