"""news-ingest: a streaming news-ingest pipeline on Apache Kafka."""

__version__ = "0.1.0"
