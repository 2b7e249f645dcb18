"""The stream's tables (state per partition, changelog of what a batch wrote) and one message's
guarded handling, without Kafka."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson

from pipeline.models import Article, DeadLetter
from pipeline.stream.guard import Agent, Outbox, article_origin, handle
from pipeline.stream.state import ChangelogRecord, Codec, Table
from tests.dedup_corpus import make_article


def test_a_step_sees_the_partition_of_its_message_only() -> None:
    table = Table("t")
    table.use(0)
    table["a"] = {"n": 1}
    table.use(1)
    assert "a" not in table and table.get("a") is None and len(table) == 0
    table["a"] = {"n": 2}
    table.use(0)
    assert table["a"] == {"n": 1} and list(table) == ["a"]
    assert table.entries() == 2


def test_a_batch_writes_one_changelog_record_per_key_with_its_latest_value() -> None:
    table = Table("t")
    table.use(3)
    table["a"] = 1
    table["a"] = 2
    table["b"] = 3
    del table["b"]
    assert table.drain() == [
        ChangelogRecord(3, orjson.dumps("a"), orjson.dumps(2)),
        ChangelogRecord(3, orjson.dumps("b"), None),
    ]
    assert table.drain() == []


def test_a_table_restored_from_its_changelog_holds_what_was_written() -> None:
    written = Table("t")
    for partition in (0, 1):
        written.use(partition)
        written["x"] = {"p": partition}
        written["gone"] = 1
        del written["gone"]
    restored = Table("t")
    for record in written.drain():
        restored.restore(record.partition, record.key, record.value)
    assert restored.partitions == written.partitions == {0: {"x": {"p": 0}}, 1: {"x": {"p": 1}}}


def test_a_partition_taken_away_leaves_no_state_and_no_pending_record() -> None:
    table = Table("t")
    table.use(0)
    table["a"] = 1
    table.use(1)
    table["b"] = 2
    table.drop([0])
    assert table.held() == {1}
    assert [r.partition for r in table.drain()] == [1]


def article(text: str) -> Article:
    return make_article("https://example.org/a", text, datetime(2026, 1, 2, tzinfo=UTC))


def _agent(step: object) -> Agent[Article]:
    return Agent("test", "articles", Article, step, article_origin, "dedup")  # type: ignore[arg-type]


def test_a_failing_step_sends_one_dead_letter_and_nothing_it_sent_before() -> None:
    def step(item: Article, now: datetime, out: Outbox) -> None:
        out.send("unique", item.article_id, item)
        raise RuntimeError("broken")

    item = article("Body text of the article.")
    sent = handle(
        _agent(step), orjson.dumps(item.model_dump(mode="json")), ("t", 0, 5), datetime.now(UTC), Outbox(10**6)
    )
    assert [s.role for s in sent] == ["deadletter"]
    letter = DeadLetter.model_validate_json(sent[0].value)
    assert (letter.trace_id, letter.reason) == (item.trace_id, "dedup failed: RuntimeError")


def test_an_undecodable_message_is_a_dead_letter_named_by_its_position() -> None:
    def step(item: Article, now: datetime, out: Outbox) -> None:
        raise AssertionError("never called")

    for value in (None, b"", b"{not json", b'{"schema_version": 99}'):
        sent = handle(_agent(step), value, ("news.articles", 2, 7), datetime.now(UTC), Outbox(10**6))
        letter = DeadLetter.model_validate_json(sent[0].value)
        assert (letter.stage, letter.reason, letter.source) == ("stream", "undecodable message", "news.articles[2]@7")


def test_an_output_over_the_limit_is_a_dead_letter_not_a_refused_send() -> None:
    def step(item: Article, now: datetime, out: Outbox) -> None:
        out.send("unique", item.article_id, item)

    item = article("word " * 2000)
    sent = handle(
        _agent(step), orjson.dumps(item.model_dump(mode="json")), ("t", 0, 0), datetime.now(UTC), Outbox(5000)
    )
    letter = DeadLetter.model_validate_json(sent[0].value)
    assert letter.reason == "dedup failed: MessageTooLarge"


def test_a_changelog_record_in_a_form_this_version_cannot_read_is_skipped_not_fatal() -> None:
    table = Table("packed", codec=Codec(bytes, _strict_decode))
    assert table.restore(0, b'"fine"', b"\x01\x02")
    assert not table.restore(0, b'"old"', b"[1, 2, 3]")  # an earlier version's JSON value
    assert not table.restore(0, b"not json", b"\x01\x02")
    table.use(0)
    assert dict(table.items()) == {"fine": b"\x01\x02"}


def _strict_decode(value: bytes) -> bytes:
    if value.startswith(b"["):
        raise ValueError("not a packed value")
    return value
