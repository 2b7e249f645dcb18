"""The views' pure parts: /metrics text, rates and lag from two snapshots, the results fold, the layout."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from prometheus_client import CollectorRegistry, Counter, Gauge, generate_latest
from rich.console import Console

from pipeline import metrics
from pipeline.models import ClaimUpdate, DeadLetter, Speaker, StoryAssignment, TimelinePoint
from pipeline.views.history import History
from pipeline.views.metrics_text import parse, sample_name, total
from pipeline.views.report import as_json, counter_increase, partition_lag, rate, report
from pipeline.views.results import Results
from pipeline.views.snapshot import GroupOffsets, Snapshot, TopicOffsets, WorkerScrape
from pipeline.views.top_layout import render
from tests.screen import has_row


def exposition(verdicts: dict[str, int], claims: int, started: float) -> str:
    """A worker's /metrics page as prometheus_client writes it."""
    registry = CollectorRegistry()
    counter = Counter("news_dedup_verdicts_total", "verdicts", ["verdict"], registry=registry)
    for verdict, n in verdicts.items():
        counter.labels(verdict).inc(n)
    Counter("news_claims_claims_total", "claims", registry=registry).inc(claims)
    Gauge("process_start_time_seconds", "start", registry=registry).set(started)
    return generate_latest(registry).decode()


def test_metrics_page_parsed_and_summed_by_labels() -> None:
    samples = parse(exposition({"unique": 5, "duplicate": 2}, claims=7, started=100.0))
    assert total(samples, "news_dedup_verdicts_total") == 7
    assert total(samples, "news_dedup_verdicts_total", {"verdict": "duplicate"}) == 2
    assert total(samples, "news_dedup_verdicts_total", {"verdict": "update"}) is None
    assert total(samples, "news_claims_claims_total") == 7
    assert total(samples, "no_such_metric") is None


def test_sample_names_as_the_page_spells_them() -> None:
    assert sample_name(metrics.CLAIMS_FOUND) == "news_claims_claims_total"
    assert sample_name(metrics.DEDUP_VERDICTS) == "news_dedup_verdicts_total"
    assert sample_name(metrics.STREAM_BACKLOG) == "news_stream_backlog_messages"


def test_rates_and_counter_resets() -> None:
    assert rate(10, 30, 4.0) == 5.0
    assert rate(None, 30, 4.0) is None
    assert rate(10, 30, None) is None
    assert rate(10, 30, 0.0) is None
    assert counter_increase(10, 14) == 4
    assert counter_increase(10, 3) == 3  # restarted: counted 3 since
    assert counter_increase(None, 3) is None


def test_lag_reads_an_uncommitted_partition_from_its_start_and_never_goes_below_zero() -> None:
    end, start = {0: 10, 1: 7, 2: 4}, {0: 0, 1: 2, 2: 0}
    assert partition_lag(end, start, {0: 8, 2: 6}) == 2 + 5 + 0


def snapshot(taken_at: float, captures_end: int, committed: int, page: str | None) -> Snapshot:
    topics = {
        "p.news.captures": TopicOffsets({0: 0, 1: 0}, {0: captures_end, 1: 0}),
        "p.news.articles": TopicOffsets({0: 0}, {0: 0}),
    }
    groups = (GroupOffsets("p.news-ingest-fetch", "STABLE", 1, {"p.news.captures": {0: committed}}),)
    workers = (
        WorkerScrape("127.0.0.1:9100", True, parse(page)) if page else WorkerScrape("127.0.0.1:9100", False, error="x"),
        WorkerScrape("127.0.0.1:9101", False, error="connection refused"),
    )
    return Snapshot(taken_at, topics, groups, workers)


def test_report_from_two_snapshots() -> None:
    before = snapshot(1000.0, captures_end=20, committed=5, page=exposition({"duplicate": 4}, 10, started=940.0))
    after = snapshot(1002.0, captures_end=30, committed=11, page=exposition({"duplicate": 6}, 3, started=1001.0))
    shown = report(after, before)

    assert shown.interval_s == 2.0
    captures = next(t for t in shown.topics if t.topic == "p.news.captures")
    assert (captures.end, captures.held, captures.produced_per_s, captures.consumed_per_s) == (30, 30, 5.0, 3.0)
    [lag] = shown.lags
    assert (lag.group, lag.topic, lag.committed, lag.end, lag.lag, lag.consumed_per_s) == (
        "p.news-ingest-fetch",
        "p.news.captures",
        11,
        30,
        19,
        3.0,
    )
    assert [(g.group, g.state, g.members, g.lag) for g in shown.groups] == [("p.news-ingest-fetch", "STABLE", 1, 19)]
    assert shown.count("duplicates").total == 6 and shown.count("duplicates").per_s == 1.0
    # the claims counter went from 10 to 3: the worker restarted and counted 3 since
    assert shown.count("claims").total == 3 and shown.count("claims").per_s == 1.5
    assert shown.count("near duplicates").total == 0
    assert shown.workers_alive == 1
    assert [(w.target, w.up, w.uptime_s) for w in shown.workers] == [
        ("127.0.0.1:9100", True, 1.0),
        ("127.0.0.1:9101", False, None),
    ]


def test_first_report_has_no_rates_and_no_worker_up_means_no_totals() -> None:
    shown = report(snapshot(1000.0, captures_end=20, committed=5, page=None))
    assert all(t.produced_per_s is None and t.consumed_per_s is None for t in shown.topics)
    assert shown.count("claims").total is None and shown.count("claims").per_s is None
    assert shown.workers_alive == 0


NOW = datetime(2025, 5, 6, tzinfo=UTC)


def point(claim: str, stated_at: str, polarity: str) -> TimelinePoint:
    return TimelinePoint.model_validate(
        {
            "claim_id": claim,
            "article_id": f"a-{claim}",
            "speaker": Speaker(name=f"speaker {claim}"),
            "cue": "said",
            "text": f"troops {polarity}",
            "polarity": polarity,
            "stated_at": stated_at,
        }
    )


def update(proposition: str, story: str, points: list[TimelinePoint], changes: list[TimelinePoint]) -> ClaimUpdate:
    return ClaimUpdate(
        update_id=f"u-{proposition}-{len(points)}",
        story_id=story,
        proposition_id=proposition,
        claim_id=points[-1].claim_id,
        changed=True,
        changes=tuple(changes),
        timeline=tuple(points),
    )


def test_results_fold_counts_dead_letters_stories_and_keeps_the_latest_timelines() -> None:
    results = Results(max_propositions=2)
    for reason in ("empty document", "invalid UTF-8", "empty document"):
        results.add_dead_letter(DeadLetter.create(trace_id="t", stage="read", source="s", reason=reason))
    for article, story in (("a1", "s1"), ("a2", "s1"), ("a3", "s2")):
        results.add_assignment(
            StoryAssignment(article_id=article, trace_id=article, story_id=story, opened=False, score=0.5, updates=0)
        )
    results.add_assignment(
        StoryAssignment(article_id="a4", trace_id="a4", story_id=None, opened=False, score=0, updates=0)
    )
    hedged, positive, negative, again = (
        point("c1", "2024-12-23", "hedged"),
        point("c2", "2025-01-16", "positive"),
        point("c3", "2025-05-06", "negative"),
        point("c4", "2025-05-07", "negative"),
    )
    results.add_update(update("p1", "s1", [hedged, positive], [hedged, positive]))
    results.add_update(update("p2", "s2", [hedged, negative], [hedged, negative]))
    results.add_update(update("p1", "s1", [hedged, positive, negative, again], [hedged, positive, negative]))
    results.add_update(update("p3", "s2", [positive, negative], [positive, negative]))  # p2 falls out

    digest = results.digest()
    assert [(d.stage, d.reason, d.count) for d in digest.dead_letters] == [
        ("read", "empty document", 2),
        ("read", "invalid UTF-8", 1),
    ]
    assert digest.stories == 2
    assert [(t.proposition_id, t.story_articles) for t in digest.timelines] == [("p3", 1), ("p1", 2)]
    p1 = digest.timelines[1]
    assert p1.stances == ("hedged", "positive", "negative")
    assert [(e.stated_at, e.stance, e.change) for e in p1.entries] == [
        ("2024-12-23", "hedged", True),
        ("2025-01-16", "positive", True),
        ("2025-05-06", "negative", True),
        ("2025-05-07", "negative", False),
    ]


def test_layout_shows_the_numbers_and_the_json_carries_them() -> None:
    before = snapshot(1000.0, captures_end=20, committed=5, page=exposition({"duplicate": 4}, 10, started=940.0))
    after = snapshot(1002.0, captures_end=30, committed=11, page=exposition({"duplicate": 6}, 3, started=1001.0))
    results = Results()
    results.add_dead_letter(DeadLetter.create(trace_id="t", stage="read", source="s", reason="empty document"))
    after = Snapshot(after.taken_at, after.topics, after.groups, after.workers, results.digest())
    shown = report(after, before)

    console = Console(record=True, width=200)
    console.print(render(shown, "127.0.0.1:9092", "p."))
    screen = console.export_text()
    assert "workers alive 1/2" in screen.splitlines()[0] and "prefix p." in screen.splitlines()[0]
    assert has_row(screen, "news.captures", "30", "30", "5.0", "3.0")
    assert has_row(screen, "news-ingest-fetch", "stable, 1 member")
    assert has_row(screen, "news.captures", "11", "30", "19", "3.0")
    assert has_row(screen, "total lag", "19")
    assert has_row(screen, "duplicates", "6", "1.0")
    assert has_row(screen, "claims", "3", "1.5")
    assert has_row(screen, "read", "empty document", "1")
    assert has_row(screen, "127.0.0.1:9100", "alive", "0m01s")
    assert has_row(screen, "127.0.0.1:9101", "down", "-", "connection refused")
    assert "news.articles" not in screen  # empty topics are left out

    data = json.loads(json.dumps(as_json(shown)))
    assert data["workers_alive"] == 1
    assert data["results"]["dead_letters"] == [{"stage": "read", "reason": "empty document", "count": 1}]
    assert {"topic": "p.news.captures", "end": 30, "held": 30, "produced_per_s": 5.0, "consumed_per_s": 3.0} in data[
        "topics"
    ]


def test_history_keeps_the_last_points_and_skips_reports_without_kafka() -> None:
    history = History(max_points=2)
    page = exposition({"duplicate": 1}, 4, started=900.0)
    snapshots = [snapshot(1000.0 + i, captures_end=10 * i, committed=i, page=page) for i in range(4)]
    for before, after in zip(snapshots, snapshots[1:], strict=False):
        history.add(report(after, before))
    history.add(report(Snapshot(1010.0, {}, (), (), kafka_error="broker down")))
    points = history.as_json()
    assert [p["t"] for p in points] == [1002.0, 1003.0]
    assert points[-1]["produced"] == {"p.news.captures": 10.0, "p.news.articles": 0.0}
    assert points[-1]["lag"] == {"p.news-ingest-fetch": 27}
    assert points[-1]["rates"]["claims"] == 0.0
    assert json.loads(json.dumps(points)) == points
