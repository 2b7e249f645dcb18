"""Noun phrases next to a cue: the speaker before "said", the subject of a clause.

A speaker phrase is read token by token: determiners, capitalised words (names, possessives such as
"Korea’s"), role words ("foreign minister", "presidential aide"), lower-case hyphenated adjectives
("high-level") and "of" between two capitalised words ("Ministry of Unification"). Anything else ends it.
"""

from __future__ import annotations

import re
from enum import Enum
from functools import lru_cache

from pipeline.claims.lexicon import (
    CLAUSE_OPENERS,
    DETERMINERS,
    DOCUMENT_ADJECTIVES,
    DOCUMENT_HEADS,
    NOT_NOUNISH,
    NOUNISH_ENDINGS,
    ORG_HEADS,
    OUTLET_HEADS,
    ROLE_WORDS,
)

_PHRASE_WORDS = ROLE_WORDS | ORG_HEADS | OUTLET_HEADS | DOCUMENT_HEADS | DOCUMENT_ADJECTIVES

_TOKEN = re.compile(r"\S+")
_EDGE_PUNCT = '"“”‘’()[]'
_HARD_PUNCT = frozenset(',;:“”"()[]—–')
_POSSESSIVE = re.compile(r"(?<=\w)[’'](?:s|(?<=s[’']))$")
_CLAUSE_BREAK = re.compile(r"[,;:]\s+|\s+[—–]\s+")
_CONNECTORS = frozenset({"of", "for"})
# Before a determiner inside a phrase: "a spokeswoman for the ministry", "director of the office".
PHRASE_CONNECTORS = frozenset({"of", "for", "at", "with", "from"})
# A word that follows an opening adjunct ("Inside the hall", "Reached by phone"), never a subject.
_NOT_AFTER_SUBJECT = re.compile(r"\s+(?:the|a|an|his|her|their|its|our|my|to|by|after|before|into)\b")
_QUANTIFIERS = frozenset({"these", "those", "some", "many", "several", "both", "most", "other", "another"})
_NUMBER = re.compile(r"^\d[\d,.]*$")
_CONJUNCTIONS = frozenset({"but", "and", "yet", "so", "also", "still", "then", "now", "meanwhile", "however"})
# Words that open a clause in the role of an adjunct (not a subject): skip that clause.
_ADJUNCT_OPENERS = CLAUSE_OPENERS - _CONJUNCTIONS


class Part(Enum):
    WORD = 1
    DET = 2
    STOP = 3


@lru_cache(maxsize=65536)  # pure, and called for every token of every sentence
def base_word(token: str) -> str:
    """A token without surrounding quotes or brackets and without a possessive ending."""
    return _POSSESSIVE.sub("", token.strip(_EDGE_PUNCT).rstrip(".,;:"))


@lru_cache(maxsize=65536)
def is_possessive(token: str) -> bool:
    return bool(_POSSESSIVE.search(token.strip('"“”‘()[].,;:')))


def is_capitalised(word: str) -> bool:
    return bool(word) and word[0].isupper()


def _part(tokens: list[str], index: int, broad: bool = False) -> Part:
    """``broad``: also words known only by their ending, numbers, and "of" between lower-case nouns."""
    token = tokens[index]
    if not _HARD_PUNCT.isdisjoint(token):
        return Part.STOP
    word = base_word(token)
    lowered = word.lower()
    if not word:
        return Part.STOP
    if lowered in DETERMINERS or (broad and lowered in _QUANTIFIERS):
        return Part.DET
    if is_capitalised(word):
        return Part.STOP if lowered in CLAUSE_OPENERS else Part.WORD
    if lowered in _CONNECTORS:
        between = 0 < index < len(tokens) - 1
        lower_ok = broad and lowered == "of"
        both = between and _joinable(tokens[index - 1], lower_ok) and _joinable(tokens[index + 1], lower_ok)
        return Part.WORD if both else Part.STOP
    if lowered in _PHRASE_WORDS or ("-" in word and word.replace("-", "").isalnum()):
        return Part.WORD
    return Part.WORD if broad and (nounish(lowered) or _NUMBER.match(word)) else Part.STOP


def _joinable(token: str, lower_ok: bool) -> bool:
    """A word "of"/"for" may join: a capitalised one, or ("28 percent of voters") a lower-case noun."""
    if not _HARD_PUNCT.isdisjoint(token):
        return False
    word = base_word(token)
    if is_capitalised(word):
        return True
    lowered = word.lower()
    return lower_ok and (lowered in ROLE_WORDS or nounish(lowered) or bool(_NUMBER.match(word)))


@lru_cache(maxsize=65536)
def nounish(word: str) -> bool:
    """A lower-case word that reads as a person noun or an adjective before one, by its ending."""
    singular = word[:-1] if word.endswith("s") and len(word) > 5 else word
    return (
        len(singular) >= 5 and singular.isalpha() and singular.endswith(NOUNISH_ENDINGS) and singular not in NOT_NOUNISH
    )


def trailing_phrase(clause: str) -> tuple[int, str] | None:
    """The speaker-like phrase that ends ``clause``: its offset in ``clause`` and its text."""
    matches = list(_TOKEN.finditer(clause))
    tokens = [m.group() for m in matches]
    begin = len(tokens)
    named = False
    index = len(tokens) - 1
    while index >= 0:
        part = _part(tokens, index, broad=True)
        if part is Part.STOP:
            break
        begin = index
        if part is Part.DET:
            if not _connected(tokens, index):
                break
            begin = index - 1
            index -= 2  # past the connector; the phrase goes on before it
            continue
        named = True
        index -= 1
    if not named:
        return None
    offset = matches[begin].start()
    return offset, clause[offset:].rstrip()


def _connected(tokens: list[str], det: int) -> bool:
    """The determiner at ``det`` follows "of"/"for"/... that follows a phrase word: read on past both."""
    return (
        det >= 2
        and tokens[det - 1].lower() in PHRASE_CONNECTORS
        and _part(tokens, det - 2, broad=True) is Part.WORD
        and base_word(tokens[det - 2]).lower() not in CLAUSE_OPENERS
    )


def whole_phrase(text: str) -> str | None:
    """``text`` itself when all of it reads as one speaker phrase."""
    found = trailing_phrase(text.rstrip(" .!?"))
    if found is None or text[: found[0]].strip():
        return None
    return found[1]


# A leading phrase is read from the first few tokens; the rest of the clause is split only when it runs longer.
_LEAD_TOKENS = 12


def leading_phrase(clause: str) -> tuple[int, str] | None:
    """The phrase that opens ``clause`` and is followed by a lower-case word (its verb)."""
    tokens = clause.split(maxsplit=_LEAD_TOKENS)
    if len(tokens) > _LEAD_TOKENS:
        found = _leading(clause, tokens[:_LEAD_TOKENS], complete=False)
        if found is not _CUT_SHORT:
            return found
        tokens = clause.split()
    return _leading(clause, tokens, complete=True)


_CUT_SHORT = (-1, "")


def _leading(clause: str, tokens: list[str], complete: bool) -> tuple[int, str] | None:
    """``leading_phrase`` over the first ``tokens`` of ``clause``. Unless they are ``complete``, the last one is
    read only as the neighbour of a connector, and ``_CUT_SHORT`` says the phrase may run on past them."""
    readable = len(tokens) if complete else len(tokens) - 1
    first = 0
    while first < readable and base_word(tokens[first]).lower() in _CONJUNCTIONS:
        first += 1
    if first >= readable:
        return None if complete else _CUT_SHORT
    if base_word(tokens[first]).lower() in _ADJUNCT_OPENERS:
        return None
    end = first
    while end < readable:
        part = _part(tokens, end)
        if part is Part.STOP or (part is Part.DET and end > first):
            break
        end += 1
    if end >= readable:
        return None if complete else _CUT_SHORT
    if end == first or not base_word(tokens[end])[:1].islower():
        return None
    start = _offset(clause, tokens, first)
    stop = _offset(clause, tokens, end - 1) + len(tokens[end - 1])
    return start, clause[start:stop]


def _offset(clause: str, tokens: list[str], index: int) -> int:
    position = 0
    for token in tokens[: index + 1]:
        position = clause.index(token, position) + len(token)
    return position - len(tokens[index])


def sentence_subject(sentence: str) -> tuple[int, str] | None:
    """The subject phrase of the main clause, skipping opening adjuncts ("During a visit, ...")."""
    position = 0
    for _ in range(4):
        brk = _CLAUSE_BREAK.search(sentence, position)
        clause = sentence[position : brk.start() if brk else len(sentence)]
        found = leading_phrase(clause)
        if found is not None and not _NOT_AFTER_SUBJECT.match(clause, found[0] + len(found[1])):
            return position + found[0], found[1]
        if brk is None:
            return None
        position = brk.end()
    return None
