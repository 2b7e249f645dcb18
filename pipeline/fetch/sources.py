"""The sources file (YAML): the feeds, sitemaps and start pages the scheduler watches."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import httpx
import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator

from pipeline.fetch.ssrf import SCHEMES

SourceKind = Literal["feed", "sitemap", "page"]


class Source(BaseModel):
    """One thing to watch: an RSS/Atom feed, a (news) sitemap, or a start page whose feeds are discovered."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    url: str
    kind: SourceKind = "feed"
    interval_s: float | None = Field(None, gt=0, description="first polling interval; adapted afterwards")

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        url = httpx.URL(value)
        if url.scheme not in SCHEMES or not url.host:
            raise ValueError(f"not an http(s) URL: {value}")
        return str(url)


class SourcesFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sources: list[Source] = []


def load(path: Path) -> list[Source]:
    if not path.exists():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return SourcesFile.model_validate(data).sources


def save(path: Path, sources: list[Source]) -> None:
    data = SourcesFile(sources=sources).model_dump(mode="json", exclude_none=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def add(path: Path, source: Source) -> bool:
    """Add source (replacing one with the same URL); True when it was new."""
    sources = load(path)
    kept = [s for s in sources if s.url != source.url]
    save(path, [*kept, source])
    return len(kept) == len(sources)


def remove(path: Path, url: str) -> bool:
    sources = load(path)
    kept = [s for s in sources if s.url != str(httpx.URL(url))]
    save(path, kept)
    return len(kept) < len(sources)
