"""Story threads and claim timelines, offline: the seeds through the in-process pipeline, in every order."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime
from functools import cache
from typing import Any

from pipeline.models import (
    Article,
    Claim,
    ClaimUpdate,
    DateStamp,
    DedupVerdict,
    EnrichedArticle,
    Speaker,
    TimelinePoint,
    stable_id,
)
from pipeline.process import process_paths
from pipeline.stories import TrackerParams, track
from pipeline.stories.grouping import StoryIndex, StoryParams, assign_story
from pipeline.stories.timeline import TimelineParams, add_claim, ordered, stance_changes
from tests.seeds import EXPECTED, SEEDS_DIR

NOW = datetime(2025, 6, 1, tzinfo=UTC)
NEGATIVE_SPEAKERS = EXPECTED["000_110eab03d87d1f67.txt"]["claims"][0]["speaker_any"]


@cache
def seed_items() -> tuple[EnrichedArticle, ...]:
    results = list(process_paths([SEEDS_DIR]))
    assert len(results) == 5 and all(r.article and r.dedup and r.datestamp for r in results)
    return tuple(
        EnrichedArticle(article=r.article, dedup=r.dedup, datestamp=r.datestamp, claims=r.claims)
        for r in results
        if r.article and r.dedup and r.datestamp
    )


def replay(
    items: tuple[EnrichedArticle, ...] | list[EnrichedArticle],
) -> tuple[dict[str, Any], list[Any], list[ClaimUpdate]]:
    store: dict[str, Any] = {}
    assignments, updates = [], []
    for item in items:
        assignment, found = track(store, item)
        assignments.append(assignment)
        updates.extend(found)
    return store, assignments, updates


def seed_thread(updates: list[ClaimUpdate]) -> ClaimUpdate:
    """The last update of the proposition the Kremlin's hedged claim is on."""
    last: dict[str, ClaimUpdate] = {}
    for update in updates:
        last[update.proposition_id] = update
    found = [u for u in last.values() if any(p.speaker.name == "Kremlin" for p in u.timeline)]
    assert len(found) == 1, [u.changes for u in last.values()]
    return found[0]


def check_seed_thread(update: ClaimUpdate) -> None:
    """hedged (2024-12-23, Kremlin) -> positive (2025-01-16, NHK) -> negative (2025-05-06, the Russian official)."""
    timeline = list(update.timeline)
    assert [p.stated_at for p in timeline] == sorted(p.stated_at for p in timeline)
    assert [c.polarity for c in update.changes] == ["hedged", "positive", "negative"]
    hedged, positive, negative = update.changes
    kremlin = [p for p in timeline if p.speaker.name == "Kremlin"]
    assert [(p.polarity, p.stated_at) for p in kremlin] == [("hedged", "2024-12-23")]
    assert timeline.index(kremlin[0]) < timeline.index(positive)
    assert (positive.stated_at, positive.speaker.name, positive.cue) == ("2025-01-16", "NHK World", "reported")
    assert negative.stated_at == "2025-05-06"
    assert any(s.lower() in negative.speaker.name.lower() for s in NEGATIVE_SPEAKERS)
    assert hedged.stated_at <= "2024-12-23"


def test_all_seeds_join_one_story() -> None:
    _, assignments, _ = replay(seed_items())
    assert len({a.story_id for a in assignments}) == 1
    assert [a.opened for a in assignments] == [True, False, False, False, False]


def test_seed_thread_in_every_replay_order() -> None:
    for order in itertools.permutations(seed_items()):
        _, _, updates = replay(order)
        check_seed_thread(seed_thread(updates))


def test_a_replay_of_the_same_articles_adds_no_update() -> None:
    store, _, _ = replay(seed_items())
    again = [u for item in seed_items() for u in track(store, item)[1]]
    assert again == []


def test_updates_say_whether_the_stance_moved() -> None:
    _, _, updates = replay(sorted(seed_items(), key=lambda i: i.datestamp.published or "9999"))
    thread = [u for u in updates if u.proposition_id == seed_thread(updates).proposition_id]
    assert [u.changed for u in thread if u.changed] and thread[-1].changes[-1].polarity == "negative"
    assert len({u.update_id for u in thread}) == len(thread)


def article(name: str, text: str, day: date | None) -> EnrichedArticle:
    item = Article(
        article_id=stable_id("a", name),
        trace_id=stable_id("t", name),
        source=name,
        text=text,
        content_hash=stable_id(text),
        extractor="text-capture",
        extracted_at=NOW,
    )
    verdict = DedupVerdict(
        article_id=item.article_id, trace_id=item.trace_id, source=name, verdict="unique", decided_at=NOW
    )
    published = day.isoformat() if day else None
    stamp = DateStamp(
        article_id=item.article_id,
        published=published,
        precision="day" if day else None,
        source="metadata" if day else "unknown",
        confidence=1.0 if day else 0.0,
        ingested_at=NOW,
    )
    return EnrichedArticle(article=item, dedup=verdict, datestamp=stamp, claims=())


SKI = (
    "The Alpine Ski Federation named its World Cup team on Monday. "
    "Racers from Zermatt and Davos lead the squad for the downhill season."
)
HARBOUR = (
    "Lisbon harbour workers began a strike over pay. "
    "The Lisbon port authority said container traffic stopped at the harbour terminals."
)


def test_unrelated_articles_open_their_own_stories() -> None:
    store: dict[str, Any] = {}
    ids = [
        track(store, item)[0]
        for item in (
            *seed_items()[:2],
            article("ski", SKI, date(2025, 1, 20)),
            article("port", HARBOUR, date(2025, 1, 21)),
        )
    ]
    assert [a.opened for a in ids] == [True, False, True, True]
    assert len({a.story_id for a in ids}) == 3


def test_time_decay_keeps_an_old_thread_closed() -> None:
    params = StoryParams()
    store: dict[str, Any] = {}
    first = assign_story(store, "a1", HARBOUR, date(2020, 3, 1), params)
    soon = assign_story(store, "a2", HARBOUR, date(2020, 3, 20), params)
    years_later = assign_story(store, "a3", HARBOUR, date(2024, 3, 1), params)
    undated = assign_story(store, "a4", HARBOUR, None, params)
    assert first.opened and not soon.opened and soon.story_id == "a1"
    assert years_later.opened
    assert not undated.opened


def test_the_least_recent_story_is_evicted() -> None:
    params = StoryParams(max_stories=2)
    store: dict[str, Any] = {}
    for name, text in (("ski", SKI), ("port", HARBOUR), ("ski2", SKI)):
        assign_story(store, name, text, date(2025, 1, 1), params)
    assign_story(
        store, "other", "Quantum chips from Delft researchers set a coherence record.", date(2025, 1, 1), params
    )
    assert sorted(k for k in store if k.startswith("story:")) == ["story:other", "story:ski"]


STREAM = [
    ("ski", SKI),
    ("port", HARBOUR),
    ("chips", "Quantum chips from Delft researchers set a coherence record in a cold laboratory."),
    ("ski2", SKI + " Avalanche patrols closed two runs."),
    ("port2", HARBOUR + " Harbour cranes stood idle."),
    ("chips2", "Delft researchers said their quantum chips kept coherence for a record time."),
]


class EveryStory(StoryIndex):
    def candidates(self, terms: dict[str, int], threshold: float) -> list[str]:
        return list(self.touched)


def test_a_kept_index_joins_the_stories_that_scoring_every_story_joins() -> None:
    """An index kept from one article to the next, eviction included, joins the stories that scoring
    every open story joins, opened the same way."""
    for limit in (2, 100):
        params = StoryParams(max_stories=limit)
        kept, fresh = StoryIndex(), {}
        store: dict[str, Any] = {}
        with_index = [assign_story(store, n, t, date(2025, 1, 1), params, kept) for n, t in STREAM * 2]
        scanned = [assign_story(fresh, n, t, date(2025, 1, 1), params, EveryStory()) for n, t in STREAM * 2]
        assert with_index == scanned
        assert store == fresh
        assert sum(not j.opened for j in with_index) == (0 if limit == 2 else 9)  # a full store forgets them
        assert len([k for k in store if k.startswith("story:")]) == min(limit, 3)


def test_the_index_is_rebuilt_for_a_store_it_has_not_seen() -> None:
    """A table restored or handed over (another sequence) is read again: no story it holds is missed."""
    params = StoryParams()
    index = StoryIndex()
    assign_story({}, "elsewhere", SKI, date(2025, 1, 1), params, index)
    restored: dict[str, Any] = {}
    assign_story(restored, "port", HARBOUR, date(2025, 1, 1), params)
    assign_story(restored, "other", "Quantum chips from Delft set a record.", date(2025, 1, 1), params)
    joined = assign_story(restored, "port2", HARBOUR, date(2025, 1, 2), params, index)
    assert not joined.opened and joined.story_id == "port"
    assert sorted(index.touched) == sorted(k for k in restored if k.startswith("story:"))


def claim(text: str, polarity: str, stated_at: str | None, speaker: str = "Agency") -> Claim:
    modality = {"positive": "asserted", "negative": "negated", "hedged": "hedged"}[polarity]
    return Claim(
        claim_id=stable_id(text, speaker, stated_at or ""),
        article_id="a",
        speaker=Speaker(name=speaker, kind="organisation"),
        cue="said",
        text=text,
        modality=modality,  # type: ignore[arg-type]
        polarity=polarity,  # type: ignore[arg-type]
        stated_at=stated_at,
        start=0,
        end=1,
        checkworthiness=0.5,
    )


def test_stance_changes_need_the_same_subject_and_a_date() -> None:
    store: dict[str, Any] = {}
    params = TimelineParams()
    assert (
        add_claim(
            store,
            "s",
            claim("Dutch engineers may finish the Rotterdam bridge in March", "hedged", "2025-01-02"),
            params,
        )
        is None
    )
    invited = claim("the city invited Dutch engineers to finish the Rotterdam bridge", "negative", "2025-01-03")
    assert add_claim(store, "s", invited, params) is None
    undated = claim("Dutch engineers won’t finish the Rotterdam bridge", "negative", None)
    assert add_claim(store, "s", undated, params) is None
    update = add_claim(
        store,
        "s",
        claim("Dutch engineers will not finish the Rotterdam bridge this spring", "negative", "2025-02-10"),
        params,
    )
    assert update is not None and update.changed
    assert [(c.polarity, c.stated_at) for c in update.changes] == [("hedged", "2025-01-02"), ("negative", "2025-02-10")]


def test_a_month_sorts_before_its_days_and_runs_collapse() -> None:
    def point(at: str, polarity: str) -> TimelinePoint:
        return TimelinePoint(
            claim_id=at,
            article_id="a",
            speaker=Speaker(name="X"),
            cue="said",
            text="t",
            polarity=polarity,
            stated_at=at,
        )  # type: ignore[arg-type]

    points = ordered([point("2024-12-23", "hedged"), point("2024-12", "hedged"), point("2025-01-16", "positive")])
    assert [p.stated_at for p in stance_changes(points)] == ["2024-12", "2025-01-16"]


def test_tracker_params_are_passed_through() -> None:
    strict = TrackerParams(stories=StoryParams(threshold=0.99))
    store: dict[str, Any] = {}
    assignments = [track(store, item, strict)[0] for item in seed_items()[:2]]
    assert all(a.opened for a in assignments)
