"""Stories agents: enriched articles funnelled under one key to story threads and claim timelines.

Story grouping compares each article with every open story, so all of it runs on the one partition
the constant key maps to, with its state in a changelog-backed table there.
"""

from __future__ import annotations

from datetime import datetime

from pipeline import metrics
from pipeline.chain import follow_story
from pipeline.models import EnrichedArticle
from pipeline.stories import StoryIndex
from pipeline.stream.guard import Agent, AnyAgent, Outbox, article_origin
from pipeline.stream.state import Table

SHARD_KEY = "stories"


def agents() -> list[AnyAgent]:
    table = Table("stories")
    index = StoryIndex()

    def route(item: EnrichedArticle, now: datetime, out: Outbox) -> None:
        out.send("stories_in", SHARD_KEY, item)

    def follow(item: EnrichedArticle, now: datetime, out: Outbox) -> None:
        assignment, found = follow_story(table, item, index)
        for error in assignment.errors:
            metrics.ENRICH_ERRORS.labels(error.step).inc()
        for update in found:
            metrics.CLAIM_UPDATES.labels(str(update.changed).lower()).inc()
            out.send("claim_updates", update.proposition_id, update)
        outcome = "failed" if assignment.story_id is None else "opened" if assignment.opened else "joined"
        metrics.STORIES_ARTICLES.labels(outcome).inc()
        out.send("stories", assignment.article_id, assignment)

    return [
        Agent("stories-funnel", "enriched", EnrichedArticle, route, article_origin, "stories"),
        Agent("stories", "stories_in", EnrichedArticle, follow, article_origin, "stories", table),
    ]
