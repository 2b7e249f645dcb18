"""Site-level boilerplate memory, JSON-LD metadata, and pages in other languages."""

from __future__ import annotations

from datetime import UTC, datetime

from pipeline.extract import BoilerplateMemory, extract
from pipeline.models import Capture, DateHint, stable_id
from tests.articles import follow, lead

NOW = datetime(2025, 6, 1, tzinfo=UTC)
PROMO = "Get our morning briefing delivered to your inbox every weekday before seven o'clock."
STORIES = [
    f"Story number {n} is about the {topic} and runs long enough to count as a proper paragraph of prose."
    for n, topic in enumerate(["harbour", "railway", "school", "hospital", "market"])
]


def page(n: int) -> str:
    return f"<html><body><article><p>{STORIES[n]}</p><p>{STORIES[n].upper()}</p><p>{PROMO}</p></article></body></html>"


def run(n: int, memory: BoilerplateMemory, site: str = "news.example") -> str:
    url = f"https://www.{site}/story/{n}"
    body = page(n)
    capture = Capture(capture_id=stable_id(url), source=url, url=url, content_type="text/html", body=body)
    return extract(capture, now=NOW, memory=memory).text


def test_a_paragraph_on_many_pages_of_a_site_is_dropped_once_learnt() -> None:
    store: dict[str, int] = {}
    memory = BoilerplateMemory(store, min_articles=3)
    assert PROMO in run(0, memory)
    assert PROMO in run(1, memory)
    third = run(2, memory)
    assert PROMO not in third
    assert STORIES[2] in third
    assert store  # the counts live in the store the caller passed


def test_the_same_page_again_teaches_nothing() -> None:
    memory = BoilerplateMemory({}, min_articles=2)
    for _ in range(3):
        assert PROMO in run(0, memory)


def test_sites_are_counted_apart() -> None:
    memory = BoilerplateMemory({}, min_articles=2)
    run(0, memory, "one.example")
    assert PROMO in run(1, memory, "two.example")
    assert PROMO not in run(2, memory, "one.example")


def test_without_memory_nothing_is_forgotten() -> None:
    url = "https://news.example/story/0"
    capture = Capture(capture_id="x", source=url, url=url, content_type="text/html", body=page(0))
    assert PROMO in extract(capture, now=NOW).text


GERMAN = (
    "Die Stadtverwaltung hat am Donnerstag die sanierte Hafenbrücke wieder für den Verkehr freigegeben, "
    "nachdem die Arbeiten an der verrosteten Fahrbahn acht Monate gedauert hatten."
)
JSON_LD = """<script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
{"@type": "WebSite", "name": "Hafenblatt"},
{"@type": "NewsArticle", "headline": "Hafenbrücke wieder offen", "datePublished": "2024-03-14T09:30:00+01:00",
 "author": [{"@type": "Person", "name": "Anna Schmidt"}], "publisher": {"@type": "Organization", "name": "Hafenblatt"}}
]}</script>"""


def test_json_ld_metadata_and_a_non_english_page() -> None:
    paragraphs = f"<p>{GERMAN}</p><p>{GERMAN}</p>"
    body = f'<html lang="de-DE"><head>{JSON_LD}</head><body><article>{paragraphs}</article></body></html>'
    capture = Capture(capture_id="de", source="de", content_type="text/html", body=body)
    article = extract(capture, now=NOW)
    assert GERMAN in article.text
    assert (article.title, article.author, article.site, article.language) == (
        "Hafenbrücke wieder offen",
        "Anna Schmidt",
        "Hafenblatt",
        "de",
    )
    assert DateHint(text="2024-03-14T09:30:00+01:00", source="json-ld") in article.date_hints


def test_broken_json_ld_is_ignored() -> None:
    broken = '<script type="application/ld+json">{"@type": "NewsArticle",</script>'
    body = f"<html><head>{broken}</head><body><p>{GERMAN}</p></body></html>"
    capture = Capture(capture_id="de", source="de", content_type="text/html", body=body)
    assert GERMAN in extract(capture, now=NOW).text


def test_a_japanese_text_capture_is_extracted_not_dropped() -> None:
    sentence = "市は木曜日、八か月にわたる補修工事を終えた港の橋を再び開通させたと発表しました。"
    body = "ホーム\nニュース\n" + "\n".join(f"第{n}段落。{sentence}" for n in range(4)) + "\n関連記事\n"
    capture = Capture(capture_id="ja", source="ja", content_type="text/plain", body=body)
    assert sentence in extract(capture, now=NOW).text


BLURB = (
    "The Harbour Gazette is an independent newsroom that has covered the towns along the estuary "
    "for more than forty years, and it is funded by the readers who support its work."
)
TOPICS = ["ferry timetable", "lighthouse repairs", "fish market", "sailing school"]


def text_capture(n: int) -> Capture:
    topic = TOPICS[n]
    lines = [
        f"date 2025-05-0{n + 1} The {topic} changes | Harbour Gazette",
        "Home",
        "Local",
        lead(n),
        follow(n),
        BLURB,
        "Comments",
    ]
    return Capture(capture_id=f"gazette-{n}", source="gazette", content_type="text/plain", body="\n".join(lines))


def test_a_text_capture_loses_lines_its_site_repeats_on_every_page() -> None:
    memory = BoilerplateMemory({}, min_articles=3)
    texts = [extract(text_capture(n), now=NOW, memory=memory).text for n in range(4)]
    assert BLURB in texts[0] and BLURB in texts[1]  # prose by every measure the cleaner has, until the site repeats it
    for n in (2, 3):
        assert BLURB not in texts[n]
        assert lead(n) in texts[n] and follow(n) in texts[n]
    assert BLURB in extract(text_capture(3), now=NOW).text  # no memory, nothing learnt
