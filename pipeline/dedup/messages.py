"""Payloads of the dedup stage's internal topics (repartitioning by band, collecting by article).

They never leave the stage, so they are not part of the published contracts in ``schemas/``.
"""

from __future__ import annotations

from typing import Literal

from pipeline.models import Article, Contract


class BandKey(Contract):
    band: int
    key: str


class BandProbe(Contract):
    """The LSH bands of an article that live on one partition of the band topic (where the default
    partitioner puts each band key), sent there at once, so that articles sharing a band meet.
    Version 1 carried one band (``band``, ``key``)."""

    schema_version: Literal[1, 2] = 2
    article_id: str
    order: float
    fingerprint: str
    bands: tuple[BandKey, ...] = ()
    band: int | None = None
    key: str | None = None

    def band_keys(self) -> tuple[BandKey, ...]:
        if self.band is not None and self.key is not None:
            return (*self.bands, BandKey(band=self.band, key=self.key))
        return self.bands


class BandCandidate(Contract):
    article_id: str
    order: float
    similarity: float


class DecideMessage(Contract):
    """Keyed by article_id, one of:

    - the article itself, with how many bands to wait for (``article``, ``bands``);
    - the candidates of some of its bands (``covered``; version 2 carried one, ``band``): similar
      articles ranked before it (``candidates``), and the similar ones ranked after it (``later``),
      which were stored first, so may have been decided without meeting it;
    - from an earlier-ranked similar article (``earlier``): this article, if not decided yet, is
      its near duplicate; the reply says whether it had already been published as unique;
    - such a reply (``reply_from``, ``reply_unique``): the earlier article waits for it, and is a
      near duplicate of a later article already published, so the two never both come out.
    """

    schema_version: Literal[1, 2, 3] = 3
    article_id: str
    article: Article | None = None
    bands: int | None = None
    covered: tuple[int, ...] = ()
    band: int | None = None
    candidates: tuple[BandCandidate, ...] = ()
    later: tuple[BandCandidate, ...] = ()
    earlier: BandCandidate | None = None
    reply_from: BandCandidate | None = None
    reply_unique: bool = False

    def bands_covered(self) -> tuple[int, ...]:
        return (*self.covered, self.band) if self.band is not None else self.covered
