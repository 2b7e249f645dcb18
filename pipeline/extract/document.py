"""What every extractor returns, and the error a stage turns into a dead letter."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pipeline.models import DateHint

Extractor = Literal["trafilatura", "text-capture"]


@dataclass(frozen=True)
class ExtractedText:
    text: str
    title: str | None = None
    author: str | None = None
    site: str | None = None
    language: str | None = None
    date_hints: tuple[DateHint, ...] = ()
    extractor: Extractor = "text-capture"


class ExtractError(ValueError):
    """No article could be extracted; ``reason`` is short and stable (it keys dead letters)."""

    def __init__(self, reason: str, detail: str | None = None) -> None:
        super().__init__(reason if detail is None else f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail
