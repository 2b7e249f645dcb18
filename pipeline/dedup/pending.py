"""Collecting an article and the candidates of all its bands before deciding on it.

The store is keyed by article_id (a dict offline, a table in the stream). While an article
is in flight its entry holds what has arrived; once decided, only the decision is kept (until the
sweep drops it after the window), so a later-ranked article asked about it can say whether it was
published as unique.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pipeline.dedup.bands import Candidate
from pipeline.dedup.messages import BandCandidate, DecideMessage
from pipeline.models import Article


@dataclass
class Collected:
    """What one message settles: the article ready to decide (with its earlier-ranked candidates and
    the later-ranked ones already published as unique), and the messages to send on."""

    ready: tuple[Article, list[Candidate], list[Candidate]] | None = None
    sends: list[DecideMessage] = field(default_factory=list)


def _fresh() -> dict[str, Any]:
    return {"article": None, "bands": None, "seen": [], "candidates": [], "later": {}, "replies": {}}


def _row(c: BandCandidate) -> list[Any]:
    return [c.article_id, c.order, c.similarity]


def _candidate(row: list[Any]) -> Candidate:
    return Candidate(str(row[0]), float(row[1]), float(row[2]))


def collect(pending: MutableMapping[str, Any], message: DecideMessage, *, now: datetime) -> Collected:
    """Take one message for ``message.article_id``; the article once it and every band and reply are in."""
    key = message.article_id
    stored = pending.get(key)
    verdict = stored.get("decided") if stored else None
    if message.earlier is not None:
        return _asked(pending, key, stored, verdict, message.earlier)
    if verdict is not None and message.article is None:
        return Collected()  # a band or a reply for an article decided already: nothing more to do
    entry = _fresh() if verdict is not None or stored is None else {**stored}
    if message.article is not None:
        entry["article"], entry["bands"] = message.article.model_dump(mode="json"), message.bands
    covered = [band for band in message.bands_covered() if band not in entry["seen"]]
    if covered:
        entry["seen"] = [*entry["seen"], *covered]
        entry["candidates"] = entry["candidates"] + [_row(c) for c in message.candidates]
        entry["later"] = {**entry["later"], **{c.article_id: _row(c) for c in message.later}}
    if message.reply_from is not None:
        entry["replies"] = {**entry["replies"], message.reply_from.article_id: message.reply_unique}
    bands_missing = entry["article"] is None or len(entry["seen"]) < (entry["bands"] or 0)
    if bands_missing or set(entry["later"]) - set(entry["replies"]):
        pending[key] = entry
        return Collected()
    published = [_candidate(entry["later"][i]) for i, unique in entry["replies"].items() if unique]
    article = Article.model_validate(entry["article"])
    return Collected(ready=(article, [_candidate(c) for c in entry["candidates"]], published))


def _asked(
    pending: MutableMapping[str, Any], key: str, stored: Any, verdict: str | None, earlier: BandCandidate
) -> Collected:
    """An earlier-ranked similar article asks: published as unique already (then it yields), or not
    (then this article, once decided, is its near duplicate)."""
    if verdict is None:
        entry = {**(stored or _fresh())}
        entry["candidates"] = [*entry["candidates"], _row(earlier)]
        pending[key] = entry
    me = BandCandidate(article_id=key, order=0.0, similarity=earlier.similarity)
    reply = DecideMessage(article_id=earlier.article_id, reply_from=me, reply_unique=verdict == "unique")
    return Collected(sends=[reply])


def decided(pending: MutableMapping[str, Any], article_id: str, verdict: str, now: datetime) -> None:
    """Keep only the decision of an article once it is published, for the window."""
    pending[article_id] = {"decided": verdict, "seen_at": now.isoformat()}
