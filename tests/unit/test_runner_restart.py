"""The local runner starts again a worker that exited because it found itself stalled, and stops
the pipeline with the worker's log for any other exit."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.config import Settings
from pipeline.runner import WorkerDied, Workers
from pipeline.stall import STALL_EXIT_CODE


def test_a_stalled_worker_is_started_again_and_any_other_exit_is_an_error(tmp_path: Path) -> None:
    log = tmp_path / "worker.log"
    stalled = subprocess.Popen([sys.executable, "-c", f"raise SystemExit({STALL_EXIT_CODE})"])  # noqa: S603
    stalled.wait(30)
    # the restarted "worker" is the CLI's help: it ends at once, with exit code 0
    workers = Workers([stalled], [log], ["--help"], [Settings()])
    workers.check()
    assert workers.restarts == 1
    restarted = workers.processes[0]
    assert restarted is not stalled
    restarted.wait(60)
    with pytest.raises(WorkerDied, match="exited with 0") as died:
        workers.check()
    assert "Usage: news-ingest" in str(died.value)  # the log tail comes with it
    assert workers.restarts == 1
