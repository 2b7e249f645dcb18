"""Story threads on a terminal (rich) and as JSON."""

from __future__ import annotations

import orjson
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from pipeline.storyview.threads import STANCE_WORDS, StoryThread, stance_path


def as_json(threads: list[StoryThread]) -> str:
    return orjson.dumps([t.model_dump(mode="json") for t in threads], option=orjson.OPT_INDENT_2).decode()


def story_table(console: Console, threads: list[StoryThread]) -> None:
    table = Table(title="Stories")
    for column in ("story", "articles", "propositions", "stated", "stances (most changed proposition)"):
        table.add_column(column, overflow="fold")
    for thread in threads:
        busiest = max(thread.propositions, key=lambda p: len(p.stances), default=None)
        stated = f"{thread.first_stated} … {thread.last_stated}" if thread.first_stated else "-"
        path = stance_path(busiest) if busiest else "-"
        table.add_row(thread.story_id, str(len(thread.articles)), str(len(thread.propositions)), stated, path)
    console.print(table)


def story_detail(console: Console, thread: StoryThread) -> None:
    console.print(f"[bold]Story {thread.story_id}[/]: {len(thread.articles)} articles", highlight=False)
    articles = Table(show_header=True, box=None)
    for column in ("article", "published", "title", "source", ""):
        articles.add_column(column, overflow="fold")
    for a in thread.articles:
        d = a.details
        articles.add_row(
            a.article_id,
            (d.published if d else None) or "-",
            escape((d.title if d else None) or "-"),
            escape((d.source if d else None) or "-"),
            "opened the story" if a.opened else f"joined ({a.score:.2f})",
        )
    console.print(articles)
    for proposition in thread.propositions:
        console.print(f"\n[bold]Proposition {proposition.proposition_id}[/]: {stance_path(proposition)}")
        changes = {p.claim_id for p in proposition.changes}
        for p in proposition.timeline:
            mark = "►" if p.claim_id in changes else " "
            stance = f"{p.polarity} ({STANCE_WORDS.get(p.polarity, p.polarity)})"
            line = f"{mark} {p.stated_at:10}  {stance:16} {escape(p.speaker.name)} {escape(p.cue)}: {escape(p.text)}"
            console.print(line, highlight=False)
