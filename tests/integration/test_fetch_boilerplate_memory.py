"""The fetch worker learns a site's boilerplate as it runs, and a restarted worker still knows it."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from pipeline.config import Settings
from pipeline.fetch.worker import run
from pipeline.models import Article, BoilerplateCount
from pipeline.topology import Topology
from tests.articles import follow, lead
from tests.integration.conftest import read_topic
from tests.integration.fetch_site import Host, html, read_all, request_fetches

pytestmark = pytest.mark.integration

SUPPORT = "Support our journalism: become a member today and help us keep local reporting free for the whole valley."


def story(n: int) -> list[str]:
    return [lead(n), SUPPORT, follow(n)]


@pytest.fixture
def gazette() -> Iterator[Host]:
    host = Host({f"/story/{n}": html(f"Story {n}", story(n)) for n in range(6)})
    yield host
    host.close()


def fetch(settings: Settings, urls: list[str], *, total: int) -> list[Article]:
    """Run a worker over urls until the articles topic holds total; the articles of urls, in order."""
    topology = Topology.from_settings(settings)
    request_fetches(settings, urls)
    stop = threading.Event()
    worker = threading.Thread(target=run, args=(settings, stop), daemon=True)
    worker.start()
    try:
        articles = read_topic(settings, topology.name("articles"), Article, count=total)
    finally:
        stop.set()
        worker.join(30)
    assert not worker.is_alive()
    by_url = {article.url: article for article in articles}
    assert set(urls) <= set(by_url)
    return [by_url[url] for url in urls]


def test_a_paragraph_on_many_pages_of_a_site_leaves_the_later_articles(settings: Settings, gazette: Host) -> None:
    settings = settings.model_copy(update={"fetch_allow_addresses": "127.0.0.1", "fetch_host_delay_s": 0.05})
    assert settings.boilerplate_min_pages == 3
    articles = fetch(settings, [f"{gazette.url}/story/{n}" for n in range(5)], total=5)

    # pages are extracted concurrently, so which ones come first is not fixed: how many is
    kept = [article for article in articles if SUPPORT in article.text]
    assert len(kept) == 2
    for n, article in enumerate(articles):
        assert story(n)[0] in article.text and story(n)[2] in article.text

    counts = read_all(settings, Topology.from_settings(settings).name("boilerplate"), BoilerplateCount)
    shared = [count for count in counts if count.count == 5]  # the shared paragraph, on five articles
    assert [count.text for count in shared] == [SUPPORT[:80]] and shared[0].site == "127.0.0.1:" + gazette.url.rsplit(
        ":", 1
    )[1]

    # a new worker reads the counts back: the site's next page loses the paragraph at once
    (restarted,) = fetch(settings, [f"{gazette.url}/story/5"], total=6)
    assert SUPPORT not in restarted.text and story(5)[0] in restarted.text
