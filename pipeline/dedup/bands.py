"""LSH buckets: the articles stored under one band key, and the candidates a newcomer meets there.

A bucket is a list of ``[article_id, order, fingerprint, seen_at]`` entries, capped in size and
pruned of entries older than the window whenever it is touched; the store is a mapping keyed by
band key (a dict offline, a stream table co-partitioned with the band topic in the stream).
"""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pipeline.dedup.signatures import similarity

DEFAULT_BUCKET_CAP = 16


@dataclass(frozen=True)
class Member:
    """An article as a bucket stores it; ``order`` ranks it (extraction time, then id) among its peers."""

    article_id: str
    order: float
    fingerprint: str


@dataclass(frozen=True)
class Candidate:
    article_id: str
    order: float
    similarity: float


def probe(
    buckets: MutableMapping[str, Any],
    key: str,
    member: Member,
    *,
    now: datetime,
    window: timedelta,
    cap: int = DEFAULT_BUCKET_CAP,
) -> list[Candidate]:
    """The other articles of the bucket with their estimated similarity; the member is added to it."""
    oldest = (now - window).timestamp()
    entries = [e for e in buckets.get(key) or [] if e[3] >= oldest]
    candidates = [
        Candidate(e[0], e[1], similarity(member.fingerprint, e[2])) for e in entries if e[0] != member.article_id
    ]
    if all(e[0] != member.article_id for e in entries):
        entries.append([member.article_id, member.order, member.fingerprint, now.timestamp()])
    # The earliest articles are the ones a newcomer should be matched to: keep them, drop the newest.
    entries.sort(key=lambda e: (e[1], e[0]))
    buckets[key] = entries[:cap]
    return candidates


def similar_before(article_id: str, order: float, candidates: list[Candidate], threshold: float) -> list[Candidate]:
    """The candidates ranked before the article and similar enough: those it may duplicate."""
    return [c for c in candidates if (c.order, c.article_id) < (order, article_id) and c.similarity >= threshold]


def similar_after(article_id: str, order: float, candidates: list[Candidate], threshold: float) -> list[Candidate]:
    """The candidates ranked after the article and similar enough: stored before it arrived, they
    may have been decided without meeting it."""
    return [c for c in candidates if (c.order, c.article_id) > (order, article_id) and c.similarity >= threshold]


def earliest_match(article_id: str, order: float, candidates: list[Candidate], threshold: float) -> Candidate | None:
    """The earliest candidate ranked before the article and similar enough: the article it duplicates.

    Ranking by (order, id) rather than by arrival makes the verdict of a pair the same whichever
    bucket saw which copy first, so two copies never both end up as each other's duplicate.
    """
    before = similar_before(article_id, order, candidates, threshold)
    return min(before, key=lambda c: (c.order, c.article_id)) if before else None
