"""`news-ingest demo` as the image runs it: the package without its source tree around it, the seeds
where the image copies them, a Kafka named by KAFKA_BOOTSTRAP_SERVERS."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.broker import LocalBroker
from tests.seeds import SEEDS_DIR

pytestmark = pytest.mark.integration
PACKAGE = Path(__file__).resolve().parents[2] / "pipeline"


def test_demo_replays_the_corpus_its_setting_names_when_no_source_tree_is_there(
    broker: LocalBroker, tmp_path: Path
) -> None:
    site, app = tmp_path / "site", tmp_path / "app"
    shutil.copytree(PACKAGE, site / "pipeline", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(SEEDS_DIR, app / "seeds")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWS_INGEST_", "KAFKA_"))}
    env |= {
        "PYTHONPATH": str(site),
        "KAFKA_BOOTSTRAP_SERVERS": broker.bootstrap,
        "NEWS_INGEST_CACHE_DIR": str(tmp_path / "cache"),
        "NEWS_INGEST_SESSION_TIMEOUT_S": "6",
    }

    def demo(**extra: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "pipeline.cli", "demo"]
        return subprocess.run(command, cwd=app, env=env | extra, capture_output=True, text=True, timeout=300)

    lost = demo()
    assert lost.returncode == 2
    assert f"no demo corpus at {site / 'tests' / 'fixtures' / 'seeds'}" in " ".join(lost.stderr.split())

    found = demo(NEWS_INGEST_DEMO_CORPUS=str(app / "seeds"))
    assert found.returncode == 0, found.stderr[-3000:]
    assert "documents 5  articles 5  duplicates 0" in found.stdout
    assert "dead letters 0" in found.stdout
