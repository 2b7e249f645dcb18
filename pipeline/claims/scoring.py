"""Check-worthiness: how much a claim is worth a fact-checker's time, by a transparent rule.

Start at 0.2 and add:
  +0.20 the content has a number (figures, counts, years);
  +0.15 it names at least one entity (a capitalised word after the first), +0.10 more for three or more;
  +0.15 it predicts (future modality) or is dated (an event date inside the content);
  +0.10 it denies (negated modality);
  +0.10 the speaker is identified (a known person, organisation or outlet);
  -0.10 it is hedged ("may", "reportedly") or shorter than six words.
The sum is clamped to [0, 1] and rounded to two decimals.
"""

from __future__ import annotations

import re

from pipeline.claims.modality import Modality

_NUMBER = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|dozens?|hundreds?|thousands?|millions?|billions?)\b"
)
_CAPITALISED = re.compile(r"(?<=\s)[A-Z][\w’'-]+")


def checkworthiness(content: str, modality: Modality, speaker_known: bool, dated: bool) -> float:
    score = 0.2
    if _NUMBER.search(content):
        score += 0.2
    entities = len(_CAPITALISED.findall(content))
    score += (0.15 if entities else 0.0) + (0.1 if entities >= 3 else 0.0)
    if modality == "future" or dated:
        score += 0.15
    if modality == "negated":
        score += 0.1
    if speaker_known:
        score += 0.1
    if modality == "hedged" or len(content.split()) < 6:
        score -= 0.1
    return round(min(1.0, max(0.0, score)), 2)
