"""Hostile feeds: SSRF targets, a redirect to a private address, an entity bomb and a gzip bomb.

The resolver is a stub and the HTTP transport records every connection it is asked to make:
no traffic is ever sent anywhere but 127.0.0.1.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from pipeline.config import Settings
from pipeline.fetch import schedule_service, sources
from pipeline.fetch.worker import run
from pipeline.models import Article, DeadLetter, FetchRequest
from pipeline.topology import Topology
from tests.integration.conftest import wait_for
from tests.integration.fetch_site import Host, Reply, StubResolver, gzip_bomb, html, read_all

pytestmark = pytest.mark.integration

TEXT = [
    "The water board said on Friday that the reservoir is full for the first time in three years after a wet "
    "winter, and that the hosepipe ban in force since last summer will be lifted next week.",
    "Engineers will keep watching the dam, the board said, because the spillway has not carried this much water "
    "since it was rebuilt, and walkers are asked to keep away from the overflow channel.",
]
BOMB = b"""<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">]>
<rss version="2.0"><channel><title>&f;</title><item><title>x</title><link>http://bomb.example/x</link></item>
</channel></rss>"""


class Recording(httpx.AsyncBaseTransport):
    """The real transport, with a list of every URL it was asked to connect to."""

    def __init__(self) -> None:
        self.inner, self.hosts = httpx.AsyncHTTPTransport(), []  # type: ignore[var-annotated]

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.hosts.append(request.url.host)
        if request.url.host != "127.0.0.1":
            raise AssertionError(f"connection attempted to {request.url.host}")
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


@pytest.fixture
def hostile() -> Iterator[Host]:
    host = Host({})
    u = host.url
    port = host.server.server_port
    links = [
        "http://10.0.0.1/admin",
        "http://169.254.169.254/latest/meta-data/",
        f"http://[::1]:{port}/page",
        "file:///etc/passwd",
        f"{u}/hop",
        f"http://intranet.example:{port}/page",
        f"http://news.example:{port}/page",
        f"{u}/bomb",
    ]
    items = "".join(f"<item><title>{i}</title><link>{link}</link></item>" for i, link in enumerate(links))
    feed = f'<?xml version="1.0"?><rss version="2.0"><channel><title>H</title>{items}</channel></rss>'
    host.routes.update(
        {
            "/feed.xml": Reply(200, feed.encode(), {"Content-Type": "application/rss+xml"}),
            "/bomb-feed.xml": Reply(200, BOMB, {"Content-Type": "application/rss+xml"}),
            "/hop": Reply(302, b"", {"Location": "http://10.0.0.1/internal"}),
            "/page": html("Reservoir full again", TEXT),
            "/bomb": Reply(200, gzip_bomb(1 << 30), {"Content-Type": "text/html", "Content-Encoding": "gzip"}),
        }
    )
    yield host
    host.close()


def test_hostile_entries_end_as_dead_letters_without_a_connection(
    settings: Settings, hostile: Host, tmp_path: Path
) -> None:
    settings = settings.model_copy(update={"fetch_allow_addresses": "127.0.0.1", "fetch_host_delay_s": 0.0})
    topology = Topology.from_settings(settings)
    path = tmp_path / "sources.yaml"
    sources.add(path, sources.Source(url=hostile.url + "/bomb-feed.xml", interval_s=60))
    sources.add(path, sources.Source(url=hostile.url + "/feed.xml", interval_s=60))
    resolver = StubResolver({"intranet.example": ["192.168.7.7"], "news.example": ["127.0.0.1"]})
    transport = Recording()
    stop = threading.Event()
    threads = [
        threading.Thread(target=schedule_service.run, args=(settings, stop, path), daemon=True),
        threading.Thread(target=run, args=(settings, stop), kwargs={"resolver": resolver, "transport": transport}),
    ]
    for thread in threads:
        thread.start()
    try:
        wait_for(
            lambda: len(read_all(settings, topology.name("deadletter"), DeadLetter)) >= 7,
            timeout_s=60,
            what="7 dead letters",
        )
        wait_for(lambda: len(read_all(settings, topology.name("articles"), Article)) >= 1, timeout_s=30, what="article")
    finally:
        stop.set()
        for thread in threads:
            thread.join(30)

    port = hostile.server.server_port
    letters = read_all(settings, topology.name("deadletter"), DeadLetter)
    # feedparser reads the link as file://etc/passwd; either way it is a file: URL
    reasons = {"file:///etc/passwd" if x.source.startswith("file:") else x.source: x.reason for x in letters}
    assert reasons == {
        "http://10.0.0.1/admin": "blocked private address: 10.0.0.1",
        "http://169.254.169.254/latest/meta-data/": "blocked link-local address: 169.254.169.254",
        f"http://[::1]:{port}/page": "blocked loopback address: ::1",
        "file:///etc/passwd": "scheme not allowed: file",
        f"{hostile.url}/hop": "blocked private address: 10.0.0.1",
        f"http://intranet.example:{port}/page": "blocked private address: 192.168.7.7",
        f"{hostile.url}/bomb": "document too large",
    }
    [article] = read_all(settings, topology.name("articles"), Article)
    assert article.source == f"http://news.example:{port}/page" and "reservoir is full" in article.text
    # the entity-bomb feed published nothing; the other feed's eight entries were all scheduled
    assert len(read_all(settings, topology.name("fetch"), FetchRequest)) == 8
    assert set(transport.hosts) == {"127.0.0.1"}
    assert sorted(set(resolver.asked)) == ["intranet.example", "news.example"]
    assert [h.path for h in hostile.hits if h.path == "/hop"] == ["/hop"]
