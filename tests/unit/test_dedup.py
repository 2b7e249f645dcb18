from datetime import UTC, datetime, timedelta

from pipeline.dedup import judge
from pipeline.models import Article

NOW = datetime(2025, 5, 6, 12, tzinfo=UTC)


def article(article_id: str, content_hash: str) -> Article:
    return Article(
        article_id=article_id,
        trace_id=f"t-{article_id}",
        source=f"{article_id}.txt",
        text="text",
        content_hash=content_hash,
        extractor="text-capture",
        extracted_at=NOW,
    )


def test_first_is_unique_then_exact_copies_are_duplicates_of_it() -> None:
    seen: dict[str, dict[str, str]] = {}
    first = judge(article("a", "h1"), seen, now=NOW)
    second = judge(article("b", "h1"), seen, now=NOW + timedelta(hours=1))
    other = judge(article("c", "h2"), seen, now=NOW)
    assert (first.verdict, first.duplicate_of) == ("unique", None)
    assert (second.verdict, second.duplicate_of, second.method) == ("duplicate", "a", "content-hash")
    assert other.verdict == "unique"


def test_the_same_article_again_is_a_duplicate() -> None:
    seen: dict[str, dict[str, str]] = {}
    judge(article("a", "h1"), seen, now=NOW)
    assert judge(article("a", "h1"), seen, now=NOW).verdict == "duplicate"


def test_entries_outside_the_window_no_longer_count() -> None:
    seen: dict[str, dict[str, str]] = {}
    judge(article("a", "h1"), seen, now=NOW)
    later = judge(article("b", "h1"), seen, now=NOW + timedelta(days=8), window=timedelta(days=7))
    assert later.verdict == "unique"
    assert seen["h1"]["article_id"] == "b"
