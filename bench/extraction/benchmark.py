"""Article-body extraction scored on the ScrapingHub article-extraction-benchmark (181 pages).

Usage: .venv/bin/python bench/extraction/benchmark.py PATH [--runs 3] [--limit N]

PATH is a checkout of the benchmark (its html/*.html.gz pages and ground-truth.json); the data
stays outside this repository. The inputs per page: the HTML, and the same page rendered to
plain text with all its boilerplate, as a plain-text capture would hold it, by each renderer of
--renderers (inscriptis, html2text, lynx, w3m; a text browser not installed is skipped, and the
bench says so). Ours runs on every input; the baselines on the HTML and on the first renderer's
text, twice there: on the text as it is, and on markup we make for them from it (one <p> per
line, which is what they need to see paragraphs at all). The table gives the benchmark's shingle
precision, recall and F1, word F1 (bag of whitespace tokens after NFKC, per page, averaged), and
the median pages per second over --runs rounds (each round runs every case in turn), then our
HTML speed over trafilatura's per round.
"""

from __future__ import annotations

import argparse
import gzip
import html
import itertools
import json
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import justext
import trafilatura

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from renderers import RENDERERS, Renderer, available  # noqa: E402
from score import Counts, aggregate, match, word_f1  # noqa: E402

from pipeline.extract import BoilerplateMemory, ExtractError, extract  # noqa: E402
from pipeline.extract.encoding import decode_html  # noqa: E402
from pipeline.models import Capture  # noqa: E402

NOW = datetime(2025, 1, 1, tzinfo=UTC)
Extractor = Callable[[str, str], str]
Case = tuple[str, str, Extractor]


@dataclass(frozen=True)
class Page:
    key: str
    url: str
    truth: str
    html: str
    texts: dict[str, str]  # the page rendered to text, by renderer name

    def input(self, source: str) -> str:
        return self.html if source == "html" else self.texts[source]


def load(path: Path, limit: int | None, renderers: dict[str, Renderer]) -> list[Page]:
    truth = json.loads((path / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for key in sorted(truth)[:limit]:
        markup = decode_html(gzip.decompress((path / "html" / f"{key}.html.gz").read_bytes()))
        item = truth[key]
        texts = {name: render(markup) for name, render in renderers.items()}
        pages.append(Page(key, item.get("url", ""), item.get("articleBody", ""), markup, texts))
    return pages


def ours(content_type: str, memory: BoilerplateMemory | None = None) -> Extractor:
    """Our extract; each page is its own capture, as the memory, when given, tells pages apart by id."""
    pages = itertools.count()

    def run(body: str, url: str) -> str:
        capture = Capture(
            capture_id=f"bench-{next(pages)}", source="bench", url=url or None, content_type=content_type, body=body
        )
        try:
            return extract(capture, now=NOW, memory=memory).text
        except ExtractError:
            return ""

    return run


def trafilatura_fast(body: str, url: str) -> str:
    return trafilatura.extract(body, url=url, fast=True, include_comments=False) or ""


def trafilatura_default(body: str, url: str) -> str:
    return trafilatura.extract(body, url=url) or ""


def as_paragraphs(text: str) -> str:
    """Plain text as the markup those tools need: one <p> per line (their best chance on a text)."""
    lines = (html.escape(line) for line in text.splitlines() if line.strip())
    return "<html><body>" + "".join(f"<p>{line}</p>" for line in lines) + "</body></html>"


def justext_html(body: str, url: str) -> str:
    paragraphs = justext.justext(body, justext.get_stoplist("English"))
    return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)


def on_text(extractor: Extractor) -> Extractor:
    return lambda body, url: extractor(as_paragraphs(body), url)


HTML_CASES: list[Case] = [
    ("html", "ours", ours("text/html")),
    ("html", "trafilatura fast, no comments", trafilatura_fast),
    ("html", "trafilatura defaults", trafilatura_default),
    ("html", "justext", justext_html),
]
TEXT_BASELINES: list[tuple[str, Extractor]] = [
    ("trafilatura fast, no comments", trafilatura_fast),
    ("trafilatura defaults", trafilatura_default),
    ("justext", justext_html),
    ("trafilatura fast, <p> per line", on_text(trafilatura_fast)),
    ("trafilatura defaults, <p> per line", on_text(trafilatura_default)),
    ("justext, <p> per line", on_text(justext_html)),
]


def all_cases(renderers: list[str]) -> list[Case]:
    """Ours on every input; the text baselines on the first renderer's text only."""
    cases = list(HTML_CASES)
    for i, renderer in enumerate(renderers):
        cases.append((renderer, "ours", ours("text/plain")))
        if i == 0:
            cases += [(renderer, name, extractor) for name, extractor in TEXT_BASELINES]
    return cases


def timed(pages: list[Page], source: str, extractor: Extractor) -> tuple[list[str], float]:
    started = time.perf_counter()
    outputs = [extractor(page.input(source), page.url) for page in pages]
    return outputs, len(pages) / (time.perf_counter() - started)


def run_cases(pages: list[Page], cases: list[Case], runs: int) -> tuple[dict[Case, list[str]], dict[Case, list[float]]]:
    """Every case once per round, rounds repeated, in alternating order: the cases share each
    stretch of machine load, so a ratio of two cases' rates within a round is fair even on a busy
    machine."""
    outputs: dict[Case, list[str]] = {}
    rates: dict[Case, list[float]] = {case: [] for case in cases}
    for case in cases:  # untimed warm-up: models and caches each extractor loads on first use
        timed(pages[:1], case[0], case[2])
    for round_ in range(runs):
        for case in cases if round_ % 2 == 0 else cases[::-1]:  # alternate order: no case always runs first
            outputs[case], rate = timed(pages, case[0], case[2])
            rates[case].append(rate)
    return outputs, rates


def print_worst(pages: list[Page], counts: list[Counts], n: int) -> None:
    worst = sorted(zip(counts, pages, strict=True), key=lambda cp: cp[0].tp)[:n]
    for c, page in worst:
        print(f"    {page.key[:12]} tp={c.tp:.2f} fp={c.fp:.2f} fn={c.fn:.2f} {page.url[:70]}")


def print_halves(counts: list[Counts]) -> None:
    """Scores on the two halves of the pages (alternate keys): thresholds chosen on the whole set
    should hold on each half, or they are fitted to particular pages."""
    first, second = aggregate(counts[0::2]), aggregate(counts[1::2])
    print(f"    halves: F1 {first.f1:.3f} (even keys), {second.f1:.3f} (odd keys)")


def print_speed_ratio(rates: dict[Case, list[float]]) -> None:
    ours, base = HTML_CASES[0], HTML_CASES[1]
    if ours not in rates or base not in rates:
        return
    ratios = sorted(a / b for a, b in zip(rates[ours], rates[base], strict=True))
    print(
        f"html speed, ours / {base[1]}: median {statistics.median(ratios):.2f}x "
        f"(per round {ratios[0]:.2f}x to {ratios[-1]:.2f}x over {len(ratios)} rounds)"
    )


def print_text_margins(f1s: dict[Case, float], renderer: str) -> None:
    """Our F1 on the renderer's text over the best baseline's, with the baselines on the text as it
    is and on the markup made for them."""
    ours = next((f1 for (source, name, _), f1 in f1s.items() if (source, name) == (renderer, "ours")), None)
    if ours is None:
        return
    for label, per_line in (("on the text as it is", False), ("on one <p> per line", True)):
        rivals = {name: f1 for (source, name, _), f1 in f1s.items() if source == renderer and name != "ours"}
        rivals = {name: f1 for name, f1 in rivals.items() if name.endswith("<p> per line") == per_line}
        if rivals:
            best = max(rivals, key=rivals.__getitem__)
            print(f"{renderer} F1, ours over the best baseline {label} ({best}): {ours - rivals[best]:+.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path, help="checkout of the benchmark (html/ and ground-truth.json)")
    parser.add_argument("--runs", type=int, default=3, help="timed rounds over all cases; the median rate is printed")
    parser.add_argument("--limit", type=int, default=None, help="only the first N pages (by key)")
    parser.add_argument("--only", default=None, help="only cases whose 'input extractor' contains this")
    parser.add_argument("--worst", type=int, default=0, help="list the N pages where ours scores worst")
    parser.add_argument("--renderers", default=",".join(RENDERERS), help=f"comma-separated, of {', '.join(RENDERERS)}")
    args = parser.parse_args()
    renderers, missing = available([name for name in args.renderers.split(",") if name])
    for name in missing:
        print(f"skipped renderer {name}: its program ({RENDERERS[name][0]}) is not installed")
    pages = load(args.path, args.limit, renderers)
    cases = [case for case in all_cases(list(renderers)) if not args.only or args.only in f"{case[0]} {case[1]}"]
    outputs, rates = run_cases(pages, cases, args.runs)
    f1s: dict[Case, float] = {}
    print(f"{len(pages)} pages, median of {args.runs} interleaved rounds")
    print(f"{'input':<10} {'extractor':<34} {'P':>6} {'R':>6} {'F1':>6} {'word F1':>7} {'pages/s':>8}")
    for case in cases:
        source, name, _ = case
        counts = [match(page.truth, out) for page, out in zip(pages, outputs[case], strict=True)]
        words = statistics.mean(word_f1(page.truth, out) for page, out in zip(pages, outputs[case], strict=True))
        score, rate = aggregate(counts), statistics.median(rates[case])
        f1s[case] = score.f1
        scores = f"{score.precision:6.3f} {score.recall:6.3f} {score.f1:6.3f} {words:7.3f}"
        print(f"{source:<10} {name:<34} {scores} {rate:8.1f}")
        if name == "ours":
            print_halves(counts)
            if args.worst:
                print_worst(pages, counts, args.worst)
    print_speed_ratio(rates)
    if renderers:
        print_text_margins(f1s, next(iter(renderers)))


if __name__ == "__main__":
    main()
