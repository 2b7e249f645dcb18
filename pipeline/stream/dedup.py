"""Dedup agents: URL check by article_id, exact check by content hash, LSH buckets by band key, verdict by article.

Each hop repartitions through a topic keyed by what has to meet, and each table is co-partitioned
with the topic its agent reads, so the stage scales with partitions and workers and its state is
recovered from the tables' changelogs when a worker restarts.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import faust

from pipeline import metrics
from pipeline.config import Settings
from pipeline.dedup import DedupConfig, Member, check_content, check_url, decide, probe, probes, verdicts
from pipeline.dedup.bands import similar_after, similar_before
from pipeline.dedup.expiry import sweep
from pipeline.dedup.messages import BandCandidate, BandProbe, DecideMessage
from pipeline.dedup.pending import collect, decided
from pipeline.models import Article, DedupVerdict, UniqueArticle
from pipeline.stream.app import StreamTopics
from pipeline.stream.guard import article_origin, guarded

SWEEP_CHUNK = 1000


class DedupStage:
    """The topics and tables of the stage, and one step per agent (each a pure function around a table)."""

    def __init__(self, app: faust.App, topics: StreamTopics, settings: Settings) -> None:
        self.config = DedupConfig.from_settings(settings)
        self.keyed, self.by_band, self.to_decide = topics("dedup_keyed"), topics("dedup_bands"), topics("dedup_decide")
        self.unique, self.duplicates = topics("unique"), topics("duplicates")
        partitions = topics.topology.partitions_of("articles")
        # Changelogs of what expires keep a day beyond the window: a key not written since is no
        # longer restored, as the sweep no longer keeps it in memory.
        retention_ms = int((self.config.window + timedelta(days=1)).total_seconds() * 1000)
        expiring = topics.table_config({"cleanup.policy": "compact,delete", "retention.ms": str(retention_ms)})
        self.urls = app.Table("dedup-urls", partitions=partitions, extra_topic_configs=expiring)
        self.hashes = app.Table("dedup-content-hashes", partitions=partitions, extra_topic_configs=expiring)
        self.buckets = app.Table("dedup-bands", partitions=partitions, extra_topic_configs=expiring)
        self.pending = app.Table("dedup-pending", partitions=partitions, extra_topic_configs=expiring)

    async def publish(self, article: Article, verdict: DedupVerdict) -> None:
        metrics.DEDUP_VERDICTS.labels(verdict.verdict).inc()
        key = article.article_id.encode()
        if verdict.verdict in ("unique", "update"):
            await self.unique.send(key=key, value=UniqueArticle(article=article, dedup=verdict))
        else:
            await self.duplicates.send(key=key, value=verdict)

    async def route(self, article: Article, now: datetime) -> None:
        settled = verdicts.by_url(article, check_url(article, self.urls, now=now, window=self.config.window), now)
        if settled is not None:
            await self.publish(article, settled)
        else:
            await self.keyed.send(key=article.content_hash.encode(), value=article)

    async def exact(self, article: Article, now: datetime) -> None:
        earlier = check_content(article, self.hashes, now=now, window=self.config.window)
        if earlier is not None:
            await self.publish(article, verdicts.exact(article, earlier, now))
            return
        signed = probes(article, self.config)
        head = DecideMessage(article_id=article.article_id, article=article, bands=len(signed))
        await self.to_decide.send(key=article.article_id.encode(), value=head)
        for band, (band_key, member) in enumerate(signed):
            value = BandProbe(
                article_id=member.article_id,
                order=member.order,
                band=band,
                key=band_key,
                fingerprint=member.fingerprint,
            )
            await self.by_band.send(key=band_key.encode(), value=value)

    async def band(self, item: BandProbe, now: datetime) -> None:
        member = Member(item.article_id, item.order, item.fingerprint)
        found = probe(self.buckets, item.key, member, now=now, window=self.config.window, cap=self.config.bucket_cap)
        # Only what can make this article a near duplicate travels on: similar articles ranked before
        # it, and those ranked after it but stored first, which may have been decided without it.
        threshold = self.config.minhash.threshold
        before = tuple(BandCandidate(**vars(c)) for c in similar_before(item.article_id, item.order, found, threshold))
        later = tuple(BandCandidate(**vars(c)) for c in similar_after(item.article_id, item.order, found, threshold))
        value = DecideMessage(article_id=item.article_id, band=item.band, candidates=before, later=later)
        await self.to_decide.send(key=item.article_id.encode(), value=value)
        me = BandCandidate(article_id=item.article_id, order=item.order, similarity=0.0)
        for peer in later:
            ask = DecideMessage(
                article_id=peer.article_id, earlier=me.model_copy(update={"similarity": peer.similarity})
            )
            await self.to_decide.send(key=peer.article_id.encode(), value=ask)

    async def decide(self, message: DecideMessage, now: datetime) -> None:
        done = collect(self.pending, message, now=now)
        for reply in done.sends:
            await self.to_decide.send(key=reply.article_id.encode(), value=reply)
        if done.ready is not None:
            article, candidates, published_later = done.ready
            verdict = decide(article, candidates, now=now, config=self.config, published_later=published_later)
            await self.publish(article, verdict)
            decided(self.pending, article.article_id, verdict.verdict, now)

    async def sweep(self) -> None:
        """Drop the entries last seen before the window from the worker's local state, a chunk at
        a time so the agents run in between (as Faust expires windowed tables: locally, the
        changelog's retention doing the same on the broker)."""
        now = datetime.now(UTC)
        for table in (self.urls, self.hashes, self.buckets, self.pending):
            store = table.data
            keys = list(store.keys())
            dropped = 0
            for start in range(0, len(keys), SWEEP_CHUNK):
                dropped += sweep(store, keys[start : start + SWEEP_CHUNK], now=now, window=self.config.window)
                await asyncio.sleep(0)
            metrics.DEDUP_SWEPT.labels(table.name).inc(dropped)
            metrics.DEDUP_ENTRIES.labels(table.name).set(len(keys) - dropped)


def register(app: faust.App, topics: StreamTopics, settings: Settings) -> None:
    stage = DedupStage(app, topics, settings)

    async def sweep_expired() -> None:
        if not getattr(app, "in_recovery", False):
            await stage.sweep()

    app.timer(interval=settings.dedup_sweep_interval_s, name="dedup-sweep")(sweep_expired)

    dead = topics("deadletter")
    app.agent(topics.source("articles"), name="dedup-route")(
        guarded(Article, stage.route, article_origin, stage="dedup", dead=dead)
    )
    app.agent(topics.source("dedup_keyed"), name="dedup-exact")(
        guarded(Article, stage.exact, article_origin, stage="dedup", dead=dead)
    )
    app.agent(topics.source("dedup_bands"), name="dedup-band")(
        guarded(BandProbe, stage.band, _band_origin, stage="dedup", dead=dead)
    )
    app.agent(topics.source("dedup_decide"), name="dedup-decide")(
        guarded(DecideMessage, stage.decide, _decide_origin, stage="dedup", dead=dead)
    )


def _band_origin(item: BandProbe) -> tuple[str, str]:
    return item.article_id, item.key


def _decide_origin(item: DecideMessage) -> tuple[str, str]:
    return (item.article.trace_id, item.article.source) if item.article else (item.article_id, item.article_id)
