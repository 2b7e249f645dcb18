"""The fetch worker against a real HTTP server on 127.0.0.1 and the real broker."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from pipeline.config import Settings
from pipeline.fetch.worker import run
from pipeline.models import Article, DeadLetter
from pipeline.topology import Topology
from tests.integration.conftest import read_topic
from tests.integration.fetch_site import Host, Reply, request_fetches

pytestmark = pytest.mark.integration

PAGE = """<!doctype html><html><head><title>Bridge opens</title>
<meta name="author" content="Jane Reporter"><meta property="article:published_time" content="2025-03-04T10:00:00Z">
</head><body><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/subscribe">Subscribe</a></nav>
<article><h1>Bridge opens after a decade of delays</h1>
<p>The city council said on Tuesday that the new bridge across the river will open to traffic next month,
ending a decade of delays and cost overruns that had made it a symbol of local politics.</p>
<p>Engineers completed the final load tests last week, according to the transport department, and the
results were within the limits the design had set for heavy lorries and buses.</p>
<p>Residents on both banks have waited years for the crossing, which shortens the trip to the hospital
by twenty minutes for thousands of people living in the northern districts.</p></article>
<footer>Copyright 2025 City News. All rights reserved.</footer></body></html>"""


@pytest.fixture
def site() -> Iterator[str]:
    # any other path is a 404 (text/plain)
    host = Host(
        {
            "/bridge": Reply(200, PAGE.encode(), {"Content-Type": "text/html; charset=utf-8"}),
            "/file.pdf": Reply(200, b"%PDF-1.4 binary", {"Content-Type": "application/pdf"}),
        }
    )
    yield host.url
    host.close()


def test_urls_become_articles_or_dead_letters_with_the_status(settings: Settings, site: str) -> None:
    settings = settings.model_copy(update={"fetch_allow_addresses": "127.0.0.1", "fetch_host_delay_s": 0.1})
    topology = Topology.from_settings(settings)
    request_fetches(settings, [site + path for path in ("/bridge", "/missing", "/file.pdf")])

    stop = threading.Event()
    worker = threading.Thread(target=run, args=(settings, stop), daemon=True)
    worker.start()
    try:
        articles = read_topic(settings, topology.name("articles"), Article, count=1)
        letters = read_topic(settings, topology.name("deadletter"), DeadLetter, count=2)
    finally:
        stop.set()
        worker.join(30)

    assert [a.url for a in articles] == [site + "/bridge"]
    assert "will open to traffic next month" in articles[0].text
    assert "All rights reserved" not in articles[0].text and "Subscribe" not in articles[0].text
    assert articles[0].extractor == "trafilatura"
    by_url = {letter.source: letter for letter in letters}
    assert by_url[site + "/missing"].http_status == 404
    assert by_url[site + "/missing"].reason == "HTTP 404"
    assert by_url[site + "/file.pdf"].reason == "content type not accepted: application/pdf"
    assert not worker.is_alive()
