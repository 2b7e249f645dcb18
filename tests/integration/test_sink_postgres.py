"""The PostgreSQL sink against the real broker and a real PostgreSQL server: the seeds through the
real workers into the tables, `stories` read from both, and a sink killed mid-batch."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import psycopg
import pytest
from confluent_kafka import TopicPartition
from psycopg import sql

from pipeline.codec import encode
from pipeline.config import Settings
from pipeline.kafka import clients
from pipeline.kafka.admin import end_offsets
from pipeline.models import ClaimUpdate, Contract, DedupVerdict, EnrichedArticle, StoryAssignment, stable_id
from pipeline.replay import replay
from pipeline.runner import child_env, running_workers, start_process, stop_process
from pipeline.sink import store
from pipeline.sink.loop import SINK_GROUP
from pipeline.sink.rows import SINK_ROLES, rows_of
from pipeline.topology import Role, Topology
from tests.integration.conftest import wait_for
from tests.seeds import EXPECTED, SEEDS_DIR, check_result, find_expected_claim
from tests.unit.test_stories import check_seed_thread, seed_items, seed_thread
from tests.unit.test_stories import replay as track_all

pytestmark = [pytest.mark.integration, pytest.mark.postgres]
TABLE_KEYS = {
    "articles": ["article_id"],
    "dedup_verdicts": ["article_id", "trace_id", "verdict"],
    "claims": ["claim_id"],
    "story_assignments": ["article_id"],
    "claim_updates": ["update_id"],
}


def topic_ends(settings: Settings) -> dict[tuple[str, int], int]:
    topology = Topology.from_settings(settings)
    consumer = clients.consumer(settings, f"ends-{uuid.uuid4().hex}")
    try:
        return {
            (tp.topic, tp.partition): tp.offset for r in SINK_ROLES for tp in end_offsets(consumer, topology.name(r))
        }
    finally:
        consumer.close()


def caught_up(settings: Settings, dsn: str) -> bool:
    """The database holds, for every partition of the results topics, the offset where it ends."""
    ends = {where: end for where, end in topic_ends(settings).items() if end > 0}
    with store.connect(dsn) as conn:
        stored = store.stored_offsets(conn, list(ends))
    return all(stored.get(where, 0) >= end for where, end in ends.items())


def query(dsn: str, statement: str | sql.Composed, *params: Any) -> list[tuple[Any, ...]]:
    with store.connect(dsn) as conn:
        return conn.execute(statement.encode() if isinstance(statement, str) else statement, params).fetchall()


def news_ingest(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli", *args],
        env=child_env(settings),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_seeds_through_the_workers_land_in_the_tables_as_expected(
    settings: Settings, postgres_dsn: str, tmp_path: Path
) -> None:
    settings = settings.model_copy(update={"postgres_dsn": postgres_dsn})
    sink = start_process("sink postgres", settings, tmp_path / "sink.log")
    try:
        with running_workers(settings, tmp_path / "logs") as workers:
            first = replay([SEEDS_DIR], settings, timeout_s=240, health_check=workers.check)
            second = replay([SEEDS_DIR], settings, timeout_s=240, health_check=workers.check)
            wait_for(lambda: caught_up(settings, postgres_dsn), timeout_s=90, what="the sink to reach the topics' ends")
    finally:
        assert stop_process(sink) == 0, (tmp_path / "sink.log").read_text()[-3000:]
    assert (first.articles, second.duplicates) == (5, 5)

    articles = query(postgres_dsn, "SELECT source, title, published, claims, payload FROM articles")
    assert sorted(Path(a[0]).name for a in articles) == sorted(EXPECTED)
    for source, title, published, n_claims, payload in articles:
        name = Path(source).name
        assert check_result(name, payload) == []
        assert title == EXPECTED[name]["title"]
        assert published == payload["datestamp"]["published"]  # check_result held it to expected.json
        assert n_claims == len(payload["claims"])
        of_article = "SELECT payload FROM claims WHERE article_id = %s"
        stored = [r[0] for r in query(postgres_dsn, of_article, payload["article"]["article_id"])]
        assert len(stored) == n_claims
        for want in EXPECTED[name].get("claims", []):
            assert find_expected_claim(stored, want), f"{name}: {want} not in the claims table"

    verdicts = query(postgres_dsn, "SELECT verdict, count(*) FROM dedup_verdicts GROUP BY verdict ORDER BY verdict")
    assert verdicts == [("duplicate", 5), ("unique", 5)]
    (story,) = query(postgres_dsn, "SELECT story_id, articles, claim_updates FROM stories")
    assert story[1] == 5
    assert story[2] == query(postgres_dsn, "SELECT count(*) FROM claim_updates")[0][0] > 0
    latest = query(
        postgres_dsn,
        "SELECT u.update_id, u.story_id, u.proposition_id, u.claim_id, u.changed, u.changes, u.timeline "
        "FROM claim_updates u JOIN proposition_timelines USING (update_id)",
    )
    columns = ("update_id", "story_id", "proposition_id", "claim_id", "changed", "changes", "timeline")
    updates = [ClaimUpdate.model_validate(dict(zip(columns, row, strict=True))) for row in latest]
    check_seed_thread(seed_thread(updates))

    from_db = news_ingest(settings, "stories", "show", story[0][:8], "--json")
    listed = news_ingest(settings, "stories", "list", "--json")
    without_db = settings.model_copy(update={"postgres_dsn": None})
    from_topics = news_ingest(without_db, "stories", "show", story[0], "--json")
    assert from_db.returncode == listed.returncode == from_topics.returncode == 0, from_db.stderr + from_topics.stderr
    db_thread, topic_thread = json.loads(from_db.stdout), json.loads(from_topics.stdout)
    assert [t["story_id"] for t in json.loads(listed.stdout)] == [story[0]]
    assert db_thread["propositions"] == topic_thread["propositions"]
    # the same articles; the database's come in order of publication, as it knows the dates
    assert sorted(a["article_id"] for a in db_thread["articles"]) == sorted(
        a["article_id"] for a in topic_thread["articles"]
    )
    published = [a["details"]["published"] or "9999" for a in db_thread["articles"][1:]]
    assert db_thread["articles"][0]["opened"] and published == sorted(published)
    assert sorted(Path(a["details"]["source"]).name for a in db_thread["articles"]) == sorted(EXPECTED)
    text = news_ingest(settings, "stories", "show", story[0])
    assert "may → will → won't" in text.stdout and "Kremlin" in text.stdout, text.stdout


def copies(count: int) -> list[tuple[Role, bytes, Contract]]:
    """Results as the stream would publish them, for count copies of the seeds under ids of their own."""
    found: list[tuple[Role, bytes, Contract]] = []
    _, _, updates = track_all(seed_items())
    for n in range(count):
        for item in seed_items():
            article_id = stable_id("copy", str(n), item.article.article_id)
            claims = tuple(
                c.model_copy(update={"claim_id": stable_id("copy", str(n), c.claim_id), "article_id": article_id})
                for c in item.claims
            )
            copy = EnrichedArticle(
                article=item.article.model_copy(update={"article_id": article_id}),
                dedup=item.dedup.model_copy(update={"article_id": article_id}),
                datestamp=item.datestamp.model_copy(update={"article_id": article_id}),
                claims=claims,
            )
            found.append(("enriched", article_id.encode(), copy))
            found += [("claims", c.claim_id.encode(), c) for c in claims]
            assignment = StoryAssignment(
                article_id=article_id,
                trace_id=item.article.trace_id,
                story_id=f"s{n % 3}",
                opened=False,
                score=0.5,
                updates=0,
            )
            found.append(("stories", article_id.encode(), assignment))
            duplicate = DedupVerdict(
                article_id=stable_id("dup", article_id),
                trace_id=stable_id("dup-trace", article_id),
                source=item.article.source,
                verdict="duplicate",
                duplicate_of=article_id,
                decided_at=item.dedup.decided_at,
            )
            found.append(("duplicates", duplicate.article_id.encode(), duplicate))
    found += [("claim_updates", u.proposition_id.encode(), u) for u in updates]
    return found


WRITE_LOG = """
CREATE TABLE test_writes (tbl text NOT NULL, id text NOT NULL);
CREATE FUNCTION test_log_write() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO test_writes
    SELECT TG_TABLE_NAME, string_agg(to_jsonb(NEW) ->> c, '/') FROM unnest(TG_ARGV) AS c;
  RETURN NEW;
END $$;
"""


def log_every_write(dsn: str) -> None:
    """A row in test_writes for every row the sink tries to write (a BEFORE INSERT trigger fires
    for rows that then conflict too), rolled back with the transaction that tried."""
    with store.connect(dsn) as conn, conn.transaction():
        conn.execute(WRITE_LOG.encode())
        for table, key in TABLE_KEYS.items():
            trigger = sql.SQL(
                "CREATE TRIGGER log_write BEFORE INSERT ON {} FOR EACH ROW EXECUTE FUNCTION test_log_write({})"
            )
            conn.execute(trigger.format(sql.Identifier(table), sql.SQL(", ").join(map(sql.Literal, key))))


def blocked_mid_batch(dsn: str) -> bool:
    """A backend holds row locks on a results table in an open transaction and waits for the
    offsets table: the sink has written a batch's rows and not its offsets."""
    rows = query(
        dsn,
        "SELECT count(*) FROM pg_locks waiting JOIN pg_locks wrote ON waiting.pid = wrote.pid "
        "WHERE waiting.relation = 'sink_offsets'::regclass AND NOT waiting.granted "
        "AND wrote.relation IN ('articles'::regclass, 'claims'::regclass, 'story_assignments'::regclass, "
        "'dedup_verdicts'::regclass, 'claim_updates'::regclass) AND wrote.granted AND wrote.mode = 'RowExclusiveLock'",
    )
    return int(rows[0][0]) > 0


def test_a_sink_killed_mid_batch_and_restarted_writes_every_row_once(
    settings: Settings, postgres_dsn: str, tmp_path: Path
) -> None:
    settings = settings.model_copy(update={"postgres_dsn": postgres_dsn, "sink_batch_messages": 40})
    topology = Topology.from_settings(settings)
    migrated = news_ingest(settings, "sink", "postgres", "--migrate-only")
    assert migrated.returncode == 0, migrated.stderr
    log_every_write(postgres_dsn)

    records = copies(20)
    producer = clients.producer(settings)
    tracker = clients.DeliveryTracker()
    for role, key, payload in records:
        producer.produce(topology.name(role), key=key, value=encode(payload), on_delivery=tracker)
    producer.produce(topology.name("claims"), key=b"poison", value=b"not json", on_delivery=tracker)
    tracker.flush(producer)

    with psycopg.connect(postgres_dsn) as holder:  # its transaction holds the offsets table
        holder.execute("LOCK TABLE sink_offsets IN EXCLUSIVE MODE")
        sink = start_process("sink postgres", settings, tmp_path / "sink-1.log")
        try:
            wait_for(lambda: blocked_mid_batch(postgres_dsn), timeout_s=90, what="the sink to block mid-batch")
        finally:
            os.kill(sink.pid, signal.SIGKILL)
            sink.wait(30)
        holder.rollback()
    wait_for(lambda: not blocked_mid_batch(postgres_dsn), timeout_s=30, what="the killed sink's transaction to end")
    assert query(postgres_dsn, "SELECT count(*) FROM test_writes") == [(0,)], "the killed batch was rolled back"
    assert query(postgres_dsn, "SELECT count(*) FROM sink_offsets") == [(0,)]

    sink = start_process("sink postgres", settings, tmp_path / "sink-2.log")
    try:
        wait_for(lambda: caught_up(settings, postgres_dsn), timeout_s=120, what="the restarted sink to catch up")
    finally:
        assert stop_process(sink) == 0, (tmp_path / "sink-2.log").read_text()[-3000:]

    expected: dict[str, set[str]] = {}
    for _, _, payload in records:
        for row in rows_of(payload):
            expected.setdefault(row.table, set()).add("/".join(map(str, row.key)))
    assert set(expected) == set(TABLE_KEYS)
    for table, ids in expected.items():
        written = query(postgres_dsn, "SELECT id, count(*) FROM test_writes WHERE tbl = %s GROUP BY id", table)
        assert {i for i, _ in written} == ids, table
        assert all(n == 1 for _, n in written), f"{table}: written more than once: {[w for w in written if w[1] > 1]}"
        rows = query(postgres_dsn, sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table)))
        assert rows == [(len(ids),)], table
    rejects = query(postgres_dsn, "SELECT topic, reason FROM sink_rejects")
    assert len(rejects) == 1 and rejects[0][0] == topology.name("claims") and "Claim" in rejects[0][1]

    ends = topic_ends(settings)
    stored = query(postgres_dsn, "SELECT topic, partition, next_offset FROM sink_offsets")
    assert {(t, p): o for t, p, o in stored} == {w: e for w, e in ends.items() if e > 0}
    group = clients.consumer(settings, SINK_GROUP)
    try:
        committed = group.committed([TopicPartition(t, p) for t, p in ends], timeout=30)
    finally:
        group.close()
    assert all(tp.offset < 0 for tp in committed), "the sink commits nothing to Kafka"
