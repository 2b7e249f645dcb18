"""Records of a batch joined by partition of a batched topic, and read back one payload at a time."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson
import pytest

from pipeline.codec import DecodeError, decode_all
from pipeline.dedup.messages import DecideMessage
from pipeline.kafka.transactions import Record
from pipeline.models import Article, DeadLetter
from pipeline.stream.batching import coalesce
from pipeline.stream.guard import Agent, Outbox, article_origin, handle
from pipeline.topology import SPECS, batched

BANDS, DECIDE, OTHER = "p.by-band", "p.decide", "p.unique"


def record(topic: str, key: str, n: int, partition: int | None = None) -> Record:
    return Record(topic, key.encode(), orjson.dumps({"n": n}), partition)


def placed(r: Record) -> int | None:
    if r.topic == OTHER or r.topic.endswith("-changelog"):
        return None
    return r.partition if r.partition is not None else len(r.key or b"") % 3


def test_records_to_a_partition_of_a_batched_topic_travel_as_one_array_in_order() -> None:
    records = [
        record(BANDS, "a", 1, partition=2),
        record(DECIDE, "xx", 2),  # partition 2 by its key
        record(OTHER, "a", 3),
        record(BANDS, "b", 4, partition=2),
        record(DECIDE, "y", 5),  # partition 1, alone
        record(BANDS, "c", 6, partition=0),  # alone
        record(DECIDE, "zz", 7),
        Record("p.bands-changelog", b"k", b"v", 2),
        Record(DECIDE, b"t", None),  # a tombstone stays as it is
    ]
    out = coalesce(records, placed, 10**6)
    assert sorted(orjson.loads(r.value or b"null") if r.value else None for r in out if r.topic == OTHER) == [{"n": 3}]
    joined = {(r.topic, r.partition): r for r in out if r.value and r.value.startswith(b"[")}
    assert set(joined) == {(BANDS, 2), (DECIDE, 2)}
    assert orjson.loads(joined[(BANDS, 2)].value or b"") == [{"n": 1}, {"n": 4}]
    assert orjson.loads(joined[(DECIDE, 2)].value or b"") == [{"n": 2}, {"n": 7}]
    assert joined[(DECIDE, 2)].key == b"xx"
    lone = [r for r in out if r.value and r.value.startswith(b"{") and r.topic != OTHER]
    assert sorted((r.topic, r.partition, r.key) for r in lone) == [(BANDS, 0, b"c"), (DECIDE, None, b"y")]
    assert len(out) == 7 and sum(r.value is None for r in out) == 1


def test_a_joined_record_stays_within_the_limit() -> None:
    records = [record(BANDS, "a", n, partition=1) for n in range(100)]
    limit = 120
    out = coalesce(records, placed, limit)
    assert len(out) > 1
    assert all(len(r.value or b"") + len(r.key or b"") <= limit for r in out)
    values = [
        v for r in out for v in (orjson.loads(r.value or b"") if r.value.startswith(b"[") else [orjson.loads(r.value)])
    ]
    assert values == [{"n": n} for n in range(100)]


def test_only_the_hops_between_workers_of_one_stage_are_batched() -> None:
    assert {s.role for s in SPECS if s.batched} == {"dedup_bands", "dedup_decide", "stories_in"}
    assert batched("dedup_decide") and not batched("captures")


def test_an_array_is_read_as_its_payloads_only_where_a_topic_is_batched() -> None:
    one = DecideMessage(article_id="a1", covered=(1,))
    two = DecideMessage(article_id="a2", covered=(3,))
    array = b"[" + one.model_dump_json().encode() + b",{}," + two.model_dump_json().encode() + b"]"
    items = decode_all(DecideMessage, array, many=True)
    assert items[0] == one and isinstance(items[1], DecodeError) and items[2] == two
    assert decode_all(DecideMessage, one.model_dump_json().encode(), many=True) == [one]
    for value in (b"[]", b"[ ]"):
        with pytest.raises(DecodeError):
            decode_all(DecideMessage, value, many=True)
    with pytest.raises(DecodeError):
        decode_all(DecideMessage, array, many=False)


def test_each_payload_of_a_batched_record_is_handled_and_a_bad_one_is_one_dead_letter() -> None:
    seen: list[str] = []

    def step(item: DecideMessage, now: datetime, out: Outbox) -> None:
        if item.article_id == "boom":
            raise RuntimeError("broken")
        seen.append(item.article_id)
        out.send("unique", item.article_id, item)

    agent = Agent("decide", "dedup_decide", DecideMessage, step, lambda m: (m.article_id, m.article_id), "dedup")
    messages = [DecideMessage(article_id=a, covered=(0,)) for a in ("a1", "boom", "a2")]
    value = b"[" + b",".join(m.model_dump_json().encode() for m in messages) + b',{"x":1}]'
    sent = handle(agent, value, ("p.decide", 4, 9), datetime.now(UTC), Outbox(10**6))
    assert seen == ["a1", "a2"]
    assert [s.role for s in sent] == ["unique", "deadletter", "unique", "deadletter"]
    failed, bad = (DeadLetter.model_validate_json(s.value) for s in sent if s.role == "deadletter")
    assert (failed.trace_id, failed.reason) == ("boom", "dedup failed: RuntimeError")
    assert (bad.reason, bad.source) == ("undecodable message", "p.decide[4]@9#3")

    # the same array on a topic that is not batched is one undecodable message
    plain = Agent("route", "articles", Article, step, article_origin, "dedup")  # type: ignore[arg-type]
    sent = handle(plain, value, ("p.articles", 0, 1), datetime.now(UTC), Outbox(10**6))
    assert [DeadLetter.model_validate_json(s.value).reason for s in sent] == ["undecodable message"]
