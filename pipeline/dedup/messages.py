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
    """Keyed by article_id, one of:

    - the article itself, with how many bands to wait for (``article``, ``bands``);
    - one band's candidates: similar articles ranked before it (``band``, ``candidates``), and the
      similar ones ranked after it (``later``), which were stored first, so may have been decided
      without meeting it;
    - from an earlier-ranked similar article (``earlier``): this article, if not decided yet, is
      its near duplicate; the reply says whether it had already been published as unique;
    - such a reply (``reply_from``, ``reply_unique``): the earlier article waits for it, and is a
      near duplicate of a later article already published, so the two never both come out.
    """

    schema_version: Literal[1, 2] = 2
    article_id: str
    article: Article | None = None
    bands: int | None = None
    band: int | None = None
    candidates: tuple[BandCandidate, ...] = ()
    later: tuple[BandCandidate, ...] = ()
    earlier: BandCandidate | None = None
    reply_from: BandCandidate | None = None
    reply_unique: bool = False
