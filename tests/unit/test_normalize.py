from __future__ import annotations

from pipeline.extract.normalize import content_hash, normalize_text


def test_nfkc_and_non_breaking_spaces() -> None:
    assert normalize_text("ﬁve\u00a0km\u202fwide ①") == "five km wide 1"


def test_spaces_and_tabs_collapse_inside_lines_and_lines_are_stripped() -> None:
    assert normalize_text("  one \t two   three  \n\t four  ") == "one two three\nfour"


def test_three_or_more_newlines_become_one_blank_line() -> None:
    assert normalize_text("a\n\n\n\nb\n\nc\nd") == "a\n\nb\n\nc\nd"
    assert normalize_text("a\n \n\t\n b") == "a\n\nb"


def test_windows_and_old_mac_line_ends() -> None:
    assert normalize_text("a\r\nb\rc") == "a\nb\nc"


def test_curly_quotes_are_kept() -> None:
    assert normalize_text("“Quoted” and it’s ‘fine’") == "“Quoted” and it’s ‘fine’"


def test_invisible_characters_are_removed() -> None:
    assert normalize_text("zero\u200bwidth\ufeff soft\u00adhyphen") == "zerowidth softhyphen"


def test_empty_and_blank() -> None:
    assert normalize_text("") == ""
    assert normalize_text(" \n\t\n ") == ""


def test_idempotent() -> None:
    text = "  A\u00a0line  \n\n\n\nAnother\tline ’quoted’ "
    assert normalize_text(normalize_text(text)) == normalize_text(text)


def test_content_hash_ignores_whitespace_and_case() -> None:
    one = "The bridge reopened.\n\nTraffic returned on Thursday."
    two = "  the bridge  reopened.\nTRAFFIC returned\u00a0on Thursday.  "
    assert content_hash(one) == content_hash(two)


def test_content_hash_sees_words() -> None:
    assert content_hash("The bridge reopened.") != content_hash("The bridge closed.")


def test_content_hash_is_stable_16_hex() -> None:
    digest = content_hash("some text")
    assert digest == content_hash("some text")
    assert len(digest) == 16
    int(digest, 16)
