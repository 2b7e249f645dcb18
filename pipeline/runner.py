"""Starting and stopping the pipeline's worker processes (for the demo, embedded replay, tests)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import structlog
from pydantic import SecretStr

from pipeline.config import Settings, env_name
from pipeline.stall import STALL_EXIT_CODE

log = structlog.get_logger(__name__)


def child_env(settings: Settings) -> dict[str, str]:
    """The environment that gives a child process these same settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWS_INGEST_")}
    for name, value in settings.model_dump().items():
        if value is not None:
            env[env_name(name)] = value.get_secret_value() if isinstance(value, SecretStr) else str(value)
    env["NEWS_INGEST_BOOTSTRAP_SERVERS"] = settings.bootstrap
    env.pop("KAFKA_BOOTSTRAP_SERVERS", None)
    return env


def start_process(command: str, settings: Settings, log_path: Path) -> subprocess.Popen[bytes]:
    """``news-ingest COMMAND`` (words split at spaces: ``sink postgres``) with these settings."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log:
        return subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "pipeline.cli", *command.split()],
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
    """A worker process kept ending while the pipeline was expected to run."""


def _log_tail(log: Path) -> str:
    return log.read_text(errors="replace")[-3000:] if log.exists() else ""


def exit_reason(code: int, log: Path | None = None) -> str:
    """Why a worker ended, in words: its exit code or signal, and the last line it logged."""
    if code == STALL_EXIT_CODE:
        why = f"exit code {code}: it found itself stalled"
    elif code < 0:
        try:
            why = f"killed by {signal.Signals(-code).name}"
        except ValueError:
            why = f"killed by signal {-code}"
    else:
        why = f"exit code {code}"
    lines = [line for line in _log_tail(log).splitlines() if line.strip()] if log is not None else []
    crash = _crash_site(lines)
    if crash:
        return f"{why}; {crash}"
    return f"{why}; last logged: {lines[-1][:300]}" if lines else why


def _crash_site(lines: list[str]) -> str | None:
    """Where a native crash hit, from the Python stacks the worker's fault handler logged: the
    error, and the innermost frame of the thread it hit in."""
    fatal = [i for i, line in enumerate(lines) if line.startswith("Fatal Python error")]
    if not fatal:
        return None
    after = lines[fatal[-1] :]
    current = next((i for i, line in enumerate(after) if line.startswith("Current thread")), None)
    frame = after[current + 1].strip() if current is not None and current + 1 < len(after) else ""
    # glibc's own message ("double free or corruption ...") comes just before the fault handler's
    before = lines[fatal[-1] - 1].strip() if fatal[-1] > 0 else ""
    said = f"{before}; " if before and not before.startswith("File ") else ""
    return f"{said}{after[0].strip()[:200]}; in {frame[:300]}" if frame else f"{said}{after[0].strip()[:200]}"


@dataclass
class Workers:
    """The worker processes of a local pipeline, kept running as compose's ``restart:
    unless-stopped`` keeps them: ``check`` starts again any worker that exited, at once the first
    time and after a pause growing with its recent restarts, and raises WorkerDied for a worker
    that keeps dying (``max_restarts`` restarts within ``window_s``)."""

    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    logs: list[Path] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)
    settings: list[Settings] = field(default_factory=list)
    restarts: int = 0
    max_restarts: int = 5
    window_s: float = 60.0
    backoff_s: float = 1.0
    max_backoff_s: float = 10.0
    clock: Callable[[], float] = time.monotonic
    # per worker index: when it was started again, and when an exited one is due to be
    history: dict[int, list[float]] = field(default_factory=dict)
    due: dict[int, float] = field(default_factory=dict)
    exits: list[str] = field(default_factory=list)  # "worker: why", one line per exit seen
    stopping: bool = False  # once set, check starts nothing again (workers are being stopped)
    # check may run in another thread (a replay's health check) while the workers are stopped
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def start(self, command: str, settings: Settings, log: Path) -> None:
        self.commands.append(command)
        self.settings.append(settings)
        self.logs.append(log)
        self.processes.append(start_process(command, settings, log))

    def restarts_of(self, i: int) -> int:
        return len(self.history.get(i, []))

    def check(self) -> None:
        with self._lock:
            if self.stopping:
                return
            now = self.clock()
            for i, process in enumerate(self.processes):
                if i in self.due:
                    if now >= self.due[i]:
                        self._restart(i, now)
                    continue
                code = process.poll()
                if code is not None:
                    self._exited(i, code, now)

    def _exited(self, i: int, code: int, now: float) -> None:
        recent = [t for t in self.history.get(i, []) if now - t < self.window_s]
        why = exit_reason(code, self.logs[i])
        name = self.logs[i].stem
        self.exits.append(f"{name}: {why}")
        if len(recent) >= self.max_restarts:
            raise WorkerDied(
                f"worker {name} ({self.processes[i].args!r}) exited with {code} after {len(recent)} restarts "
                f"within {self.window_s:.0f}s ({why}):\n{_log_tail(self.logs[i])}"
            )
        delay = min(self.backoff_s * 2 ** (len(recent) - 1), self.max_backoff_s) if recent else 0.0
        log.warning("worker exited; starting it again", worker=name, reason=why, restarts=len(recent), delay_s=delay)
        self.due[i] = now + delay
        if delay == 0:
            self._restart(i, now)

    def stop(self) -> None:
        """Stop every worker; none is started again after this, whoever calls check."""
        with self._lock:
            self.stopping = True
            self.due.clear()
        for process in self.processes:
            stop_process(process)

    def _restart(self, i: int, now: float) -> None:
        del self.due[i]
        self.processes[i] = start_process(self.commands[i], self.settings[i], self.logs[i])
        self.history.setdefault(i, []).append(now)
        self.restarts += 1


@contextmanager
def running_workers(
    settings: Settings, log_dir: Path, *, fetch_workers: int = 1, stream_workers: int = 1
) -> Iterator[Workers]:
    """Fetch workers and stream workers running for the duration of the block.

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
        workers.stop()
