"""Dedup throughput (signatures/s, articles/s) and memory per 1M stored signatures, memory vs RocksDB.

Usage: .venv/bin/python bench/dedup_throughput.py [--articles 2000] [--stored 200000] [--runs 5]

- signing: MinHash signature, band keys and fingerprint of synthetic news articles
  (tests/dedup_corpus.py: 6-10 paragraphs each), single-threaded; median of ``--runs``.
- judging: the whole offline dedup step (URL, content hash, LSH probe of every band, verdict)
  with dict stores, on originals then their near copies; median of ``--runs``.
- memory: ``--stored`` signatures (random MinHash values: distinct articles) put into the band
  store the way the stream worker's tables hold them (Python objects), measured with tracemalloc
  and scaled to 1M; the JSON bytes they take in the changelog; and, when rocksdict is installed
  (an on-disk store, for comparison), the same entries written to RocksDB: rate and disk size.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.dedup import DedupConfig, DedupStores, Member, MinHashParams, judge, probe  # noqa: E402
from pipeline.dedup.signatures import band_keys, fingerprint, signature  # noqa: E402
from pipeline.models import Article  # noqa: E402
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


def memory_store(entries: list[tuple[list[str], Member]]) -> tuple[int, dict[str, object]]:
    """The band store holding ``entries``, and the bytes it takes."""
    tracemalloc.start()
    buckets: dict[str, object] = {}
    before = tracemalloc.get_traced_memory()[0]
    for keys, member in entries:
        for key in keys:
            probe(buckets, key, member, now=NOW, window=WEEK)
    used = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    return used, buckets


def serialized(buckets: dict[str, object]) -> list[tuple[bytes, bytes]]:
    return [(key.encode(), json.dumps(entry).encode()) for key, entry in buckets.items()]


def rocksdb_figures(rows: list[tuple[bytes, bytes]]) -> tuple[float, int] | None:
    try:
        from rocksdict import Rdict
    except ImportError:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        db = Rdict(tmp)
        started = time.perf_counter()
        for key, value in rows:
            db[key] = value
        db.flush()
        rate = len(rows) / (time.perf_counter() - started)
        db.close()
        return rate, sum(p.stat().st_size for p in Path(tmp).rglob("*") if p.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--stored", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=5)
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
        f"judging (offline, dict stores): median {statistics.median(rates):,.0f} articles/s  "
        f"near-duplicates found={judged[0][1]}/{len(pairs)}  runs={[round(r) for r in rates]}"
    )

    entries = random_entries(args.stored, params)
    used, buckets = memory_store(entries)
    print(f"memory store: {used / args.stored:,.0f} B/signature -> {used / args.stored:,.0f} MB per 1M signatures")
    data = serialized(buckets)
    del buckets
    json_bytes = sum(len(k) + len(v) for k, v in data)
    print(f"changelog JSON: {json_bytes / args.stored:,.0f} B/signature -> {json_bytes / args.stored:,.0f} MB per 1M")
    rocks = rocksdb_figures(data)
    if rocks is None:
        print("rocksdb: rocksdict not installed, skipped")
    else:
        rate, disk = rocks
        print(
            f"rocksdb: {rate:,.0f} puts/s, disk {disk / args.stored:,.0f} B/signature -> "
            f"{disk / args.stored:,.0f} MB per 1M signatures"
        )


if __name__ == "__main__":
    main()
