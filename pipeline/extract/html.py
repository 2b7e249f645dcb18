"""The HTML path: trafilatura's main-text extraction, tuned for news, with metadata read off the
same parsed tree, the page's JSON-LD ``articleBody`` and jusText as fallbacks, and an optional
site-level boilerplate memory."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import justext
import readability
import trafilatura
from lxml import etree  # type: ignore[import-untyped]
from lxml.html import HtmlElement, fragment_fromstring  # type: ignore[import-untyped]

from pipeline.extract.document import ExtractedText, ExtractError
from pipeline.extract.html_date import page_date_hints
from pipeline.extract.language import page_language
from pipeline.extract.metadata import PageMeta, page_meta
from pipeline.extract.text_lines import GOOD_MIN_WORDS, STOPWORDS, is_boilerplate, word_count

# Elements trafilatura will walk; beyond this a page is a dead letter, not a minute of CPU.
MAX_TREE_ELEMENTS = 50_000
MIN_BODY_CHARS = 200
MIN_PROSE_SHARE = 0.3
FURNITURE_MAX_WORDS = 20
FULLER_RATIO = 2.0
CONTAINED_SHARE = 0.9
# lxml refuses them in text set on a tree, as readability does; they are never article text.
_CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# readability-lxml cleans each page with a Cleaner that also rewrites every link to drop javascript:
# URLs and event attributes, a quarter of its time; neither is text, so the block it finds is the same.
readability.readability.html_cleaner.javascript = False
BLOCK_TAGS = ("p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "tr", "br")
# Never article text, and removed by trafilatura's own cleaning anyway: stripping them first in one
# C-level pass spares its many Python-level passes over the tree (on the public benchmark: the
# same text on all pages but one, the same F1, about a fifth less time).
INERT_TAGS = (
    *("script", "style", "noscript", "svg", "template", "iframe", "canvas", "object", "embed", "head"),
    *("aside", "footer", "nav", "menu", "button", "select", "option", "textarea", "input", "label", "link"),
    *("video", "audio", "picture", "map"),
)


def _paragraphs(text: str, title: str | None) -> str:
    """One blank line between blocks, as on the text path; a leading headline is metadata, not body."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if lines and title and lines[0].casefold() == title.casefold():
        lines = lines[1:]
    return "\n\n".join(lines)


def without_furniture(text: str) -> str:
    """Paragraphs the text path knows as boilerplate (copyright lines, sign-up pitches, share
    prompts, "read more" links) dropped from the main text: short ones only, since a paragraph of
    prose may well mention a price a month or an advertising firm."""
    return "\n\n".join(p for p in text.split("\n\n") if word_count(p) >= FURNITURE_MAX_WORDS or not is_boilerplate(p))


def parse(html: str) -> HtmlElement:
    # Size is bounded where documents come in (the document limit); what costs time is elements.
    try:
        tree = trafilatura.load_html(html)
    except Exception as exc:  # a parser failure on hostile markup must become a dead letter, not a crash
        raise ExtractError("html parser failed", f"{type(exc).__name__}: {exc}") from exc
    if tree is None:
        raise ExtractError("html parser failed", "no document tree")
    size = int(tree.xpath("count(//*)"))
    if size > MAX_TREE_ELEMENTS:
        raise ExtractError("html too complex", f"{size} elements > limit of {MAX_TREE_ELEMENTS}")
    return tree


def strip_inert(tree: HtmlElement) -> None:
    """Drop what never holds article text before trafilatura walks the tree (once metadata, which
    reads JSON-LD scripts, is taken): its many passes then run over a much smaller tree."""
    etree.strip_elements(tree, *INERT_TAGS, with_tail=False)


def main_text(tree: HtmlElement, url: str | None) -> str:
    """trafilatura in its fast mode without comments: on news pages it beats its defaults on both
    precision and speed. Tables stay in (results, figures); images and links do not."""
    try:
        result = trafilatura.bare_extraction(
            tree, url=url, fast=True, include_comments=False, include_tables=True, with_metadata=False
        )
    except Exception as exc:  # noqa: BLE001 - see parse()
        raise ExtractError("html extraction failed", f"{type(exc).__name__}: {exc}") from exc
    text = getattr(result, "text", None) if result is not None else None
    return text if isinstance(text, str) else ""


def justext_text(html: str, language: str | None) -> str:
    stoplist = STOPWORDS if language in (None, "en") else frozenset()
    paragraphs = justext.justext(html, stoplist, stopwords_low=0.0 if not stoplist else 0.3)
    return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)


def readability_text(html: str) -> str:
    """readability-lxml's main block, one line per block element."""
    try:
        summary = readability.Document(_CONTROL_CHARS.sub("", html)).summary(html_partial=True)
        tree = fragment_fromstring(summary, create_parent="div")
        for element in tree.iter(*BLOCK_TAGS):
            element.tail = "\n" + (element.tail or "")
        return str(tree.text_content())
    except Exception:  # noqa: BLE001 - a fallback that fails leaves the text found so far
        return ""


@dataclass
class Readable:
    """readability-lxml's main block of one page as paragraphs, read at most once per page (the
    slowest step of the HTML path where it runs). It reads the page as sent: on the tree trafilatura
    is given, stripped of asides and navigation, it can settle on a teaser block instead."""

    html: str
    title: str | None
    _text: str | None = field(default=None, init=False)

    def __call__(self) -> str:
        if self._text is None:
            self._text = _paragraphs(readability_text(self.html), self.title)
        return self._text


def _fallbacks(html: str, meta: PageMeta, readable: Readable) -> list[Callable[[], str]]:
    """When trafilatura finds (next to) nothing: the page's own JSON-LD body, then readability-lxml,
    then jusText (on pages where trafilatura gives under ``MIN_BODY_CHARS``, readability scores
    best of the three: ``bench/extraction/fallbacks.py``)."""
    return [
        lambda: _paragraphs(meta.article_body or "", meta.title),
        readable,
        lambda: _paragraphs(justext_text(html, meta.language), meta.title),
    ]


def with_fallbacks(html: str, meta: PageMeta, text: str, readable: Readable) -> str:
    """``text``, or while it is under ``MIN_BODY_CHARS`` what the next fallback finds instead."""
    for fallback in _fallbacks(html, meta, readable):
        if len(text) >= MIN_BODY_CHARS:
            break
        text = fallback() or text
    return text


def prose_share(text: str) -> float:
    """The share of the text's words in paragraphs long enough to pass for prose."""
    counts = [word_count(p) for p in text.split("\n\n")]
    total = sum(counts)
    return sum(n for n in counts if n >= GOOD_MIN_WORDS) / total if total else 0.0


def prose_or_readability(readable: Readable, text: str) -> str:
    """A main text that is mostly short lines (a menu taken for the article) gives way to
    readability-lxml's block when that reads more as prose."""
    if prose_share(text) >= MIN_PROSE_SHARE:
        return text
    other = readable()
    return other if len(other) >= MIN_BODY_CHARS and prose_share(other) > prose_share(text) else text


def paragraph_chars(tree: HtmlElement) -> int:
    return sum(len(p.text_content()) for p in tree.iter("p"))


def contains(whole: str, part: str) -> bool:
    """Whether nearly all paragraphs of ``part`` are in ``whole``."""
    paragraphs = [p for p in part.split("\n\n") if p.strip()]
    return sum(p in whole for p in paragraphs) >= CONTAINED_SHARE * len(paragraphs)


def fuller_block(readable: Readable, tree: HtmlElement, text: str) -> str:
    """The article whole where trafilatura kept only one of the containers it is split into: when
    the page's paragraphs hold several times the text, readability-lxml's block, if it holds the
    text and much more."""
    if paragraph_chars(tree) < FULLER_RATIO * len(text):
        return text
    other = readable()
    return other if len(other) >= FULLER_RATIO * len(text) and contains(other, text) else text


def extract_html(html: str, url: str | None) -> ExtractedText | None:
    """The main text and metadata of an HTML page, or None when no article is found."""
    if not html.strip():
        return None
    tree = parse(html)
    meta = page_meta(tree)
    date_hints = page_date_hints(tree, url, meta)
    strip_inert(tree)
    readable = Readable(html, meta.title)
    text = with_fallbacks(html, meta, without_furniture(_paragraphs(main_text(tree, url), meta.title)), readable)
    text = fuller_block(readable, tree, prose_or_readability(readable, text)) if text else text
    if not text and not (meta.title and date_hints):
        return None
    return ExtractedText(
        text=text,
        title=meta.title,
        author=meta.author,
        site=meta.site,
        language=page_language(meta.language, text),
        date_hints=date_hints,
        extractor="trafilatura",
    )
