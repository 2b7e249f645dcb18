"""Building the verdicts dedup publishes; the verdict names the earlier article and the similarity."""

from __future__ import annotations

from datetime import datetime

from pipeline.dedup.bands import Candidate
from pipeline.models import Article, DedupVerdict


def unique(article: Article, now: datetime) -> DedupVerdict:
    return DedupVerdict(
        article_id=article.article_id,
        trace_id=article.trace_id,
        source=article.source,
        verdict="unique",
        decided_at=now,
    )


def update(article: Article, now: datetime) -> DedupVerdict:
    """The same URL with changed text: passed on, and said to be an update of its earlier version."""
    return DedupVerdict(
        article_id=article.article_id,
        trace_id=article.trace_id,
        source=article.source,
        verdict="update",
        duplicate_of=article.article_id,
        method="url",
        decided_at=now,
    )


def exact(article: Article, duplicate_of: str, now: datetime, *, method: str = "content-hash") -> DedupVerdict:
    return DedupVerdict(
        article_id=article.article_id,
        trace_id=article.trace_id,
        source=article.source,
        verdict="duplicate",
        duplicate_of=duplicate_of,
        similarity=1.0,
        method="url" if method == "url" else "content-hash",
        decided_at=now,
    )


def near(article: Article, match: Candidate, now: datetime) -> DedupVerdict:
    return DedupVerdict(
        article_id=article.article_id,
        trace_id=article.trace_id,
        source=article.source,
        verdict="near-duplicate",
        duplicate_of=match.article_id,
        similarity=round(match.similarity, 3),
        method="minhash",
        decided_at=now,
    )
