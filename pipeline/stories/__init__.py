"""Story threads and claim timelines over enriched articles: pure functions over a mapping store.

``track(store, enriched)`` puts an article on a story thread and its claims on the timelines of the
story's propositions, returning the story assignment and the claim updates (stance changes) it caused.
It is ``track_probe(store, probe(enriched))``: the stream makes the probe wherever the article is and
sends only the probe to the one place every article meets the open stories.
"""

from __future__ import annotations

from pipeline.stories.grouping import StoryIndex
from pipeline.stories.messages import StoryProbe
from pipeline.stories.tracker import TrackerParams, probe, track, track_probe

__all__ = ["StoryIndex", "StoryProbe", "TrackerParams", "probe", "track", "track_probe"]
