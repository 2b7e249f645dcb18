"""The stream worker's agents and timers, built from settings."""

from __future__ import annotations

from pipeline.config import Settings
from pipeline.stream import dedup, enrich, stories
from pipeline.stream.guard import AnyAgent
from pipeline.stream.runtime import Timer


def build(settings: Settings) -> tuple[list[AnyAgent], list[Timer]]:
    stage = dedup.DedupStage(settings)
    return [*stage.agents(), *enrich.agents(), *stories.agents()], stage.timers(settings)
