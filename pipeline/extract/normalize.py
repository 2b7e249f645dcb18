"""Text normalization shared by every extractor, and the content hash dedup relies on."""

from __future__ import annotations

import re
import unicodedata

from pipeline.models import stable_id

_SPACES = re.compile(r"[ \t\f\v]+")
_BLANK_RUNS = re.compile(r"\n{3,}")
_ANY_WHITESPACE = re.compile(r"\s+")
# Characters NFKC leaves alone that still render as spaces or nothing at all.
_INVISIBLE = str.maketrans({"\u200b": "", "\u200c": "", "\u200d": "", "\ufeff": "", "\u2060": "", "\u00ad": ""})


def normalize_text(text: str) -> str:
    """NFKC, spaces collapsed within lines, lines stripped, at most one blank line in a row.

    Typographic quotes are kept: they are part of the text, not of its layout.
    """
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip()


def hash_key(text: str) -> str:
    """The text as the content hash sees it: normalized, casefolded, all whitespace one space."""
    return _ANY_WHITESPACE.sub(" ", normalize_text(text).casefold()).strip()


def content_hash(text: str) -> str:
    """Equal article texts (up to case and whitespace) give equal hashes."""
    return stable_id("content", hash_key(text))
