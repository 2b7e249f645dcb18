"""Integration tests use the broker fixtures of tests/conftest.py; helpers are re-exported here."""

from tests.kafka_helpers import free_port, read_topic, wait_for

__all__ = ["free_port", "read_topic", "wait_for"]
