"""Exact-duplicate detection on the normalized-text hash; the store is any mutable mapping.

``news-ingest process`` passes a dict, the stream a Faust table keyed by content hash, so
both run this same code. Entries older than the window no longer count.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from datetime import datetime, timedelta
from typing import Any

from pipeline.models import Article, DedupVerdict

DEFAULT_WINDOW = timedelta(days=7)


def judge(
    article: Article,
    seen: MutableMapping[str, Any],
    *,
    now: datetime,
    window: timedelta = DEFAULT_WINDOW,
) -> DedupVerdict:
    prior = seen.get(article.content_hash)
    if prior is not None and now - datetime.fromisoformat(prior["first_seen"]) <= window:
        return DedupVerdict(
            article_id=article.article_id,
            trace_id=article.trace_id,
            source=article.source,
            verdict="duplicate",
            duplicate_of=prior["article_id"],
            similarity=1.0,
            method="content-hash",
            decided_at=now,
        )
    seen[article.content_hash] = {"article_id": article.article_id, "first_seen": now.isoformat()}
    return DedupVerdict(
        article_id=article.article_id,
        trace_id=article.trace_id,
        source=article.source,
        verdict="unique",
        decided_at=now,
    )
