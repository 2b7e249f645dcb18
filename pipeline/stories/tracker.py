"""One enriched article through story grouping and claim timelines: its story and the updates it causes.

``probe`` is the part that reads the article (its terms, its claims' terms), which runs wherever the
article is; ``track_probe`` is the part that reads and changes the open stories, which every article
meets in one place.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pipeline.claims.dating import publication_date
from pipeline.models import ClaimUpdate, EnrichedArticle, StoryAssignment
from pipeline.stories.grouping import StoryIndex, StoryParams, join_story
from pipeline.stories.messages import StoryProbe
from pipeline.stories.terms import top_terms
from pipeline.stories.timeline import TimelineParams, place_claim, story_claim


@dataclass(frozen=True, slots=True)
class TrackerParams:
    stories: StoryParams = field(default_factory=StoryParams)
    timelines: TimelineParams = field(default_factory=TimelineParams)


def article_day(item: EnrichedArticle) -> date | None:
    """The publication day, when the date stamp knows it to the day."""
    published = publication_date(item.datestamp)
    return date.fromisoformat(published[0]) if published else None


def probe(item: EnrichedArticle, params: TrackerParams | None = None) -> StoryProbe:
    """What grouping and the timelines read of ``item``."""
    params = params or TrackerParams()
    article = item.article
    day = article_day(item)
    return StoryProbe(
        article_id=article.article_id,
        trace_id=article.trace_id,
        source=article.source,
        day=day.isoformat() if day else None,
        terms=top_terms(f"{article.title or ''}\n{article.text}", params.stories.terms_per_article),
        claims=tuple(c for claim in item.claims if (c := story_claim(claim)) is not None),
    )


def track_probe(
    store: MutableMapping[str, Any],
    found: StoryProbe,
    params: TrackerParams | None = None,
    index: StoryIndex | None = None,
) -> tuple[StoryAssignment, list[ClaimUpdate]]:
    """``index``: the store's story index, kept by the caller from one article to the next."""
    params = params or TrackerParams()
    day = date.fromisoformat(found.day) if found.day else None
    joined = join_story(store, found.article_id, found.terms, day, params.stories, index)
    placed = (place_claim(store, joined.story_id, c, params.timelines) for c in found.claims)
    updates = [u for u in placed if u is not None]
    assignment = StoryAssignment(
        article_id=found.article_id,
        trace_id=found.trace_id,
        story_id=joined.story_id,
        opened=joined.opened,
        score=min(1.0, joined.score),
        updates=len(updates),
    )
    return assignment, updates


def track(
    store: MutableMapping[str, Any],
    item: EnrichedArticle,
    params: TrackerParams | None = None,
    index: StoryIndex | None = None,
) -> tuple[StoryAssignment, list[ClaimUpdate]]:
    """``index``: the store's story index, kept by the caller from one article to the next."""
    return track_probe(store, probe(item, params), params, index)
