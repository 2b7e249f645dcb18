"""The article-extraction-benchmark's metric: shingle (4-gram of \\w+ tokens) precision and recall
per page, normalized so that long pages weigh no more than short ones, averaged over pages; F1
from the mean precision and mean recall. Beside it, word F1: the F1 of the bag of whitespace
tokens after NFKC, per page, averaged over pages."""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

TOKEN = re.compile(r"\w+")
SHINGLE = 4


@dataclass(frozen=True)
class Counts:
    tp: float
    fp: float
    fn: float


@dataclass(frozen=True)
class Score:
    precision: float
    recall: float
    f1: float


def shingles(text: str, n: int = SHINGLE) -> Counter[tuple[str, ...]]:
    tokens = TOKEN.findall(text or "")
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i : i + n])


def match(true: str, pred: str) -> Counts:
    expected, found = shingles(true), shingles(pred)
    tp = sum((expected & found).values())
    fp = sum((found - expected).values())
    fn = sum((expected - found).values())
    total = tp + fp + fn
    return Counts(tp / total, fp / total, fn / total) if total else Counts(0.0, 0.0, 0.0)


def _precision(c: Counts) -> float:
    if c.fp == c.fn == 0:
        return 1.0
    return 0.0 if c.tp == c.fp == 0 else c.tp / (c.tp + c.fp)


def _recall(c: Counts) -> float:
    if c.fp == c.fn == 0:
        return 1.0
    return 0.0 if c.tp == c.fn == 0 else c.tp / (c.tp + c.fn)


def aggregate(counts: Sequence[Counts]) -> Score:
    precision = statistics.mean([_precision(c) for c in counts if c.tp + c.fp > 0] or [0.0])
    recall = statistics.mean([_recall(c) for c in counts if c.tp + c.fn > 0] or [0.0])
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Score(precision, recall, f1)


def word_f1(true: str, pred: str) -> float:
    expected = Counter(unicodedata.normalize("NFKC", true or "").split())
    found = Counter(unicodedata.normalize("NFKC", pred or "").split())
    tp = sum((expected & found).values())
    if not tp:
        return 1.0 if not expected and not found else 0.0
    precision, recall = tp / sum(found.values()), tp / sum(expected.values())
    return 2 * precision * recall / (precision + recall)
