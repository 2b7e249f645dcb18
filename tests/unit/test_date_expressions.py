"""Date expressions found in article text and resolved against the publication date."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path
from typing import Literal

import pytest

from pipeline.datestamp import find_date_expressions, resolve_date
from pipeline.models import DateExpression

SEEDS = Path(__file__).resolve().parents[1] / "fixtures" / "seeds"

# 2025-05-06 is a Tuesday, 2024-12-28 a Saturday, 2025-01-01 a Wednesday, 2024-12-31 a Tuesday.
CASES: list[tuple[str, date, str, str, str]] = [
    # The seed corpus.
    (
        "North Korean troops won’t march through Moscow’s Red Square for Victory Day celebrations on Friday, "
        "a high-level Russian official said on Tuesday, despite Russia extending an invitation.",
        date(2025, 5, 6),
        "on Friday",
        "2025-05-09",
        "day",
    ),
    (
        "North Korean troops won’t march through Moscow’s Red Square for Victory Day celebrations on Friday, "
        "a high-level Russian official said on Tuesday, despite Russia extending an invitation.",
        date(2025, 5, 6),
        "on Tuesday",
        "2025-05-06",
        "day",
    ),
    (
        "the broadcaster NHK World reported on Jan. 16, citing sources.",
        date(2025, 1, 16),
        "on Jan. 16",
        "2025-01-16",
        "day",
    ),
    (
        "Andrei Belousov announced on Jan. 15 that troops were invited.",
        date(2025, 1, 16),
        "on Jan. 15",
        "2025-01-15",
        "day",
    ),
    (
        "North Korean soldiers will participate in Russia’s Victory Day parade in Moscow on May 9",
        date(2025, 1, 16),
        "on May 9",
        "2025-05-09",
        "day",
    ),
    (
        "Moscow signaled back in December 2024 that it wanted them.",
        date(2025, 1, 16),
        "back in December 2024",
        "2024-12",
        "month",
    ),
    (
        "The Kremlin confirmed on Monday that North Korean troops may march.",
        date(2024, 12, 28),
        "on Monday",
        "2024-12-23",
        "day",
    ),
    (
        "Previously, in November, the Russian Defense Ministry disclosed that it had invited North Korea.",
        date(2024, 12, 28),
        "in November",
        "2024-11",
        "month",
    ),
    (
        "Ushakov emphasized that next year’s May 9 event marks the 80th anniversary.",
        date(2024, 12, 28),
        "next year’s May 9",
        "2025-05-09",
        "day",
    ),
    # Weekdays: past clause, future clause, across month and year ends.
    ("The minister said on Friday that talks had stalled.", date(2025, 3, 3), "on Friday", "2025-02-28", "day"),
    ("The summit will open on Wednesday.", date(2025, 1, 30), "on Wednesday", "2025-02-05", "day"),
    ("Officials said on Monday that the border was closed.", date(2025, 1, 1), "on Monday", "2024-12-30", "day"),
    ("The vote will take place on Thursday.", date(2024, 12, 31), "on Thursday", "2025-01-02", "day"),
    ("Talks are scheduled to resume next Friday.", date(2024, 12, 28), "next Friday", "2025-01-03", "day"),
    ("The ministry said last Tuesday that it would respond.", date(2025, 5, 6), "last Tuesday", "2025-04-29", "day"),
    ("The deal was signed last Friday.", date(2025, 5, 6), "last Friday", "2025-05-02", "day"),
    ("The ship will dock on Tuesday.", date(2025, 5, 6), "on Tuesday", "2025-05-06", "day"),
    ("Sergey Lavrov said on Tuesday that 26 leaders accepted.", date(2025, 5, 6), "on Tuesday", "2025-05-06", "day"),
    ("The parade is going to be held this Friday.", date(2025, 5, 6), "this Friday", "2025-05-09", "day"),
    ("Protesters gathered Sunday in the capital.", date(2025, 5, 6), "Sunday", "2025-05-04", "day"),
    ("He plans to travel next Tuesday.", date(2025, 5, 6), "next Tuesday", "2025-05-13", "day"),
    ("Talks would not resume until Monday.", date(2025, 5, 6), "until Monday", "2025-05-12", "day"),
    ("Kim Jong Un will also skip the parade on Saturday.", date(2024, 12, 31), "on Saturday", "2025-01-04", "day"),
    # Yesterday, today, tomorrow.
    ("The strike happened yesterday.", date(2025, 1, 1), "yesterday", "2024-12-31", "day"),
    ("The results are due tomorrow.", date(2024, 12, 31), "tomorrow", "2025-01-01", "day"),
    ("The court rules today.", date(2025, 5, 6), "today", "2025-05-06", "day"),
    # Days without a year: the tense picks the occurrence, else the nearest one.
    ("Troops conducted a rehearsal on May 5.", date(2024, 12, 28), "on May 5", "2024-05-05", "day"),
    ("The talks are scheduled for Jan. 3.", date(2024, 12, 28), "Jan. 3", "2025-01-03", "day"),
    ("The agreement of Dec. 30 remains in force.", date(2025, 1, 2), "Dec. 30", "2024-12-30", "day"),
    ("Elections take place on 9 May in the region.", date(2025, 5, 1), "on 9 May", "2025-05-09", "day"),
    ("The parade scheduled for May 9 next year.", date(2024, 12, 28), "May 9 next year", "2025-05-09", "day"),
    ("They missed last year’s March 1 deadline.", date(2025, 5, 6), "last year’s March 1", "2024-03-01", "day"),
    ("The vote was held on Feb. 29.", date(2025, 3, 10), "on Feb. 29", "2024-02-29", "day"),
    # Absolute dates.
    (
        "Soldiers in Pyongyang, North Korea on Dec. 17, 2018.",
        date(2025, 1, 16),
        "on Dec. 17, 2018",
        "2018-12-17",
        "day",
    ),
    ("Anton Sokolin May 6, 2025", date(2025, 5, 7), "May 6, 2025", "2025-05-06", "day"),
    ("Posted 2025-05-06 by the desk.", date(2025, 5, 7), "2025-05-06", "2025-05-06", "day"),
    ("The treaty was signed on 6 May 2025 in Moscow.", date(2025, 6, 1), "on 6 May 2025", "2025-05-06", "day"),
    ("Saturday, December 28, 2024", date(2024, 12, 28), "Saturday, December 28, 2024", "2024-12-28", "day"),
    # Month names.
    ("The talks will resume in March.", date(2024, 12, 28), "in March", "2025-03", "month"),
    ("Production fell in December.", date(2025, 1, 10), "in December", "2024-12", "month"),
    (
        "A band is reportedly set to perform in Moscow in late August.",
        date(2025, 1, 16),
        "in late August",
        "2025-08",
        "month",
    ),
    ("Parliament will vote in mid-January.", date(2024, 12, 28), "mid-January", "2025-01", "month"),
    ("Troops march in a parade in Pyongyang in April 2022.", date(2025, 5, 6), "in April 2022", "2022-04", "month"),
    ("Prices rose earlier this month.", date(2025, 5, 6), "earlier this month", "2025-05", "month"),
    ("Exports fell last month.", date(2025, 1, 10), "last month", "2024-12", "month"),
    ("The law takes effect next month.", date(2024, 12, 28), "next month", "2025-01", "month"),
    ("Sales collapsed three months ago.", date(2025, 1, 10), "three months ago", "2024-10", "month"),
    # Years.
    ("It was the first visit since he came to power in 2012.", date(2025, 5, 9), "in 2012", "2012", "year"),
    ("Forces would participate next year.", date(2024, 12, 28), "next year", "2025", "year"),
    ("Inflation peaked last year.", date(2025, 1, 3), "last year", "2024", "year"),
    ("Prices rose earlier this year.", date(2025, 5, 6), "earlier this year", "2025", "year"),
    ("He left office two years ago.", date(2025, 5, 6), "two years ago", "2023", "year"),
    # Weeks resolve to their Monday, with day precision.
    ("Talks collapsed last week.", date(2025, 1, 1), "last week", "2024-12-23", "day"),
    ("The envoy arrives this week.", date(2025, 1, 1), "this week", "2024-12-30", "day"),
    ("Talks resume next week.", date(2024, 12, 28), "next week", "2024-12-30", "day"),
    ("The blast happened three days ago.", date(2025, 3, 1), "three days ago", "2025-02-26", "day"),
]


def _covering(found: list[DateExpression], text: str, key: str) -> DateExpression:
    start = text.index(key)
    covering = [e for e in found if e.start <= start < e.end]
    assert covering, f"no expression covers {key!r}: {found}"
    return covering[0]


@pytest.mark.parametrize(("text", "base", "key", "value", "precision"), CASES)
def test_resolves(text: str, base: date, key: str, value: str, precision: str) -> None:
    found = find_date_expressions(text, base)
    expression = _covering(found, text, key)
    assert (expression.value, expression.precision) == (value, precision)
    assert text[expression.start : expression.end] == expression.text


def test_table_is_large_enough() -> None:
    assert len(CASES) >= 40


def test_relative_flag() -> None:
    text = "On Dec. 17, 2018, and again on Monday."
    found = {e.text: e.relative for e in find_date_expressions(text, date(2025, 1, 16))}
    assert found == {"On Dec. 17, 2018": False, "on Monday": True}


def test_without_base_only_absolute_dates_resolve() -> None:
    text = "Lavrov said on Tuesday that the parade on May 9 marks the end of the war in 1945, as on May 9, 1945."
    found = find_date_expressions(text, None)
    assert [(e.text, e.value) for e in found] == [("in 1945", "1945"), ("on May 9, 1945", "1945-05-09")]
    assert not any(e.relative for e in found)


@pytest.mark.parametrize(
    "text",
    [
        "North Korean Troops May March in Russia’s 80th Victory Day Parade",
        "The Mayor of Moscow spoke.",
        "Shoppers lined up on Black Friday.",
        "The market opens on Mondays.",
        "Some 15,000 troops and 26 world leaders.",
    ],
)
def test_no_false_dates(text: str) -> None:
    assert find_date_expressions(text, date(2025, 5, 6)) == []


@pytest.mark.parametrize(
    ("expression", "base", "future", "expected"),
    [
        ("on Tuesday", date(2025, 5, 6), False, ("2025-05-06", "day")),
        ("Friday", date(2025, 5, 6), True, ("2025-05-09", "day")),
        ("Friday", date(2025, 5, 6), False, ("2025-05-02", "day")),
        ("May 9", date(2024, 12, 28), True, ("2025-05-09", "day")),
        ("in November", date(2024, 12, 28), False, ("2024-11", "month")),
        ("in 3 days", date(2025, 5, 6), True, ("2025-05-09", "day")),
        ("a fortnight ago", date(2025, 5, 6), False, ("2025-04-22", "day")),
        ("no date here", date(2025, 5, 6), False, None),
    ],
)
def test_resolve_date(expression: str, base: date, future: bool, expected: tuple[str, str] | None) -> None:
    assert resolve_date(expression, base, future=future) == expected


def test_seed_corpus_expressions() -> None:
    bases = {"000": date(2025, 5, 6), "001": date(2025, 1, 16), "002": date(2024, 12, 28)}
    wanted = {
        "000": {"on Tuesday": "2025-05-06", "on Friday": "2025-05-09"},
        "001": {"on Jan. 16": "2025-01-16", "on Jan. 15": "2025-01-15", "on May 9": "2025-05-09"},
        "002": {"on Monday": "2024-12-23", "in November": "2024-11", "next year’s May 9": "2025-05-09"},
    }
    for prefix, base in bases.items():
        text = next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")
        values = {e.text: e.value for e in find_date_expressions(text, base)}
        assert wanted[prefix].items() <= values.items(), prefix
    assert values["May 9 next year"] == "2025-05-09"


def test_fast_on_a_news_text() -> None:
    text = " ".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("00[012]_*.txt")))[:5000]
    find_date_expressions(text, date(2025, 5, 6))
    started = time.perf_counter()
    for _ in range(20):
        find_date_expressions(text, date(2025, 5, 6))
    per_call = (time.perf_counter() - started) / 20
    assert per_call < 0.05


# More weekday arithmetic across month, year and leap-day ends (2025-01-02 is a Thursday,
# 2024-12-29 a Sunday, 2025-03-31 a Monday, 2024-03-01 a Friday).
MORE_CASES: list[tuple[str, date, str, str, str]] = [
    ("Officials said on Monday that the talks failed.", date(2025, 1, 2), "on Monday", "2024-12-30", "day"),
    ("Talks resume next Monday.", date(2024, 12, 29), "next Monday", "2024-12-30", "day"),
    ("The ministry replied last Sunday.", date(2025, 1, 1), "last Sunday", "2024-12-29", "day"),
    ("The summit will open on Friday.", date(2025, 3, 31), "on Friday", "2025-04-04", "day"),
    ("The court ruled on Thursday.", date(2024, 3, 1), "on Thursday", "2024-02-29", "day"),
    ("The envoy arrived last Wednesday.", date(2025, 1, 1), "last Wednesday", "2024-12-25", "day"),
]


@pytest.mark.parametrize(("text", "base", "key", "value", "precision"), MORE_CASES)
def test_resolves_more(text: str, base: date, key: str, value: str, precision: str) -> None:
    test_resolves(text, base, key, value, precision)


# All-numeric dates: a part over 12 is the day; otherwise the site's date order decides.
NUMERIC_CASES: list[tuple[str, str, str]] = [
    ("The decree of 05/06/2025 stands.", "MDY", "2025-05-06"),
    ("The decree of 05/06/2025 stands.", "DMY", "2025-06-05"),
    ("Filed on 13/05/2025 in court.", "MDY", "2025-05-13"),
    ("Filed on 05/13/2025 in court.", "DMY", "2025-05-13"),
    ("Signed on 06.05.2025 in Berlin.", "DMY", "2025-05-06"),
    ("Signed on 1/2/2024 in Manila.", "MDY", "2024-01-02"),
]


@pytest.mark.parametrize(("text", "order", "value"), NUMERIC_CASES)
def test_numeric_dates_follow_the_site_order(text: str, order: Literal["DMY", "MDY"], value: str) -> None:
    found = [e for e in find_date_expressions(text, date(2025, 7, 1), order=order) if not e.relative]
    assert [(e.value, e.precision) for e in found] == [(value, "day")]


@pytest.mark.parametrize("text", ["Call 12/34/2025 now.", "Score 31/02/2025.", "Version 1.2.2025b", "Ratio 3/4"])
def test_impossible_numeric_dates_are_not_dates(text: str) -> None:
    assert find_date_expressions(text, date(2025, 7, 1), order="DMY") == []


def test_the_tables_together_cover_at_least_sixty_expressions() -> None:
    assert len(CASES) + len(MORE_CASES) + len(NUMERIC_CASES) >= 60


# German pages: month names, the day with its full stop, a spaced numeric day and a two-digit year.
GERMAN_CASES: list[tuple[str, str, str]] = [
    ("Der Fährbetrieb endete am 3. Dezember 2011 um 18 Uhr.", "3. Dezember 2011", "2011-12-03"),
    ("Von Anna Beck, Samstag, 4. März 2023", "4. März 2023", "2023-03-04"),
    ("Gemeldet am 19. Mai 2010.", "19. Mai 2010", "2010-05-19"),
    ("Stand: 2. Okt. 2021", "2. Okt. 2021", "2021-10-02"),
    ("Wien, 14. Jänner 2020", "14. Jänner 2020", "2020-01-14"),
    ("Von Redaktion 4. 2. 2022. Der Hafen", "4. 2. 2022", "2022-02-04"),
    ("Von: Lena Ott | 31.10.23", "31.10.23", "2023-10-31"),
]


@pytest.mark.parametrize(("text", "key", "value"), GERMAN_CASES)
def test_german_dates(text: str, key: str, value: str) -> None:
    found = [(e.text, e.value) for e in find_date_expressions(text, None, order="DMY") if not e.relative]
    assert found == [(key, value)]


@pytest.mark.parametrize("text", ["Version 10.12.23.4 erschienen", "Kurs 12.05.23,5 Punkte", "Tabelle 1.10.23"])
def test_numbers_that_look_like_short_german_dates_are_not_dates(text: str) -> None:
    assert find_date_expressions(text, None, order="DMY") == []
