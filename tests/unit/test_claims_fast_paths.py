"""The claims stage's fast paths find exactly what the plain patterns find: the suffix test before an
end-anchored search, the looser pattern before an exact one, the word capital found from its letter."""

from __future__ import annotations

import re

import pytest

from pipeline.claims import attribution, modality
from pipeline.claims.patterns import WORD_CAPITAL, found_in
from tests.unit.test_claims_rules import BODIES

# Texts that end as each end-anchored pattern matches, next to the seed paragraphs.
ENDINGS = (
    "Ivo Brandt, who",
    "The harbour board also has repeatedly",
    "Roe on Monday morning",
    "Roe on Jan. 5",
    "Roe, for example,",
    "Roe in a statement",
    "Roe earlier this week",
    "“We will stop,” she",
    "They",
    "Jane Roe (D-Ore.)",
    "“We will stop,”",
    "“Will we stop?”",
    "“We will stop,” ''",
    "the plan — ",
    "Tom Roe, the head of a group that sued the state,",
    "Tom Roe, citing officials,”",
)


def texts() -> list[str]:
    paragraphs = [p for body in BODIES.values() for p in body]
    return [*paragraphs, *ENDINGS, *(e + "\n" for e in ENDINGS), *(e + " " for e in ENDINGS)]


def prefixes(text: str) -> list[str]:
    return [text[:end] for end in range(1, len(text) + 1)]


@pytest.mark.parametrize("pattern", list(attribution._ENDINGS), ids=lambda p: p.pattern[:40])
def test_the_suffix_test_before_a_tail_search_never_misses_a_match(pattern: re.Pattern[str]) -> None:
    matched = 0
    for text in texts():
        for prefix in prefixes(text):
            reach = attribution._REACH.get(pattern, attribution._TAIL_REACH)
            plain = pattern.search(prefix, max(0, len(prefix) - reach))
            fast = attribution._tail(pattern, prefix)
            assert (fast and fast.span()) == (plain and plain.span()), prefix
            matched += plain is not None
    assert matched > 0  # the texts hold at least one match of every pattern


@pytest.mark.parametrize("word", attribution._AUX_WORDS)
def test_every_word_between_speaker_and_cue_passes_the_suffix_test(word: str) -> None:
    found = attribution._tail(attribution._AUX_TAIL, "Jane Roe " + word)
    assert found is not None and found.start() == len("Jane Roe")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("the bridge WON'T open", "negated"),
        ("the bridge isn’t open", "negated"),
        ("NEVER again", "negated"),
        ("the talks Could fail", "asserted"),  # the modals count in lower case only
        ("the talks could fail", "hedged"),
        ("the talks will Probably fail", "hedged"),
        ("talks open in May", "asserted"),
        ("the ferry Will sail", "future"),
        ("we’ll sail", "future"),
        ("the ferry is scheduled   to sail", "future"),
        ("a notable vote", "asserted"),
        ("the willow fell", "asserted"),
    ],
)
def test_modality_reads_case_blind_words_the_same_on_lower_cased_text(content: str, expected: str) -> None:
    assert modality.modality_of(content) == expected
    ignoring_case = {
        name: re.compile(getattr(modality, name)[0].pattern, re.IGNORECASE)
        for name in ("_NEGATION", "_HEDGE", "_FUTURE")
    }
    for name, pattern in ignoring_case.items():
        exact, loose = getattr(modality, name)
        found = pattern.search(content) is not None
        assert found_in((exact, loose), content.lower()) == found, name


@pytest.mark.parametrize(
    "text", [*texts(), "McDonald", "iPhone X", "x-Ray", "_Alpha", "3M Corp", "Über Alles", "(Roe)"]
)
def test_a_word_capital_is_a_capital_after_a_word_boundary(text: str) -> None:
    plain = [m.span() for m in re.finditer(r"\b[A-Z]\w*", text)]
    assert [m.span() for m in re.finditer(WORD_CAPITAL + r"\w*", text)] == plain
