"""What ``news-ingest`` exits with, the same for every command (the README has this table)."""

OK = 0  # everything done
FAILED = 1  # done, but some of it failed: documents dead-lettered, or nothing found to show or remove
USAGE = 2  # bad input: an option, a path that does not exist, a setting's environment variable
KAFKA = 3  # Kafka did not answer or refused us, or the local broker could not be started
INCOMPLETE = 4  # the pipeline did not finish: documents did not come out in time, or a worker kept dying
