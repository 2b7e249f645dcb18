"""MinHash signatures of word shingles, their LSH band keys and a compact fingerprint to verify candidates.

Band keys decide which articles meet (they are the key of the band topic); the fingerprint, one
byte of every MinHash value (b-bit minwise hashing), is what a stored article keeps to estimate its
Jaccard similarity with a newcomer, so a bucket never holds full signatures.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from datasketch import MinHash  # type: ignore[import-untyped]
from datasketch.lsh import _optimal_param  # type: ignore[import-untyped]

_WORDS = re.compile(r"\w+")
_BITS = 8


@dataclass(frozen=True)
class MinHashParams:
    """How articles are signed and banded; bands and rows follow from the threshold (datasketch's optimum)."""

    num_perm: int = 64
    threshold: float = 0.5
    shingle_words: int = 5

    @cached_property
    def bands_rows(self) -> tuple[int, int]:
        bands, rows = _optimal_param(self.threshold, self.num_perm, 0.5, 0.5)
        return int(bands), int(rows)

    @property
    def bands(self) -> int:
        return self.bands_rows[0]

    @cached_property
    def blank(self) -> MinHash:
        """An empty MinHash to copy: drawing its permutations costs more than a copy, once per article."""
        return MinHash(num_perm=self.num_perm, seed=1)


def shingles(text: str, size: int) -> set[bytes]:
    """Word n-grams of the casefolded text; a text shorter than one shingle is one shingle."""
    words = _WORDS.findall(text.casefold())
    if len(words) <= size:
        return {" ".join(words).encode()}
    return {" ".join(words[i : i + size]).encode() for i in range(len(words) - size + 1)}


def signature(text: str, params: MinHashParams) -> np.ndarray:
    minhash = params.blank.copy()
    minhash.update_batch(list(shingles(text, params.shingle_words)))
    values: np.ndarray = minhash.hashvalues
    return values


def band_keys(values: np.ndarray, params: MinHashParams) -> list[str]:
    """One key per band: the band index and a digest of its rows (equal rows, equal key)."""
    bands, rows = params.bands_rows
    keys = []
    for band in range(bands):
        chunk = np.ascontiguousarray(values[band * rows : (band + 1) * rows], dtype="<u4")
        keys.append(f"{band}-{hashlib.blake2b(chunk.tobytes(), digest_size=8).hexdigest()}")
    return keys


def fingerprint(values: np.ndarray) -> bytes:
    """The low byte of every MinHash value: what a stored article keeps for verification."""
    return (values & 0xFF).astype(np.uint8).tobytes()


def fingerprint_text(fingerprint_raw: bytes) -> str:
    """A fingerprint as a band message carries it (base64)."""
    return base64.b64encode(fingerprint_raw).decode("ascii")


def fingerprint_bytes(fingerprint_base64: str) -> bytes:
    return base64.b64decode(fingerprint_base64)


def similarity(fingerprint_a: bytes, fingerprint_b: bytes) -> float:
    """Estimated Jaccard similarity from two b-bit fingerprints, corrected for chance byte collisions."""
    a = np.frombuffer(fingerprint_a, dtype=np.uint8)
    b = np.frombuffer(fingerprint_b, dtype=np.uint8)
    if len(a) != len(b) or not len(a):
        return 0.0
    chance = 1.0 / (1 << _BITS)
    matched = float(np.count_nonzero(a == b)) / len(a)
    return max(0.0, (matched - chance) / (1.0 - chance))
