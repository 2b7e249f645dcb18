"""The fetch worker learns a site's boilerplate as it runs, and a restarted worker still knows it."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator

import pytest

from pipeline.config import Settings
from pipeline.extract.boilerplate import paragraph_digest
from pipeline.fetch.worker import run
from pipeline.models import Article, BoilerplateCount
from pipeline.runner import child_env
from pipeline.topology import Topology
from tests.articles import follow, lead
from tests.integration.conftest import read_topic, wait_for
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

    # one record per article counted, each naming the shared paragraph with its opening words
    records = read_all(settings, Topology.from_settings(settings).name("boilerplate"), BoilerplateCount)
    digest = paragraph_digest(SUPPORT)
    site = "127.0.0.1:" + gazette.url.rsplit(":", 1)[1]
    assert len(records) == 5 and {record.site for record in records} == {site}
    assert {record.texts[record.paragraphs.index(digest)] for record in records} == {SUPPORT[:80]}

    # a new worker reads the articles back: the site's next page loses the paragraph at once
    (restarted,) = fetch(settings, [f"{gazette.url}/story/5"], total=6)
    assert SUPPORT not in restarted.text and story(5)[0] in restarted.text


def cli(settings: Settings, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "boilerplate", *args],
        env=child_env(settings),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return done.stdout + done.stderr


def test_a_site_memory_is_shown_and_reset_and_a_running_worker_drops_it(settings: Settings, gazette: Host) -> None:
    settings = settings.model_copy(update={"fetch_allow_addresses": "127.0.0.1", "fetch_host_delay_s": 0.05})
    topology = Topology.from_settings(settings)
    site = gazette.url.removeprefix("http://")
    stop = threading.Event()
    worker = threading.Thread(target=run, args=(settings, stop), daemon=True)
    worker.start()
    try:
        request_fetches(settings, [f"{gazette.url}/story/{n}" for n in range(5)])
        read_topic(settings, topology.name("articles"), Article, count=5)
        shown: list[str] = []

        def listed() -> bool:
            shown.append(cli(settings, "show", site))
            return f"5 articles  boilerplate  {SUPPORT[:60]}" in shown[-1]

        wait_for(
            listed,
            timeout_s=60,
            what=f"the shared paragraph shown as boilerplate: {shown[-1:]}",
        )
        assert site in cli(settings, "show")
        assert "cleared" in cli(settings, "reset", f"http://www.{site}/any/page")
        assert "5 articles" not in cli(settings, "show", site).replace("no boilerplate memory", "")
        # the running worker applies the reset: the next page of the site keeps the paragraph
        time_to_follow = 60
        request_fetches(settings, [f"{gazette.url}/story/5"])
        articles = read_topic(settings, topology.name("articles"), Article, count=6, timeout_s=time_to_follow)
    finally:
        stop.set()
        worker.join(30)
    (latest,) = [a for a in articles if a.url and a.url.endswith("/story/5")]
    assert SUPPORT in latest.text
