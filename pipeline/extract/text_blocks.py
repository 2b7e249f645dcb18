"""Finding the article among a capture's labelled lines.

Each line scores what it adds to a block: prose gains its words, short lines, furniture and
headings cost. The contiguous block with the highest total is the article (short lines inside
the prose stay; navigation and teaser lists around it do not). A comment-thread heading below
an article-sized block ends it; single off-topic paragraphs at its tail (the headline-plus-summary
teaser shape) are trimmed; a list the last sentence announces is kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from pipeline.extract.text_lines import (
    DATE_LINE,
    DOUBLED_DATE,
    LEAD_PARAGRAPHS,
    LONG_WORDS,
    SECTION_HEADING,
    TRUNCATED,
    Line,
    coherent,
    content_words,
    fold,
    is_heading,
    is_paragraph,
    word_count,
)

# Line scores, in words of article prose: a near-sentence counts half its words; a short label,
# a date line, boilerplate and a section heading cost a fixed number of words.
NEAR_SHARE = 0.5
SHORT_COST = 2.0
SKIP_COST = 1.0
BAD_COST = 6.0
BREAK_COST = 40.0
MIN_ARTICLE_WORDS = 60  # a block this heavy above a comment heading is the article
MIN_LIST_GAP = 2  # lines between two teasers (headline, byline, date), more than one intertitle
MIN_ITEM_WORDS = 3
MAX_LEAD_IN = 3  # sentences between a block and the announcement of the list it goes on with
# The heading or signature of a comment thread: nothing after it belongs to the article above.
COMMENT_WALL = re.compile(
    r"^(?:\d+\s+)?(?:comments?|responses?|repl(?:y|ies))\b|\b(?:leave|post|add)\s+a\s+(?:comment|reply)\b"
    r"|^\S+(?:\s\S+){0,2}\s+(?:says|wrote|said):$|^[\W\d]*(?:\w+\W+){0,2}comments?(?:\s*\(\d+\))?[\W\d]*$"
    # The same in Spanish, Portuguese, French, German and Italian.
    r"|^(?:\d+\s+)?(?:comentários?|comentarios?|commentaires?|kommentare?|commenti|respostas?|respuestas?)\b"
    r"|\b(?:deixe|deja|escribe|laissez|laisser|schreibe|lascia)\s+(?:uma|un[ae]?|tu|seu|su|einen)\s+"
    r"(?:resposta|respuesta|comentário|comentario|commentaire|kommentar|commento|réponse|antwort|risposta)\b",
    re.IGNORECASE,
)


def _segments(lines: Sequence[Line], span: tuple[int, int]) -> list[tuple[int, int, int]]:
    """The span cut at its gap lines: (start, end, number of good paragraphs) for each piece."""
    pieces: list[tuple[int, int, int]] = []
    start: int | None = None
    for i in range(span[0], span[1] + 1):
        inside = i < span[1] and lines[i].kind in ("good", "near", "skip")
        if inside and start is None:
            start = i
        elif not inside and start is not None:
            pieces.append((start, i, sum(is_paragraph(line) for line in lines[start:i])))
            start = None
    return pieces


def in_body(line: Line) -> bool:
    return line.kind in ("good", "near") or (line.kind == "short" and not TRUNCATED.search(line.text))


def body_lines(lines: Sequence[Line], title: str | None) -> Iterable[str]:
    """The block's text. A section heading inside it ("Related", "More from ...") and the short
    lines under it, up to the next paragraph, are a link box set into the article."""
    in_box = False
    for line in lines:
        if line.kind in ("good", "near"):
            in_box = False
        elif line.kind == "short" and is_heading(line.text):
            in_box = True
        if in_body(line) and not in_box and line.text != title:
            yield line.text


def unique(paragraphs: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    kept = []
    for text in paragraphs:
        key = fold(text)
        if key not in seen:
            seen.add(key)
            kept.append(text)
    return kept


def line_score(line: Line) -> float:
    """What a line adds to a block, in words of article prose."""
    if line.kind == "skip":
        return -SKIP_COST if DATE_LINE.match(line.text) or DOUBLED_DATE.match(line.text) else 0.0
    n_words = word_count(line.text)
    if line.kind == "good":
        return float(n_words)
    if line.kind == "near":
        return NEAR_SHARE * n_words
    if line.kind == "bad":
        return -BAD_COST - min(n_words, LONG_WORDS) / 2
    if is_heading(line.text):
        return -BREAK_COST
    return -SHORT_COST


def is_wall(line: Line) -> bool:
    """A heading or signature that opens a comment thread."""
    return line.kind in ("short", "bad") and COMMENT_WALL.search(line.text) is not None


def densest_block(lines: Sequence[Line]) -> tuple[int, int] | None:
    """The contiguous span with the highest total score (Kadane, in one pass): prose outweighs the
    odd short line inside it, while navigation, teaser headings and furniture around it cost more
    than whatever lies beyond them. Once an article-sized block stands above a comment heading,
    what follows the heading is readers' text, however long, and the search stops there."""
    best: tuple[float, int, int] | None = None
    total, start = 0.0, 0
    for i, line in enumerate(lines):
        if best is not None and best[0] >= MIN_ARTICLE_WORDS and is_wall(line):
            break
        if total <= 0:
            total, start = 0.0, i
        total += line_score(line)
        if total > 0 and (best is None or total > best[0]) and line.kind == "good":
            best = (total, start, i + 1)
    return (best[1], best[2]) if best else None


def _pieces(lines: Sequence[Line], start: int, end: int) -> list[tuple[int, int, int]]:
    """The block cut at its non-prose lines: (start, end, good paragraphs) per piece of prose."""
    return [p for p in _segments(lines, (start, end)) if p[2] or any(x.kind == "near" for x in lines[p[0] : p[1]])]


def _is_item(line: Line) -> bool:
    return (
        line.kind in ("short", "near", "skip")
        and word_count(line.text) >= MIN_ITEM_WORDS
        and SECTION_HEADING.search(line.text) is None
    )


def announced_list(lines: Sequence[Line], block: tuple[int, int]) -> tuple[int, int]:
    """Carry the block over the list its last sentence announces ("... the dates:"): items of a
    few words that score nothing on their own, so the densest block stops just short of them. The
    announcement may follow the block, after a few sentences too short to have carried it."""
    start, end = block
    if not lines[end - 1].text.endswith(":"):
        following = end
        while (
            following < min(len(lines), end + MAX_LEAD_IN)
            and lines[following].kind in ("good", "near", "skip")
            and not lines[following].text.endswith(":")
        ):
            following += 1
        if following < len(lines) and lines[following].text.endswith(":"):
            end = following + 1
    if not lines[end - 1].text.endswith(":"):
        return block
    while end < len(lines) and _is_item(lines[end]):
        end += 1
    return start, end


def _off_topic(lines: Sequence[Line], piece: tuple[int, int, int], reference: set[str]) -> bool:
    text = [line.text for line in lines[piece[0] : piece[1]] if line.kind in ("good", "near")]
    return piece[2] <= 1 and not coherent(text, reference)


def _apart(lines: Sequence[Line], piece: tuple[int, int, int], following: tuple[int, int, int]) -> bool:
    """Two pieces set apart by more than an intertitle, a caption or an advertisement label."""
    return sum(line.kind != "skip" for line in lines[piece[1] : following[0]]) >= MIN_LIST_GAP


def _cut_at_heading(lines: Sequence[Line], pieces: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """A section heading after the article and before nothing but single paragraphs opens a list."""
    for i in range(pieces[0][0], pieces[-1][1]):
        if lines[i].kind != "short" or not is_heading(lines[i].text):
            continue
        if any(p[1] <= i and p[2] >= 2 for p in pieces) and not any(p[0] > i and p[2] >= 2 for p in pieces):
            return [p for p in pieces if p[1] <= i]
    return pieces


def trim_teasers(lines: Sequence[Line], block: tuple[int, int], reference: set[str]) -> tuple[int, int]:
    """Drop the headline-plus-summary list at the tail of a block: single paragraphs set apart by
    short lines, off the topic of the title and lead, after an article of several contiguous
    paragraphs. A block made only of such items is a list article and stays whole. (Cutting such
    lists at the head as well cost as much recall on article intros set apart by pictures as it
    gained in precision.)"""
    pieces = _pieces(lines, *block)
    if not any(p[2] >= 2 for p in pieces):
        return block
    pieces = _cut_at_heading(lines, pieces)
    while len(pieces) > 1 and _off_topic(lines, pieces[-1], reference) and _apart(lines, *pieces[-2:]):
        pieces.pop()
    return block[0], pieces[-1][1]


def core_lead(lines: Sequence[Line], block: tuple[int, int]) -> tuple[int, set[str]]:
    """Where the block's longest run of paragraphs starts, and the vocabulary of its first ones."""
    core = max(_pieces(lines, *block), key=lambda piece: piece[2], default=(block[0], block[1], 0))
    lead_text = [line.text for line in lines[core[0] : core[1]] if line.kind == "good"][:LEAD_PARAGRAPHS]
    return core[0], set().union(*(content_words(t) for t in lead_text))
