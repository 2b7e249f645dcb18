"""Forgetting what dedup no longer needs: an entry seen last longer ago than the window can no
longer make an article a duplicate. Entries are pruned when their key is touched again; most keys
(LSH band keys above all) never are, so a periodic sweep drops them, or the state would grow for
as long as the pipeline runs."""

from __future__ import annotations

from collections.abc import Iterable, MutableMapping
from datetime import datetime, timedelta
from typing import Any


def last_seen(value: Any) -> float | None:
    """When an entry was last seen (a POSIX time): a URL or content-hash record, or an LSH bucket."""
    if isinstance(value, dict) and "seen_at" in value:
        return datetime.fromisoformat(value["seen_at"]).timestamp()
    if isinstance(value, list) and value and all(isinstance(e, list) and len(e) >= 4 for e in value):
        return max(float(e[3]) for e in value)
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
