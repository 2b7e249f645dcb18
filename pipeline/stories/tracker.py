"""One enriched article through story grouping and claim timelines: its story and the updates it causes."""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pipeline.claims.dating import publication_date
from pipeline.models import ClaimUpdate, EnrichedArticle, StoryAssignment
from pipeline.stories.grouping import StoryIndex, StoryParams, assign_story
from pipeline.stories.timeline import TimelineParams, add_claim


@dataclass(frozen=True, slots=True)
class TrackerParams:
    stories: StoryParams = field(default_factory=StoryParams)
    timelines: TimelineParams = field(default_factory=TimelineParams)


def article_day(item: EnrichedArticle) -> date | None:
    """The publication day, when the date stamp knows it to the day."""
    published = publication_date(item.datestamp)
    return date.fromisoformat(published[0]) if published else None


def track(
    store: MutableMapping[str, Any],
    item: EnrichedArticle,
    params: TrackerParams | None = None,
    index: StoryIndex | None = None,
) -> tuple[StoryAssignment, list[ClaimUpdate]]:
    """``index``: the store's story index, kept by the caller from one article to the next."""
    params = params or TrackerParams()
    article = item.article
    text = f"{article.title or ''}\n{article.text}"
    joined = assign_story(store, article.article_id, text, article_day(item), params.stories, index)
    updates = [u for c in item.claims if (u := add_claim(store, joined.story_id, c, params.timelines)) is not None]
    assignment = StoryAssignment(
        article_id=article.article_id,
        trace_id=article.trace_id,
        story_id=joined.story_id,
        opened=joined.opened,
        score=min(1.0, joined.score),
        updates=len(updates),
    )
    return assignment, updates
