"""The fields of a KEDA ScaledObject as KEDA's documentation gives them (the ScaledObject
specification and the Apache Kafka scaler's trigger metadata, KEDA 2.18), and a check that a
resource uses only those: KEDA's CRDs are not among the schemas kubernetes-validate ships.

A spec is a type, a mapping of field names to specs (a field not named is an error), a one-item
list (every item has that spec), ``Required(spec)``, ``OneOf(values...)`` or ``STRINGS`` (a
mapping of names to strings, such as labels).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import kubernetes_validate


@dataclass(frozen=True)
class Required:
    spec: Any


class OneOf:
    def __init__(self, *values: str) -> None:
        self.values = values


STRINGS = object()
BOOLEAN = OneOf("true", "false")
METRIC_TYPE = OneOf("AverageValue", "Value", "Utilization")

KAFKA_METADATA: dict[str, Any] = {
    "bootstrapServers": Required(str),
    "consumerGroup": Required(str),
    "topic": str,
    "lagThreshold": str,
    "activationLagThreshold": str,
    "offsetResetPolicy": OneOf("latest", "earliest"),
    "allowIdleConsumers": BOOLEAN,
    "scaleToZeroOnInvalidOffset": BOOLEAN,
    "excludePersistentLag": BOOLEAN,
    "limitToPartitionsWithLag": BOOLEAN,
    "ensureEvenDistributionOfPartitions": BOOLEAN,
    "version": str,
    "partitionLimitation": str,
    "sasl": OneOf("plaintext", "scram_sha256", "scram_sha512", "gssapi", "oauthbearer", "none"),
    "saslTokenProvider": OneOf("bearer", "aws_msk_iam"),
    "tls": OneOf("enable", "disable"),
    "unsafeSsl": BOOLEAN,
    "awsRegion": str,
}
# the scalers this project uses, by trigger type
TRIGGER_METADATA: dict[str, dict[str, Any]] = {"kafka": KAFKA_METADATA}

SCALED_OBJECT: dict[str, Any] = {
    "apiVersion": Required(OneOf("keda.sh/v1alpha1")),
    "kind": Required(OneOf("ScaledObject")),
    "metadata": Required({"name": Required(str), "namespace": str, "labels": STRINGS, "annotations": STRINGS}),
    "spec": Required(
        {
            "scaleTargetRef": Required(
                {"apiVersion": str, "kind": str, "name": Required(str), "envSourceContainerName": str}
            ),
            "pollingInterval": int,
            "cooldownPeriod": int,
            "initialCooldownPeriod": int,
            "idleReplicaCount": int,
            "minReplicaCount": int,
            "maxReplicaCount": int,
            "fallback": {
                "failureThreshold": Required(int),
                "replicas": Required(int),
                "behavior": OneOf("static", "currentReplicas", "currentReplicasIfHigher", "currentReplicasIfLower"),
            },
            "advanced": {
                "restoreToOriginalReplicaCount": bool,
                # behavior goes to the HPA as it is: checked against the HPA's own schema
                "horizontalPodAutoscalerConfig": {"name": str, "behavior": dict},
                "scalingModifiers": {
                    "target": Required(str),
                    "activationTarget": str,
                    "metricType": OneOf("AverageValue", "Value"),
                    "formula": Required(str),
                },
            },
            "triggers": Required(
                [
                    {
                        "type": Required(str),
                        "metadata": Required(STRINGS),
                        "name": str,
                        "useCachedMetrics": bool,
                        "authenticationRef": {"name": Required(str), "kind": str},
                        "metricType": METRIC_TYPE,
                    }
                ]
            ),
        }
    ),
}


def problems(value: Any, spec: Any, path: str = "") -> list[str]:
    """Where value departs from spec, one line each; none when it conforms."""
    if isinstance(spec, Required):
        spec = spec.spec
    if spec is STRINGS:
        if not isinstance(value, dict):
            return [f"{path}: not a mapping"]
        return [f"{path}.{k}: not a string" for k, v in value.items() if not isinstance(v, str)]
    if isinstance(spec, OneOf):
        return [] if value in spec.values else [f"{path}: {value!r} is none of {spec.values}"]
    if isinstance(spec, dict):
        if not isinstance(value, dict):
            return [f"{path}: not a mapping"]
        found = [f"{path}.{k}: not in the spec" for k in value if k not in spec]
        found += [f"{path}.{k}: required" for k, s in spec.items() if isinstance(s, Required) and k not in value]
        return found + [p for k, v in value.items() if k in spec for p in problems(v, spec[k], f"{path}.{k}")]
    if isinstance(spec, list):
        if not isinstance(value, list) or not value:
            return [f"{path}: not a list of items"]
        return [p for i, item in enumerate(value) for p in problems(item, spec[0], f"{path}[{i}]")]
    if isinstance(value, bool) != (spec is bool) or not isinstance(value, spec):
        return [f"{path}: {type(value).__name__}, not {spec.__name__}"]
    return []


def scaled_object_problems(resource: dict[str, Any], kubernetes_version: str) -> list[str]:
    """The fields, values and rules of KEDA's ScaledObject specification that resource breaks."""
    found = problems(resource, SCALED_OBJECT)
    if found:
        return found
    spec = resource["spec"]
    for i, trigger in enumerate(spec["triggers"]):
        where = f".spec.triggers[{i}].metadata"
        if trigger["type"] not in TRIGGER_METADATA:
            found.append(f".spec.triggers[{i}].type: {trigger['type']!r} is not a scaler checked here")
            continue
        metadata = trigger["metadata"]
        found += problems(metadata, TRIGGER_METADATA[trigger["type"]], where)
        if metadata.get("limitToPartitionsWithLag") == "true" and (
            "topic" not in metadata or metadata.get("allowIdleConsumers") == "true"
        ):
            found.append(f"{where}: limitToPartitionsWithLag needs a topic and no allowIdleConsumers")
    low, high = spec.get("minReplicaCount", 0), spec.get("maxReplicaCount", 100)
    if low > high:
        found.append(f".spec: minReplicaCount {low} above maxReplicaCount {high}")
    if "idleReplicaCount" in spec and spec["idleReplicaCount"] >= low:
        found.append(".spec.idleReplicaCount: must be less than minReplicaCount")
    behavior = spec.get("advanced", {}).get("horizontalPodAutoscalerConfig", {}).get("behavior")
    if behavior is not None:
        found += _hpa_behavior_problems(behavior, kubernetes_version)
    return found


def _hpa_behavior_problems(behavior: dict[str, Any], kubernetes_version: str) -> list[str]:
    hpa = {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": "behavior"},
        "spec": {"scaleTargetRef": {"kind": "Deployment", "name": "x"}, "maxReplicas": 1, "behavior": behavior},
    }
    try:
        kubernetes_validate.validate(hpa, kubernetes_version, strict=True)
    except kubernetes_validate.ValidationError as exc:
        return [f".spec.advanced.horizontalPodAutoscalerConfig.behavior: {exc.message}"]
    return []
