"""The stream worker: dedup, enrich and stories agents chained through topics, in Kafka transactions."""
