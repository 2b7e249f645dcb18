from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from pipeline.dedup import Candidate, DedupConfig, DedupStores, decide, judge, probe, probes
from pipeline.models import Article
from pipeline.process import process_paths
from tests.dedup_corpus import corpus, make_article

NOW = datetime(2025, 5, 6, 12, tzinfo=UTC)


def article(article_id: str, content_hash: str, *, at: datetime = NOW, text: str = "text") -> Article:
    return Article(
        article_id=article_id,
        trace_id=f"t-{article_id}",
        source=f"{article_id}.txt",
        text=text,
        content_hash=content_hash,
        extractor="text-capture",
        extracted_at=at,
    )


def test_first_is_unique_then_exact_copies_are_duplicates_of_it() -> None:
    stores = DedupStores()
    first = judge(article("a", "h1"), stores, now=NOW)
    second = judge(article("b", "h1"), stores, now=NOW + timedelta(hours=1))
    other = judge(article("c", "h2", text="other words entirely"), stores, now=NOW)
    assert (first.verdict, first.duplicate_of) == ("unique", None)
    assert (second.verdict, second.duplicate_of, second.method, second.similarity) == (
        "duplicate",
        "a",
        "content-hash",
        1.0,
    )
    assert other.verdict == "unique"


def test_a_refetch_of_the_same_url_and_text_is_a_duplicate_of_itself() -> None:
    stores = DedupStores()
    judge(article("a", "h1"), stores, now=NOW)
    again = judge(article("a", "h1", at=NOW + timedelta(hours=1)), stores, now=NOW + timedelta(hours=1))
    assert (again.verdict, again.duplicate_of, again.method) == ("duplicate", "a", "url")


def test_the_same_message_judged_twice_gets_the_same_verdict() -> None:
    # A worker that restarts before committing processes a message again: it is not its own duplicate.
    stores = DedupStores()
    first = judge(article("a", "h1"), stores, now=NOW)
    again = judge(article("a", "h1"), stores, now=NOW + timedelta(seconds=5))
    assert first.verdict == again.verdict == "unique"


def test_the_same_url_with_changed_text_is_an_update() -> None:
    stores = DedupStores()
    judge(article("a", "h1"), stores, now=NOW)
    changed = judge(article("a", "h2", text="corrected text", at=NOW + timedelta(hours=2)), stores, now=NOW)
    assert (changed.verdict, changed.duplicate_of, changed.method) == ("update", "a", "url")


def test_entries_outside_the_window_no_longer_count() -> None:
    stores = DedupStores()
    config = DedupConfig(window=timedelta(days=7))
    judge(article("a", "h1"), stores, now=NOW, config=config)
    later = judge(article("b", "h1"), stores, now=NOW + timedelta(days=8), config=config)
    assert later.verdict == "unique"
    assert stores.hashes["h1"]["article_id"] == "b"


def test_near_duplicates_name_the_earlier_article_and_distinct_stories_stay_unique() -> None:
    pairs, singles = corpus(40, 200)
    stores = DedupStores()
    for item in [a for a, _ in pairs] + singles:
        assert judge(item, stores, now=NOW).verdict == "unique", item.source
    verdicts = [(judge(copy, stores, now=NOW), original) for original, copy in pairs]
    found = [v for v, original in verdicts if v.verdict == "near-duplicate" and v.duplicate_of == original.article_id]
    assert len(found) / len(pairs) >= 0.95
    assert all(v.method == "minhash" and v.similarity is not None and v.similarity >= 0.5 for v in found)


def test_a_copy_arriving_first_is_kept_and_the_pair_is_never_both_duplicates() -> None:
    # As the stream's band agents may: the copy reaches some buckets first, the original others,
    # so each article meets the other before either is decided.
    ((original, copy),) = corpus(1, 0)[0]
    config = DedupConfig()
    buckets: dict[str, Any] = {}
    found: dict[str, list[Candidate]] = {copy.article_id: [], original.article_id: []}
    for band, probed in enumerate(zip(probes(copy, config), probes(original, config), strict=True)):
        for key, member in probed if band % 2 == 0 else reversed(probed):
            found[member.article_id] += probe(buckets, key, member, now=NOW, window=config.window)
    assert all(found.values())
    verdicts = [decide(a, found[a.article_id], now=NOW, config=config).verdict for a in (copy, original)]
    assert verdicts.count("unique") >= 1


def test_an_unrelated_text_sharing_only_the_shell_is_unique() -> None:
    pairs, _ = corpus(2, 0)
    stores = DedupStores()
    judge(pairs[0][0], stores, now=NOW)
    other = make_article("https://x.example/1", pairs[1][0].text, NOW)
    assert judge(other, stores, now=NOW).verdict == "unique"


def test_the_offline_process_command_reports_near_duplicates(tmp_path: Path) -> None:
    ((original, copy),), _ = corpus(1, 0)
    (tmp_path / "a.txt").write_text(original.text, encoding="utf-8")
    (tmp_path / "b.txt").write_text(copy.text, encoding="utf-8")
    results = list(process_paths([tmp_path / "a.txt", tmp_path / "b.txt"]))
    first, second = (r.dedup for r in results)
    assert first is not None and second is not None and first.verdict == "unique"
    assert (second.verdict, second.duplicate_of) == ("near-duplicate", first.article_id)
    assert results[1].claims == () and results[1].datestamp is None
