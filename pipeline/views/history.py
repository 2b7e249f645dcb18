"""The series the dashboard charts: per report, each topic's produced/s, each group's lag and the
workers' counters per second, the last ``max_points`` of them. Pure."""

from __future__ import annotations

from collections import deque
from dataclasses import asdict, dataclass
from typing import Any

from pipeline.views.report import Report


@dataclass(frozen=True)
class Point:
    t: float
    produced: dict[str, float]  # topic -> records/s
    lag: dict[str, int]  # group -> records to read
    rates: dict[str, float]  # counter name -> per second


def point_of(report: Report) -> Point:
    return Point(
        t=report.taken_at,
        produced={row.topic: row.produced_per_s for row in report.topics if row.produced_per_s is not None},
        lag={row.group: row.lag for row in report.groups},
        rates={row.name: row.per_s for row in report.counts if row.per_s is not None},
    )


class History:
    def __init__(self, max_points: int = 300) -> None:
        self.points: deque[Point] = deque(maxlen=max_points)

    def add(self, report: Report) -> None:
        if report.kafka_error is None:
            self.points.append(point_of(report))

    def as_json(self) -> list[dict[str, Any]]:
        return [asdict(p) for p in self.points]
