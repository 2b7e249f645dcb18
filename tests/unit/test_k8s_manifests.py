"""deploy/k8s: every resource valid by the Kubernetes schemas kubernetes-validate ships and by KEDA's
ScaledObject specification (tests/keda_spec.py), offline; and in agreement with the code: the groups
and topics KEDA watches, the commands the containers run, the settings and the metrics ports."""

from __future__ import annotations

import copy
import ipaddress
import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import typer.main
import yaml

from pipeline import cli
from pipeline.config import Settings, env_name
from pipeline.fetch.worker import GROUP as FETCH_GROUP
from pipeline.kafka.clients import consumer_config
from pipeline.stream import app as stream_app
from pipeline.topology import Topology
from tests.keda_spec import scaled_object_problems

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy/k8s"
# the oldest Kubernetes these manifests are for, and the newest kubernetes-validate knows
KUBERNETES_VERSIONS = ("1.30", kubernetes_validate.latest_version())
KEDA_API = "keda.sh/v1alpha1"
# what a fetch worker reads that is work for another worker (news.fetch.retry waits for its time)
FETCH_SCALED_ROLES = ("fetch", "captures")
# the components whose commands serve /metrics, as compose's Prometheus scrapes them
SCRAPED = {"news-ingest-fetch", "news-ingest-stream", "news-ingest-sink"}


def _kustomization() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    return loaded


def _resources() -> list[dict[str, Any]]:
    """Every resource of the files the kustomization lists, as written."""
    return [doc for name in _kustomization()["resources"] for doc in yaml.safe_load_all((K8S / name).read_text())]


def _named(kind: str, resources: list[dict[str, Any]] | None = None) -> dict[str, dict[str, Any]]:
    return {r["metadata"]["name"]: r for r in (resources or _resources()) if r["kind"] == kind}


def _config_map() -> dict[str, str]:
    data: dict[str, str] = _named("ConfigMap")["news-ingest-settings"]["data"]
    return data


def _container(deployment: dict[str, Any]) -> dict[str, Any]:
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    return dict(container)


def _problems(resource: dict[str, Any], version: str) -> list[str]:
    """What makes resource invalid: by KEDA's specification for a ScaledObject, else by the
    Kubernetes schema of its kind and version (unknown fields refused)."""
    if resource["apiVersion"] == KEDA_API:
        return scaled_object_problems(resource, version)
    try:
        kubernetes_validate.validate(resource, version, strict=True)
    except kubernetes_validate.ValidationError as exc:
        return [f"{'.'.join(map(str, exc.path))}: {exc.message}"]
    return []


@pytest.fixture
def settings(monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The settings a pod reads from the ConfigMap, and nothing else."""
    for name in list(os.environ):
        if name.startswith("NEWS_INGEST_") or name == "KAFKA_BOOTSTRAP_SERVERS":
            monkeypatch.delenv(name)
    for name, value in _config_map().items():
        monkeypatch.setenv(name, value)
    return Settings()


def test_the_kustomization_lists_every_manifest_and_its_namespace_exists() -> None:
    kustomization = _kustomization()
    manifests = sorted(p.name for p in K8S.glob("*.yaml") if p.name != "kustomization.yaml")
    assert sorted(kustomization["resources"]) == manifests
    assert set(_named("Namespace")) == {kustomization["namespace"]}


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_every_resource_is_valid(version: str) -> None:
    resources = _resources()
    assert {r["kind"] for r in resources} == {"Namespace", "ConfigMap", "Deployment", "ScaledObject"}
    assert {(r["kind"], r["metadata"]["name"]): _problems(r, version) for r in resources} == {
        (r["kind"], r["metadata"]["name"]): [] for r in resources
    }


def test_a_misspelt_kubernetes_field_is_refused() -> None:
    deployment = copy.deepcopy(_named("Deployment")["news-ingest-fetch"])
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    container["readynessProbe"] = container.pop("readinessProbe")
    assert _problems(deployment, KUBERNETES_VERSIONS[0]), "an unknown container field passed"
    container["readinessProbe"] = container.pop("readynessProbe")
    container["resources"]["limits"]["memory"] = ["1Gi"]
    assert _problems(deployment, KUBERNETES_VERSIONS[0]), "a list for a quantity passed"


@pytest.mark.parametrize(
    ("path", "misspelt"),
    [
        (("spec", "maxReplicaCount"), "maxReplicas"),
        (("spec", "scaleTargetRef", "name"), "deployment"),
        (("spec", "triggers", 0, "metadata", "lagThreshold"), "lagTreshold"),
        (("spec", "triggers", 0, "metadata", "consumerGroup"), "groupId"),
        (("spec", "advanced", "horizontalPodAutoscalerConfig", "behavior", "scaleDown", "policies"), "policy"),
    ],
)
def test_a_misspelt_scaled_object_field_is_refused(path: tuple[str | int, ...], misspelt: str) -> None:
    scaled = copy.deepcopy(_named("ScaledObject")["news-ingest-fetch"])
    assert scaled_object_problems(scaled, KUBERNETES_VERSIONS[0]) == []
    *parents, field = path
    holder = scaled
    for key in parents:
        holder = holder[key]
    holder[misspelt] = holder.pop(field)
    assert scaled_object_problems(scaled, KUBERNETES_VERSIONS[0]), f"{misspelt} for {field} passed"


def _boolean_not_string(spec: dict[str, Any]) -> None:
    spec["triggers"][0]["metadata"]["limitToPartitionsWithLag"] = True  # trigger metadata are strings


def _unknown_reset_policy(spec: dict[str, Any]) -> None:
    spec["triggers"][1]["metadata"]["offsetResetPolicy"] = "oldest"


def _fewer_at_most_than_at_least(spec: dict[str, Any]) -> None:
    spec["minReplicaCount"] = spec["maxReplicaCount"] + 1


def _unknown_scaler(spec: dict[str, Any]) -> None:
    spec["triggers"][0]["type"] = "kafka-lag"


OFF_THE_SPEC = [_boolean_not_string, _unknown_reset_policy, _fewer_at_most_than_at_least, _unknown_scaler]


@pytest.mark.parametrize("mutate", OFF_THE_SPEC)
def test_a_scaled_object_value_off_the_spec_is_refused(mutate: Any) -> None:
    scaled = copy.deepcopy(_named("ScaledObject")["news-ingest-stream"])
    mutate(scaled["spec"])
    assert scaled_object_problems(scaled, KUBERNETES_VERSIONS[0]), mutate.__name__


def _triggers(name: str) -> list[dict[str, str]]:
    return [t["metadata"] for t in _named("ScaledObject")[name]["spec"]["triggers"] if t["type"] == "kafka"]


def test_keda_watches_the_groups_and_topics_the_workers_consume(settings: Settings) -> None:
    topology = Topology.from_settings(settings)
    agents, _ = stream_app.build(settings)
    expected = {
        "news-ingest-fetch": (FETCH_GROUP, {topology.name(role) for role in FETCH_SCALED_ROLES}),
        "news-ingest-stream": (settings.app_id, {topology.name(agent.source) for agent in agents}),
    }
    for name, (group, topics) in expected.items():
        consumer = consumer_config(settings, group)
        triggers = _triggers(name)
        assert {t["consumerGroup"] for t in triggers} == {consumer["group.id"]}
        assert sorted(t["topic"] for t in triggers) == sorted(topics), name
        assert {t["offsetResetPolicy"] for t in triggers} == {consumer["auto.offset.reset"]}
        assert {t["bootstrapServers"] for t in triggers} == {settings.bootstrap}


def test_no_scaled_worker_outnumbers_the_partitions_of_its_topics(settings: Settings) -> None:
    for name, scaled in _named("ScaledObject").items():
        assert scaled["spec"]["maxReplicaCount"] <= settings.partitions, f"{name}: idle consumers past the partitions"
        assert all(t.get("allowIdleConsumers", "false") == "false" for t in _triggers(name))


def test_the_bootstrap_servers_are_set_once_for_the_triggers_too() -> None:
    (replacement,) = _kustomization()["replacements"]
    assert replacement["source"] == {
        "kind": "ConfigMap",
        "name": "news-ingest-settings",
        "fieldPath": f"data.{env_name('bootstrap_servers')}",
    }
    assert replacement["targets"] == [
        {"select": {"kind": "ScaledObject"}, "fieldPaths": ["spec.triggers.*.metadata.bootstrapServers"]}
    ]


def test_keda_scales_the_deployments_that_have_no_fixed_replicas() -> None:
    deployments = _named("Deployment")
    scaled = {s["spec"]["scaleTargetRef"]["name"] for s in _named("ScaledObject").values()}
    assert scaled == {"news-ingest-fetch", "news-ingest-stream"}
    for name, deployment in deployments.items():
        assert ("replicas" in deployment["spec"]) == (name not in scaled), name
    assert deployments["news-ingest-scheduler"]["spec"]["replicas"] == 1
    assert deployments["news-ingest-scheduler"]["spec"]["strategy"] == {"type": "Recreate"}


def _command(args: list[str]) -> Any:
    """The command of the CLI that args name, its options and arguments parsed as the CLI would."""
    command: Any = typer.main.get_command(cli.app)
    words = list(args)
    while hasattr(command, "commands"):  # a group
        assert words, f"{args} names a group, not a command"
        name = words.pop(0)
        assert name in command.commands, f"{args}: no command {name!r}"
        command = command.commands[name]
    command.make_context(command.name or "", words)
    return command


def test_the_containers_run_commands_of_the_cli() -> None:
    dockerfile = (ROOT / "deploy/Dockerfile").read_text()
    assert re.search(r'^ENTRYPOINT \["news-ingest"\]$', dockerfile, re.M)
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["news-ingest"] == f"{cli.__name__}:{cli.main.__name__}"
    commands = {}
    for name, deployment in _named("Deployment").items():
        container = _container(deployment)
        assert "command" not in container, f"{name} replaces the image's entrypoint"
        assert container["image"] == "news-ingest:latest"
        commands[name] = _command(container["args"]).callback.__name__
    assert commands == {
        "news-ingest-fetch": cli.fetch.__name__,
        "news-ingest-stream": cli.worker.__name__,
        "news-ingest-sink": cli.sink_postgres.__name__,
        "news-ingest-scheduler": cli.schedule.__name__,
    }
    with pytest.raises(AssertionError, match="no command"):
        _command(["stream"])


def test_the_settings_are_valid_and_those_of_compose(settings: Settings) -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["x-pipeline-environment"]
    shared = {k for k in compose if k.startswith("NEWS_INGEST_")}
    assert shared and {k: _config_map()[k] for k in shared} == {k: compose[k] for k in shared}
    assert settings.bootstrap_servers == _config_map()[env_name("bootstrap_servers")]
    assert ipaddress.ip_address(settings.metrics_host).is_unspecified, "a scraper outside the pod reaches no loopback"
    assert settings.kafka_sasl_password is None, "a credential belongs in the Secret, not the ConfigMap"


def test_pods_that_serve_metrics_are_scraped_on_the_configured_port(settings: Settings) -> None:
    prometheus = yaml.safe_load((ROOT / "deploy/prometheus/prometheus.yml").read_text())
    assert {job["job_name"] for job in prometheus["scrape_configs"]} == SCRAPED
    ports = {d["port"] for job in prometheus["scrape_configs"] for d in job["dns_sd_configs"]}
    assert settings.metrics_port > 0 and ports == {settings.metrics_port}
    for name, deployment in _named("Deployment").items():
        annotations = deployment["spec"]["template"]["metadata"].get("annotations", {})
        container = _container(deployment)
        if name not in SCRAPED:
            assert "prometheus.io/scrape" not in annotations and "ports" not in container, name
            continue
        assert annotations == {
            "prometheus.io/scrape": "true",
            "prometheus.io/port": str(settings.metrics_port),
            "prometheus.io/path": "/metrics",
        }
        assert container["ports"] == [{"name": "metrics", "containerPort": settings.metrics_port}]
        assert container["readinessProbe"]["httpGet"] == {"path": "/metrics", "port": "metrics"}


def _quantity(value: str | int) -> float:
    """A Kubernetes CPU or memory quantity as a number (cores, bytes)."""
    text = str(value)
    units = {"m": 1e-3, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "k": 1e3, "M": 1e6, "G": 1e9}
    match = re.fullmatch(r"([0-9.]+)(m|Ki|Mi|Gi|k|M|G)?", text)
    assert match, f"not a quantity: {text}"
    return float(match.group(1)) * units.get(match.group(2) or "", 1)


def test_every_container_asks_for_resources_within_its_limits() -> None:
    assert _quantity("500m") == 0.5 and _quantity("1Gi") == 2**30
    for name, deployment in _named("Deployment").items():
        resources = _container(deployment)["resources"]
        for kind in ("cpu", "memory"):
            request, limit = resources["requests"][kind], resources["limits"][kind]
            assert 0 < _quantity(request) <= _quantity(limit), f"{name} {kind}: {request} > {limit}"


def test_credentials_come_from_secrets() -> None:
    for name, deployment in _named("Deployment").items():
        sources = _container(deployment)["envFrom"]
        assert {"configMapRef": {"name": "news-ingest-settings"}} in sources
        assert {"secretRef": {"name": "news-ingest-kafka", "optional": True}} in sources, name
    (dsn,) = _container(_named("Deployment")["news-ingest-sink"])["env"]
    assert dsn == {
        "name": env_name("postgres_dsn"),
        "valueFrom": {"secretKeyRef": {"name": "news-ingest-postgres", "key": env_name("postgres_dsn")}},
    }


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="needs kubectl (its kustomize renders the directory)")
def test_the_rendered_kustomization_is_valid() -> None:
    result = subprocess.run(["kubectl", "kustomize", str(K8S)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    rendered = list(yaml.safe_load_all(result.stdout))
    assert len(rendered) == len(_resources())
    for resource in rendered:
        assert _problems(resource, KUBERNETES_VERSIONS[0]) == [], resource["metadata"]["name"]
        if resource["kind"] != "Namespace":
            assert resource["metadata"]["namespace"] == _kustomization()["namespace"]
    scaled = _named("ScaledObject", rendered).values()
    servers = {t["metadata"]["bootstrapServers"] for s in scaled for t in s["spec"]["triggers"]}
    assert servers == {_config_map()[env_name("bootstrap_servers")]}
