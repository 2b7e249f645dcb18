"""Story threads read from the topics: news.stories and news.claims.updates from their start to
where they end now, committed records only (the consumer's default isolation)."""

from __future__ import annotations

import uuid
from typing import TypeVar

from pipeline.codec import DecodeError, decode
from pipeline.config import Settings
from pipeline.kafka.admin import read_to_end
from pipeline.models import ClaimUpdate, Contract, StoryAssignment
from pipeline.storyview.threads import StoryThread, build_threads
from pipeline.topology import Role, Topology

M = TypeVar("M", bound=Contract)


def read_threads(settings: Settings, timeout_s: float = 60.0) -> list[StoryThread]:
    assignments = _payloads(settings, "stories", StoryAssignment, timeout_s)
    return build_threads(assignments, _payloads(settings, "claim_updates", ClaimUpdate, timeout_s))


def _payloads(settings: Settings, role: Role, model: type[M], timeout_s: float) -> list[M]:
    """Every payload of the topic, skipping records that are none (a tombstone, a poison record)."""
    topic = Topology.from_settings(settings).name(role)
    found = []
    for message in read_to_end(settings, topic, f"stories-view-{uuid.uuid4().hex}", timeout_s, give_up_s=timeout_s):
        try:
            found.append(decode(model, message.value()))
        except DecodeError:
            continue
    return found
