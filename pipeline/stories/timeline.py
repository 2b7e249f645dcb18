"""Claim timelines: claims about one proposition of a story, ordered by when they were stated.

Two claims are about the same proposition when they open with the same named subject ("North Korean
troops ...", compared as terms; both without one also counts) and share most of the terms of the
shorter one (the overlap coefficient reaches ``min_overlap``); modal and negation words are not
terms, so "may join", "will join" and "won't join" meet, while "X invited Y to join" does not meet
"Y will join". A claim joins the
proposition it overlaps most, else opens one. A timeline is kept in order of ``stated_at`` (ISO
strings, so a month sorts before the days in it), then ``claim_id``, whatever order claims arrive in;
a claim without a date of saying has no place on a timeline and is left out.

A stance change is a point whose polarity differs from the point before it. When a claim lands on a
timeline that has a stance change, the proposition's whole timeline goes out as a ``ClaimUpdate``,
``changed`` saying whether the claim moved the stance changes (a later "won't" after "will") or only
joined a thread that has some (so the last update of a proposition always holds its whole timeline).
A claim already on the timeline (a repeat, a replay) emits nothing.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import Any

from pipeline.models import Claim, ClaimUpdate, TimelinePoint, stable_id
from pipeline.stories.grouping import propositions_key
from pipeline.stories.messages import StoryClaim
from pipeline.stories.terms import Terms, subject_of, terms_of


@dataclass(frozen=True, slots=True)
class TimelineParams:
    min_overlap: float = 0.5
    max_propositions: int = 500
    max_points: int = 200


def point_of(claim: Claim) -> TimelinePoint | None:
    if claim.stated_at is None:
        return None
    return TimelinePoint(
        claim_id=claim.claim_id,
        article_id=claim.article_id,
        speaker=claim.speaker,
        cue=claim.cue,
        text=claim.text,
        polarity=claim.polarity,
        stated_at=claim.stated_at,
        stated_precision=claim.stated_precision,
    )


def similarity(a: Terms, b: Terms) -> float:
    a_all, b_all = a.all, b.all
    smaller = min(len(a_all), len(b_all))
    return len(a_all & b_all) / smaller if smaller else 0.0


def story_claim(claim: Claim) -> StoryClaim | None:
    """The claim as a timeline places it; None without a date of saying."""
    point = point_of(claim)
    if point is None:
        return None
    terms = terms_of(claim.text)
    return StoryClaim(
        point=point,
        subject=tuple(sorted(subject_of(claim.text))),
        names=tuple(sorted(terms.names)),
        words=tuple(sorted(terms.words)),
    )


def add_claim(
    store: MutableMapping[str, Any], story_id: str, claim: Claim, params: TimelineParams
) -> ClaimUpdate | None:
    """Put ``claim`` on its proposition's timeline in ``store``; the update if its stance changes moved."""
    placed = story_claim(claim)
    return None if placed is None else place_claim(store, story_id, placed, params)


def place_claim(
    store: MutableMapping[str, Any], story_id: str, claim: StoryClaim, params: TimelineParams
) -> ClaimUpdate | None:
    """``add_claim`` for a claim whose point and terms are worked out already."""
    point = claim.point
    key = propositions_key(story_id)
    propositions: list[dict[str, Any]] = list(store.get(key, []))
    terms, subject = Terms(frozenset(claim.names), frozenset(claim.words)), list(claim.subject)
    index = _best(propositions, terms, subject, params)
    if index is None:
        propositions.append(
            {
                "id": point.claim_id,
                "subject": subject,
                "names": list(claim.names),
                "words": list(claim.words),
                "points": [],
            }
        )
        index = len(propositions) - 1
    proposition = dict(propositions[index])
    before = [TimelinePoint.model_validate(p) for p in proposition["points"]]
    if any(p.claim_id == point.claim_id for p in before):
        return None
    after = ordered([*before, point])[-params.max_points :]
    proposition["points"] = [p.model_dump(mode="json") for p in after]
    propositions[index] = proposition
    store[key] = propositions[-params.max_propositions :]
    changes = stance_changes(after)
    if len(changes) < 2:
        return None
    changed = _ids(changes) != _ids(stance_changes(before))
    return _update(story_id, proposition["id"], point.claim_id, after, changes, changed)


def _best(propositions: list[dict[str, Any]], terms: Terms, subject: list[str], params: TimelineParams) -> int | None:
    best, best_score = None, 0.0
    for index, proposition in enumerate(propositions):
        if proposition["subject"] != subject:
            continue
        known = Terms(frozenset(proposition["names"]), frozenset(proposition["words"]))
        score = similarity(terms, known)
        if score >= params.min_overlap and score > best_score:
            best, best_score = index, score
    return best


def ordered(points: list[TimelinePoint]) -> list[TimelinePoint]:
    return sorted(points, key=lambda p: (p.stated_at, p.claim_id))


def stance_changes(points: list[TimelinePoint]) -> list[TimelinePoint]:
    """The first point of each run of one polarity, in timeline order."""
    changes: list[TimelinePoint] = []
    for point in points:
        if not changes or changes[-1].polarity != point.polarity:
            changes.append(point)
    return changes


def _ids(points: list[TimelinePoint]) -> list[str]:
    return [p.claim_id for p in points]


def _update(
    story_id: str,
    proposition_id: str,
    claim_id: str,
    timeline: list[TimelinePoint],
    changes: list[TimelinePoint],
    changed: bool,
) -> ClaimUpdate:
    return ClaimUpdate(
        update_id=stable_id(proposition_id, *_ids(timeline)),
        story_id=story_id,
        proposition_id=proposition_id,
        claim_id=claim_id,
        changed=changed,
        changes=tuple(changes),
        timeline=tuple(timeline),
    )
