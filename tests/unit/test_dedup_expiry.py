"""Dedup state older than the window is swept, whatever kind of entry it is; nothing fresher is."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from pipeline.dedup.bands import Member, probe
from pipeline.dedup.exact import check_content, check_url
from pipeline.dedup.expiry import last_seen, sweep
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
    for days_ago, n in ((10, 1), (3, 2)):
        then = NOW - timedelta(days=days_ago)
        check_url(article(n), urls, now=then, window=WINDOW)
        check_content(article(n), hashes, now=then, window=WINDOW)
        probe(buckets, f"band{n}", Member(f"a{n}", float(n), PRINT), now=then, window=WINDOW)
    probe(buckets, "shared", Member("a1", 1.0, PRINT), now=NOW - timedelta(days=10), window=WINDOW)
    probe(buckets, "shared", Member("a2", 2.0, PRINT), now=NOW - timedelta(days=3), window=WINDOW)

    for store in (urls, hashes, buckets):
        assert sweep(store, list(store), now=NOW, window=WINDOW) == 1
    assert list(urls) == ["a2"] and list(hashes) == ["h2"]
    assert sorted(buckets) == ["band2", "shared"]  # a bucket goes only once its newest member is old


def test_entries_it_does_not_know_are_left_alone() -> None:
    store: dict[str, Any] = {"pending": {"bands": 14}, "empty": [], "gone": None}
    assert [last_seen(v) for v in store.values()] == [None, None, None]
    assert sweep(store, ["pending", "empty", "missing"], now=NOW, window=WINDOW) == 0
    assert len(store) == 3
