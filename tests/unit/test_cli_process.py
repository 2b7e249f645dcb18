"""`news-ingest process` as a user runs it: a real subprocess, files in, JSON lines out."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.seeds import SEED_FILES, check_result


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli", *args], capture_output=True, text=True, timeout=300, check=False
    )


def test_process_on_the_seeds_writes_five_clean_lines(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    result = run_cli("process", *map(str, SEED_FILES), "--jsonl", str(out))
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 5
    assert all({"source", "article", "dedup", "datestamp", "claims"} <= set(line) for line in lines)
    problems = [p for line in lines for p in check_result(Path(line["source"]).name, line)]
    assert not problems, "\n".join(problems)


def test_process_names_each_bad_file_with_its_reason(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 16)
    (tmp_path / "latin1.txt").write_bytes("d\u00e9j\u00e0 vu ".encode("latin-1") * 50)
    with (tmp_path / "huge.txt").open("wb") as out:
        out.truncate(50 * 1024 * 1024)
    out = tmp_path / "out.jsonl"
    result = run_cli("process", str(tmp_path), "--jsonl", str(out))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    for name, reason in [
        ("empty.txt", "empty document"),
        ("binary.txt", "binary content"),
        ("latin1.txt", "invalid UTF-8"),
        ("huge.txt", "document too large"),
    ]:
        assert any(name in line and reason in line for line in result.stderr.splitlines()), (name, result.stderr)
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert sorted(Path(line["source"]).name for line in lines if line["dead_letter"]) == [
        "binary.txt",
        "empty.txt",
        "huge.txt",
        "latin1.txt",
    ]


def test_process_refuses_a_missing_path() -> None:
    result = run_cli("process", "/nonexistent/nowhere.txt")
    assert result.returncode == 2
    assert "no such file or directory" in result.stderr
