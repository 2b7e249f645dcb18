"""The stage chain, defined once: extract, dedup, enrich (date-stamp and claims), stories.

Each step is a pure function over models, and each stateful step takes its store as a parameter.
``run`` takes one document through the whole chain with the stores it is given (dicts in
``news-ingest process``); the stream runs the same steps, the fetch workers extracting with the
boilerplate memory kept on a compacted topic and the stream agents deduplicating, enriching and
following stories over tables. So offline and stream agree by construction.

Degrade, don't drop: an enrichment step that fails leaves its part of the result empty and records
the error on it (``StepError``); the article goes on. Only a document without an article is a
dead letter.
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

import structlog

from pipeline import dedup
from pipeline.claims import find_claims
from pipeline.config import Settings
from pipeline.datestamp import date_expressions, publication, undated
from pipeline.extract import BoilerplateMemory, ExtractError, extract
from pipeline.models import (
    Capture,
    Claim,
    ClaimUpdate,
    DateExpression,
    DeadLetter,
    EnrichedArticle,
    ProcessResult,
    Stage,
    Step,
    StepError,
    StoryAssignment,
    UniqueArticle,
)
from pipeline.stories import StoryIndex, StoryProbe, probe, track_probe

T = TypeVar("T")
log = structlog.get_logger(__name__)
MESSAGE_CHARS = 500


def step_error(step: Step, exc: BaseException) -> StepError:
    return StepError(step=step, type=type(exc).__name__, message=str(exc)[:MESSAGE_CHARS])


def attempt(step: Step, errors: list[StepError], run: Callable[[], T], fallback: T) -> T:
    """``run()``, or ``fallback`` with the failure recorded in ``errors``."""
    try:
        return run()
    except Exception as exc:  # noqa: BLE001 - one failed step degrades its part, never the article
        log.warning("enrichment step failed", step=step, error=repr(exc))
        errors.append(step_error(step, exc))
        return fallback


def enrich(item: UniqueArticle, *, now: datetime) -> EnrichedArticle:
    """Date stamp, date expressions and claims of a unique article; a failed step leaves its part empty."""
    article, errors = item.article, list[StepError]()
    unknown = undated(article, ingested_at=now)
    dated = attempt("datestamp", errors, lambda: publication(article, ingested_at=now), unknown)
    no_expressions: tuple[DateExpression, ...] = ()
    expressions = attempt("date-expressions", errors, lambda: date_expressions(article, dated), no_expressions)
    dated = dated.model_copy(update={"expressions": expressions})
    no_claims: tuple[Claim, ...] = ()
    claims = attempt("claims", errors, lambda: tuple(find_claims(article, dated)), no_claims)
    return EnrichedArticle(article=article, dedup=item.dedup, datestamp=dated, claims=claims, errors=tuple(errors))


def follow_story(
    store: MutableMapping[str, Any], item: EnrichedArticle, index: StoryIndex | None = None
) -> tuple[StoryAssignment, list[ClaimUpdate]]:
    """The story the article joins and the claim updates it causes; a failure gives a story-less
    assignment that says why. ``index``: the store's story index, kept from one article to the next."""
    return follow_probe(store, story_probe(item), index)


def story_probe(item: EnrichedArticle) -> StoryProbe:
    """What the stories step reads of the article; a failure gives an empty probe that says why."""
    try:
        return probe(item)
    except Exception as exc:  # noqa: BLE001
        log.warning("story step failed", article_id=item.article.article_id, error=repr(exc))
        article = item.article
        return StoryProbe(
            article_id=article.article_id,
            trace_id=article.trace_id,
            source=article.source,
            errors=(step_error("stories", exc),),
        )


def follow_probe(
    store: MutableMapping[str, Any], found: StoryProbe, index: StoryIndex | None = None
) -> tuple[StoryAssignment, list[ClaimUpdate]]:
    """``follow_story`` for the article's probe."""
    errors = found.errors
    if not errors:
        try:
            return track_probe(store, found, index=index)
        except Exception as exc:  # noqa: BLE001
            log.warning("story step failed", article_id=found.article_id, error=repr(exc))
            errors = (step_error("stories", exc),)
    failed = StoryAssignment(
        article_id=found.article_id,
        trace_id=found.trace_id,
        story_id=None,
        opened=False,
        score=0.0,
        updates=0,
        errors=errors,
    )
    return failed, []


@dataclass
class Stores:
    """The state of every stateful step: dicts offline."""

    boilerplate: MutableMapping[str, Any] = field(default_factory=dict)
    dedup: dedup.DedupStores = field(default_factory=dedup.DedupStores)
    stories: MutableMapping[str, Any] = field(default_factory=dict)
    story_index: StoryIndex = field(default_factory=StoryIndex)


@dataclass(frozen=True)
class Chain:
    """The chain's parameters, from the settings both runners are given."""

    dedup: dedup.DedupConfig = field(default_factory=dedup.DedupConfig)
    boilerplate_min_articles: int = 3

    @classmethod
    def from_settings(cls, settings: Settings) -> Chain:
        return cls(dedup.DedupConfig.from_settings(settings), settings.boilerplate_min_pages)

    def memory(self, stores: Stores) -> BoilerplateMemory:
        return BoilerplateMemory(stores.boilerplate, min_articles=self.boilerplate_min_articles)

    def run(self, capture: Capture, stores: Stores, *, now: datetime) -> ProcessResult:
        """One document through every step: its article, verdict, stamp, claims and story, or its dead letter."""
        stage: Stage = "extract"
        try:
            article = extract(capture, now=now, memory=self.memory(stores))
            stage = "dedup"
            verdict = dedup.judge(article, stores.dedup, now=now, config=self.dedup)
        except ExtractError as exc:
            return ProcessResult.failed(_letter(capture, stage, exc.reason, exc.detail, now))
        except Exception as exc:  # noqa: BLE001 - one bad document never stops a batch
            log.exception("step failed", stage=stage, source=capture.source)
            return ProcessResult.failed(_letter(capture, stage, f"{stage} failed: {type(exc).__name__}", str(exc), now))
        if verdict.verdict not in ("unique", "update"):
            return ProcessResult(source=capture.source, article=article, dedup=verdict, datestamp=None, claims=())
        enriched = enrich(UniqueArticle(article=article, dedup=verdict), now=now)
        story, _ = follow_story(stores.stories, enriched, stores.story_index)
        return ProcessResult(
            source=capture.source,
            article=article,
            dedup=verdict,
            datestamp=enriched.datestamp,
            claims=enriched.claims,
            errors=enriched.errors + story.errors,
            story=story,
        )


def _letter(capture: Capture, stage: Stage, reason: str, detail: str | None, now: datetime) -> DeadLetter:
    return DeadLetter.create(
        trace_id=capture.capture_id,
        stage=stage,
        source=capture.source,
        reason=reason,
        detail=detail,
        failed_at=now,
    )
