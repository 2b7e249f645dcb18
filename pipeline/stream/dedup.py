"""Dedup agents: URL check by article_id, exact check by content hash, LSH buckets by band key, verdict by article.

Each hop repartitions through a topic keyed by what has to meet, and each table is co-partitioned
with the topic its agent reads, so the stage scales with partitions and workers and its state is
recovered from the tables' changelogs when a worker restarts.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from datetime import UTC, datetime, timedelta

import orjson

from pipeline import metrics
from pipeline.config import Settings
from pipeline.dedup import DedupConfig, Member, check_content, check_url, decide, probe, probes, verdicts
from pipeline.dedup.band_store import EntryPool
from pipeline.dedup.bands import band_groups, journal, replay, similar_after, similar_before
from pipeline.dedup.expiry import forget
from pipeline.dedup.messages import BandCandidate, BandKey, BandProbe, DecideMessage
from pipeline.dedup.pending import collect, decided
from pipeline.dedup.signatures import fingerprint_bytes, fingerprint_text
from pipeline.models import Article, DedupVerdict, UniqueArticle
from pipeline.stream.guard import Agent, AnyAgent, Outbox, article_origin
from pipeline.stream.runtime import Timer
from pipeline.stream.state import RAW, Journal, Table
from pipeline.topology import Topology


class DedupStage:
    """The tables of the stage, and one step per agent (each a pure function around a table)."""

    def __init__(self, settings: Settings) -> None:
        self.config = DedupConfig.from_settings(settings)
        self.band_partitions = Topology.from_settings(settings).partitions_of("dedup_bands")
        # Changelogs of what expires keep a day beyond the window: a key not written since is no
        # longer restored, as the sweep no longer keeps it in memory.
        retention_ms = int((self.config.window + timedelta(days=1)).total_seconds() * 1000)
        expiring = {"cleanup.policy": "compact,delete", "retention.ms": str(retention_ms)}
        self.urls = Table("dedup-urls", expiring)
        self.hashes = Table("dedup-content-hashes", expiring)
        # a worker's partitions of the table keep each article's entry once (a pool for them all)
        self.buckets = Journal("dedup-bands", expiring, EntryPool().store, RAW, replay=self._replay)
        self.pending = Table("dedup-pending", expiring)
        for table in (self.urls, self.hashes, self.buckets, self.pending):
            metrics.DEDUP_ENTRIES.labels(table.name).set_function(table.entries)

    def publish(self, article: Article, verdict: DedupVerdict, out: Outbox) -> None:
        metrics.DEDUP_VERDICTS.labels(verdict.verdict).inc()
        if verdict.verdict in ("unique", "update"):
            out.send("unique", article.article_id, UniqueArticle(article=article, dedup=verdict))
        else:
            out.send("duplicates", article.article_id, verdict)

    def route(self, article: Article, now: datetime, out: Outbox) -> None:
        settled = verdicts.by_url(article, check_url(article, self.urls, now=now, window=self.config.window), now)
        if settled is not None:
            self.publish(article, settled, out)
        else:
            out.send("dedup_keyed", article.content_hash, article)

    def exact(self, article: Article, now: datetime, out: Outbox) -> None:
        earlier = check_content(article, self.hashes, now=now, window=self.config.window)
        if earlier is not None:
            self.publish(article, verdicts.exact(article, earlier, now), out)
            return
        signed = probes(article, self.config)
        out.send(
            "dedup_decide",
            article.article_id,
            DecideMessage(article_id=article.article_id, article=article, bands=len(signed)),
        )
        if not signed:
            return
        member = signed[0][1]
        groups = band_groups([key for key, _ in signed], self.band_partitions)
        for partition, bands in groups.items():
            value = BandProbe(
                article_id=member.article_id,
                order=member.order,
                fingerprint=fingerprint_text(member.fingerprint),
                bands=tuple(BandKey(band=band, key=key) for band, key in bands),
            )
            out.send("dedup_bands", bands[0][1], value, partition=partition)

    def band(self, item: BandProbe, now: datetime, out: Outbox) -> None:
        member = Member(item.article_id, item.order, fingerprint_bytes(item.fingerprint))
        threshold = self.config.minhash.threshold
        before: dict[str, BandCandidate] = {}
        later: dict[str, BandCandidate] = {}
        window, cap = self.config.window, self.config.bucket_cap
        bands = item.band_keys()
        noted = journal(member, [band.key for band in bands], now)
        self.buckets.note(orjson.dumps([item.article_id, now.timestamp()]), noted)
        for band in bands:
            found = probe(self.buckets, band.key, member, now=now, window=window, cap=cap)
            # Only what can make this article a near duplicate travels on: similar articles ranked
            # before it, and those ranked after it but stored first, which may have been decided
            # without it.
            for c in similar_before(item.article_id, item.order, found, threshold):
                before.setdefault(c.article_id, BandCandidate(**vars(c)))
            for c in similar_after(item.article_id, item.order, found, threshold):
                later.setdefault(c.article_id, BandCandidate(**vars(c)))
        covered = tuple(band.band for band in bands)
        value = DecideMessage(
            article_id=item.article_id, covered=covered, candidates=tuple(before.values()), later=tuple(later.values())
        )
        out.send("dedup_decide", item.article_id, value)
        me = BandCandidate(article_id=item.article_id, order=item.order, similarity=0.0)
        for peer in later.values():
            ask = DecideMessage(
                article_id=peer.article_id, earlier=me.model_copy(update={"similarity": peer.similarity})
            )
            out.send("dedup_decide", peer.article_id, ask)

    def _replay(self, buckets: MutableMapping[str, bytes], value: bytes) -> None:
        replay(buckets, value, window=self.config.window, cap=self.config.bucket_cap)

    def decide(self, message: DecideMessage, now: datetime, out: Outbox) -> None:
        done = collect(self.pending, message, now=now)
        for reply in done.sends:
            out.send("dedup_decide", reply.article_id, reply)
        if done.ready is not None:
            article, candidates, published_later = done.ready
            verdict = decide(article, candidates, now=now, config=self.config, published_later=published_later)
            self.publish(article, verdict, out)
            decided(self.pending, article.article_id, verdict.verdict, now)

    def sweep(self) -> None:
        """Drop the entries last seen before the window from the worker's local state (the
        changelog's retention does the same on the broker)."""
        now = datetime.now(UTC)
        for table in (self.urls, self.hashes, self.buckets, self.pending):
            dropped = sum(forget(entries, now=now, window=self.config.window) for entries in table.partitions.values())
            metrics.DEDUP_SWEPT.labels(table.name).inc(dropped)

    def agents(self) -> list[AnyAgent]:
        return [
            Agent("dedup-route", "articles", Article, self.route, article_origin, "dedup", self.urls),
            Agent("dedup-exact", "dedup_keyed", Article, self.exact, article_origin, "dedup", self.hashes),
            Agent("dedup-band", "dedup_bands", BandProbe, self.band, _band_origin, "dedup", self.buckets),
            Agent("dedup-decide", "dedup_decide", DecideMessage, self.decide, _decide_origin, "dedup", self.pending),
        ]

    def timers(self, settings: Settings) -> list[Timer]:
        return [Timer(settings.dedup_sweep_interval_s, self.sweep)]


def _band_origin(item: BandProbe) -> tuple[str, str]:
    keys = item.band_keys()
    return item.article_id, keys[0].key if keys else item.article_id


def _decide_origin(item: DecideMessage) -> tuple[str, str]:
    return (item.article.trace_id, item.article.source) if item.article else (item.article_id, item.article_id)
