"""Reading a body within a byte cap, inflating gzip/deflate a slice at a time.

A compressed body is never inflated in one call: each step yields at most what is still
allowed, so a gzip bomb is refused after ``limit`` bytes of output, not after a gigabyte.
"""

from __future__ import annotations

import zlib

from pipeline.fetch.errors import FetchError

GZIP_WBITS = 16 + zlib.MAX_WBITS
_WBITS = {"gzip": GZIP_WBITS, "x-gzip": GZIP_WBITS, "deflate": zlib.MAX_WBITS}


class TooLarge(FetchError):
    """A body over its cap (after inflation)."""


class BoundedBody:
    """Collects a body chunk by chunk, inflating it when encoded, refusing it past limit bytes."""

    def __init__(self, limit: int, encoding: str = "identity", status: int | None = None) -> None:
        encoding = encoding.strip().lower() or "identity"
        if encoding not in _WBITS and encoding != "identity":
            raise FetchError(f"content encoding not accepted: {encoding}", status=status)
        self.limit, self.status = limit, status
        self._wbits = _WBITS.get(encoding, 0)
        self._inflater = zlib.decompressobj(self._wbits) if self._wbits else None
        self._out = bytearray()

    def feed(self, data: bytes) -> None:
        if self._inflater is None:
            self._append(data)
            return
        while data:
            try:
                piece = self._inflater.decompress(data, self.limit - len(self._out) + 1)
            except zlib.error as exc:
                raise FetchError("corrupt compressed body", status=self.status, detail=str(exc)) from exc
            self._append(piece)
            data = self._inflater.unconsumed_tail
            if self._inflater.eof and self._inflater.unused_data:
                # another gzip member follows: concatenated members are one stream
                data = self._inflater.unused_data
                self._inflater = zlib.decompressobj(self._wbits)

    def _append(self, piece: bytes) -> None:
        if len(self._out) + len(piece) > self.limit:
            raise TooLarge("document too large", status=self.status, detail=f"more than {self.limit} bytes")
        self._out += piece

    def result(self) -> bytes:
        return bytes(self._out)


def gunzip_capped(data: bytes, limit: int) -> bytes:
    """A gzip file's content (a ``.xml.gz`` sitemap), refused past limit bytes."""
    body = BoundedBody(limit, "gzip")
    body.feed(data)
    return body.result()
