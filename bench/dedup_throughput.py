"""Dedup throughput (signatures/s, articles/s) and the band store's bytes per stored article, in memory and on disk.

Usage: .venv/bin/python bench/dedup_throughput.py [--articles 2000] [--stored 200000] [--runs 5] [--partitions 6]

- signing: MinHash signature, band keys and fingerprint of synthetic news articles
  (tests/dedup_corpus.py: 6-10 paragraphs each), single-threaded; median of ``--runs``.
- judging: the whole offline dedup step (URL, content hash, LSH probe of every band, verdict)
  with the stores `process` uses, on originals then their near copies; median of ``--runs``.
- memory: ``--stored`` signatures (random MinHash values: distinct articles) probed into the band
  store (``BandStore``, as ``process`` and each partition of the stream's table hold it), measured
  with tracemalloc; then the same spread over ``--partitions`` stores by band key, as the stream's
  partitions of one worker hold them (their stores share one pool of entries, so an article's entry
  is kept once however many of the worker's partitions hold its bands);
  the bytes the stream's changelog takes (record key and value: one journal record per article and
  partition, as the band table writes it); and, when rocksdict is installed (an on-disk store, for
  comparison), the buckets written to RocksDB (one row per bucket): rate and disk size.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.dedup import DedupConfig, DedupStores, Member, MinHashParams, judge, probe  # noqa: E402
from pipeline.dedup.band_store import BandStore, EntryPool  # noqa: E402
from pipeline.dedup.bands import band_groups, journal  # noqa: E402
from pipeline.dedup.signatures import band_keys, fingerprint, signature  # noqa: E402
from pipeline.models import Article  # noqa: E402
from pipeline.partitioning import key_partition  # noqa: E402
from tests.dedup_corpus import corpus  # noqa: E402

NOW = datetime(2025, 5, 6, 12, tzinfo=UTC)
WEEK = timedelta(days=7)


def signing_rate(articles: list[Article], params: MinHashParams) -> float:
    started = time.perf_counter()
    for article in articles:
        values = signature(article.text, params)
        band_keys(values, params)
        fingerprint(values)
    return len(articles) / (time.perf_counter() - started)


def judging_rate(articles: list[Article], config: DedupConfig) -> tuple[float, int]:
    stores = DedupStores()
    started = time.perf_counter()
    near = sum(judge(a, stores, now=NOW, config=config).verdict == "near-duplicate" for a in articles)
    return len(articles) / (time.perf_counter() - started), near


def random_entries(count: int, params: MinHashParams) -> list[tuple[list[str], Member]]:
    rng = np.random.default_rng(11)
    values = rng.integers(0, 2**32, size=(count, params.num_perm), dtype=np.uint32)
    return [(band_keys(row, params), Member(f"{i:016x}", 1.7e9 + i, fingerprint(row))) for i, row in enumerate(values)]


def memory_store(entries: list[tuple[list[str], Member]], partitions: int = 1) -> tuple[int, list[BandStore]]:
    """The band stores holding ``entries``, each band key in the store of its partition, and the bytes they take."""
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    pool = EntryPool()
    stores = [pool.store() for _ in range(partitions)]
    for keys, member in entries:
        for key in keys:
            store = stores[key_partition(key, partitions)]
            probe(store, key, member, now=NOW, window=WEEK)
    used = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    return used, stores


def changelog(entries: list[tuple[list[str], Member]], partitions: int) -> Iterator[tuple[bytes, bytes]]:
    """The changelog records of the probes, keyed and valued as the stream's band table writes them."""
    for keys, member in entries:
        for bands in band_groups(keys, partitions).values():
            key = orjson.dumps([member.article_id, NOW.timestamp()])
            yield key, journal(member, [k for _, k in bands], NOW)


def bucket_rows(entries: list[tuple[list[str], Member]], store: BandStore) -> Iterator[tuple[bytes, bytes]]:
    """The buckets as rows of an on-disk store, one per band key."""
    return ((orjson.dumps(key), store[key]) for keys, _ in entries for key in keys)


def rocksdb_figures(rows: Iterator[tuple[bytes, bytes]]) -> tuple[float, int] | None:
    try:
        from rocksdict import Rdict
    except ImportError:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        db = Rdict(tmp)
        started, puts = time.perf_counter(), 0
        for key, value in rows:
            db[key] = value
            puts += 1
        db.flush()
        rate = puts / (time.perf_counter() - started)
        db.close()
        return rate, sum(p.stat().st_size for p in Path(tmp).rglob("*") if p.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--stored", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--partitions", type=int, default=6)
    args = parser.parse_args()
    config = DedupConfig()
    params = config.minhash
    pairs, singles = corpus(args.articles // 4, args.articles // 2)
    articles = [a for a, _ in pairs] + singles + [c for _, c in pairs]
    bands, rows = params.bands_rows
    print(f"num_perm={params.num_perm} threshold={params.threshold} bands={bands} rows={rows}")
    print(f"articles={len(articles)} mean words={statistics.mean(len(a.text.split()) for a in articles):.0f}")

    signing = [signing_rate(articles, params) for _ in range(args.runs)]
    print(f"signing: median {statistics.median(signing):,.0f} signatures/s  runs={[round(r) for r in signing]}")
    judged = [judging_rate(articles, config) for _ in range(args.runs)]
    rates = [r for r, _ in judged]
    print(
        f"judging (offline, process stores): median {statistics.median(rates):,.0f} articles/s  "
        f"near-duplicates found={judged[0][1]}/{len(pairs)}  runs={[round(r) for r in rates]}"
    )

    entries = random_entries(args.stored, params)
    used, stores = memory_store(entries)
    print(f"memory store: {used / args.stored:,.0f} B/article -> {used / args.stored:,.0f} MB per 1M articles")
    size = sum(len(k) + len(v) for k, v in changelog(entries, args.partitions))
    rocks = rocksdb_figures(bucket_rows(entries, stores[0]))
    del stores
    spread, _ = memory_store(entries, args.partitions)
    print(
        f"memory store over {args.partitions} partitions: {spread / args.stored:,.0f} B/article -> "
        f"{spread / args.stored:,.0f} MB per 1M articles"
    )
    print(f"changelog: {size / args.stored:,.0f} B/article (keys and values) -> {size / args.stored:,.0f} MB per 1M")
    if rocks is None:
        print("rocksdb: rocksdict not installed, skipped")
    else:
        rate, disk = rocks
        print(
            f"rocksdb: {rate:,.0f} puts/s, disk {disk / args.stored:,.0f} B/article -> "
            f"{disk / args.stored:,.0f} MB per 1M articles"
        )


if __name__ == "__main__":
    main()
