"""Feeds to articles: the scheduler and two fetch workers against a local multi-host site and the real broker."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from pipeline.config import Settings
from pipeline.fetch import schedule_service, sources
from pipeline.fetch.worker import run
from pipeline.models import Article, DeadLetter, FetchRequest
from pipeline.topology import Role, Topology
from tests.integration.conftest import wait_for
from tests.integration.fetch_site import Host, Reply, conditional, html, read_all

pytestmark = pytest.mark.integration

STORY = [
    "The harbour authority said on Monday that the northern pier will close for repairs in the spring, after "
    "inspectors found corrosion in the supports that hold up the walkway used by ferry passengers.",
    "Ferries will dock at the southern terminal while the work goes on, the authority said, and buses will carry "
    "passengers between the two terminals at no charge for as long as the closure lasts.",
    "Local traders said they feared a drop in visitors, while the council promised a review of parking near the "
    "southern terminal before the closure begins.",
]


def flaky() -> object:
    calls = []

    def route(_: BaseHTTPRequestHandler) -> Reply:
        calls.append(1)
        if len(calls) == 1:
            return Reply(503, b"busy", {"Retry-After": "1", "Content-Type": "text/plain"})
        return html("Flaky page finally answers", STORY)

    return route


@pytest.fixture
def site() -> Iterator[dict[str, Host]]:
    hosts = {"a": Host({}), "b": Host({}), "c": Host({})}
    a, b, c = hosts["a"].url, hosts["b"].url, hosts["c"].url
    rss = f"""<?xml version="1.0"?><rss version="2.0"><channel><title>A</title>
<item><title>A1</title><link>{a}/a1?utm_source=rss</link><pubDate>Tue, 04 Mar 2025 10:00:00 GMT</pubDate>
<author>desk@a.example (Harbour Desk)</author></item>
<item><title>A2</title><link>{a}/a2</link></item>
<item><title>Secret</title><link>{a}/private/secret</link></item>
<item><title>Missing</title><link>{a}/missing</link></item></channel></rss>"""
    atom = f"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>B</title>
<id>urn:b</id><updated>2025-03-04T09:00:00Z</updated>
<entry><title>B1</title><id>urn:b1</id><link href="{b}/b1"/><updated>2025-03-04T09:00:00Z</updated></entry>
<entry><title>Flaky</title><id>urn:b2</id><link href="{b}/flaky"/><updated>2025-03-04T08:00:00Z</updated></entry>
</feed>"""
    sitemap = f"""<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
 xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>{c}/c1</loc><news:news><news:publication_date>2025-03-03</news:publication_date></news:news></url>
<url><loc>{c}/c2</loc><news:news><news:publication_date>2025-03-02</news:publication_date></news:news></url>
</urlset>"""
    xml = {"Content-Type": "application/xml"}
    hosts["a"].routes.update(
        {
            "/robots.txt": Reply(200, b"User-agent: *\nDisallow: /private/\nCrawl-delay: 1\n", {}),
            "/feed.xml": conditional(Reply(200, rss.encode(), xml), etag='"a-v1"'),
            "/a1": html("Northern pier to close", STORY),
            "/a2": html("Ferries move south", STORY[1:] + STORY[:1]),
            "/private/secret": html("Should never be fetched", STORY),
        }
    )
    hosts["b"].routes.update(
        {
            "/atom.xml": conditional(Reply(200, atom.encode(), xml), modified="Tue, 04 Mar 2025 09:00:00 GMT"),
            "/b1": html("Buses between terminals", STORY[2:] + STORY[:2]),
            "/flaky": flaky(),
        }
    )
    hosts["c"].routes.update(
        {
            "/news-sitemap.xml": conditional(Reply(200, sitemap.encode(), xml), etag='"c-v1"'),
            "/c1": html("Traders fear fewer visitors", STORY),
            "/c2": html("Council reviews parking", STORY[::-1]),
        }
    )
    yield hosts
    for host in hosts.values():
        host.close()


def test_feeds_become_exactly_one_article_per_entry(settings: Settings, site: dict[str, Host], tmp_path: Path) -> None:
    settings = settings.model_copy(
        update={
            "fetch_allow_addresses": "127.0.0.1",
            "fetch_host_delay_s": 0.05,
            "fetch_backoff_base_s": 0.2,
            "schedule_min_interval_s": 0.5,
        }
    )
    topology = Topology.from_settings(settings)
    path = tmp_path / "sources.yaml"
    sources.add(path, sources.Source(url=site["a"].url + "/feed.xml", interval_s=1))
    sources.add(path, sources.Source(url=site["b"].url + "/atom.xml", interval_s=1))
    sources.add(path, sources.Source(url=site["c"].url + "/news-sitemap.xml", kind="sitemap", interval_s=1))
    stop = threading.Event()
    threads = [threading.Thread(target=schedule_service.run, args=(settings, stop, path), daemon=True)]
    threads += [threading.Thread(target=run, args=(settings, stop), daemon=True) for _ in range(2)]
    for thread in threads:
        thread.start()
    try:

        def count(role: Role, model: type[Article] | type[DeadLetter]) -> int:
            return len(read_all(settings, topology.name(role), model))

        def polls_unchanged() -> bool:
            feeds = [("a", "/feed.xml"), ("b", "/atom.xml"), ("c", "/news-sitemap.xml")]
            return all(sum(h.status == 304 for h in site[k].paths(p)) >= 2 for k, p in feeds)

        wait_for(lambda: count("articles", Article) >= 6, timeout_s=90, what="6 articles")
        wait_for(lambda: count("deadletter", DeadLetter) >= 2, timeout_s=30, what="2 dead letters")
        wait_for(polls_unchanged, timeout_s=30, what="two 304 answers to each source")
    finally:
        stop.set()
        for thread in threads:
            thread.join(30)
    assert not any(thread.is_alive() for thread in threads)

    a, b, c = (site[k].url for k in "abc")
    requests = read_all(settings, topology.name("fetch"), FetchRequest)
    articles = read_all(settings, topology.name("articles"), Article)
    letters = read_all(settings, topology.name("deadletter"), DeadLetter)
    entries = {a + "/a1", a + "/a2", a + "/private/secret", a + "/missing", b + "/b1", b + "/flaky"}
    entries |= {c + "/c1", c + "/c2"}
    # the feeds were re-polled (304s) and nothing new was published: one request per entry
    assert sorted(r.url for r in requests) == sorted(entries)
    assert sorted(x.source for x in articles) == sorted(entries - {a + "/private/secret", a + "/missing"})
    by_url = {letter.source: letter for letter in letters}
    assert len(letters) == 2
    assert by_url[a + "/private/secret"].reason == "disallowed by robots.txt"
    assert by_url[a + "/missing"].http_status == 404 and by_url[a + "/missing"].reason == "HTTP 404"
    assert site["a"].paths("/private/secret") == []

    pages = {x.source: x for x in articles}
    assert "northern pier will close" in pages[a + "/a1"].text
    assert all("Subscribe now" not in x.text and "All rights reserved" not in x.text for x in articles)
    assert ("Tue, 04 Mar 2025 10:00:00 GMT", "feed") in [(h.text, h.source) for h in pages[a + "/a1"].date_hints]
    assert ("2025-03-03", "feed") in [(h.text, h.source) for h in pages[c + "/c1"].date_hints]
    assert pages[a + "/a1"].author and "Harbour Desk" in pages[a + "/a1"].author

    # Crawl-delay: 1 on host a, measured between the starts of its page requests
    starts = sorted(h.at for h in site["a"].hits if h.path in ("/a1", "/a2", "/missing"))
    assert len(starts) == 3
    assert min(later - earlier for earlier, later in zip(starts, starts[1:], strict=False)) >= 0.99
    # 503 with Retry-After: 1 was retried after at least that long, then became an article
    tries = site["b"].paths("/flaky")
    assert [h.status for h in tries] == [503, 200] and tries[1].at - tries[0].at >= 0.99
    assert all(h.user_agent == settings.user_agent for host in site.values() for h in host.hits)
