"""Stories agents: enriched articles funnelled under one key to story threads and claim timelines.

Story grouping compares each article with every open story, so all of it runs on the one partition
the constant key maps to, with its state in a changelog-backed table there.
"""

from __future__ import annotations

from datetime import datetime

import faust

from pipeline import metrics
from pipeline.chain import follow_story
from pipeline.models import EnrichedArticle
from pipeline.stream.app import StreamTopics
from pipeline.stream.guard import article_origin, guarded

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

    async def route(item: EnrichedArticle, now: datetime) -> None:
        await funnel.send(key=SHARD_KEY, value=item)

    async def follow(item: EnrichedArticle, now: datetime) -> None:
        assignment, found = follow_story(table, item)
        for error in assignment.errors:
            metrics.ENRICH_ERRORS.labels(error.step).inc()
        for update in found:
            metrics.CLAIM_UPDATES.labels(str(update.changed).lower()).inc()
            await updates.send(key=update.proposition_id.encode(), value=update)
        outcome = "failed" if assignment.story_id is None else "opened" if assignment.opened else "joined"
        metrics.STORIES_ARTICLES.labels(outcome).inc()
        await assigned.send(key=assignment.article_id.encode(), value=assignment)

    app.agent(topics.source("enriched"), name="stories-funnel")(
        guarded(EnrichedArticle, route, article_origin, stage="stories", dead=dead)
    )
    app.agent(topics.source("stories_in"), name="stories")(
        guarded(EnrichedArticle, follow, article_origin, stage="stories", dead=dead)
    )
