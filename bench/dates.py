"""Publication days scored on a directory of HTML pages with a labels file, side by side with
htmldate alone and trafilatura alone on the same pages.

Usage:
  .venv/bin/python bench/dates.py DIR... --labels FILE [--with-url] [--limit N] [--misses]
  .venv/bin/python bench/dates.py --from-htmldate REPO_DIR --urls FILE --out DIR --labels FILE

The labels file is JSON: ``{"<file name>": {"url": "...", "date": "YYYY-MM-DD" or null}}``; a
null date is a page that states no publication date (an undated page must stay undated). Pages
are the files of DIR... named in the labels; the data stays outside this repository.

To build DIR and the labels from htmldate's public evaluation data: clone
https://github.com/adbar/htmldate (Apache-2.0) and run the ``--from-htmldate`` form with a file of
the keys (page URLs, one a line) of its ``tests/eval_default.json`` to take; it copies each page
(from ``tests/cache``, ``tests/eval`` or ``tests/test_set``) into ``--out`` and writes their labels.

Each page runs through the chain as ``news-ingest process`` runs it on a file, on its own (fresh
stores, so a dedup verdict on a similar page of the same site never hides a date); our day is the
stamp's ``published`` when its precision is a day or finer. htmldate runs as ``find_date(html,
original_date=True)``, trafilatura as ``extract_metadata(html).date``. A file has no URL: with
``--with-url`` all three are given the page's URL from the labels, as a fetch worker has it.

Columns: exact (share of dated pages given their day), within one day, wrong (dated pages given
another date or only a month or year), none (dated pages given nothing), undated-dated (undated
pages given a date, of all undated pages).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from htmldate import find_date
from trafilatura.metadata import extract_metadata

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.chain import Chain, Stores  # noqa: E402
from pipeline.config import Settings  # noqa: E402
from pipeline.documents import read_capture  # noqa: E402

NOW = datetime(2026, 1, 1, tzinfo=UTC)
PAGE_FOLDERS = ("tests/cache", "tests/eval", "tests/test_set")
Dater = Callable[["Page"], str | None]


@dataclass(frozen=True)
class Page:
    path: Path
    url: str | None
    truth: str | None
    with_url: bool


def from_htmldate(repo: Path, urls: Path, out: Path, labels: Path) -> int:
    """Copy the pages of the listed keys of htmldate's tests/eval_default.json and write their labels."""
    wanted = [line.strip() for line in urls.read_text(encoding="utf-8").splitlines() if line.strip()]
    index = json.loads((repo / "tests" / "eval_default.json").read_text(encoding="utf-8"))
    out.mkdir(parents=True, exist_ok=True)
    found: dict[str, dict[str, str | None]] = {}
    for url in wanted:
        entry = index.get(url)
        source = next(
            (repo / f / entry["file"] for f in PAGE_FOLDERS if entry and (repo / f / entry["file"]).exists()), None
        )
        if entry is None or source is None:
            print(f"missing: {url}", file=sys.stderr)
            continue
        shutil.copyfile(source, out / source.name)
        found[source.name] = {"url": url, "date": entry.get("date") or None}
    labels.write_text(json.dumps(found, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{len(found)} of {len(wanted)} pages in {out}, labels in {labels}")
    return 0 if len(found) == len(wanted) else 1


def load(dirs: list[Path], labels: Path, *, with_url: bool, limit: int | None) -> list[Page]:
    truth = json.loads(labels.read_text(encoding="utf-8"))
    pages = []
    for name, label in sorted(truth.items()):
        path = next((d / name for d in dirs if (d / name).exists()), None)
        if path is not None:
            pages.append(Page(path, label.get("url"), label.get("date") or None, with_url))
    return pages[:limit]


def _html(page: Page) -> str:
    return read_capture(page.path, max_bytes=Settings().max_document_bytes).body


def ours(page: Page) -> str | None:
    capture = read_capture(page.path, max_bytes=Settings().max_document_bytes)
    if page.with_url:
        capture = capture.model_copy(update={"url": page.url})
    result = Chain().run(capture, Stores(), now=NOW)
    stamp = result.datestamp
    if stamp is None or stamp.published is None:
        return None
    return stamp.published[:10] if stamp.precision in ("day", "minute") else stamp.published


def htmldate_alone(page: Page) -> str | None:
    try:
        return find_date(_html(page), original_date=True, url=page.url if page.with_url else None)
    except Exception:  # noqa: BLE001 - a library failure is a page without a date
        return None


def trafilatura_alone(page: Page) -> str | None:
    try:
        found = extract_metadata(_html(page), default_url=page.url if page.with_url else None).date
    except Exception:  # noqa: BLE001
        return None
    return found[:10] if isinstance(found, str) else None


def _days(found: str | None, truth: str) -> int | None:
    try:
        return abs((date.fromisoformat(found or "") - date.fromisoformat(truth)).days)
    except ValueError:
        return None


def score(pages: list[Page], answers: list[str | None]) -> dict[str, float | int]:
    dated = [(p.truth, a) for p, a in zip(pages, answers, strict=True) if p.truth]
    undated = [a for p, a in zip(pages, answers, strict=True) if not p.truth]
    exact = sum(a == t for t, a in dated)
    within = sum((d := _days(a, t)) is not None and d <= 1 for t, a in dated)
    n = len(dated) or 1
    return {
        "exact": exact / n,
        "within one day": within / n,
        "wrong": sum(a is not None and a != t for t, a in dated),
        "none": sum(a is None for _, a in dated),
        "undated-dated": sum(a is not None for a in undated),
        "undated": len(undated),
    }


def table(pages: list[Page], results: dict[str, list[str | None]]) -> str:
    dated = sum(1 for p in pages if p.truth)
    lines = [
        f"{len(pages)} pages: {dated} dated, {len(pages) - dated} undated",
        f"{'':24} {'exact':>6} {'±1 day':>7} {'wrong':>6} {'none':>5} {'undated-dated':>14}",
    ]
    for name, answers in results.items():
        s = score(pages, answers)
        undated = f"{s['undated-dated']} of {s['undated']}"
        lines.append(
            f"{name:24} {s['exact']:6.3f} {s['within one day']:7.3f} {s['wrong']:6} {s['none']:5} {undated:>14}"
        )
    return "\n".join(lines)


def misses(pages: list[Page], answers: list[str | None]) -> str:
    return "\n".join(
        f"{p.path.name}\ttruth={p.truth}\tgot={a}" for p, a in zip(pages, answers, strict=True) if a != p.truth
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dirs", nargs="*", type=Path)
    parser.add_argument("--labels", type=Path, required=True)
    parser.add_argument("--with-url", action="store_true", help="give every dater the page's URL from the labels")
    parser.add_argument("--limit", type=int)
    parser.add_argument("--misses", action="store_true", help="list our pages that miss their day")
    parser.add_argument("--from-htmldate", type=Path, metavar="REPO_DIR", help="build --out and --labels")
    parser.add_argument("--urls", type=Path, help="with --from-htmldate: the keys to take, one a line")
    parser.add_argument("--out", type=Path, help="with --from-htmldate: where the pages go")
    args = parser.parse_args(argv)
    if args.from_htmldate:
        if args.urls is None or args.out is None:
            parser.error("--from-htmldate needs --urls and --out")
        return from_htmldate(args.from_htmldate, args.urls, args.out, args.labels)
    if not args.dirs:
        parser.error("give the directories of pages")
    pages = load(args.dirs, args.labels, with_url=args.with_url, limit=args.limit)
    daters: dict[str, Dater] = {
        "news-ingest": ours,
        "htmldate alone": htmldate_alone,
        "trafilatura alone": trafilatura_alone,
    }
    results = {name: [dater(page) for page in pages] for name, dater in daters.items()}
    print(table(pages, results))
    if args.misses:
        print(misses(pages, results["news-ingest"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
