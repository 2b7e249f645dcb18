"""Stories agents: what story grouping reads of each enriched article, then one key where every
article meets the open stories.

The funnel runs on every partition of the enriched topic (so on every worker): it decodes the whole
article and works out its probe (top terms, publication day, dated claims with their terms), the
most of the stage's work. Story grouping compares each article with the open stories, so it runs on
the one partition the constant key maps to, with its state in a changelog-backed table there, and
reads only the probes.
"""

from __future__ import annotations

from datetime import datetime

from pipeline import metrics
from pipeline.chain import follow_probe, story_probe
from pipeline.models import EnrichedArticle
from pipeline.stories import StoryIndex, StoryProbe
from pipeline.stream.guard import Agent, AnyAgent, Outbox, article_origin
from pipeline.stream.state import Table

SHARD_KEY = "stories"


def agents() -> list[AnyAgent]:
    table = Table("stories")
    index = StoryIndex()

    def route(item: EnrichedArticle, now: datetime, out: Outbox) -> None:
        out.send("stories_in", SHARD_KEY, story_probe(item))

    def follow(item: StoryProbe, now: datetime, out: Outbox) -> None:
        assignment, found = follow_probe(table, item, index)
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
        Agent("stories", "stories_in", StoryProbe, follow, article_origin, "stories", table),
    ]
