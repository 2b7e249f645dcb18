"""Dedup agents: repartition articles by content hash, then judge them against a table."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import faust

from pipeline import dedup, metrics
from pipeline.models import UniqueArticle
from pipeline.stream.app import StreamTopics
from pipeline.stream.deadletters import send_dead_letter


def register(app: faust.App, topics: StreamTopics) -> None:
    keyed, unique, duplicates, dead = (
        topics("dedup_keyed"),
        topics("unique"),
        topics("duplicates"),
        topics("deadletter"),
    )
    seen = app.Table("dedup-content-hashes", partitions=topics.topology.partitions_of("dedup_keyed"))

    @app.agent(topics("articles"), name="dedup-route")
    async def route(stream: Any) -> None:
        async for article in stream:
            await keyed.send(key=article.content_hash.encode(), value=article)

    @app.agent(keyed, name="dedup-judge")
    async def judge(stream: Any) -> None:
        async for article in stream:
            try:
                verdict = dedup.judge(article, seen, now=datetime.now(UTC))
            except Exception as exc:  # noqa: BLE001
                await send_dead_letter(dead, stage="dedup", trace_id=article.trace_id, source=article.source, exc=exc)
                continue
            metrics.DEDUP_VERDICTS.labels(verdict.verdict).inc()
            if verdict.verdict == "unique":
                await unique.send(key=article.article_id.encode(), value=UniqueArticle(article=article, dedup=verdict))
            else:
                await duplicates.send(key=article.article_id.encode(), value=verdict)
