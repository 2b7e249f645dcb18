"""Every Prometheus metric of the pipeline, declared once: ``news_<stage>_<what>_total|_seconds``.

None is registered where it is declared: each process serves the metrics of its own stages
(``FETCH_WORKER``, ``STREAM_WORKER``), so a fetch worker never reports a claims count of 0.
"""

from __future__ import annotations

from collections.abc import Iterable

from prometheus_client import (
    GC_COLLECTOR,
    PLATFORM_COLLECTOR,
    PROCESS_COLLECTOR,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    start_http_server,
)
from prometheus_client.metrics import MetricWrapperBase

FETCH_MESSAGES = Counter("news_fetch_messages_total", "Messages the fetch workers consumed", ["kind"], registry=None)
EXTRACT_ARTICLES = Counter("news_extract_articles_total", "Articles extracted", ["extractor"], registry=None)
EXTRACT_BOILERPLATE_FALLBACKS = Counter(
    "news_extract_boilerplate_fallbacks_total",
    "Pages the site boilerplate memory would have left without a body, kept as extracted without it",
    registry=None,
)
DEDUP_VERDICTS = Counter("news_dedup_verdicts_total", "Dedup verdicts", ["verdict"], registry=None)
DEDUP_SWEPT = Counter(
    "news_dedup_swept_total", "Dedup entries dropped as older than the window", ["table"], registry=None
)
DEDUP_ENTRIES = Gauge("news_dedup_table_entries", "Dedup entries this worker holds", ["table"], registry=None)
DATESTAMP_STAMPS = Counter("news_datestamp_stamps_total", "Date stamps by date source", ["source"], registry=None)
CLAIMS_FOUND = Counter("news_claims_claims_total", "Claims extracted", registry=None)
CLAIMS_ARTICLES = Counter("news_claims_articles_total", "Articles through the claims stage", registry=None)
ENRICH_ERRORS = Counter(
    "news_enrich_step_errors_total",
    "Enrichment steps that failed on an article (its part left empty)",
    ["step"],
    registry=None,
)
STORIES_ARTICLES = Counter("news_stories_articles_total", "Articles put on story threads", ["outcome"], registry=None)
CLAIM_UPDATES = Counter("news_stories_claim_updates_total", "Claim updates emitted", ["changed"], registry=None)
# stages: fetch (a message in the fetch worker, all of it), extract (its extraction), and each
# stream agent by name (dedup-route ... stories)
STAGE_SECONDS = Histogram(
    "news_stage_seconds", "Time of one message (one payload of a batched record) in a stage", ["stage"], registry=None
)
STREAM_BACKLOG = Gauge(
    "news_stream_backlog_messages", "Messages waiting on this worker's assigned partitions", registry=None
)
STREAM_LOCAL_HOPS = Counter(
    "news_stream_local_hops_total",
    "Messages between the stream's agents this worker handled itself, not produced, by internal topic",
    ["topic"],
    registry=None,
)
DEAD_LETTERS = Counter("news_deadletter_messages_total", "Dead letters by stage", ["stage"], registry=None)

FETCH_WORKER: tuple[MetricWrapperBase, ...] = (
    FETCH_MESSAGES,
    EXTRACT_ARTICLES,
    EXTRACT_BOILERPLATE_FALLBACKS,
    STAGE_SECONDS,
    DEAD_LETTERS,
)
STREAM_WORKER: tuple[MetricWrapperBase, ...] = (
    DEDUP_VERDICTS,
    DEDUP_SWEPT,
    DEDUP_ENTRIES,
    DATESTAMP_STAMPS,
    CLAIMS_FOUND,
    CLAIMS_ARTICLES,
    ENRICH_ERRORS,
    STORIES_ARTICLES,
    CLAIM_UPDATES,
    STAGE_SECONDS,
    STREAM_BACKLOG,
    STREAM_LOCAL_HOPS,
    DEAD_LETTERS,
)
SINK_ROWS = Counter(
    "news_sink_rows_total", "Rows the PostgreSQL sink wrote (or found written), by table", ["table"], registry=None
)
SINK_REJECTS = Counter(
    "news_sink_rejects_total", "Records the sink kept in sink_rejects, not valid payloads", registry=None
)
SINK: tuple[MetricWrapperBase, ...] = (SINK_ROWS, SINK_REJECTS, STAGE_SECONDS)
ALL = tuple(dict.fromkeys(FETCH_WORKER + STREAM_WORKER + SINK))


def registry_of(metrics: Iterable[MetricWrapperBase]) -> CollectorRegistry:
    """A registry of these metrics and the process's own (CPU, memory, start time, GC)."""
    registry = CollectorRegistry()
    for collector in (PROCESS_COLLECTOR, PLATFORM_COLLECTOR, GC_COLLECTOR, *metrics):
        registry.register(collector)
    return registry


def serve(host: str, port: int, metrics: Iterable[MetricWrapperBase]) -> None:
    """Expose these metrics on host:port/metrics unless port is 0."""
    if port:
        start_http_server(port, addr=host, registry=registry_of(metrics))
