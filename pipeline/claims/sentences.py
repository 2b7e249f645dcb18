"""A sentence splitter for news prose, with character offsets into the article text.

News text is full of full stops that end nothing: "Jan. 15", "U.S. officials", "Mr. Kim", "J. Smith".
A full stop ends a sentence when the next word opens one and the word before it is not such an
abbreviation; a stop inside a quotation that closes later in the paragraph never ends the sentence,
so a quoted passage stays with its attribution. A line break always ends a sentence unless the next
line goes on in lower case (a hard-wrapped line).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from pipeline.claims.lexicon import (
    MONTH_ABBREVIATIONS,
    SENTENCE_STARTERS,
    TITLE_ABBREVIATIONS,
    TRAILING_ABBREVIATIONS,
)


@dataclass(frozen=True, slots=True)
class Sentence:
    text: str
    start: int
    end: int


_BOUNDARY = re.compile(r"[.!?…]+[\"”’')\]]*(?=\s|$)|\n")
_NEXT_WORD = re.compile(r"\s*((?:''|[\"“‘(\[])?)(\S*)")  # an archive's two apostrophes open a quote too
_QUOTE_PAIR = re.compile(r"“[^”\n]{0,1200}”|\"[^\"\n]{0,1200}\"|''(?:(?!'')[^\n]){0,1200}''")


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of ``text`` in order; ``text[s.start:s.end] == s.text``."""
    quotes = [(m.start(), m.end() - 1) for m in _QUOTE_PAIR.finditer(text)]
    sentences: list[Sentence] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        end = match.end()
        if not _ends_sentence(text, match, quotes):
            continue
        _append(sentences, text, start, end)
        start = end
    _append(sentences, text, start, len(text))
    return sentences


def _append(sentences: list[Sentence], text: str, start: int, end: int) -> None:
    chunk = text[start:end]
    stripped = chunk.strip()
    if not stripped:
        return
    lead = len(chunk) - len(chunk.lstrip())
    begin = start + lead
    sentences.append(Sentence(stripped, begin, begin + len(stripped)))


def _ends_sentence(text: str, match: re.Match[str], quotes: list[tuple[int, int]]) -> bool:
    following = _NEXT_WORD.match(text, match.end())
    opener, word = (following.group(1), following.group(2)) if following else ("", "")
    if match.group() == "\n":
        return not (word[:1].islower() and not opener)
    if not word and not opener:
        return True
    if not (opener or word[:1].isupper() or word[:1].isdigit()):
        return False
    if _inside_quote(match.end(), quotes):
        return False
    punctuation = match.group()
    if punctuation.rstrip("\"”’')]") != ".":
        return True
    return _stop_ends_sentence(_word_before(text, match.start()), word)


def _inside_quote(position: int, quotes: list[tuple[int, int]]) -> bool:
    """``quotes`` are in text order and never overlap: only the last one opened before ``position`` may hold it."""
    index = bisect_left(quotes, (position,)) - 1
    return index >= 0 and position <= quotes[index][1]


def _word_before(text: str, stop: int) -> str:
    begin = stop
    while begin > 0 and not text[begin - 1].isspace():
        begin -= 1
    return text[begin:stop].lstrip('"“‘([')


def _stop_ends_sentence(word: str, next_word: str) -> bool:
    lowered = word.lower()
    starts_sentence = next_word.strip('"“‘([').lower() in SENTENCE_STARTERS
    if len(word) == 1 and word.isupper():
        return False  # an initial: "J. Smith"
    if "." in word:
        return starts_sentence  # "U.S.", "a.m.", "e.g."
    if lowered in TITLE_ABBREVIATIONS:
        return False
    if lowered in MONTH_ABBREVIATIONS:
        return not next_word[:1].isdigit()
    if lowered in TRAILING_ABBREVIATIONS:
        return starts_sentence
    return True
