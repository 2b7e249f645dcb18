"""The cleaner must work by general evidence: no phrase of the test corpus may appear in pipeline/."""

from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).parents[2]
SEEDS = ROOT / "tests" / "fixtures" / "seeds"


def corpus_strings() -> set[str]:
    expected = json.loads((SEEDS / "expected.json").read_text(encoding="utf-8"))["seeds"]
    strings: set[str] = set()
    for seed in expected.values():
        strings.update(seed["must_keep"], seed["must_drop"])
        if seed["title"]:
            strings.add(seed["title"])
    return strings


def test_corpus_strings_are_known() -> None:
    assert len(corpus_strings()) > 40


def pattern(string: str) -> re.Pattern[str]:
    """Phrases match in any case; a single word ("Topics", "Biden") only as that word, case and all,
    so that generic identifiers such as Kafka ``topics`` do not count as corpus text."""
    if " " in string.strip():
        return re.compile(re.escape(string), re.IGNORECASE)
    return re.compile(rf"(?<!\w){re.escape(string)}(?!\w)")


def test_single_words_match_as_words() -> None:
    assert pattern("Topics").search("Kafka topics") is None
    assert pattern("Topics").search("# Topics") is not None
    assert pattern("Leave a Reply").search("r'leave a reply'") is not None


def test_no_corpus_string_in_pipeline_code() -> None:
    sources = {path: path.read_text(encoding="utf-8") for path in (ROOT / "pipeline").rglob("*.py")}
    found = [
        f"{path.relative_to(ROOT)}: {string!r}"
        for string in sorted(corpus_strings())
        for path, code in sources.items()
        if pattern(string).search(code)
    ]
    assert not found
