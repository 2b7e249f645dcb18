"""Integration tests use the broker fixtures of tests/conftest.py; helpers are re-exported here."""

from tests.kafka_helpers import free_port, free_port_pair, read_topic, wait_for

__all__ = ["free_port", "free_port_pair", "read_topic", "wait_for"]
