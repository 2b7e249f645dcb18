"""The pipeline's consumer groups, named once: the fetch workers' and the stream workers'."""

from __future__ import annotations

from pipeline.config import Settings

FETCH_GROUP = "news-ingest-fetch"


def pipeline_groups(settings: Settings) -> list[str]:
    """The groups of a deployment as the broker knows them (under its topic prefix)."""
    return [settings.topic_prefix + FETCH_GROUP, settings.topic_prefix + settings.app_id]
