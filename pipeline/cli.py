"""The command line: ``news-ingest``."""

from __future__ import annotations

import faulthandler
import logging
import sys
import tempfile
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from importlib.metadata import version as package_version
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TextIO

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from pipeline import exit_codes
from pipeline.config import Settings
from pipeline.views import commands as view_commands

if TYPE_CHECKING:
    from prometheus_client.metrics import MetricWrapperBase

    from pipeline.broker import LocalBroker
    from pipeline.models import ProcessResult
    from pipeline.storyview.threads import StoryThread

app = typer.Typer(help="Streaming news ingest: clean, deduplicated, dated articles and claims on Kafka.")
broker_app = typer.Typer(help="The local single-node Apache Kafka broker (KRaft, 127.0.0.1 only).")
topics_app = typer.Typer(help="The topics of the topology.")
app.add_typer(broker_app, name="broker")
app.add_typer(topics_app, name="topics")
boilerplate_app = typer.Typer(help="The fetch workers' site boilerplate memory (on news.extract.boilerplate).")
app.add_typer(boilerplate_app, name="boilerplate")
sources_app = typer.Typer(help="The sources file: feeds, sitemaps and start pages to watch.")
app.add_typer(sources_app, name="sources")
app.command()(view_commands.top)
app.command()(view_commands.dashboard)
sink_app = typer.Typer(help="Sinks that write the results topics elsewhere.")
app.add_typer(sink_app, name="sink")
stories_app = typer.Typer(help="Story threads and their claim timelines (from PostgreSQL when a DSN is set).")
app.add_typer(stories_app, name="stories")
Dsn = Annotated[str | None, typer.Option("--dsn", help="PostgreSQL connection string (else NEWS_INGEST_POSTGRES_DSN)")]
SourcesPath = Annotated[Path | None, typer.Option("--file", help="the sources file (else NEWS_INGEST_SOURCES_FILE)")]
console = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

SEEDS = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "seeds"
Paths = Annotated[list[Path], typer.Argument(help="files or directories (recursed) of HTML or text captures")]
DemoPaths = Annotated[list[Path] | None, typer.Argument(help="the corpus to replay (default: the seeds)")]
Jsonl = Annotated[Path | None, typer.Option("--jsonl", help="write one JSON line per document here ('-': stdout)")]
STDOUT = Path("-")


def _show_version(show: bool) -> None:
    if show:
        console.print(f"news-ingest {package_version('news-ingest')}", highlight=False)
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool, typer.Option("--version", callback=_show_version, is_eager=True, help="print the version and exit")
    ] = False,
) -> None:
    """Streaming news ingest: clean, deduplicated, dated articles and claims on Kafka."""


@contextmanager
def _broker_errors() -> Iterator[None]:
    """A broker failure as a one-line error, not a traceback."""
    from pipeline.broker import BrokerError

    try:
        yield
    except BrokerError as exc:
        err.print(f"[red]broker: {escape(str(exc))}")
        raise typer.Exit(exit_codes.KAFKA) from exc


def _local_broker(settings: Settings) -> LocalBroker:
    from pipeline.broker import LocalBroker

    return LocalBroker.from_settings(settings)


@broker_app.command("install")
def broker_install() -> None:
    """Fetch the broker's jars from Maven Central into the cache (done once; start does it too)."""
    broker = _local_broker(Settings())
    with _broker_errors():
        console.print(f"Apache Kafka {broker.version} in {broker.ensure_libs()}")


@broker_app.command("start")
def broker_start() -> None:
    """Start the local broker (downloading it once) and wait until it answers."""
    broker = _local_broker(Settings())
    with _broker_errors():
        started = broker.start()
    console.print(f"broker {'started' if started else 'already running'} on {broker.bootstrap} (pid {broker.pid()})")


@broker_app.command("stop")
def broker_stop() -> None:
    """Stop the local broker."""
    stopped = _local_broker(Settings()).stop()
    console.print("broker stopped" if stopped else "broker was not running")


@broker_app.command("status")
def broker_status() -> None:
    """Say whether the local broker runs and answers; exit 3 if it does not answer."""
    broker = _local_broker(Settings())
    pid, answers = broker.pid(), broker.answers()
    console.print(f"pid {pid or '-'}, {'answering' if answers else 'not answering'} on {broker.bootstrap}")
    console.print(f"data {broker.data_dir}, Apache Kafka {broker.version}")
    if not answers:
        raise typer.Exit(exit_codes.KAFKA)


@topics_app.command("create")
def topics_create() -> None:
    """Create every topic of the topology that does not exist yet (idempotent)."""
    from pipeline.kafka.admin import ensure_topics
    from pipeline.topology import Topology

    settings = Settings()
    topology = Topology.from_settings(settings)
    created = ensure_topics(settings, topology)
    for name, partitions, spec in topology.all():
        state = "created" if name in created else "exists"
        console.print(f"{name:40} {partitions:3} partitions  {state}  {spec.description}")


def _memory_site(site: str) -> str:
    """The memory's name of a site given as a URL, a host (``www.`` dropped) or ``name:...``."""
    from pipeline.extract.boilerplate import site_of

    if site.startswith("name:"):
        return site
    return site_of(site if "://" in site else f"http://{site}")


SiteArgument = Annotated[str | None, typer.Argument(help="a host or URL (or name:SITE NAME); all sites if none")]


@boilerplate_app.command("show")
def boilerplate_show(site: SiteArgument = None) -> None:
    """What the memory holds: per site, the paragraphs counted and how many are boilerplate (on
    NEWS_INGEST_BOILERPLATE_MIN_PAGES distinct articles or more); for one site, its paragraphs."""
    from pipeline.fetch.boilerplate_state import by_site, paragraphs_of, read_memory
    from pipeline.topology import Topology

    settings = Settings()
    shown = read_memory(settings, Topology.from_settings(settings))
    minimum = settings.boilerplate_min_pages
    if site is None:
        for name, (paragraphs, furniture, marks) in sorted(by_site(shown.counts, minimum).items()):
            line = f"{name:40} paragraphs {paragraphs:6}  boilerplate {furniture:5}  article band marks {marks:6}"
            console.print(line, highlight=False)
        return
    rows = paragraphs_of(shown, _memory_site(site))
    if not rows:
        err.print(f"no boilerplate memory for {_memory_site(site)}")
        raise typer.Exit(exit_codes.FAILED)
    for count, text in rows:
        mark = "boilerplate" if count >= minimum else "counted"
        console.print(f"{count:5} articles  {mark:11}  {escape(text)}", highlight=False)


@boilerplate_app.command("reset")
def boilerplate_reset(site: Annotated[str, typer.Argument(help="a host or URL (or name:SITE NAME)")]) -> None:
    """Clear a site's memory; running fetch workers drop it as they read the tombstones."""
    from pipeline.fetch.boilerplate_state import reset
    from pipeline.topology import Topology

    settings = Settings()
    name = _memory_site(site)
    cleared = reset(settings, Topology.from_settings(settings), name)
    console.print(f"cleared {cleared} entries of {name}")


@app.command()
def schemas() -> None:
    """Regenerate schemas/ from the payload models (a test fails when they drift)."""
    from pipeline.schemas import write

    for path in write():
        console.print(str(path))


SERVICE_KAFKA_WAIT_S = 60.0


def _service_settings(exported: tuple[MetricWrapperBase, ...] | None) -> Settings:
    """Settings of a long-running process, once its topics exist and its /metrics serves these
    (None: a process without /metrics)."""
    from pipeline import metrics
    from pipeline.kafka.admin import ensure_topics
    from pipeline.topology import Topology

    settings = Settings()
    faulthandler.enable()  # a native crash leaves every thread's Python stack in the log
    _show_client_log()
    # a service started while Kafka is briefly away (a restart, an outage) waits for it a while
    # instead of failing as a command does; its supervisor starts it again if Kafka stays away
    patient = settings.model_copy(update={"kafka_timeout_s": max(settings.kafka_timeout_s, SERVICE_KAFKA_WAIT_S)})
    ensure_topics(patient, Topology.from_settings(settings))
    if exported is not None:
        metrics.serve(settings.metrics_host, settings.metrics_port, exported)
    return settings


def _show_client_log() -> None:
    """A long-running process logs what its Kafka clients say (rate-limited) to stderr; a command
    reports a Kafka failure itself, in one line."""
    from pipeline.kafka.clients import KAFKA_LOG

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s kafka: %(message)s"))
    KAFKA_LOG.addHandler(handler)
    KAFKA_LOG.setLevel(logging.INFO)


@app.command()
def worker() -> None:
    """Run a stream worker: the dedup, enrich and stories agents."""
    from pipeline.metrics import STREAM_WORKER
    from pipeline.stream import app as stream_app
    from pipeline.stream import runtime

    settings = _service_settings(STREAM_WORKER)
    agents, timers = stream_app.build(settings)
    runtime.run(settings, agents, timers)


@contextmanager
def _postgres_errors() -> Iterator[None]:
    """A database that cannot be reached as a one-line error and exit code 1, not a traceback."""
    import psycopg

    try:
        yield
    except psycopg.OperationalError as exc:
        err.print(f"[red]postgres: {escape(str(exc).strip().splitlines()[0])}")
        raise typer.Exit(1) from exc


@sink_app.command("postgres")
def sink_postgres(
    dsn: Dsn = None,
    migrate_only: Annotated[bool, typer.Option("--migrate-only", help="migrate the schema, then exit")] = False,
) -> None:
    """Write the results topics (articles, dedup verdicts, claims, stories, claim updates) into
    PostgreSQL, exactly once: the schema is created and migrated first, and the consumed offsets are
    kept in the database, in the transaction of the rows."""
    from pipeline.sink import loop, store
    from pipeline.sink.migrations import migrate
    from pipeline.stopping import stop_on_signals

    settings = Settings()
    dsn = dsn or settings.postgres_dsn
    if not dsn:
        err.print("[red]no database: give --dsn or set NEWS_INGEST_POSTGRES_DSN")
        raise typer.Exit(2)
    with _postgres_errors(), store.connect(dsn) as conn:
        applied = migrate(conn)
        err.print(f"schema migrations applied: {applied or 'none (up to date)'}")
        if migrate_only:
            return
        from pipeline.metrics import SINK

        settings = _service_settings(SINK)
        loop.run(settings, conn, stop_on_signals())


def _threads(dsn: str | None) -> list[StoryThread]:
    settings = Settings()
    dsn = dsn or settings.postgres_dsn
    if dsn:
        from pipeline.sink import store
        from pipeline.storyview import from_postgres

        with _postgres_errors(), store.connect(dsn) as conn:
            return from_postgres.read_threads(conn)
    from pipeline.storyview import from_topics

    return from_topics.read_threads(settings)


JsonFlag = Annotated[bool, typer.Option("--json", help="print JSON instead of tables")]


@stories_app.command("list")
def stories_list(dsn: Dsn = None, json: JsonFlag = False) -> None:
    """Every story thread: its articles, propositions, and the stance changes of its busiest one."""
    from pipeline.storyview import render

    threads = _threads(dsn)
    if json:
        typer.echo(render.as_json(threads))
    else:
        render.story_table(console, threads)


@stories_app.command("show")
def stories_show(
    story_id: Annotated[str, typer.Argument(help="a story id, or the start of one")],
    dsn: Dsn = None,
    json: JsonFlag = False,
) -> None:
    """One story: its articles and, per proposition, the claims over time with their stance."""
    from pipeline.storyview import render
    from pipeline.storyview.threads import find

    thread = find(_threads(dsn), story_id)
    if thread is None:
        err.print(f"[red]no story {escape(story_id)} (or more than one starts so)")
        raise typer.Exit(1)
    if json:
        typer.echo(thread.model_dump_json(indent=2))
    else:
        render.story_detail(console, thread)


@app.command()
def fetch() -> None:
    """Run a fetch worker: URLs and captures in, clean articles (or dead letters) out."""
    from pipeline.fetch.worker import run
    from pipeline.metrics import FETCH_WORKER

    run(_service_settings(FETCH_WORKER))


@sources_app.command("add")
def sources_add(
    url: str,
    kind: Annotated[str, typer.Option(help="feed, sitemap or page (a start page whose feeds are discovered)")] = "feed",
    interval: Annotated[float | None, typer.Option(help="first polling interval in seconds")] = None,
    file: SourcesPath = None,
) -> None:
    """Add a source (or replace the one with the same URL)."""
    from pydantic import ValidationError

    from pipeline.fetch import sources

    path = file or Settings().sources_file
    try:
        source = sources.Source.model_validate({"url": url, "kind": kind, "interval_s": interval})
    except ValidationError as exc:
        err.print(f"[red]{escape(str(exc))}")
        raise typer.Exit(exit_codes.USAGE) from exc
    console.print(f"{'added' if sources.add(path, source) else 'replaced'} {source.url} in {path}")


@sources_app.command("list")
def sources_list(file: SourcesPath = None) -> None:
    """List the sources."""
    from pipeline.fetch import sources

    for source in sources.load(file or Settings().sources_file):
        console.print(f"{source.kind:8} {source.interval_s or '-':>8}  {source.url}", highlight=False)


@sources_app.command("remove")
def sources_remove(url: str, file: SourcesPath = None) -> None:
    """Remove a source; exits 1 when there was none with that URL."""
    from pipeline.fetch import sources

    if not sources.remove(file or Settings().sources_file, url):
        err.print(f"[red]no source {url}")
        raise typer.Exit(exit_codes.FAILED)
    console.print(f"removed {url}")


@app.command()
def schedule(file: SourcesPath = None) -> None:
    """Run the scheduler: poll the sources, publish new entry URLs to news.fetch."""
    from pipeline.fetch.schedule_service import run
    from pipeline.stopping import stop_on_signals

    settings = _service_settings(None)
    run(settings, stop_on_signals(), file or settings.sources_file)


@app.command()
def process(paths: Paths, jsonl: Jsonl = None) -> None:
    """Run the whole pipeline in process on files, without a broker.

    Exits 1 when any document could not be processed (each is named with the reason).
    """
    from pipeline.documents import find_documents
    from pipeline.process import process_paths

    _require(paths)
    corpus = find_documents(paths)
    results = list(process_paths(corpus.files, Settings()))
    out = _results_console(jsonl)
    _write_jsonl(results, jsonl)
    _print_results(results, out)
    _report_skipped(corpus.skipped)
    _exit_if_dead_letters(results)


@app.command()
def replay(
    paths: Paths,
    rate: Annotated[
        float | None, typer.Option(help="documents per second to publish (default: as fast as it can)")
    ] = None,
    jsonl: Jsonl = None,
    timeout: Annotated[
        float, typer.Option(help="seconds to wait, once all are published, for every document to come out")
    ] = 180.0,
) -> None:
    """Publish documents into the running pipeline and wait until each comes out the far end.

    With no broker configured (NEWS_INGEST_BOOTSTRAP_SERVERS unset) it starts the local
    broker and the workers itself, and stops what it started. Exits 1 when any document
    dead-lettered.
    """
    _require(paths)
    settings = Settings()
    with ExitStack() as stack:
        health_check: Callable[[], None] | None = None
        if settings.bootstrap_servers is None:
            settings, health_check = _embedded(stack, settings, prefix=settings.topic_prefix)
        _replay_and_report(paths, settings, rate, jsonl, timeout, health_check)


@app.command()
def demo(paths: DemoPaths = None, jsonl: Jsonl = None) -> None:
    """Start the local broker (unless one is configured) and workers, replay the seed corpus, print
    the results, stop.

    The corpus is PATHS when given, else NEWS_INGEST_DEMO_CORPUS, else the seeds of the source tree.
    """
    settings = Settings()
    corpus = paths or [settings.demo_corpus or SEEDS]
    missing = [p for p in corpus if not p.exists()]
    if missing:
        err.print(f"[red]no demo corpus at {', '.join(map(str, missing))}: name one or set NEWS_INGEST_DEMO_CORPUS")
        raise typer.Exit(exit_codes.USAGE)
    with ExitStack() as stack:
        settings, health_check = _embedded(stack, settings, prefix=f"demo-{uuid.uuid4().hex[:8]}.")
        _replay_and_report(corpus, settings, None, jsonl, 180.0, health_check)


def _require(paths: list[Path]) -> None:
    missing = [p for p in paths if not p.exists()]
    if missing:
        err.print(f"[red]no such file or directory: {escape(', '.join(map(str, missing)))}")
        raise typer.Exit(exit_codes.USAGE)


def _embedded(stack: ExitStack, settings: Settings, *, prefix: str) -> tuple[Settings, Callable[[], None]]:
    """Broker (if none is configured) and workers for the block; topics under prefix."""
    from pipeline.kafka.admin import delete_topics_with_prefix, ensure_topics
    from pipeline.runner import running_workers
    from pipeline.topology import Topology

    if settings.bootstrap_servers is None:
        broker = _local_broker(settings)
        err.print(f"starting the local broker on {broker.bootstrap} ...")
        if broker.start():
            stack.callback(broker.stop)
    settings = settings.model_copy(update={"topic_prefix": prefix, "bootstrap_servers": settings.bootstrap})
    if prefix.startswith("demo-"):
        stack.callback(delete_topics_with_prefix, settings, prefix)
    ensure_topics(settings, Topology.from_settings(settings))
    log_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="news-ingest-")))
    err.print(f"starting a fetch worker and a stream worker (logs in {log_dir}) ...")
    workers = stack.enter_context(running_workers(settings, log_dir))
    return settings, workers.check


def _replay_and_report(
    paths: list[Path],
    settings: Settings,
    rate: float | None,
    jsonl: Path | None,
    timeout: float,
    health_check: Callable[[], None] | None,
) -> None:
    from pipeline.progress import ReplayBars
    from pipeline.replay import ReplayTimeout
    from pipeline.replay import replay as run_replay
    from pipeline.runner import WorkerDied

    try:
        with ReplayBars(err) as bars:
            summary = run_replay(
                paths, settings, rate=rate, timeout_s=timeout, health_check=health_check, progress=bars
            )
    except (ReplayTimeout, WorkerDied) as exc:
        err.print(f"[red]{escape(str(exc))}")
        raise typer.Exit(exit_codes.INCOMPLETE) from exc
    out = _results_console(jsonl)
    _write_jsonl(summary.results, jsonl)
    _print_results(summary.results, out)
    out.print(
        f"documents {summary.documents}  articles {summary.articles}  duplicates {summary.duplicates}  "
        f"claims {summary.claims}  dead letters {summary.dead_letters}  "
        f"seconds {summary.seconds:.2f}  docs/s {summary.docs_per_s:.1f}"
    )
    if summary.repeated or summary.repeated_claims:
        err.print(
            f"[yellow]arrived twice: {summary.repeated} results, {summary.repeated_claims} claims "
            "(the stream repeated work after a restart or rebalance)"
        )
    _report_skipped(summary.skipped)
    _exit_if_dead_letters(summary.results)


def _report_skipped(skipped: Counter[str]) -> None:
    from pipeline.documents import describe_skipped

    line = describe_skipped(skipped)
    if line is not None:
        err.print(f"[yellow]{line}", highlight=False)


def _exit_if_dead_letters(results: list[ProcessResult]) -> None:
    """Each document that could not be processed, with its reason, and exit 1 if there was any."""
    letters = [r.dead_letter for r in results if r.dead_letter is not None]
    for letter in letters:
        detail = f" ({letter.detail})" if letter.detail else ""
        err.print(f"[red]error:[/] {escape(letter.source)}: {escape(letter.reason + detail)}", highlight=False)
    if letters:
        err.print(f"{len(letters)} of {len(results)} documents could not be processed")
        raise typer.Exit(exit_codes.FAILED)


def _results_console(jsonl: Path | None) -> Console:
    """Where the table and summary go: stdout, unless the JSON lines go there."""
    return err if jsonl == STDOUT else console


def _write_jsonl(results: Iterable[ProcessResult], path: Path | None) -> None:
    if path is None:
        return
    if path == STDOUT:
        _write_lines(results, sys.stdout)
        sys.stdout.flush()
        return
    with path.open("w", encoding="utf-8") as out:
        _write_lines(results, out)


def _write_lines(results: Iterable[ProcessResult], out: TextIO) -> None:
    for result in results:
        out.write(result.model_dump_json() + "\n")


def _print_results(results: list[ProcessResult], out: Console) -> None:
    table = Table(title="Documents", show_lines=True)
    for column in ("source", "title", "published (source)", "verdict", "claims"):
        table.add_column(column, overflow="fold")
    for r in sorted(results, key=lambda r: r.source):
        stamp = r.datestamp
        published = f"{stamp.published or 'unknown'} ({stamp.source})" if stamp else "-"
        verdict = r.dead_letter.reason if r.dead_letter else (r.dedup.verdict if r.dedup else "-")
        title = (r.article.title or "-") if r.article else "-"
        table.add_row(Path(r.source).name, title, published, verdict, str(len(r.claims)))
    out.print(table)
    for r in sorted(results, key=lambda r: r.source):
        for c in r.claims:
            when = f" on {c.stated_at}" if c.stated_at else ""
            line = f"{escape(c.speaker.name)} {c.cue}{when} ({c.modality}): {escape(c.text[:160])}"
            out.print(f"  {Path(r.source).name[:12]}  {line}", highlight=False)


def main() -> None:
    """The entry point: a bad setting, or Kafka that does not answer, is one line on stderr and
    its exit code (``exit_codes``), not a traceback."""
    from confluent_kafka import KafkaException
    from pydantic import ValidationError

    from pipeline.config import describe_invalid
    from pipeline.kafka.clients import KAFKA_LOG, KafkaUnreachable

    KAFKA_LOG.setLevel(logging.CRITICAL)  # commands say what failed; services turn the log on
    try:
        app(prog_name="news-ingest")
    except ValidationError as exc:
        if exc.title != Settings.__name__:
            raise
        err.print(f"[red]bad setting:[/] {escape(describe_invalid(exc))}", highlight=False)
        sys.exit(exit_codes.USAGE)
    except (KafkaUnreachable, KafkaException) as exc:
        err.print(f"[red]kafka:[/] {escape(str(exc))}", highlight=False)
        sys.exit(exit_codes.KAFKA)


if __name__ == "__main__":
    main()
