"""The results topics' payloads as table rows: pure functions, no database in sight.

Each table is declared once (columns, key, which columns hold JSON, what a second write of a key
does); ``rows_of`` turns one decoded payload into the rows it stands for.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pipeline.models import Claim, ClaimUpdate, Contract, DedupVerdict, EnrichedArticle, StoryAssignment
from pipeline.topology import Role

TableName = Literal["articles", "dedup_verdicts", "claims", "story_assignments", "claim_updates"]

# The roles of the topics the sink reads, in the order their tables are written.
SINK_ROLES: tuple[Role, ...] = ("enriched", "duplicates", "claims", "stories", "claim_updates")


@dataclass(frozen=True)
class TableSpec:
    name: TableName
    columns: tuple[str, ...]
    key: tuple[str, ...]
    json_columns: frozenset[str] = frozenset()
    # a later version of a key replaces the row (an article whose text was updated); else the first stays
    replace: bool = False


TABLES: dict[TableName, TableSpec] = {
    spec.name: spec
    for spec in (
        TableSpec(
            "articles",
            (
                "article_id",
                "trace_id",
                "source",
                "url",
                "title",
                "author",
                "site",
                "language",
                "published",
                "published_at",
                "date_precision",
                "date_source",
                "extractor",
                "extracted_at",
                "claims",
                "errors",
                "text",
                "payload",
            ),
            ("article_id",),
            frozenset({"errors", "payload"}),
            replace=True,
        ),
        TableSpec(
            "dedup_verdicts",
            ("article_id", "trace_id", "verdict", "source", "duplicate_of", "similarity", "method", "decided_at"),
            ("article_id", "trace_id", "verdict"),
        ),
        TableSpec(
            "claims",
            (
                "claim_id",
                "article_id",
                "speaker",
                "speaker_role",
                "speaker_kind",
                "via",
                "cue",
                "text",
                "quote",
                "modality",
                "polarity",
                "stated_at",
                "stated_precision",
                "event_at",
                "checkworthiness",
                "entities",
                "payload",
            ),
            ("claim_id",),
            frozenset({"payload"}),
        ),
        TableSpec(
            "story_assignments",
            ("article_id", "trace_id", "story_id", "opened", "score", "updates", "errors"),
            ("article_id",),
            frozenset({"errors"}),
        ),
        TableSpec(
            "claim_updates",
            (
                "update_id",
                "story_id",
                "proposition_id",
                "claim_id",
                "changed",
                "points",
                "stances",
                "changes",
                "timeline",
            ),
            ("update_id",),
            frozenset({"changes", "timeline"}),
        ),
    )
}


@dataclass(frozen=True)
class Row:
    table: TableName
    values: dict[str, Any]

    @property
    def key(self) -> tuple[Any, ...]:
        return tuple(self.values[column] for column in TABLES[self.table].key)


def _json(payload: Contract) -> dict[str, Any]:
    return payload.model_dump(mode="json")


def verdict_row(verdict: DedupVerdict) -> Row:
    return Row("dedup_verdicts", verdict.model_dump(exclude={"schema_version"}))


def article_rows(done: EnrichedArticle) -> list[Row]:
    """An enriched article: its article row and its dedup verdict (unique or update)."""
    article, stamp = done.article, done.datestamp
    values = {
        **article.model_dump(include={"article_id", "trace_id", "source", "url", "title", "author", "site"}),
        "language": article.language,
        "published": stamp.published,
        "published_at": stamp.published_at,
        "date_precision": stamp.precision,
        "date_source": stamp.source,
        "extractor": article.extractor,
        "extracted_at": article.extracted_at,
        "claims": len(done.claims),
        "errors": [_json(e) for e in done.errors],
        "text": article.text,
        "payload": _json(done),
    }
    return [Row("articles", values), verdict_row(done.dedup)]


def claim_row(claim: Claim) -> Row:
    values = claim.model_dump(
        include={"claim_id", "article_id", "cue", "text", "quote", "modality", "polarity", "stated_at"}
        | {"stated_precision", "event_at", "checkworthiness"}
    )
    values |= {
        "speaker": claim.speaker.name,
        "speaker_role": claim.speaker.role,
        "speaker_kind": claim.speaker.kind,
        "via": list(claim.via),
        "entities": list(claim.entities),
        "payload": _json(claim),
    }
    return Row("claims", values)


def story_row(assignment: StoryAssignment) -> Row:
    values = assignment.model_dump(exclude={"schema_version", "errors"})
    return Row("story_assignments", values | {"errors": [_json(e) for e in assignment.errors]})


def update_row(update: ClaimUpdate) -> Row:
    values = update.model_dump(include={"update_id", "story_id", "proposition_id", "claim_id", "changed"})
    values |= {
        "points": len(update.timeline),
        "stances": [p.polarity for p in update.changes],
        "changes": [_json(p) for p in update.changes],
        "timeline": [_json(p) for p in update.timeline],
    }
    return Row("claim_updates", values)


def rows_of(payload: Contract) -> list[Row]:
    """The rows one payload of a results topic stands for."""
    if isinstance(payload, EnrichedArticle):
        return article_rows(payload)
    if isinstance(payload, DedupVerdict):
        return [verdict_row(payload)]
    if isinstance(payload, Claim):
        return [claim_row(payload)]
    if isinstance(payload, StoryAssignment):
        return [story_row(payload)]
    if isinstance(payload, ClaimUpdate):
        return [update_row(payload)]
    raise TypeError(f"the sink has no table for {type(payload).__name__}")
