"""``news-ingest process``: the stage chain over files, in process, with dicts for its stores."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from pipeline.chain import Chain, Stores
from pipeline.config import Settings
from pipeline.documents import read_all
from pipeline.models import DeadLetter, ProcessResult


def process_paths(paths: Iterable[Path], settings: Settings | None = None) -> Iterator[ProcessResult]:
    """One result per document, in file order; the state of every step lives for the whole run."""
    settings = settings or Settings()
    chain, stores = Chain.from_settings(settings), Stores()
    for item in read_all(paths, max_bytes=settings.max_document_bytes):
        if isinstance(item, DeadLetter):
            yield ProcessResult.failed(item)
        else:
            yield chain.run(item, stores, now=datetime.now(UTC))
