"""Story threads and claim timelines out of the streaming pipeline, the seeds replayed in shuffled order."""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from confluent_kafka import ConsumerGroupState, KafkaException
from confluent_kafka.admin import AdminClient

from pipeline.codec import encode
from pipeline.config import Settings
from pipeline.kafka import clients
from pipeline.kafka.admin import ensure_topics
from pipeline.kafka.groups import stream_group
from pipeline.models import ClaimUpdate, StoryAssignment
from pipeline.replay import replay
from pipeline.runner import running_workers
from pipeline.topology import Topology
from tests.integration.conftest import free_port_pair, read_topic, wait_for
from tests.integration.test_metrics import exposition, samples
from tests.seeds import SEED_FILES
from tests.unit.test_stories import check_seed_thread, seed_items, seed_thread

pytestmark = pytest.mark.integration


def thread_done(updates: list[ClaimUpdate]) -> bool:
    try:
        check_seed_thread(seed_thread(updates))
    except AssertionError:
        return False
    return True


def wait_for_thread(settings: Settings, topic: str, check: Callable[[], None]) -> list[ClaimUpdate]:
    """Updates read until the seed thread is whole on them (or a minute passed)."""
    updates: list[ClaimUpdate] = []
    deadline = time.monotonic() + 60
    while not thread_done(updates) and time.monotonic() < deadline:
        check()
        updates = read_topic(settings, topic, ClaimUpdate, count=10_000, timeout_s=2)
    return updates


def test_stories_stage_alone_on_enriched_seeds_in_shuffled_order(settings: Settings, tmp_path: Path) -> None:
    """The stories agents on the real broker, fed enriched seed articles (made in process) in shuffled order."""
    topology = Topology.from_settings(settings)
    items = list(seed_items())
    random.SystemRandom().shuffle(items)
    names = [Path(i.article.source).name[:3] for i in items]
    producer = clients.producer(settings)
    tracker = clients.DeliveryTracker()
    for item in items:
        key = item.article.article_id.encode()
        producer.produce(topology.name("enriched"), key=key, value=encode(item), on_delivery=tracker)
    tracker.flush(producer)
    with running_workers(settings, tmp_path / "logs", fetch_workers=0) as workers:
        assignments = read_topic(settings, topology.name("stories"), StoryAssignment, count=5, timeout_s=120)
        updates = wait_for_thread(settings, topology.name("claim_updates"), workers.check)
    assert len(assignments) == 5, names
    assert len({a.story_id for a in assignments}) == 1, (names, assignments)
    assert updates, f"no claim update arrived (order {names})"
    check_seed_thread(seed_thread(updates))
    assert sum(a.updates for a in assignments) == len(updates)


def test_seed_story_timeline_comes_out_in_stated_order_whatever_the_replay_order(
    settings: Settings, tmp_path: Path
) -> None:
    topology = Topology.from_settings(settings)
    order = list(SEED_FILES)
    random.SystemRandom().shuffle(order)
    names = [p.name[:3] for p in order]
    with running_workers(settings, tmp_path / "logs") as workers:
        summary = replay(order, settings, timeout_s=240, health_check=workers.check)
        assert (summary.documents, summary.articles, summary.dead_letters) == (5, 5, 0), names
        assignments = read_topic(settings, topology.name("stories"), StoryAssignment, count=5, timeout_s=90)
        updates = wait_for_thread(settings, topology.name("claim_updates"), workers.check)

    assert len(assignments) == 5, names
    assert len({a.story_id for a in assignments}) == 1, (names, assignments)
    assert sum(a.opened for a in assignments) == 1
    assert updates, f"no claim update arrived (replay order {names})"
    check_seed_thread(seed_thread(updates))
    assert sum(a.updates for a in assignments) == len(updates), "every update counted by the article that caused it"


def enriched_owners(settings: Settings, admin: AdminClient) -> list[set[int]]:
    """The enriched topic's partitions each member of the stream group holds, once the group is stable."""
    topic = Topology.from_settings(settings).name("enriched")
    group = stream_group(settings)
    try:
        described = admin.describe_consumer_groups([group], request_timeout=5)[group].result()
    except KafkaException:
        return []
    if described.state != ConsumerGroupState.STABLE:
        return []
    return [{tp.partition for tp in m.assignment.topic_partitions if tp.topic == topic} for m in described.members]


def test_two_stream_workers_read_the_stories_between_them_into_the_one_worker_timeline(
    settings: Settings, tmp_path: Path
) -> None:
    """Each worker works out the probes of the enriched articles on its partitions; the seed thread
    comes out as it does with one worker."""
    config = settings.model_copy(
        update={"partitions": 6, "topic_prefix": f"s{uuid.uuid4().hex[:10]}.", "metrics_port": free_port_pair()}
    )
    topology = Topology.from_settings(config)
    ensure_topics(config, topology)
    items = list(seed_items())
    random.SystemRandom().shuffle(items)
    names = [Path(i.article.source).name[:3] for i in items]
    with running_workers(config, tmp_path / "logs", fetch_workers=0, stream_workers=2) as workers:
        owners: list[set[int]] = []
        admin = clients.admin_client(config)

        def both_hold_enriched() -> bool:
            nonlocal owners
            workers.check()
            owners = enriched_owners(config, admin)
            return len(owners) == 2 and all(owners)

        wait_for(both_hold_enriched, timeout_s=120, what="both stream workers holding enriched partitions")
        homes = [sorted(held) for held in owners]
        producer = clients.producer(config)
        tracker = clients.DeliveryTracker()
        for i, item in enumerate(items):
            home = homes[i % 2]
            value = encode(item)
            producer.produce(
                topology.name("enriched"),
                key=item.article.article_id.encode(),
                value=value,
                partition=home[i // 2 % len(home)],
                on_delivery=tracker,
            )
        tracker.flush(producer)
        assignments = read_topic(config, topology.name("stories"), StoryAssignment, count=5, timeout_s=120)
        updates = wait_for_thread(config, topology.name("claim_updates"), workers.check)
        funnelled = [
            samples(exposition(worker.metrics_port), "news_stage_seconds_count", "stage").get("stories-funnel", 0.0)
            for worker in workers.settings
        ]

    assert sorted(funnelled) == [2.0, 3.0], f"articles each worker's funnel read: {funnelled}"
    assert len(assignments) == 5, names
    assert len({a.story_id for a in assignments}) == 1, (names, assignments)
    assert updates, f"no claim update arrived (order {names})"
    check_seed_thread(seed_thread(updates))
    assert sum(a.updates for a in assignments) == len(updates)
