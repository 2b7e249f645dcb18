"""Page metadata read straight off the parsed tree: JSON-LD, <meta> tags, <title>, <html lang>.

Cheap XPath look-ups instead of a full metadata extractor, so that metadata costs the extract
stage a fraction of a millisecond a page.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lxml.html import HtmlElement  # type: ignore[import-untyped]

from pipeline.datestamp.stamp import HAS_YEAR
from pipeline.models import DateHint

ARTICLE_TYPES = re.compile(r"Article|BlogPosting|Report|Posting|NewsArticle", re.I)
ISO_TIMESTAMP = re.compile(r"^\s*(\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?)")
TITLE_SEPARATORS = re.compile(r"\s+[|–—:·-]\s+")
LANG = re.compile(r"^([a-zA-Z]{2,3})\b")
META_TITLE = ("og:title", "twitter:title")
META_SITE = ("og:site_name", "application-name")
META_AUTHOR = ("author", "article:author", "byl", "dc.creator", "sailthru.author", "parsely-author")
META_DATE = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "publish-date",
    "pubdate",
    "og:pubdate",
    "date",
    "dc.date",
    "dc.date.issued",
    "dcterms.date",
    "dcterms.issued",
    "dcterms.created",
    "datecreated",
    "sailthru.date",
    "parsely-pub-date",
)
META_MODIFIED = (
    "article:modified_time",
    "og:article:modified_time",
    "og:updated_time",
    "datemodified",
    "dcterms.modified",
    "dc.date.modified",
)


@dataclass(frozen=True)
class PageMeta:
    title: str | None = None
    author: str | None = None
    site: str | None = None
    language: str | None = None
    article_body: str | None = None
    date_hints: tuple[DateHint, ...] = ()
    url: str | None = None


# Microdata dates on the page's elements (<time itemprop="datePublished" datetime="...">): read
# like the <meta> tags of the same name when the <meta> tags give no date.
MICRODATA_DATES = ("datepublished", "datecreated")
MICRODATA_MODIFIED = ("datemodified",)


def _meta(tree: HtmlElement) -> dict[str, str]:
    found: dict[str, str] = {}
    for node in tree.iterfind(".//meta"):
        key = (node.get("property") or node.get("name") or node.get("itemprop") or "").strip().lower()
        value = (node.get("content") or "").strip()
        if key and value and key not in found:
            found[key] = value
    return found


def _microdata(tree: HtmlElement, keys: tuple[str, ...]) -> dict[str, str]:
    """The first date of each of ``keys`` on the page's microdata elements other than <meta>."""
    found: dict[str, str] = {}
    for node in tree.xpath("//body//*[@itemprop][@datetime or @content][not(self::meta)]"):
        key = (node.get("itemprop") or "").strip().lower()
        value = (node.get("datetime") or node.get("content") or "").strip()
        if key in keys and value and key not in found:
            found[key] = value
    return found


def _walk(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, list):
        for item in value:
            yield from _walk(item)
    elif isinstance(value, dict):
        yield value
        yield from _walk(value.get("@graph", []))


def json_ld_article(tree: HtmlElement) -> dict[str, Any]:
    """The first Article-typed JSON-LD object of the page, or {}."""
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text_content() or "null", strict=False)
        except ValueError:
            continue  # broken JSON-LD is common; the page still has its HTML
        for item in _walk(data):
            kind = item.get("@type")
            kinds = kind if isinstance(kind, list) else [kind]
            if any(isinstance(k, str) and ARTICLE_TYPES.search(k) for k in kinds):
                return item
    return {}


def _name(value: Any) -> str | None:
    if isinstance(value, list):
        names = [n for n in (_name(v) for v in value) if n]
        return ", ".join(names) or None
    if isinstance(value, dict):
        value = value.get("name")
    return value.strip() if isinstance(value, str) and value.strip() else None


def _title(tree: HtmlElement, meta: dict[str, str], site: str | None, headline: str | None) -> str | None:
    for candidate in (headline, *(meta.get(k) for k in META_TITLE)):
        if candidate:
            return candidate.strip()
    h1 = tree.find(".//h1")
    heading = str(h1.text_content()).strip() if h1 is not None else ""
    if heading:
        return heading
    raw = str(tree.findtext(".//title") or "")
    parts = [p for p in TITLE_SEPARATORS.split(raw.strip()) if p and p != site]
    return max(parts, key=len) if parts else None


def _modified(value: str) -> str | None:
    """An ISO modification time as written (an update is worth its time of day), else its date."""
    match = ISO_TIMESTAMP.match(value)
    if match is None:
        return None
    try:
        datetime.fromisoformat(match.group(1))
    except ValueError:
        return match.group(1)[:10]
    return match.group(1)


def _published(meta: dict[str, str], article: dict[str, Any]) -> list[DateHint]:
    """The publication dates the metadata states, as written (the date resolver weighs them against
    the page's other dates): JSON-LD's ``datePublished`` (else its ``dateCreated``), and the first
    <meta> tag of ``META_DATE`` that gives one (later tags of a page often hold other dates)."""
    hints = []
    published = article.get("datePublished") or article.get("dateCreated")
    if isinstance(published, str) and HAS_YEAR.search(published):
        hints.append(DateHint(text=published.strip(), source="json-ld"))
    stated = next((meta[key] for key in META_DATE if key in meta and HAS_YEAR.search(meta[key])), None)
    if stated is not None:
        hints.append(DateHint(text=stated, source="metadata"))
    return hints


def _with_microdata(meta: dict[str, str], tree: HtmlElement) -> dict[str, str]:
    """The <meta> tags, with the microdata's publication and modification dates where they give none
    (the elements are only searched then)."""
    missing = tuple(
        key
        for keys, tags in ((MICRODATA_DATES, META_DATE), (MICRODATA_MODIFIED, META_MODIFIED))
        if not any(tag in meta for tag in tags)
        for key in keys
    )
    return {**meta, **_microdata(tree, missing)} if missing else meta


def _dates(meta: dict[str, str], article: dict[str, Any]) -> tuple[DateHint, ...]:
    hints = _published(meta, article)
    modified = article.get("dateModified")
    if isinstance(modified, str) and (text := _modified(modified)):
        hints.append(DateHint(text=text, source="json-ld", role="modified"))
    for key in META_MODIFIED:
        if text := _modified(meta.get(key, "")):
            hints.append(DateHint(text=text, source="metadata", role="modified"))
            break
    return tuple(hints)


def page_meta(tree: HtmlElement) -> PageMeta:
    meta = _meta(tree)
    article = json_ld_article(tree)
    site = next((meta[k] for k in META_SITE if k in meta), None) or _name(article.get("publisher"))
    author = _name(article.get("author")) or next((meta[k] for k in META_AUTHOR if k in meta), None)
    lang = LANG.match(tree.get("lang") or meta.get("og:locale", "") or meta.get("content-language", ""))
    body = article.get("articleBody")
    headline = article.get("headline")
    return PageMeta(
        title=_title(tree, meta, site, headline if isinstance(headline, str) else None),
        author=author if author and not author.startswith("http") else None,
        site=site,
        language=lang.group(1).lower() if lang else None,
        article_body=body.strip() if isinstance(body, str) and body.strip() else None,
        date_hints=_dates(_with_microdata(meta, tree), article),
        url=_page_url(tree, meta),
    )


def _page_url(tree: HtmlElement, meta: dict[str, str]) -> str | None:
    """The URL the page gives for itself (canonical link, else og:url), for a page read from a file."""
    link = tree.find('.//link[@rel="canonical"]')
    href = (link.get("href") or "").strip() if link is not None else ""
    return href or meta.get("og:url") or None
