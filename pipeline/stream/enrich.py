"""Enrich agent: date stamp and claims of each unique article in one step (stateless, no topic
between them); claims to ``news.claims``, the whole result to ``news.articles.enriched``."""

from __future__ import annotations

from datetime import datetime

from pipeline import metrics
from pipeline.chain import enrich
from pipeline.models import UniqueArticle
from pipeline.stream.guard import Agent, AnyAgent, Outbox, article_origin


def step(item: UniqueArticle, now: datetime, out: Outbox) -> None:
    result = enrich(item, now=now)
    for error in result.errors:
        metrics.ENRICH_ERRORS.labels(error.step).inc()
    metrics.DATESTAMP_STAMPS.labels(result.datestamp.source).inc()
    metrics.CLAIMS_ARTICLES.inc()
    metrics.CLAIMS_FOUND.inc(len(result.claims))
    for claim in result.claims:
        out.send("claims", claim.claim_id, claim)
    out.send("enriched", result.article.article_id, result)


def agents() -> list[AnyAgent]:
    return [Agent("enrich", "unique", UniqueArticle, step, article_origin, "claims")]
