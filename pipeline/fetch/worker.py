"""The fetch worker: a confluent-kafka consumer group over ``news.fetch`` and ``news.captures``.

Each message leaves as an article or a dead letter; offsets are committed only after
everything produced for a batch has been delivered, so a killed worker loses nothing.
"""

from __future__ import annotations

import signal
import threading
import time
from datetime import UTC, datetime

import httpx
import structlog
from confluent_kafka import Message

from pipeline import metrics
from pipeline.codec import DecodeError, decode, encode
from pipeline.config import Settings
from pipeline.extract import ExtractError, extract
from pipeline.fetch.http import FetchError, fetch_page
from pipeline.kafka import clients
from pipeline.models import Article, Capture, DeadLetter, FetchRequest, stable_id
from pipeline.topology import Role, Topology

log = structlog.get_logger(__name__)
GROUP = "news-ingest-fetch"


def handle(message: Message, topology: Topology, settings: Settings, http: httpx.Client) -> Article | DeadLetter:
    now = datetime.now(UTC)
    trace = stable_id(str(message.topic()), str(message.partition()), str(message.offset()))
    source = f"{message.topic()}[{message.partition()}]@{message.offset()}"
    try:
        if message.topic() == topology.name("captures"):
            capture = decode(Capture, message.value())
            metrics.FETCH_MESSAGES.labels("capture").inc()
        else:
            request = decode(FetchRequest, message.value())
            trace, source = request.request_id, request.url
            metrics.FETCH_MESSAGES.labels("url").inc()
            capture = fetch_page(request, settings, http)
        trace, source = capture.capture_id, capture.source
        with metrics.EXTRACT_SECONDS.time():
            article = extract(capture, now=now)
        metrics.EXTRACT_ARTICLES.labels(article.extractor).inc()
        return article
    except DecodeError as exc:
        return _dead(trace, "fetch", source, "undecodable message", str(exc)[:2000], now)
    except FetchError as exc:
        return _dead(trace, "fetch", source, exc.reason, exc.detail, now, exc.status)
    except ExtractError as exc:
        return _dead(trace, "extract", source, exc.reason, None, now)
    except Exception as exc:  # noqa: BLE001 - a bug on one document must not stop the worker
        log.exception("unexpected failure", source=source)
        return _dead(trace, "extract", source, f"unexpected {type(exc).__name__}", str(exc)[:2000], now)


def _dead(
    trace: str, stage: str, source: str, reason: str, detail: str | None, now: datetime, status: int | None = None
) -> DeadLetter:
    metrics.DEAD_LETTERS.labels(stage).inc()
    return DeadLetter.create(
        trace_id=trace,
        stage=stage,  # type: ignore[arg-type]
        source=source,
        reason=reason,
        detail=detail,
        http_status=status,
        failed_at=now,
    )


def run(settings: Settings, stop: threading.Event | None = None) -> None:
    stop = stop or _stop_on_signals()
    topology = Topology.from_settings(settings)
    consumer = clients.consumer(settings, GROUP)
    consumer.subscribe([topology.name("fetch"), topology.name("captures")])
    producer = clients.producer(settings)
    tracker = clients.DeliveryTracker()
    log.info("fetch worker started", bootstrap=settings.bootstrap, prefix=settings.topic_prefix)
    with httpx.Client(timeout=settings.fetch_timeout_s, follow_redirects=True, max_redirects=5) as http:
        while not stop.is_set():
            batch = consumer.consume(num_messages=64, timeout=0.5)
            for message in batch:
                if message.error():
                    log.warning("consumer error", error=str(message.error()))
                    continue
                started = time.perf_counter()
                out = handle(message, topology, settings, http)
                role: Role = "articles" if isinstance(out, Article) else "deadletter"
                key = out.article_id if isinstance(out, Article) else out.trace_id
                producer.produce(topology.name(role), key=key.encode(), value=encode(out), on_delivery=tracker)
                producer.poll(0)
                metrics.STAGE_SECONDS.labels("fetch").observe(time.perf_counter() - started)
            if batch:
                tracker.flush(producer)
                consumer.commit(asynchronous=False)
    consumer.close()
    log.info("fetch worker stopped")


def _stop_on_signals() -> threading.Event:
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    return stop
