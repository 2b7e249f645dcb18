"""Encoding detection: BOM, then the declared charset while the bytes agree with it, then detection."""

from __future__ import annotations

import codecs

import pytest

from pipeline.extract.encoding import decode_html, detect_encoding

TEXT = "Les élèves ont présenté leurs travaux à la mairie : « une réussite », selon la directrice. " * 5


def page(charset: str | None = None) -> str:
    meta = f'<meta charset="{charset}">' if charset else ""
    return f"<html><head>{meta}</head><body><p>{TEXT}</p></body></html>"


def test_utf8_without_any_declaration() -> None:
    assert decode_html(page().encode("utf-8")) == page()


def test_bom_wins() -> None:
    assert detect_encoding(codecs.BOM_UTF8 + page("iso-8859-1").encode("utf-8"), "latin-1") == "utf-8-sig"


def test_header_charset_is_used_when_the_bytes_agree() -> None:
    raw = "<p>Плановая проверка прошла успешно.</p>".encode("koi8-r")
    assert decode_html(raw, "koi8-r") == "<p>Плановая проверка прошла успешно.</p>"


def test_meta_charset_when_no_header() -> None:
    assert decode_html(page("windows-1252").encode("cp1252")) == page("windows-1252")


@pytest.mark.parametrize("header", ["utf-8", "UTF8", None])
def test_latin1_bytes_declared_or_not_as_utf8(header: str | None) -> None:
    raw = page().encode("latin-1")
    assert decode_html(raw, header) == page()


def test_utf8_bytes_declared_as_latin1_are_read_as_utf8() -> None:
    raw = page("iso-8859-1").encode("utf-8")
    assert decode_html(raw, "iso-8859-1") == page("iso-8859-1")


def test_unknown_charset_label_is_ignored() -> None:
    assert decode_html(page().encode("utf-8"), "x-no-such-charset") == page()


def test_never_raises_on_garbage() -> None:
    assert isinstance(decode_html(bytes(range(256)) * 10, "utf-8"), str)
