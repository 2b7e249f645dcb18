"""Pure parts of fetching: retries, the offset ledger, politeness, feeds, sitemaps, the scheduler's choices."""

from __future__ import annotations

import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pipeline.config import Settings
from pipeline.fetch import feeds, sources
from pipeline.fetch.ledger import Ledger
from pipeline.fetch.pages import host_key, with_feed_hints
from pipeline.fetch.politeness import host_delay
from pipeline.fetch.retry import backoff_s, next_attempt, retry_after_s
from pipeline.fetch.scheduler import adapt_interval, canonical, prune_seen, restored, select_new
from pipeline.fetch.source_state import SourceState
from pipeline.models import Article, FetchRequest

NOW = datetime(2025, 3, 4, 12, 0, tzinfo=UTC)


def test_retry_after_reads_seconds_and_dates() -> None:
    assert retry_after_s("120", NOW) == 120.0
    assert retry_after_s("Tue, 04 Mar 2025 12:00:30 GMT", NOW) == 30.0
    assert retry_after_s("Tue, 04 Mar 2025 11:00:00 GMT", NOW) == 0.0
    assert retry_after_s("soon", NOW) is None and retry_after_s(None, NOW) is None


def test_backoff_grows_with_jitter_and_is_capped() -> None:
    assert [backoff_s(a, 1.0, 300.0, lambda: 0.0) for a in range(4)] == [0.5, 1.0, 2.0, 4.0]
    assert backoff_s(3, 1.0, 300.0, lambda: 1.0) == 8.0
    assert backoff_s(20, 1.0, 300.0, lambda: 1.0) == 300.0


def test_retries_are_scheduled_until_attempts_run_out() -> None:
    settings = Settings(fetch_max_attempts=3)
    request = FetchRequest.for_url("http://a.test/x", NOW)
    first = next_attempt(request, settings, NOW, status=503, retry_after=5.0)
    assert first is not None and first.attempt == 1 and first.last_status == 503
    assert first.not_before == NOW + timedelta(seconds=5)
    assert first.request_id == request.request_id
    second = next_attempt(first, settings, NOW, status=None, retry_after=None, rand=lambda: 0.0)
    assert second is not None and second.not_before == NOW + timedelta(seconds=1)
    assert next_attempt(second, settings, NOW, status=503, retry_after=None) is None


def test_the_ledger_releases_only_done_prefixes() -> None:
    ledger: Ledger[str] = Ledger()
    p = ("t", 0)
    for offset in (10, 11, 12):
        ledger.add(p, offset)
    ledger.add(("t", 1), 5)
    assert ledger.complete(p, 11, ["b"])
    assert ledger.release() == ({}, {})
    ledger.complete(p, 10, ["a"])
    assert ledger.release() == ({p: ["a", "b"]}, {p: 12})
    assert ledger.in_flight == 2
    ledger.drop([p])
    assert not ledger.complete(p, 12, ["c"])
    assert ledger.in_flight == 1


def test_host_delay_takes_the_larger_and_caps_robots() -> None:
    assert host_delay(1.0, None, 30.0) == 1.0
    assert host_delay(0.1, 1.0, 30.0) == 1.0
    assert host_delay(0.1, 3600.0, 30.0) == 30.0


def test_feed_hints_join_the_article() -> None:
    article = Article(
        article_id="a",
        trace_id="t",
        source="s",
        text="x" * 200,
        content_hash="h",
        extractor="trafilatura",
        extracted_at=NOW,
    )
    request = FetchRequest.for_url("http://a.test/x", NOW, feed_published="2025-03-01", feed_author="J. Doe")
    hinted = with_feed_hints(article, request)
    assert [(h.text, h.source) for h in hinted.date_hints] == [("2025-03-01", "feed")]
    assert hinted.author == "J. Doe"
    assert with_feed_hints(article, FetchRequest.for_url("http://a.test/y", NOW)) is article
    assert host_key("http://News.test:8080/a") == "news.test:8080"


BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<rss version="2.0"><channel><title>&lol9;</title></channel></rss>"""


def test_an_entity_bomb_is_refused_quickly_in_little_memory() -> None:
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(feeds.FeedError, match="XML entities refused"):
            feeds.safe_tree(BOMB)
        with pytest.raises(feeds.FeedError, match="XML entities refused"):
            feeds.safe_tree(BOMB.replace(b"</rss>", b"<broken"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 5 << 20
    assert time.perf_counter() - started < 5  # a bound on a hang, not a speed claim


RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>N</title>
<item><title>A</title><link>http://a.test/one?utm_source=rss</link><pubDate>Tue, 04 Mar 2025 10:00:00 GMT</pubDate>
<author>desk@a.test (Desk)</author></item><item><title>B</title><link>/two</link></item></channel></rss>"""

SITEMAP = b"""<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
 xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url><loc>http://a.test/s1</loc><news:news>
 <news:publication_date>2025-03-04T08:00:00Z</news:publication_date></news:news></url></urlset>"""

INDEX = b"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>http://a.test/news.xml</loc></sitemap></sitemapindex>"""


def test_feeds_and_sitemaps_parse_to_entries() -> None:
    tree = feeds.safe_tree(RSS)
    assert tree is not None and not feeds.is_sitemap(tree)
    entries = feeds.parse_feed(RSS, "http://a.test/feed.xml")
    assert [e.url for e in entries] == ["http://a.test/one?utm_source=rss", "http://a.test/two"]
    assert entries[0].published == "Tue, 04 Mar 2025 10:00:00 GMT" and entries[0].author
    news = feeds.safe_tree(SITEMAP)
    assert news is not None and feeds.parse_sitemap(news) == (
        [feeds.Entry("http://a.test/s1", "2025-03-04T08:00:00Z")],
        [],
    )
    index = feeds.safe_tree(INDEX)
    assert index is not None and feeds.parse_sitemap(index) == ([], ["http://a.test/news.xml"])
    page = '<html><head><link rel="alternate" type="application/atom+xml" href="/atom.xml"></head></html>'
    assert feeds.discover_feeds(page, "http://a.test/") == ["http://a.test/atom.xml"]


def test_scheduler_choices() -> None:
    seen: dict[str, float] = {}
    entries = [feeds.Entry("http://a.test/one?utm_source=rss#top"), feeds.Entry("http://a.test/one")]
    first = select_new(entries, "feed", seen, NOW, window_s=3600)
    assert [r.url for r in first] == ["http://a.test/one"]
    assert select_new(entries, "feed", seen, NOW + timedelta(minutes=30), window_s=3600) == []
    assert len(select_new(entries, "feed", seen, NOW + timedelta(hours=2), window_s=3600)) == 1
    assert canonical("HTTP://A.test:80/x/?b=1&a=2") == "http://a.test/x/?a=2&b=1"
    assert adapt_interval(600, True, 60, 3600) == 300 and adapt_interval(600, False, 60, 3600) == 900
    assert adapt_interval(3000, False, 60, 3600) == 3600 and adapt_interval(100, True, 60, 3600) == 60


def test_the_seen_store_forgets_urls_older_than_the_window() -> None:
    seen = {"old": (NOW - timedelta(days=31)).timestamp(), "edge": (NOW - timedelta(days=30)).timestamp()}
    seen["new"] = (NOW - timedelta(days=29)).timestamp()
    assert prune_seen(seen, NOW, window_s=30 * 86400) == 2
    assert list(seen) == ["new"]


def test_a_remembered_source_is_due_when_its_interval_since_the_last_poll_has_passed() -> None:
    saved = SourceState(url="http://a.test/feed", interval_s=600, etag='"v1"', polled_at=NOW - timedelta(seconds=200))
    state = restored(saved, NOW, clock_now=1000.0)
    assert (state.due, state.interval_s, state.etag, state.last_modified) == (1400.0, 600, '"v1"', None)
    overdue = saved.model_copy(update={"polled_at": NOW - timedelta(hours=2)})
    assert restored(overdue, NOW, clock_now=1000.0).due == 1000.0


def test_the_sources_file_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    assert sources.add(path, sources.Source(url="http://a.test/feed.xml", interval_s=300))
    assert sources.add(path, sources.Source(url="http://a.test/sitemap.xml", kind="sitemap"))
    assert not sources.add(path, sources.Source(url="http://a.test/feed.xml", interval_s=60))
    assert [(s.url, s.kind, s.interval_s) for s in sources.load(path)] == [
        ("http://a.test/sitemap.xml", "sitemap", None),
        ("http://a.test/feed.xml", "feed", 60),
    ]
    assert sources.remove(path, "http://a.test/feed.xml") and not sources.remove(path, "http://a.test/feed.xml")
    with pytest.raises(ValueError, match="not an http"):
        sources.Source(url="file:///etc/passwd")
