"""HTML-to-text renderers a plain-text capture may come from: each shows the page with all its
boilerplate, in its own layout (inscriptis lays out blocks, html2text writes Markdown wrapped at 78
columns, the text browsers hard-wrap paragraphs and number links). The text browsers are Debian
packages: a renderer whose program is not installed is left out, and the bench says so."""

from __future__ import annotations

import shutil
import subprocess  # noqa: S404 - the renderers are local programs run on local pages
from collections.abc import Callable

import html2text
from inscriptis import get_text

Renderer = Callable[[str], str]
RENDER_TIMEOUT_S = 60


def markdown(markup: str) -> str:
    return html2text.html2text(markup)


def _program(command: list[str]) -> Renderer:
    def render(markup: str) -> str:
        done = subprocess.run(  # noqa: S603 - a fixed command line, the page on stdin
            command, input=markup.encode("utf-8"), capture_output=True, timeout=RENDER_TIMEOUT_S, check=False
        )
        return done.stdout.decode("utf-8", errors="replace")

    return render


# name: (the program it needs, or None for a library, and how it renders a page)
RENDERERS: dict[str, tuple[str | None, Renderer]] = {
    "inscriptis": (None, get_text),
    "html2text": (None, markdown),
    "lynx": (
        "lynx",
        _program(
            ["lynx", "-dump", "-width=200", "-force_html", "-stdin", "-assume_charset=utf-8", "-display_charset=utf-8"]
        ),
    ),
    "w3m": ("w3m", _program(["w3m", "-dump", "-cols", "200", "-T", "text/html", "-I", "UTF-8", "-O", "UTF-8"])),
}


def available(names: list[str]) -> tuple[dict[str, Renderer], list[str]]:
    """The renderers among ``names`` that can run here, and the names of those that cannot."""
    found, missing = {}, []
    for name in names:
        program, render = RENDERERS[name]
        if program is None or shutil.which(program):
            found[name] = render
        else:
            missing.append(name)
    return found, missing
