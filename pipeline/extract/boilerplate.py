"""Site-level boilerplate memory: a paragraph that appears on many distinct articles of one site is
furniture (a newsletter pitch, a standard disclaimer, a recurring promo), whatever its wording.

Pure logic over a mapping store: a dict offline, a capped store kept on a compacted topic in the
fetch workers. A paragraph counts once per distinct article of its site, the article named by its
near-duplicate identity (the MinHash-LSH bands dedup uses), so a copy, a re-fetch or an edited
update of an article teaches nothing, and the article's own paragraphs never become its site's
furniture however often it arrives.

Store keys start with the site (``site<US>kind<US>hash``) so one site's entries can be listed and
cleared; values are counts (``p``: the articles a paragraph was on) or article marks (``a``: the
number of the article that carried an LSH band). What a memory learns is one ``Learned`` per article
counted (its band keys and paragraph hashes): another memory that learns the same article from it
counts it the same way, and a second time not at all.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Callable, Iterable, MutableMapping
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import urlsplit

from pipeline.dedup.signatures import MinHashParams, band_keys, signature
from pipeline.extract.normalize import hash_key

T = TypeVar("T")
DEFAULT_MIN_ARTICLES = 3
# LSH bands a page must share with the articles already counted to be one of them again: an edited
# copy (Jaccard 0.8) shares 2 of 14 bands but 1 time in 150, two articles of Jaccard 0.3 1 time in 170.
SAME_ARTICLE_BANDS = 2
SEP = "\x1f"
TEXT_CHARS = 80
_NON_WORD = re.compile(r"\W+")
_IDENTITY = MinHashParams()


def site_of(url: str) -> str:
    """The host without ``www.``, with the port when one is given: another port is another site."""
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    try:
        port = parts.port
    except ValueError:
        port = None
    return f"{host}:{port}" if port else host


def site_named(name: str) -> str:
    """The memory's site of a capture without a URL, from the site name its metadata gives."""
    return "name:" + " ".join(name.lower().split())


def _digest(*parts: str) -> str:
    return hashlib.blake2b("\x1f".join(parts).encode("utf-8"), digest_size=12).hexdigest()


def paragraph_digest(paragraph: str) -> str:
    return _digest(_NON_WORD.sub(" ", hash_key(paragraph)).strip())


def paragraph_key(site: str, paragraph: str) -> str:
    return SEP.join((site, "p", paragraph_digest(paragraph)))


def site_prefix(site: str) -> str:
    """The start of every store key of ``site``."""
    return site + SEP


def key_site(key: str) -> str:
    return key.split(SEP, 1)[0]


def is_paragraph(key: str) -> bool:
    return key.split(SEP, 2)[1:2] == ["p"]


def is_article(key: str) -> bool:
    """Whether a key names a ``Learned`` article (the key of its record), not a store entry."""
    return key.split(SEP, 2)[1:2] == ["article"]


@dataclass(frozen=True)
class Learned:
    """An article a memory counted on a site: its LSH band keys, its paragraphs' hashes, and their
    opening words (for people reading the memory)."""

    site: str
    bands: tuple[str, ...]
    paragraphs: tuple[str, ...]
    texts: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """The article's name on its site (the same for every copy that is counted as it)."""
        return SEP.join((self.site, "article", _digest(*self.bands)[:16]))

    def paragraph_keys(self) -> list[str]:
        return [SEP.join((self.site, "p", digest)) for digest in self.paragraphs]


class BoilerplateMemory:
    """Counts, per site, the distinct articles each paragraph was seen on."""

    def __init__(
        self,
        store: MutableMapping[str, int],
        *,
        min_articles: int = DEFAULT_MIN_ARTICLES,
        record: bool = False,
        on_fallback: Callable[[], None] | None = None,
    ) -> None:
        self.on_fallback = on_fallback
        self.store = store
        self.min_articles = min_articles
        # the articles counted since the last drain_learned(), for a worker to persist
        self.learned: list[Learned] | None = [] if record else None
        # extraction runs in worker threads: learning a page must not interleave with another's
        self._lock = threading.Lock()

    def known(self, site: str, paragraphs: list[str]) -> set[str]:
        """Count a page's paragraphs unless it is an article already counted (a copy of one); the
        paragraphs then known as the site's boilerplate (the ``min_articles``-th article carrying
        one is the first to find it known)."""
        keys = {p: paragraph_key(site, p) for p in paragraphs if p.strip()}
        firsts: dict[str, str] = {}
        for paragraph, key in keys.items():
            firsts.setdefault(key, paragraph)
        bands = tuple(band_keys(signature("\n".join(paragraphs), _IDENTITY), _IDENTITY))
        article = Learned(
            site,
            bands,
            tuple(key.rsplit(SEP, 1)[1] for key in firsts),
            tuple(p[:TEXT_CHARS] for p in firsts.values()),
        )
        with self._lock:
            if self._count(article) and self.learned is not None:
                self.learned.append(article)
            known = {p for p, key in keys.items() if self.store.get(key, 0) >= self.min_articles}
        return known

    def learn(self, article: Learned) -> bool:
        """Count an article another memory counted, as if its page had come here; False when it is
        one already counted."""
        with self._lock:
            return self._count(article)

    def forget(self, site: str) -> int:
        """Drop everything learnt of a site; how many entries that was."""
        prefix = site_prefix(site)
        with self._lock:
            keys = [key for key in self.store if key.startswith(prefix)]
            for key in keys:
                self.store.pop(key, None)
        return len(keys)

    def _count(self, article: Learned) -> bool:
        marks = [SEP.join((article.site, "a", band)) for band in article.bands]
        if sum(1 for mark in marks if mark in self.store) >= SAME_ARTICLE_BANDS:
            return False
        number = int(_digest(*marks)[:12], 16)
        for mark in marks:
            self.store.setdefault(mark, number)
        for key in article.paragraph_keys():
            self.store[key] = self.store.get(key, 0) + 1
        return True

    def fell_back(self, found: T) -> T:
        """Count a page the memory would have left without a body, which keeps ``found``: its text
        as extracted without the memory."""
        if self.on_fallback is not None:
            self.on_fallback()
        return found

    def drain_learned(self) -> list[Learned]:
        with self._lock:
            learned, self.learned = self.learned or [], [] if self.learned is not None else None
        return learned

    def filter_page(self, site: str, paragraphs: list[str]) -> list[str]:
        """The paragraphs not known as the site's boilerplate."""
        known = self.known(site, paragraphs)
        return [p for p in paragraphs if p not in known]


def entries(store: Iterable[tuple[str, int]], site: str) -> list[tuple[str, int]]:
    """The paragraph counts of one site in a store's items, the most common first."""
    prefix = site_prefix(site)
    return sorted(((k, n) for k, n in store if k.startswith(prefix) and is_paragraph(k)), key=lambda e: -e[1])
