"""Stories agents: enriched articles funnelled under one key to story threads and claim timelines.

Story grouping compares each article with every open story, so all of it runs on the one partition
the constant key maps to, with its state in a changelog-backed table there.
"""

from __future__ import annotations

from typing import Any

import faust

from pipeline import metrics
from pipeline.stories import track
from pipeline.stream.app import StreamTopics
from pipeline.stream.deadletters import send_dead_letter

SHARD_KEY = b"stories"


def register(app: faust.App, topics: StreamTopics) -> None:
    funnel, assigned, updates, dead = (
        topics("stories_in"),
        topics("stories"),
        topics("claim_updates"),
        topics("deadletter"),
    )
    table = app.Table(
        "stories", partitions=topics.topology.partitions_of("stories_in"), extra_topic_configs=topics.table_config()
    )

    @app.agent(topics("enriched"), name="stories-funnel")
    async def route(stream: Any) -> None:
        async for item in stream:
            await funnel.send(key=SHARD_KEY, value=item)

    @app.agent(funnel, name="stories")
    async def stories(stream: Any) -> None:
        async for item in stream:
            try:
                assignment, found = track(table, item)
            except Exception as exc:  # noqa: BLE001
                await send_dead_letter(
                    dead, stage="stories", trace_id=item.article.trace_id, source=item.article.source, exc=exc
                )
                continue
            for update in found:
                metrics.CLAIM_UPDATES.labels(str(update.changed).lower()).inc()
                await updates.send(key=update.proposition_id.encode(), value=update)
            metrics.STORIES_ARTICLES.labels("opened" if assignment.opened else "joined").inc()
            await assigned.send(key=assignment.article_id.encode(), value=assignment)
