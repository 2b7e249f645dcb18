"""What the results topics say, folded as their records arrive: dead letters by stage and reason,
articles per story, and the latest timeline of each proposition (claims over time, with their stance).

Pure: the records come in as contracts; reading them off Kafka is ``results_tail``'s part."""

from __future__ import annotations

from collections import Counter, OrderedDict
from dataclasses import dataclass

from pipeline.models import ClaimUpdate, DeadLetter, StoryAssignment


@dataclass(frozen=True)
class DeadLetterCount:
    stage: str
    reason: str
    count: int


@dataclass(frozen=True)
class TimelineEntry:
    """One claim on a proposition's timeline; ``change`` marks the first claim of a new stance."""

    stated_at: str
    speaker: str
    cue: str
    stance: str
    text: str
    change: bool


@dataclass(frozen=True)
class Timeline:
    story_id: str
    proposition_id: str
    story_articles: int
    entries: tuple[TimelineEntry, ...]

    @property
    def stances(self) -> tuple[str, ...]:
        """The stance of each change, in order: ``("hedged", "positive", "negative")``."""
        return tuple(e.stance for e in self.entries if e.change)


@dataclass(frozen=True)
class ResultsDigest:
    dead_letters: tuple[DeadLetterCount, ...] = ()
    stories: int = 0
    timelines: tuple[Timeline, ...] = ()  # the latest updated first
    undecodable: int = 0  # records on these topics that are not their payload


def timeline_of(update: ClaimUpdate, story_articles: int) -> Timeline:
    changes = {p.claim_id for p in update.changes}
    entries = tuple(
        TimelineEntry(p.stated_at, p.speaker.name, p.cue, p.polarity, p.text, p.claim_id in changes)
        for p in update.timeline
    )
    return Timeline(update.story_id, update.proposition_id, story_articles, entries)


class Results:
    """The fold; keeps the ``max_stories`` and ``max_propositions`` most recently seen."""

    def __init__(self, max_stories: int = 10_000, max_propositions: int = 200) -> None:
        self.max_stories = max_stories
        self.max_propositions = max_propositions
        self.dead_letters: Counter[tuple[str, str]] = Counter()
        self.story_articles: OrderedDict[str, int] = OrderedDict()
        self.latest: OrderedDict[str, ClaimUpdate] = OrderedDict()  # by proposition, oldest first
        self.undecodable = 0

    def add_dead_letter(self, letter: DeadLetter) -> None:
        self.dead_letters[(letter.stage, letter.reason)] += 1

    def add_assignment(self, assignment: StoryAssignment) -> None:
        if assignment.story_id is None:
            return
        count = self.story_articles.pop(assignment.story_id, 0)
        self.story_articles[assignment.story_id] = count + 1
        while len(self.story_articles) > self.max_stories:
            self.story_articles.popitem(last=False)

    def add_update(self, update: ClaimUpdate) -> None:
        self.latest.pop(update.proposition_id, None)
        self.latest[update.proposition_id] = update
        while len(self.latest) > self.max_propositions:
            self.latest.popitem(last=False)

    def digest(self, timelines: int = 10) -> ResultsDigest:
        letters = tuple(
            DeadLetterCount(stage, reason, count)
            for (stage, reason), count in sorted(self.dead_letters.items(), key=lambda kv: (-kv[1], kv[0]))
        )
        latest = list(reversed(self.latest.values()))[:timelines]
        return ResultsDigest(
            dead_letters=letters,
            stories=len(self.story_articles),
            timelines=tuple(timeline_of(u, self.story_articles.get(u.story_id, 0)) for u in latest),
            undecodable=self.undecodable,
        )
