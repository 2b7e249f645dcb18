"""The plain-text path: find the article body in a page's visible text.

A text capture is everything a browser showed: navigation, paywall offers, teaser lists and
comment forms around the article. The body is found by general evidence, as jusText does:
paragraphs are classified by length, sentence punctuation, stop-word density and boilerplate
vocabulary, the longest contiguous run of good paragraphs is the article, and the lines above
it give up the title, byline and dates as metadata.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import justext

from pipeline.extract.document import ExtractedText
from pipeline.extract.normalize import normalize_text
from pipeline.models import DateHint

Kind = Literal["good", "near", "short", "bad", "skip"]

STOPWORDS: frozenset[str] = frozenset(justext.get_stoplist("English"))

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_WEEKDAY = r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*\.?,?"
_DATE = (
    rf"(?:{_WEEKDAY}\s+)?(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}[./]\d{{1,2}}[./]\d{{4}})"
)
_TIME = r"\d{1,2}:\d{2}(?:\s*[AaPp]\.?[Mm]\.?)?(?:\s+[A-Z]{2,4})?"
_DATETIME = rf"{_DATE}(?:,?\s+(?:at\s+)?{_TIME})?"
_NAME_WORD = r"[A-Z][\w'’.-]+"
_NAME = rf"{_NAME_WORD}(?:\s+(?:{_NAME_WORD}|de|da|van|von|der|al|bin|el)){{1,3}}"
_SEPARATOR = r"(?:\s*[,|·•–—-]\s*|\s+)"
_READING_TIME = r"(?:\s*[|·•–—-]?\s*\d+\s*min(?:ute)?s?\.?\s+read)?"

CAPTURE_HEADER = re.compile(r"^date\s+(\d{4}-\d{2}-\d{2})\b\s*(.*)$")
DATE_LINE = re.compile(rf"^(?P<date>{_DATETIME})$")
DOUBLED_DATE = re.compile(rf"^(?P<date>{_DATETIME})\s*(?P=date)$")
BYLINE = re.compile(rf"^(?:(?i:by)\s+)?(?P<name>{_NAME}){_SEPARATOR}(?P<date>{_DATETIME}){_READING_TIME}\.?$")
DATED_LINE = re.compile(rf"^(?i:published|posted)(?:\s+(?i:on))?:?\s*(?P<date>{_DATETIME}){_READING_TIME}$")
AUTHOR_LINE = re.compile(rf"^(?i:(?:written\s+)?by|author|authors|words)\s*:?\s*(?P<name>{_NAME})$")

# Photo credits: "... | Image: Agency", "... (Name / AGENCY via Getty Images)", "... / Agency".
CAPTION = re.compile(
    r"(?:\|\s*(?:image|photo|picture|credit|source)s?\s*:[^|]{1,60}"
    r"|\([^()]{0,80}(?:\s/\s|\bvia\s)[^()]{0,60}\)"
    r"|\s/\s*[A-Z][\w.&-]*(?:\s[A-Z][\w.&-]*){0,3}"
    r"|^(?:photo|image|picture|credit)s?\s*(?:by|:)\s.{1,80})$",
    re.IGNORECASE,
)

# Boilerplate vocabulary. STRONG marks a line whatever its length; WEAK only a short one,
# since an article may well mention subscriptions or sharing in a long paragraph.
STRONG_BOILERPLATE = re.compile(
    r"©|\(c\)\s*\d{4}|\bcopyright\b|\brights\s+reserved\b|\breproduc\w*\b.*\bwithout\b.*\bpermission\b"
    r"|%[sd]\b|\bindicates\s+required\b|\bcommenting\s+(?:using|as)\b|\bleave\s+a\s+(?:reply|comment)\b"
    r"|\bcopy\s+link\b|\bskip\s+to\s+(?:main\s+)?content\b|\$\s?\d+(?:\.\d\d)?\s+(?:for|per|a|/)\s+\w*\s*"
    r"(?:day|week|month|year)s?\b|\bcancel\s+any\s*time\b|\benter\s+(?:your\s+)?e-?mail\b|\bsuccessful+y\s+subscribed\b",
    re.IGNORECASE,
)
WEAK_BOILERPLATE = re.compile(
    r"\bsubscri(?:be|bed|ber|bers|ption|ptions)\b|\bnewsletters?\b|\b(?:unlimited|full|premium|digital)\s+access\b"
    r"|\b(?:log|sign)\s*(?:in|out|up)\b|\bcookies?\b|\badvertis(?:e|ement|ing)\b|\bread\s+more\b|\bshare\s+(?:this|on)\b"
    r"|\bclick\s+(?:here|an?\s+icon)\b|\bfree\s+trial\b|\btrial\s+period\b|\bmobile\s+app\b|\bfollow\s+us\b"
    r"|\bcontact\s+us\b|\bprivacy\s+policy\b|\bterms\s+of\s+(?:use|service)\b|\bdownload\s+the\b|\bsponsored\b",
    re.IGNORECASE,
)
# Short headings that open the page's furniture after the article: teasers, tag lists, comments.
SECTION_HEADING = re.compile(
    r"\b(?:related|popular|trending|recommended|latest|picks|tags|comments?|repl(?:y|ies)|discussion"
    r"|more\s+(?:news|stories|from)|read\s+next|you\s+may\s+also|this\s+week|today|newsletters?)\b",
    re.IGNORECASE,
)
SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*$")
TRUNCATED = re.compile(r"(?:…|\.\.\.)[\"'”’)\]]*$")
ESCAPED_QUOTE = re.compile(r"\\(['\"])")
WORD = re.compile(r"[^\W\d_][\w'’-]*")
_QUOTE_FOLD = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})

GOOD_MIN_WORDS = 10
LONG_WORDS = 30
ENGLISH_DENSITY = 0.25
GOOD_DENSITY = 0.2
HEADLINE_WORDS = (3, 25)
TITLE_LOOKBACK = 12
LEAD_PARAGRAPHS = 3


@dataclass
class Line:
    text: str
    kind: Kind = "short"


@dataclass
class Meta:
    title: str | None = None
    site: str | None = None
    author: str | None = None
    hints: list[DateHint] = field(default_factory=list)


def words(text: str) -> list[str]:
    return [w.lower().translate(_QUOTE_FOLD) for w in WORD.findall(text)]


def stopword_density(text: str) -> float:
    tokens = words(text)
    return sum(t in STOPWORDS for t in tokens) / len(tokens) if tokens else 0.0


def content_words(text: str) -> set[str]:
    return {t.removesuffix("'s") for t in words(text) if t not in STOPWORDS and len(t) > 2}


def guess_language(text: str) -> str | None:
    return "en" if stopword_density(text) >= ENGLISH_DENSITY else None


def _fold(text: str) -> str:
    return ESCAPED_QUOTE.sub(r"\1", text).translate(_QUOTE_FOLD).casefold()


def read_header(lines: list[str], meta: Meta) -> list[str]:
    """Take the capture header and a page-top date off the first lines, into ``meta``."""
    match = CAPTURE_HEADER.match(lines[0]) if lines else None
    if match:
        meta.hints.append(DateHint(text=match.group(1), source="capture-header"))
        rest = match.group(2).strip()
        lines = lines[1:]
        title, _, site = rest.rpartition(" | ")
        if title and site:
            meta.title, meta.site = title.strip(), site.strip()
        elif rest and rest in lines:
            meta.title = rest
        elif rest:
            lines = [rest, *lines]
    if lines and DATE_LINE.match(lines[0]) and not DOUBLED_DATE.match(lines[0]):
        meta.hints.append(DateHint(text=lines[0], source="page-top"))
        lines = lines[1:]
    return lines


def read_byline(text: str, meta: Meta) -> bool:
    """True when the line is a byline or a bare date line; its author and date go to ``meta``."""
    if DOUBLED_DATE.match(text) or DATE_LINE.match(text):
        return True  # a date line below the page top is render furniture, not a publication date
    byline = BYLINE.match(text)
    dated = DATED_LINE.match(text)
    author = AUTHOR_LINE.match(text)
    if byline and meta.author is None:
        meta.author = byline.group("name")
    if author and meta.author is None:
        meta.author = author.group("name")
    found = byline or dated
    if found and not any(h.source == "byline" for h in meta.hints):
        meta.hints.append(DateHint(text=found.group("date"), source="byline"))
    return bool(found or author)


def is_boilerplate(text: str) -> bool:
    if STRONG_BOILERPLATE.search(text):
        return True
    return len(words(text)) < LONG_WORDS and WEAK_BOILERPLATE.search(text) is not None


def classify(text: str, english: bool) -> Kind:
    n_words = len(words(text))
    if is_boilerplate(text) or n_words == 0:
        return "bad"
    if TRUNCATED.search(text):
        return "short"  # a summary cut off mid-sentence is a teaser for another page
    dense = not english or stopword_density(text) >= GOOD_DENSITY
    sentence = SENTENCE_END.search(text) is not None or (n_words >= LONG_WORDS and ". " in text)
    if sentence and dense and n_words >= GOOD_MIN_WORDS:
        return "good"
    if sentence and n_words >= 3:
        return "near"
    return "short"


def is_skippable(text: str, others: set[str], meta: Meta) -> bool:
    """Lines that are metadata or artefacts: they neither count nor break a run of paragraphs."""
    if meta.title is not None and _fold(text) == _fold(meta.title):
        return True
    if ESCAPED_QUOTE.search(text) and _fold(text) in others:
        return True  # an escaping artefact that duplicates a clean copy of the same line
    return CAPTION.search(text) is not None or read_byline(text, meta)


def label(lines: Sequence[str], meta: Meta) -> list[Line]:
    english = guess_language("\n".join(lines)) == "en"
    clean = {_fold(t) for t in lines if not ESCAPED_QUOTE.search(t)}
    labelled = []
    for text in lines:
        if is_skippable(text, clean, meta):
            labelled.append(Line(text, "skip"))
        else:
            unescaped = ESCAPED_QUOTE.sub(r"\1", text)
            labelled.append(Line(unescaped, classify(unescaped, english)))
    return labelled


def runs(lines: Sequence[Line]) -> list[tuple[int, int]]:
    """Spans [start, end) of lines that begin and end with a good paragraph and hold nothing that
    breaks prose: near-good sentences and skippable lines may sit inside."""
    spans: list[tuple[int, int]] = []
    start: int | None = None
    last_good = -1
    for i, line in enumerate([*lines, Line("", "bad")]):
        if line.kind == "good":
            start = i if start is None else start
            last_good = i
        elif line.kind in ("short", "bad") and start is not None:
            spans.append((start, last_good + 1))
            start = None
    return spans


def weight(lines: Sequence[Line], span: tuple[int, int]) -> int:
    return sum(len(line.text) for line in lines[span[0] : span[1]] if line.kind in ("good", "near"))


def coherent(paragraphs: Iterable[str], reference: set[str]) -> bool:
    vocabulary = set().union(*(content_words(p) for p in paragraphs))
    shared = vocabulary & reference
    return len(shared) >= 3 and len(shared) >= 0.1 * len(vocabulary)


def extend(lines: Sequence[Line], span: tuple[int, int], spans: list[tuple[int, int]], reference: set[str]) -> int:
    """Carry the body across intertitles: one short heading followed by a coherent run of two or
    more paragraphs. A single paragraph after a heading is the headline-plus-summary teaser shape."""
    end = span[1]
    for start, stop in spans:
        if start <= end:
            continue
        between = [line for line in lines[end:start] if line.kind != "skip"]
        if len(between) != 1 or between[0].kind != "short" or SECTION_HEADING.search(between[0].text):
            break
        body = [line.text for line in lines[start:stop] if line.kind in ("good", "near")]
        if sum(line.kind == "good" for line in lines[start:stop]) < 2 or not coherent(body, reference):
            break
        end = stop
    return end


def is_headline(text: str) -> bool:
    n_words = len(words(text))
    lo, hi = HEADLINE_WORDS
    return (
        lo <= n_words <= hi
        and text[:1].isupper()
        and text[-1] not in ".,;:"
        and not is_boilerplate(text)
        and not DATE_LINE.match(text)
    )


def find_title(lines: Sequence[Line], start: int, lead: set[str]) -> str | None:
    """The headline-like line above the body that shares most words with the lead."""
    best: tuple[int, int, str] | None = None
    for distance, line in enumerate(reversed(lines[max(0, start - TITLE_LOOKBACK) : start])):
        if line.kind == "skip" or not is_headline(line.text):
            continue
        shared = len(content_words(line.text) & lead)
        if shared >= 2 and (best is None or (shared, -distance) > best[:2]):
            best = (shared, -distance, line.text)
    return best[2] if best else None


def unique(paragraphs: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    kept = []
    for text in paragraphs:
        key = _fold(text)
        if key not in seen:
            seen.add(key)
            kept.append(text)
    return kept


def clean_capture(text: str) -> ExtractedText | None:
    """The article in a plain-text page capture, with its metadata; None when there is no body."""
    meta = Meta()
    lines = read_header([line for line in normalize_text(text).split("\n") if line], meta)
    labelled = label(lines, meta)
    spans = runs(labelled)
    if not spans:
        return None
    main = max(spans, key=lambda span: (weight(labelled, span), -span[0]))
    lead_text = [line.text for line in labelled[main[0] : main[1]] if line.kind == "good"][:LEAD_PARAGRAPHS]
    lead = set().union(*(content_words(t) for t in lead_text))
    title = meta.title or find_title(labelled, main[0], lead)
    reference = lead | content_words(title or "")
    end = extend(labelled, main, spans, reference)
    body = unique(line.text for line in labelled[main[0] : end] if line.kind != "skip" and line.text != title)
    article = "\n\n".join(body)
    return ExtractedText(
        text=article,
        title=title,
        author=meta.author,
        site=meta.site,
        language=guess_language(article),
        date_hints=tuple(meta.hints),
        extractor="text-capture",
    )
