"""Claims of a text written for a test, as the claims stage sees it after a date stamp."""

from __future__ import annotations

from datetime import datetime

from pipeline.claims import find_claims
from pipeline.models import Article, Claim, DateExpression, DateStamp, stable_id


def claims_of(text: str, *, published: str | None, now: datetime, dates: dict[str, str] | None = None) -> list[Claim]:
    """``published``: the publication day the stamp gives (None: unknown); ``dates``: date
    expressions of the text (phrase -> the day or month it resolves to)."""
    article = Article(
        article_id=stable_id("t", text),
        trace_id="t",
        source="test",
        text=text,
        content_hash=stable_id(text),
        extractor="text-capture",
        extracted_at=now,
    )
    expressions = tuple(
        DateExpression(
            text=phrase,
            start=text.index(phrase),
            end=text.index(phrase) + len(phrase),
            value=value,
            precision="day" if len(value) == 10 else "month",
            relative=True,
        )
        for phrase, value in (dates or {}).items()
    )
    stamp = DateStamp(
        article_id=article.article_id,
        published_at=now,
        published=published,
        precision="day" if published else None,
        source="metadata" if published else "unknown",
        confidence=1.0 if published else 0.0,
        ingested_at=now,
        expressions=expressions,
    )
    return find_claims(article, stamp)
