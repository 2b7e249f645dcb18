"""Bad documents come out as dead letters with a reason; nothing is silently dropped."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import Settings
from pipeline.replay import replay
from pipeline.runner import running_workers

pytestmark = pytest.mark.integration


def test_bad_documents_become_dead_letters_with_reasons(settings: Settings, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "binary.txt").write_bytes(bytes(range(256)) * 64)
    (corpus / "latin1.txt").write_bytes("Caf\u00e9 au lait et cr\u00e8me br\u00fbl\u00e9e. ".encode("latin-1") * 40)
    with (corpus / "huge.txt").open("wb") as out:
        out.truncate(50 * 1024 * 1024)
    (corpus / "nothing.html").write_text("<html><head><title>x</title></head><body><nav>Home</nav></body></html>")
    (corpus / "good.txt").write_text(
        "A good article.\n\n" + "The council said on Monday that the new bridge would open next spring. " * 8
    )

    with running_workers(settings, tmp_path / "logs") as workers:
        summary = replay([corpus], settings, timeout_s=180, health_check=workers.check)

    reasons = {Path(r.source).name: r.dead_letter.reason for r in summary.results if r.dead_letter}
    assert sorted(reasons) == ["binary.txt", "empty.txt", "huge.txt", "latin1.txt", "nothing.html"]
    assert reasons["empty.txt"] == "empty document"
    assert reasons["binary.txt"] == "binary content, not a text or HTML document"
    assert reasons["latin1.txt"] == "invalid UTF-8"
    assert reasons["huge.txt"] == "document too large"
    assert reasons["nothing.html"].startswith("no article text")
    assert (summary.documents, summary.dead_letters, summary.articles) == (6, 5, 1)
