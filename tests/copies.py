"""Copies of the seed corpus, the pattern of syndication, updates and re-fetches: every seed forty
times, half of the copies with one paragraph more."""

from __future__ import annotations

from pathlib import Path

from tests.seeds import SEED_FILES

EXTRA = (
    "This article was updated after publication to add the background on the parade's history, which "
    "has been held on Red Square every year since the end of the Second World War apart from a few."
)


def write_copies(directory: Path, copies: int = 40) -> list[Path]:
    """``copies`` files per seed in ``directory``; the odd ones carry EXTRA as their last paragraph."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for seed in SEED_FILES:
        text = seed.read_text(encoding="utf-8")
        for n in range(copies):
            path = directory / f"{seed.stem}-copy{n:02d}.txt"
            path.write_text(text if n % 2 == 0 else f"{text.rstrip()}\n\n{EXTRA}\n", encoding="utf-8")
            written.append(path)
    return written
