"""Modality and polarity of a claim's content, by cue words.

Negation wins over hedging, hedging over future: "may not" is negated, "will likely" is hedged.
"""

from __future__ import annotations

import re
from typing import Literal

Modality = Literal["asserted", "hedged", "negated", "future"]
Polarity = Literal["positive", "negative", "hedged"]

_NEGATION = re.compile(
    r"\b(?:not|never|no\s+longer|cannot|won[’']t|\w+n[’']t|den(?:y|ies|ied|ying)|neither|nor)\b",
    re.IGNORECASE,
)
# Lower case only: "May" is also a month.
_HEDGE_MODALS = re.compile(r"\b(?:may|might|could)\b")
_HEDGE = re.compile(
    r"\b(?:reportedly|possibly|(?:un)?likely|potentially|perhaps|probably|allegedly|apparently|"
    r"expected\s+to|appears?\s+to|appeared\s+to|seems?\s+to|seemed\s+to)\b",
    re.IGNORECASE,
)
_FUTURE = re.compile(
    r"\b(?:will|would|shall|(?:is|are|was|were)\s+set\s+to|going\s+to|plans?\s+to|planned\s+to|"
    r"intends?\s+to|scheduled\s+to)\b|\w[’']ll\b",
    re.IGNORECASE,
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
    if cue.rsplit(" ", 1)[-1] in _DENIAL_CUES or _NEGATION.search(content):
        return "negated"
    if _HEDGE_MODALS.search(content) or _HEDGE.search(content):
        return "hedged"
    if _FUTURE.search(content):
        return "future"
    return "asserted"


def polarity_of(modality: Modality) -> Polarity:
    return _POLARITY[modality]
