"""Every Prometheus metric of the pipeline, declared once: ``news_<stage>_<what>_total|_seconds``."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram, start_http_server

FETCH_MESSAGES = Counter("news_fetch_messages_total", "Messages the fetch workers consumed", ["kind"])
EXTRACT_ARTICLES = Counter("news_extract_articles_total", "Articles extracted", ["extractor"])
EXTRACT_BOILERPLATE_FALLBACKS = Counter(
    "news_extract_boilerplate_fallbacks_total",
    "Pages the site boilerplate memory would have left without a body, kept as extracted without it",
)
EXTRACT_SECONDS = Histogram("news_extract_seconds", "Time to extract one document")
DEDUP_VERDICTS = Counter("news_dedup_verdicts_total", "Dedup verdicts", ["verdict"])
DEDUP_SWEPT = Counter("news_dedup_swept_total", "Dedup entries dropped as older than the window", ["table"])
DEDUP_ENTRIES = Gauge("news_dedup_table_entries", "Dedup entries this worker holds, after its last sweep", ["table"])
DATESTAMP_STAMPS = Counter("news_datestamp_stamps_total", "Date stamps by date source", ["source"])
CLAIMS_FOUND = Counter("news_claims_claims_total", "Claims extracted")
CLAIMS_ARTICLES = Counter("news_claims_articles_total", "Articles through the claims stage")
ENRICH_ERRORS = Counter(
    "news_enrich_step_errors_total", "Enrichment steps that failed on an article (its part left empty)", ["step"]
)
STORIES_ARTICLES = Counter("news_stories_articles_total", "Articles put on story threads", ["outcome"])
CLAIM_UPDATES = Counter("news_stories_claim_updates_total", "Claim updates emitted", ["changed"])
STAGE_SECONDS = Histogram("news_stage_seconds", "Time of one message in a stage", ["stage"])
STREAM_BACKLOG = Gauge("news_stream_backlog_messages", "Messages waiting on this worker's assigned partitions")
DEAD_LETTERS = Counter("news_deadletter_messages_total", "Dead letters by stage", ["stage"])
SINK_ROWS = Counter("news_sink_rows_total", "Rows the PostgreSQL sink wrote (or found written), by table", ["table"])
SINK_REJECTS = Counter("news_sink_rejects_total", "Records the sink kept in sink_rejects, not valid payloads")


def serve(host: str, port: int) -> None:
    """Expose /metrics on host:port unless port is 0."""
    if port:
        start_http_server(port, addr=host)
