"""Site-level boilerplate memory: a paragraph that appears on many pages of one site is furniture
(a newsletter pitch, a standard disclaimer, a recurring promo), whatever its wording.

Pure logic over a mapping store: a dict offline, a Faust table in the stream, so the worker learns
as it runs and the counts survive restarts. Keys are short hashes; values are page counts.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, MutableMapping
from urllib.parse import urlsplit

from pipeline.extract.normalize import hash_key

DEFAULT_MIN_PAGES = 3
_NON_WORD = re.compile(r"\W+")


def site_of(url: str) -> str:
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.")


def _digest(*parts: str) -> str:
    return hashlib.blake2b("\x1f".join(parts).encode("utf-8"), digest_size=12).hexdigest()


def paragraph_key(site: str, paragraph: str) -> str:
    return "p:" + _digest(site, _NON_WORD.sub(" ", hash_key(paragraph)).strip())


def page_key(url: str) -> str:
    return "u:" + _digest(url)


class BoilerplateMemory:
    """Counts, per site, the distinct pages each paragraph was seen on."""

    def __init__(self, store: MutableMapping[str, int], *, min_pages: int = DEFAULT_MIN_PAGES) -> None:
        self.store = store
        self.min_pages = min_pages

    def seen_on(self, url: str, paragraph: str) -> int:
        return self.store.get(paragraph_key(site_of(url), paragraph), 0)

    def learn(self, url: str, paragraphs: Iterable[str]) -> None:
        """Count the page's paragraphs once per page: a page fetched again teaches nothing new."""
        marker = page_key(url)
        if self.store.get(marker):
            return
        self.store[marker] = 1
        site = site_of(url)
        for key in {paragraph_key(site, p) for p in paragraphs if p.strip()}:
            self.store[key] = self.store.get(key, 0) + 1

    def filter(self, url: str, paragraphs: list[str]) -> list[str]:
        """The paragraphs not yet known as the site's boilerplate; the page is learnt first, so the
        ``min_pages``-th page carrying a paragraph is the first to lose it."""
        self.learn(url, paragraphs)
        return [p for p in paragraphs if self.seen_on(url, p) < self.min_pages]
