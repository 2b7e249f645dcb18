"""Thin wrappers over confluent-kafka: client settings, topic administration."""
