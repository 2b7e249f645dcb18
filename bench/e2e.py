"""What the stream costs against the bare functions: ``process`` and the stream on one corpus, one run.

Usage: .venv/bin/python bench/e2e.py CORPUS... [--workers 1x1 --workers 2x1] [--runs 3] [--latency-share 0.5]

``--workers 1x1-broker``: the same workers with ``NEWS_INGEST_STREAM_LOCAL_HOPS=false``, every hop
between the stream's agents through the broker (for a comparison in one run).

For each run, on a local broker (or ``NEWS_INGEST_BOOTSTRAP_SERVERS``):

- ``process``: the corpus through the offline chain in this process, after the fetch worker's
  warm-up (``pipeline.extract.warm_up``) and one on the seeds:
  wall seconds and this process's CPU seconds (``time.process_time``);
- the stream, once per ``--workers FxS`` (F fetch workers, S stream workers, the local runner's
  processes on a fresh topic prefix, warmed up by replaying the seeds): the corpus replayed as fast
  as it is published, its wall seconds (first publish to last output), each worker's CPU seconds
  (utime + stime of its process, from ``/proc``, across the replay), and the Kafka records and bytes
  (key + value) written per document on each topic of the prefix, changelogs included (committed
  records, read back after the run), and each stream worker's seconds in each stage (the sum of its
  ``news_stage_seconds``, read from its ``/metrics`` before and after the replay);
- latency (first configuration only, ``--runs`` times): the corpus replayed again on a fresh prefix at
  ``--latency-share`` of the throughput just measured; per document, from the capture's record
  timestamp to its enriched article's (both set by the producer when it sent them), p50 and p99,
  and the same for each hop between (capture, article, unique article, enriched article).

Printed: a row per run and configuration, then medians over the runs, with ratios to ``process``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from confluent_kafka import Message, TopicPartition  # noqa: E402

from pipeline.broker import LocalBroker  # noqa: E402
from pipeline.cli import SEEDS  # noqa: E402
from pipeline.codec import decode  # noqa: E402
from pipeline.config import Settings  # noqa: E402
from pipeline.extract import warm_up  # noqa: E402
from pipeline.kafka import clients  # noqa: E402
from pipeline.kafka.admin import (  # noqa: E402
    admin_client,
    delete_topics_with_prefix,
    ensure_topics,
    high_watermark,
    metadata,
    read_partitions,
)
from pipeline.models import Article, EnrichedArticle, UniqueArticle  # noqa: E402
from pipeline.process import process_paths  # noqa: E402
from pipeline.replay import replay  # noqa: E402
from pipeline.runner import Workers, running_workers  # noqa: E402
from pipeline.topology import Role, Topology  # noqa: E402
from pipeline.views import metrics_text  # noqa: E402
from pipeline.views.collect import metrics_url  # noqa: E402
from tests.kafka_helpers import free_ports  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class StreamRun:
    workers: str
    seconds: float
    documents: int
    cpu: dict[str, float]  # worker log name -> CPU seconds across the replay
    records: Counter[str] = field(default_factory=Counter)  # topic role -> records written
    size: Counter[str] = field(default_factory=Counter)  # topic role -> key + value bytes
    stages: dict[str, Counter[str]] = field(default_factory=dict)  # stream worker -> stage -> seconds

    @property
    def docs_per_s(self) -> float:
        return self.documents / self.seconds

    def cpu_per_doc(self, kind: str) -> float:
        return sum(s for name, s in self.cpu.items() if name.startswith(kind)) / self.documents


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime


def worker_cpu(workers: Workers) -> dict[str, float]:
    return {log.stem: cpu_seconds(p.pid) for log, p in zip(workers.logs, workers.processes, strict=True)}


def stage_seconds(port: int) -> Counter[str]:
    """A worker's seconds so far in each stage, from its /metrics."""
    response = httpx.get(metrics_url(f"127.0.0.1:{port}"), timeout=10)
    response.raise_for_status()
    spent: Counter[str] = Counter()
    for (name, labels), value in metrics_text.parse(response.text).items():
        if name == "news_stage_seconds_sum":
            spent[dict(labels)["stage"]] += value
    return spent


def stream_ports(workers: Workers) -> dict[str, int]:
    """Each stream worker's /metrics port, by its log name."""
    return {
        log.stem: config.metrics_port
        for log, command, config in zip(workers.logs, workers.commands, workers.settings, strict=True)
        if command == "worker"
    }


def run_process(paths: list[Path], settings: Settings) -> tuple[float, float, int]:
    warm_up()  # what a fetch worker loads when it starts, before it reads anything
    list(process_paths([SEEDS], settings))  # imports and first-call costs out of the figure
    wall, cpu = time.perf_counter(), time.process_time()
    documents = sum(1 for _ in process_paths(paths, settings))
    return time.perf_counter() - wall, time.process_time() - cpu, documents


@contextmanager
def deployment(settings: Settings, fetch: int, stream: int) -> Iterator[tuple[Settings, Workers]]:
    """Workers on a fresh prefix, warmed up on the seeds; the prefix's topics deleted afterwards."""
    prefix = f"e2e-{uuid.uuid4().hex[:8]}."
    settings = settings.model_copy(update={"topic_prefix": prefix, "metrics_port": free_ports(fetch + stream)})
    ensure_topics(settings, Topology.from_settings(settings))
    with ExitStack() as stack:
        stack.callback(delete_topics_with_prefix, settings, prefix)
        logs = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="news-ingest-e2e-")))
        workers = stack.enter_context(running_workers(settings, logs, fetch_workers=fetch, stream_workers=stream))
        replay([SEEDS], settings, timeout_s=300, health_check=workers.check)
        yield settings, workers


def prefix_partitions(settings: Settings) -> list[TopicPartition]:
    topics = metadata(admin_client(settings), settings).topics
    return [
        TopicPartition(n, p) for n, t in topics.items() if n.startswith(settings.topic_prefix) for p in t.partitions
    ]


def end_offsets_now(settings: Settings) -> dict[tuple[str, int], int]:
    consumer = clients.consumer(settings, f"e2e-ends-{uuid.uuid4().hex}")
    deadline = time.monotonic() + 60
    try:
        return {(tp.topic, tp.partition): high_watermark(consumer, tp, deadline) for tp in prefix_partitions(settings)}
    finally:
        consumer.close()


def written_since(
    settings: Settings, partitions: list[TopicPartition], warm: dict[tuple[str, int], int]
) -> Iterator[Message]:
    """The committed records of these partitions past the offsets in warm (what the warm-up wrote)."""
    deadline = time.monotonic() + 300
    for message in read_partitions(settings, partitions, deadline, f"e2e-read-{uuid.uuid4().hex}"):
        if int(message.offset() or 0) >= warm.get((str(message.topic()), int(message.partition() or 0)), 0):
            yield message


def topic_traffic(settings: Settings, warm: dict[tuple[str, int], int]) -> tuple[Counter[str], Counter[str]]:
    """Records and their key + value bytes on every topic of the prefix since the warm-up, by
    name without the prefix."""
    records: Counter[str] = Counter()
    size: Counter[str] = Counter()
    for message in written_since(settings, prefix_partitions(settings), warm):
        name = str(message.topic()).removeprefix(settings.topic_prefix)
        records[name] += 1
        size[name] += len(message.key() or b"") + len(message.value() or b"")
    return records, size


def run_stream(paths: list[Path], settings: Settings, fetch: int, stream: int, local_hops: bool = True) -> StreamRun:
    settings = settings.model_copy(update={"stream_local_hops": local_hops})
    with deployment(settings, fetch, stream) as (settings, workers):
        warm = end_offsets_now(settings)
        ports = stream_ports(workers)
        spent = {name: stage_seconds(port) for name, port in ports.items()}
        before = worker_cpu(workers)
        summary = replay(paths, settings, timeout_s=900, health_check=workers.check)
        after = worker_cpu(workers)
        stages = {name: stage_seconds(port) - spent[name] for name, port in ports.items()}
        if len(workers.exits):
            raise SystemExit(f"a worker exited during the replay: {workers.exits}")
        records, size = topic_traffic(settings, warm)
    cpu = {name: after[name] - before[name] for name in after}
    name = f"{fetch}x{stream}" + ("" if local_hops else "-broker")
    return StreamRun(name, summary.seconds, summary.documents, cpu, records, size, stages)


HOPS: tuple[Role, ...] = ("captures", "articles", "unique", "enriched")


def latencies(paths: list[Path], settings: Settings, rate: float) -> dict[str, dict[str, float]]:
    """When each document's record reached each of ``HOPS`` (its first record there, by trace),
    replayed at rate docs/s."""
    with deployment(settings, 1, 1) as (settings, workers):
        warm = end_offsets_now(settings)
        replay(paths, settings, rate=rate, timeout_s=900, health_check=workers.check)
        topology = Topology.from_settings(settings)
        stamps: dict[str, dict[str, float]] = {hop: {} for hop in HOPS}
        by_topic = {topology.name(hop): hop for hop in HOPS}
        partitions = [tp for tp in prefix_partitions(settings) if tp.topic in by_topic]
        for message in written_since(settings, partitions, warm):
            hop = by_topic[str(message.topic())]
            stamps[hop].setdefault(trace_of(hop, message), message.timestamp()[1] / 1000)
    return stamps


def trace_of(hop: str, message: Message) -> str:
    value = message.value() or b""
    if hop == "captures":
        return (message.key() or b"").decode()
    if hop == "articles":
        return decode(Article, value).trace_id
    if hop == "unique":
        return decode(UniqueArticle, value).article.trace_id
    return decode(EnrichedArticle, value).article.trace_id


def waits(stamps: dict[str, dict[str, float]], start: str, end: str) -> list[float]:
    """Seconds from ``start`` to ``end`` of every document that reached ``end``."""
    begun, done = stamps[start], stamps[end]
    return sorted(done[k] - begun[k] for k in done if k in begun)


def quantile(values: list[float], q: float) -> float:
    return values[min(len(values) - 1, int(q * len(values)))] if values else float("nan")


def _workers(spec: str) -> tuple[int, int, bool]:
    """``FxS`` or ``FxS-broker``: fetch and stream workers, and whether the stream makes its hops itself."""
    counts, _, via = spec.partition("-")
    fetch, stream = (int(n) for n in counts.split("x"))
    if via not in ("", "broker"):
        raise SystemExit(f"--workers {spec}: FxS or FxS-broker")
    return fetch, stream, via != "broker"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--workers", action="append", help="FxS: F fetch workers and S stream workers")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--latency-share", type=float, default=0.5)
    args = parser.parse_args()
    configs = [_workers(w) for w in (args.workers or ["1x1"])]
    settings = Settings()
    with ExitStack() as stack:
        if settings.bootstrap_servers is None:
            broker = LocalBroker.from_settings(settings)
            if broker.start():
                stack.callback(broker.stop)
        settings = settings.model_copy(update={"bootstrap_servers": settings.bootstrap})
        offline: list[tuple[float, float, int]] = []
        streams: dict[str, list[StreamRun]] = defaultdict(list)
        for run in range(1, args.runs + 1):
            offline.append(run_process(args.paths, settings))
            wall, cpu, docs = offline[-1]
            rate, ms = docs / wall, cpu / docs * 1000
            print(f"run {run}  process: {docs} docs {wall:.1f} s {rate:.1f} docs/s, CPU {ms:.1f} ms/doc")
            for fetch, stream, local_hops in configs:
                result = run_stream(args.paths, settings, fetch, stream, local_hops)
                streams[result.workers].append(result)
                per_worker = "  ".join(f"{n} {s:.1f} s" for n, s in sorted(result.cpu.items()))
                print(
                    f"run {run}  stream {result.workers}: {result.documents} docs {result.seconds:.1f} s "
                    f"{result.docs_per_s:.1f} docs/s, CPU {per_worker}, "
                    f"{sum(result.records.values()) / result.documents:.1f} records/doc",
                    flush=True,
                )
        docs = offline[0][2]
        p_rate = statistics.median(d / w for w, _, d in offline)
        p_cpu = statistics.median(c / d for _, c, d in offline)
        print(f"\nmedians over {args.runs} runs ({docs} documents)")
        heads = ("docs/s", "x process", "CPU ms/doc", "x process", "records/doc", "bytes/doc")
        print(f"{'':18}" + "".join(f"{h:>12}" for h in heads))
        print(f"{'process':18}{p_rate:12.1f}{1.0:12.2f}{p_cpu * 1000:12.1f}{1.0:12.2f}{'-':>12}{'-':>12}")
        for name, results in streams.items():
            rate = statistics.median(r.docs_per_s for r in results)
            cpu = statistics.median(r.cpu_per_doc("fetch") + r.cpu_per_doc("worker") for r in results)
            records = statistics.median(sum(r.records.values()) / r.documents for r in results)
            size = statistics.median(sum(r.size.values()) / r.documents for r in results)
            print(
                f"{'stream ' + name:18}{rate:12.1f}{rate / p_rate:12.2f}{cpu * 1000:12.1f}{cpu / p_cpu:12.2f}"
                f"{records:12.1f}{size:12.0f}"
            )
            for kind, label in (("fetch", "fetch workers"), ("worker", "stream workers")):
                share = statistics.median(r.cpu_per_doc(kind) for r in results)
                print(f"{'  ' + label:18}{'':24}{share * 1000:12.1f}{share / p_cpu:12.2f}")
        for name, results in streams.items():
            workers = sorted(results[0].stages)
            print(f"\nseconds in each stage per stream worker (stream {name}, median)")
            print(f"  {'':16}" + "".join(f"{w:>12}" for w in workers))
            for stage in sorted({s for r in results for w in r.stages.values() for s in w}):
                spent = [statistics.median(r.stages[w][stage] for r in results) for w in workers]
                print(f"  {stage:16}" + "".join(f"{v:12.2f}" for v in spent))
        first = streams[next(iter(streams))]
        print(f"\nrecords and bytes per document by topic (stream {first[0].workers}, median)")
        for topic in sorted({t for r in first for t in r.records}):
            records = statistics.median(r.records[topic] / r.documents for r in first)
            size = statistics.median(r.size[topic] / r.documents for r in first)
            print(f"  {topic:48}{records:8.2f}{size:10.0f}")
        rate = args.latency_share * statistics.median(r.docs_per_s for r in first)
        measured = [latencies(args.paths, settings, rate) for _ in range(args.runs)]
        of_maximum = f"{args.latency_share:.0%} of the measured maximum"
        print(f"\nlatency at {rate:.1f} docs/s ({of_maximum}), median of {args.runs} runs")
        for start, end in [("captures", "enriched"), *zip(HOPS, HOPS[1:], strict=False)]:
            runs = [waits(stamps, start, end) for stamps in measured]
            p50 = statistics.median(quantile(hop, 0.5) for hop in runs)
            p99s = [quantile(hop, 0.99) for hop in runs]
            each = " ".join(f"{p:.3f}" for p in p99s)
            print(
                f"  {start} -> {end:10} {len(runs[0]):4} articles  p50 {p50:.3f} s  "
                f"p99 {statistics.median(p99s):.3f} s  (p99 of each run: {each})"
            )


if __name__ == "__main__":
    main()
