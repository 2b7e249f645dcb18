"""Large plain-text captures built from the seeds' own paragraphs, each copy varied so that no two
paragraphs are alike (a long live blog or transcript, not one line repeated)."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

from tests.seeds import SEED_FILES

PLACES = ("Seoul", "Kyiv", "Tokyo", "Warsaw", "Vilnius", "Helsinki", "Tallinn", "Riga", "Prague", "Bucharest")
OFFICIALS = ("a ministry spokesperson", "the foreign minister", "a senior analyst", "the defence committee chair")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October")


def seed_paragraphs() -> list[str]:
    """The article paragraphs of every seed: lines long enough to be prose, not navigation."""
    lines = (line.strip() for path in SEED_FILES for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if len(line) >= 120 and line.count(" ") >= 15]


def vary(paragraph: str, n: int) -> str:
    """The paragraph with its numbers shifted and a sentence of its own, so copy n differs from every other."""
    shifted = re.sub(r"\b\d{1,2}\b", lambda m: str((int(m.group()) + n) % 28 + 1), paragraph)
    place, official, month = PLACES[n % len(PLACES)], OFFICIALS[n % len(OFFICIALS)], MONTHS[n % len(MONTHS)]
    return f"{shifted} In {place}, {official} said on {month} {n % 28 + 1} that report {n} would follow."


def write_large_capture(path: Path, size: int) -> Path:
    """A .txt capture of about size bytes (never more): a headline, a dateline, then varied paragraphs."""
    head = f"Live: the war in Ukraine and the Korean peninsula, {size} bytes of updates\n\nBy a staff reporter\n\n"
    parts, total = [head], len(head.encode())
    for n, paragraph in enumerate(itertools.cycle(seed_paragraphs())):
        block = vary(paragraph, n) + "\n\n"
        total += len(block.encode())
        if total > size:
            break
        parts.append(block)
    path.write_text("".join(parts), encoding="utf-8")
    return path
