"""The sink's schema and batch writes against a real PostgreSQL server (no Kafka)."""

from __future__ import annotations

import pytest
from psycopg import sql

from pipeline.sink import store
from pipeline.sink.migrations import MIGRATIONS, migrate
from pipeline.sink.rows import rows_of
from pipeline.sink.store import Batch, OffsetsMoved, Reject
from tests.unit.test_stories import replay, seed_items

pytestmark = pytest.mark.postgres


def counts(conn: store.Connection) -> dict[str, int]:
    tables = ("articles", "dedup_verdicts", "claims", "story_assignments", "claim_updates", "sink_rejects")
    query = sql.SQL("SELECT count(*) FROM {}")
    return {t: int(conn.execute(query.format(sql.Identifier(t))).fetchall()[0][0]) for t in tables}


def seed_rows() -> list[store.Row]:
    _, assignments, updates = replay(seed_items())
    payloads = [*seed_items(), *(c for i in seed_items() for c in i.claims), *assignments, *updates]
    return [row for p in payloads for row in rows_of(p)]


def test_migrations_apply_once_and_are_recorded(postgres_dsn: str) -> None:
    with store.connect(postgres_dsn) as conn:
        assert migrate(conn) == [m.version for m in MIGRATIONS]
        assert migrate(conn) == []
        recorded = conn.execute("SELECT version, name FROM schema_migrations ORDER BY version").fetchall()
    assert recorded == [(m.version, m.name) for m in MIGRATIONS]


def test_a_batch_and_its_offsets_land_together_and_a_second_write_adds_nothing(postgres_dsn: str) -> None:
    rows = seed_rows()
    with store.connect(postgres_dsn) as conn:
        migrate(conn)
        reject = Reject("t.claims", 0, 3, "not a valid Claim", b"{")
        written = store.write(conn, Batch(rows=rows, rejects=[reject], offsets={("t.claims", 0): (None, 10)}))
        first = counts(conn)
        assert store.stored_offsets(conn, [("t.claims", 0), ("t.claims", 1)]) == {("t.claims", 0): 10}
        store.write(conn, Batch(rows=rows, rejects=[reject], offsets={("t.claims", 0): (10, 20)}))
        assert counts(conn) == first, "the same rows again change nothing"
        story = conn.execute("SELECT story_id, articles, claim_updates FROM stories").fetchall()
        latest = conn.execute("SELECT stances FROM proposition_timelines").fetchall()
    assert sum(written.values()) == len(rows)
    n_claims = sum(len(i.claims) for i in seed_items())
    assert first == {
        "articles": 5,
        "dedup_verdicts": 5,
        "claims": n_claims,
        "story_assignments": 5,
        "claim_updates": sum(r.table == "claim_updates" for r in rows),
        "sink_rejects": 1,
    }
    assert len(story) == 1 and story[0][1] == 5
    assert ["hedged", "positive", "negative"] in [r[0] for r in latest]


def test_a_batch_from_a_stale_offset_is_rolled_back_whole(postgres_dsn: str) -> None:
    rows = seed_rows()
    with store.connect(postgres_dsn) as conn:
        migrate(conn)
        store.write(conn, Batch(rows=rows[:2], offsets={("t.enriched", 0): (None, 1)}))
        before = counts(conn)
        with pytest.raises(OffsetsMoved):
            store.write(conn, Batch(rows=rows, offsets={("t.enriched", 0): (None, 7)}))
        with pytest.raises(OffsetsMoved):
            store.write(conn, Batch(rows=rows, offsets={("t.enriched", 0): (0, 7)}))
        assert counts(conn) == before
        assert store.stored_offsets(conn, [("t.enriched", 0)]) == {("t.enriched", 0): 1}
