"""A restarted scheduler carries on where the last one stopped: it asks for an unchanged feed
conditionally from its first poll, and publishes no URL the last one scheduled."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pipeline.config import Settings
from pipeline.fetch import schedule_service, sources
from pipeline.fetch.source_state import SourceState
from pipeline.models import FetchRequest
from pipeline.topology import Topology
from tests.integration.conftest import wait_for
from tests.integration.fetch_site import Host, Reply, conditional, read_all

pytestmark = pytest.mark.integration


@pytest.fixture
def feed_host() -> Iterator[Host]:
    host = Host({})
    rss = f"""<?xml version="1.0"?><rss version="2.0"><channel><title>A</title>
<item><title>A1</title><link>{host.url}/a1</link></item></channel></rss>"""
    host.routes["/feed.xml"] = conditional(Reply(200, rss.encode(), {"Content-Type": "application/xml"}), etag='"v1"')
    yield host
    host.close()


def run_scheduler(settings: Settings, path: Path, until: Callable[[], bool]) -> None:
    stop = threading.Event()
    thread = threading.Thread(target=schedule_service.run, args=(settings, stop, path), daemon=True)
    thread.start()
    try:
        wait_for(until, timeout_s=60, what="the scheduler's poll")
    finally:
        stop.set()
        thread.join(30)
    assert not thread.is_alive()


def test_a_restarted_scheduler_polls_conditionally_and_publishes_nothing_again(
    settings: Settings, feed_host: Host, tmp_path: Path
) -> None:
    settings = settings.model_copy(update={"fetch_allow_addresses": "127.0.0.1", "schedule_min_interval_s": 0.5})
    topology = Topology.from_settings(settings)
    path = tmp_path / "sources.yaml"
    feed = feed_host.url + "/feed.xml"
    sources.add(path, sources.Source(url=feed, interval_s=1))

    def remembered() -> bool:
        return any(s.url == feed for s in read_all(settings, topology.name("fetch_sources"), SourceState))

    run_scheduler(settings, path, lambda: bool(feed_host.paths("/feed.xml")) and remembered())
    first = feed_host.paths("/feed.xml")
    assert first[0].status == 200 and first[0].if_none_match is None
    polled = len(first)

    run_scheduler(settings, path, lambda: len(feed_host.paths("/feed.xml")) > polled)
    after_restart = feed_host.paths("/feed.xml")[polled]
    assert after_restart.if_none_match == '"v1"' and after_restart.status == 304
    requests = read_all(settings, topology.name("fetch"), FetchRequest)
    assert [r.url for r in requests] == [feed_host.url + "/a1"]
    saved = [s for s in read_all(settings, topology.name("fetch_sources"), SourceState) if s.url == feed]
    assert saved[-1].etag == '"v1"' and saved[-1].interval_s >= settings.schedule_min_interval_s
