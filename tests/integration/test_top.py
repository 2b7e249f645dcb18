"""`news-ingest top` in a real terminal (tmux) over a running pipeline: the numbers on the screen
are the pipeline's, during and after replays of the seeds, and with the fetch worker stopped."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from pipeline.codec import encode
from pipeline.config import Settings
from pipeline.kafka import clients
from pipeline.models import Capture, stable_id
from pipeline.replay import replay
from pipeline.runner import child_env, running_workers, stop_process
from pipeline.topology import Topology
from tests.integration.conftest import free_port_pair, wait_for
from tests.screen import cells, has_row
from tests.seeds import SEEDS_DIR

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="needs the tmux package (Debian: tmux)"),
]


class Pane:
    """One tmux session on a private server socket, running a command in a wide terminal (its
    stderr to a file, shown when a wait fails)."""

    def __init__(self, socket: Path, errors: Path) -> None:
        self.socket = socket
        self.errors = errors

    def tmux(self, *args: str) -> str:
        run = subprocess.run(["tmux", "-S", str(self.socket), *args], capture_output=True, text=True, timeout=30)
        run.check_returncode()
        return run.stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "top")

    def wait_for(self, what: str, condition: object, timeout_s: float = 90.0) -> str:
        """The first screen on which condition(screen) holds."""
        seen: list[str] = []

        def holds() -> bool:
            seen[:] = [self.screen()]
            return bool(condition(seen[0]))  # type: ignore[operator]

        try:
            wait_for(holds, timeout_s=timeout_s, what=what)
        except AssertionError as exc:
            logged = self.errors.read_text(errors="replace")[-4000:] if self.errors.exists() else ""
            raise AssertionError(f"{exc}; the screen:\n{seen[0] if seen else ''}\nstderr:\n{logged}") from None
        return seen[0]


@contextmanager
def tmux_running(tmp_path: Path, command: list[str], env: dict[str, str]) -> Iterator[Pane]:
    config = tmp_path / "tmux.conf"
    config.write_text("set -g remain-on-exit on\n")  # a crash stays on the screen for the failure message
    pane = Pane(tmp_path / "tmux.sock", tmp_path / "stderr.log")
    subprocess.run(
        ["tmux", "-S", str(pane.socket), "-f", str(config), "new-session", "-d", "-s", "top", "-x", "240", "-y", "80"]
        + [f"{shlex.join(command)} 2>{shlex.quote(str(pane.errors))}"],
        env=env,
        check=True,
        timeout=30,
    )
    try:
        yield pane
    finally:
        subprocess.run(["tmux", "-S", str(pane.socket), "kill-server"], check=False, timeout=30)


def lag_of(screen: str, topic: str) -> tuple[int, int, int] | None:
    """committed, end and lag of the first row for topic in the lag table (topic, then three whole numbers)."""
    for line in screen.splitlines():
        row = cells(line)
        for i in range(len(row) - 3):
            numbers = [c.replace(",", "") for c in row[i + 1 : i + 4]]
            if row[i] == topic and all(n.isdigit() for n in numbers):
                committed, end, lag = map(int, numbers)
                return committed, end, lag
    return None


def produced_per_s(screen: str, topic: str) -> float | None:
    """The topics table's produced/s of topic (its row: topic, end, held, produced/s, consumed/s)."""
    for line in screen.splitlines():
        row = cells(line)
        if row[:1] == [topic] and len(row) >= 5 and row[3] != "-":
            return float(row[3].replace(",", ""))
    return None


def publish_captures(settings: Settings, count: int, per_s: float) -> None:
    topology = Topology.from_settings(settings)
    producer = clients.producer(settings)
    tracker = clients.DeliveryTracker()
    for i in range(count):
        body = f"Capture {i}.\n\n" + f"The council said on day {i} that the bridge would open. " * 6
        capture = Capture(
            capture_id=stable_id("top-test", str(i)), source=f"top-{i}.txt", content_type="text/plain", body=body
        )
        producer.produce(
            topology.name("captures"), key=capture.capture_id.encode(), value=encode(capture), on_delivery=tracker
        )
        producer.poll(0)
        time.sleep(1 / per_s)  # the pace being measured, not a wait for something to happen
    tracker.flush(producer)


def test_top_shows_throughput_lag_dead_letters_duplicates_and_workers(settings: Settings, tmp_path: Path) -> None:
    port = free_port_pair()
    settings = settings.model_copy(update={"metrics_port": port})
    targets = f"127.0.0.1:{port},127.0.0.1:{port + 1}"
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    env = child_env(settings) | {"NEWS_INGEST_METRICS_TARGETS": targets, "COLUMNS": "240", "LINES": "80"}
    command = [sys.executable, "-X", "faulthandler", "-m", "pipeline.cli", "top", "--interval", "1"]
    prefix = settings.topic_prefix

    with running_workers(settings, tmp_path / "logs") as workers, tmux_running(tmp_path, command, env) as pane:
        pane.wait_for("the heading", lambda s: "workers alive 2/2" in s and f"prefix {prefix}" in s)
        first = replay([SEEDS_DIR, empty], settings, timeout_s=240, health_check=workers.check)
        assert (first.documents, first.articles, first.dead_letters) == (6, 5, 1)
        assert first.claims > 0

        def settled(screen: str) -> bool:
            return (
                has_row(screen, "articles extracted", "5")
                and has_row(screen, "unique", "5")
                and has_row(screen, "duplicates", "0")
                and has_row(screen, "claims", str(first.claims))
                and has_row(screen, "read", "empty document", "1")
                and lag_of(screen, "news.captures") == (5, 5, 0)
                and screen.count("total lag") == 2
                and all(cells(line)[-1] == "0" for line in screen.splitlines() if "total lag" in line)
            )

        pane.wait_for("the first replay's numbers, all caught up", settled)

        second = replay([SEEDS_DIR], settings, timeout_s=240, health_check=workers.check)
        assert (second.articles, second.duplicates) == (0, 5)
        pane.wait_for(
            "five duplicates",
            lambda s: (
                has_row(s, "duplicates", "5")
                and has_row(s, "unique", "5")
                and lag_of(s, "news.captures") == (10, 10, 0)
            ),
        )

        # the fetch worker stopped: captures pile up on its group, published at a known pace
        stop_process(workers.processes[0])
        pane.wait_for(
            "the fetch worker down", lambda s: "workers alive 1/2" in s and has_row(s, f"127.0.0.1:{port}", "down")
        )
        publisher = threading.Thread(target=publish_captures, args=(settings, 60, 10.0))
        publisher.start()
        try:
            pane.wait_for(
                "captures published at about 10/s",
                lambda s: 6.0 <= (produced_per_s(s, "news.captures") or 0.0) <= 14.0,
                timeout_s=9.0,
            )
        finally:
            publisher.join()
        screen = pane.wait_for("a lag of 60 on news.captures", lambda s: lag_of(s, "news.captures") == (10, 70, 60))
        (tmp_path / "top-screen.txt").write_text(screen)  # what a person would have seen, kept with the test
