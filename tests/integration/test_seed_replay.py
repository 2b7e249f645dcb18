"""The seed corpus through the real broker, a fetch worker and a stream worker."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import Settings
from pipeline.models import Claim, EnrichedArticle
from pipeline.replay import replay
from pipeline.runner import running_workers
from pipeline.topology import Topology
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
