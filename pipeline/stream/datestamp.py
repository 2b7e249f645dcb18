"""Date-stamp agent: publication date with provenance, and the date expressions of the text."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import faust

from pipeline import metrics
from pipeline.datestamp import stamp
from pipeline.models import DatedArticle
from pipeline.stream.app import StreamTopics
from pipeline.stream.deadletters import send_dead_letter


def register(app: faust.App, topics: StreamTopics) -> None:
    dated, dead = topics("dated"), topics("deadletter")

    @app.agent(topics("unique"), name="datestamp")
    async def datestamp(stream: Any) -> None:
        async for item in stream:
            try:
                date_stamp = stamp(item.article, ingested_at=datetime.now(UTC))
            except Exception as exc:  # noqa: BLE001
                await send_dead_letter(
                    dead, stage="datestamp", trace_id=item.article.trace_id, source=item.article.source, exc=exc
                )
                continue
            metrics.DATESTAMP_STAMPS.labels(date_stamp.source).inc()
            value = DatedArticle(article=item.article, dedup=item.dedup, datestamp=date_stamp)
            await dated.send(key=item.article.article_id.encode(), value=value)
