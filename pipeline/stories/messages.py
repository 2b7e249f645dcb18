"""Payload of the stories stage's internal topic: what story grouping and the claim timelines read
of an enriched article, worked out where the article is (on any worker) so that the one key every
article meets under carries only this.

It never leaves the stage, so it is not part of the published contracts in ``schemas/``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from pipeline.models import Contract, StepError, TimelinePoint


class StoryClaim(Contract):
    """A dated claim as a timeline places it: its point and the terms that say what it is about."""

    point: TimelinePoint
    subject: tuple[str, ...] = Field(description="terms of the named subject that opens it, sorted")
    names: tuple[str, ...] = Field(description="its name terms, sorted")
    words: tuple[str, ...] = Field(description="its other terms, sorted")


class StoryProbe(Contract):
    """An enriched article on ``news.stories.in``: its top terms, publication day and dated claims.
    ``errors`` says why the probe is empty when working it out failed."""

    schema_version: Literal[1] = 1
    article_id: str
    trace_id: str
    source: str
    day: str | None = Field(None, description="ISO publication day, when the date stamp knows it to the day")
    terms: dict[str, int] = Field(default_factory=dict, description="top terms with their weights, heaviest first")
    claims: tuple[StoryClaim, ...] = ()
    errors: tuple[StepError, ...] = ()
