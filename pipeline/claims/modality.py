"""Modality and polarity of a claim's content, by cue words.

Negation wins over hedging, hedging over future: "may not" is negated, "will likely" is hedged.
"""

from __future__ import annotations

import re
from typing import Literal

Modality = Literal["asserted", "hedged", "negated", "future"]
Polarity = Literal["positive", "negative", "hedged"]


def _lowered(pattern: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """A pattern for lower-cased text, and a looser one without its word-boundary checks: ``re`` skips
    through a text by the first letters of that one, so the exact one runs only where it may match."""
    loose = pattern.replace(r"\b", "").replace(r"(?<=\w)", "")
    return re.compile(pattern), re.compile(loose)


_NEGATION = _lowered(r"\b(?:not|never|no\s+longer|cannot|den(?:y|ies|ied|ying)|neither|nor)\b|(?<=\w)n[’']t\b")
# Case matters for the modals: "May" is also a month.
_HEDGE_MODALS = re.compile(r"\b(?:may|might|could)\b")
_HEDGE = _lowered(
    r"\b(?:reportedly|possibly|(?:un)?likely|potentially|perhaps|probably|allegedly|apparently|"
    r"expected\s+to|appears?\s+to|appeared\s+to|seems?\s+to|seemed\s+to)\b"
)
_FUTURE = _lowered(
    r"\b(?:will|would|shall|(?:is|are|was|were)\s+set\s+to|going\s+to|plans?\s+to|planned\s+to|"
    r"intends?\s+to|scheduled\s+to)\b|(?<=\w)[’']ll\b"
)


def _found(patterns: tuple[re.Pattern[str], re.Pattern[str]], lowered: str) -> bool:
    exact, loose = patterns
    return loose.search(lowered) is not None and exact.search(lowered) is not None


_POLARITY: dict[Modality, Polarity] = {
    "negated": "negative",
    "hedged": "hedged",
    "future": "positive",
    "asserted": "positive",
}


_DENIAL_CUES = frozenset({"denied", "denies", "deny", "denying"})


def modality_of(content: str, cue: str = "") -> Modality:
    """The modality of ``content``; a denial cue ("denied that ...") negates whatever it reports."""
    lowered = content.lower()
    if cue.rsplit(" ", 1)[-1] in _DENIAL_CUES or _found(_NEGATION, lowered):
        return "negated"
    if _HEDGE_MODALS.search(content) or _found(_HEDGE, lowered):
        return "hedged"
    if _found(_FUTURE, lowered):
        return "future"
    return "asserted"


def polarity_of(modality: Modality) -> Polarity:
    return _POLARITY[modality]
