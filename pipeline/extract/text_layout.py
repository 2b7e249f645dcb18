"""A capture's layout undone before its lines are read: whatever rendered the page, one line per
paragraph, list item or heading.

Text browsers and Markdown writers hard-wrap a paragraph at a column width, so one paragraph
arrives as several short lines: a line is re-joined to the next when the next line's first word
would not have fitted on it at a width the document wraps at (a width several of its paragraphs
reach). Markdown (html2text and the like) marks headings, list items, emphasis and links: the
marks go, the structure stays (one line per heading and item). A text browser's numbered link
markers and its closing list of link addresses go too. What is left reads as a copy of the
visible text, the input the line labels and the block search were made for.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence

from pipeline.extract.text_lines import SENTENCE_END

# A line is only re-joined at a width it nearly fills: a paragraph wrapped at a width reaches it
# within the length of a word; shorter lines are line breaks the page meant.
MIN_WRAP_WIDTH = 40
WIDTH_SLACK = 8  # run ends within this many columns of each other wrap at one width
MIN_WRAPPED_RUNS = 3  # runs of lines (or lines) that must end near a width before the document wraps at it
PILE_SLACK = 15
MAX_WRAP_WIDTH = 400  # wider is no screen: lines that long are unwrapped paragraphs
PILE_RATIO = 3
# Markup marks that decide whether a capture is Markdown: a couple of links or headings can be
# quoted in any text, a page of them is a renderer's output.
MIN_MARKDOWN_MARKS = 5

_BULLETS = "*+\\-•◦▪■□☆○●·‣–"  # Markdown's, and the text browsers' at each level of a list
_BULLET = re.compile(rf"^\s*[{_BULLETS}]\s+")
_LIST_MARK = re.compile(rf"^\s*(?:[{_BULLETS}]|\d{{1,3}}[.)])\s+")
_HEADING_MARK = re.compile(r"^\s{0,3}#{1,6}\s+")
_QUOTE_MARK = re.compile(r"^\s*(?:>\s?)+")
_RULE = re.compile(r"^\s*(?:(?:[*_\-=━─]\s*){3,}|[_\-=━─]{3,})\s*$")
# A link's address may hold one level of parentheses, spaces where a writer wrapped it, and a title.
_ADDRESS = r"\((?:[^()\"]|\([^()\"]*\))*(?:\"[^\"]*\"\s*)?\)"
_IMAGE = re.compile(r"!\[[^\[\]]*\]" + _ADDRESS)
_LINK = re.compile(r"\[([^\[\]]*)\]" + _ADDRESS)
_STRONG = re.compile(r"(?<!\\)(?:\*\*|__)")
# Emphasis runs to the next mark of its kind (so stray stars in a long line cost no quadratic search).
_EMPHASIS = re.compile(r"(?<![\w\\])(?:\*(?=[^\s*])([^*]*?)(?<=[^\s\\])\*|_(?=[^\s_])([^_]*?)(?<=[^\s\\])_)(?!\w)")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>|])")
# A text browser's link numbers ("[12]Home") and the numbered list of addresses it closes with.
_LINK_NUMBER = re.compile(r"\[\d+\]")
# What a text browser shows for an image: its alt text, else its file name, in brackets. A line
# that is only that, or such a file name inside a line, is no text of the page.
_IMAGE_LINE = re.compile(r"^\s*\[[^\[\]]{0,120}\]\s*$")
_IMAGE_NAME = re.compile(r"\[(?=[^\s\[\]]*[^\W\d_])(?=[^\s\[\]]*[\d._:/-])[^\s\[\]]+\]")
# A line that is only an image's file name: what a text browser shows for an image without alt text.
_IMAGE_FILE = re.compile(r"^\s*[^\s\[\]][^\[\]]{0,100}\.(?:jpe?g|png|gif|webp|svg|bmp|tiff?)\s*$", re.IGNORECASE)
_REFERENCES = re.compile(r"^\s*(?:References|Visible links:?|Hidden links:?)\s*$")
_ADDRESS_ITEM = re.compile(r"^\s*\d+\.\s+(?:[a-z][a-z0-9+.-]*:|/)\S*\s*$", re.IGNORECASE)
_BROKEN_AT_HYPHEN = re.compile(r"[^\W\d_]-$")
# Scripts written without spaces between words (Chinese, Japanese, Thai; Korean has spaces): a
# line broken inside them is re-joined without one.
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\u0e00-\u0e7f]")


def display_width(line: str) -> int:
    """The columns a renderer gives the line: East Asian wide characters take two."""
    if line.isascii():
        return len(line)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


def _runs(lines: Sequence[str], hard_breaks: bool) -> list[list[str]]:
    """Lines between blank lines; with ``hard_breaks`` (Markdown), a line ending in two spaces
    ends its run too."""
    runs: list[list[str]] = [[]]
    for line in lines:
        if line.strip():
            runs[-1].append(line.rstrip())
            if hard_breaks and line.endswith("  "):
                runs.append([])
        elif runs[-1]:
            runs.append([])
    return [run for run in runs if run]


def _starts_block(line: str) -> bool:
    return bool(_LIST_MARK.match(line) or _HEADING_MARK.match(line) or _RULE.match(line))


def _run_widths(runs: Sequence[Sequence[str]]) -> set[int]:
    """Run widths (the longest line but the last of a run, where it breaks mid-sentence) that at
    least ``MIN_WRAPPED_RUNS`` runs come within ``WIDTH_SLACK`` columns of: the widths of the
    columns paragraphs were set in. (Paragraphs a line each end their lines with a sentence.)"""
    counts = Counter(
        display_width(widest)
        for run in runs
        if len(run) > 1 and not SENTENCE_END.search(widest := max(run[:-1], key=display_width))
    )
    return {
        width
        for width in counts
        if width >= MIN_WRAP_WIDTH
        and sum(n for end, n in counts.items() if width - WIDTH_SLACK <= end <= width) >= MIN_WRAPPED_RUNS
    }


def _page_widths(runs: Sequence[Sequence[str]]) -> set[int]:
    """Widths where lines pile up: at least ``MIN_WRAPPED_RUNS`` lines break exactly where the next
    word would not have fitted, several times more than the lines near it that do not (a break
    with room to spare, or a line beyond it). One long paragraph, or a page with a single
    paragraph wrapped among its navigation, shows its width so. Counted per column in one pass."""
    size = MAX_WRAP_WIDTH + PILE_SLACK + 2
    fits, room, lengths, ends = [0] * size, [0] * size, [0] * size, [0] * size
    for run in runs:
        for line in run:
            if " " in line.strip():
                lengths[min(display_width(line), size - 1)] += 1
        for line, following in zip(run, run[1:], strict=False):
            used = display_width(line)
            if used > MAX_WRAP_WIDTH or _starts_block(following):
                continue
            reach = used + 1 + display_width(following.split(maxsplit=1)[0])
            if not SENTENCE_END.search(line):  # a wrap falls mid-sentence, a paragraph's end does not
                ends[used] += 1
                fits[used] += 1  # the widths from used up to reach - 1 would have broken here
                fits[min(reach, size - 1)] -= 1
            for width in range(reach, min(used + PILE_SLACK, MAX_WRAP_WIDTH) + 1):
                room[width] += 1
    widths, fitting = set(), 0
    for width in range(MAX_WRAP_WIDTH + 1):
        fitting += fits[width]
        beyond = sum(lengths[width + 1 : width + PILE_SLACK + 1])
        piled = fitting >= MIN_WRAPPED_RUNS and fitting >= PILE_RATIO * (room[width] + beyond)
        if ends[width] and width >= MIN_WRAP_WIDTH and piled:
            widths.add(width)
    return widths


def wrap_widths(runs: Sequence[Sequence[str]]) -> list[int]:
    """The widths the document is wrapped at."""
    return sorted(_run_widths(runs) | _page_widths(runs))


def _wrapped(line: str, following: str, widths: Sequence[int], widest: int) -> bool:
    """Whether the renderer broke the line before ``following``: its first word would not have
    fitted at a width the document wraps at, and the line nearly fills that width; or, on a page
    with too few wrapped lines to show a width, a line near the widest breaks mid-sentence."""
    if _starts_block(following):
        return False
    used = display_width(line)
    word = display_width(following.split(maxsplit=1)[0])
    nearest = bisect.bisect_left(widths, used)  # the narrowest width the line fits in
    if nearest < len(widths) and widths[nearest] < used + 1 + word and 2 * used >= widths[nearest]:
        return True
    return (
        following.lstrip()[:1].islower()
        and used >= MIN_WRAP_WIDTH
        and used + PILE_SLACK >= widest
        and not SENTENCE_END.search(line)
    )


def _joined(line: str, following: str) -> str:
    rest = following.strip()
    if (_UNSPACED.match(rest[:1]) and _UNSPACED.match(line[-1:])) or _BROKEN_AT_HYPHEN.search(line):
        return line + rest
    return line + " " + rest


def unwrap(lines: Sequence[str], hard_breaks: bool = False) -> list[str]:
    """Hard-wrapped paragraphs re-joined: one line per paragraph, blank lines kept between runs."""
    runs = _runs(lines, hard_breaks)
    widths = wrap_widths(runs)
    widest = max((w for run in runs for line in run if (w := display_width(line)) <= MAX_WRAP_WIDTH), default=0)
    out: list[str] = []
    for run in runs:
        current = run[0]
        for line, following in zip(run, run[1:], strict=False):
            if _wrapped(line, following, widths, widest):
                current = _joined(current, following)
            else:
                out.append(current)
                current = following
        out.append(current)
        out.append("")
    return out


def is_markdown(text: str) -> bool:
    marks = len(_LINK.findall(text)) + sum(1 for line in text.split("\n") if _HEADING_MARK.match(line))
    return marks >= MIN_MARKDOWN_MARKS


def _link_text(match: re.Match[str]) -> str:
    """A link's or image's words (an image has none); its line breaks stay, so lines keep their places."""
    words = match.group(1) if match.re is _LINK else ""
    return words + "\n" * (match.group(0).count("\n") - words.count("\n"))


def without_links(text: str) -> str:
    """Markdown links as their words and images as nothing, across the lines they were wrapped on."""
    text = _LINK.sub(_link_text, _IMAGE.sub(_link_text, text))
    return _LINK.sub(_link_text, text)  # a link around an image, now empty


def from_markdown(line: str) -> str:
    """A Markdown line (its links and quote marks already read) as its visible text: emphasis as
    its words, heading marks off, escapes undone."""
    if _RULE.match(line):
        return ""
    line = _HEADING_MARK.sub("", line)
    line = _EMPHASIS.sub(lambda m: m.group(1) if m.group(1) is not None else m.group(2), _STRONG.sub("", line))
    return _ESCAPE.sub(r"\1", line)


def without_references(lines: list[str]) -> tuple[list[str], bool]:
    """A text browser's closing list of link addresses cut off; whether there was one."""
    for i in range(len(lines) - 1, -1, -1):
        if _REFERENCES.match(lines[i]) and lines[i].strip() == "References":
            following = [line for line in lines[i + 1 : i + 6] if line.strip()]
            if following and all(_REFERENCES.match(x) or _ADDRESS_ITEM.match(x) for x in following):
                return lines[:i], True
    return lines, False


def without_bullet(line: str) -> str:
    """A list item's bullet off (its number, which may be the item's text, stays)."""
    return _BULLET.sub("", line, count=1)


def visible_lines(text: str) -> list[str]:
    """The capture as one line per paragraph, list item or heading, without rendering marks."""
    lines, numbered = without_references(text.split("\n"))
    markdown = is_markdown(text)
    if markdown:  # quote marks as spaces: the quote's lines keep the columns they were wrapped at
        lines = [_QUOTE_MARK.sub(lambda m: " " * len(m.group(0)), line) for line in lines]
    joined = unwrap(lines, hard_breaks=markdown)
    if numbered:
        joined = [_LINK_NUMBER.sub("", line) for line in joined]
    if markdown:
        joined = [from_markdown(line) for line in without_links("\n".join(joined)).split("\n")]
    else:
        joined = ["" if _IMAGE_LINE.match(line) else _IMAGE_NAME.sub("", line) for line in joined]
    items = [without_bullet(line) for line in joined]
    return ["" if _IMAGE_FILE.match(item) else item for item in items]
