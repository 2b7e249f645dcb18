"""Collecting an article and the candidates of all its bands before deciding on it.

The store is keyed by article_id (a dict offline, a Faust table in the stream); an entry is
removed once its article is decided, so it holds only articles in flight.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from pipeline.dedup.bands import Candidate
from pipeline.dedup.messages import DecideMessage
from pipeline.models import Article


def collect(pending: MutableMapping[str, Any], message: DecideMessage) -> tuple[Article, list[Candidate]] | None:
    """The article and every candidate once the article and all its bands are in, else None."""
    entry = dict(pending.get(message.article_id) or {"article": None, "bands": None, "seen": [], "candidates": []})
    if message.article is not None:
        entry["article"] = message.article.model_dump(mode="json")
        entry["bands"] = message.bands
    if message.band is not None and message.band not in entry["seen"]:
        entry["seen"] = [*entry["seen"], message.band]
        entry["candidates"] = entry["candidates"] + [[c.article_id, c.order, c.similarity] for c in message.candidates]
    if entry["article"] is None or len(entry["seen"]) < (entry["bands"] or 0):
        pending[message.article_id] = entry
        return None
    pending.pop(message.article_id, None)
    candidates = [Candidate(str(c[0]), float(c[1]), float(c[2])) for c in entry["candidates"]]
    return Article.model_validate(entry["article"]), candidates
