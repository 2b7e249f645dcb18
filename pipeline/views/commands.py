"""The commands of the views: ``news-ingest top`` and ``news-ingest dashboard``."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from pipeline.config import Settings

Targets = Annotated[
    list[str] | None,
    typer.Option(
        "--metrics",
        help="a worker's /metrics as HOST:PORT or a URL; repeat for each (else NEWS_INGEST_METRICS_TARGETS)",
    ),
]
Groups = Annotated[
    list[str] | None,
    typer.Option("--group", help="a consumer group to show (as the broker names it); repeat; default the pipeline's"),
]
Interval = Annotated[float, typer.Option(min=0.2, help="seconds between snapshots (the rates are over this)")]


def top(
    metrics: Targets = None,
    group: Groups = None,
    interval: Interval = 2.0,
    once: Annotated[bool, typer.Option("--once", help="print one report (rates over --interval) and exit")] = False,
    json: Annotated[bool, typer.Option("--json", help="with --once: the report as JSON")] = False,
) -> None:
    """A live view of every stage: records/s in and out of each topic, consumer lag, the workers'
    counters (duplicates, claims/s, ...), dead letters by reason, the workers alive.

    --once exits 1 when Kafka does not answer."""
    from pipeline.stopping import stop_on_signals
    from pipeline.views import top as view
    from pipeline.views.collect import Collector, metrics_targets

    settings = Settings()
    collector = Collector(settings, metrics_targets(settings, metrics or []), group or [])
    stop = stop_on_signals()
    try:
        if once or json:
            console = Console(width=None if Console().is_terminal else 160)
            shown = view.print_once(collector, console, interval, stop, as_json_lines=json)
            if shown.kafka_error:
                raise typer.Exit(1)
        else:
            view.live(collector, Console(), interval, stop)
    finally:
        collector.close()


def dashboard(
    port: Annotated[int, typer.Option(min=0, max=65535, help="port on 127.0.0.1 (0: any free one)")] = 8050,
    host: Annotated[str, typer.Option(help="address to serve on")] = "127.0.0.1",
    metrics: Targets = None,
    group: Groups = None,
    interval: Interval = 2.0,
) -> None:
    """Serve a page with live throughput per stage, lag, dead letters and the latest story timelines."""
    from pipeline.stopping import stop_on_signals
    from pipeline.views.collect import Collector, metrics_targets
    from pipeline.views.dashboard import Board, serve

    settings = Settings()
    collector = Collector(settings, metrics_targets(settings, metrics or []), group or [])
    console = Console()
    try:
        serve(
            Board(collector, interval),
            host,
            port,
            stop_on_signals(),
            on_ready=lambda url: console.print(f"dashboard on {url} (Ctrl-C stops it)", highlight=False),
        )
    except OSError as exc:
        Console(stderr=True).print(f"[red]cannot serve on {host}:{port}: {exc}")
        raise typer.Exit(1) from exc
    finally:
        collector.close()
