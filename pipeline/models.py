"""The contracts of every topic: frozen Pydantic v2 models, published as JSON Schema.

A breaking change is a new ``schema_version``, never an edit of an existing one. IDs are
deterministic (hashes of canonical URL, normalized content or claim content), so a replay
or a retry yields the same IDs and consumers can be idempotent.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


def stable_id(*parts: str) -> str:
    """A 16-hex-digit id derived from its parts only (never from time or randomness)."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return digest[:16]


class Contract(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Stage = Literal["read", "fetch", "extract", "dedup", "datestamp", "claims", "stories", "stream"]
Step = Literal["boilerplate", "datestamp", "date-expressions", "claims", "stories"]


class StepError(Contract):
    """An enrichment step that failed on an article: its part of the result is empty, the article goes on."""

    step: Step
    type: str = Field(description="the exception's class name")
    message: str


class FetchRequest(Contract):
    """A URL to fetch, keyed by host on ``news.fetch``."""

    schema_version: Literal[1] = 1
    request_id: str = Field(description="stable_id of the URL")
    url: str
    source: str | None = Field(None, description="the feed or sitemap the URL came from")
    feed_published: str | None = Field(None, description="publication date the feed entry gave")
    feed_author: str | None = None
    requested_at: datetime
    attempt: int = 0
    not_before: datetime | None = Field(None, description="a retry waits until then")
    last_status: int | None = Field(None, description="HTTP status of the previous attempt, if any")

    @classmethod
    def for_url(cls, url: str, requested_at: datetime, **extra: object) -> FetchRequest:
        return cls(request_id=stable_id("url", url), url=url, requested_at=requested_at, **extra)


class Capture(Contract):
    """A document captured elsewhere (a file, a WARC record, a text capture), replayed."""

    schema_version: Literal[1] = 1
    capture_id: str = Field(description="stable_id of source name and body")
    source: str = Field(description="where the document came from: a path or a URL")
    url: str | None = None
    content_type: Literal["text/html", "text/plain"]
    body: str
    captured_at: datetime | None = None


class DateHint(Contract):
    """A date the extract stage found outside the body: metadata, byline, capture header."""

    text: str
    source: Literal["metadata", "json-ld", "htmldate", "url", "feed", "byline", "capture-header", "http", "page-top"]
    role: Literal["published", "modified"] = Field(
        "published", description="what the date is: the publication date or the last update (never a publication)"
    )


class Article(Contract):
    """A clean article, keyed by ``article_id`` on ``news.articles``.

    Version 2 added the ``url`` source of a date hint (a date in the page's URL path)."""

    schema_version: Literal[1, 2] = 2
    article_id: str = Field(description="stable_id of the canonical URL, else of the content hash")
    trace_id: str = Field(description="id of the capture or fetch request it came from")
    source: str
    url: str | None = None
    title: str | None = None
    author: str | None = None
    site: str | None = None
    language: str | None = None
    text: str
    content_hash: str = Field(description="stable_id of the normalized text: equal texts, equal hashes")
    date_hints: tuple[DateHint, ...] = ()
    extractor: Literal["trafilatura", "text-capture"]
    extracted_at: datetime


class DedupVerdict(Contract):
    """What dedup decided for one article; duplicates go to ``news.duplicates``."""

    schema_version: Literal[1] = 1
    article_id: str
    trace_id: str
    source: str
    verdict: Literal["unique", "duplicate", "near-duplicate", "update"]
    duplicate_of: str | None = Field(None, description="article_id of the earlier article")
    similarity: float | None = None
    method: Literal["content-hash", "minhash", "url"] | None = None
    decided_at: datetime


Precision = Literal["minute", "day", "month", "year"]


class DateExpression(Contract):
    """A date expression in the article text, resolved against the publication date."""

    text: str
    start: int = Field(description="character offset in Article.text")
    end: int
    value: str = Field(description="ISO date, truncated to the precision: 2025-05-09, 2024-12, 2015")
    precision: Precision
    relative: bool = Field(description="resolved against the publication date rather than read as written")


DateSource = Literal[
    "metadata",
    "json-ld",
    "htmldate",
    "url",
    "feed",
    "byline",
    "capture-header",
    "page-top",
    "http",
    "inferred",
    "unknown",
]


class DateStamp(Contract):
    """When an article was published. The day is the publisher's local day: a time given with a zone
    keeps its offset as written, and is never read as a day after conversion to UTC.

    Version 2 added ``published_raw`` and ``utc_offset``, and the ``url`` source."""

    schema_version: Literal[1, 2] = 2
    article_id: str
    published_at: datetime | None = Field(
        None, description="None when the document does not say; in the offset the source gave (UTC when it gave none)"
    )
    published: str | None = Field(
        None, description="published_at truncated to its precision (ISO), in the publisher's local time"
    )
    published_raw: str | None = Field(None, description="the date as the winning source wrote it")
    utc_offset: str | None = Field(
        None, description="the offset the source gave with a time (+02:00, +00:00 for Z); None when it gave none"
    )
    precision: Precision | None = None
    source: DateSource
    confidence: float = Field(ge=0.0, le=1.0)
    modified_at: datetime | None = None
    ingested_at: datetime
    expressions: tuple[DateExpression, ...] = ()


class Speaker(Contract):
    name: str
    role: str | None = None
    kind: Literal["person", "organisation", "outlet", "article", "unknown"] = "unknown"


class Claim(Contract):
    """An attributed statement, keyed by ``claim_id`` on ``news.claims``.

    Version 2 added ``speaker_phrase``; version 1 payloads (without it) are still read."""

    schema_version: Literal[1, 2] = 2
    claim_id: str = Field(description="stable_id of article, speaker, cue and content")
    article_id: str
    speaker: Speaker
    speaker_phrase: str | None = Field(
        None, description="the speaker as the text names it ('he', 'the mayor'); speaker is who that resolves to"
    )
    via: tuple[str, ...] = Field((), description="the chain of sources the speaker cited or was cited by")
    cue: str
    text: str
    quote: str | None = None
    modality: Literal["asserted", "hedged", "negated", "future"]
    polarity: Literal["positive", "negative", "hedged"]
    stated_at: str | None = Field(None, description="ISO date (to its precision) the claim was made")
    stated_precision: Precision | None = None
    event_at: str | None = Field(None, description="ISO date of the event the claim is about")
    start: int
    end: int
    checkworthiness: float = Field(ge=0.0, le=1.0)
    entities: tuple[str, ...] = Field((), description="names in the claim content, in order")
    content_start: int | None = Field(
        None, description="where the content stands in Article.text; text is that span tidied (no leading 'that')"
    )
    content_end: int | None = None


class StoryAssignment(Contract):
    """The story thread an enriched article joined (or opened), on ``news.stories``.

    Version 2: ``story_id`` is None when the story step failed, and ``errors`` says why."""

    schema_version: Literal[1, 2] = 2
    article_id: str
    trace_id: str
    story_id: str | None = Field(description="stable_id of the article that opened the story; None if the step failed")
    opened: bool = Field(description="the article opened a new story")
    score: float = Field(ge=0.0, le=1.0, description="term overlap with the story, after time decay")
    updates: int = Field(ge=0, description="claim updates this article caused")
    errors: tuple[StepError, ...] = ()


class TimelinePoint(Contract):
    """One claim on a proposition's timeline."""

    claim_id: str
    article_id: str
    speaker: Speaker
    cue: str
    text: str
    polarity: Literal["positive", "negative", "hedged"]
    stated_at: str
    stated_precision: Precision | None = None


class ClaimUpdate(Contract):
    """A later claim changed the stance on a proposition of a story: ``news.claims.updates``."""

    schema_version: Literal[1] = 1
    update_id: str = Field(description="stable_id of the proposition and the claims on its timeline")
    story_id: str
    proposition_id: str = Field(description="stable_id of the claim that opened the proposition")
    claim_id: str = Field(description="the claim whose arrival caused this update")
    changed: bool = Field(description="the claim moved the stance changes; else it joined a thread that has some")
    changes: tuple[TimelinePoint, ...] = Field(description="the first claim of each stance, in stated_at order")
    timeline: tuple[TimelinePoint, ...] = Field(description="every claim on the proposition, in stated_at order")


class UniqueArticle(Contract):
    """An article that passed dedup, on its way to the date-stamp stage."""

    schema_version: Literal[1] = 1
    article: Article
    dedup: DedupVerdict


class EnrichedArticle(Contract):
    """The far end of the pipeline for one unique article: ``news.articles.enriched``.

    Version 2 added ``errors``; version 1 payloads (without it) are still read."""

    schema_version: Literal[1, 2] = 2
    article: Article
    dedup: DedupVerdict
    datestamp: DateStamp
    claims: tuple[Claim, ...]
    errors: tuple[StepError, ...] = Field((), description="enrichment steps that failed, whose part is empty")


class BoilerplateCount(Contract):
    """What the fetch workers' site boilerplate memory learnt, on the compacted
    ``news.extract.boilerplate`` topic.

    Version 3 is one article counted on a site, keyed by its name on the site (``Learned.key``) and
    sent to the partition of its site: its band keys and paragraph hashes, from which a reader
    counts the paragraphs as the writer did. A tombstone of an article's key clears its site.
    Versions 1 and 2 were one entry each (a paragraph's ``count``, keyed by its store key; a
    tombstone clears the entry); version 2 added ``site`` and ``text``. They are still read."""

    schema_version: Literal[1, 2, 3] = 3
    site: str | None = None
    bands: tuple[str, ...] = Field((), description="the article's LSH band keys (its identity on the site)")
    paragraphs: tuple[str, ...] = Field((), description="hashes of the article's paragraphs")
    texts: tuple[str, ...] = Field((), description="the opening words of each of those paragraphs")
    count: int | None = Field(
        None, description="versions 1 and 2: articles a paragraph was on, or the number of an article with a band"
    )
    text: str | None = Field(None, description="version 2: the paragraph's opening words")


DETAIL_CHARS = 2000


class DeadLetter(Contract):
    """Anything a stage could not turn into output, with the reason; ``news.deadletter``."""

    schema_version: Literal[1] = 1
    dead_letter_id: str
    trace_id: str
    stage: Stage
    source: str
    reason: str
    detail: str | None = None
    http_status: int | None = None
    failed_at: datetime

    @classmethod
    def create(
        cls,
        *,
        trace_id: str,
        stage: Stage,
        source: str,
        reason: str,
        failed_at: datetime | None = None,
        detail: str | None = None,
        **extra: object,
    ) -> DeadLetter:
        """The one way a dead letter is made: its id from trace, stage and reason; ``detail`` cut
        to DETAIL_CHARS; ``failed_at`` now unless given."""
        return cls(
            dead_letter_id=stable_id(trace_id, stage, reason),
            trace_id=trace_id,
            stage=stage,
            source=source,
            reason=reason,
            detail=detail[:DETAIL_CHARS] if detail else None,
            failed_at=failed_at or datetime.now(UTC),
            **extra,
        )


class ProcessResult(Contract):
    """One line of ``news-ingest process --jsonl`` (and of ``replay --jsonl``).

    Version 2 added ``errors`` (enrichment steps that failed) and ``story``."""

    schema_version: Literal[1, 2] = 2
    source: str
    article: Article | None
    dedup: DedupVerdict | None
    datestamp: DateStamp | None
    claims: tuple[Claim, ...]
    errors: tuple[StepError, ...] = ()
    story: StoryAssignment | None = None
    dead_letter: DeadLetter | None = None

    @classmethod
    def failed(cls, letter: DeadLetter) -> ProcessResult:
        """The result of a document that ended as a dead letter."""
        return cls(source=letter.source, article=None, dedup=None, datestamp=None, claims=(), dead_letter=letter)


PAYLOADS: tuple[type[Contract], ...] = (
    FetchRequest,
    Capture,
    Article,
    DedupVerdict,
    DateStamp,
    Claim,
    UniqueArticle,
    EnrichedArticle,
    DeadLetter,
    ProcessResult,
    StoryAssignment,
    ClaimUpdate,
    BoilerplateCount,
)

__all__ = [
    "PAYLOADS",
    "Article",
    "BoilerplateCount",
    "Capture",
    "Claim",
    "Contract",
    "DateExpression",
    "DateHint",
    "DateStamp",
    "DeadLetter",
    "DedupVerdict",
    "EnrichedArticle",
    "FetchRequest",
    "ProcessResult",
    "StoryAssignment",
    "ClaimUpdate",
    "TimelinePoint",
    "Speaker",
    "StepError",
    "UniqueArticle",
    "stable_id",
]
