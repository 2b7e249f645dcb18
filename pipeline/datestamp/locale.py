"""How a site writes an all-numeric date: day first (most of the world) or month first (the US).

Read from the article's language tag ("en-US", "en-GB", "de") and, failing a region, from a locale
segment of its URL path (``/en-gb/``, as sites serving several editions write it) or the
country-code top-level domain of its host; an English page with none of them reads month first.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from pipeline.datestamp.expressions import DateOrder

_MONTH_FIRST_REGIONS = frozenset({"us", "ph", "fm", "mh", "pw", "as", "gu", "mp", "pr", "vi", "um"})
_TAG = re.compile(r"(?i)^(?P<lang>[a-z]{2,3})(?:[-_](?P<region>[a-z]{2}))?\b")
_PATH_LOCALE = re.compile(r"(?i)/[a-z]{2}[-_](?P<region>[a-z]{2})(?=/)")


def date_order(language: str | None, url: str | None) -> DateOrder:
    tag = _TAG.match(language or "")
    if tag and tag.group("region"):
        return "MDY" if tag.group("region").lower() in _MONTH_FIRST_REGIONS else "DMY"
    if tag and tag.group("lang").lower() != "en":
        return "DMY"
    parts = urlsplit(url) if url else None
    if parts is not None and (edition := _PATH_LOCALE.match(parts.path)):
        return "MDY" if edition.group("region").lower() in _MONTH_FIRST_REGIONS else "DMY"
    host = (parts.hostname or "") if parts else ""
    tld = host.rsplit(".", 1)[-1].lower() if "." in host else ""
    if len(tld) == 2 and tld not in _MONTH_FIRST_REGIONS:
        return "DMY"
    return "MDY"
