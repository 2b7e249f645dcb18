"""Story grouping throughput as open stories pile up: the story index against scoring every story.

Usage: .venv/bin/python bench/stories_throughput.py PATH... [--runs 3] [--window 500]

PATH... are directories of article texts (``*.txt``, searched recursively; for example PolNeAR's
``data/*/text``) or the ``--jsonl`` output of ``news-ingest process`` (each article's title and text);
the data stays outside this repository. Every text joins a story in file-name order,
as the stories stage joins enriched articles, in two modes side by side in each run:

- indexed: as shipped, only the stories that can reach the join threshold are scored;
- scan: every open story is scored (the grouping before the index, which the stories stage, on its
  one key, pays for every article).

The two must give the same story for every article (the bench stops otherwise). Printed: CPU ms per
article in each mode over each window of ``--window`` articles with the stories open at its end,
then medians over ``--runs`` of the whole corpus and their ratio.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.stories.grouping import StoryIndex, StoryParams, assign_story  # noqa: E402


class ScanIndex(StoryIndex):
    """Every story is a candidate: the cost of scoring them all."""

    def candidates(self, terms: dict[str, int], threshold: float) -> list[str]:
        return list(self.touched)


def texts_of(paths: list[Path]) -> list[str]:
    texts = []
    for path in paths:
        if path.is_dir():
            files = sorted(path.rglob("*.txt"), key=lambda p: p.name)
            texts += [p.read_text(encoding="utf-8", errors="replace") for p in files]
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            article = orjson.loads(line).get("article") or {}
            if article.get("text"):
                texts.append(f"{article.get('title') or ''}\n{article['text']}")
    return texts


def one_run(texts: list[str], index: StoryIndex, window: int) -> tuple[list[tuple[str, bool]], list[tuple[int, float]]]:
    """Each text's (story, opened), and per window (open stories at its end, CPU ms per article)."""
    store: dict[str, Any] = {}
    params = StoryParams()
    joined, windows = [], []
    started, first = time.process_time(), 1
    for i, text in enumerate(texts, 1):
        found = assign_story(store, f"a{i}", text, None, params, index)
        joined.append((found.story_id, found.opened))
        if i % window == 0 or i == len(texts):
            now = time.process_time()
            windows.append((len(index.touched), (now - started) * 1000 / (i - first + 1)))
            started, first = now, i + 1
    return joined, windows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", type=Path, nargs="+")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--window", type=int, default=500)
    args = parser.parse_args()
    texts = texts_of(args.paths)
    print(f"{len(texts)} texts, {sum(map(len, texts)):,} characters")
    totals: dict[str, list[float]] = {"indexed": [], "scan": []}
    for run in range(args.runs):
        results = {}
        for mode, index in (("indexed", StoryIndex()), ("scan", ScanIndex())):
            started = time.process_time()
            results[mode] = one_run(texts, index, args.window)
            totals[mode].append((time.process_time() - started) * 1000 / len(texts))
        if results["indexed"][0] != results["scan"][0]:
            sys.exit("the index and the scan put some article on different stories")
        if run == 0:
            print(f"{'articles':>9} {'open stories':>13} {'indexed ms':>11} {'scan ms':>8}")
            rows = zip(results["indexed"][1], results["scan"][1], strict=True)
            for n, ((stories, fast), (_, slow)) in enumerate(rows, 1):
                print(f"{min(n * args.window, len(texts)):>9} {stories:>13} {fast:>11.2f} {slow:>8.2f}")
    indexed, scan = statistics.median(totals["indexed"]), statistics.median(totals["scan"])
    print(f"same story for all {len(texts)} articles in both modes")
    print(f"median over {args.runs} runs: indexed {indexed:.2f} ms/article, scan {scan:.2f} ms/article")
    print(f"  scan / indexed {scan / indexed:.2f}x (CPU time, one core)")


if __name__ == "__main__":
    main()
