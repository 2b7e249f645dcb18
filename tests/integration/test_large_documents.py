"""Documents near the size limit through the real broker: one under it comes out whole, one over it is
a dead letter with its reason before Kafka sees it."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.codec import encode
from pipeline.config import Settings
from pipeline.models import EnrichedArticle
from pipeline.replay import replay
from pipeline.runner import running_workers
from pipeline.topology import Topology
from tests.integration.conftest import read_topic
from tests.large_documents import write_large_capture

pytestmark = pytest.mark.integration
MIB = 1024 * 1024


def test_a_9_mib_capture_comes_out_whole_and_an_11_mib_one_is_a_dead_letter(settings: Settings, tmp_path: Path) -> None:
    assert settings.max_document_bytes == 10 * MIB
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    nine = write_large_capture(corpus / "nine.txt", 9 * MIB)
    eleven = write_large_capture(corpus / "eleven.txt", 11 * MIB)
    assert 9 * MIB - 4096 < nine.stat().st_size <= 9 * MIB < 10 * MIB < eleven.stat().st_size

    with running_workers(settings, tmp_path / "logs") as workers:
        summary = replay([corpus], settings, timeout_s=480, health_check=workers.check)

    assert (summary.documents, summary.articles, summary.duplicates, summary.dead_letters) == (2, 1, 0, 1)
    results = {Path(r.source).name: r for r in summary.results}
    letter = results["eleven.txt"].dead_letter
    assert letter is not None and letter.stage == "read"
    assert letter.reason == "document too large"
    assert f"> limit of {settings.max_document_bytes} bytes" in (letter.detail or "")

    done = results["nine.txt"]
    assert done.dead_letter is None and done.article is not None and done.datestamp is not None
    assert len(done.article.text.encode()) > 8 * MIB, "the article's text came through whole"
    assert len(done.claims) > 1000
    enriched = read_topic(settings, Topology.from_settings(settings).name("enriched"), EnrichedArticle, count=1)
    assert [e.article.article_id for e in enriched] == [done.article.article_id]
    # Larger than any limit the clients had before (1 MB in aiokafka, 16 MiB in confluent-kafka).
    assert 16 * MIB < len(encode(enriched[0])) <= settings.max_message_bytes
