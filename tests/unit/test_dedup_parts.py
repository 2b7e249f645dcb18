from datetime import UTC, datetime, timedelta

import pytest

from pipeline.dedup import Candidate, DedupConfig, Member, MinHashParams, decide, earliest_match, probe
from pipeline.dedup.band_store import BandStore
from pipeline.dedup.bands import id_text, unpack
from pipeline.dedup.messages import BandCandidate, DecideMessage
from pipeline.dedup.pending import collect, decided
from pipeline.dedup.signatures import band_keys, fingerprint, shingles, signature, similarity
from tests.dedup_corpus import corpus

NOW = datetime(2025, 5, 6, 12, tzinfo=UTC)


def jaccard(a: str, b: str) -> float:
    x, y = shingles(a, 5), shingles(b, 5)
    return len(x & y) / len(x | y)


def test_bands_and_rows_follow_the_threshold() -> None:
    assert MinHashParams(num_perm=64, threshold=0.5).bands_rows == (14, 4)
    low, high = MinHashParams(threshold=0.3).bands_rows, MinHashParams(threshold=0.8).bands_rows
    assert low[0] > high[0]


def test_fingerprint_similarity_estimates_jaccard() -> None:
    params = MinHashParams(num_perm=128)
    errors = []
    for original, copy in corpus(10, 0)[0]:
        a, b = signature(original.text, params), signature(copy.text, params)
        errors.append(abs(similarity(fingerprint(a), fingerprint(b)) - jaccard(original.text, copy.text)))
    assert sum(errors) / len(errors) < 0.08


def test_equal_texts_share_every_band_key_and_distinct_texts_none() -> None:
    params = MinHashParams()
    (pair,), singles = corpus(1, 2)
    keys = [set(band_keys(signature(a.text, params), params)) for a in (pair[0], pair[0], *singles)]
    assert keys[0] == keys[1] and len(keys[0]) == params.bands
    assert not keys[2] & keys[3]


def test_short_texts_are_one_shingle() -> None:
    assert shingles("Breaking: rates up", 5) == {b"breaking rates up"}


def _id(n: int) -> str:
    return f"{n:016x}"


@pytest.mark.parametrize("store", [dict, BandStore])
def test_a_bucket_is_capped_keeps_the_earliest_and_forgets_old_entries(store: type) -> None:
    buckets = store()
    for i in range(5):
        probe(buckets, "k", Member(_id(i), float(10 - i), b"\x01" * 8), now=NOW, window=timedelta(days=1), cap=3)
    assert [id_text(e.id) for e in unpack(buckets["k"])] == [_id(4), _id(3), _id(2)]
    later = probe(
        buckets, "k", Member(_id(99), 99.0, b"\x01" * 8), now=NOW + timedelta(days=2), window=timedelta(days=1)
    )
    assert later == [] and [id_text(e.id) for e in unpack(buckets["k"])] == [_id(99)]
    assert len(buckets) == 1


@pytest.mark.parametrize("store", [dict, BandStore])
def test_probing_twice_adds_the_member_once(store: type) -> None:
    buckets = store()
    member = Member(_id(1), 1.0, b"\x01" * 8)
    probe(buckets, "k", member, now=NOW, window=timedelta(days=1))
    assert probe(buckets, "k", member, now=NOW, window=timedelta(days=1)) == []
    assert len(unpack(buckets["k"])) == 1


def test_earliest_match_is_ordered_so_a_pair_is_never_both_duplicates() -> None:
    a, b = Candidate("a", 1.0, 0.9), Candidate("b", 2.0, 0.9)
    assert earliest_match("b", 2.0, [a], 0.5) == a
    assert earliest_match("a", 1.0, [b], 0.5) is None
    assert earliest_match("c", 3.0, [Candidate("b", 2.0, 0.4)], 0.5) is None
    assert earliest_match("c", 3.0, [b, a], 0.5) == a


@pytest.mark.parametrize("article_first", [True, False])
def test_collect_waits_for_the_article_and_all_its_bands(article_first: bool) -> None:
    (pair,), _ = corpus(1, 0)
    article = pair[1]
    head = DecideMessage(article_id=article.article_id, article=article, bands=2)
    band0 = DecideMessage(
        article_id=article.article_id, band=0, candidates=(BandCandidate(article_id="x", order=1.0, similarity=0.8),)
    )
    band1 = DecideMessage(article_id=article.article_id, band=1)
    pending: dict[str, object] = {}
    order = [head, band0, band0, band1] if article_first else [band0, band1, head]
    results = [collect(pending, m, now=NOW) for m in order]
    assert all(r.ready is None and not r.sends for r in results[:-1])
    assert results[-1].ready == (article, [Candidate("x", 1.0, 0.8)], [])
    decided(pending, article.article_id, "unique", NOW)
    assert collect(pending, band1, now=NOW).ready is None  # an article decided once is not decided again


def _arrivals(pending: dict[str, object], messages: list[DecideMessage]) -> list[DecideMessage]:
    """Run collect over messages, and over the messages it sends on, to the end; what was decided."""
    queue, ready = list(messages), []
    while queue:
        done = collect(pending, queue.pop(0), now=NOW)
        queue += done.sends
        if done.ready is not None:
            article, candidates, later = done.ready
            verdict = decide(article, candidates, now=NOW, config=DedupConfig(), published_later=later)
            decided(pending, article.article_id, verdict.verdict, NOW)
            ready.append(verdict)
    return ready


def test_an_earlier_copy_arriving_after_a_later_one_was_published_yields_to_it() -> None:
    """Ranked before b but decided after it: a is b's near duplicate, so one of the two comes out."""
    (pair,), _ = corpus(1, 0)
    a, b = pair
    ranked_a = BandCandidate(article_id=a.article_id, order=a.extracted_at.timestamp(), similarity=0.9)
    ranked_b = BandCandidate(article_id=b.article_id, order=b.extracted_at.timestamp(), similarity=0.9)
    assert (ranked_a.order, ranked_a.article_id) < (ranked_b.order, ranked_b.article_id)
    pending: dict[str, object] = {}
    first = _arrivals(
        pending,
        [DecideMessage(article_id=b.article_id, article=b, bands=1), DecideMessage(article_id=b.article_id, band=0)],
    )
    assert [v.verdict for v in first] == ["unique"]
    ask = DecideMessage(article_id=b.article_id, earlier=ranked_a)  # what a's band sends to b
    second = _arrivals(
        pending,
        [
            DecideMessage(article_id=a.article_id, article=a, bands=1),
            DecideMessage(article_id=a.article_id, band=0, later=(ranked_b,)),
            ask,
        ],
    )
    assert [(v.article_id, v.verdict, v.duplicate_of) for v in second] == [
        (a.article_id, "near-duplicate", b.article_id)
    ]


def test_a_later_copy_still_in_flight_becomes_the_near_duplicate() -> None:
    (pair,), _ = corpus(1, 0)
    a, b = pair
    ranked_a = BandCandidate(article_id=a.article_id, order=a.extracted_at.timestamp(), similarity=0.9)
    ranked_b = BandCandidate(article_id=b.article_id, order=b.extracted_at.timestamp(), similarity=0.9)
    pending: dict[str, object] = {}
    messages = [
        DecideMessage(article_id=b.article_id, article=b, bands=1),
        DecideMessage(article_id=a.article_id, article=a, bands=1),
        DecideMessage(article_id=a.article_id, band=0, later=(ranked_b,)),
        DecideMessage(article_id=b.article_id, earlier=ranked_a),
        DecideMessage(article_id=b.article_id, band=0),
    ]
    verdicts = {v.article_id: (v.verdict, v.duplicate_of) for v in _arrivals(pending, messages)}
    assert verdicts == {a.article_id: ("unique", None), b.article_id: ("near-duplicate", a.article_id)}
