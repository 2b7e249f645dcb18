"""A broker outage mid-replay loses and doubles nothing: the broker frozen (SIGSTOP) for 20 s,
and the broker stopped (SIGTERM, gone) and started again 15 s later.

A varied corpus (tests/accounting.py) is replayed at a steady rate through one fetch worker and
one stream worker, started by the local runner (which starts again any worker that exits). Besides
the files, a few URLs are fetched from a local site that holds each request open; the outage
begins once the fetch worker holds them all and a third of the documents are on ``news.articles``
(the stream worker is behind), and the site answers just after the broker went away: the fetch
worker then has outputs to commit while there is no broker to commit them to. Afterwards every
document must be out (an enriched article, a duplicate verdict or a dead letter) within DEADLINE_S
of the broker being back, and, once both groups have processed and committed all their input, no
id may be on a topic twice, counted from the topics by id with read_committed.

These tests freeze and restart a broker, so they run one of their own (the session broker is shared).
"""

from __future__ import annotations

import os
import signal
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from confluent_kafka import KafkaException, TopicPartition

from pipeline.broker import LocalBroker
from pipeline.config import Settings
from pipeline.fetch.worker import GROUP as FETCH_GROUP
from pipeline.kafka import clients
from pipeline.kafka.admin import ensure_topics, read_partitions
from pipeline.kafka.transactions import FATAL_EXIT_CODE, Batch, Committer, Record
from pipeline.models import FetchRequest
from pipeline.replay import ReplaySummary, replay
from pipeline.runner import Workers, running_workers
from pipeline.stall import STALL_EXIT_CODE
from pipeline.topology import Topology
from tests.accounting import (
    Accounting,
    Outcomes,
    Trail,
    account,
    group_stable,
    stories_with_claims,
    trace_ids,
    trail,
    unprocessed,
    varied_corpus,
)
from tests.integration.fetch_site import Holding, Host, html, request_fetches
from tests.kafka_helpers import broker_on_free_ports, deployment_settings, wait_for

pytestmark = pytest.mark.integration

RATE = 10.0  # documents per second: publishing spans the start of the outage, the fetch worker busy
DEADLINE_S = 240.0  # every document out within this after the broker is back
SETTLE_S = 180.0  # then both groups have committed all their input within this
STALL_AFTER_S = 45.0  # a stalled stream worker exits after this and the runner starts it again


@pytest.fixture(scope="module")
def own_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalBroker]:
    local = broker_on_free_ports(tmp_path_factory.mktemp("outage-broker"))
    local.start()
    yield local
    pid = local.pid()
    if pid is not None:
        os.kill(pid, signal.SIGCONT)  # a failed test may have left it frozen
    local.stop()


@pytest.fixture
def outage_settings(own_broker: LocalBroker, tmp_path: Path) -> Settings:
    config = deployment_settings(own_broker.bootstrap, tmp_path, stall_after_s=STALL_AFTER_S, watchdog_interval_s=5.0)
    ensure_topics(config, Topology.from_settings(config))
    return config


FATAL_EXIT = f"exit code {FATAL_EXIT_CODE}; last logged: "  # then the fatal transaction error
HUNG_EXIT = f"exit code {STALL_EXIT_CODE}: it found itself stalled; last logged: "  # then what hung
HELD_PAGES = 4  # URLs whose fetch is held open until the outage has begun


@pytest.fixture
def held_site() -> Iterator[tuple[list[Host], Holding]]:
    holding = Holding()
    stories = stories_with_claims(HELD_PAGES, seed=23)
    hosts = [Host({"/story": holding.page(html(title, paragraphs))}) for title, paragraphs in stories]
    yield hosts, holding
    holding.release.set()
    for host in hosts:
        host.close()


@dataclass
class Run:
    accounting: Accounting
    trail: Trail
    out_in_time: int  # documents out within DEADLINE_S of the broker being back
    recovery_s: float | None  # from the broker back to every document out
    outage_s: float
    unsettled: dict[str, dict[str, int]]  # group -> records past its committed offsets, SETTLE_S later
    replayed: ReplaySummary | BaseException | None
    exits: list[str]
    held_commits: int  # failed transaction attempts the fetch worker logged (and held its batch through)


def replay_through_outage(
    settings: Settings, tmp_path: Path, site: tuple[list[Host], Holding], outage: Callable[[Callable[[], None]], None]
) -> Run:
    """Replay with an outage: outage(answer) makes the broker go away, calls answer (the held
    pages are served), and returns once the broker is back."""
    hosts, holding = site
    settings = settings.model_copy(update={"fetch_allow_addresses": "127.0.0.1", "fetch_host_delay_s": 0.0})
    corpus = varied_corpus(tmp_path / "corpus", stories=40)
    urls = [host.url + "/story" for host in hosts]
    wanted = trace_ids(corpus, settings) | {FetchRequest.for_url(url, datetime.now(UTC)).request_id for url in urls}
    logs = tmp_path / "logs"
    with running_workers(settings, logs) as workers:
        wait_for(
            lambda: _checked(workers) and all(group_stable(settings, g) for g in _groups(settings)),
            timeout_s=180,
            what="the fetch worker and the stream worker in their groups",
        )
        outcomes, fetched = Outcomes(settings), Outcomes(settings, ("articles",))
        request_fetches(settings, urls)
        held = holding.held_ports
        wait_for(lambda: len(held()) == len(urls), timeout_s=60, what="the fetch worker holding every URL")
        replayed: list[ReplaySummary | BaseException] = []
        thread = threading.Thread(target=_replay, args=(corpus, settings, workers, replayed), daemon=True)
        thread.start()
        try:
            third = len(wanted) // 3
            wait_for(lambda: fetched.poll(wanted) >= third, timeout_s=180, what="a third of the documents fetched")
            started = time.monotonic()
            outage(holding.release.set)
            back = time.monotonic()
            recovery = _wait_until(lambda: outcomes.poll(wanted) == len(wanted), workers, DEADLINE_S)
            out_in_time = len(outcomes.seen & wanted)
            unsettled = _settle(settings, workers) if recovery is not None else {"(not waited for)": {}}
        finally:
            outcomes.close()
            fetched.close()
        thread.join(1.0 if recovery is None else DEADLINE_S)
        exits = list(workers.exits)
    fetch_logs = logs.glob("fetch-*.log")
    failed = sum(log.read_text(errors="replace").count("transaction attempt failed") for log in fetch_logs)
    accounting = account(settings, wanted)
    return Run(
        accounting,
        trail(settings, wanted, accounting.lost),
        out_in_time,
        recovery,
        back - started,
        unsettled,
        replayed[0] if replayed else None,
        exits,
        failed,
    )


def _groups(settings: Settings) -> list[str]:
    return [settings.topic_prefix + FETCH_GROUP, settings.topic_prefix + settings.app_id]


def _wait_until(condition: Callable[[], bool], workers: Workers, timeout_s: float) -> float | None:
    """Seconds until condition held (the workers checked meanwhile), or None past timeout_s."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout_s:
            return None
        workers.check()
        time.sleep(0.2)
    return time.monotonic() - started


def _settle(settings: Settings, workers: Workers) -> dict[str, dict[str, int]]:
    """Wait until both groups have processed and committed all their input; what is left if not."""
    inputs = [name for name, _, _ in Topology.from_settings(settings).all()]
    left: dict[str, dict[str, int]] = {}

    def settled() -> bool:
        left.clear()
        left.update({g: behind for g in _groups(settings) if (behind := unprocessed(settings, g, inputs))})
        return not left

    _wait_until(settled, workers, SETTLE_S)
    return dict(left)


def _checked(workers: Workers) -> bool:
    workers.check()
    return True


def _replay(corpus: Path, settings: Settings, workers: Workers, into: list[ReplaySummary | BaseException]) -> None:
    try:
        into.append(replay([corpus], settings, rate=RATE, timeout_s=DEADLINE_S * 2, health_check=workers.check))
    except BaseException as exc:  # noqa: BLE001 - reported by the test
        into.append(exc)


def report(name: str, run: Run) -> str:
    recovery = f"{run.recovery_s:.1f}s" if run.recovery_s is not None else f"not within {DEADLINE_S:.0f}s"
    return "; ".join(
        [
            f"{name}: {run.accounting.line()}",
            run.trail.line(),
            f"outage {run.outage_s:.1f}s, every document out {recovery} after the broker was back "
            f"({run.out_in_time} out by then)",
            f"records left past committed offsets {SETTLE_S:.0f}s later: {run.unsettled or 'none'}",
            f"fetch worker commit attempts failed and held: {run.held_commits}",
            f"worker exits: {run.exits or 'none'}",
            f"doubled examples: {run.accounting.examples}",
        ]
    )


def check(run: Run, name: str) -> None:
    print(report(name, run))  # the figures, for the record (pytest -s)
    accounting = run.accounting
    assert run.held_commits > 0, "the fetch worker never had a commit fail: the outage missed it"
    # the fetch worker holds through the outage; only a fatal transaction error ends it (an outage
    # longer than the transaction timeout gets its transaction aborted by the coordinator, which
    # librdkafka reports as fatal), or a transactional call that never returns (librdkafka can hang
    # after a broker restart), which its deadman ends; the runner starts it again
    fetch_exits = [e for e in run.exits if e.startswith("fetch-")]
    assert all(
        (FATAL_EXIT in e and "fatal transaction error" in e) or (HUNG_EXIT in e and "never returned" in e)
        for e in fetch_exits
    ), fetch_exits
    assert run.out_in_time == accounting.documents, report(name, run)
    assert not isinstance(run.replayed, BaseException), run.replayed
    assert accounting.lost == (), report(name, run)
    assert accounting.doubled["articles"] == 0, report(name, run)
    assert accounting.doubled["enriched"] == 0, report(name, run)
    assert accounting.doubled["claims"] == 0, report(name, run)
    # input a group has not committed is processed again by its next owner: doubles to come
    assert not run.unsettled, report(name, run)


def test_broker_frozen_for_20_s_mid_replay(
    outage_settings: Settings, own_broker: LocalBroker, held_site: tuple[list[Host], Holding], tmp_path: Path
) -> None:
    def freeze(answer: Callable[[], None]) -> None:
        pid = own_broker.pid()
        assert pid is not None
        os.kill(pid, signal.SIGSTOP)
        try:
            answer()
            time.sleep(20)  # the fault itself: the broker answers nothing for 20 s
        finally:
            os.kill(pid, signal.SIGCONT)

    check(replay_through_outage(outage_settings, tmp_path, held_site, freeze), "broker frozen 20 s")


def test_broker_stopped_and_started_again_15_s_later(
    outage_settings: Settings, own_broker: LocalBroker, held_site: tuple[list[Host], Holding], tmp_path: Path
) -> None:
    def restart(answer: Callable[[], None]) -> None:
        stopped = time.monotonic()
        assert own_broker.stop(), "the broker was not running"
        answer()
        time.sleep(max(0.0, 15 - (time.monotonic() - stopped)))  # the fault itself: no broker for 15 s
        own_broker.start()

    check(replay_through_outage(outage_settings, tmp_path, held_site, restart), "broker stopped, started 15 s later")


def test_partitions_taken_away_while_their_commit_is_under_way_wait_for_it_to_end(
    outage_settings: Settings, own_broker: LocalBroker
) -> None:
    """A commit that timed out while the broker was frozen goes on in the background; partitions
    revoked meanwhile must not reach their next owner (which restores tables from the changelog as
    it ends then) before it has ended, or the commit adds records past that end while its offsets
    say they were handled. Read right after, the broker may still be writing the commit's markers,
    so a read_committed client is told the changelog ends before them: the restore must read on."""
    topology = Topology.from_settings(outage_settings)
    source, changelog = topology.name("articles"), topology.name("unique")
    feeder = clients.producer(outage_settings)
    feeder.produce(source, key=b"k", value=b"{}", partition=0)
    assert feeder.flush(30) == 0
    group = f"{outage_settings.topic_prefix}commit-under-way"
    consumer = clients.consumer(outage_settings, group)
    consumer.subscribe([source])
    wait_for(lambda: consumer.poll(0.2) is not None or bool(consumer.assignment()), timeout_s=60, what="an assignment")
    producer = clients.producer(outage_settings, **{"transactional.id": f"{group}-{uuid.uuid4().hex}"})
    producer.init_transactions(60)
    committer = Committer(producer, consumer, topology)
    committer.give_up_s = STALL_AFTER_S
    where = (source, 0)
    records = [Record(changelog, f"key-{i}".encode(), b"x" * 2000, 0) for i in range(200)]
    committer.batch = Batch(outputs={}, offsets={where: 1}, records={where: records})
    pid = own_broker.pid()
    assert pid is not None
    try:
        producer.begin_transaction()
        committer.phase = "open"
        committer._produce(committer.batch)
        metadata = consumer.consumer_group_metadata()
        producer.send_offsets_to_transaction([TopicPartition(source, 0, 1)], metadata, 30)
        committer.phase, committer.sent = "committing", True
        os.kill(pid, signal.SIGSTOP)
        with pytest.raises(KafkaException) as timed_out:
            producer.commit_transaction(2.0)
        assert timed_out.value.args[0].retriable(), timed_out.value
    finally:
        os.kill(pid, signal.SIGCONT)
    committer.drop([where])  # as a rebalance taking the partition away calls it
    assert (committer.phase, committer.batch) == ("idle", None)
    restored = list(read_partitions(outage_settings, [TopicPartition(changelog, 0)], time.monotonic() + 30, group))
    ends = consumer.get_watermark_offsets(TopicPartition(changelog, 0), timeout=10)
    assert len(restored) == len(records), f"{len(restored)} records read back; changelog watermarks {ends}"
    [offset] = consumer.committed([TopicPartition(source, 0)], timeout=30)
    assert offset.offset == 1
    consumer.close()
