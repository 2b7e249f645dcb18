"""Text normalization shared by every extractor, and the content hash dedup relies on."""

from __future__ import annotations

import re
import unicodedata

from pipeline.models import stable_id

# Only runs that change: matching every lone space would rewrite the whole text for nothing.
_SPACES = re.compile(r" [ \t\f\v]+|[\t\f\v][ \t\f\v]*")
_BLANK_RUNS = re.compile(r"\n{3,}")
_ANY_WHITESPACE = re.compile(r"\s{2,}|[^\S ]")
# Characters NFKC leaves alone that still render as spaces or nothing at all.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\ufeff\u2060\u00ad]")


def normalize_text(text: str) -> str:
    """NFKC, spaces collapsed within lines, lines stripped, at most one blank line in a row.

    Typographic quotes are kept: they are part of the text, not of its layout.
    """
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text).replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    text = "\n".join(line.strip() for line in _SPACES.sub(" ", text).split("\n"))
    return _BLANK_RUNS.sub("\n\n", text).strip()


def hash_key(text: str) -> str:
    """The text as the content hash sees it: normalized, casefolded, all whitespace one space."""
    return _ANY_WHITESPACE.sub(" ", normalize_text(text).casefold()).strip()


def content_hash(text: str) -> str:
    """Equal article texts (up to case and whitespace) give equal hashes."""
    return stable_id("content", hash_key(text))
