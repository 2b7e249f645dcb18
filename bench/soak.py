"""A soak: a corpus replayed round after round with variations while faults fire on a schedule.

Usage: .venv/bin/python bench/soak.py PATH... --minutes 10 [--fault-every 45] [--fetch 1] [--stream 1]

Each round publishes the corpus again as a new variation: exact copies under new names, edited
copies (a sentence added), and re-fetches (the same files again). Every ``--fault-every`` seconds
one fault fires, in turn: kill -9 of a stream worker, kill -9 of a fetch worker, SIGTERM of a stream
worker (the local runner starts each again), the broker frozen for 20 s (SIGSTOP, SIGCONT). At
the end it prints the accounting, counted from the topics by id with read_committed: documents in,
out, duplicates, dead letters by reason, lost (a document with no output), doubled (an article id
twice on news.articles.enriched, a claim id twice on news.claims), and each worker's resident
memory over time. Uses its own local broker (NEWS_INGEST_BROKER_* say where) and topic prefix.
"""

from __future__ import annotations

import argparse
import gzip
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from confluent_kafka import KafkaError, TopicPartition  # noqa: E402

from pipeline.broker import LocalBroker  # noqa: E402
from pipeline.codec import decode  # noqa: E402
from pipeline.config import Settings  # noqa: E402
from pipeline.documents import expand, read_all  # noqa: E402
from pipeline.kafka import clients  # noqa: E402
from pipeline.kafka.admin import delete_topics_with_prefix, ensure_topics  # noqa: E402
from pipeline.kafka.clients import KafkaUnreachable  # noqa: E402
from pipeline.models import Capture, Claim, DeadLetter, DedupVerdict, EnrichedArticle  # noqa: E402
from pipeline.replay import ReplayTimeout, replay  # noqa: E402
from pipeline.runner import Workers, running_workers  # noqa: E402
from pipeline.topology import Topology  # noqa: E402

FAULTS = ("kill -9 stream", "kill -9 fetch", "SIGTERM stream", "freeze broker 20 s")


def variation(sources: list[Path], round_no: int, directory: Path) -> Path:
    """Round 0: the corpus; then, in turn, exact copies, edited copies and re-fetches of it."""
    out = directory / f"round-{round_no:03d}"
    out.mkdir(parents=True)
    kind = "original" if round_no == 0 else ("copy", "edit", "refetch")[(round_no - 1) % 3]
    for source in sources:
        name = source.name if kind in ("original", "refetch") else f"r{round_no}-{source.name}"
        target = out / name
        packed = source.suffix == ".gz"
        if kind == "edit" and Path(source.stem if packed else source.name).suffix in (".txt", ".html", ".htm"):
            # an edit inside the article's own sentences, as a correction or an update makes it
            raw = gzip.decompress(source.read_bytes()) if packed else source.read_bytes()
            text = raw.decode("utf-8", errors="replace").replace(" the ", f" the {round_no}th corrected ", 3)
            (out / (target.stem if packed else target.name)).write_text(text, encoding="utf-8")
        else:
            shutil.copyfile(source, target)
    return out


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class Faults:
    """Fires one fault every ``every_s`` seconds, in turn, on a thread; samples worker memory."""

    def __init__(self, workers: Workers, broker: LocalBroker, every_s: float, fetch_workers: int) -> None:
        self.workers, self.broker, self.every_s, self.fetch_workers = workers, broker, every_s, fetch_workers
        self.fired: list[tuple[float, str]] = []
        self.memory: list[tuple[float, list[float]]] = []
        self.stop = threading.Event()
        self.started = time.monotonic()

    def run(self) -> None:
        turn, next_fault, next_sample = 0, self.started + self.every_s, self.started
        while not self.stop.wait(0.5):
            now = time.monotonic()
            if now >= next_sample:
                self.memory.append((now - self.started, [rss_mb(p.pid) for p in self.workers.processes]))
                next_sample = now + 30
            if self.every_s > 0 and now >= next_fault:
                self.fire(FAULTS[turn % len(FAULTS)])
                turn, next_fault = turn + 1, now + self.every_s

    def fire(self, fault: str) -> None:
        self.fired.append((time.monotonic() - self.started, fault))
        stream, fetch = self.workers.processes[self.fetch_workers], self.workers.processes[0]
        if fault == "kill -9 stream":
            os.kill(stream.pid, signal.SIGKILL)
        elif fault == "kill -9 fetch":
            os.kill(fetch.pid, signal.SIGKILL)
        elif fault == "SIGTERM stream":
            os.kill(stream.pid, signal.SIGTERM)
        elif (pid := self.broker.pid()) is not None:
            os.kill(pid, signal.SIGSTOP)
            self.stop.wait(20)
            os.kill(pid, signal.SIGCONT)


def read_ids(settings: Settings, topology: Topology) -> dict[str, Counter[str]]:
    """Outputs by id, from the start of each output topic (read_committed)."""
    consumer = clients.consumer(settings, f"soak-{uuid.uuid4().hex}", **{"enable.partition.eof": True})
    names = {topology.name(r): r for r in ("enriched", "claims", "duplicates", "deadletter")}
    parts = [(t, p) for t in names for p in consumer.list_topics(t, timeout=30).topics[t].partitions]
    consumer.assign([TopicPartition(t, p, 0) for t, p in parts])
    ended: set[tuple[str, int]] = set()
    counts: dict[str, Counter[str]] = {k: Counter() for k in ("enriched", "claims", "traces", "reasons", "dups")}
    deadline = time.monotonic() + 300
    while len(ended) < len(parts) and time.monotonic() < deadline:
        message = consumer.poll(1.0)
        if message is None:
            continue
        error = message.error()
        if error is not None:
            if error.code() == KafkaError._PARTITION_EOF:
                ended.add((str(message.topic()), int(message.partition() or 0)))
            continue
        role = names[str(message.topic())]
        if role == "enriched":
            article = decode(EnrichedArticle, message.value()).article
            counts["enriched"][f"{article.article_id}/{article.content_hash}"] += 1
            counts["traces"][article.trace_id] += 1
        elif role == "claims":
            counts["claims"][decode(Claim, message.value()).claim_id] += 1
        elif role == "duplicates":
            verdict = decode(DedupVerdict, message.value())
            counts["traces"][verdict.trace_id] += 1
            counts["dups"][verdict.verdict] += 1
        else:
            letter = decode(DeadLetter, message.value())
            counts["traces"][letter.trace_id] += 1
            counts["reasons"][letter.reason] += 1
    consumer.close()
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--fault-every", type=float, default=45.0, help="seconds between faults; 0: none")
    parser.add_argument("--fetch", type=int, default=1)
    parser.add_argument("--stream", type=int, default=1)
    args = parser.parse_args()
    sources = expand(args.paths)
    settings = Settings(stall_after_s=60, watchdog_interval_s=5)
    published: Counter[str] = Counter()
    rounds, timeouts = 0, 0
    with ExitStack() as stack:
        broker = LocalBroker.from_settings(settings)
        if broker.start():
            stack.callback(broker.stop)
        prefix = f"soak-{uuid.uuid4().hex[:8]}."
        settings = settings.model_copy(update={"topic_prefix": prefix, "bootstrap_servers": settings.bootstrap})
        topology = Topology.from_settings(settings)
        ensure_topics(settings, topology)
        stack.callback(delete_topics_with_prefix, settings, prefix)
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="news-ingest-soak-")))
        workers = stack.enter_context(
            running_workers(settings, work / "logs", fetch_workers=args.fetch, stream_workers=args.stream)
        )
        faults = Faults(workers, broker, args.fault_every, args.fetch)
        thread = threading.Thread(target=faults.run, daemon=True)
        thread.start()
        stack.callback(faults.stop.set)
        end = time.monotonic() + args.minutes * 60
        big, refused = settings.max_document_bytes, 0
        while time.monotonic() < end:
            corpus = variation(sources, rounds, work / "corpus")
            ids = [i.capture_id if isinstance(i, Capture) else i.trace_id for i in read_all([corpus], max_bytes=big)]
            try:
                summary = replay([corpus], settings, timeout_s=600, health_check=workers.check)
                print(f"round {rounds}: {summary.documents} documents in {summary.seconds:.1f} s", flush=True)
            except ReplayTimeout as exc:
                timeouts += 1
                print(f"round {rounds}: {exc}", flush=True)
            except KafkaUnreachable as exc:  # refused before publishing anything (the broker frozen): again
                refused += 1
                print(f"round {rounds}: {exc}; published again", flush=True)
                shutil.rmtree(corpus)
                time.sleep(5)
                continue
            published.update(ids)
            rounds += 1
        faults.stop.set()
        thread.join()
        print(f"\nrounds {rounds} of {len(sources)} documents; timed out: {timeouts}; refused (broker away): {refused}")
        report(read_ids(settings, topology), published, faults, workers)


def report(counts: dict[str, Counter[str]], published: Counter[str], faults: Faults, workers: Workers) -> None:
    lost = [trace for trace in published if counts["traces"][trace] == 0]
    doubled_articles = sum(n - 1 for n in counts["enriched"].values() if n > 1)
    doubled_claims = sum(n - 1 for n in counts["claims"].values() if n > 1)
    print(f"in: {sum(published.values())} documents ({len(published)} distinct captures)")
    print(f"faults fired: {len(faults.fired)}: " + ", ".join(f"{t:.0f}s {f}" for t, f in faults.fired))
    print(f"worker restarts: {workers.restarts}")
    print(f"out: enriched {sum(counts['enriched'].values())}, duplicates {dict(counts['dups'])}")
    print(f"dead letters by reason: {dict(counts['reasons'])}")
    print(f"lost (a capture with no output): {len(lost)} {lost[:5]}")
    print(f"doubled: {doubled_articles} articles, {doubled_claims} claims")
    print("resident memory (MB) per worker over time:")
    for at, sizes in faults.memory:
        print(f"  {at:6.0f}s  " + "  ".join(f"{s:7.1f}" for s in sizes))


if __name__ == "__main__":
    main()
