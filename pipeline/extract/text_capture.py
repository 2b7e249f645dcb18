"""The plain-text path: find the article body in a page's visible text.

A text capture is everything a browser showed: navigation, paywall offers, teaser lists and
comment forms around the article, in the layout of whatever rendered it. The layout is undone
first (text_layout: wrapped paragraphs re-joined, Markdown and link marks read off), its lines
are labelled (text_lines), the article is the densest block of them (text_blocks), and the lines
above it give up the title, byline and dates as metadata.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from pipeline.extract.document import ExtractedText
from pipeline.extract.language import detect_language
from pipeline.extract.normalize import normalize_text
from pipeline.extract.text_blocks import announced_list, body_lines, core_lead, densest_block, trim_teasers, unique
from pipeline.extract.text_layout import visible_lines
from pipeline.extract.text_lines import (
    CAPTURE_HEADER,
    GOOD_MIN_WORDS,
    TITLE_LOOKBACK,
    Line,
    Meta,
    content_words,
    is_headline,
    label,
    read_header,
    word_count,
)


def find_title(lines: Sequence[Line], start: int, lead: set[str]) -> str | None:
    """The headline-like line above the body that shares most words with the lead."""
    best: tuple[int, int, str] | None = None
    for distance, line in enumerate(reversed(lines[max(0, start - TITLE_LOOKBACK) : start])):
        if line.kind == "skip" or not is_headline(line.text):
            continue
        shared = len(content_words(line.text) & lead)
        if shared >= 2 and (best is None or (shared, -distance) > best[:2]):
            best = (shared, -distance, line.text)
    return best[2] if best else None


# Given the site a capture names (None when it names none) and its lines: the lines known as that
# site's boilerplate from its other pages.
SiteFurniture = Callable[[str | None, list[str]], set[str]]


def capture_lines(text: str) -> list[str]:
    """The capture's non-empty lines, normalized, one per paragraph, item or heading (a capture
    header line stays the first line as it is)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").expandtabs()
    first, _, rest = text.partition("\n")
    header = [first] if CAPTURE_HEADER.match(normalize_text(first)) else []
    layout = visible_lines(rest if header else text)
    return [line for line in normalize_text("\n".join([*header, *layout])).split("\n") if line]


def clean_capture(text: str, site_furniture: SiteFurniture | None = None) -> ExtractedText | None:
    """The article in a plain-text page capture, with its metadata; None when there is no body."""
    # Linear in the text (about 1.4 s a MiB); documents are bounded where they come in (the document limit).
    meta = Meta()
    lines = read_header(capture_lines(text), meta)
    # Only lines long enough to pass for prose are worth remembering: shorter ones already cost.
    candidates = [line for line in lines if word_count(line) >= GOOD_MIN_WORDS]
    furniture = site_furniture(meta.site, candidates) if site_furniture else set()
    labelled = label(lines, meta, furniture)
    main = densest_block(labelled)
    if main is None:
        return None
    while labelled[main[0]].kind != "good":
        main = (main[0] + 1, main[1])
    core, lead = core_lead(labelled, main)
    title = meta.title or find_title(labelled, main[0], lead) or find_title(labelled, core, lead)
    reference = lead | content_words(title or "")
    first, end = announced_list(labelled, trim_teasers(labelled, main, reference))
    body = unique(body_lines(labelled[first:end], title))
    article = "\n\n".join(body)
    return ExtractedText(
        text=article,
        title=title,
        author=meta.author,
        site=meta.site,
        language=detect_language(article),
        date_hints=tuple(meta.hints),
        extractor="text-capture",
    )


__all__ = ["SiteFurniture", "clean_capture"]
