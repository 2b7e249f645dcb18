"""Fetch throughput under politeness: pages per second through fetch + extract, by number of hosts.

Usage: .venv/bin/python bench/fetch_politeness.py [--pages 48] [--runs 5] [--delay 0.05]

A local site (one HTTP server per simulated host on 127.0.0.1) serves the same article page;
``PageFetch.outcome`` runs every request concurrently, as the worker does, with one request at
a time per host and ``--delay`` seconds between requests to a host. With H hosts the ceiling
is about H / (delay + service time) pages/s; the script prints the median of each host count
and its ratio to one host. Also prints how long refusing a 1 GiB gzip bomb and an XML entity
bomb takes and the peak memory traced while doing it.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.config import Settings  # noqa: E402
from pipeline.fetch import http  # noqa: E402
from pipeline.fetch.body import BoundedBody, TooLarge  # noqa: E402
from pipeline.fetch.feeds import FeedError, safe_tree  # noqa: E402
from pipeline.fetch.pages import PageFetch  # noqa: E402
from pipeline.fetch.politeness import HostGate  # noqa: E402
from pipeline.fetch.robots import RobotsCache  # noqa: E402
from pipeline.models import FetchRequest  # noqa: E402
from tests.integration.fetch_site import Host, gzip_bomb, html  # noqa: E402
from tests.unit.test_fetch_logic import BOMB  # noqa: E402

TEXT = [
    "The ferry operator said on Thursday that crossings will run every half hour from May, "
    "doubling the winter timetable, after passenger numbers rose for a third year in a row.",
    "A second boat will join the route in June, the operator said, once its crew has finished "
    "training and the harbour has dredged the channel to the depth the larger vessel needs.",
]


async def one_run(hosts: list[Host], pages: int, settings: Settings) -> float:
    async with http.client(settings) as client:
        fetcher = http.Fetcher(client, settings)
        fetch = PageFetch(fetcher, RobotsCache(fetcher, 3600), HostGate(), settings)
        now = datetime.now(UTC)
        requests = [FetchRequest.for_url(f"{hosts[i % len(hosts)].url}/p{i}", now) for i in range(pages)]
        for host in hosts:  # robots.txt cached before timing, as in a long-running worker
            await fetch.robots.rules(httpx.URL(host.url))
        started = time.perf_counter()
        outs = await asyncio.gather(*(fetch.outcome(r) for r in requests))
        elapsed = time.perf_counter() - started
    if any(role != "articles" for role, _, _ in outs):
        raise SystemExit(f"not every page became an article: {[o[2] for o in outs if o[0] != 'articles'][:1]}")
    return pages / elapsed


def bombs() -> None:
    bomb = gzip_bomb(1 << 30)
    times, peaks = [], []
    for _ in range(5):
        tracemalloc.start()
        started = time.perf_counter()
        try:
            body = BoundedBody(10 << 20, "gzip")
            for start in range(0, len(bomb), 65536):
                body.feed(bomb[start : start + 65536])
        except TooLarge:
            pass
        times.append(time.perf_counter() - started)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    print(
        f"1 GiB gzip bomb ({len(bomb):,} bytes): refused in median {statistics.median(times) * 1000:.1f} ms, "
        f"peak traced memory {max(peaks) / 2**20:.1f} MiB (cap 10 MiB)"
    )
    started = time.perf_counter()
    for _ in range(100):
        try:
            safe_tree(BOMB)
        except FeedError:
            pass
    print(f"XML entity bomb: refused in {(time.perf_counter() - started) * 10:.2f} ms each (100 tries)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=48)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--delay", type=float, default=0.05, help="seconds between requests to one host")
    args = parser.parse_args()
    settings = Settings(fetch_allow_addresses="127.0.0.1", fetch_host_delay_s=args.delay)
    page = html("Ferry crossings double", TEXT)
    servers = [Host({f"/p{i}": page for i in range(args.pages)}) for _ in range(16)]
    try:
        baseline = None
        for count in (1, 4, 16):
            rates = [asyncio.run(one_run(servers[:count], args.pages, settings)) for _ in range(args.runs)]
            median = statistics.median(rates)
            baseline = baseline or median
            print(
                f"{count:2} hosts, delay {args.delay}s: median {median:6.1f} pages/s  "
                f"(x{median / baseline:.1f} of one host; runs {', '.join(f'{r:.1f}' for r in rates)})"
            )
    finally:
        for server in servers:
            server.close()
    bombs()


if __name__ == "__main__":
    main()
