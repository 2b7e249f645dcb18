"""Site-level boilerplate memory: a paragraph that appears on many pages of one site is furniture
(a newsletter pitch, a standard disclaimer, a recurring promo), whatever its wording.

Pure logic over a mapping store: a dict offline, a Faust table in the stream, so the worker learns
as it runs and the counts survive restarts. Keys are short hashes; values are page counts.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Iterable, MutableMapping
from typing import Literal
from urllib.parse import urlsplit

from pipeline.extract.normalize import hash_key
from pipeline.models import Contract

DEFAULT_MIN_PAGES = 3
_NON_WORD = re.compile(r"\W+")


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


def paragraph_key(site: str, paragraph: str) -> str:
    return "p:" + _digest(site, _NON_WORD.sub(" ", hash_key(paragraph)).strip())


def page_key(url: str) -> str:
    return "u:" + _digest(url)


class BoilerplateCount(Contract):
    """One entry of the memory's store, keyed by its store key on the compacted boilerplate topic."""

    schema_version: Literal[1] = 1
    count: int


class BoilerplateMemory:
    """Counts, per site, the distinct pages each paragraph was seen on.

    A page is named by its URL, or by any stable id when it has none (a replayed capture)."""

    def __init__(self, store: MutableMapping[str, int], *, min_pages: int = DEFAULT_MIN_PAGES) -> None:
        self.store = store
        self.min_pages = min_pages
        # extraction runs in worker threads: learning a page must not interleave with another's
        self._lock = threading.Lock()

    def _learn_page(self, page: str, keys: Iterable[str]) -> None:
        """Count the page's paragraph keys once per page: a page fetched again teaches nothing new."""
        marker = page_key(page)
        if self.store.get(marker):
            return
        self.store[marker] = 1
        for key in set(keys):
            self.store[key] = self.store.get(key, 0) + 1

    def known(self, site: str, page: str, paragraphs: list[str]) -> set[str]:
        """The page's paragraphs already known as the site's boilerplate; the page is learnt first,
        so the ``min_pages``-th page carrying a paragraph is the first to find it known."""
        keys = {p: paragraph_key(site, p) for p in paragraphs}
        with self._lock:
            self._learn_page(page, (key for p, key in keys.items() if p.strip()))
            return {p for p, key in keys.items() if self.store.get(key, 0) >= self.min_pages}

    def filter_page(self, site: str, page: str, paragraphs: list[str]) -> list[str]:
        """The paragraphs not yet known as the site's boilerplate."""
        known = self.known(site, page, paragraphs)
        return [p for p in paragraphs if p not in known]
