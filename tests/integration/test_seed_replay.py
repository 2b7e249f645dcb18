"""The seed corpus through the real broker, a fetch worker and a stream worker."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from confluent_kafka import TopicPartition

from pipeline.config import Settings
from pipeline.kafka import clients
from pipeline.kafka.admin import ensure_topics
from pipeline.models import Claim, EnrichedArticle
from pipeline.replay import replay
from pipeline.runner import running_workers
from pipeline.topology import SPECS, Topology
from tests.integration.conftest import read_topic
from tests.seeds import EXPECTED, SEEDS_DIR, check_result, find_expected_claim

pytestmark = pytest.mark.integration


def test_seed_corpus_end_to_end_and_a_second_replay_adds_nothing(settings: Settings, tmp_path: Path) -> None:
    topology = Topology.from_settings(settings)
    with running_workers(settings, tmp_path / "logs") as workers:
        first = replay([SEEDS_DIR], settings, timeout_s=240, health_check=workers.check)
        second = replay([SEEDS_DIR], settings, timeout_s=240, health_check=workers.check)

    assert (first.documents, first.articles, first.duplicates, first.dead_letters) == (5, 5, 0, 0)
    enriched = read_topic(settings, topology.name("enriched"), EnrichedArticle, count=5)
    assert sorted(Path(e.article.source).name for e in enriched) == sorted(EXPECTED)
    problems = [p for e in enriched for p in check_result(Path(e.article.source).name, e.model_dump(mode="json"))]
    assert not problems, "\n".join(problems)

    expected_claims = sum(len(e.claims) for e in enriched)
    claims = read_topic(settings, topology.name("claims"), Claim, count=expected_claims)
    assert len(claims) == expected_claims
    by_article = {e.article.article_id: Path(e.article.source).name for e in enriched}
    for name, want in EXPECTED.items():
        of_seed = [c.model_dump(mode="json") for c in claims if by_article[c.article_id] == name]
        for claim in want.get("claims", []):
            assert find_expected_claim(of_seed, claim), f"{name}: {claim} not on the claims topic"

    assert (second.documents, second.articles, second.duplicates, second.dead_letters) == (5, 0, 5, 0)
    originals = {e.article.article_id for e in enriched}
    assert all(r.dedup and r.dedup.duplicate_of in originals for r in second.results)
    again = read_topic(settings, topology.name("enriched"), EnrichedArticle, count=6, timeout_s=5)
    assert len(again) == 5, "a second replay must add no article"


def records_on_internal_topics(settings: Settings) -> int:
    """Records on every partition of the topics between the stream's own agents."""
    topology = Topology.from_settings(settings)
    consumer = clients.consumer(settings, f"{settings.app_id}-ends")
    try:
        return sum(
            consumer.get_watermark_offsets(TopicPartition(topology.name(spec.role), p), timeout=10)[1]
            for spec in SPECS
            if spec.internal
            for p in range(topology.partitions_of(spec.role))
        )
    finally:
        consumer.close()


def seed_results(settings: Settings, tmp_path: Path) -> dict[str, list[str]]:
    """The seeds replayed through one fetch and one stream worker: each seed's problems against
    expected.json."""
    topology = Topology.from_settings(settings)
    with running_workers(settings, tmp_path) as workers:
        done = replay([SEEDS_DIR], settings, timeout_s=240, health_check=workers.check)
    assert (done.documents, done.articles, done.dead_letters) == (5, 5, 0)
    enriched = read_topic(settings, topology.name("enriched"), EnrichedArticle, count=5)
    return {
        Path(e.article.source).name: check_result(Path(e.article.source).name, e.model_dump(mode="json"))
        for e in enriched
    }


def test_one_stream_worker_makes_its_internal_hops_itself_with_the_results_of_the_hops_through_the_broker(
    settings: Settings, tmp_path: Path
) -> None:
    in_process = seed_results(settings, tmp_path / "in-process")
    through = settings.model_copy(update={"stream_local_hops": False, "topic_prefix": f"k{uuid.uuid4().hex[:10]}."})
    ensure_topics(through, Topology.from_settings(through))
    via_broker = seed_results(through, tmp_path / "through-the-broker")

    assert sorted(in_process) == sorted(via_broker) == sorted(EXPECTED)
    assert not any(in_process.values()), in_process
    assert not any(via_broker.values()), via_broker
    # a worker holding every partition produces nothing between its agents; without the hops, every
    # article crosses them (content hash, bands, verdict, story probe)
    assert records_on_internal_topics(settings) == 0
    assert records_on_internal_topics(through) >= 4 * 5
