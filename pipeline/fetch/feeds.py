"""Feeds, news sitemaps and feed discovery, parsed safely: size and gzip caps, no XML entities.

Parsing is pure (bytes in, entries out); fetching them is the scheduler's business.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from urllib.parse import urljoin
from xml.etree.ElementTree import Element, ParseError

import feedparser
import httpx
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from trafilatura.feeds import FeedParameters, determine_feed

from pipeline.fetch.body import gunzip_capped
from pipeline.fetch.errors import FetchError
from pipeline.fetch.robots import origin

MAX_ENTRIES = 5000
_ENTITY_DECL = re.compile(rb"<!ENTITY", re.I)


@dataclass(frozen=True)
class Entry:
    """A URL a feed or sitemap lists, with what it says about it."""

    url: str
    published: str | None = None
    author: str | None = None


class FeedError(FetchError):
    """A feed or sitemap refused or unreadable."""


def unpack(body: bytes, limit: int) -> bytes:
    """The document itself: a gzip file (``.xml.gz``) is inflated, refused past limit bytes."""
    if len(body) > limit:
        raise FeedError("feed too large", detail=f"more than {limit} bytes")
    return gunzip_capped(body, limit) if body[:2] == b"\x1f\x8b" else body


def safe_tree(body: bytes) -> Element | None:
    """The XML tree of body with entity declarations refused; None when it is not well-formed XML."""
    try:
        return fromstring(body, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise FeedError("XML entities refused", detail=type(exc).__name__) from exc
    except ParseError:
        if _ENTITY_DECL.search(body):
            raise FeedError("XML entities refused", detail="entity declaration") from None
        return None


def _local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1].lower()


def is_sitemap(tree: Element | None) -> bool:
    return tree is not None and _local(tree.tag) in ("urlset", "sitemapindex")


def parse_feed(body: bytes, base_url: str) -> list[Entry]:
    """The entries of an RSS or Atom feed (call after ``safe_tree`` has passed the body)."""
    parsed = feedparser.parse(io.BytesIO(body), response_headers={"content-location": base_url})
    entries = []
    for item in parsed.entries[:MAX_ENTRIES]:
        link = item.get("link")
        if isinstance(link, str) and link:
            published = item.get("published") or item.get("updated")
            author = item.get("author")
            entries.append(Entry(urljoin(base_url, link), _text(published), _text(author)))
    return entries


def _text(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def parse_sitemap(tree: Element) -> tuple[list[Entry], list[str]]:
    """The pages of a (news) sitemap, and the child sitemaps of a sitemap index."""
    entries: list[Entry] = []
    children: list[str] = []
    for node in list(tree)[:MAX_ENTRIES]:
        fields = {_local(child.tag): child for child in node.iter()}
        loc = fields.get("loc")
        url = (loc.text or "").strip() if loc is not None else ""
        if not url:
            continue
        if _local(node.tag) == "sitemap":
            children.append(url)
            continue
        dated = [fields[name] for name in ("publication_date", "lastmod") if name in fields]
        entries.append(Entry(url, _text(dated[0].text) if dated else None))
    return entries, children


def discover_feeds(html: str, url: str) -> list[str]:
    """Feed links of a start page (trafilatura's discovery)."""
    parsed = httpx.URL(url)
    return determine_feed(html, FeedParameters(origin(parsed), parsed.host, url))
