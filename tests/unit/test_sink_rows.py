"""The sink's pure parts: payloads as rows, the statements that write them, the migrations' order,
and story threads built from what the stories stage publishes."""

from __future__ import annotations

from datetime import UTC, datetime

from pipeline.models import DedupVerdict, StepError, StoryAssignment
from pipeline.sink.migrations import MIGRATIONS, pending
from pipeline.sink.rows import TABLES, rows_of
from pipeline.sink.store import upsert_sql
from pipeline.storyview.threads import build_threads, find, stance_path
from tests.unit.test_stories import replay, seed_items


def test_every_row_has_exactly_its_tables_columns() -> None:
    _, assignments, updates = replay(seed_items())
    payloads = [*seed_items(), *(c for item in seed_items() for c in item.claims), *assignments, *updates]
    rows = [row for payload in payloads for row in rows_of(payload)]
    assert {r.table for r in rows} == set(TABLES), "every table gets rows"
    for row in rows:
        assert set(row.values) == set(TABLES[row.table].columns), row.table


def test_an_enriched_article_is_an_article_and_its_verdict() -> None:
    item = seed_items()[0]
    article, verdict = rows_of(item)
    assert (article.table, article.key) == ("articles", (item.article.article_id,))
    assert article.values["published"] == item.datestamp.published == "2025-05-06"
    assert article.values["claims"] == len(item.claims) and article.values["payload"]["article"]["text"]
    assert (verdict.table, verdict.values["verdict"]) == ("dedup_verdicts", "unique")


def test_a_failed_story_step_keeps_its_errors_and_no_story() -> None:
    failed = StoryAssignment(
        article_id="a",
        trace_id="t",
        story_id=None,
        opened=False,
        score=0.0,
        updates=0,
        errors=(StepError(step="stories", type="ValueError", message="boom"),),
    )
    (row,) = rows_of(failed)
    assert row.values["story_id"] is None and row.values["errors"][0]["message"] == "boom"


def test_writes_are_idempotent_by_key() -> None:
    verdict = DedupVerdict(
        article_id="a", trace_id="t", source="s", verdict="duplicate", duplicate_of="b", decided_at=datetime.now(UTC)
    )
    (row,) = rows_of(verdict)
    assert row.key == ("a", "t", "duplicate")
    assert upsert_sql(TABLES["dedup_verdicts"]).endswith(b"ON CONFLICT (article_id, trace_id, verdict) DO NOTHING")
    replacing = upsert_sql(TABLES["articles"]).decode()
    assert "ON CONFLICT (article_id) DO UPDATE SET" in replacing
    assert replacing.endswith("WHERE articles.payload IS DISTINCT FROM EXCLUDED.payload")
    assert "article_id = EXCLUDED" not in replacing


def test_migrations_are_numbered_in_order_and_pending_ones_follow_the_applied() -> None:
    assert [m.version for m in MIGRATIONS] == list(range(1, len(MIGRATIONS) + 1))
    assert [m.version for m in pending(set())] == [m.version for m in MIGRATIONS]
    assert pending({m.version for m in MIGRATIONS}) == []
    assert [m.version for m in pending({1})] == [m.version for m in MIGRATIONS[1:]]


def test_the_seed_story_thread_whatever_order_its_updates_come_in() -> None:
    _, assignments, updates = replay(seed_items())
    shuffled = list(reversed(updates))  # the latest update of a proposition read first
    failed = StoryAssignment(article_id="x", trace_id="x", story_id=None, opened=False, score=0.0, updates=0)
    (thread,) = build_threads([*assignments, failed], shuffled)
    assert len(thread.articles) == 5 and thread.articles[0].opened
    assert sum(not a.opened for a in thread.articles) == 4
    kremlin = [p for p in thread.propositions if any(t.speaker.name == "Kremlin" for t in p.timeline)]
    assert len(kremlin) == 1
    assert stance_path(kremlin[0]) == "may → will → won't"
    assert len(kremlin[0].timeline) == max(
        len(u.timeline) for u in updates if u.proposition_id == kremlin[0].proposition_id
    )
    assert (thread.first_stated or "") <= "2024-12-23" and thread.last_stated == "2025-05-06"
    assert find([thread], thread.story_id[:6]) == thread
    assert find([thread], "zz") is None
