"""Modality and polarity of a claim's content, by cue words.

Negation wins over hedging, hedging over future: "may not" is negated, "will likely" is hedged.
"""

from __future__ import annotations

import re
from typing import Literal

from pipeline.claims.patterns import found_in, lowered_pattern

Modality = Literal["asserted", "hedged", "negated", "future"]
Polarity = Literal["positive", "negative", "hedged"]


_NEGATION = lowered_pattern(r"\b(?:not|never|no\s+longer|cannot|den(?:y|ies|ied|ying)|neither|nor)\b|(?<=\w)n[’']t\b")
# Case matters for the modals: "May" is also a month.
_HEDGE_MODALS = re.compile(r"\b(?:may|might|could)\b")
_HEDGE = lowered_pattern(
    r"\b(?:reportedly|possibly|(?:un)?likely|potentially|perhaps|probably|allegedly|apparently|"
    r"expected\s+to|appears?\s+to|appeared\s+to|seems?\s+to|seemed\s+to)\b"
)
_FUTURE = lowered_pattern(
    r"\b(?:will|would|shall|(?:is|are|was|were)\s+set\s+to|going\s+to|plans?\s+to|planned\s+to|"
    r"intends?\s+to|scheduled\s+to)\b|(?<=\w)[’']ll\b"
)


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
    if cue.rsplit(" ", 1)[-1] in _DENIAL_CUES or found_in(_NEGATION, lowered):
        return "negated"
    if _HEDGE_MODALS.search(content) or found_in(_HEDGE, lowered):
        return "hedged"
    if found_in(_FUTURE, lowered):
        return "future"
    return "asserted"


def polarity_of(modality: Modality) -> Polarity:
    return _POLARITY[modality]
