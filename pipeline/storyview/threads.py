"""Story threads as a reader sees them: each story with its articles and, per proposition, the
claims over time with their stance. Built from what the stories stage publishes, wherever it was
read from (the topics or the sink's tables)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from pydantic import BaseModel, ConfigDict

from pipeline.models import ClaimUpdate, StoryAssignment, TimelinePoint

# how a stance reads in words: "North Korean troops may / will / won't march"
STANCE_WORDS = {"hedged": "may", "positive": "will", "negative": "won't"}


class View(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ArticleDetails(View):
    """What the sink's tables add to an article of a story (the topics name it by id only)."""

    title: str | None = None
    source: str | None = None
    url: str | None = None
    published: str | None = None


class ThreadArticle(View):
    article_id: str
    trace_id: str
    opened: bool
    score: float
    updates: int
    details: ArticleDetails | None = None


class Proposition(View):
    proposition_id: str
    stances: tuple[str, ...]
    changes: tuple[TimelinePoint, ...]
    timeline: tuple[TimelinePoint, ...]


class StoryThread(View):
    story_id: str
    articles: tuple[ThreadArticle, ...]
    propositions: tuple[Proposition, ...]

    @property
    def first_stated(self) -> str | None:
        return min((p.timeline[0].stated_at for p in self.propositions if p.timeline), default=None)

    @property
    def last_stated(self) -> str | None:
        return max((p.timeline[-1].stated_at for p in self.propositions if p.timeline), default=None)


def latest_updates(updates: Iterable[ClaimUpdate]) -> dict[tuple[str, str], ClaimUpdate]:
    """Each proposition's latest update: a timeline only grows, so the one with most points (of
    equals, the one read last)."""
    latest: dict[tuple[str, str], ClaimUpdate] = {}
    for update in updates:
        where = (update.story_id, update.proposition_id)
        if where not in latest or len(update.timeline) >= len(latest[where].timeline):
            latest[where] = update
    return latest


def build_threads(
    assignments: Iterable[StoryAssignment],
    updates: Iterable[ClaimUpdate],
    details: Mapping[str, ArticleDetails] | None = None,
) -> list[StoryThread]:
    """Every story, most articles first; an article's last assignment counts (a compacted topic
    keeps only that one), and articles whose story step failed are on none."""
    last = {a.article_id: a for a in assignments}
    by_story: dict[str, list[StoryAssignment]] = {}
    for a in last.values():
        if a.story_id is not None:
            by_story.setdefault(a.story_id, []).append(a)
    propositions: dict[str, list[Proposition]] = {}
    for (story_id, proposition_id), update in latest_updates(updates).items():
        stances = tuple(p.polarity for p in update.changes)
        found = Proposition(
            proposition_id=proposition_id, stances=stances, changes=update.changes, timeline=update.timeline
        )
        propositions.setdefault(story_id, []).append(found)
    for story_id in propositions.keys() - by_story.keys():
        by_story[story_id] = []
    threads = []
    for story_id, members in by_story.items():
        articles = tuple(_article(a, (details or {}).get(a.article_id)) for a in members)
        ordered = sorted(articles, key=lambda a: (not a.opened, _published(a), a.article_id))
        props = sorted(propositions.get(story_id, []), key=lambda p: (p.timeline[0].stated_at, p.proposition_id))
        threads.append(StoryThread(story_id=story_id, articles=tuple(ordered), propositions=tuple(props)))
    return sorted(threads, key=lambda t: (-len(t.articles), t.story_id))


def _article(a: StoryAssignment, details: ArticleDetails | None) -> ThreadArticle:
    return ThreadArticle(
        article_id=a.article_id, trace_id=a.trace_id, opened=a.opened, score=a.score, updates=a.updates, details=details
    )


def _published(article: ThreadArticle) -> str:
    return (article.details.published if article.details else None) or "9999"


def find(threads: list[StoryThread], story_id: str) -> StoryThread | None:
    """The story with this id, or the only one whose id starts with it."""
    exact = [t for t in threads if t.story_id == story_id]
    if exact:
        return exact[0]
    prefixed = [t for t in threads if t.story_id.startswith(story_id)]
    return prefixed[0] if len(prefixed) == 1 else None


def stance_path(proposition: Proposition) -> str:
    """The stance changes in words: "may → will → won't"."""
    return " → ".join(STANCE_WORDS.get(s, s) for s in proposition.stances)
