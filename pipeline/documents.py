"""Reading documents from disk into captures, with a clear reason for what cannot be read."""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from pipeline.extract.encoding import decode_html
from pipeline.models import Capture, DeadLetter, stable_id

ContentType = Literal["text/html", "text/plain"]
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
TEXT_SUFFIXES = {".txt", ".text"}
DOCUMENT_SUFFIXES = HTML_SUFFIXES | TEXT_SUFFIXES
GZIP_SUFFIX = ".gz"
GZIP_CHUNK = 64 * 1024
CONTROL_BYTES = bytes(range(0, 9)) + bytes(range(14, 32))


class Unreadable(Exception):
    """A document that cannot become a capture, with the reason."""

    def __init__(self, reason: str, detail: str | None = None) -> None:
        super().__init__(reason)
        self.reason, self.detail = reason, detail


@dataclass(frozen=True)
class Corpus:
    """The documents to read, and how many files below the directories were left out, by suffix."""

    files: list[Path]
    skipped: Counter[str] = field(default_factory=Counter)


def describe_skipped(skipped: Counter[str]) -> str | None:
    """The files left out, in words, or None when there were none."""
    if not skipped:
        return None
    kinds = ", ".join(
        f"{suffix or '(no suffix)'} {n}" for suffix, n in sorted(skipped.items(), key=lambda kv: (-kv[1], kv[0]))
    )
    total = skipped.total()
    return f"skipped {total} file{'s' * (total != 1)} not named as a document ({kinds})"


def find_documents(paths: Iterable[Path]) -> Corpus:
    """Files named, and the documents below directories named (recursively), in a stable order;
    below a directory, a file is a document by its suffix (others are counted as skipped)."""
    found: dict[Path, None] = {}
    skipped: Counter[str] = Counter()
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if not child.is_file():
                    continue
                if inner_suffix(child) in DOCUMENT_SUFFIXES:
                    found[child] = None
                else:
                    skipped["".join(child.suffixes[-2:]).lower()] += 1
        else:
            found[path] = None
    return Corpus(list(found), skipped)


def expand(paths: Iterable[Path]) -> list[Path]:
    """The documents of find_documents."""
    return find_documents(paths).files


def inner_suffix(path: Path) -> str:
    """The document's own suffix: ``.html`` for ``page.html.gz``."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes[-1:] == [GZIP_SUFFIX]:
        return suffixes[-2] if len(suffixes) > 1 else ""
    return suffixes[-1] if suffixes else ""


def gunzip_capped(raw: bytes, *, max_bytes: int) -> bytes:
    """Decompress at most ``max_bytes``: a gzip bomb is refused after reading that much, not after
    filling memory."""
    inflater = zlib.decompressobj(wbits=31)
    out = bytearray()
    try:
        for start in range(0, len(raw), GZIP_CHUNK):
            out += inflater.decompress(raw[start : start + GZIP_CHUNK], max_bytes + 1 - len(out))
            if len(out) > max_bytes or inflater.unconsumed_tail:
                raise Unreadable("document too large", f"more than {max_bytes} bytes once decompressed")
    except zlib.error as exc:
        raise Unreadable("corrupt gzip", str(exc)) from exc
    return bytes(out)


def check_text(raw: bytes, *, max_bytes: int) -> None:
    if not raw.strip():
        raise Unreadable("empty document", f"{len(raw)} bytes, no text")
    if len(raw) > max_bytes:
        raise Unreadable("document too large", f"{len(raw)} bytes > limit of {max_bytes} bytes")
    sample = raw[:8192]
    if b"\x00" in sample or sum(sample.count(b) for b in CONTROL_BYTES) > len(sample) // 100 + 2:
        raise Unreadable("binary content, not a text or HTML document", f"control bytes in the first {len(sample)}")


def decode_body(raw: bytes, *, max_bytes: int) -> str:
    check_text(raw, max_bytes=max_bytes)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Unreadable("invalid UTF-8", f"at byte {exc.start}: {exc.reason}") from exc


def _is_html(path: Path, raw: bytes) -> bool:
    return inner_suffix(path) in HTML_SUFFIXES or raw[:512].lstrip().lower().startswith((b"<!doctype html", b"<html"))


def sniff_content_type(path: Path, body: str) -> ContentType:
    head = body[:512].lstrip().lower()
    if inner_suffix(path) in HTML_SUFFIXES or head.startswith(("<!doctype html", "<html")):
        return "text/html"
    return "text/plain"


def read_capture(path: Path, *, max_bytes: int, now: datetime | None = None) -> Capture:
    """One file as a capture; raises Unreadable with the reason."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise Unreadable("document too large", f"{size} bytes > limit of {max_bytes} bytes")
        raw = path.read_bytes()
    except OSError as exc:
        raise Unreadable("cannot read file", str(exc)) from exc
    if path.suffix.lower() == GZIP_SUFFIX:
        raw = gunzip_capped(raw, max_bytes=max_bytes)
    if path.suffix.lower() == GZIP_SUFFIX or _is_html(path, raw):
        check_text(raw, max_bytes=max_bytes)
        body = decode_html(raw)  # pages come from crawls: any charset, declared in the page or not
    else:
        body = decode_body(raw, max_bytes=max_bytes)
    content_type = sniff_content_type(path, body)
    return Capture(
        capture_id=stable_id("capture", path.name, body),
        source=str(path),
        content_type=content_type,
        body=body,
        captured_at=now,
    )


def read_all(paths: Iterable[Path], *, max_bytes: int) -> Iterator[Capture | DeadLetter]:
    return read_each(expand(paths), max_bytes=max_bytes)


def read_each(files: Iterable[Path], *, max_bytes: int) -> Iterator[Capture | DeadLetter]:
    """Each file as a capture, or as a dead letter with the reason, one at a time."""
    now = datetime.now(UTC)
    for path in files:
        try:
            yield read_capture(path, max_bytes=max_bytes, now=now)
        except Unreadable as bad:
            yield DeadLetter.create(
                trace_id=stable_id("unreadable", str(path)),
                stage="read",
                source=str(path),
                reason=bad.reason,
                detail=bad.detail,
                failed_at=now,
            )
