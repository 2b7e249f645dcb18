"""Which fallback to run when trafilatura finds (next to) nothing on an HTML page.

Usage: .venv/bin/python bench/extraction/fallbacks.py PATH [PATH ...]

Each PATH is a data set: the ScrapingHub benchmark (``ground-truth.json``) or one in the
CleanEval layout (``input/`` and ``GoldStandard/``, see sites.py). On the pages where
trafilatura's text is shorter than the extractor's ``MIN_BODY_CHARS``, each candidate is scored
alone: trafilatura's short text kept as it is, the page's JSON-LD ``articleBody``, readability-lxml
and jusText; then the chain the extractor runs (each fallback in turn until one gives enough).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from lxml.html import HtmlElement  # type: ignore[import-untyped]

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchmark  # noqa: E402
import sites  # noqa: E402
from score import Counts, aggregate, match  # noqa: E402

from pipeline.extract import html as extract_html  # noqa: E402
from pipeline.extract.document import ExtractError  # noqa: E402
from pipeline.extract.metadata import PageMeta, page_meta  # noqa: E402

Page = tuple[str, str, str]  # truth, html, url
Candidate = Callable[[str, HtmlElement, PageMeta, str], str]  # html, its tree, metadata, trafilatura's text -> text


def load(path: Path) -> list[Page]:
    if (path / "ground-truth.json").exists():
        return [(p.truth, p.html, p.url) for p in benchmark.load(path, None, {})]
    return [(p.truth, p.html, p.url) for p in sites.load(path)]


def shipped(html: str, tree: HtmlElement, meta: PageMeta, main: str) -> str:
    return extract_html.with_fallbacks(html, meta, main, extract_html.Readable(html, meta.title))


CANDIDATES: list[tuple[str, Candidate]] = [
    ("trafilatura's text kept", lambda html, tree, meta, main: main),
    ("JSON-LD articleBody", lambda html, tree, meta, main: meta.article_body or ""),
    ("readability-lxml", lambda html, tree, meta, main: extract_html.Readable(html, meta.title)()),
    ("jusText", lambda html, tree, meta, main: extract_html.justext_text(html, meta.language)),
    ("the chain as shipped", lambda html, tree, meta, main: shipped(html, tree, meta, main)),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", type=Path, nargs="+")
    args = parser.parse_args()
    for path in args.paths:
        pages = load(path)
        scored: dict[str, list[Counts]] = {name: [] for name, _ in CANDIDATES}
        for truth, html, url in pages:
            try:
                tree = extract_html.parse(html)
            except ExtractError:
                continue
            meta = page_meta(tree)
            extract_html.strip_inert(tree)
            main_text = extract_html._paragraphs(extract_html.main_text(tree, url), meta.title)
            if len(main_text) >= extract_html.MIN_BODY_CHARS:
                continue
            for name, candidate in CANDIDATES:
                scored[name].append(match(truth, candidate(html, tree, meta, main_text)))
        n = len(scored[CANDIDATES[0][0]])
        print(f"{path.name}: {len(pages)} pages, {n} where trafilatura gives under {extract_html.MIN_BODY_CHARS} chars")
        if not n:
            continue
        print(f"  {'candidate':<26} {'P':>6} {'R':>6} {'F1':>6}")
        for name, counts in scored.items():
            score = aggregate(counts)
            print(f"  {name:<26} {score.precision:6.3f} {score.recall:6.3f} {score.f1:6.3f}")


if __name__ == "__main__":
    main()
