"""Building the verdicts dedup publishes; the verdict names the earlier article and the similarity."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pipeline.dedup.bands import Candidate
from pipeline.dedup.exact import UrlOutcome
from pipeline.models import Article, DedupVerdict

Verdict = Literal["unique", "duplicate", "near-duplicate", "update"]
Method = Literal["content-hash", "minhash", "url"]


def _verdict(
    article: Article,
    now: datetime,
    verdict: Verdict,
    *,
    duplicate_of: str | None = None,
    similarity: float | None = None,
    method: Method | None = None,
) -> DedupVerdict:
    return DedupVerdict(
        article_id=article.article_id,
        trace_id=article.trace_id,
        source=article.source,
        verdict=verdict,
        duplicate_of=duplicate_of,
        similarity=similarity,
        method=method,
        decided_at=now,
    )


def unique(article: Article, now: datetime) -> DedupVerdict:
    return _verdict(article, now, "unique")


def update(article: Article, now: datetime) -> DedupVerdict:
    """The same URL with changed text: passed on, and said to be an update of its earlier version."""
    return _verdict(article, now, "update", duplicate_of=article.article_id, method="url")


def exact(
    article: Article, duplicate_of: str, now: datetime, *, method: Literal["content-hash", "url"] = "content-hash"
) -> DedupVerdict:
    return _verdict(article, now, "duplicate", duplicate_of=duplicate_of, similarity=1.0, method=method)


def near(article: Article, match: Candidate, now: datetime) -> DedupVerdict:
    return _verdict(
        article,
        now,
        "near-duplicate",
        duplicate_of=match.article_id,
        similarity=round(match.similarity, 3),
        method="minhash",
    )


def by_url(article: Article, outcome: UrlOutcome, now: datetime) -> DedupVerdict | None:
    """The verdict the URL check alone settles (a refetch, an update), or None: go on to the text."""
    if outcome == "refetch":
        return exact(article, article.article_id, now, method="url")
    if outcome == "update":
        return update(article, now)
    return None
