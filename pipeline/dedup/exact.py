"""Exact duplicates: the canonical URL seen again, or the normalized-text hash seen before.

Both checks take their store as a mapping (a dict offline, a table in the stream). An entry
remembers the ``extracted_at`` of the article that made it, so the same message processed twice
(a worker restarted before it committed) gets the same answer instead of being its own duplicate.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from datetime import datetime, timedelta
from typing import Any, Literal

from pipeline.models import Article

UrlOutcome = Literal["new", "refetch", "update"]


def _fresh(entry: Any, now: datetime, window: timedelta) -> bool:
    return entry is not None and now - datetime.fromisoformat(entry["seen_at"]) <= window


def _same_message(entry: Any, article: Article) -> bool:
    return bool(entry["article_id"] == article.article_id and entry["extracted_at"] == article.extracted_at.isoformat())


def check_url(article: Article, urls: MutableMapping[str, Any], *, now: datetime, window: timedelta) -> UrlOutcome:
    """``refetch``: this URL with this text was seen; ``update``: this URL with other text; else ``new``."""
    prior: Any = urls.get(article.article_id)
    fresh = _fresh(prior, now, window)
    if fresh and _same_message(prior, article):
        return "update" if prior["outcome"] == "update" else "new"
    outcome: UrlOutcome = "new"
    if fresh:
        outcome = "refetch" if prior["content_hash"] == article.content_hash else "update"
    if outcome != "refetch":
        urls[article.article_id] = {
            "article_id": article.article_id,
            "content_hash": article.content_hash,
            "extracted_at": article.extracted_at.isoformat(),
            "seen_at": now.isoformat(),
            "outcome": outcome,
        }
    return outcome


def check_content(
    article: Article, hashes: MutableMapping[str, Any], *, now: datetime, window: timedelta
) -> str | None:
    """The article_id of the earlier article with this normalized text, or None (and this one is stored)."""
    prior: Any = hashes.get(article.content_hash)
    if _fresh(prior, now, window) and not _same_message(prior, article):
        return str(prior["article_id"])
    hashes[article.content_hash] = {
        "article_id": article.article_id,
        "extracted_at": article.extracted_at.isoformat(),
        "seen_at": now.isoformat(),
    }
    return None
