"""The deployment files parse and name only metrics the code declares."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from prometheus_client import REGISTRY

import pipeline.metrics  # noqa: F401  (declares the metrics)

ROOT = Path(__file__).resolve().parents[2]


def _compose() -> list[str] | None:
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    if shutil.which("docker"):
        probe = subprocess.run(["docker", "compose", "version"], capture_output=True, check=False)
        if probe.returncode == 0:
            return ["docker", "compose"]
    return None


@pytest.mark.skipif(_compose() is None, reason="no docker compose client on this machine")
def test_docker_compose_file_is_valid() -> None:
    command = _compose()
    assert command is not None
    result = subprocess.run(
        [*command, "-f", str(ROOT / "docker-compose.yml"), "config"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    for service in ("kafka", "topics", "scheduler", "fetch", "stream", "prometheus", "grafana"):
        assert f"  {service}:" in result.stdout


def test_dashboard_queries_name_declared_metrics() -> None:
    suffixes = {"counter": ("_total",), "histogram": ("_bucket", "_sum", "_count")}
    declared = {m.name + s for m in REGISTRY.collect() for s in suffixes.get(m.type, ("",))}
    dashboard = json.loads((ROOT / "deploy/grafana/dashboards/news-ingest.json").read_text())
    used = {
        name for panel in dashboard["panels"] for t in panel["targets"] for name in re.findall(r"news_\w+", t["expr"])
    }
    assert used, "the dashboard queries no metric"
    assert used <= declared, f"undeclared metrics on the dashboard: {sorted(used - declared)}"


@pytest.mark.skipif(shutil.which("promtool") is None, reason="needs promtool (it comes with the prometheus server)")
def test_prometheus_config_and_alerts_are_valid_and_fire_when_they_should() -> None:
    config = subprocess.run(
        ["promtool", "check", "config", str(ROOT / "deploy/prometheus/prometheus.yml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert config.returncode == 0, config.stdout + config.stderr
    fixtures = ROOT / "tests/fixtures/prometheus"
    tests = subprocess.run(
        ["promtool", "test", "rules", "alerts_test.yml"], cwd=fixtures, capture_output=True, text=True, check=False
    )
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert "SUCCESS" in tests.stdout


def test_alerts_name_declared_metrics() -> None:
    suffixes = {"counter": ("_total",), "histogram": ("_bucket", "_sum", "_count")}
    declared = {m.name + s for m in REGISTRY.collect() for s in suffixes.get(m.type, ("",))}
    used = set(re.findall(r"news_\w+", (ROOT / "deploy/prometheus/alerts.yml").read_text()))
    assert used and used <= declared, f"undeclared metrics in the alerts: {sorted(used - declared)}"
