"""The workers' metrics as a real Prometheus scrapes them, during a replay of the seeds."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from pipeline.config import Settings
from pipeline.replay import replay
from pipeline.runner import running_workers
from tests.integration.conftest import free_port, free_port_pair, wait_for
from tests.seeds import SEEDS_DIR

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(shutil.which("prometheus") is None, reason="needs the prometheus server binary"),
]

CONFIG = """global:
  scrape_interval: 1s
scrape_configs:
  - job_name: news-ingest
    static_configs:
      - targets: [{targets}]
"""


@pytest.fixture
def metrics_settings(settings: Settings) -> Settings:
    """Two adjacent free ports: the fetch worker serves on the first, the stream worker on the next."""
    port = free_port_pair()
    return settings.model_copy(update={"metrics_port": port, "watchdog_interval_s": 1.0})


def start_prometheus(tmp_path: Path, targets: list[str]) -> tuple[subprocess.Popen[bytes], str]:
    config = tmp_path / "prometheus.yml"
    config.write_text(CONFIG.format(targets=", ".join(f'"{t}"' for t in targets)))
    address = f"127.0.0.1:{free_port()}"
    log = (tmp_path / "prometheus.log").open("wb")
    process = subprocess.Popen(
        [
            "prometheus",
            f"--config.file={config}",
            f"--storage.tsdb.path={tmp_path / 'tsdb'}",
            f"--web.listen-address={address}",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    log.close()
    return process, f"http://{address}"


@pytest.fixture
def prometheus(tmp_path: Path, metrics_settings: Settings) -> Iterator[str]:
    port = metrics_settings.metrics_port
    process, url = start_prometheus(tmp_path, [f"127.0.0.1:{port}", f"127.0.0.1:{port + 1}"])
    yield url
    process.terminate()
    process.wait(30)


def query(url: str, expr: str) -> float | None:
    try:
        body = httpx.get(f"{url}/api/v1/query", params={"query": expr}, timeout=5).json()
    except (httpx.HTTPError, ValueError):
        return None
    result = body.get("data", {}).get("result", [])
    return float(result[0]["value"][1]) if result else None


def test_prometheus_sees_every_stage_count_the_seed_replay(
    metrics_settings: Settings, prometheus: str, tmp_path: Path
) -> None:
    with running_workers(metrics_settings, tmp_path / "logs") as workers:
        summary = replay([SEEDS_DIR], metrics_settings, timeout_s=240, health_check=workers.check)
        expected = {
            "sum(news_extract_articles_total)": 5,
            'sum(news_dedup_verdicts_total{verdict="unique"})': 5,
            "sum(news_datestamp_stamps_total)": 5,
            "sum(news_claims_articles_total)": 5,
            "sum(news_claims_claims_total)": summary.claims,
            'count(up{job="news-ingest"} == 1)': 2,
            # the stall watchdog reads every assigned partition's end offset and position: caught
            # up, nothing waits (a transaction's commit marker is no message)
            "sum(news_stream_backlog_messages)": 0,
        }
        for expr, value in expected.items():
            wait_for(lambda e=expr, v=value: query(prometheus, e) == v, timeout_s=60, what=f"{expr} == {value}")
    assert summary.claims > 0
