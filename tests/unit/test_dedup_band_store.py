"""The compact band store: what a dict of packed buckets holds, in fixed-width rows, an article's
entry kept once; written to a changelog and restored; forgetting by article."""

from __future__ import annotations

from collections.abc import MutableMapping
from datetime import UTC, datetime, timedelta

import orjson
import pytest

from pipeline.dedup import DedupConfig, DedupStores, Member, judge, probe, probes
from pipeline.dedup.band_store import BandStore, EntryPool
from pipeline.dedup.bands import id_text, journal, replay, unpack
from pipeline.stream.state import RAW, Journal, Table
from tests.dedup_corpus import corpus, make_article

NOW = datetime(2025, 5, 6, 12, tzinfo=UTC)
WEEK = timedelta(days=7)


def member(n: int, order: float | None = None) -> Member:
    return Member(f"{n:016x}", float(n) if order is None else order, bytes([n % 256]) * 16)


def test_offline_dedup_gives_the_same_verdicts_with_a_band_store_as_with_a_dict() -> None:
    pairs, singles = corpus(8, 16)
    articles = [a for a, _ in pairs] + singles + [c for _, c in pairs]
    by_dict, by_store = DedupStores(buckets={}), DedupStores(buckets=BandStore())
    verdicts = [(judge(a, by_dict, now=NOW), judge(a, by_store, now=NOW)) for a in articles]
    assert all(a == b for a, b in verdicts)
    assert sum(a.verdict == "near-duplicate" for a, _ in verdicts) >= 7
    assert len(by_store.buckets) == len(by_dict.buckets)


def test_an_article_in_many_buckets_has_its_entry_stored_once() -> None:
    store = BandStore()
    ((article, _),), _ = corpus(1, 0)
    signed = probes(article, DedupConfig())
    for key, probed in signed:
        probe(store, key, probed, now=NOW, window=WEEK)
    assert len(store) == len(signed) == 14
    assert sum(map(len, store.entries.values())) == store.width
    assert sum(map(len, store.tags.values())) == 4 * len(signed)  # one 4-byte tag and 8-byte id a bucket
    assert all(id_text(e.id) == article.article_id for key, _ in signed for e in unpack(store[key]))


def test_buckets_written_to_a_changelog_are_restored_as_they_were() -> None:
    written = Table("bands", {}, BandStore, RAW)
    written.use(2)
    for n in range(1, 6):
        probe(written, f"k{n % 2}", member(n), now=NOW, window=WEEK)
    records = written.drain()
    assert len(records) == 2 and all(r.value is not None and r.value[:2] in (b"\x02\x00", b"\x03\x00") for r in records)
    restored = Table("bands", {}, BandStore, RAW)
    for record in records:
        restored.restore(record.partition, record.key, record.value)
    restored.use(2)
    assert {k: restored[k] for k in ("k0", "k1")} == {k: written[k] for k in ("k0", "k1")}
    restored.restore(2, orjson.dumps("k0"), None)
    assert "k0" not in restored and len(restored) == 1


def test_expiry_forgets_old_articles_and_the_buckets_they_leave_empty() -> None:
    store = BandStore()
    probe(store, "old", member(1), now=NOW - timedelta(days=10), window=WEEK)
    probe(store, "shared", member(1), now=NOW - timedelta(days=10), window=WEEK)
    probe(store, "shared", member(2), now=NOW - timedelta(days=1), window=WEEK)
    assert store.expire((NOW - WEEK).timestamp()) == 1
    assert "old" not in store and len(store) == 1
    assert [id_text(e.id) for e in unpack(store["shared"])] == [f"{2:016x}"]
    assert store.expire((NOW - WEEK).timestamp()) == 0


def test_a_bucket_the_store_cannot_hold_is_refused() -> None:
    store = BandStore()
    probe(store, "k", member(1), now=NOW, window=WEEK)
    with pytest.raises(ValueError, match="packed bucket"):
        store["j"] = orjson.dumps([["0000000000000001", 1.0, "AAAA", 2.0]])  # a bucket as JSON once was
    with pytest.raises(ValueError, match="bytes in a store of"):
        probe(store, "j", Member(f"{2:016x}", 2.0, b"\x00" * 32), now=NOW, window=WEEK)
    with pytest.raises(TypeError):
        list(store)


def test_an_article_whose_id_is_no_stable_id_is_judged_without_bands() -> None:
    ((original, copy),), _ = corpus(1, 0)
    assert probes(original.model_copy(update={"article_id": "Story-1"}), DedupConfig()) == []
    stores = DedupStores()
    judge(original, stores, now=NOW)
    odd = make_article("https://other.example/x", copy.text, NOW).model_copy(update={"article_id": "X"})
    assert judge(odd, stores, now=NOW).verdict == "unique"


def journalled() -> Journal:
    def again(entries: MutableMapping[str, bytes], value: bytes) -> None:
        replay(entries, value, window=WEEK, cap=3)

    return Journal("bands", {}, BandStore, RAW, replay=again)


def journal_probes(written: Journal, probes: list[tuple[int, int]]) -> None:
    for n, when in probes:
        keys = ["k0", "k1"] if n % 2 else ["k0"]
        at = NOW + timedelta(days=when)
        written.note(orjson.dumps([n, when]), journal(member(n), keys, at))
        for key in keys:
            probe(written, key, member(n), now=at, window=WEEK, cap=3)


def test_a_journal_of_probes_restores_the_buckets_as_they_were_with_one_record_a_partition_and_drain() -> None:
    written = journalled()
    # 9 articles in 2 buckets of at most 3, out of order, the first ones seen long ago, one seen
    # twice, in two drains on partition 1; and two on partition 4 among them
    written.use(1)
    journal_probes(written, [(5, 0), (2, 0), (9, 8), (1, 9)])
    written.use(4)
    journal_probes(written, [(11, 9), (13, 9)])
    records = written.drain()
    written.use(1)
    journal_probes(written, [(7, 9), (3, 9), (2, 9), (8, 9), (4, 9)])
    records += written.drain()
    assert written.drain() == []
    assert [(r.partition, orjson.loads(r.key)["notes"]) for r in records] == [(1, 4), (4, 2), (1, 5)]
    assert all(r.value is not None and len(r.value) < 60 * orjson.loads(r.key)["notes"] for r in records)

    restored = journalled()
    assert all(restored.restore(r.partition, r.key, r.value) for r in records)
    for partition in (1, 4):
        restored.use(partition)
        written.use(partition)
        assert [unpack(restored[k]) for k in ("k0", "k1")] == [unpack(written[k]) for k in ("k0", "k1")]
    restored.use(1)
    assert [id_text(e.id)[-1] for e in unpack(restored["k0"])] == ["1", "2", "3"]  # 5 expired, the cap kept 1-3

    # an earlier version's records: one note each, and a bucket itself (restored as a table restores it)
    single = journalled()
    single.use(1)
    for n, when in [(5, 0), (2, 0), (9, 8), (1, 9), (7, 9), (3, 9), (2, 9), (8, 9), (4, 9)]:
        keys = ["k0", "k1"] if n % 2 else ["k0"]
        assert single.restore(1, orjson.dumps([n, when]), journal(member(n), keys, NOW + timedelta(days=when)))
    assert [unpack(single[k]) for k in ("k0", "k1")] == [unpack(restored[k]) for k in ("k0", "k1")]
    assert restored.restore(1, orjson.dumps("k2"), written["k1"]) and restored["k2"] == written["k1"]
    assert not restored.restore(1, orjson.dumps([0, 0]), b"\x00\x01")  # cut short: skipped
    assert not restored.restore(1, records[0].key, (records[0].value or b"")[:-3])


def test_a_journal_splits_a_partition_s_notes_past_its_batch_size() -> None:
    written = journalled()
    written.batch_bytes = 100
    written.use(0)
    journal_probes(written, [(n, 9) for n in range(1, 8)])
    records = written.drain()
    assert len(records) > 1 and sum(orjson.loads(r.key)["notes"] for r in records) == 7
    assert all(len(r.value or b"") <= 100 or orjson.loads(r.key)["notes"] == 1 for r in records)
    restored = journalled()
    assert all(restored.restore(r.partition, r.key, r.value) for r in records)
    restored.use(0)
    assert [unpack(restored[k]) for k in ("k0", "k1")] == [unpack(written[k]) for k in ("k0", "k1")]


def test_the_partitions_of_a_worker_keep_an_article_once_and_forget_it_together() -> None:
    pool = EntryPool()
    shared = [pool.store() for _ in range(3)]
    alone = [BandStore() for _ in range(3)]
    for n in range(1, 9):
        at = NOW + timedelta(days=n)  # article n last seen on day n
        for p in range(3):
            for stores in (shared, alone):
                probe(stores[p], f"k{(n + p) % 4}", member(n), now=at, window=WEEK)
    keys = [f"k{i}" for i in range(4)]
    assert [{k: s.get(k) for k in keys} for s in shared] == [{k: s.get(k) for k in keys} for s in alone]
    assert sum(map(len, pool.entries.values())) == 8 * pool.width  # once each, not once a partition
    assert sum(sum(map(len, s.entries.values())) for s in alone) == 3 * 8 * pool.width

    oldest = (NOW + timedelta(days=5)).timestamp()  # articles 1-4 go
    emptied = shared[0].expire(oldest)
    assert emptied == sum(s.expire(oldest) for s in alone) and shared[1].expire(oldest) == 0
    assert [len(s) for s in shared] == [len(s) for s in alone]
    assert sum(map(len, shared[1].ids.values())) == sum(map(len, alone[1].ids.values()))  # no rows of the gone
    assert [{k: s.get(k) for k in keys} for s in shared] == [{k: s.get(k) for k in keys} for s in alone]
    assert all(id_text(e.id) >= f"{5:016x}" for s in shared for k in keys for e in unpack(s.get(k)))

    del shared[2], alone
    assert len(pool.stores) == 2  # a partition given away leaves the pool with it
