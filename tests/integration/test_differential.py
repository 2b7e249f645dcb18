"""One pipeline, two runners: the seeds forty times each (half with a paragraph more) and bad
documents, through the real broker and workers and through ``news-ingest process``: the same dead
letters, every copy an article or a counted duplicate, each article with the date, expressions and
claims process gives it, and the site boilerplate memory the fetch workers kept eats no seed.

Which copy of a seed is the one kept depends on arrival order in the stream (file order offline);
``bench/differential.py`` lists such differences document by document."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from pipeline.config import Settings
from pipeline.documents import read_capture
from pipeline.extract import extract
from pipeline.fetch import boilerplate_state
from pipeline.models import ProcessResult
from pipeline.process import process_paths
from pipeline.replay import replay
from pipeline.runner import running_workers
from pipeline.topology import Topology
from tests.copies import write_copies
from tests.seeds import SEED_FILES

pytestmark = pytest.mark.integration


def bad_documents(directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "empty.txt").write_bytes(b"")
    (directory / "binary.txt").write_bytes(bytes(range(256)) * 64)
    (directory / "latin1.txt").write_bytes("Caf\u00e9 au lait et cr\u00e8me br\u00fbl\u00e9e. ".encode("latin-1") * 40)
    (directory / "nothing.html").write_text("<html><head><title>x</title></head><body><nav>Home</nav></body></html>")


def outcome(result: ProcessResult) -> dict[str, Any]:
    """What must agree: the article id, the verdict (and what it duplicates), the date, the claims."""
    if result.dead_letter is not None:
        return {"dead_letter": result.dead_letter.reason}
    assert result.dedup is not None
    stamp = result.datestamp
    return {
        "article_id": result.dedup.article_id,
        "verdict": result.dedup.verdict,
        "duplicate_of": result.dedup.duplicate_of,
        "published": (stamp.published, stamp.source, stamp.precision) if stamp else None,
        "expressions": [(e.text, e.value) for e in stamp.expressions] if stamp else None,
        "claims": sorted(c.claim_id for c in result.claims),
        "errors": [(e.step, e.type) for e in result.errors],
    }


def test_copies_and_bad_documents_lose_nothing_agree_with_process_and_leave_the_seeds_whole(
    settings: Settings, tmp_path: Path
) -> None:
    corpus = tmp_path / "corpus"
    write_copies(corpus / "copies")
    bad_documents(corpus / "bad")
    offline = list(process_paths([corpus], settings))
    with running_workers(settings, tmp_path / "logs") as workers:
        summary = replay([corpus], settings, timeout_s=400, health_check=workers.check)

    offline_letters = {Path(r.source).name: r.dead_letter.reason for r in offline if r.dead_letter}
    stream_letters = {Path(r.source).name: r.dead_letter.reason for r in summary.results if r.dead_letter}
    assert stream_letters == offline_letters and len(stream_letters) == 4
    assert (summary.documents, summary.articles, summary.duplicates) == (204, 5, 195)
    assert summary.repeated == 0 and summary.repeated_claims == 0
    assert all(r.article is not None and r.article.text for r in offline if not r.dead_letter)
    # every unique article of the stream is one process found, with the same date, expressions and claims
    offline_by_id = {r.dedup.article_id: outcome(r) for r in offline if r.dedup and r.datestamp}
    for result in summary.results:
        if result.dedup and result.datestamp and result.dedup.article_id in offline_by_id:
            assert outcome(result) == offline_by_id[result.dedup.article_id], result.source

    # what the fetch workers learnt, read back as a new worker would: the seeds still come out whole
    memory = boilerplate_state.memory(settings, Topology.from_settings(settings))
    now = datetime.now(UTC)
    for seed in SEED_FILES:
        capture = read_capture(seed, max_bytes=settings.max_document_bytes)
        assert extract(capture, now=now, memory=memory).text == extract(capture, now=now).text, seed.name
