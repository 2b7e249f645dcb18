"""Extraction on public sets with many pages per site, and what the site-level boilerplate memory adds.

Usage: .venv/bin/python bench/extraction/sites.py PATH [PATH ...] [--min-pages 3]

Each PATH is a data set in the CleanEval layout: ``input/NAME.html`` pages and
``GoldStandard/NAME.txt`` texts. Sets published this way include CleanPortalEval (71 pages from
5 portals) and the Dragnet set (1,381 news and blog pages, about ten per site); the data stays
outside this repository. A page's site comes from its URL: the CleanEval ``<text id=...>``
wrapper, else its canonical link or ``og:url``. Gold text marks are stripped (CleanEval's
``<p>``, ``<h>``, ``<l>``), and Dragnet's comments, which follow its ``COMMENTS`` marker, are not
article text.

L3S-GN1 (621 Google News pages from 408 sites, published as ``page-signal``) is read too: its gold
pages are annotated HTML, and the headline and full-text blocks are the article.

Pages are read site by site, in file order, as a fetch worker meets them. Each case runs on the
HTML and on the page rendered to plain text with its boilerplate (inscriptis); ``ours + memory``
is our extract with one boilerplate memory for the whole run. The memory can only act from a
site's ``--min-pages``-th page on: those pages are scored again on their own ("later pages").
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import lxml.html
from inscriptis import get_text

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchmark import justext_html, on_text, ours, trafilatura_fast  # noqa: E402
from score import Counts, aggregate, match  # noqa: E402

from pipeline.extract import BoilerplateMemory  # noqa: E402
from pipeline.extract.boilerplate import DEFAULT_MIN_ARTICLES, site_of  # noqa: E402
from pipeline.extract.encoding import decode_html  # noqa: E402

_WRAPPER = re.compile(r"^\s*<text\s+id=\"([^\"]+)\"[^>]*>", re.I)
_LINKED_URL = re.compile(
    r"<link[^>]+rel=[\"']canonical[\"'][^>]+href=[\"'](https?://[^\"']+)"
    r"|<meta[^>]+property=[\"']og:url[\"'][^>]+content=[\"'](https?://[^\"']+)",
    re.I,
)
_GOLD_MARK = re.compile(r"^\s*<(?:p|h|l)>\s*", re.M)
_COMMENTS = "!@#$%^&*()  COMMENTS"
_ARTICLE_CLASSES = ("x-nc-sel1", "x-nc-sel2")
_XML_DECLARATION = re.compile(r"<\?xml[^>]*>", re.I)

Extractor = Callable[[str, str], str]


@dataclass(frozen=True)
class Page:
    name: str
    url: str
    site: str
    truth: str
    html: str
    text: str


def annotated_text(raw: str) -> str:
    """L3S-GN1's gold pages mark each block with a class: ``x-nc-sel1`` the headline, ``x-nc-sel2``
    the full text (others are navigation, supplements, related links, comments)."""
    tree = lxml.html.document_fromstring(_XML_DECLARATION.sub("", raw))
    blocks = [e for e in tree.iter() if e.get("class") in _ARTICLE_CLASSES]
    outermost = [e for e in blocks if not any(a.get("class") in _ARTICLE_CLASSES for a in e.iterancestors())]
    return "\n".join(str(e.text_content()).strip() for e in outermost)


def gold_text(raw: str) -> str:
    if "x-nc-sel" in raw:
        return annotated_text(raw)
    lines = raw.split(_COMMENTS, 1)[0].split("\n")
    if lines and lines[0].startswith("URL:"):
        lines = lines[1:]
    return _GOLD_MARK.sub("", "\n".join(lines))


def page_url(markup: str) -> str:
    wrapper = _WRAPPER.match(markup)
    if wrapper:
        return wrapper.group(1)
    linked = _LINKED_URL.search(markup)
    return next((g for g in linked.groups() if g), "") if linked else ""


def load(path: Path) -> list[Page]:
    pages = []
    for gold in sorted((path / "GoldStandard").glob("*.txt")):
        source = path / "input" / (gold.stem + ".html")
        if not source.exists():
            continue
        decoded = decode_html(source.read_bytes())
        markup = _XML_DECLARATION.sub("", _WRAPPER.sub("", decoded, count=1))
        url = page_url(decoded)
        truth = gold_text(gold.read_text(encoding="utf-8", errors="replace"))
        if truth.strip():
            site = site_of(url) if url else "unknown:" + gold.stem
            pages.append(Page(gold.stem, url, site, truth, markup, get_text(markup)))
    return sorted(pages, key=lambda page: page.site)  # stable: file order within a site


def cases(min_pages: int) -> list[tuple[str, str, Callable[[], Extractor]]]:
    """(input, extractor, factory): a factory, so every data set starts with an empty memory."""
    found: list[tuple[str, str, Callable[[], Extractor]]] = []
    for source, content_type in (("html", "text/html"), ("text", "text/plain")):
        adapt: Callable[[Extractor], Extractor] = (lambda e: e) if source == "html" else on_text
        traf, jus = adapt(trafilatura_fast), adapt(justext_html)
        found += [
            (source, "ours", partial(ours, content_type, None)),
            (source, "ours + memory", partial(_with_memory, content_type, min_pages)),
            (source, "trafilatura fast, no comments", partial(lambda e: e, traf)),
            (source, "justext", partial(lambda e: e, jus)),
        ]
    return found


def _with_memory(content_type: str, min_pages: int) -> Extractor:
    return ours(content_type, BoilerplateMemory({}, min_articles=min_pages))


def later(pages: list[Page], min_pages: int) -> list[bool]:
    """Whether each page is at least a site's ``min_pages``-th (a page without URL never is)."""
    seen: dict[str, int] = {}
    flags = []
    for page in pages:
        seen[page.site] = seen.get(page.site, 0) + 1
        flags.append(bool(page.url) and seen[page.site] >= min_pages)
    return flags


def row(label: str, counts: list[Counts]) -> str:
    score = aggregate(counts)
    return f"{label:<46} {score.precision:6.3f} {score.recall:6.3f} {score.f1:6.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", type=Path, nargs="+", help="data sets in the CleanEval layout")
    parser.add_argument("--min-pages", type=int, default=DEFAULT_MIN_ARTICLES, help="the memory's threshold")
    args = parser.parse_args()
    for path in args.paths:
        pages = load(path)
        flags = later(pages, args.min_pages)
        n_sites = len({page.site for page in pages if page.url})
        print(f"{path.name}: {len(pages)} pages, {n_sites} sites, {sum(flags)} pages where the memory can act")
        print(f"{'input  extractor':<46} {'P':>6} {'R':>6} {'F1':>6}   later pages: P, R, F1")
        for source, name, factory in cases(args.min_pages):
            extractor = factory()
            counts = [match(p.truth, extractor(p.html if source == "html" else p.text, p.url)) for p in pages]
            later_counts = [c for c, flag in zip(counts, flags, strict=True) if flag]
            later_row = row("", later_counts).strip() if later_counts else "-"
            print(row(f"{source:<6} {name}", counts) + "  " + later_row)


if __name__ == "__main__":
    main()
