"""Claims agent: attributed claims to ``news.claims``, the whole result to ``news.articles.enriched``."""

from __future__ import annotations

from typing import Any

import faust

from pipeline import metrics
from pipeline.claims import find_claims
from pipeline.models import EnrichedArticle
from pipeline.stream.app import StreamTopics
from pipeline.stream.deadletters import send_dead_letter


def register(app: faust.App, topics: StreamTopics) -> None:
    claims_topic, enriched, dead = topics("claims"), topics("enriched"), topics("deadletter")

    @app.agent(topics("dated"), name="claims")
    async def claims(stream: Any) -> None:
        async for item in stream:
            try:
                found = tuple(find_claims(item.article, item.datestamp))
            except Exception as exc:  # noqa: BLE001
                await send_dead_letter(
                    dead, stage="claims", trace_id=item.article.trace_id, source=item.article.source, exc=exc
                )
                continue
            for claim in found:
                await claims_topic.send(key=claim.claim_id.encode(), value=claim)
            metrics.CLAIMS_ARTICLES.inc()
            metrics.CLAIMS_FOUND.inc(len(found))
            result = EnrichedArticle(article=item.article, dedup=item.dedup, datestamp=item.datestamp, claims=found)
            await enriched.send(key=item.article.article_id.encode(), value=result)
