"""From an article and its date stamp to attributed claims."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.claims.attribution import Attribution, attributions_in, cue_reading
from pipeline.claims.dating import DateIndex, publication_date
from pipeline.claims.entities import entities_of
from pipeline.claims.lexicon import PRONOUNS
from pipeline.claims.modality import modality_of, polarity_of
from pipeline.claims.phrases import sentence_subject
from pipeline.claims.scoring import checkworthiness
from pipeline.claims.sentences import Sentence, split_sentences
from pipeline.claims.speakers import SpeakerResolver, names_a_source
from pipeline.models import Article, Claim, DateStamp, Precision, Speaker, stable_id

# News gives the date of a statement once and carries it over the next sentences.
CARRY_SENTENCES = 2
MIN_CONTENT_WORDS = 2

_LEADING_THAT = re.compile(r"^that\s+")
_DOTTED_END = re.compile(r"(?:\b[A-Za-z]\.){2,}$")
_QUOTED_SPAN = re.compile(r"[“\"]([^”\"]+)[”\"]|''((?:(?!'')[^\n])+)''")
_REOPENED = re.compile(r"\s*\n\s*(?:“|\"|'')")  # a quotation that goes on in the next paragraph
_OPEN_QUOTES = "“\"‘'"
_CLOSE_QUOTES = "”\"’'"


@dataclass(frozen=True, slots=True)
class Located:
    """A claim with where its parts stand in the article text: (start, end) of cue, speaker phrase, content."""

    claim: Claim
    cue: tuple[int, int]
    speaker: tuple[int, int]
    content: tuple[int, int]


@dataclass(frozen=True, slots=True)
class _Said:
    sentence: int
    value: str
    precision: Precision


def find_claims(article: Article, stamp: DateStamp) -> list[Claim]:
    """Attributed claims of ``article`` in text order, dated with the help of ``stamp``."""
    return [located.claim for located in find_located_claims(article, stamp)]


def find_located_claims(article: Article, stamp: DateStamp) -> list[Located]:
    """``find_claims`` with the offsets of each claim's cue, speaker phrase and content."""
    return _ClaimFinder(article, stamp).run()


class _ClaimFinder:
    def __init__(self, article: Article, stamp: DateStamp) -> None:
        self.article = article
        self.text = article.text
        self.dates = DateIndex(stamp.expressions)
        self.published = publication_date(stamp)
        self.resolver = SpeakerResolver.for_text(article.text)
        self.carry: _Said | None = None
        self.seen: set[str] = set()

    def run(self) -> list[Located]:
        claims: list[Located] = []
        sentences = split_sentences(self.text)
        readings = [cue_reading(sentence.text) for sentence in sentences]
        last = max((index for index, reading in enumerate(readings) if reading is not None), default=-1)
        for index, sentence in enumerate(sentences[: last + 1]):  # no claim after the last cue needs a referent
            reading = readings[index]
            found = [] if reading is None else attributions_in(reading, sentence.start, self.text, self.dates)
            for attribution in found:
                claim = self._claim(attribution, sentence, index)
                if claim is not None and claim.claim_id not in self.seen:
                    self.seen.add(claim.claim_id)
                    claims.append(_located(claim, attribution, sentence.start))
            self._observe_subject(sentence)
        return claims

    def _observe_subject(self, sentence: Sentence) -> None:
        subject = sentence_subject(sentence.text)
        if subject is not None:
            self.resolver.observe_subject(subject[1], sentence.start + subject[0])

    def _claim(self, attribution: Attribution, sentence: Sentence, index: int) -> Claim | None:
        speaker = self.resolver.resolve(
            attribution.referent or attribution.speaker, sentence.start + attribution.speaker_start
        )
        if speaker is None and (attribution.literal or attribution.cue == "according to"):
            speaker = _literal(attribution.speaker)
            if speaker is None:
                return None
        elif speaker is None or not _speaker_named(speaker):
            return None
        raw = _content_text(self.text, sentence.start, attribution)
        text, quote = clean_content(raw, attribution.quoted)
        if len(text.split()) < MIN_CONTENT_WORDS:
            return None
        self.resolver.observe(speaker, attribution.speaker)
        said = self._stated(attribution, sentence, index)
        content_start = sentence.start + attribution.content_start
        content_end = sentence.start + attribution.content_end
        event = self.dates.within(content_start, content_end)
        modality = modality_of(text, attribution.cue)
        return Claim(
            claim_id=stable_id(self.article.article_id, speaker.name, attribution.cue, text),
            article_id=self.article.article_id,
            speaker=speaker,
            speaker_phrase=attribution.speaker,
            via=attribution.via,
            cue=attribution.cue,
            text=text,
            quote=quote,
            modality=modality,
            polarity=polarity_of(modality),
            stated_at=said.value if said else None,
            stated_precision=said.precision if said else None,
            event_at=event[0].value if event else None,
            start=sentence.start,
            end=sentence.end,
            checkworthiness=checkworthiness(text, modality, _identified(speaker), bool(event)),
            entities=entities_of(text),
            content_start=content_start,
            content_end=content_end,
        )

    def _stated(self, attribution: Attribution, sentence: Sentence, index: int) -> _Said | None:
        """The date at the cue; else the last claim's date if it is near; else the publication day."""
        low, high = attribution.window
        cue = sentence.start + attribution.cue_start
        expression = self.dates.nearest(sentence.start + low, sentence.start + high, cue)
        said: _Said | None
        if expression is not None:
            said = _Said(index, expression.value, expression.precision)
        elif self.carry is not None and index - self.carry.sentence <= CARRY_SENTENCES:
            said = _Said(index, self.carry.value, self.carry.precision)
        elif self.published is not None:
            said = _Said(index, *self.published)
        else:
            said = None
        self.carry = said
        return said


def _literal(phrase: str) -> Speaker | None:
    """A source as written ("according to data released by the state"), when it resolves to nobody known."""
    words = phrase.split()
    if words and words[0].lower() in ("the", "a", "an"):
        words = words[1:]
    if not words or words[0].lower() in PRONOUNS:
        return None
    return Speaker(name=" ".join(words), kind="unknown")


def _content_text(text: str, base: int, attribution: Attribution) -> str:
    """The content as written; offsets are relative to the sentence at ``base`` and may reach outside it
    (a quotation before the sentence, or one that runs on past it)."""
    start, end = base + attribution.content_start, base + attribution.content_end
    if attribution.insert is None:
        return text[start:end]
    return f"{text[start : base + attribution.insert[0]]} {text[base + attribution.insert[1] : end]}"


def _located(claim: Claim, attribution: Attribution, base: int) -> Located:
    cue = (base + attribution.cue_start, base + attribution.cue_start + len(attribution.cue))
    speaker = (base + attribution.speaker_start, base + attribution.speaker_start + len(attribution.speaker))
    return Located(claim, cue, speaker, (base + attribution.content_start, base + attribution.content_end))


def _speaker_named(speaker: Speaker) -> bool:
    """A capitalised name, a descriptive phrase of two words or more, or one word that names people
    ("officials", "the mayor"); never another lone common word."""
    name = speaker.name
    if not any(c.isalpha() for c in name):
        return False
    return any(c.isupper() for c in name) or len(name.split()) >= 2 or names_a_source(name)


def _identified(speaker: Speaker) -> bool:
    return speaker.kind in ("person", "organisation", "outlet") and any(c.isupper() for c in speaker.name)


def clean_content(raw: str, quoted: bool) -> tuple[str, str | None]:
    """Claim text without "that", trailing commas or the full stop, and the verbatim quote if any."""
    content = _LEADING_THAT.sub("", raw.strip())
    if quoted:
        content = _REOPENED.sub(" ", content)
        verbatim = content.strip(_OPEN_QUOTES + _CLOSE_QUOTES + " ").rstrip(",").rstrip()
        return _tidy(verbatim), verbatim
    content = content.rstrip(" ,;:")
    if content.count("“") > content.count("”"):
        content += "”"
    found = (a or b for a, b in _QUOTED_SPAN.findall(content))
    spans: list[str] = [span for span in found if len(span.split()) >= MIN_CONTENT_WORDS]
    quote = max(spans, key=len).rstrip(" ,") if spans else None
    return _tidy(content), quote


def _tidy(content: str) -> str:
    content = " ".join(content.split()).rstrip(" ,;:")
    if content.endswith(".") and not _DOTTED_END.search(content):
        content = content[:-1]
    return content
