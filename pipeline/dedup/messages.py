"""Payloads of the dedup stage's internal topics (repartitioning by band, collecting by article).

They never leave the stage, so they are not part of the published contracts in ``schemas/``.
"""

from __future__ import annotations

from typing import Literal

from pipeline.models import Article, Contract


class BandProbe(Contract):
    """One LSH band of an article, keyed by band key so that articles sharing the band meet."""

    schema_version: Literal[1] = 1
    article_id: str
    order: float
    band: int
    key: str
    fingerprint: str


class BandCandidate(Contract):
    article_id: str
    order: float
    similarity: float


class DecideMessage(Contract):
    """Keyed by article_id: the article itself (with how many bands to wait for), or one band's candidates."""

    schema_version: Literal[1] = 1
    article_id: str
    article: Article | None = None
    bands: int | None = None
    band: int | None = None
    candidates: tuple[BandCandidate, ...] = ()
