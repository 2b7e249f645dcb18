"""Story threads and claim timelines over enriched articles: pure functions over a mapping store.

``track(store, enriched)`` puts an article on a story thread and its claims on the timelines of the
story's propositions, returning the story assignment and the claim updates (stance changes) it caused.
"""

from __future__ import annotations

from pipeline.stories.grouping import StoryIndex
from pipeline.stories.tracker import TrackerParams, track

__all__ = ["StoryIndex", "TrackerParams", "track"]
