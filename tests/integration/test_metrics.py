"""The workers' metrics as a real Prometheus scrapes them, during a replay of the seeds: each worker
exports its own stages only, every stage's latency has samples, and promtool finds nothing to fix."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

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


FETCH_STAGES = {"fetch", "extract"}
STREAM_STAGES = {"dedup-route", "dedup-exact", "dedup-band", "dedup-decide", "enrich", "stories-funnel", "stories"}
DEDUP_TABLES = {"dedup-urls", "dedup-content-hashes", "dedup-bands", "dedup-pending"}


def exposition(port: int) -> str:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
    except httpx.HTTPError:
        return ""


def samples(text: str, name: str, label: str) -> dict[str, float]:
    return {
        s.labels[label]: s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
        if s.name == name
    }


def families(text: str) -> set[str]:
    return {family.name for family in text_string_to_metric_families(text) if family.name.startswith("news_")}


def test_prometheus_sees_every_stage_count_the_seed_replay(
    metrics_settings: Settings, prometheus: str, tmp_path: Path
) -> None:
    fetch_port, stream_port = metrics_settings.metrics_port, metrics_settings.metrics_port + 1
    with running_workers(metrics_settings, tmp_path / "logs") as workers:
        wait_for(lambda: exposition(stream_port) != "", timeout_s=60, what="the stream worker's /metrics")
        before = samples(exposition(stream_port), "news_dedup_table_entries", "table")
        assert before == dict.fromkeys(DEDUP_TABLES, 0.0), "the dedup tables are sampled from the start"
        summary = replay([SEEDS_DIR], metrics_settings, timeout_s=240, health_check=workers.check)
        fetch_text, stream_text = exposition(fetch_port), exposition(stream_port)
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
            # one worker holds every partition: it makes every hop between its agents itself
            "count(news_stream_local_hops_total > 0)": 4,
        }
        for expr, value in expected.items():
            wait_for(lambda e=expr, v=value: query(prometheus, e) == v, timeout_s=60, what=f"{expr} == {value}")
    assert summary.claims > 0

    for text, stages in ((fetch_text, FETCH_STAGES), (stream_text, STREAM_STAGES)):
        counts = samples(text, "news_stage_seconds_count", "stage")
        assert set(counts) == stages and all(counts[stage] > 0 for stage in stages), counts
    assert samples(stream_text, "news_dedup_table_entries", "table")["dedup-urls"] == 5
    fetch_only = {"news_fetch_messages", "news_extract_articles", "news_extract_boilerplate_fallbacks"}
    assert fetch_only <= families(fetch_text) and not fetch_only & families(stream_text)
    stream_only = {"news_claims_claims", "news_dedup_verdicts", "news_stream_backlog_messages"}
    assert stream_only <= families(stream_text) and not stream_only & families(fetch_text)
    for text in (fetch_text, stream_text):
        lint = subprocess.run(["promtool", "check", "metrics"], input=text, capture_output=True, text=True, check=False)
        assert (lint.returncode, lint.stdout + lint.stderr) == (0, ""), lint.stdout + lint.stderr
