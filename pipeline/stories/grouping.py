"""Story threads: an article joins the open story whose terms it shares most, discounted by time.

score = (weight of the article's top terms that the story also has) / (weight of all its top terms)
        x 0.5 ** (days between the article and the story's span / half-life)
The article joins the best story at or above the threshold, else it opens a story of its own. A story
keeps the most frequent terms of all its articles, so a thread can drift as the news moves on. An
article without a date is not discounted. The store is a mapping (a dict offline, a stream table in
the stream) holding one JSON value per story under ``story:<id>``; past ``max_stories`` the least
recently joined story is dropped.

Only stories that can reach the threshold are scored: a ``StoryIndex`` knows which stories hold each
term, and a story that shares none of the article's terms that make up more than 1 - threshold of its
weight cannot overlap it by the threshold (a prefix filter, rarest terms first, so few postings are
read). The index is derived from the store and rebuilt whenever the store's sequence is not the one
it last saw (a restored or reassigned table), so the same stories win as when every story is scored.
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
_MARGIN = 1e-9  # the prefix filter errs towards scoring a story too many, never one too few


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


class StoryIndex:
    """Which stories of a store hold each term, and when each was last joined."""

    def __init__(self) -> None:
        self.sequence: object = None
        self.postings: dict[str, set[str]] = {}
        self.touched: dict[str, int] = {}  # story key -> sequence of its last join, in store order

    def sync(self, store: MutableMapping[str, Any]) -> None:
        if self.sequence == store.get(_SEQUENCE) and self.sequence is not None:
            return
        self.postings, self.touched = {}, {}
        for key in store:
            if key.startswith(_PREFIX):
                self.add(key, store[key])
        self.sequence = store.get(_SEQUENCE)

    def add(self, key: str, story: dict[str, Any]) -> None:
        """``story`` stored under ``key``: a key already known keeps its place, as in the store."""
        self.touched[key] = int(story.get("touched", 0))
        for term in story["terms"]:
            self.postings.setdefault(term, set()).add(key)

    def remove(self, key: str, story: dict[str, Any]) -> None:
        self.touched.pop(key, None)
        self.forget_terms(key, story)

    def forget_terms(self, key: str, story: dict[str, Any]) -> None:
        for term in story["terms"]:
            holders = self.postings.get(term)
            if holders is not None:
                holders.discard(key)
                if not holders:
                    del self.postings[term]

    def candidates(self, terms: dict[str, int], threshold: float) -> list[str]:
        """The story keys, in store order, that share enough of ``terms`` to reach ``threshold``."""
        total = sum(terms.values())
        found: set[str] = set()
        left = total
        for term in sorted(terms, key=lambda t: (len(self.postings.get(t, ())), t)):
            if left / total < threshold - _MARGIN:
                break
            found |= self.postings.get(term, set())
            left -= terms[term]
        return [key for key in self.touched if key in found]


def assign_story(
    store: MutableMapping[str, Any],
    article_id: str,
    text: str,
    day: date | None,
    params: StoryParams,
    index: StoryIndex | None = None,
) -> Joined:
    """The story ``text`` joins (updating it in ``store`` and ``index``), or a new one keyed by
    ``article_id``. Without an ``index`` one is built from the store for this call."""
    return join_story(store, article_id, top_terms(text, params.terms_per_article), day, params, index)


def join_story(
    store: MutableMapping[str, Any],
    article_id: str,
    terms: dict[str, int],
    day: date | None,
    params: StoryParams,
    index: StoryIndex | None = None,
) -> Joined:
    """``assign_story`` for an article whose top terms are worked out already."""
    if index is None:
        index = StoryIndex()
    index.sync(store)
    best: dict[str, Any] | None = None
    best_score = 0.0
    for key in index.candidates(terms, params.threshold):
        story = store[key]
        score = overlap(terms, story["terms"]) * decay(day, story, params.half_life_days)
        if score > best_score:
            best, best_score = story, score
    if best is None or best_score < params.threshold:
        best = {"story_id": article_id, "terms": {}, "first": None, "last": None, "articles": 0}
        opened, best_score = True, 1.0
    else:
        opened = False
    _join(store, index, best, terms, day, params)
    _evict(store, index, params.max_stories)
    index.sequence = store.get(_SEQUENCE)
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
    store: MutableMapping[str, Any],
    index: StoryIndex,
    story: dict[str, Any],
    terms: dict[str, int],
    day: date | None,
    params: StoryParams,
) -> None:
    merged = Counter(story["terms"])
    merged.update(terms)
    sequence = int(store.get(_SEQUENCE, 0)) + 1
    store[_SEQUENCE] = sequence
    iso = day.isoformat() if day else None
    first = min(filter(None, (story["first"], iso)), default=None)
    last = max(filter(None, (story["last"], iso)), default=None)
    key = _PREFIX + story["story_id"]
    joined = {
        "story_id": story["story_id"],
        "terms": dict(merged.most_common(params.terms_per_story)),
        "first": first,
        "last": last,
        "articles": story["articles"] + 1,
        "touched": sequence,
    }
    index.forget_terms(key, story)
    store[key] = joined
    index.add(key, joined)


def _evict(store: MutableMapping[str, Any], index: StoryIndex, limit: int) -> None:
    """Past ``limit`` stories, drop the least recently joined."""
    if len(index.touched) <= limit:
        return
    oldest = min(index.touched, key=index.touched.__getitem__)
    index.remove(oldest, store[oldest])
    del store[oldest]
    store.pop(propositions_key(oldest[len(_PREFIX) :]), None)


def propositions_key(story_id: str) -> str:
    return f"propositions:{story_id}"
