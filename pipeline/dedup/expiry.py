"""Forgetting what dedup no longer needs: an entry seen last longer ago than the window can no
longer make an article a duplicate. Entries are pruned when their key is touched again; most keys
(LSH band keys above all) never are, so a periodic sweep drops them, or the state would grow for
as long as the pipeline runs."""

from __future__ import annotations

from collections.abc import Iterable, MutableMapping
from datetime import datetime, timedelta
from typing import Any

from pipeline.dedup.band_store import BandStore
from pipeline.dedup.bands import unpack


def last_seen(value: Any) -> float | None:
    """When an entry was last seen (a POSIX time): a URL or content-hash record, or a packed LSH bucket."""
    if isinstance(value, dict) and "seen_at" in value:
        return datetime.fromisoformat(value["seen_at"]).timestamp()
    if isinstance(value, bytes) and (entries := unpack(value)):
        return max(e.seen for e in entries)
    return None


def sweep(store: MutableMapping[Any, Any], keys: Iterable[Any], *, now: datetime, window: timedelta) -> int:
    """Delete those of ``keys`` whose entry was last seen before the window; how many were."""
    oldest = (now - window).timestamp()
    dropped = 0
    for key in keys:
        seen = last_seen(store.get(key))
        if seen is not None and seen < oldest:
            del store[key]
            dropped += 1
    return dropped


def forget(store: MutableMapping[Any, Any], *, now: datetime, window: timedelta) -> int:
    """Sweep a whole store: a band store forgets by article, another mapping key by key; how many keys went."""
    if isinstance(store, BandStore):
        return store.expire((now - window).timestamp())
    return sweep(store, list(store), now=now, window=window)
