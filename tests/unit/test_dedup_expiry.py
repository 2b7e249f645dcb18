"""Dedup state older than the window is swept, whatever kind of entry it is; nothing fresher is."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from pipeline.dedup.band_store import BandStore
from pipeline.dedup.bands import Member, probe
from pipeline.dedup.exact import check_content, check_url
from pipeline.dedup.expiry import forget, last_seen, sweep
from pipeline.dedup.signatures import MinHashParams, fingerprint, signature
from pipeline.models import Article

NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
WINDOW = timedelta(days=7)
PRINT = fingerprint(signature("the harbour bridge will be rebuilt next spring", MinHashParams()))


def article(n: int) -> Article:
    return Article(
        article_id=f"a{n}",
        trace_id=f"t{n}",
        source="test",
        url=f"https://news.example/{n}",
        text=f"Article number {n} about the harbour bridge.",
        content_hash=f"h{n}",
        extractor="text-capture",
        extracted_at=NOW,
    )


def test_every_kind_of_entry_older_than_the_window_is_swept() -> None:
    urls: dict[str, Any] = {}
    hashes: dict[str, Any] = {}
    buckets: dict[str, Any] = {}
    compact = BandStore()
    for days_ago, n in ((10, 1), (3, 2)):
        then = NOW - timedelta(days=days_ago)
        check_url(article(n), urls, now=then, window=WINDOW)
        check_content(article(n), hashes, now=then, window=WINDOW)
        for store in (buckets, compact):
            probe(store, f"band{n}", Member(f"{n:016x}", float(n), PRINT), now=then, window=WINDOW)
    for store in (buckets, compact):
        probe(store, "shared", Member(f"{1:016x}", 1.0, PRINT), now=NOW - timedelta(days=10), window=WINDOW)
        probe(store, "shared", Member(f"{2:016x}", 2.0, PRINT), now=NOW - timedelta(days=3), window=WINDOW)

    for store in (urls, hashes, buckets, compact):
        assert forget(store, now=NOW, window=WINDOW) == 1
    assert list(urls) == ["a2"] and list(hashes) == ["h2"]
    assert sorted(buckets) == ["band2", "shared"]  # a bucket goes only once its newest member is old
    assert [k in compact for k in ("band1", "band2", "shared")] == [False, True, True]


def test_entries_it_does_not_know_are_left_alone() -> None:
    store: dict[str, Any] = {"pending": {"bands": 14}, "empty": [], "gone": None}
    assert [last_seen(v) for v in store.values()] == [None, None, None]
    assert sweep(store, ["pending", "empty", "missing"], now=NOW, window=WINDOW) == 0
    assert len(store) == 3
