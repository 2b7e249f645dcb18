"""What `news-ingest top` and `news-ingest dashboard` show: one snapshot of the running pipeline
(Kafka offsets, the workers' /metrics, the results topics), turned into one report by pure
functions, rendered as a terminal view or served as JSON to a web page."""
