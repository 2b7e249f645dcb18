"""A stream worker forgets dedup state older than the window without waiting for its keys to be
touched again, and the seeds replayed after the window are new articles, not duplicates."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from pipeline.config import Settings
from pipeline.replay import replay
from pipeline.runner import running_workers
from tests.integration.conftest import free_port_pair, wait_for
from tests.seeds import SEEDS_DIR

pytestmark = pytest.mark.integration
TABLES = ("dedup-urls", "dedup-content-hashes", "dedup-bands")


def samples(port: int, name: str) -> dict[str, float]:
    """One metric of a worker's /metrics, by its table label."""
    try:
        text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
    except httpx.HTTPError:
        return {}
    return {
        s.labels["table"]: s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
        if s.name == name
    }


def test_state_older_than_the_window_is_swept_and_forgotten(settings: Settings, tmp_path: Path) -> None:
    window_s = 4.0
    port = free_port_pair()
    settings = settings.model_copy(
        update={"dedup_window_days": window_s / 86400, "dedup_sweep_interval_s": 1.0, "metrics_port": port}
    )
    stream_port = port + 1  # the fetch worker serves on the first port, the stream worker on the next
    with running_workers(settings, tmp_path / "logs") as workers:
        first = replay([SEEDS_DIR], settings, timeout_s=240, health_check=workers.check)
        assert (first.articles, first.duplicates) == (5, 0)

        def swept() -> bool:
            workers.check()
            entries, dropped = (
                samples(stream_port, "news_dedup_table_entries"),
                samples(stream_port, "news_dedup_swept_total"),
            )
            return all(entries.get(t) == 0 and dropped.get(t, 0) >= 5 for t in TABLES)

        wait_for(swept, timeout_s=90, what="every dedup table swept empty")
        again = replay([SEEDS_DIR], settings, timeout_s=240, health_check=workers.check)
    assert (again.articles, again.duplicates) == (5, 0)
