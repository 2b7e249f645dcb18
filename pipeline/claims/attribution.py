"""Attribution patterns inside one sentence: who is reported as saying what, and where.

Patterns, tried for every cue word in the sentence:
  forward     SPEAKER [also|has|had] CUE [on DATE] [that] CONTENT       "Lavrov has insisted that ..."
  quoted      SPEAKER CUE, “QUOTE”                                     "Kim said, “...”"
  inverted    CONTENT, SPEAKER CUE [on DATE][, citing SOURCE][, ...]   "..., an official said on Tuesday."
              CONTENT, CUE SPEAKER.                                   "..., said Ushakov."
              “QUOTE,” SPEAKER CUE.
  passive     CONTENT, as CUE by SPEAKER.
  source      According to SPEAKER, CONTENT.  |  CONTENT, according to SPEAKER.
  participle  ..., stating that CONTENT  |  ..., adding, “QUOTE”        (speaker: the clause's subject)
              ..., with 30 percent saying CONTENT
  paragraph   SPEAKER CUE:  followed by CONTENT as the next paragraph   "He said:\n“...”"
A title-case headline ("Trump Says He Will Win") is read with its cues in lower case. Besides names,
pronouns and descriptions, a speaker may be a share of those polled ("72 percent of Democrats"), a
subject with words after its head ("people familiar with her thinking") or a source tied to the story
("a source close to the campaign").
A source ("according to") around another attribution becomes that attribution's ``via``.
All offsets are relative to the sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import NamedTuple

from pipeline.claims.dating import DateIndex
from pipeline.claims.lexicon import (
    BARE_CLAUSE_CUES,
    BARE_CLAUSE_STOP,
    CHECKED_CLAUSE_CUES,
    CLAUSE_OPENERS,
    CUE_PHRASE_LEADS,
    FINITE_CUES,
    OBJECT_STARTERS,
    PARTICIPLE_CUES,
    PERSON_HEADS,
)
from pipeline.claims.patterns import words_pattern
from pipeline.claims.phrases import base_word, leading_phrase, sentence_subject, trailing_phrase, whole_phrase
from pipeline.claims.speakers import describes_people


class _Span(NamedTuple):
    """Where a cue (a word or a phrase such as "went on to say") stands in the sentence."""

    start: int
    end: int


class _Found(NamedTuple):
    start: int
    phrase: str
    via: tuple[str, ...]
    referent: str | None = None  # what a relative "who" stands for
    literal: bool = False


@dataclass(frozen=True, slots=True)
class Attribution:
    cue: str
    cue_start: int
    speaker: str
    speaker_start: int
    content_start: int
    content_end: int
    window: tuple[int, int]  # where the date of saying may stand
    via: tuple[str, ...] = ()
    quoted: bool = False
    insert: tuple[int, int] | None = None  # "X, officials said, Y": the part of the content span that is not content
    referent: str | None = None  # "Jane Roe, who said ...": the speaker phrase is "who", standing for "Jane Roe"
    literal: bool = False  # the speaker phrase stands as written when it resolves to nobody known


_ACCORDING = "according to"
_PARTICIPLES = frozenset(PARTICIPLE_CUES)
_CUE_LEAD = re.compile(r"\b(?:" + "|".join(lead.replace(" ", r"\s+") for lead in CUE_PHRASE_LEADS) + r")\s+to\s+$")
# A form of "be" before a participle cue makes it the finite verb: "is saying", "isn’t saying", "’s claiming".
_PROGRESSIVE = re.compile(
    r"(?:\b(?:is|are|was|were|been)|[’'](?:s|re))(?:n[’']t|\s+not)?"
    r"(?:\s+(?:also|now|still|already|reportedly|again|just|repeatedly|publicly|openly|[a-z]+ly))?\s+$"
)
_CUE = re.compile(r"\b(?:[Aa]ccording\s+to|" + words_pattern(FINITE_CUES + PARTICIPLE_CUES) + r")\b")
_TITLE_CUE = re.compile(r"\s(" + words_pattern([cue.capitalize() for cue in FINITE_CUES if " " not in cue]) + r")\b")
_LONG_WORD = re.compile(r"[^\W\d_][\w’'-]{3,}")
# Between speaker and cue; a form of "be" is not here: "it was reported" names no speaker. Each
# alternative comes with how its matches end, for the suffix test in _tail.
_AUX_WORDS = (
    *("also", "has", "have", "had", "did", "does", "reportedly", "previously", "later", "again", "then"),
    *("further", "publicly", "officially", "repeatedly", "earlier", "recently", "already", "once", "separately"),
    *("first", "himself", "herself", "itself", "since", "now", "often", "still", "never", "always", "just"),
    *("even", "too", "both", "all", "each", "only", "long", "themselves", "here", "there", "will", "soon"),
    *("yesterday", "today", "tonight", "however"),
)
_DAY_PARTS = ("morning", "afternoon", "evening", "night")
_AUX_PHRASES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (r"(?:appeared|appears|seemed|seems|is\s+said|was\s+said)\s+to", ("to",)),
    (
        r"(?:on\s+)?(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day(?:\s+(?:" + "|".join(_DAY_PARTS) + "))?",
        ("day", *_DAY_PARTS),
    ),
    (r"on\s+[A-Z][a-z]{2,8}\.?\s+\d{1,2}", tuple("0123456789")),
    (r"in\s+a\s+statement", ("statement",)),
    (r"(?:last|this|earlier\s+this)\s+(?:week|month|year|night|morning)", ("week", "month", "year", *_DAY_PARTS)),
    (r"[a-z]+ly", ("ly",)),
)
_AUX_ASIDES = (r"for\s+example", r"for\s+instance", "however", "though", "too", r"in\s+turn", r"in\s+fact", "meanwhile")
_AUX_TAIL = re.compile(
    r"(?:\s+(?:" + "|".join((*_AUX_WORDS, *(phrase for phrase, _ in _AUX_PHRASES))) + ")"
    r"|(?<=,)\s+(?:" + "|".join(_AUX_ASIDES) + "),)+$"
)
# "he’s said": a contracted "has", read only before a past participle ("Trump’s claims" is a possessive).
_HAS_CONTRACTED = re.compile(r"(?<=\w)[’']s$")
_PAST_PARTICIPLE = re.compile(r"(?:said|told|written|[a-z]+ed)\b")
_AUX_ENDINGS = (*_AUX_WORDS, *(end for _, ends in _AUX_PHRASES for end in ends), ",")
# ", citing officials," or ", a virologist at Harvard," between the speaker and the cue.
_ASIDE = re.compile(
    r",\s+(?:(?:citing|quoting)\s+([^,]{1,80})|(?:a|an|the|another|who|whose|which|his|her|their|its)\s"
    r"(?:[^,]|,[”\"’']){1,150}(?:,\s[A-Z][\w.]*(?:\s[A-Z][\w.]*)?)?|\d{1,3}|"
    r"(?!and\b|but\b|or\b|which\b|that\b)(?:[a-z][\w-]*\s){1,4}(?:of|at|for|to|in)\s[^,]{1,120}|"
    r"(?:himself|herself|themselves|itself|[a-z]+ing|during|in|at|after|before|on|with|despite|from|like|of|"
    r"speaking|along\s+with)\s[^,]{1,120}(?:,\s[A-Z][\w.]{1,20})?|"
    r"(?:[A-Z][\w.'’-]*\s+){1,4}[a-z]+\s(?:of|for|at|to|from)\s[^,]{1,80}|"
    r"(?:[A-Z][\w.'’-]*\s+){0,3}[A-Z][\w.-]*[’']s?\s+(?:[a-z][\w-]*\s*){1,5}|[RDI]-[A-Z][\w.]*|"
    r"(?:Democrat|Republican|Independent|[A-Z][a-z]+(?:man|woman))\s(?:of|from)\s[A-Z][^,]{1,40}|"
    r"(?:[a-z][\w-]*\s){1,4}(?:" + "|".join(sorted(PERSON_HEADS)) + r")),[”\"]?$"
)
# "Rep. Jane Roe (D-Ore.) said": the party and state between name and cue.
_PARENTHESIS = re.compile(r"\s*\([^()]{1,30}\)$")
_PRONOUN_TAIL = re.compile(r"(?:^|\s)((?:[Hh]e|[Ss]he|[Ii]t|[Tt]hey))$")
_DATE_WORDS = re.compile(
    r"\s+(?:on\s+(?:[A-Z][a-z]+day|[A-Z][a-z]{2,8}\.?\s+\d{1,2}(?:,\s*\d{4})?)|yesterday|today|"
    r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day(?:\s+(?:" + "|".join(_DAY_PARTS) + r"))?|"
    r"(?:back\s+|earlier\s+|late\s+|early\s+)?in\s+(?:[A-Z][a-z]+(?:\s+\d{4})?|\d{4})|"
    r"(?:last|this|earlier\s+this)\s+(?:week|month|year|[A-Z][a-z]+day))\b"
)
_DAY_PART = re.compile(r"\s+(?:" + "|".join(_DAY_PARTS) + r")\b")
# "said in a statement", "told reporters at a briefing": where, not what.
_SETTING = re.compile(
    r"\s+(?:in|at|during|via|on|through)\s+(?:a|an|the|his|her|its|their)?\s*(?:[\w-]+\s+){0,2}?"
    r"(?:statement|interview|briefing|post|tweet|email|release|conference|address|speech|meeting|call|video|"
    r"broadcast|Telegram|X|Facebook|Twitter|television|TV|radio|podcast|letter|note)\b"
)
_TOLD_OBJECT = re.compile(r"(?:\s+(?!that\b)[\w’'.-]+){1,5}?(?=\s+that\b|\s*[,.!?]|\s*$|\s+on\b|\s+in\b)")
_THAT = re.compile(
    r"(?:\s+(?:in|at|on|during|via|to|back|earlier|late|last|this|over|through|after|before|while)\b"
    r"[^,.;:“”\"]{0,50}?)?\s+that\s+"
)
# Some archives write quotation marks as two apostrophes: ''We will,'' she said.
_QUOTE_OPEN = re.compile(r"\s*[,:]?\s*(''|[“\"])")
_TERMINAL = re.compile(r"\s*[.!?]?(?:''|[\"”’])?\s*$")
_BOUNDARY_END = re.compile(r"(?:,\s?(?:''|[\"”’'])?(?:\s?[\"”’']){0,2}|[?!](?:''|[\"”’'])(?:\s?[\"”’']){0,2}|\s[—–])$")
# ", saying that ..." and "... by saying that ...": a participle whose subject is the clause's.
_PARTICIPLE_LEAD = re.compile(r"(?:,(?:''|[\"”’])?|\s[–—]|\s(?:by|while|after|before|when))\s+$")
_CITING = re.compile(r"\s*,\s+citing\s+([^,.;]+)")
_PASSIVE_LEAD = re.compile(r",\s+as\s+$")
_PASSIVE_BY = re.compile(r"\s+by\s+([^,.;!?]+)")
_CONTENT_END = re.compile(
    r",[\"”’]?\s+(?:according\s+to|citing|" + "|".join(PARTICIPLE_CUES) + r")\b|\s+according\s+to\b"
)
# After "SPEAKER said" of an inverted sentence: where or about what, not a reported clause.
_ADJUNCT_REST = re.compile(
    r"\s+(?:at|in|on|of|for|by|through|about|during|after|before|while|when|from|via|with|as|outside|inside|to|"
    r"referring|"
    r"afterward|afterwards|later|here|there|then|too|again|"
    r"(?!(?:family|only|early|likely|ally|rally|reply|supply|assembly|belly|bully)\b)[a-z]{2,}ly)\b"
    r"(?:[^“\":]|[“\"][^”\"]{0,40}[”\"])*$"
)
# "said of the plan:" before a quote; "promised to act": an infinitive as what was said.
_TARGET = re.compile(r"\s+(?:of|about|to)\s+[^:,.;“\"]{1,60}:(?=\s*[“\"])")
_INTERJECTION = re.compile(r",\s*(?:however|though|too|meanwhile|in\s+fact|for\s+example|for\s+instance),(?=\s+that\b)")
_INFINITIVE_CUES = frozenset(
    {"promise", "promised", "promises", "promising", "vowed", "vows", "pledged", "pledges", "threatened", "threatening"}
)
# What is announced, reported or denied may be a thing, not a clause: "announced a series of steps",
# "reported 906 attacks", "denied any role". A letter written or a photo posted is not what was said.
_OBJECT_CONTENT_CUES = frozenset(
    """announced announces announcing revealed reveals revealing described describes reported reports noted
    acknowledged denied denies confirmed confirms predicted predicts promised promises explained claimed""".split()
)
_OBJECT_CONTENT = re.compile(
    r"\s+(?:a|an|the|his|her|their|its|plans?|new|\d[\d,.]*|more|several|some|any|no)\s+(?:\S+\s+){2}"
)
_QUESTION_CUES = frozenset({"ask", "asked", "asks", "asking", "explained", "explains", "explaining"})
_QUESTION = re.compile(r"\s+(?:[\w’'.-]+\s+){0,6}?((?:if|whether|why|how|what|when|where)\s+\w)")
_AS_CUES = frozenset({"describe", "described", "describes", "describing"})  # "described the plan as a failure"
_AS_COMPLEMENT = re.compile(r"\s+[^,.;:“\"]{1,60}?\sas\s+\S")
_INFINITIVE = re.compile(r"\s+to\s+(?:[“\"]|'')?[a-z]")
_PRONOUN_SUBJECT = re.compile(r"(?:^|[,;]\s+)(?:(?:and|but|then)\s+)?([Hh]e|[Ss]he|[Tt]hey)\s+(?=[a-z])")
_QUOTE_MARK = re.compile(r"[“\"]|''")
_SUBJECT_PRONOUN = re.compile(r"\s(?:he|she|they|it|we|I|there)\s")
_FINITE_HINT = re.compile(
    r"\b(?:is|are|was|were|will|would|could|can|should|may|might|must|has|have|had|did|does|do|\w+ed|"
    r"\w+n[’']t|\w+[’']ll|\w+[’']s|\w+[’']re|came|went|got|made|took|gave|knew|saw|told|said|thought|found|"
    r"left|felt|became|began|kept|held|brought|ran|won|lost|paid|met|sent|built|spent|led|fell|stood|wrote|"
    r"rose|grew|chose|drew|broke|spoke|sold|put|set|cut|let|hit|hurt|cost|quit|needs|wants|thinks|knows)\b"
)
# A third-person present verb after "it": "said it means", not "said it hours later".
_PRESENT = re.compile(r"(?!(?:hours|days|weeks|months|years|times|was|is|has|does)$)[a-z]{2,}[^s\W]s$")
_CONTRACTION = re.compile(r"[’'](?:s|d|ll|re|ve|m)$")
_CLAUSE_SUBJECTS = frozenset({"he", "she", "they", "it", "we", "i", "there", "you", "this", "that"})
# After "X, SPEAKER said": a comma and the rest of the clause it interrupts.
_RESUME = re.compile(
    r",\s+(?!(?:citing|quoting|according|and|but|or|who|which|where|when|because|while|although|as|"
    + "|".join(PARTICIPLE_CUES)
    + r")\b)(?=(?:\S+\s+){2}\S)"
)
_ADJUNCT_CUT = re.compile(
    r"\s+(?:when|who|whose|as|in|at|on|during|after|before|while|to|about|from|via|with|outside|inside|"
    r"released|obtained|published|conducted|issued|posted|out|that|which|by|of|for|though|although)\b"
)
_SOURCE_TAIL = re.compile(r"[,;:(“\"]|\s[—–-]+\s|[.!?](?:\s|$)")
_APPOSITIVE_NAME = re.compile(r",\s+((?:[A-Z][\w’'.-]*\s+){0,3}[A-Z][\w’'.-]*)$")
_COORDINATED = re.compile(r"(?:\s(?:and|but)(?:\s+(?:also|then|later|again))?|,\s+then)$")
# "a source close to the campaign", "people familiar with the talks": what ties an unnamed source to the story.
_SOURCE_TIES = (
    r"\s+(?:close\s+to|familiar\s+with|with\s+knowledge\s+of|briefed\s+on|involved\s+in|in\s+attendance|privy\s+to)"
)
_TIED_SOURCE = re.compile(
    r"((?:the|a|an|one|two|three|several|many|some|other)\s+)?(?:[\w’'-]+\s+){0,2}?([a-z][\w’'-]*)"
    + _SOURCE_TIES
    + r"(?:\s+[\w’'.-]+){1,5}"
)
_DESCRIBED_SOURCE = re.compile(
    r"(?:,|[?!])\s?(?:''|[\"”’'])?(?:\s?[\"”’']){0,2}\s+((?:(the|a|an|his|her|their|its|several|many|some|other|both)\s+)?"
    r"(?:[\w’'-]+\s+){0,3}?([a-z][\w’'-]*)"
    r"(?:" + _SOURCE_TIES + r"(?:\s+[\w’'.-]+){0,5})?)$"
)
_DETERMINED = frozenset({"the", "a", "an", "his", "her", "their", "its"})
_GAP_BOUNDARY = re.compile(r"(?:,\s?(?:''|[\"”’'])|[?!](?:''|[\"”’']))(?=\s+(?:[\w$’'-]+\s+){1,5}$)")
_NUMBER_WORD = r"(?:\d+|[Oo]ne|[Tt]wo|[Tt]hree|[Ff]our|[Ff]ive|[Ss]ix|[Ss]even|[Ee]ight|[Nn]ine)"
# A share of those polled as the source: "72 percent of Democrats", "Nearly half", "About three in 10".
_SHARE = (
    r"(?:(?:[Aa]bout|[Nn]early|[Aa]lmost|[Rr]oughly|[Oo]nly|[Jj]ust\s+(?:over|under)|(?:[Mm]ore|[Ll]ess|[Ff]ewer)\s+than|"
    r"[Aa]t\s+least)\s+)?"
    r"(?:\d[\d.,]*\s?(?:%|percent)|" + _NUMBER_WORD + r"(?:\s+in\s+|-in-)(?:\d+|ten|five)|[Hh]alf|[Aa]\s+third|"
    r"[Aa]\s+quarter|[Tt]wo-thirds|[Tt]hree-quarters|[Aa]\s+majority|[Mm]ost)"
    r"(?:\s+of\s+(?:[\w’'-]+\s+){0,4}[\w’'-]+|(?:\s+[A-Z][\w’'-]*)?\s+[a-z]+(?:\s+overall)?)?"
)
_SHARE_TAIL = re.compile(r"(?:^|(?<=\s))(" + _SHARE + r")$")
_WITH_SHARE = re.compile(r"\bwith\s+(" + _SHARE + r")\s+$")
_LAST_CLAUSE = re.compile(r"[,;:]\s+|\s+[—–]\s+")
_POSTMODIFIER = re.compile(
    r"(?:\s+(?:(?:who|whose)\s[^;:“\"]{1,120}|(?:in|at|from|of|with|among|across|on|"
    r"surveyed|polled|interviewed|questioned|contacted)\s[^,;:“\"]{1,80})|" + _SOURCE_TIES + r"\s[^,;:“\"]{1,80})"
)
_AS_LEAD = re.compile(r"\s*(?:[Aa]nd\s+|[Bb]ut\s+)?[Aa]s\s+$")
_RELATIVE_WHO = re.compile(r"(?:,|(?<=[a-z]))\s+(who)$")  # ", who said" and "voters who said"
_QUOTE_REACH = 1500
_COLON_END = re.compile(r"\s*:\s*$")
_PARAGRAPH_OPEN = re.compile(r"[ \t]*\n\s*(''|[“\"])?(?=\S)")
_REOPENED = re.compile(r"\n\s*(?:“|\"|'')")
_CLOSING = {"“": "”", '"': '"', "''": "''"}
_TOLD_STOP = BARE_CLAUSE_STOP | OBJECT_STARTERS
# Cues whose object (the one told) comes before the content.
_OBJECT_CUES = frozenset({"told", "tells", "asked", "asks", "telling", "asking", "warned", "warns", "warning"})


def find_attributions(sentence: str, base: int, text: str, dates: DateIndex) -> list[Attribution]:
    """Attributions in ``sentence``, which starts at offset ``base`` of the article ``text``."""
    reading = cue_reading(sentence)
    return [] if reading is None else attributions_in(reading, base, text, dates)


def cue_reading(sentence: str) -> str | None:
    """``sentence`` as the patterns read it (the cues of a title-case headline in lower case), or None when
    it holds no cue at all."""
    if _TITLE_CUE.search(sentence) is not None and _title_case(sentence):
        sentence = _TITLE_CUE.sub(_lower_cue, sentence)  # "Trump Says He Will Win"
    return sentence if _CUE.search(sentence) is not None else None


def attributions_in(reading: str, base: int, text: str, dates: DateIndex) -> list[Attribution]:
    """``find_attributions`` for a sentence's ``cue_reading``."""
    return _Finder(reading, base, text, dates).run()


def _lower_cue(found: re.Match[str]) -> str:
    return found.group().lower()


class _Finder:
    def __init__(self, sentence: str, base: int, text: str, dates: DateIndex) -> None:
        self.s = sentence
        self.base = base
        self.text = text
        self.dates = dates

    def run(self) -> list[Attribution]:
        found: list[Attribution] = []
        for word in _CUE.finditer(self.s):
            lead = _CUE_LEAD.search(self.s, max(0, word.start() - 24), word.start())
            match = _Span(lead.start() if lead else word.start(), word.end())
            cue = " ".join(self.s[match.start : match.end].lower().split())
            progressive = _PROGRESSIVE.search(self.s, max(0, word.start() - 32), word.start())
            if cue in _PARTICIPLES and progressive is not None:  # "The ministry is saying that ..."
                match = _Span(progressive.start(), word.end())
                attribution = self._finite(match, " ".join(self.s[match.start : match.end].lower().split()))
            elif cue == _ACCORDING:
                attribution = self._source(match)
            elif cue in _PARTICIPLES:
                attribution = self._participle(match, cue, found)
            else:
                attribution = self._finite(match, cue)
            if attribution is not None:
                found.append(attribution)
        return _merge_sources(found)

    def _skip_date(self, position: int) -> int:
        expression = self.dates.starting_after(self.text, self.base + position)
        if expression is not None and expression.end <= self.base + len(self.s):
            part = _DAY_PART.match(self.s, expression.end - self.base)  # "said Monday night"
            return part.end() if part else expression.end - self.base
        words = _DATE_WORDS.match(self.s, position)
        return words.end() if words else position

    def _after_cue(self, match: _Span, cue: str) -> int:
        position = self._skip_date(match.end)
        setting = _SETTING.match(self.s, position)
        position = self._skip_date(setting.end()) if setting else position
        if cue in _OBJECT_CUES:
            obj = _TOLD_OBJECT.match(self.s, position)
            position = self._skip_date(obj.end()) if obj else position
        target = _TARGET.match(self.s, position) or _INTERJECTION.match(self.s, position)
        return target.end() if target else position

    def _finite(self, match: _Span, cue: str) -> Attribution | None:
        passive = self._passive(match, cue)
        if passive is not None:
            return passive
        cue_first = self._cue_first(match, cue)
        if cue_first is not None:
            return cue_first
        verb = cue.rsplit(" ", 1)[-1]
        after = self._after_cue(match, verb)
        rest = self.s[after:]
        that = _THAT.match(rest)
        if that:
            return self._forward(match, cue, after + that.end())
        quote = _QUOTE_OPEN.match(rest)
        if quote:
            return self._forward_quote(match, cue, after + quote.end(), quote.group(1))
        if _COLON_END.match(rest):  # "He said:" with what he said in the next paragraph
            return self._next_paragraph(match, cue)
        if _TERMINAL.match(rest) or rest.lstrip().startswith(","):
            return self._inverted(match, cue, after)
        if self._after_quote(match, verb, rest) or _ADJUNCT_REST.match(rest):
            inverted = self._inverted(match, cue, after)
            if inverted is not None:
                return inverted
        complement = self._complement(match, verb, after)
        if complement is not None:
            return self._forward(match, cue, complement)
        bare = verb in BARE_CLAUSE_CUES and _bare_clause(rest, verb)
        if bare or (verb in CHECKED_CLAUSE_CUES and _reads_as_clause(rest)):
            return self._forward(match, cue, after + len(rest) - len(rest.lstrip()))
        return None

    def _complement(self, match: _Span, verb: str, after: int) -> int | None:
        """Where a complement that is not a clause starts: a question ("asked the mayor whether ..."), an
        infinitive ("promised to act"), "described X as Y", an announced thing."""
        question = _QUESTION.match(self.s, match.end) if verb in _QUESTION_CUES else None
        if question is not None:
            return question.start(1)
        rest = self.s[after:]
        if (
            (verb in _INFINITIVE_CUES and _INFINITIVE.match(rest))
            or (verb in _AS_CUES and _AS_COMPLEMENT.match(rest))
            or (verb in _OBJECT_CONTENT_CUES and _OBJECT_CONTENT.match(rest))
        ):
            return after + len(rest) - len(rest.lstrip())
        return None

    def _after_quote(self, match: _Span, verb: str, rest: str) -> bool:
        """ "“...,” Mayor Jane Doe told reporters at a news conference": the quote is what was said."""
        if not _opens_quote(self.s) or _QUOTE_MARK.search(rest):
            return False
        return verb in _OBJECT_CUES and not _SUBJECT_PRONOUN.search(rest)

    def _speaker_before(self, position: int) -> _Found | None:
        """The phrase before the cue, past auxiliaries ("has", "also") and an aside (", citing X,")."""
        before = self.s[:position].rstrip()
        clause = _cut_tail(_AUX_TAIL, before)
        if _PAST_PARTICIPLE.match(self.s, position):
            clause = _HAS_CONTRACTED.sub("", clause)  # "he’s said", "she’s long argued"
        clause = _cut_tail(_PARENTHESIS, clause)
        interjected = len(clause) < len(before) and clause.endswith(",")  # "officials, however, said"
        via: tuple[str, ...] = ()
        trimmed = clause
        for _ in range(3):  # "Tom Roe, the head of a group, a body that sued the state, said"
            aside = _tail(_ASIDE, trimmed + ("," if trimmed is not clause else ""))
            if aside is None:
                break
            via = (*via, aside.group(1).strip()) if aside.group(1) else via
            trimmed = trimmed[: aside.start()]
        if trimmed is not clause:  # "Rep. Jo Roe (D-Ore.), chair of the committee, said"
            trimmed = _cut_tail(_PARENTHESIS, trimmed)
        clause = trimmed.rstrip(",") if interjected and trimmed is clause else trimmed
        closed = clause + ("," if trimmed is not clause else "")
        appositive = _tail(_APPOSITIVE_NAME, closed[:-1]) if closed.endswith(",") else None
        if appositive is not None and _describes_before(closed[: appositive.start()]):  # "her adviser, Jane Roe, said"
            return _Found(appositive.start(1), appositive.group(1), via)
        pronoun = _tail(_PRONOUN_TAIL, clause)
        if pronoun:
            return _Found(pronoun.start(1), pronoun.group(1), via)
        relative = _tail(_RELATIVE_WHO, clause)
        if relative is not None:  # "Sen. Jane Roe, the ranking member, who said"
            antecedent = self._speaker_before(relative.start() + 1) or self._speaker_before(relative.start())
            if antecedent is None or antecedent.referent is not None:
                return None
            return _Found(relative.start(1), relative.group(1), via, antecedent.phrase)
        share = _tail(_SHARE_TAIL, clause)
        if share is not None and _describes_share(share.group(1)):
            return _Found(share.start(1), share.group(1), via, literal=True)
        found = trailing_phrase(clause)
        if found is None:
            modified = _modified_subject(clause)
            if modified is not None:  # "Many in the crowd said", "people familiar with her thinking say"
                return _Found(*modified, via, literal=True)
        if found is None and _tail(_COORDINATED, clause):  # "Roe criticised the plan and said ..."
            found = sentence_subject(clause)
        return _Found(found[0], found[1], via) if found else None

    def _content_end(self, start: int) -> int:
        end = _CONTENT_END.search(self.s, start)
        return end.start() if end else len(self.s)

    def _forward(self, match: _Span, cue: str, content_start: int) -> Attribution | None:
        speaker = self._speaker_before(match.start)
        if speaker is None:
            return None
        end = self._content_end(content_start)
        window = (0, content_start)
        return Attribution(
            cue,
            match.start,
            speaker.phrase,
            speaker.start,
            content_start,
            end,
            window,
            speaker.via,
            referent=speaker.referent,
            literal=speaker.literal,
        )

    def _forward_quote(self, match: _Span, cue: str, start: int, mark: str) -> Attribution | None:
        speaker = self._speaker_before(match.start)
        if speaker is None:
            return None
        close = self.s.find(_CLOSING[mark], start)
        end = close if close >= 0 else self._quote_end(start, mark)
        window = (0, start)
        return Attribution(
            cue,
            match.start,
            speaker.phrase,
            speaker.start,
            start,
            end,
            window,
            speaker.via,
            True,
            referent=speaker.referent,
            literal=speaker.literal,
        )

    def _next_paragraph(self, match: _Span, cue: str) -> Attribution | None:
        speaker = self._speaker_before(match.start)
        following = _PARAGRAPH_OPEN.match(self.text, self.base + len(self.s))
        if speaker is None or following is None:
            return None
        start = following.end() - self.base
        mark = following.group(1)
        if mark:
            end = self._quote_end(start, mark)
        else:
            newline = self.text.find("\n", following.end())
            end = (newline if newline >= 0 else len(self.text)) - self.base
        return Attribution(
            cue,
            match.start,
            speaker.phrase,
            speaker.start,
            start,
            end,
            (0, len(self.s)),
            speaker.via,
            bool(mark),
            referent=speaker.referent,
            literal=speaker.literal,
        )

    def _quote_end(self, start: int, mark: str) -> int:
        """Where a quotation that runs past its sentence closes, relative to the sentence; paragraphs that
        reopen the quotation ("... \n“More.”") go on with it."""
        position = self.base + start
        limit = min(len(self.text), position + _QUOTE_REACH)
        while position < limit:
            close = self.text.find(_CLOSING[mark], position, limit)
            newline = self.text.find("\n", position, limit)
            if newline < 0 or (0 <= close < newline):
                return (close if close >= 0 else limit) - self.base
            reopened = _REOPENED.match(self.text, newline)
            if reopened is None:
                return newline - self.base
            position = reopened.end()
        return limit - self.base

    def _previous_quote(self) -> tuple[int, int] | None:
        """The quotation that ends right before this sentence ("“We won.” Roe said."), relative to it."""
        before = self.text[max(0, self.base - _QUOTE_REACH) : self.base].rstrip()
        if not before.endswith(("”", '"', "''")) or before[-2:-1] not in (".", "!", "?", ",", "'", "’"):
            return None
        offset = self.base - _QUOTE_REACH if self.base > _QUOTE_REACH else 0
        opening = max(before.rfind("“"), before.rfind('"', 0, len(before) - 1), before.rfind("''", 0, len(before) - 2))
        if opening < 0 or "\n" in before[opening:]:
            return None
        return offset + opening - self.base, offset + len(before) - self.base

    def _inverted(self, match: _Span, cue: str, after: int) -> Attribution | None:
        speaker = self._speaker_before(match.start)
        if speaker is None:
            return self._described_source(match, cue, after)
        boundary = _tail(_BOUNDARY_END, self.s[: speaker.start].rstrip())
        if boundary is None and _opens_quote(self.s) and _names_someone(speaker.phrase):
            boundary = _tail(_GAP_BOUNDARY, self.s[: speaker.start])  # "“...,” Senate minority leader Jo Roe said"
        if boundary is None and _AS_LEAD.match(self.s[: speaker.start]) and self.s.startswith(",", after):
            start = after + 1 + len(self.s[after + 1 :]) - len(self.s[after + 1 :].lstrip())
            window = (0, start)  # "As the paper reported, the plan is dead."
            return Attribution(cue, match.start, speaker.phrase, speaker.start, start, len(self.s), window, speaker.via)
        if boundary is None:
            previous = None if self.s[: speaker.start].strip() else self._previous_quote()
            if previous is None:
                return self._described_source(match, cue, after)
            window = (0, after)
            return Attribution(cue, match.start, speaker.phrase, speaker.start, *previous, window, speaker.via, True)
        citing = _CITING.match(self.s, after)
        via = (*speaker.via, citing.group(1).strip()) if citing else speaker.via
        quoted = _opens_quote(self.s)
        start = len(self.s) - len(self.s.lstrip())
        window = (boundary.start(), after)
        resume = None if citing else _RESUME.match(self.s, after)
        if resume is not None and not quoted:  # "Mr. Roe, officials said, has become wary": the content goes on
            end = self._content_end(resume.end())
            insert = (boundary.start(), resume.end())
            return Attribution(
                cue,
                match.start,
                speaker.phrase,
                speaker.start,
                start,
                end,
                window,
                via,
                False,
                insert,
                literal=speaker.literal,
            )
        return Attribution(
            cue,
            match.start,
            speaker.phrase,
            speaker.start,
            start,
            boundary.start(),
            window,
            via,
            quoted,
            literal=speaker.literal,
        )

    def _described_source(self, match: _Span, cue: str, after: int) -> Attribution | None:
        """ "..., the rights group says.": a short phrase after the boundary, whatever its words."""
        clause = _cut_tail(_AUX_TAIL, self.s[: match.start].rstrip())
        found = _tail(_DESCRIBED_SOURCE, clause)
        if found is None or found.start() == 0:
            return None
        head = found.group(3)
        if head in CLAUSE_OPENERS or (found.group(2) not in _DETERMINED and not describes_people(head)):
            return None  # "..., current and former officials said", never "..., most plans said"
        start = len(self.s) - len(self.s.lstrip())
        window = (found.start(), after)
        phrase = found.group(1)
        return Attribution(
            cue,
            match.start,
            phrase,
            found.start(1),
            start,
            found.start(),
            window,
            (),
            _opens_quote(self.s),
            literal=True,
        )

    def _phrase_after(self, start: int, loose: bool = False) -> tuple[int, str] | None:
        """The speaker phrase from ``start`` to the next comma, or to a word that opens an adjunct
        ("said Jane Roe when asked"): its offset and text. ``loose``: else all of a short tail."""
        tail = (_SOURCE_TAIL.split(self.s[start:], maxsplit=1) if loose else self.s[start:].split(","))[0]
        phrase = tail.strip() if loose and 0 < len(tail.split()) <= 12 else _nearly_whole(tail)
        for cut in _ADJUNCT_CUT.finditer(tail):
            if phrase is not None or cut.start() == 0:
                break
            phrase = _nearly_whole(tail[: cut.start()])
        if phrase is None and loose and 0 < len(tail.split()) <= 12:
            phrase = tail.strip()
        return (start + tail.index(phrase), phrase) if phrase else None

    def _cue_first(self, match: _Span, cue: str) -> Attribution | None:
        boundary = _tail(_BOUNDARY_END, self.s[: match.start].rstrip())
        if boundary is None or self._skip_date(match.end) != match.end:
            return None  # "said Monday": a date, not a speaker, follows the cue
        plain = boundary.group() == ","
        if plain and (cue.rsplit(" ", 1)[-1] in _OBJECT_CUES or self._speaker_before(match.start) is not None):
            return None  # "Jane Roe, a lawyer, told the paper": the speaker stands before the cue
        found = self._phrase_after(match.end)
        if found is None:
            return None
        speaker_start, phrase = found
        quoted = _opens_quote(self.s)
        window = (boundary.start(), len(self.s))
        literal = quoted and not plain  # "“...,” said the 46-year-old": after a quotation, whoever is named
        return Attribution(
            cue, match.start, phrase, speaker_start, 0, boundary.start(), window, (), quoted, literal=literal
        )

    def _passive(self, match: _Span, cue: str) -> Attribution | None:
        lead = _tail(_PASSIVE_LEAD, self.s[: match.start])
        by = _PASSIVE_BY.match(self.s, match.end)
        phrase = whole_phrase(by.group(1).strip()) if lead and by else None
        if lead is None or by is None or phrase is None:
            return None
        window = (lead.start(), by.end())
        return Attribution(cue, match.start, phrase, by.start(1), 0, lead.start(), window)

    def _source(self, match: _Span) -> Attribution | None:
        lead = self.s[: match.start].strip(' "“‘')
        if not lead or lead.lower() in ("but", "and", "yet", "also"):
            comma = self.s.find(",", match.end)
            found = self._phrase_after(match.end, loose=True) if comma > 0 else None
            if found is None:
                return None
            speaker_start, phrase = found
            start = comma + 1 + len(self.s[comma + 1 :]) - len(self.s[comma + 1 :].lstrip())
            end = self._content_end(start)
            return Attribution(_ACCORDING, match.start, phrase, speaker_start, start, end, (0, start))
        return self._trailing_source(match)

    def _trailing_source(self, match: _Span) -> Attribution | None:
        found = self._phrase_after(match.end, loose=True)
        if found is None:
            return None
        speaker_start, phrase = found
        prefix = self.s[: match.start].rstrip()
        boundary = _tail(_BOUNDARY_END, prefix)
        end = boundary.start() if boundary else len(prefix)
        window = (match.start, len(self.s))
        resume = _RESUME.match(self.s, speaker_start + len(phrase)) if boundary else None
        if resume is not None:  # "The ferry, according to the board, will stop": the content goes on
            insert = (end, resume.end())
            last = self._content_end(resume.end())
            return Attribution(_ACCORDING, match.start, phrase, speaker_start, 0, last, window, insert=insert)
        return Attribution(_ACCORDING, match.start, phrase, speaker_start, 0, end, window)

    def _participle(self, match: _Span, cue: str, found: list[Attribution]) -> Attribution | None:
        share = _tail(_WITH_SHARE, self.s[: match.start])
        if share is not None and _describes_share(share.group(1)):  # "..., with 30 percent saying they ..."
            return self._forward(match, cue, self._after_cue(match, cue))
        if not _tail(_PARTICIPLE_LEAD, self.s[: match.start]):
            return None
        position = self._after_cue(match, cue)
        that = _THAT.match(self.s, position)
        quote = None if that else _QUOTE_OPEN.match(self.s, position)
        bare = that is None and quote is None and _reads_as_clause(self.s[position:])
        complement = None if that or quote or bare else self._complement(match, cue, position)
        if that is None and quote is None and not bare and complement is None:
            return None
        speaker = self._subject(match.start, found)
        if speaker is None:
            return None
        if complement is not None:
            start = complement
            end, quoted = self._content_end(start), False
        elif that is not None or bare:
            start = that.end() if that else position + len(self.s[position:]) - len(self.s[position:].lstrip())
            end, quoted = self._content_end(start), False
        elif quote is not None:
            start = quote.end()
            close = self.s.find(_CLOSING[quote.group(1)], start)
            end, quoted = (close if close >= 0 else len(self.s)), True
        window = (match.start, start)
        return Attribution(cue, match.start, speaker[1], speaker[0], start, end, window, quoted=quoted)

    def _subject(self, position: int, found: list[Attribution]) -> tuple[int, str] | None:
        earlier = [a for a in found if a.cue_start < position and a.cue != _ACCORDING]
        if earlier:
            return earlier[-1].speaker_start, earlier[-1].speaker
        subject = sentence_subject(self.s[:position])
        pronoun = None if subject else _PRONOUN_SUBJECT.search(self.s, 0, position)
        return (pronoun.start(1), pronoun.group(1)) if pronoun else subject


# Patterns anchored at the end of a text are looked for only in its last characters: the longest of
# them (an aside) is a few hundred characters, and scanning a whole sentence for each costs time.
_TAIL_REACH = 480


def _tail(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    endings = _ENDINGS.get(pattern)
    if endings is not None and not text.endswith(endings) and not text[-1:].isspace():
        return None
    return pattern.search(text, max(0, len(text) - _REACH.get(pattern, _TAIL_REACH)))


# Patterns whose match is a few words at most: a pronoun, "who", a party tag, a boundary, a share, the
# auxiliaries and adverbs between a speaker and the cue.
_REACH = {
    _AUX_TAIL: 160,
    _PRONOUN_TAIL: 64,
    _RELATIVE_WHO: 64,
    _PARENTHESIS: 64,
    _PASSIVE_LEAD: 64,
    _BOUNDARY_END: 64,
    _COORDINATED: 64,
    _PARTICIPLE_LEAD: 64,
    _SHARE_TAIL: 200,
    _WITH_SHARE: 200,
}


# How every match of a pattern ends, but for white space: most texts end otherwise, and a suffix test
# spares the search.
_ENDINGS: dict[re.Pattern[str], tuple[str, ...]] = {
    _AUX_TAIL: _AUX_ENDINGS,
    _PRONOUN_TAIL: ("he", "He", "it", "It", "they", "They"),
    _RELATIVE_WHO: ("who",),
    _PARENTHESIS: (")",),
    _BOUNDARY_END: (",", '"', "”", "’", "'", "—", "–"),
    _ASIDE: (",", '"', "”"),
}


def _cut_tail(pattern: re.Pattern[str], text: str) -> str:
    found = _tail(pattern, text)
    return text[: found.start()] if found else text


def _title_case(sentence: str) -> bool:
    """A headline in title case: nearly every word of four letters or more capitalised."""
    words = _LONG_WORD.findall(sentence)
    return len(words) >= 3 and sum(word[0].isupper() for word in words) >= 0.8 * len(words)


def _opens_quote(sentence: str) -> bool:
    return sentence.lstrip().startswith(("“", '"', "''"))


def _bare_clause(rest: str, cue: str) -> bool:
    words = rest.split()
    first = words[0].lower().strip('“"') if words else ""
    stop = _TOLD_STOP if cue in _OBJECT_CUES else BARE_CLAUSE_STOP
    if first in ("it", "this") and len(words) >= 3 and (_FINITE_HINT.match(words[1]) or _PRESENT.match(words[1])):
        return True  # "said it was over", "said it means"
    return len(words) >= 3 and first not in stop


def _nearly_whole(text: str) -> str | None:
    """``text`` as one speaker phrase, a party tag "(D-Ore.)" and one leading adjective left out."""
    text = _PARENTHESIS.sub("", text.strip().rstrip(".!?")).strip()
    phrase = whole_phrase(text)
    tied = _TIED_SOURCE.fullmatch(text) if phrase is None else None
    if tied is not None and describes_people(tied.group(2)):  # "said a source close to the campaign"
        return text
    if phrase is None:
        found = trailing_phrase(text.rstrip(" .!?"))
        leftover = len(text[: found[0]].split()) if found else 0
        named = found is not None and sum(w[:1].isupper() for w in found[1].split()) >= 2
        phrase = found[1] if found and (leftover == 1 or (named and leftover <= 4)) else None
    return phrase


def _describes_share(phrase: str) -> bool:
    """A share followed by a lower-case word names people by that word ("most voters"), not "most likely"."""
    words = phrase.split()
    last = base_word(words[-1]).lower()
    return "of" in words or words[-1][:1].isdigit() or last in _SHARE_ENDS or describes_people(last)


_SHARE_ENDS = frozenset(
    {"percent", "half", "third", "quarter", "thirds", "quarters", "majority", "most", "ten", "five"}
)


def _modified_subject(clause: str) -> tuple[int, str] | None:
    """The subject of the last clause with what follows its head ("Many in the crowd", "voters who back
    her"), when the head names people or someone by name."""
    breaks = list(_LAST_CLAUSE.finditer(clause, max(0, len(clause) - _TAIL_REACH)))
    offset = breaks[-1].end() if breaks else 0
    found = leading_phrase(clause[offset:])
    if found is None:
        return None
    start, phrase = offset + found[0], found[1]
    head = base_word(phrase.split()[-1])
    if not _POSTMODIFIER.fullmatch(clause, start + len(phrase)):
        return None
    if not (head[:1].isupper() or describes_people(head.lower())):
        return None
    return start, clause[start:].rstrip(" ,")


def _names_someone(phrase: str) -> bool:
    """Two capitalised words or more: a name, which may follow words no speaker rule reads."""
    return sum(word[:1].isupper() for word in phrase.split()) >= 2


def _describes_before(text: str) -> bool:
    """``text`` ends with a description of a person ("her senior adviser"), not a place ("Columbus")."""
    words = text.split()
    head = base_word(words[-1]).lower() if words else ""
    return bool(words) and describes_people(head) and (words[-1][:1].islower() or head in PERSON_HEADS)


def _reads_as_clause(rest: str) -> bool:
    """A bare complement that reads as a clause: a subject pronoun first, or a finite verb near its start."""
    words = rest.split()
    if len(words) < 3:
        return False
    first = _CONTRACTION.sub("", words[0].lower().strip('“"'))
    if first in _CLAUSE_SUBJECTS:
        return True
    return first not in BARE_CLAUSE_STOP and _FINITE_HINT.search(" ".join(words[:7])) is not None


def _merge_sources(found: list[Attribution]) -> list[Attribution]:
    """A source whose content holds another attribution is that attribution's ``via``, not a claim."""
    kept = [a for a in found if a.cue != _ACCORDING]
    for source in (a for a in found if a.cue == _ACCORDING):
        inner = [
            i
            for i, a in enumerate(kept)
            if source.content_start <= a.speaker_start and a.cue_start < source.content_end
        ]
        for i in inner:
            kept[i] = replace(kept[i], via=(*kept[i].via, source.speaker))
        if not inner:
            kept.append(source)
    return sorted(kept, key=lambda a: a.cue_start)
