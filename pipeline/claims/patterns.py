"""Regular expressions that search fast: a long list of words as a prefix tree ("said|says|saying"
becomes "sa(?:id|ys|ying)", so a search tries each letter once instead of every word in turn), and a
capital that starts a word."""

from __future__ import annotations

import re
from typing import TypeAlias

_Tree: TypeAlias = dict[str, "_Tree"]

# "\b[A-Z]" with the word boundary tested after the capital (no word character before it): a search
# then skips from capital to capital instead of trying the boundary at every position of the text.
WORD_CAPITAL = r"[A-Z](?<!\w[A-Z])"


def words_pattern(words: tuple[str, ...] | list[str]) -> str:
    """A non-capturing pattern matching exactly the given words (longest first where one is a prefix)."""
    tree: _Tree = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return _render(tree)


def _render(node: _Tree) -> str:
    branches = [re.escape(char) + _render(child) for char, child in sorted(node.items()) if char]
    ends = "" in node
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 and not ends else "(?:" + "|".join(branches) + ")"
    return body + "?" if ends else body


def lowered_pattern(pattern: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """A pattern for lower-cased text, and a looser one without its word-boundary checks: ``re`` skips
    through a text by the first letters of that one, so the exact one runs only where it may match."""
    loose = pattern.replace(r"\b", "").replace(r"(?<=\w)", "")
    return re.compile(pattern), re.compile(loose)


def found_in(patterns: tuple[re.Pattern[str], re.Pattern[str]], lowered: str) -> bool:
    exact, loose = patterns
    return loose.search(lowered) is not None and exact.search(lowered) is not None
