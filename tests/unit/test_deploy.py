"""The deployment files parse, agree with the code (message limit, shared settings, data on its
volume, the demo's corpus in the image) and name only metrics the code declares."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from pipeline.config import Settings
from pipeline.metrics import ALL

ROOT = Path(__file__).resolve().parents[2]
PIPELINE_IMAGE = "news-ingest:latest"


def _compose_file() -> dict[str, Any]:
    """docker-compose.yml as compose reads it (YAML merge keys resolved), without a compose client."""
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return loaded


def _pipeline_services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {name: s for name, s in compose["services"].items() if s.get("image") == PIPELINE_IMAGE}


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
    for service in ("kafka", "topics", "scheduler", "fetch", "stream", "postgres", "sink", "prometheus", "grafana"):
        assert f"  {service}:" in result.stdout


def test_kafka_keeps_its_data_on_its_volume() -> None:
    kafka = _compose_file()["services"]["kafka"]
    mounts = dict(volume.split(":")[:2] for volume in kafka["volumes"])
    assert mounts == {"kafka-data": kafka["environment"]["KAFKA_LOG_DIRS"]}


def test_the_sink_writes_to_the_compose_database_once_it_is_up() -> None:
    services = _compose_file()["services"]
    postgres, sink = services["postgres"], services["sink"]
    assert sink["command"] == ["sink", "postgres"]
    assert sink["environment"]["NEWS_INGEST_POSTGRES_DSN"].endswith(
        f"@postgres:5432/{postgres['environment']['POSTGRES_DB']}"
    )
    assert sink["depends_on"]["postgres"] == {"condition": "service_healthy"}
    assert sink["depends_on"]["topics"] == {"condition": "service_completed_successfully"}
    assert postgres["volumes"] == ["postgres-data:/var/lib/postgresql/data"]


def test_every_pipeline_service_has_the_shared_environment() -> None:
    compose = _compose_file()
    shared = compose["x-pipeline-environment"]
    services = _pipeline_services(compose)
    assert set(services) >= {"topics", "scheduler", "fetch", "stream", "sink"}
    for name, service in services.items():
        missing = {k: v for k, v in shared.items() if service["environment"].get(k) != v}
        assert not missing, f"{name} lacks the shared {missing}"
    assert services["scheduler"]["environment"]["NEWS_INGEST_SOURCES_FILE"] == "/config/sources.yaml"


def test_the_compose_broker_takes_the_message_limit_of_the_pipeline_services() -> None:
    compose = _compose_file()
    document_limit = int(compose["x-pipeline-environment"]["NEWS_INGEST_MAX_DOCUMENT_BYTES"])
    limit = Settings(max_document_bytes=document_limit).max_message_bytes
    broker = compose["services"]["kafka"]["environment"]
    assert int(broker["KAFKA_MESSAGE_MAX_BYTES"]) == int(broker["KAFKA_REPLICA_FETCH_MAX_BYTES"]) == limit


def test_the_local_broker_template_takes_the_message_limit() -> None:
    template = (ROOT / "deploy/kafka/server.properties").read_text()
    assert "message.max.bytes={max_message_bytes}" in template.splitlines()
    assert "replica.fetch.max.bytes={max_message_bytes}" in template.splitlines()


def _dockerfile() -> tuple[dict[str, str], dict[str, str]]:
    """The image's COPY sources by destination (relative to WORKDIR) and its ENV."""
    copies, env = {}, {}
    for line in (ROOT / "deploy/Dockerfile").read_text().replace("\\\n", " ").splitlines():
        words = line.split()
        if words[:1] == ["COPY"]:
            *sources, destination = words[1:]
            copies.update({source: destination for source in sources})
        elif words[:1] == ["ENV"]:
            env.update(word.split("=", 1) for word in words[1:])
    return copies, env


def test_the_image_has_the_demo_corpus_where_its_settings_say() -> None:
    copies, env = _dockerfile()
    workdir = re.search(r"^WORKDIR (\S+)$", (ROOT / "deploy/Dockerfile").read_text(), re.M)
    assert workdir is not None
    assert env["NEWS_INGEST_DEMO_CORPUS"] == str(Path(workdir.group(1)) / copies["tests/fixtures/seeds"])


def test_the_build_context_is_what_the_image_copies() -> None:
    patterns = [p for p in (ROOT / ".dockerignore").read_text().splitlines() if p and not p.startswith("#")]
    assert patterns[0] == "*", "everything is left out unless named"
    included = {p[1:] for p in patterns if p.startswith("!")}
    copies, _ = _dockerfile()
    assert set(copies) <= included
    assert not any(p.startswith((".venv", ".git", "bench")) or p in ("tests", "tests/") for p in included)
    last_included = max(i for i, p in enumerate(patterns) if p.startswith("!"))
    assert {"**/__pycache__", "**/*.py[co]"} <= set(patterns[last_included:]), "caches stay out of what is named"


def test_dashboard_queries_name_declared_metrics() -> None:
    suffixes = {"counter": ("_total",), "histogram": ("_bucket", "_sum", "_count")}
    declared = {m.name + s for metric in ALL for m in metric.describe() for s in suffixes.get(m.type, ("",))}
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
    declared = {m.name + s for metric in ALL for m in metric.describe() for s in suffixes.get(m.type, ("",))}
    used = set(re.findall(r"news_\w+", (ROOT / "deploy/prometheus/alerts.yml").read_text()))
    assert used and used <= declared, f"undeclared metrics in the alerts: {sorted(used - declared)}"


def test_prometheus_finds_every_scaled_worker_by_dns() -> None:
    config = yaml.safe_load((ROOT / "deploy/prometheus/prometheus.yml").read_text())
    compose = _compose_file()
    port = int(compose["x-pipeline-environment"]["NEWS_INGEST_METRICS_PORT"])
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    assert set(jobs) == {"news-ingest-fetch", "news-ingest-stream", "news-ingest-sink"}
    for job in jobs.values():
        assert "static_configs" not in job, "a static target sees one container of a scaled service"
        (discovery,) = job["dns_sd_configs"]
        (service,) = discovery["names"]
        assert service in _pipeline_services(compose)
        assert (discovery["type"], discovery["port"]) == ("A", port)
