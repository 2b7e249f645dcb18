"""Captures from renderers that wrap lines or write Markdown: the layout undone, the same article found."""

from __future__ import annotations

import textwrap
import time

from pipeline.extract.text_capture import clean_capture
from pipeline.extract.text_layout import from_markdown, unwrap, visible_lines, without_links

NAV = ["Home", "Local", "Markets", "Sport", "Sign in"]
PARAGRAPHS = [
    "The river authority said on Monday that the eastern lock will close for repairs in the spring, "
    "after inspectors found that two of its gates no longer seal against the current.",
    "Barges carrying grain to the coast will be sent through the western lock, which is narrower "
    "and slower, and the authority expects waiting times of up to a day at the height of the season.",
    "Shipping firms asked for the work to be moved to the winter, when traffic is lighter, but the "
    "engineers said the gates could not be trusted through another cold season.",
]
FOOTER = ["About us", "Contact", "Privacy policy"]


def wrapped(paragraph: str, width: int, indent: str = "") -> list[str]:
    return textwrap.wrap(paragraph, width, initial_indent=indent, subsequent_indent=indent, break_on_hyphens=False)


def text_browser_capture(width: int) -> str:
    """A text browser's dump: margin, numbered links, paragraphs wrapped at ``width``, addresses at the end."""
    lines = [f"   [{n}]{item}" for n, item in enumerate(NAV, 1)] + [""]
    for paragraph in PARAGRAPHS:
        lines += [*wrapped(paragraph, width, "   "), ""]
    lines += [f"   [{n}]{item}" for n, item in enumerate(FOOTER, 6)] + ["", "References", ""]
    lines += [f"   {n}. https://example.org/{n}" for n in range(1, 9)]
    return "\n".join(lines)


def markdown_capture() -> str:
    """html2text's kind of output: links inline, wrapped at 60, emphasis, an image, a heading."""
    lines = [f"  * [{item}](/{item.lower().replace(' ', '-')})" for item in NAV] + [""]
    lines += ["# Eastern lock to close for repairs", ""]
    lines += ["![The eastern lock seen from the bridge](https://example.org/img/lock.jpg)", ""]
    first = PARAGRAPHS[0].replace("two of its gates", "[two of its gates](https://example.org/report)")
    body = [first, PARAGRAPHS[1].replace("western lock", "**western lock**"), PARAGRAPHS[2]]
    for paragraph in body:
        lines += [*wrapped(paragraph, 60), ""]
    lines += [f"[{item}](https://example.org/{item.lower().replace(' ', '-')})  " for item in FOOTER]
    return "\n".join(lines)


def article(text: str) -> str:
    found = clean_capture(text)
    assert found is not None
    return found.text


def test_lines_wrapped_at_a_width_are_one_paragraph_again() -> None:
    lines = [line for p in PARAGRAPHS for line in [*wrapped(p, 50), ""]]
    assert [line for line in unwrap(lines) if line] == PARAGRAPHS


def test_short_lines_of_a_list_are_not_joined() -> None:
    lines = [*[line for p in PARAGRAPHS for line in [*wrapped(p, 50), ""]], "Ferry times", "Bus times", "Tram times"]
    assert unwrap(lines)[-4:-1] == ["Ferry times", "Bus times", "Tram times"]


def test_paragraphs_a_line_each_are_not_joined() -> None:
    # One paragraph a line, no blank line between them, lines of about one length: not a wrap.
    lines = [p[:120].rsplit(" ", 1)[0] + "." for p in PARAGRAPHS] * 2
    assert [line for line in unwrap(lines) if line] == lines


def test_a_text_browser_dump_gives_the_article_of_the_plain_capture() -> None:
    plain = article("\n".join([*NAV, *PARAGRAPHS, *FOOTER]))
    for width in (60, 72, 100):
        assert article(text_browser_capture(width)) == plain
    assert all(p in plain for p in PARAGRAPHS)


def test_a_text_browser_dump_loses_its_link_numbers_and_addresses() -> None:
    lines = [line.strip() for line in visible_lines(text_browser_capture(60))]
    assert "Home" in lines and "Privacy policy" in lines
    assert not any("[1]" in line or "https://" in line for line in lines)


def test_a_markdown_capture_gives_the_article_without_marks() -> None:
    text = article(markdown_capture())
    assert all(p in text for p in PARAGRAPHS)
    assert not any(mark in text for mark in ("](", "**", "![", "# "))
    assert "eastern lock seen from the bridge" not in text  # an image's alt text is not the article's


def test_markdown_marks_read_as_their_text() -> None:
    assert from_markdown("## Lock *closes* in **spring**") == "Lock closes in spring"
    assert from_markdown("Prices rose 3\\.5 per cent \\- again") == "Prices rose 3.5 per cent - again"
    assert from_markdown("* * *") == ""
    wrapped_link = 'see [the engineers\'\nreport](https://example.org/a- b "Report") today'
    assert without_links(wrapped_link) == "see the engineers'\nreport today"
    assert without_links("[![logo](https://example.org/l.png)](https://example.org/)") == ""


def test_a_markdown_hard_break_is_not_a_wrap() -> None:
    lines = [
        "Opening times this week:  ",
        "Monday to Thursday from nine in the morning to six in the evening  ",
        "Friday from nine to noon",
    ]
    text = "\n".join(["[a](/a) [b](/b) [c](/c) [d](/d) [e](/e)", "", *lines])
    assert [line for line in visible_lines(text) if line][1:] == [line.rstrip() for line in lines]


def test_a_browser_copy_with_alt_text_and_icon_labels_gives_the_article() -> None:
    copy = [
        *NAV,
        "Share on Facebook",
        "Share on X",
        "Email",
        "Photo: the eastern lock seen from the bridge",
        *PARAGRAPHS,
        "Facebook",
        "X",
        "Copy link",
        *FOOTER,
    ]
    text = article("\n".join(copy))
    assert all(p in text for p in PARAGRAPHS)
    assert not any(label in text for label in ("Facebook", "Copy link", "eastern lock seen from the bridge"))


def test_image_marks_of_a_text_browser_are_no_text() -> None:
    lines = ["Top stories", "[harbour-view-1024x600.jpg]", "[Ferry at dawn]", "Tides [icon_wave.svg] today"]
    assert [line for line in visible_lines("\n".join(lines)) if line] == ["Top stories", "Tides  today"]


def test_an_image_shown_by_its_file_name_alone_is_no_text() -> None:
    lines = ["Top stories", "  □ lock gates at dusk.JPG", "harbour_view_2020.png", "The picture shows the gates."]
    assert [line for line in visible_lines("\n".join(lines)) if line] == ["Top stories", "The picture shows the gates."]


def test_a_long_capture_of_stray_marks_is_read_in_linear_time() -> None:
    # Stars, brackets and parentheses that never close, in long lines: no quadratic search.
    line = " *a [b (c _d " * 2000
    text = "\n".join([line] * 20 + ["[x](/y)"] * 6)
    started = time.perf_counter()
    visible_lines(text)
    assert time.perf_counter() - started < 5.0
