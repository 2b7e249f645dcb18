"""Synthetic syndicated news for dedup tests and benchmarks: distinct stories and near-duplicate pairs.

A pair is one story in two page shells (header and footer lines of different sites), with one
paragraph trimmed or added, under different URLs. Distinct stories share their site's shell
lines and a common wire sign-off, so they are not trivially far apart.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from pipeline.extract.normalize import content_hash, normalize_text
from pipeline.models import Article, stable_id

_SYLLABLES = ["ka", "lo", "mi", "ten", "ra", "vo", "sun", "del", "pa", "ri", "gon", "te", "ma", "bel", "nor", "shi"]
_COMMON = "the a of to in and said on for with that was by at from is as officials government minister".split()
_SHELLS = [
    ("Daily Courier | World", "Share this story. Subscribe to our newsletter for the morning briefing."),
    ("The Evening Ledger - International", "Sign up for alerts. Comments are closed on this article."),
    ("Metro Wire Online", "Advertisement. Read more stories from our world desk."),
    ("Harbour Times", "Follow us on social media. Copyright Harbour Times, all rights reserved."),
]
SIGN_OFF = "Reporting by the wire desk; editing by the news team."
BASE_TIME = datetime(2025, 5, 6, 8, tzinfo=UTC)


def make_vocabulary(rng: random.Random, size: int = 3000) -> list[str]:
    words = {"".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))) for _ in range(size * 2)}
    return sorted(words)[:size]


def _paragraph(rng: random.Random, vocabulary: list[str]) -> str:
    sentences = []
    for _ in range(rng.randint(2, 4)):
        words = [
            rng.choice(_COMMON) if rng.random() < 0.35 else rng.choice(vocabulary) for _ in range(rng.randint(9, 18))
        ]
        sentences.append(" ".join(words).capitalize() + ".")
    return " ".join(sentences)


def story(rng: random.Random, vocabulary: list[str]) -> list[str]:
    return [_paragraph(rng, vocabulary) for _ in range(rng.randint(6, 10))]


def page_text(paragraphs: list[str], shell: int) -> str:
    header, footer = _SHELLS[shell % len(_SHELLS)]
    return normalize_text("\n\n".join([header, *paragraphs, SIGN_OFF, footer]))


def make_article(url: str, text: str, extracted_at: datetime) -> Article:
    return Article(
        article_id=stable_id("url", url),
        trace_id=stable_id("trace", url),
        source=url,
        url=url,
        text=text,
        content_hash=content_hash(text),
        extractor="trafilatura",
        extracted_at=extracted_at,
    )


def near_copy(rng: random.Random, vocabulary: list[str], paragraphs: list[str]) -> list[str]:
    """The story with one paragraph trimmed or one added, at a random place."""
    copy = list(paragraphs)
    if rng.random() < 0.5:
        del copy[rng.randrange(len(copy))]
    else:
        copy.insert(rng.randrange(len(copy) + 1), _paragraph(rng, vocabulary))
    return copy


def corpus(pairs: int, distinct: int, *, seed: int = 7) -> tuple[list[tuple[Article, Article]], list[Article]]:
    """``pairs`` (original, near copy) and ``distinct`` stories; originals are extracted before copies."""
    rng = random.Random(seed)  # noqa: S311 - test data, reproducible by seed
    vocabulary = make_vocabulary(rng)
    made: list[tuple[Article, Article]] = []
    for i in range(pairs):
        paragraphs = story(rng, vocabulary)
        at = BASE_TIME + timedelta(seconds=i)
        original = make_article(f"https://site{i % 4}.example/world/{i}", page_text(paragraphs, i), at)
        copy_text = page_text(near_copy(rng, vocabulary, paragraphs), i + 1 + rng.randrange(3))
        copy = make_article(f"https://mirror{i % 5}.example/news/{i}-copy", copy_text, at + timedelta(minutes=30))
        made.append((original, copy))
    singles = [
        make_article(
            f"https://site{i % 4}.example/local/{i}",
            page_text(story(rng, vocabulary), i),
            BASE_TIME + timedelta(seconds=i),
        )
        for i in range(distinct)
    ]
    return made, singles
