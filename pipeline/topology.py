"""Every topic of the pipeline, declared once: name, partitions, retention, key, payload.

Nothing else spells a topic name; code asks a ``Topology`` for it by role.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pipeline import models
from pipeline.config import DEFAULT_MAX_DOCUMENT_BYTES, Settings, message_limit
from pipeline.dedup.messages import BandProbe, DecideMessage
from pipeline.fetch.source_state import SourceState
from pipeline.stories.messages import StoryProbe

DAY_MS = 24 * 60 * 60 * 1000
Partition = tuple[str, int]  # a topic's name and a partition number

Role = Literal[
    "fetch",
    "fetch_retry",
    "fetch_seen",
    "fetch_sources",
    "captures",
    "boilerplate",
    "articles",
    "dedup_keyed",
    "dedup_bands",
    "dedup_decide",
    "unique",
    "duplicates",
    "enriched",
    "claims",
    "stories_in",
    "stories",
    "claim_updates",
    "deadletter",
]
Output = tuple[Role, str, models.Contract]  # a payload for the topic of a role, with its key


@dataclass(frozen=True)
class TopicSpec:
    role: Role
    name: str
    model: type[models.Contract]
    key: str
    retention_ms: int = 7 * DAY_MS
    compacted: bool = False
    description: str = ""
    # what one input partition's batch sends to one of its partitions travels as one record, a
    # JSON array of the payloads (the stream's own hops of many small messages)
    batched: bool = False
    # read by no one but the stream's own agents: a worker that holds the partition a message is
    # for handles it in the batch that sent it, within the same transaction, and produces nothing
    # (``Settings.stream_local_hops``)
    internal: bool = False

    def config(self) -> dict[str, str]:
        policy = "compact,delete" if self.compacted else "delete"
        return {"cleanup.policy": policy, "retention.ms": str(self.retention_ms)}


SPECS: tuple[TopicSpec, ...] = (
    TopicSpec("fetch", "news.fetch", models.FetchRequest, "host", description="URLs to fetch"),
    TopicSpec(
        "fetch_retry",
        "news.fetch.retry",
        models.FetchRequest,
        "host",
        description="fetches to try again once their not_before has passed",
    ),
    TopicSpec(
        "fetch_seen",
        "news.fetch.seen",
        models.FetchRequest,
        "request_id",
        90 * DAY_MS,
        compacted=True,
        description="every URL scheduled, by canonical URL: not fetched again within the window",
    ),
    TopicSpec(
        "fetch_sources",
        "news.fetch.sources",
        SourceState,
        "source URL",
        90 * DAY_MS,
        compacted=True,
        description="the scheduler's validators, interval and last poll of each source, read back when it starts",
    ),
    TopicSpec("captures", "news.captures", models.Capture, "capture_id", description="replayed documents"),
    TopicSpec(
        "boilerplate",
        "news.extract.boilerplate",
        models.BoilerplateCount,
        "site and article (all of a site's records on its site's partition)",
        30 * DAY_MS,
        compacted=True,
        description="the articles the fetch workers' site boilerplate memory counted, read back when a worker starts",
    ),
    TopicSpec("articles", "news.articles", models.Article, "article_id", 30 * DAY_MS, description="clean articles"),
    TopicSpec(
        "dedup_keyed",
        "news.articles.by-content",
        models.Article,
        "content_hash",
        1 * DAY_MS,
        description="articles repartitioned by content hash so exact duplicates meet",
        internal=True,
    ),
    TopicSpec(
        "dedup_bands",
        "news.articles.by-band",
        BandProbe,
        "band key",
        1 * DAY_MS,
        description="an article's LSH bands, one message per partition they fall on, so near-duplicate candidates meet",
        batched=True,
        internal=True,
    ),
    TopicSpec(
        "dedup_decide",
        "news.articles.dedup-decide",
        DecideMessage,
        "article_id",
        1 * DAY_MS,
        description="an article and the candidates of its bands, collected before the near-duplicate verdict",
        batched=True,
        internal=True,
    ),
    TopicSpec("unique", "news.articles.unique", models.UniqueArticle, "article_id", 1 * DAY_MS),
    TopicSpec("duplicates", "news.duplicates", models.DedupVerdict, "article_id", 30 * DAY_MS),
    TopicSpec("enriched", "news.articles.enriched", models.EnrichedArticle, "article_id", 30 * DAY_MS, compacted=True),
    TopicSpec("claims", "news.claims", models.Claim, "claim_id", 30 * DAY_MS, compacted=True),
    TopicSpec(
        "stories_in",
        "news.stories.in",
        StoryProbe,
        "story shard",
        1 * DAY_MS,
        description="what story grouping reads of each enriched article, under one key, so every article "
        "meets every open story in one table",
        batched=True,
        internal=True,
    ),
    TopicSpec("stories", "news.stories", models.StoryAssignment, "article_id", 30 * DAY_MS, compacted=True),
    TopicSpec(
        "claim_updates",
        "news.claims.updates",
        models.ClaimUpdate,
        "proposition_id",
        30 * DAY_MS,
        description="a later claim changed the stance on a proposition of a story",
    ),
    TopicSpec("deadletter", "news.deadletter", models.DeadLetter, "trace_id", 30 * DAY_MS),
)
_BY_ROLE: dict[Role, TopicSpec] = {spec.role: spec for spec in SPECS}


def batched(role: Role) -> bool:
    """Whether the records of the role's topic may carry several payloads (see ``TopicSpec``)."""
    return _BY_ROLE[role].batched


@dataclass(frozen=True)
class Topology:
    """The topics of one deployment: the declared specs under a prefix and partition count, each
    topic taking messages up to the deployment's message limit."""

    prefix: str = ""
    partitions: int = 6
    max_message_bytes: int = message_limit(DEFAULT_MAX_DOCUMENT_BYTES)

    @classmethod
    def from_settings(cls, settings: Settings) -> Topology:
        return cls(
            prefix=settings.topic_prefix, partitions=settings.partitions, max_message_bytes=settings.max_message_bytes
        )

    def spec(self, role: Role) -> TopicSpec:
        return _BY_ROLE[role]

    def name(self, role: Role) -> str:
        return self.prefix + self.spec(role).name

    def partitions_of(self, role: Role) -> int:
        return self.partitions

    def config(self, role: Role) -> dict[str, str]:
        """The settings a topic of this role is created with."""
        return {**self.spec(role).config(), **self.size_config()}

    def size_config(self) -> dict[str, str]:
        """What lets a topic take the largest message (the stream tables' changelogs take it too)."""
        return {"max.message.bytes": str(self.max_message_bytes)}

    def all(self) -> list[tuple[str, int, TopicSpec]]:
        return [(self.prefix + s.name, self.partitions, s) for s in SPECS]
