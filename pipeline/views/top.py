"""``news-ingest top``: the report redrawn in the terminal every interval, or printed once."""

from __future__ import annotations

import json
import threading

from rich.console import Console
from rich.live import Live

from pipeline.views.collect import Collector
from pipeline.views.report import Report, as_json, report
from pipeline.views.top_layout import render

# --once reads the results topics to their end (up to this long) so its counts are whole
SETTLE_S = 30.0


def once(collector: Collector, interval_s: float, stop: threading.Event) -> Report:
    """One report, its rates over interval_s between two snapshots."""
    first = collector.snapshot(SETTLE_S)
    if first.kafka_error:
        return report(first)
    stop.wait(interval_s)
    return report(collector.snapshot(SETTLE_S), first)


def print_once(
    collector: Collector, console: Console, interval_s: float, stop: threading.Event, *, as_json_lines: bool
) -> Report:
    shown = once(collector, interval_s, stop)
    if as_json_lines:
        console.file.write(json.dumps(as_json(shown)) + "\n")  # one line, never wrapped
    else:
        console.print(render(shown, collector.settings.bootstrap, collector.settings.topic_prefix))
    return shown


def live(collector: Collector, console: Console, interval_s: float, stop: threading.Event) -> None:
    """Redraw until stop is set; each frame's rates are over the interval before it."""
    bootstrap, prefix = collector.settings.bootstrap, collector.settings.topic_prefix
    previous = collector.snapshot()
    first = render(report(previous), bootstrap, prefix)
    with Live(first, console=console, auto_refresh=False, screen=True) as view:
        while not stop.wait(interval_s):
            current = collector.snapshot()
            view.update(render(report(current, previous), bootstrap, prefix), refresh=True)
            previous = current
