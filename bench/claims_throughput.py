"""Throughput of the claims stage on the seed article bodies: median articles per second per core.

Usage: .venv/bin/python bench/claims_throughput.py [--seconds 2] [--runs 5]

Each run calls ``find_claims`` on the five seed bodies (the hand-copied article paragraphs of
tests/unit/test_claims_rules.py, with their hand-placed date expressions) round after round for
``--seconds`` seconds, single-threaded; the script prints every run and the median.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.claims import find_claims  # noqa: E402
from pipeline.models import Article, DateStamp  # noqa: E402
from tests.unit.test_claims_rules import BODIES, article, stamp  # noqa: E402


def corpus() -> list[tuple[Article, DateStamp]]:
    pairs = []
    for name in sorted(BODIES):
        item = article(name)
        pairs.append((item, stamp(name, item.text)))
    return pairs


def one_run(pairs: list[tuple[Article, DateStamp]], seconds: float) -> float:
    done = 0
    started = time.perf_counter()
    deadline = started + seconds
    while time.perf_counter() < deadline:
        for item, dates in pairs:
            find_claims(item, dates)
        done += len(pairs)
    return done / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="length of one run")
    parser.add_argument("--runs", type=int, default=5, help="number of runs")
    args = parser.parse_args()
    pairs = corpus()
    claims = sum(len(find_claims(item, dates)) for item, dates in pairs)
    print(f"{len(pairs)} seed bodies, {sum(len(a.text) for a, _ in pairs)} characters, {claims} claims per round")
    rates = []
    for run in range(1, args.runs + 1):
        rates.append(one_run(pairs, args.seconds))
        print(f"run {run}: {rates[-1]:,.0f} articles/s")
    print(f"median: {statistics.median(rates):,.0f} articles/s per core")


if __name__ == "__main__":
    main()
