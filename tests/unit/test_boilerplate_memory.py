"""The fetch worker's site boilerplate memory: learning per site over a capped LRU store."""

from __future__ import annotations

from datetime import UTC, datetime

from pipeline.codec import encode
from pipeline.extract import BoilerplateMemory, extract
from pipeline.extract.boilerplate import paragraph_key, site_of
from pipeline.extract.lru_counts import LruCounts
from pipeline.fetch.boilerplate_state import apply, record
from pipeline.models import Capture
from pipeline.topology import Topology
from tests.articles import follow, lead

NOW = datetime(2025, 6, 1, tzinfo=UTC)
SUPPORT = "Support our journalism: become a member today and help keep local reporting free for all of the valley."


def story(n: int) -> str:
    return lead(n)


def once(n: int) -> str:
    return follow(n)


def page(n: int, extra: str = "", site_meta: str = "") -> str:
    head = f'<head><meta property="og:site_name" content="{site_meta}"></head>' if site_meta else "<head></head>"
    paragraphs = "".join(f"<p>{p}</p>" for p in (story(n), SUPPORT, extra or once(n)))
    return f"<html>{head}<body><article>{paragraphs}</article></body></html>"


def text(memory: BoilerplateMemory, n: int, url: str | None = "https://valley.example/story/{n}", **kw: str) -> str:
    page_url = url.format(n=n) if url else None
    body = page(n, **kw)
    capture = Capture(capture_id=f"c{n}", source=f"s{n}", url=page_url, content_type="text/html", body=body)
    return extract(capture, now=NOW, memory=memory).text


def test_a_paragraph_on_three_pages_is_dropped_from_the_fourth_and_a_single_one_stays() -> None:
    memory = BoilerplateMemory(LruCounts(1000), min_articles=3)
    texts = [text(memory, n) for n in range(4)]
    assert SUPPORT in texts[0] and SUPPORT in texts[1]
    assert SUPPORT not in texts[3]
    assert once(3) in texts[3] and story(3) in texts[3]
    assert all(once(n) in texts[n] for n in range(4))


def test_the_store_cap_evicts_the_least_recently_used_entry() -> None:
    store = LruCounts(2)
    store["a"], store["b"] = 1, 1
    assert store["a"] == 1  # a is now the most recently used
    store["c"] = 1
    assert set(store) == {"a", "c"} and store.evicted == 1
    del store["a"]
    store["d"] = 5
    assert dict(store) == {"c": 1, "d": 5} and store.evicted == 1


def test_a_memory_too_small_for_its_sites_forgets_what_it_learnt() -> None:
    def second_page_keeps_support(cap: int) -> bool:
        memory = BoilerplateMemory(LruCounts(cap), min_articles=2)
        text(memory, 0)
        text(memory, 5, url="https://elsewhere.example/{n}")  # a page marker and three paragraphs
        return SUPPORT in text(memory, 1)

    assert not second_page_keeps_support(1000)
    assert second_page_keeps_support(4)


def test_captures_without_a_url_learn_under_their_site_name_or_not_at_all() -> None:
    memory = BoilerplateMemory(LruCounts(1000), min_articles=2)
    assert SUPPORT in text(memory, 0, url=None, site_meta="Valley Herald")
    assert SUPPORT not in text(memory, 1, url=None, site_meta="Valley Herald")
    nameless = BoilerplateMemory(LruCounts(1000), min_articles=2)
    assert all(SUPPORT in text(nameless, n, url=None) for n in range(3))
    assert len(nameless.store) == 0


def test_what_one_memory_learns_another_counts_the_same_and_an_article_only_once() -> None:
    writer = BoilerplateMemory(LruCounts(1000), min_articles=3, record=True)
    for n in range(3):
        text(writer, n)
    text(writer, 0)  # a copy: not counted again, so not learnt again
    learned = writer.drain_learned()
    assert len(learned) == 3 and writer.drain_learned() == []
    assert len({article.key for article in learned}) == 3

    reader = BoilerplateMemory(LruCounts(1000), min_articles=3)
    assert [reader.learn(article) for article in learned] == [True, True, True]
    assert [reader.learn(article) for article in learned] == [False, False, False]  # read back twice
    assert dict(reader.store) == dict(writer.store)
    assert SUPPORT not in text(reader, 7)

    text(reader, 9, url="https://elsewhere.example/{n}")
    held = len(reader.store)
    assert reader.forget("valley.example") == held - 17  # all but the other site's 14 marks and 3 paragraphs
    assert SUPPORT in text(reader, 8)


def test_a_memory_not_recording_keeps_nothing_to_persist() -> None:
    memory = BoilerplateMemory({}, min_articles=3)
    text(memory, 0)
    assert memory.drain_learned() == [] and memory.learned is None


def test_the_topic_records_of_every_version_are_read_and_a_tombstone_clears_what_it_names() -> None:
    memory = BoilerplateMemory(LruCounts(1000), min_articles=2)
    legacy = paragraph_key("valley.example", SUPPORT).encode()
    apply(memory, legacy, b'{"schema_version": 2, "count": 2, "site": "valley.example", "text": "Support our"}')
    assert SUPPORT not in text(memory, 0)
    apply(memory, legacy, None)
    assert legacy.decode() not in memory.store

    writer = BoilerplateMemory(LruCounts(1000), min_articles=2, record=True)
    text(writer, 1)
    (article,) = writer.drain_learned()
    reader = BoilerplateMemory(LruCounts(1000), min_articles=2)
    entry = apply(reader, article.key.encode(), encode(record(article)))
    assert entry is not None and entry.schema_version == 3 and SUPPORT[:80] in entry.texts
    assert dict(reader.store) == dict(writer.store)
    assert apply(reader, article.key.encode(), b"{not json") is None and dict(reader.store) == dict(writer.store)
    apply(reader, article.key.encode(), None)  # a reset of the site
    assert len(reader.store) == 0


def test_the_counts_topic_is_compacted() -> None:
    spec = Topology().spec("boilerplate")
    assert spec.config()["cleanup.policy"] == "compact,delete"


def test_another_port_is_another_site() -> None:
    assert site_of("https://www.valley.example/a") == "valley.example"
    assert site_of("http://127.0.0.1:8001/a") != site_of("http://127.0.0.1:8002/a")
