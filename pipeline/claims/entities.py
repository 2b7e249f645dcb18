"""Named entities of a claim's content, by capitalisation: runs of capitalised words ("Victory Day",
"Ministry of Unification"), possessives cut ("Russia’s" is Russia), lone sentence openers, pronouns,
months and weekdays left out. A rule, not a model: good enough to link claims to names, no more.
"""

from __future__ import annotations

import re

from pipeline.claims.lexicon import CLAUSE_OPENERS
from pipeline.claims.patterns import WORD_CAPITAL
from pipeline.claims.phrases import base_word

_RUN = re.compile(WORD_CAPITAL + r"[\w’'.-]*(?:\s+(?:of\s+)?[A-Z][\w’'.-]*)*")
_POSSESSIVE = re.compile(r"[’']s?(?:\s+|$)")
_DOTTED = re.compile(r"(?:[A-Za-z]\.){2,}$")
_NOT_NAMES = (
    frozenset(
        """i he she it we they you his her its their our my your the a an this that these those there here
    monday tuesday wednesday thursday friday saturday sunday january february march april may june july
    august september october november december mr mrs ms dr""".split()
    )
    | CLAUSE_OPENERS
)


def entities_of(content: str) -> tuple[str, ...]:
    found: list[str] = []
    for match in _RUN.finditer(content):
        for part in _POSSESSIVE.split(match.group()):
            _add(found, part if _DOTTED.search(part) else part.rstrip("."))
    return tuple(found)


def _add(found: list[str], name: str) -> None:
    words = name.split()
    while words and base_word(words[0]).lower() in _NOT_NAMES:
        words = words[1:]
    name = " ".join(words)
    if name and name not in found and not (len(words) == 1 and name.lower() in _NOT_NAMES):
        found.append(name)
