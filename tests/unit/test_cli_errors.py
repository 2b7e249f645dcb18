"""The command line's errors as a user meets them: one line each, with the documented exit code."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from pipeline import exit_codes
from tests.kafka_helpers import free_port
from tests.seeds import SEED_FILES


def run_cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, **env},
    )


def test_version() -> None:
    result = run_cli("--version")
    assert (result.returncode, result.stdout.strip()) == (0, "news-ingest 0.1.0")


def test_a_bad_environment_value_is_one_line_naming_the_variable() -> None:
    result = run_cli("topics", "create", NEWS_INGEST_PARTITIONS="abc")
    assert result.returncode == exit_codes.USAGE
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("bad setting: NEWS_INGEST_PARTITIONS='abc': Input should be a valid integer")


def test_kafka_that_does_not_answer_is_one_line_within_ten_seconds() -> None:
    nobody = f"127.0.0.1:{free_port()}"
    started = time.monotonic()
    result = run_cli("topics", "create", NEWS_INGEST_BOOTSTRAP_SERVERS=nobody)
    assert time.monotonic() - started < 10
    assert result.returncode == exit_codes.KAFKA
    lines = (result.stdout + result.stderr).strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"kafka: Kafka at {nobody} did not answer") and "Connection refused" in lines[0]


def test_replay_of_a_path_that_does_not_exist_is_refused() -> None:
    result = run_cli("replay", "/nonexistent/corpus")
    assert result.returncode == exit_codes.USAGE
    assert "no such file or directory: /nonexistent/corpus" in result.stderr


def test_jsonl_to_stdout_keeps_stdout_for_the_lines_and_skipped_files_are_counted(tmp_path: Path) -> None:
    for seed in SEED_FILES:
        (tmp_path / seed.name).write_bytes(seed.read_bytes())
    for name in ("scan.pdf", "photo.png", "notes.pdf"):
        (tmp_path / name).write_bytes(b"%PDF-1.4")
    result = run_cli("process", str(tmp_path), "--jsonl", "-")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert sorted(Path(line["source"]).name for line in lines) == sorted(seed.name for seed in SEED_FILES)
    assert "skipped 3 files not named as a document (.pdf 2, .png 1)" in result.stderr
    assert "Documents" in result.stderr, "the table goes to stderr when stdout carries the lines"
    assert not (Path.cwd() / "-").exists()
