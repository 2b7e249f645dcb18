"""A worker's /metrics page (Prometheus text format) as numbers, and sums over its samples."""

from __future__ import annotations

from collections.abc import Mapping

from prometheus_client import Counter, Gauge
from prometheus_client.parser import text_string_to_metric_families

Labels = tuple[tuple[str, str], ...]
Samples = Mapping[tuple[str, Labels], float]


def parse(text: str) -> dict[tuple[str, Labels], float]:
    """Every sample of the page, keyed by its name and its sorted labels."""
    samples: dict[tuple[str, Labels], float] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = float(sample.value)
    return samples


def sample_name(metric: Counter | Gauge) -> str:
    """The name a metric's samples carry on the page (a counter's end in ``_total``)."""
    family = next(iter(metric.describe()))
    return f"{family.name}_total" if family.type == "counter" else family.name


def total(samples: Samples, name: str, labels: Mapping[str, str] | None = None) -> float | None:
    """The sum of the samples of name whose labels include labels; None when there is none."""
    wanted = set((labels or {}).items())
    values = [value for (sample, have), value in samples.items() if sample == name and wanted <= set(have)]
    return sum(values) if values else None
