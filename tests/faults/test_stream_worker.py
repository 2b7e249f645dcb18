"""Faults of the stream worker mid-replay lose and double nothing: kill -9 of the worker (the local
runner starts a new one), and a second stream worker joining the group.

A varied corpus (tests/accounting.py) is replayed at a steady rate through one fetch worker and one
stream worker; the fault fires once a third of the documents are out. Every document must then be
out (an enriched article, a duplicate verdict or a dead letter) within DEADLINE_S of the fault, and
once both groups have processed and committed all their input, no id may be on a topic twice,
counted from the topics by id with read_committed.

The bound for a joining worker: the new member restores the tables of the partitions it is given
from their changelogs and goes on; the old one keeps the rest. Nothing waits on a watchdog, so the
bound is DEADLINE_S for the whole corpus, not a stall timeout.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from pipeline.config import Settings
from pipeline.fetch.worker import GROUP as FETCH_GROUP
from pipeline.replay import ReplaySummary, replay
from pipeline.runner import Workers, running_workers
from pipeline.topology import Topology
from tests.accounting import Outcomes, account, group_stable, trace_ids, trail, unprocessed, varied_corpus
from tests.kafka_helpers import wait_for

pytestmark = pytest.mark.integration

RATE = 8.0  # documents per second, so the fault lands mid-replay
DEADLINE_S = 180.0
SETTLE_S = 120.0


def _groups(settings: Settings) -> list[str]:
    return [settings.topic_prefix + FETCH_GROUP, settings.topic_prefix + settings.app_id]


def _wait(condition: Callable[[], bool], workers: Workers, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            return False
        workers.check()
        time.sleep(0.2)
    return True


def _checked(workers: Workers) -> bool:
    workers.check()
    return True


def run_with_fault(settings: Settings, tmp_path: Path, fault: Callable[[Workers], None]) -> str:
    """Replay with fault(workers) fired once a third is out; returns the report, having asserted."""
    settings = settings.model_copy(update={"partitions": 3, "session_timeout_s": 6.0, "stall_after_s": 60.0})
    corpus = varied_corpus(tmp_path / "corpus", stories=60)
    wanted = trace_ids(corpus, settings)
    replayed: list[ReplaySummary | BaseException] = []
    with running_workers(settings, tmp_path / "logs") as workers:
        wait_for(
            lambda: _checked(workers) and all(group_stable(settings, g) for g in _groups(settings)),
            timeout_s=120,
            what="the fetch worker and the stream worker in their groups",
        )
        outcomes = Outcomes(settings)

        def run() -> None:
            try:
                replayed.append(replay([corpus], settings, rate=RATE, timeout_s=DEADLINE_S * 2))
            except BaseException as exc:  # noqa: BLE001 - reported below
                replayed.append(exc)

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        try:
            third = len(wanted) // 3
            assert _wait(lambda: outcomes.poll(wanted) >= third, workers, 120), "a third never came out"
            fault(workers)
            every = _wait(lambda: outcomes.poll(wanted) == len(wanted), workers, DEADLINE_S)
            inputs = [name for name, _, _ in Topology.from_settings(settings).all()]
            settled = every and _wait(
                lambda: not any(unprocessed(settings, g, inputs) for g in _groups(settings)), workers, SETTLE_S
            )
        finally:
            outcomes.close()
        thread.join(DEADLINE_S)
        exits = list(workers.exits)
    accounting = account(settings, wanted)
    report = "; ".join(
        [
            accounting.line(),
            trail(settings, wanted, accounting.lost).line(),
            f"every document out within {DEADLINE_S:.0f}s of the fault: {every}; groups settled: {settled}",
            f"worker exits: {exits or 'none'}",
            f"doubled examples: {accounting.examples}",
        ]
    )
    print(report)  # the figures, for the record (pytest -s)
    assert every and not accounting.lost, report
    assert replayed and not isinstance(replayed[0], BaseException), replayed
    assert settled, report
    for role in ("articles", "enriched", "claims", "duplicates", "deadletter"):
        assert accounting.doubled[role] == 0, report
    assert accounting.in_two_forms == 0, report  # processed twice through dedup: its own duplicate
    return report


def test_stream_worker_killed_mid_replay(settings: Settings, tmp_path: Path) -> None:
    def kill(workers: Workers) -> None:
        stream = workers.processes[1]
        assert workers.commands[1] == "worker"
        stream.send_signal(signal.SIGKILL)
        stream.wait(30)

    report = run_with_fault(settings, tmp_path, kill)
    assert "worker-0: killed by SIGKILL" in report


def test_a_second_stream_worker_joining_mid_replay(settings: Settings, tmp_path: Path) -> None:
    log = tmp_path / "logs" / "worker-1.log"

    def join(workers: Workers) -> None:
        workers.start("worker", workers.settings[1], log)
        # the replay goes on meanwhile; the test's end must not come before the join has
        wait_for(
            lambda: _checked(workers) and "tables restored" in log.read_text(),
            timeout_s=120,
            what="the second stream worker restoring the tables of its partitions",
        )

    run_with_fault(settings, tmp_path, join)
    assert "partitions assigned" in log.read_text()
