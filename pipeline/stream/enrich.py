"""Enrich agent: date stamp and claims of each unique article in one step (stateless, no topic
between them); claims to ``news.claims``, the whole result to ``news.articles.enriched``."""

from __future__ import annotations

from datetime import datetime

import faust

from pipeline import metrics
from pipeline.chain import enrich
from pipeline.models import UniqueArticle
from pipeline.stream.app import StreamTopics
from pipeline.stream.guard import article_origin, guarded


def register(app: faust.App, topics: StreamTopics) -> None:
    claims, enriched = topics("claims"), topics("enriched")

    async def step(item: UniqueArticle, now: datetime) -> None:
        result = enrich(item, now=now)
        for error in result.errors:
            metrics.ENRICH_ERRORS.labels(error.step).inc()
        metrics.DATESTAMP_STAMPS.labels(result.datestamp.source).inc()
        metrics.CLAIMS_ARTICLES.inc()
        metrics.CLAIMS_FOUND.inc(len(result.claims))
        for claim in result.claims:
            await claims.send(key=claim.claim_id.encode(), value=claim)
        await enriched.send(key=result.article.article_id.encode(), value=result)

    agent = guarded(UniqueArticle, step, article_origin, stage="claims", dead=topics("deadletter"))
    app.agent(topics.source("unique"), name="enrich")(agent)
