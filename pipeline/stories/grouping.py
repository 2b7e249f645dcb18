"""Story threads: an article joins the open story whose terms it shares most, discounted by time.

score = (weight of the article's top terms that the story also has) / (weight of all its top terms)
        x 0.5 ** (days between the article and the story's span / half-life)
The article joins the best story at or above the threshold, else it opens a story of its own. A story
keeps the most frequent terms of all its articles, so a thread can drift as the news moves on. An
article without a date is not discounted. The store is a mapping (a dict offline, a stream table in
the stream) holding one JSON value per story under ``story:<id>``; past ``max_stories`` the least
recently joined story is dropped.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import MutableMapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from pipeline.stories.terms import top_terms

_PREFIX = "story:"
_SEQUENCE = "sequence"


@dataclass(frozen=True, slots=True)
class StoryParams:
    terms_per_article: int = 30
    terms_per_story: int = 80
    threshold: float = 0.35
    half_life_days: float = 180.0
    max_stories: int = 5000


@dataclass(frozen=True, slots=True)
class Joined:
    story_id: str
    opened: bool
    score: float


def assign_story(
    store: MutableMapping[str, Any], article_id: str, text: str, day: date | None, params: StoryParams
) -> Joined:
    """The story ``text`` joins (updating it in ``store``), or a new one keyed by ``article_id``."""
    terms = top_terms(text, params.terms_per_article)
    best: dict[str, Any] | None = None
    best_score = 0.0
    keys = [k for k in store if k.startswith(_PREFIX)]
    for key in keys:
        story = store[key]
        score = overlap(terms, story["terms"]) * decay(day, story, params.half_life_days)
        if score > best_score:
            best, best_score = story, score
    if best is None or best_score < params.threshold:
        best = {"story_id": article_id, "terms": {}, "first": None, "last": None, "articles": 0}
        opened, best_score = True, 1.0
    else:
        opened = False
    _join(store, best, terms, day, params)
    joined_key = _PREFIX + best["story_id"]
    _evict(store, keys if joined_key in keys else [*keys, joined_key], params.max_stories)
    return Joined(best["story_id"], opened, round(best_score, 4))


def overlap(terms: dict[str, int], story_terms: dict[str, int]) -> float:
    total = sum(terms.values())
    return sum(w for t, w in terms.items() if t in story_terms) / total if total else 0.0


def decay(day: date | None, story: dict[str, Any], half_life_days: float) -> float:
    if day is None or story["first"] is None:
        return 1.0
    first, last = date.fromisoformat(story["first"]), date.fromisoformat(story["last"])
    gap = (first - day).days if day < first else max(0, (day - last).days)
    return float(0.5 ** (gap / half_life_days))


def _join(
    store: MutableMapping[str, Any], story: dict[str, Any], terms: dict[str, int], day: date | None, params: StoryParams
) -> None:
    merged = Counter(story["terms"])
    merged.update(terms)
    sequence = int(store.get(_SEQUENCE, 0)) + 1
    store[_SEQUENCE] = sequence
    iso = day.isoformat() if day else None
    first = min(filter(None, (story["first"], iso)), default=None)
    last = max(filter(None, (story["last"], iso)), default=None)
    store[_PREFIX + story["story_id"]] = {
        "story_id": story["story_id"],
        "terms": dict(merged.most_common(params.terms_per_story)),
        "first": first,
        "last": last,
        "articles": story["articles"] + 1,
        "touched": sequence,
    }


def _evict(store: MutableMapping[str, Any], keys: list[str], limit: int) -> None:
    """Past ``limit`` stories (``keys``: every story key in ``store``), drop the least recently joined."""
    if len(keys) <= limit:
        return
    oldest = min(keys, key=lambda k: int(store[k]["touched"]))
    del store[oldest]
    store.pop(propositions_key(oldest[len(_PREFIX) :]), None)


def propositions_key(story_id: str) -> str:
    return f"propositions:{story_id}"
