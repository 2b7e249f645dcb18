"""The stream's dedup steps run in memory, each message handed to the partition Kafka would give it:
the verdicts of the offline judge, with an article's bands sent in one probe per partition."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime

from pipeline.codec import decode
from pipeline.config import Settings
from pipeline.dedup import DedupStores, judge
from pipeline.dedup.bands import band_groups
from pipeline.dedup.messages import BandProbe, DecideMessage
from pipeline.models import Article, DedupVerdict, UniqueArticle
from pipeline.partitioning import key_partition
from pipeline.stream.dedup import DedupStage
from pipeline.stream.guard import Outbox, Sent
from pipeline.topology import Role
from tests.dedup_corpus import corpus

PARTITIONS = 6
NOW = datetime(2025, 5, 6, 12, tzinfo=UTC)
MODELS: dict[Role, type] = {
    "dedup_keyed": Article,
    "dedup_bands": BandProbe,
    "dedup_decide": DecideMessage,
    "unique": UniqueArticle,
    "duplicates": DedupVerdict,
}


def run_stage(
    articles: list[Article], seed: int, in_flight: int = 1
) -> tuple[dict[str, tuple[str, str | None]], Counter[Role]]:
    """Every article through route, exact, band and decide, ``in_flight`` articles at a time, their
    messages taken in a shuffled order; the verdicts and the messages sent per topic."""
    stage = DedupStage(Settings(partitions=PARTITIONS))
    steps = {"dedup_keyed": stage.exact, "dedup_bands": stage.band, "dedup_decide": stage.decide}
    tables = {"dedup_keyed": stage.hashes, "dedup_bands": stage.buckets, "dedup_decide": stage.pending}
    rng, out = random.Random(seed), Outbox(10_000_000)  # noqa: S311 - an order reproducible by seed
    queue: list[Sent] = []
    verdicts: dict[str, tuple[str, str | None]] = {}
    sent: Counter[Role] = Counter()
    for at in range(0, len(articles), in_flight):
        for article in articles[at : at + in_flight]:
            stage.urls.use(key_partition(article.article_id, PARTITIONS))
            stage.route(article, NOW, out)
            queue += out.take()
        while queue:
            message = queue.pop(rng.randrange(len(queue)))
            sent[message.role] += 1
            value = decode(MODELS[message.role], message.value)
            if isinstance(value, UniqueArticle):
                verdicts[value.article.article_id] = (value.dedup.verdict, value.dedup.duplicate_of)
                continue
            if isinstance(value, DedupVerdict):
                verdicts[value.article_id] = (value.verdict, value.duplicate_of)
                continue
            by_key = key_partition(message.key.decode(), PARTITIONS)
            tables[message.role].use(by_key if message.partition is None else message.partition)
            steps[message.role](value, NOW, out)
            queue += out.take()
    return verdicts, sent


def test_the_stream_steps_give_the_offline_verdicts_with_one_probe_per_partition() -> None:
    pairs, singles = corpus(30, 60)
    articles = sorted([a for pair in pairs for a in pair] + singles, key=lambda a: a.extracted_at)
    stores = DedupStores()
    offline = {a.article_id: judge(a, stores, now=NOW) for a in articles}
    assert sum(v.verdict == "near-duplicate" for v in offline.values()) >= 25
    for seed in range(3):
        verdicts, sent = run_stage(articles, seed)
        assert verdicts == {i: (v.verdict, v.duplicate_of) for i, v in offline.items()}
        assert len(articles) < sent["dedup_bands"] <= PARTITIONS * len(articles)


def test_copies_in_flight_together_in_any_order_give_one_of_the_two() -> None:
    pairs, singles = corpus(30, 60)
    articles = [a for pair in pairs for a in pair] + singles
    random.Random(7).shuffle(articles)  # noqa: S311 - an order reproducible by seed
    for seed in range(3):
        verdicts, _ = run_stage(articles, seed, in_flight=12)
        assert set(verdicts) == {a.article_id for a in articles}
        assert all(verdicts[a.article_id] == ("unique", None) for a in singles)
        found = 0
        for a, b in pairs:
            outcome = {verdicts[a.article_id], verdicts[b.article_id]}
            assert ("unique", None) in outcome, "both copies gone"
            found += outcome in (
                {("unique", None), ("near-duplicate", a.article_id)},
                {("unique", None), ("near-duplicate", b.article_id)},
            )
        assert found >= 0.95 * len(pairs)


def test_band_groups_cover_every_band_once_each_on_its_keys_partition() -> None:
    keys = [f"{band}:{band * 7919:x}" for band in range(14)]
    groups = band_groups(keys, PARTITIONS)
    assert sorted(band for bands in groups.values() for band, _ in bands) == list(range(14))
    assert all(key_partition(key, PARTITIONS) == p for p, bands in groups.items() for _, key in bands)
    assert all(keys[band] == key for bands in groups.values() for band, key in bands)
    assert len(groups) > 1
