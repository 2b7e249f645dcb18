"""Bytes to text for HTML and plain-text documents: BOM, then the declared charset (HTTP header,
then <meta>), then detection. A declared charset is trusted only while the bytes decode under it:
a Latin-1 page served as UTF-8 is read as Latin-1, not as replacement characters."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

META_SCAN_BYTES = 4096
DETECT_SAMPLE_BYTES = 64 * 1024
FALLBACK = "cp1252"
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# Single-byte charsets decode any byte string, so valid multi-byte UTF-8 is better evidence than them.
_LATIN_LOOKALIKE = re.compile(r"^(?:iso8859_(?:1|2|3|4|9|10|13|14|15|16)|cp125[027]|latin_1|cp775|mac_\w+)$")


def canonical(name: str | None) -> str | None:
    """Python's name for a charset label; ISO-8859-1 is read as windows-1252, as browsers do."""
    if not name:
        return None
    try:
        found = codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None
    return FALLBACK if found in {"latin-1", "iso8859-1", "ascii"} else found


def _decodes(raw: bytes, encoding: str) -> bool:
    try:
        raw.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def _utf8_with_multibyte(raw: bytes) -> bool:
    return not raw.isascii() and _decodes(raw, "utf-8")


def declared_charset(raw: bytes) -> str | None:
    match = _META_CHARSET.search(raw[:META_SCAN_BYTES])
    return canonical(match.group(1).decode("ascii", "replace")) if match else None


def detect_encoding(raw: bytes, header_charset: str | None = None) -> str:
    """The encoding to read ``raw`` with (a Python codec name)."""
    for bom, name in _BOMS:
        if raw.startswith(bom):
            return name
    for declared in (canonical(header_charset), declared_charset(raw)):
        if declared is None:
            continue
        # canonical() reads every Latin-1 and ASCII label as windows-1252
        if declared == FALLBACK and _utf8_with_multibyte(raw):
            return "utf-8"
        if _decodes(raw, declared):
            return declared
    if _decodes(raw, "utf-8"):
        return "utf-8"
    return detected(raw[:DETECT_SAMPLE_BYTES])


def detected(sample: bytes) -> str:
    """charset-normalizer's guess; among Latin single-byte look-alikes, windows-1252 (by far the
    web's most common of them) when it fits as well."""
    results = from_bytes(sample)
    best = results.best()
    if best is None:
        return FALLBACK
    if _LATIN_LOOKALIKE.match(best.encoding) and any(r.encoding == FALLBACK for r in results):
        return FALLBACK
    return canonical(best.encoding) or FALLBACK


def decode_html(raw: bytes, header_charset: str | None = None) -> str:
    """The text of an HTML (or plain-text) document; never raises on undecodable bytes."""
    return raw.decode(detect_encoding(raw, header_charset), errors="replace")
