"""The whole dedup stage on one article, in process: the same steps the stream's agents run one by one."""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from pipeline.config import Settings
from pipeline.dedup import verdicts
from pipeline.dedup.band_store import BandStore
from pipeline.dedup.bands import DEFAULT_BUCKET_CAP, Candidate, Member, earliest_match, probe, storable
from pipeline.dedup.exact import check_content, check_url
from pipeline.dedup.signatures import MinHashParams, band_keys, fingerprint, signature
from pipeline.models import Article, DedupVerdict


@dataclass(frozen=True)
class DedupConfig:
    window: timedelta = timedelta(days=7)
    minhash: MinHashParams = field(default_factory=MinHashParams)
    bucket_cap: int = DEFAULT_BUCKET_CAP

    @classmethod
    def from_settings(cls, settings: Settings) -> DedupConfig:
        return cls(
            window=timedelta(days=settings.dedup_window_days),
            minhash=MinHashParams(num_perm=settings.dedup_num_perm, threshold=settings.dedup_threshold),
            bucket_cap=settings.dedup_bucket_cap,
        )


@dataclass
class DedupStores:
    """The state of dedup: by canonical URL (article_id), by content hash, by band key."""

    urls: MutableMapping[str, Any] = field(default_factory=dict)
    hashes: MutableMapping[str, Any] = field(default_factory=dict)
    buckets: MutableMapping[str, bytes] = field(default_factory=BandStore)


def probes(article: Article, config: DedupConfig) -> list[tuple[str, Member]]:
    """The band keys of the article, each with the member a bucket stores for it; none for an id
    that is not a stable_id, which a bucket cannot store (such an article is judged on its URL
    and text hash only)."""
    if not storable(article.article_id):
        return []
    values = signature(article.text, config.minhash)
    member = Member(article.article_id, article.extracted_at.timestamp(), fingerprint(values))
    return [(key, member) for key in band_keys(values, config.minhash)]


def decide(
    article: Article,
    candidates: list[Candidate],
    *,
    now: datetime,
    config: DedupConfig,
    published_later: list[Candidate] | None = None,
) -> DedupVerdict:
    """Near duplicate of the earliest similar article ranked before it; else of the earliest similar
    article ranked after it that the stream already published as unique (it arrived first); else unique."""
    match = earliest_match(article.article_id, article.extracted_at.timestamp(), candidates, config.minhash.threshold)
    if match is None and published_later:
        match = min(published_later, key=lambda c: (c.order, c.article_id))
    return verdicts.near(article, match, now) if match else verdicts.unique(article, now)


def judge(article: Article, stores: DedupStores, *, now: datetime, config: DedupConfig | None = None) -> DedupVerdict:
    config = config or DedupConfig()
    settled = verdicts.by_url(article, check_url(article, stores.urls, now=now, window=config.window), now)
    if settled is not None:
        return settled
    earlier = check_content(article, stores.hashes, now=now, window=config.window)
    if earlier is not None:
        return verdicts.exact(article, earlier, now)
    candidates: list[Candidate] = []
    for key, member in probes(article, config):
        candidates += probe(stores.buckets, key, member, now=now, window=config.window, cap=config.bucket_cap)
    return decide(article, candidates, now=now, config=config)
