"""Every topic of the pipeline, declared once: name, partitions, retention, key, payload.

Nothing else spells a topic name; code asks a ``Topology`` for it by role.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pipeline import models
from pipeline.config import Settings

DAY_MS = 24 * 60 * 60 * 1000

Role = Literal[
    "fetch",
    "captures",
    "articles",
    "dedup_keyed",
    "unique",
    "dated",
    "duplicates",
    "enriched",
    "claims",
    "deadletter",
]


@dataclass(frozen=True)
class TopicSpec:
    role: Role
    name: str
    model: type[models.Contract]
    key: str
    retention_ms: int = 7 * DAY_MS
    compacted: bool = False
    partitioned: bool = True
    description: str = ""

    def config(self) -> dict[str, str]:
        policy = "compact,delete" if self.compacted else "delete"
        return {"cleanup.policy": policy, "retention.ms": str(self.retention_ms)}


SPECS: tuple[TopicSpec, ...] = (
    TopicSpec("fetch", "news.fetch", models.FetchRequest, "host", description="URLs to fetch"),
    TopicSpec("captures", "news.captures", models.Capture, "capture_id", description="replayed documents"),
    TopicSpec("articles", "news.articles", models.Article, "article_id", 30 * DAY_MS, description="clean articles"),
    TopicSpec(
        "dedup_keyed",
        "news.articles.by-content",
        models.Article,
        "content_hash",
        1 * DAY_MS,
        description="articles repartitioned by content hash so exact duplicates meet",
    ),
    TopicSpec("unique", "news.articles.unique", models.UniqueArticle, "article_id", 1 * DAY_MS),
    TopicSpec("dated", "news.articles.dated", models.DatedArticle, "article_id", 1 * DAY_MS),
    TopicSpec("duplicates", "news.duplicates", models.DedupVerdict, "article_id", 30 * DAY_MS),
    TopicSpec("enriched", "news.articles.enriched", models.EnrichedArticle, "article_id", 30 * DAY_MS, compacted=True),
    TopicSpec("claims", "news.claims", models.Claim, "claim_id", 30 * DAY_MS, compacted=True),
    TopicSpec("deadletter", "news.deadletter", models.DeadLetter, "trace_id", 30 * DAY_MS),
)


@dataclass(frozen=True)
class Topology:
    """The topics of one deployment: the declared specs under a prefix and partition count."""

    prefix: str = ""
    partitions: int = 6

    @classmethod
    def from_settings(cls, settings: Settings) -> Topology:
        return cls(prefix=settings.topic_prefix, partitions=settings.partitions)

    def spec(self, role: Role) -> TopicSpec:
        for spec in SPECS:
            if spec.role == role:
                return spec
        raise KeyError(role)

    def name(self, role: Role) -> str:
        return self.prefix + self.spec(role).name

    def partitions_of(self, role: Role) -> int:
        return self.partitions if self.spec(role).partitioned else 1

    def all(self) -> list[tuple[str, int, TopicSpec]]:
        return [(self.prefix + s.name, self.partitions_of(s.role), s) for s in SPECS]
