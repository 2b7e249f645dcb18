"""Story threads read from the sink's tables, with each article's title, source and date."""

from __future__ import annotations

from pipeline.models import ClaimUpdate, StoryAssignment
from pipeline.sink.store import Connection
from pipeline.storyview.threads import ArticleDetails, StoryThread, build_threads


def read_threads(conn: Connection) -> list[StoryThread]:
    with conn.transaction():
        stories = conn.execute(
            "SELECT s.article_id, s.trace_id, s.story_id, s.opened, s.score, s.updates, "
            "a.title, a.source, a.url, a.published "
            "FROM story_assignments s LEFT JOIN articles a USING (article_id) WHERE s.story_id IS NOT NULL"
        ).fetchall()
        latest = conn.execute(
            "SELECT u.update_id, u.story_id, u.proposition_id, u.claim_id, u.changed, u.changes, u.timeline "
            "FROM proposition_timelines p JOIN claim_updates u USING (update_id)"
        ).fetchall()
    assignments, details = [], {}
    for article_id, trace_id, story_id, opened, score, updates, title, source, url, published in stories:
        assignments.append(
            StoryAssignment(
                article_id=article_id, trace_id=trace_id, story_id=story_id, opened=opened, score=score, updates=updates
            )
        )
        if source is not None:
            details[article_id] = ArticleDetails(title=title, source=source, url=url, published=published)
    columns = ("update_id", "story_id", "proposition_id", "claim_id", "changed", "changes", "timeline")
    found = [ClaimUpdate.model_validate(dict(zip(columns, row, strict=True))) for row in latest]
    return build_threads(assignments, found, details)
