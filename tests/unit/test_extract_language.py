"""An article's language: detected from its text, the page's declared tag kept when the text agrees."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pipeline.extract import extract
from pipeline.extract.language import detect_language, page_language
from pipeline.models import Capture

NOW = datetime(2025, 6, 1, tzinfo=UTC)
SENTENCES = {
    "en": "The council voted on Tuesday to rebuild the old harbour bridge, which has been closed since the floods.",
    "de": "Die Stadtverwaltung hat am Donnerstag die sanierte Hafenbrücke wieder für den Verkehr freigegeben.",
    "fr": "La mairie a annoncé jeudi la réouverture du pont du port après huit mois de travaux sur la chaussée.",
    "es": "El ayuntamiento anunció el jueves la reapertura del puente del puerto tras ocho meses de obras.",
    "ja": "市は木曜日、八か月にわたる補修工事を終えた港の橋を再び開通させたと発表しました。",
}


@pytest.mark.parametrize("language", sorted(SENTENCES))
def test_a_text_capture_gets_the_language_of_its_text(language: str) -> None:
    body = "Home\nNews\n" + "\n".join(f"{n}. {SENTENCES[language]}" for n in range(4))
    capture = Capture(capture_id=language, source=language, content_type="text/plain", body=body)
    article = extract(capture, now=NOW)
    assert SENTENCES[language] in article.text
    assert article.language == language


def test_too_little_text_has_no_language() -> None:
    assert detect_language("Home") is None


def test_a_declared_region_is_kept_when_the_text_agrees() -> None:
    assert page_language("en-gb", SENTENCES["en"]) == "en-gb"  # dates on the page are read day first


def test_a_template_that_declares_every_page_english_is_overruled_by_the_text() -> None:
    assert page_language("en-us", SENTENCES["de"] * 2) == "de"
    paragraphs = "".join(f"<p>{SENTENCES['fr']}</p>" for _ in range(3))
    page = f'<html lang="en"><body><article>{paragraphs}</article></body></html>'
    capture = Capture(capture_id="fr", source="fr", content_type="text/html", body=page)
    assert extract(capture, now=NOW).language == "fr"


def test_a_declared_tag_stands_when_the_text_says_nothing() -> None:
    assert page_language("pt-br", "12 345") == "pt-br"
