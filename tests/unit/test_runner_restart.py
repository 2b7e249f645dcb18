"""The local runner starts again any worker that exits, as compose's ``restart: unless-stopped``
does: at once the first time, after a growing pause when it exits again soon, and it stops the
pipeline with the worker's log only when the worker keeps dying."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

import pytest

from pipeline.config import Settings
from pipeline.runner import WorkerDied, Workers, exit_reason
from pipeline.stall import STALL_EXIT_CODE


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def exited(code: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen([sys.executable, "-c", f"raise SystemExit({code})"])  # noqa: S603
    process.wait(30)
    return process


class Factory(Protocol):
    def __call__(
        self,
        *processes: subprocess.Popen[bytes],
        max_restarts: int = 5,
        window_s: float = 60.0,
        backoff_s: float = 1.0,
    ) -> Workers: ...


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def workers_of(tmp_path: Path, clock: Clock) -> Iterator[Factory]:
    """Workers whose restarted "worker" is the CLI's help (it ends at once, with exit code 0);
    every process they started is waited for afterwards."""
    made: list[Workers] = []

    def make(
        *processes: subprocess.Popen[bytes], max_restarts: int = 5, window_s: float = 60.0, backoff_s: float = 1.0
    ) -> Workers:
        n = len(processes)
        logs = [tmp_path / f"worker-{i}.log" for i in range(n)]
        workers = Workers(
            list(processes),
            logs,
            ["--help"] * n,
            [Settings()] * n,
            max_restarts=max_restarts,
            window_s=window_s,
            backoff_s=backoff_s,
            clock=clock,
        )
        made.append(workers)
        return workers

    yield make
    for process in (p for workers in made for p in workers.processes):
        if process.poll() is None:
            process.kill()
        process.wait(60)


def test_a_stalled_worker_is_started_again_at_once(workers_of: Factory) -> None:
    stalled = exited(STALL_EXIT_CODE)
    workers = workers_of(stalled)
    workers.check()
    assert workers.restarts == 1 and workers.restarts_of(0) == 1
    assert workers.processes[0] is not stalled


@pytest.mark.parametrize("code", [0, 1, -signal.SIGKILL])
def test_any_exit_is_restarted_and_a_second_one_soon_after_waits_a_little(
    workers_of: Factory, clock: Clock, code: int
) -> None:
    first = exited(code) if code >= 0 else subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])  # noqa: S603
    if code < 0:
        first.kill()
        first.wait(30)
    workers = workers_of(first, backoff_s=2.0)
    workers.check()
    assert workers.restarts_of(0) == 1
    workers.processes[0].wait(60)  # the help ends at once: a second exit, 5 s after the first
    clock.now += 5
    workers.check()
    assert workers.restarts_of(0) == 1, "a worker that exits again soon waits before it starts again"
    clock.now += 1.9
    workers.check()
    assert workers.restarts_of(0) == 1
    clock.now += 0.2
    workers.check()
    assert workers.restarts_of(0) == 2 and workers.restarts == 2


def test_a_worker_that_keeps_dying_stops_the_pipeline_with_its_log(workers_of: Factory, clock: Clock) -> None:
    workers = workers_of(exited(1), max_restarts=2, backoff_s=1.0)
    for _ in range(2):
        workers.check()
        workers.processes[0].wait(60)
        clock.now += 3  # past the pause: the next check starts it, the one after sees it exit
        workers.check()
    assert workers.restarts_of(0) == 2
    workers.processes[0].wait(60)
    with pytest.raises(WorkerDied, match="exited with 0 after 2 restarts within 60s") as died:
        workers.check()
    tail = workers.logs[0].read_text(errors="replace")[-2000:]
    assert len(tail) == 2000 and tail in str(died.value)  # the log tail comes with it


def test_restarts_older_than_the_window_are_forgotten(workers_of: Factory, clock: Clock) -> None:
    workers = workers_of(exited(1), max_restarts=1, window_s=60.0)
    workers.check()
    workers.processes[0].wait(60)
    clock.now += 61
    workers.check()  # one restart, but more than a minute ago: started again at once
    assert workers.restarts_of(0) == 2


def test_only_the_worker_that_exited_is_restarted(workers_of: Factory) -> None:
    running = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])  # noqa: S603
    try:
        workers = workers_of(running, exited(3))
        workers.check()
        assert (workers.restarts_of(0), workers.restarts_of(1)) == (0, 1)
        assert workers.processes[0] is running
    finally:
        running.kill()
        running.wait(30)


def test_nothing_is_started_again_once_the_workers_are_stopped(workers_of: Factory) -> None:
    workers = workers_of(exited(1))
    workers.stop()
    workers.check()
    assert workers.restarts == 0


def test_exit_reasons_name_the_code_the_signal_and_the_last_line_logged(tmp_path: Path) -> None:
    log = tmp_path / "fetch-0.log"
    log.write_text("started\nfatal transaction error: this fetch worker ends\n\n")
    assert exit_reason(70, log) == "exit code 70; last logged: fatal transaction error: this fetch worker ends"
    assert exit_reason(-signal.SIGKILL) == "killed by SIGKILL"
    assert exit_reason(STALL_EXIT_CODE).endswith("it found itself stalled")


def test_a_native_crash_is_named_with_the_frame_it_hit_in(tmp_path: Path) -> None:
    log = tmp_path / "fetch-1.log"
    crash = (
        "import faulthandler, os, sys, threading\n"
        "faulthandler.enable()\n"
        "def parse_page():\n"
        "    sys.stderr.write('double free or corruption (!prev)\\n'); sys.stderr.flush(); os.abort()\n"
        "worker = threading.Thread(target=parse_page, name='extract_0'); worker.start(); worker.join()\n"
    )
    with log.open("wb") as out:
        code = subprocess.run([sys.executable, "-c", crash], stderr=out, check=False, timeout=60).returncode
    assert code == -signal.SIGABRT
    reason = exit_reason(code, log)
    assert reason.startswith("killed by SIGABRT; double free or corruption (!prev); Fatal Python error: Aborted")
    assert "line 4 in parse_page" in reason, reason
