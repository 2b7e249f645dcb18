"""The stream reads only what a transaction committed: an article a fetch worker's aborted
transaction wrote never reaches dedup, while the next committed one on the same partition does."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pipeline.codec import encode
from pipeline.config import Settings
from pipeline.extract.normalize import content_hash
from pipeline.kafka import clients
from pipeline.models import Article, DedupVerdict, EnrichedArticle, stable_id
from pipeline.runner import running_workers
from pipeline.topology import Topology
from tests.articles import follow, lead
from tests.integration.conftest import read_topic

pytestmark = pytest.mark.integration


def article(n: int) -> Article:
    text = f"{lead(n)}\n\n{follow(n)}"
    return Article(
        article_id=stable_id("content", content_hash(text)),
        trace_id=f"trace-{n}",
        source=f"test-{n}",
        text=text,
        content_hash=content_hash(text),
        extractor="text-capture",
        extracted_at=datetime.now(UTC),
    )


def test_an_aborted_article_never_reaches_dedup(settings: Settings, tmp_path: Path) -> None:
    topology = Topology.from_settings(settings)
    topic = topology.name("articles")
    aborted, committed = article(0), article(1)
    producer = clients.producer(settings, **{"transactional.id": f"test-{uuid.uuid4().hex}"})
    producer.init_transactions(30)
    with running_workers(settings, tmp_path / "logs"):
        producer.begin_transaction()
        producer.produce(topic, key=aborted.article_id.encode(), value=encode(aborted), partition=0)
        producer.flush(30)
        producer.abort_transaction(30)
        producer.begin_transaction()
        producer.produce(topic, key=committed.article_id.encode(), value=encode(committed), partition=0)
        producer.commit_transaction(30)
        read_topic(settings, topology.name("enriched"), EnrichedArticle, count=1, timeout_s=180)
        enriched = read_topic(settings, topology.name("enriched"), EnrichedArticle, count=2, timeout_s=5)
    assert [e.article.trace_id for e in enriched] == [committed.trace_id]
    verdicts = read_topic(settings, topology.name("duplicates"), DedupVerdict, count=1, timeout_s=3)
    assert verdicts == []
