"""`news-ingest replay` as a user runs it against a running pipeline: its exit code when documents
dead-letter, and its progress bar on a real terminal (tmux)."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline import exit_codes
from pipeline.config import Settings
from pipeline.runner import child_env, running_workers
from tests.integration.conftest import wait_for
from tests.seeds import SEED_FILES

pytestmark = pytest.mark.integration
CLI = [sys.executable, "-m", "pipeline.cli"]


def test_replay_exits_1_when_every_document_dead_letters(settings: Settings, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (corpus / "cover.jpg").write_bytes(b"\xff\xd8\xff")
    result = subprocess.run(
        [*CLI, "replay", str(corpus), "--timeout", "60"],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        env=child_env(settings),
    )
    assert result.returncode == exit_codes.FAILED, result.stdout + result.stderr
    assert "dead letters 2" in result.stdout
    assert any("empty.txt" in line and "empty document" in line for line in result.stderr.splitlines())
    assert "2 of 2 documents could not be processed" in result.stderr
    assert "skipped 1 file not named as a document (.jpg 1)" in result.stderr


def write_corpus(where: Path, documents: int) -> None:
    """Copies of the seeds, each with a line of its own (most come out as near duplicates)."""
    where.mkdir()
    for i in range(documents):
        seed = SEED_FILES[i % len(SEED_FILES)]
        (where / f"{i:03}-{seed.name}").write_text(f"{seed.read_text()}\nCopy {i}: {uuid.uuid4().hex}.\n")


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[list[str]]:
    if shutil.which("tmux") is None:
        pytest.skip("needs tmux (Debian package tmux)")
    socket = ["tmux", "-S", str(tmp_path / "tmux.sock")]
    yield socket
    subprocess.run([*socket, "kill-server"], capture_output=True, check=False)


def screen(tmux: list[str]) -> str:
    """The pane with its scrollback."""
    shown = subprocess.run(
        [*tmux, "capture-pane", "-p", "-S", "-", "-t", "replay"], capture_output=True, text=True, check=False
    )
    return shown.stdout


def test_replay_shows_progress_with_rate_and_eta_on_a_terminal(
    settings: Settings, tmp_path: Path, tmux: list[str]
) -> None:
    write_corpus(tmp_path / "corpus", 60)
    script = tmp_path / "replay.sh"
    exports = "".join(f"export {name}={shlex.quote(value)}\n" for name, value in child_env(settings).items())
    command = shlex.join([*CLI, "replay", str(tmp_path / "corpus"), "--rate", "12", "--jsonl", str(tmp_path / "out")])
    script.write_text(f"{exports}{command} > {tmp_path / 'stdout'}\necho EXIT=$?\nsleep 600\n")
    with running_workers(settings, tmp_path / "logs") as workers:
        subprocess.run(
            [*tmux, "new-session", "-d", "-s", "replay", "-x", "150", "-y", "20", f"bash {script}"], check=True
        )
        bar = re.compile(r"published .*\d+/60 +\d+\.\d docs/s ETA \d+:\d\d:\d\d")
        wait_for(lambda: workers.check() or bool(bar.search(screen(tmux))), timeout_s=60, what="the publishing bar")
        midway = screen(tmux)
        wait_for(lambda: workers.check() or "EXIT=" in screen(tmux), timeout_s=180, what="the replay to end")
    final = screen(tmux)
    assert re.search(r"done .*\d+/60", midway), midway
    assert re.search(r"published .*60/60", final) and re.search(r"done .*60/60", final), final
    assert "EXIT=0" in final, final
    assert len((tmp_path / "out").read_text().splitlines()) == 60
    assert "documents 60" in (tmp_path / "stdout").read_text()
