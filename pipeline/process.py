"""The whole pipeline on one document, in process: the code every stage's shell wraps."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from pipeline import dedup
from pipeline.claims import find_claims
from pipeline.datestamp import stamp
from pipeline.documents import read_all
from pipeline.extract import ExtractError, extract
from pipeline.models import Capture, DeadLetter, ProcessResult


def process_capture(capture: Capture, seen: dedup.DedupStores, *, now: datetime) -> ProcessResult:
    try:
        article = extract(capture, now=now)
    except ExtractError as exc:
        letter = DeadLetter.create(
            trace_id=capture.capture_id, stage="extract", source=capture.source, reason=exc.reason, failed_at=now
        )
        return ProcessResult.failed(letter)
    verdict = dedup.judge(article, seen, now=now)
    if verdict.verdict not in ("unique", "update"):
        return ProcessResult(source=capture.source, article=article, dedup=verdict, datestamp=None, claims=())
    datestamp = stamp(article, ingested_at=now)
    claims = tuple(find_claims(article, datestamp))
    return ProcessResult(source=capture.source, article=article, dedup=verdict, datestamp=datestamp, claims=claims)


def process_paths(paths: Iterable[Path], *, max_bytes: int) -> Iterator[ProcessResult]:
    seen = dedup.DedupStores()
    for item in read_all(paths, max_bytes=max_bytes):
        if isinstance(item, DeadLetter):
            yield ProcessResult.failed(item)
        else:
            yield process_capture(item, seen, now=datetime.now(UTC))
