"""The terminal view of a report, as rich renderables. Pure: what ``top`` draws, nothing drawn here."""

from __future__ import annotations

import time

from rich.console import Group, RenderableType
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from pipeline.views.report import Report


def number(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "-"
    return f"{value:,.{digits}f}" if digits else f"{value:,.0f}"


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{secs:02d}s"


def short(name: str, prefix: str) -> str:
    return name[len(prefix) :] if prefix and name.startswith(prefix) else name


def heading(report: Report, bootstrap: str, prefix: str) -> Text:
    clock = time.strftime("%H:%M:%S", time.localtime(report.taken_at))
    every = f"rates over {report.interval_s:.1f}s" if report.interval_s else "rates from the next refresh"
    text = Text(f"news-ingest top  {bootstrap}", style="bold")
    if prefix:
        text.append(f"  prefix {prefix}")
    text.append(f"  {clock}  {every}  workers alive {report.workers_alive}/{len(report.workers)}")
    return text


def topics_table(report: Report, prefix: str) -> Table:
    table = Table(title="Kafka topics (offsets; empty ones left out)", title_justify="left", expand=False)
    for column in ("topic", "end offset", "held", "produced/s", "consumed/s"):
        table.add_column(column, justify="left" if column == "topic" else "right")
    for row in report.topics:
        if row.end == 0:
            continue
        table.add_row(
            short(row.topic, prefix),
            number(row.end, 0),
            number(row.held, 0),
            number(row.produced_per_s),
            number(row.consumed_per_s),
        )
    return table


def lag_table(report: Report, prefix: str) -> Table:
    table = Table(title="Consumer lag", title_justify="left")
    for column in ("group", "topic", "committed", "end", "lag", "consumed/s"):
        table.add_column(column, justify="left" if column in ("group", "topic") else "right")
    for group in report.groups:
        name = short(group.group, prefix)
        members = f"{group.members} member" + ("" if group.members == 1 else "s")
        table.add_row(f"[bold]{escape(name)}", f"{group.state.lower()}, {members}", "", "", "", "")
        for row in report.lags:
            if row.group == group.group:
                table.add_row(
                    "",
                    short(row.topic, prefix),
                    number(row.committed, 0),
                    number(row.end, 0),
                    number(row.lag, 0),
                    number(row.consumed_per_s),
                )
        table.add_row("", "[bold]total lag", "", "", f"[bold]{group.lag:,}", "")
    return table


def counts_table(report: Report) -> Table:
    table = Table(title="Workers' counters (since they started)", title_justify="left")
    table.add_column("what")
    table.add_column("total", justify="right")
    table.add_column("per s", justify="right")
    for row in report.counts:
        table.add_row(row.name, number(row.total, 0), number(row.per_s))
    return table


def dead_letters_table(report: Report) -> Table:
    table = Table(title="Dead letters by reason", title_justify="left")
    for column in ("stage", "reason", "count"):
        table.add_column(column, justify="right" if column == "count" else "left", overflow="fold")
    for row in report.results.dead_letters:
        table.add_row(row.stage, escape(row.reason), number(row.count, 0))
    if not report.results.dead_letters:
        table.add_row("-", "none", "0")
    return table


def workers_table(report: Report) -> Table:
    table = Table(title="Workers (/metrics)", title_justify="left")
    for column in ("address", "state", "up for", "error"):
        table.add_column(column, overflow="fold")
    for row in report.workers:
        state = "[green]alive" if row.up else "[red]down"
        table.add_row(row.target, state, duration(row.uptime_s), escape(row.error or ""))
    if not report.workers:
        table.add_row("-", "none given", "-", "--metrics HOST:PORT or NEWS_INGEST_METRICS_TARGETS")
    return table


def render(report: Report, bootstrap: str, prefix: str = "") -> RenderableType:
    parts: list[RenderableType] = [heading(report, bootstrap, prefix)]
    if report.kafka_error:
        parts.append(Text(f"Kafka: {report.kafka_error}", style="red"))
    side = Table.grid(padding=(0, 2))
    side.add_row(topics_table(report, prefix), lag_table(report, prefix))
    below = Table.grid(padding=(0, 2))
    below.add_row(counts_table(report), Group(dead_letters_table(report), workers_table(report)))
    parts += [side, below]
    return Group(*parts)
