"""Starting and stopping the pipeline's worker processes (for the demo, embedded replay, tests)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.config import Settings
from pipeline.stall import STALL_EXIT_CODE


def child_env(settings: Settings) -> dict[str, str]:
    """The environment that gives a child process these same settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWS_INGEST_")}
    for name, value in settings.model_dump().items():
        if value is not None:
            env[f"NEWS_INGEST_{name.upper()}"] = str(value)
    env["NEWS_INGEST_BOOTSTRAP_SERVERS"] = settings.bootstrap
    env.pop("KAFKA_BOOTSTRAP_SERVERS", None)
    return env


def start_process(command: str, settings: Settings, log_path: Path) -> subprocess.Popen[bytes]:
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log:
        return subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "pipeline.cli", command],
            env=child_env(settings),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )


def stop_process(process: subprocess.Popen[bytes], timeout_s: float = 30.0) -> int:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout_s)
    return process.returncode


class WorkerDied(RuntimeError):
    """A worker process ended while the pipeline was expected to run."""


def _log_tail(log: Path) -> str:
    return log.read_text(errors="replace")[-3000:] if log.exists() else ""


@dataclass
class Workers:
    """The worker processes of a local pipeline. ``check`` starts again a worker that exited
    because it found itself stalled (as compose's restart policy does) and raises for any other
    exit."""

    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    logs: list[Path] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)
    settings: list[Settings] = field(default_factory=list)
    restarts: int = 0

    def start(self, command: str, settings: Settings, log: Path) -> None:
        self.commands.append(command)
        self.settings.append(settings)
        self.logs.append(log)
        self.processes.append(start_process(command, settings, log))

    def check(self) -> None:
        for i, (process, log) in enumerate(zip(self.processes, self.logs, strict=True)):
            code = process.poll()
            if code == STALL_EXIT_CODE:
                self.processes[i] = start_process(self.commands[i], self.settings[i], log)
                self.restarts += 1
            elif code is not None:
                raise WorkerDied(f"worker {process.args!r} exited with {code}:\n{_log_tail(log)}")


@contextmanager
def running_workers(
    settings: Settings, log_dir: Path, *, fetch_workers: int = 1, stream_workers: int = 1
) -> Iterator[Workers]:
    """Fetch workers and Faust workers running for the duration of the block.

    With metrics on, worker i serves /metrics on settings.metrics_port + i (fetch workers first).
    """
    names = [("fetch", f"fetch-{i}") for i in range(fetch_workers)]
    names += [("worker", f"worker-{i}") for i in range(stream_workers)]
    workers = Workers()
    for i, (command, name) in enumerate(names):
        port = settings.metrics_port + i if settings.metrics_port else 0
        workers.start(command, settings.model_copy(update={"metrics_port": port}), log_dir / f"{name}.log")
    try:
        yield workers
    finally:
        for process in workers.processes:
            stop_process(process)
