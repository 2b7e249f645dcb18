"""Replaying a corpus through the running pipeline and waiting for every document to come out.

Each document published is tracked by its trace id until it arrives at the far end: an
enriched article, a counted duplicate or a dead letter. Results are read from the end
offsets the output topics had before publishing, so earlier runs never count. Files are read
one at a time as they are published, and results are taken in meanwhile, so a corpus of any
size is never all in memory.
"""

from __future__ import annotations

import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from confluent_kafka import Consumer, Message, TopicPartition

from pipeline.codec import decode, encode
from pipeline.config import Settings
from pipeline.documents import find_documents, read_each
from pipeline.kafka import clients
from pipeline.kafka.admin import end_offsets, ensure_topics
from pipeline.models import Capture, Claim, DeadLetter, DedupVerdict, EnrichedArticle, ProcessResult
from pipeline.topology import Topology


class ReplayTimeout(TimeoutError):
    """Some documents did not come out of the pipeline in time."""


class Progress(Protocol):
    """Told of each document published and each that came out."""

    def begin(self, documents: int) -> None: ...

    def published(self) -> None: ...

    def done(self) -> None: ...


class NoProgress:
    def begin(self, documents: int) -> None:
        pass

    def published(self) -> None:
        pass

    def done(self) -> None:
        pass


@dataclass
class ReplaySummary:
    documents: int = 0
    articles: int = 0
    duplicates: int = 0
    claims: int = 0
    dead_letters: int = 0
    seconds: float = 0.0
    repeated: int = 0
    repeated_claims: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    results: list[ProcessResult] = field(default_factory=list)
    claim_ids: set[str] = field(default_factory=set)

    @property
    def docs_per_s(self) -> float:
        return self.documents / self.seconds if self.seconds > 0 else 0.0

    def claim(self, claim_id: str) -> None:
        if claim_id in self.claim_ids:
            self.repeated_claims += 1
        self.claim_ids.add(claim_id)

    def add(self, result: ProcessResult) -> None:
        self.results.append(result)
        if result.dead_letter is not None:
            self.dead_letters += 1
        elif result.datestamp is None:
            self.duplicates += 1
        else:
            self.articles += 1
            self.claims += len(result.claims)


def as_result(topology: Topology, message: Message) -> tuple[str, ProcessResult]:
    """The trace id and result a message of an output topic stands for."""
    topic = message.topic()
    if topic == topology.name("enriched"):
        done = decode(EnrichedArticle, message.value())
        result = ProcessResult(
            source=done.article.source,
            article=done.article,
            dedup=done.dedup,
            datestamp=done.datestamp,
            claims=done.claims,
            errors=done.errors,
        )
        return done.article.trace_id, result
    if topic == topology.name("duplicates"):
        verdict = decode(DedupVerdict, message.value())
        return verdict.trace_id, ProcessResult(
            source=verdict.source, article=None, dedup=verdict, datestamp=None, claims=()
        )
    letter = decode(DeadLetter, message.value())
    return letter.trace_id, ProcessResult.failed(letter)


def replay(
    paths: Iterable[Path],
    settings: Settings,
    *,
    rate: float | None = None,
    timeout_s: float = 180.0,
    health_check: Callable[[], None] | None = None,
    progress: Progress | None = None,
) -> ReplaySummary:
    """Publish documents and wait until each comes out, at most timeout_s after the last one was
    published; health_check raises if the pipeline died."""
    topology = Topology.from_settings(settings)
    ensure_topics(settings, topology)
    progress = progress or NoProgress()
    corpus = find_documents(paths)
    watcher = clients.consumer(settings, f"replay-{uuid.uuid4().hex}")
    outputs = [topology.name(role) for role in ("enriched", "duplicates", "deadletter", "claims")]
    assigned = [tp for topic in outputs for tp in end_offsets(watcher, topic)]
    watcher.assign(assigned)
    summary = ReplaySummary(documents=len(corpus.files), skipped=corpus.skipped)
    progress.begin(summary.documents)
    pending: Counter[str] = Counter()
    started = time.monotonic()

    def after_each() -> None:
        progress.published()
        for message in watcher.consume(num_messages=500, timeout=0):
            if not message.error() and _count(topology, message, pending, summary):
                progress.done()

    try:
        items = read_each(corpus.files, max_bytes=settings.max_document_bytes)
        _publish(items, settings, topology, rate, pending, between=after_each)
        deadline = time.monotonic() + timeout_s
        _collect(watcher, topology, pending, summary, progress, deadline=deadline, health_check=health_check)
        summary.seconds = time.monotonic() - started
        _drain(watcher, settings, topology, assigned, summary)
    finally:
        watcher.close()
    return summary


def _publish(
    items: Iterator[Capture | DeadLetter],
    settings: Settings,
    topology: Topology,
    rate: float | None,
    pending: Counter[str],
    *,
    between: Callable[[], None],
) -> None:
    """Each item to its topic as it is read, counted in pending; between runs after each."""
    producer = clients.producer(settings)
    tracker = clients.DeliveryTracker()
    for item in items:
        value = encode(item)
        if isinstance(item, Capture) and len(value) > settings.max_message_bytes:
            item = _too_large(item, len(value), settings.max_message_bytes)
            value = encode(item)
        if isinstance(item, Capture):
            topic, key = topology.name("captures"), item.capture_id
        else:
            topic, key = topology.name("deadletter"), item.trace_id
        pending[key] += 1
        producer.produce(topic, key=key.encode(), value=value, on_delivery=tracker)
        producer.poll(0)
        between()
        if rate:
            time.sleep(1.0 / rate)
    tracker.flush(producer)


def _too_large(capture: Capture, size: int, limit: int) -> DeadLetter:
    """A capture within the document limit whose message would not be (a body of control characters
    grows six times as JSON): a dead letter here rather than a refusal by Kafka."""
    return DeadLetter.create(
        trace_id=capture.capture_id,
        stage="read",
        source=capture.source,
        reason="document too large",
        detail=f"{size} bytes as a message > limit of {limit} bytes",
        failed_at=datetime.now(UTC),
    )


def _collect(
    watcher: Consumer,
    topology: Topology,
    pending: Counter[str],
    summary: ReplaySummary,
    progress: Progress,
    *,
    deadline: float,
    health_check: Callable[[], None] | None,
) -> None:
    while +pending:
        if health_check is not None:
            health_check()
        if time.monotonic() > deadline:
            missing = sorted(pending.elements())
            raise ReplayTimeout(f"{len(missing)} documents did not come out in time: trace ids {missing[:10]}")
        message = watcher.poll(0.5)
        if message is not None and not message.error() and _count(topology, message, pending, summary):
            progress.done()


def _count(topology: Topology, message: Message, pending: Counter[str], summary: ReplaySummary) -> bool:
    """A result of a document still awaited (True), or one that arrived again (counted, never hidden)."""
    if message.topic() == topology.name("claims"):
        summary.claim(decode(Claim, message.value()).claim_id)
        return False
    trace_id, result = as_result(topology, message)
    if pending[trace_id] > 0:
        pending[trace_id] -= 1
        summary.add(result)
        return True
    summary.repeated += 1
    return False


def _drain(
    watcher: Consumer, settings: Settings, topology: Topology, assigned: list[TopicPartition], summary: ReplaySummary
) -> None:
    """Read on to where the output topics end now: results that arrive twice show up in the summary."""
    topics = sorted({tp.topic for tp in assigned})
    idle = clients.consumer(settings, f"replay-ends-{uuid.uuid4().hex}")  # one busy fetching answers slowly
    try:
        ends = {(tp.topic, tp.partition): tp.offset for topic in topics for tp in end_offsets(idle, topic)}
    finally:
        idle.close()
    starts = {(tp.topic, tp.partition): tp.offset for tp in assigned}
    deadline = time.monotonic() + 30.0
    while time.monotonic() < deadline:
        # positions, not the last offset read, so that transaction markers count as read
        read = {(tp.topic, tp.partition): tp.offset for tp in watcher.position(assigned)}
        if all(max(read.get(tp, -1), starts.get(tp, 0)) >= end for tp, end in ends.items()):
            return
        message = watcher.poll(0.2)
        if message is not None and not message.error():
            _count(topology, message, Counter(), summary)
