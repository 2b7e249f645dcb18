"""A fetch worker killed (SIGKILL) while it holds in-flight URLs: every URL still ends as
exactly one article or dead letter, counted by URL from the topics.

Two workers run as processes; the site holds every page request open until the test
releases it, so the killed worker dies mid-fetch. Which worker holds a request is read
from the kernel's socket table (the request's peer port belongs to the worker's sockets).
"""

from __future__ import annotations

import os
import signal
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from confluent_kafka import ConsumerGroupState, KafkaException

from pipeline.config import Settings
from pipeline.fetch.worker import GROUP
from pipeline.kafka.admin import admin_client
from pipeline.models import Article, DeadLetter
from pipeline.runner import start_process, stop_process
from pipeline.topology import Topology
from tests.integration.conftest import wait_for
from tests.integration.fetch_site import Holding, Host, Reply, html, read_all, request_fetches

pytestmark = pytest.mark.integration

TEXT = [
    "The county library said on Wednesday that its mobile van will visit six more villages from next month, "
    "after a survey found that many older readers could no longer travel to the branch in town.",
    "The van carries about two thousand books and a printer, and volunteers will help visitors order titles "
    "from the main catalogue, the library said in a statement.",
]


def socket_ports(pid: int) -> set[int]:
    """Local TCP ports of the sockets process pid has open."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            cols = line.split()
            if cols[9] in inodes:
                ports.add(int(cols[1].rsplit(":", 1)[1], 16))
    return ports


def group_stable_with(settings: Settings, members: int) -> bool:
    group = settings.topic_prefix + GROUP
    admin = admin_client(settings)
    try:
        description = admin.describe_consumer_groups([group])[group].result(timeout=10)
    except KafkaException:  # the group coordinator is still loading: not stable yet
        return False
    return bool(description.state == ConsumerGroupState.STABLE and len(description.members) == members)


@pytest.fixture
def holding_site() -> Iterator[tuple[list[Host], Holding]]:
    holding = Holding()
    hosts = []
    for i in range(6):
        page = html(f"Library van visits village {i}", TEXT)
        hosts.append(Host({"/story": holding.page(page), "/gone": holding.page(Reply(404, b"gone", {}))}))
    yield hosts, holding
    holding.release.set()
    for host in hosts:
        host.close()


def test_killing_a_worker_mid_fetch_loses_and_duplicates_nothing(
    settings: Settings, holding_site: tuple[list[Host], Holding], tmp_path: Path
) -> None:
    hosts, holding = holding_site
    settings = settings.model_copy(update={"fetch_allow_addresses": "127.0.0.1", "fetch_host_delay_s": 0.0})
    topology = Topology.from_settings(settings)
    urls = [host.url + path for host in hosts for path in ("/story", "/gone")]
    request_fetches(settings, urls)

    victim = start_process("fetch", settings, tmp_path / "fetch-victim.log")
    survivor = start_process("fetch", settings, tmp_path / "fetch-survivor.log")
    try:
        wait_for(lambda: group_stable_with(settings, 2), timeout_s=60, what="both workers in the group")
        wait_for(
            lambda: bool(holding.held_ports() & socket_ports(victim.pid)),
            timeout_s=60,
            what="the victim holding a request",
        )
        held_by_victim = holding.held_ports() & socket_ports(victim.pid)
        in_flight = {holding.waiting[port] for port in held_by_victim if port in holding.waiting}
        victim.send_signal(signal.SIGKILL)
        victim.wait(30)
        holding.release.set()

        def outcomes() -> int:
            done = read_all(settings, topology.name("articles"), Article)
            return len(done) + len(read_all(settings, topology.name("deadletter"), DeadLetter))

        wait_for(lambda: outcomes() >= len(urls), timeout_s=90, what="an outcome for every URL")
        assert survivor.poll() is None, (tmp_path / "fetch-survivor.log").read_text()[-3000:]
    finally:
        stop_process(survivor)
        if victim.poll() is None:
            stop_process(victim)

    articles = read_all(settings, topology.name("articles"), Article)
    letters = read_all(settings, topology.name("deadletter"), DeadLetter)
    counts = Counter([a.source for a in articles] + [x.source for x in letters])
    assert counts == Counter(urls), counts
    assert sorted(a.source for a in articles) == sorted(u for u in urls if u.endswith("/story"))
    assert all(x.http_status == 404 for x in letters)
    # what the victim held when it died was fetched again by the survivor
    assert in_flight
    logs = [host.paths(path) for host in hosts for path in in_flight]
    held = [hits for hits in logs if any(h.peer_port in held_by_victim for h in hits)]
    assert held, "no request the victim held was found in the site's log"
    assert all(len(hits) >= 2 for hits in held)
