"""Plain-text captures, line by line: what each line is (prose, a near-sentence, a short label,
boilerplate, or metadata to skip), by length, sentence punctuation, stop-word density and
boilerplate vocabulary, as jusText classifies paragraphs; and the title, byline and date lines
that become metadata instead of body."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence, Set
from dataclasses import dataclass, field
from typing import Literal

import justext

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
    r"|\([^()]{0,80}(?:\s/\s|\bvia\s|\b(?:photo|image|credit)s?\b)[^()]{0,60}\)"
    r"|\bcredits?:\s[^.]{1,80}|^(?:image|photo|media)\s+(?:caption|copyright)\b.*"
    r"|\s/\s*[A-Z][\w.&-]*(?:\s[A-Z][\w.&-]*){0,3}"
    r"|^(?:photo|image|picture|credit)s?\s*(?:by|:)\s.{1,80})$",
    re.IGNORECASE,
)

# Boilerplate vocabulary. STRONG marks a line whatever its length; WEAK only a short one,
# since an article may well mention subscriptions or sharing in a long paragraph.
STRONG_BOILERPLATE = re.compile(
    r"©|\(c\)\s*\d{4}|\bcopyright\b|\brights\s+reserved\b|\breproduc\w*\b.*\bwithout\b.*\bpermission\b"
    r"|%[sd]\b|\b(?:we|site|website)\s+uses?\s+cookies\b|\be-?mail\b.{0,40}\b(?:não\s+será\s+publicado|no\s+será\s+publicado"
    r"|ne\s+sera\s+pas\s+publiée|wird\s+nicht\s+veröffentlicht|non\s+sarà\s+pubblicato)|\bindicates\s+required\b|\bcommenting\s+(?:using|as)\b|\bleave\s+a\s+(?:reply|comment)\b"
    r"|\bcopy\s+link\b|\bskip\s+to\s+(?:main\s+)?content\b|\$\s?\d+(?:\.\d\d)?\s+(?:for|per|a|/)\s+\w*\s*"
    r"(?:day|week|month|year)s?\b|\bcancel\s+any\s*time\b|\benter\s+(?:your\s+)?e-?mail\b|\bsuccessful+y\s+subscribed\b"
    # Legal notices: trademarks, and the site's word that its content is no advice.
    r"|\bregistered\s+trademarks?\b|\btrademarks?\s+of\s+[\w.,&\s]{1,40}\b(?:inc|llc|ltd|corp|corporation|gmbh)\b"
    r"|\beingetragene\s+(?:marken|warenzeichen)\b|\bmarques\s+déposées\b|\bmarcas\s+registradas\b"
    r"|\bfor\s+(?:general\s+)?informational\s+purposes\s+only\b|\bnot\s+intended\s+to\s+diagnose\b"
    r"|\binformation\s+(?:provided|contained)\s+(?:on|in)\s+this\s+(?:web\s*)?site\b",
    re.IGNORECASE,
)
WEAK_BOILERPLATE = re.compile(
    r"\bsubscri(?:be|bed|ber|bers|ption|ptions)\b|\bnewsletters?\b|\b(?:unlimited|full|premium|digital)\s+access\b"
    r"|\b(?:log|sign)\s*(?:in|out|up)\b|\bcookies?\b|\badvertis(?:e|ement|ing)\b|\bread\s+more\b|\bshare\s+(?:this|on)\b"
    r"|\bclick\s+(?:here|an?\s+icon)\b|\bfree\s+trial\b|\btrial\s+period\b|\bmobile\s+app\b|\bfollow\s+us\b"
    r"|\bcontact\s+us\b|\bprivacy\s+policy\b|\bterms\s+of\s+(?:use|service)\b|\bdownload\s+the\b|\bsponsored\b"
    r"|\bcontinue\s+reading\b|\bback\s+to\s+(?:top|gallery)\b|\bview\s+(?:all|more|gallery)\b"
    r"|\b(?:image|photo|slide)\s+\d+\s+of\s+\d+\b|\badverts?\b|^(?:share|copied|print|e-?mail|tweet)\W*$"
    r"|^(?:related|also|see\s+also|read\s+(?:more|also|next)|more|watch|listen)\s*:"
    r"|^(?:published|updated|posted)\b.*\d{1,2}:\d{2}|\b(?:previous|next)\s+(?:article|post|story)\b",
    re.IGNORECASE,
)
# Short headings that open the page's furniture after the article: teasers, tag lists, comments.
SECTION_HEADING = re.compile(
    r"\b(?:related|popular|trending|recommended|latest|picks|tags|comments?|repl(?:y|ies)|discussion"
    r"|more\s+(?:news|stories|from)|read\s+next|you\s+may\s+also|this\s+week|today|newsletters?)\b"
    r"|^\W*more\s+\w+(?:\s+\w+)?\W*$"  # "More Videos", "More <site name>"
    # The same in Spanish, Portuguese, French, German and Italian.
    r"|\b(?:relacionad[oa]s|relacionad[oa]|liés|connexes|similaires|ähnliche|verwandte|correlat[io]|comentários?"
    r"|comentarios?|commentaires?|kommentare?|commenti|etiquetas|schlagwörter|mais\s+lid[oa]s|más\s+leíd[oa]s"
    r"|lo\s+más\s+visto|les\s+plus\s+lus|meistgelesen\w*|più\s+lett[ie])\b",
    re.IGNORECASE,
)
# "About the author", "About Jane Doe": the author box after an article.
AUTHOR_BOX = re.compile(
    rf"^(?i:about|sobre|acerca\s+de|à\s+propos\s+de|über)\s+"
    rf"(?:(?i:the\s+authors?|o\s+autora?|el\s+autora?|la\s+autora|l'auteur|den\s+autor|die\s+autorin)|{_NAME})$"
)
SENTENCE_END = re.compile(r"[.!?。！？][\"'”’)\]」』]*$")
# Scripts written without spaces between words: their length is counted in characters.
UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\u0e00-\u0e7f]")
CHARS_PER_WORD = 2
TRUNCATED = re.compile(r"(?:…|\.\.\.)[\"'”’)\]]*$")
# Where a teaser's headline runs into its summary with no space between: after a lower-case word
# (not a name's prefix such as "Mc"), a number or a question or exclamation mark.
GLUED = re.compile(r"(?<=[^\W\d_A-Z]{3})(?=[A-Z](?:[a-z]|\s))|(?<=\d\d)(?=[A-Z][a-z]{2})|(?<=[?!])(?=[A-Z][a-z])")
TITLE_CASE_SHARE = 0.8
GLUED_TAIL_WORDS = 5
ESCAPED_QUOTE = re.compile(r"\\(['\"])")
WORD = re.compile(r"[^\W\d_][\w'’-]*")
_QUOTE_FOLD = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})

# A table's row, which a text browser renders a line each: mostly figures. Rows count as prose in a
# run of them, as they do where a renderer joins the cells of a table into one paragraph.
FIGURE = re.compile(r"(?<![\w.,])\d[\d.,:%]*(?!\w)")
MIN_ROW_FIGURES = 3
ROW_FIGURE_SHARE = 1 / 3
MIN_TABLE_ROWS = 4

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
    # Of the folded quotes only ’ can sit inside a word: folding it first is the same as folding each word.
    return [w.lower() for w in WORD.findall(text.replace("’", "'"))]


def word_count(text: str) -> int:
    unspaced = len(UNSPACED.findall(text))
    if not unspaced:
        return len(WORD.findall(text))
    return len(WORD.findall(UNSPACED.sub(" ", text))) + unspaced // CHARS_PER_WORD


def stopword_density(text: str) -> float:
    tokens = words(text)
    return sum(t in STOPWORDS for t in tokens) / len(tokens) if tokens else 0.0


def content_words(text: str) -> set[str]:
    return {t.removesuffix("'s") for t in words(text) if t not in STOPWORDS and len(t) > 2}


def reads_as_english(text: str) -> bool:
    """Dense in English stop words: stop-word density then tells prose from furniture."""
    return stopword_density(text) >= ENGLISH_DENSITY


def fold(text: str) -> str:
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
    return word_count(text) < LONG_WORDS and WEAK_BOILERPLATE.search(text) is not None


def is_glued_teaser(text: str) -> bool:
    """A headline in title case run into a sentence: "Bridge Reopens After Two YearsThe old bridge..."."""
    if not text[:1].isupper():
        return False
    lo, hi = HEADLINE_WORDS
    for match in GLUED.finditer(text):
        head, tail = text[: match.start()], text[match.start() :]
        head_words = WORD.findall(head)
        if not lo <= len(head_words) <= hi or ". " in head or head.count("(") != head.count(")"):
            continue
        title_case = sum(w[0].isupper() for w in head_words) >= TITLE_CASE_SHARE * len(head_words)
        if title_case and any(w[0].islower() for w in WORD.findall(tail)[1:GLUED_TAIL_WORDS]):
            return True
    return False


def classify(text: str, english: bool) -> Kind:
    n_words = word_count(text)
    if is_boilerplate(text) or n_words == 0:
        return "bad"
    if TRUNCATED.search(text) or is_glued_teaser(text):
        return "short"  # a summary cut off mid-sentence, or glued to its headline, is a teaser for another page
    dense = not english or stopword_density(text) >= GOOD_DENSITY
    sentence = SENTENCE_END.search(text) is not None or (n_words >= LONG_WORDS and ". " in text)
    if sentence and dense and n_words >= GOOD_MIN_WORDS:
        return "good"
    if sentence and n_words >= 3:
        return "near"
    return "short"


def is_skippable(text: str, key: str, others: set[str], title_key: str | None, meta: Meta) -> bool:
    """Lines that are metadata or artefacts: they neither count nor break a run of paragraphs.
    ``key`` is the line folded, ``title_key`` the title folded."""
    if key == title_key:
        return True
    if ESCAPED_QUOTE.search(text) and key in others:
        return True  # an escaping artefact that duplicates a clean copy of the same line
    return CAPTION.search(text) is not None or read_byline(text, meta)


def is_table_row(line: Line) -> bool:
    figures = len(FIGURE.findall(line.text))
    return (
        line.kind in ("short", "near")
        and figures >= MIN_ROW_FIGURES
        and figures >= ROW_FIGURE_SHARE * len(line.text.split())
        and word_count(line.text) > 0
    )


def with_tables(labelled: list[Line]) -> list[Line]:
    """Runs of at least ``MIN_TABLE_ROWS`` table rows relabelled as prose."""
    rows = [is_table_row(line) for line in labelled]
    start = 0
    for i in range(len(labelled) + 1):
        if i < len(labelled) and rows[i]:
            continue
        if i - start >= MIN_TABLE_ROWS:
            for j in range(start, i):
                labelled[j] = Line(labelled[j].text, "good")
        start = i + 1
    return labelled


def label(lines: Sequence[str], meta: Meta, furniture: Set[str] = frozenset()) -> list[Line]:
    """Each line's kind; ``furniture`` holds lines known as the site's boilerplate from its other pages."""
    english = reads_as_english("\n".join(lines))
    keys = [fold(t) for t in lines]
    clean = {key for t, key in zip(lines, keys, strict=True) if not ESCAPED_QUOTE.search(t)}
    seen = Counter(keys)
    title_key = fold(meta.title) if meta.title is not None else None
    labelled = []
    for text, key in zip(lines, keys, strict=True):
        if is_skippable(text, key, clean, title_key, meta):
            labelled.append(Line(text, "skip"))
        elif text in furniture:
            labelled.append(Line(text, "bad"))
        else:
            unescaped = ESCAPED_QUOTE.sub(r"\1", text)
            # Prose shown twice on one page is a teaser repeated in two lists, not a paragraph.
            kind = classify(unescaped, english)
            labelled.append(Line(unescaped, "short" if seen[key] > 1 and kind != "bad" else kind))
    return with_tables(labelled)


def is_paragraph(line: Line) -> bool:
    """A good line that reads as prose rather than as the headline of a teaser."""
    return line.kind == "good" and not (line.text.endswith("?") and is_headline(line.text))


def coherent(paragraphs: Iterable[str], reference: set[str]) -> bool:
    vocabulary = set().union(*(content_words(p) for p in paragraphs))
    shared = vocabulary & reference
    return len(shared) >= 3 and len(shared) >= 0.1 * len(vocabulary)


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


def is_heading(text: str) -> bool:
    return SECTION_HEADING.search(text) is not None or AUTHOR_BOX.match(text) is not None
