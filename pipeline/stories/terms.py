"""Terms that say what an article or a claim is about: stemmed content words, names marked apart.

A term is a Snowball stem in lower case. A name term comes from a capitalised word that does not
merely open a sentence; names carry the "who and where" that keeps unrelated stories apart, the
other words carry the "what". Modal and negation words are not terms: "may join", "will join" and
"won't join" are one proposition in three stances; a few words news uses for one another ("troops",
"soldiers", "forces") are one term.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

from pipeline.claims.phrases import leading_phrase

_WORD = re.compile(r"[A-Za-z][A-Za-z’'-]*[A-Za-z]|\d+")
_POSSESSIVE = re.compile(r"[’']s?$")
_SENTENCE_END = re.compile(r"[.!?][\"”’)]*\s+$")
_STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before being
    below between both but by can did do does doing down during each few for from further had has have
    having he her here hers herself him himself his how i if in into is it its itself just me more most
    my myself no nor not now of off on once only or other our ours out over own same she should so some
    such than that the their theirs them then there these they this those through to too under until up
    very was we were what when where which while who whom why with you your yours said says say told tell
    according reported reports added adding stated stating noted noting may might could will would shall
    can't cannot won't wouldn't don't doesn't didn't isn't aren't wasn't weren't never also likely
    reportedly possibly perhaps probably allegedly apparently expected set going plans planned one two
    mr mrs ms dr monday tuesday wednesday thursday friday saturday sunday january february april june
    july august september october november december jan feb apr jun jul aug sep sept oct nov dec
    week month year today yesterday last next first new""".split()
)  # "march" is left in: as a verb it says more than the month does


# Stems news writes for one another, each mapped to one of them.
_SAME = {
    "soldier": "troop",
    "forc": "troop",
    "personnel": "troop",
    "join": "particip",
    "march": "particip",
    "attend": "particip",
    "celebr": "parad",
    "ceremoni": "parad",
    "event": "parad",
    "commemor": "parad",
    "state": "countri",
    "nation": "countri",
}


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    lowered = _POSSESSIVE.sub("", word.lower().replace("’", "'"))
    stemmed = str(_STEMMER.stemWord(lowered))
    return _SAME.get(stemmed, stemmed)


_STEMMER = snowballstemmer.stemmer("english")


@dataclass(frozen=True, slots=True)
class Terms:
    names: frozenset[str]
    words: frozenset[str]

    @property
    def all(self) -> frozenset[str]:
        return self.names | self.words


def counted_terms(text: str) -> tuple[Counter[str], set[str]]:
    """Every term of ``text`` with its count, and which of them are names."""
    counts: Counter[str] = Counter()
    names: set[str] = set()
    for match in _WORD.finditer(text):
        word = match.group()
        if word.lower().replace("’", "'") in _STOPWORDS or (len(word) < 3 and not word.isdigit()):
            continue
        term = stem(word)
        counts[term] += 1
        if word[0].isupper() and not _opens_sentence(text, match.start()):
            names.add(term)
    return counts, names


def _opens_sentence(text: str, start: int) -> bool:
    before = text[max(0, start - 4) : start]
    return start == 0 or "\n" in before or bool(_SENTENCE_END.search(before))


def terms_of(text: str) -> Terms:
    counts, names = counted_terms(text)
    return Terms(frozenset(names), frozenset(counts) - names)


def subject_of(text: str) -> frozenset[str]:
    """Terms of the named subject that opens a claim ("North Korean troops ..."); empty when none."""
    found = leading_phrase(text)
    return frozenset(stem(w) for w in _WORD.findall(found[1]) if w.lower() not in _STOPWORDS) if found else frozenset()


def top_terms(text: str, limit: int) -> dict[str, int]:
    """The ``limit`` most frequent terms of ``text`` (names counted double: they say more)."""
    counts, names = counted_terms(text)
    for name in names:
        counts[name] *= 2
    return dict(counts.most_common(limit))
