"""Faults of the stream worker, counted from the output topics by id.

Starts a fetch worker and a stream worker on a fresh topic prefix, publishes a corpus as captures,
applies one fault to the stream worker, waits until every document came out (or the timeout),
then reads the output topics from their start with read_committed and counts:

- documents out: trace ids published that reached news.articles.enriched, news.duplicates or
  news.deadletter; lost: the others;
- doubled: article ids on news.articles.enriched and claim ids on news.claims present more than
  once (ids, and the extra copies);
- false duplicates: trace ids with both an enriched article and a duplicate verdict (a message
  processed twice through dedup meets its own first pass).

Faults: ``none``; ``kill`` (SIGKILL of the stream worker at --at seconds, a new one --gap seconds
later); ``term`` (SIGTERM, a new one once it exited); ``join`` (a second stream worker at --at);
``fetch-kill`` (SIGKILL of the fetch worker, a new one --gap seconds later); ``freeze`` (the local
broker stopped with SIGSTOP for 20 s); ``restart`` (the local broker stopped, started again 15 s
later). A worker that exits is started again, as the local runner does.

    python bench/faults_stream.py PATH/TO/article-extraction-benchmark/html --fault kill --at 10
    python bench/faults_stream.py DIR... --fault none kill term join   # one run each, one table

The broker is the one the environment names (NEWS_INGEST_BOOTSTRAP_SERVERS, or the local broker on
NEWS_INGEST_BROKER_PORT, started if it is not running). Every run's topics are deleted afterwards.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from confluent_kafka import ConsumerGroupState, KafkaError, KafkaException, TopicPartition
from confluent_kafka.admin import AdminClient

from pipeline.broker import LocalBroker
from pipeline.codec import decode, encode
from pipeline.config import Settings
from pipeline.documents import read_all
from pipeline.kafka import clients
from pipeline.kafka.admin import admin_client, delete_topics_with_prefix, end_offsets, ensure_topics
from pipeline.models import Capture, Claim, DeadLetter, DedupVerdict, EnrichedArticle
from pipeline.runner import start_process, stop_process
from pipeline.stall import STALL_EXIT_CODE
from pipeline.topology import Role, Topology

FAULTS = ("none", "kill", "term", "join", "fetch-kill", "freeze", "restart")


@dataclass
class Outcome:
    fault: str
    documents: int = 0
    out: int = 0
    lost: int = 0
    enriched_ids: int = 0
    enriched_doubled: int = 0
    enriched_extra: int = 0
    claim_ids: int = 0
    claims_doubled: int = 0
    claims_extra: int = 0
    false_duplicates: int = 0
    dead_letters: int = 0
    seconds: float = 0.0
    restarts: int = 0
    notes: list[str] = field(default_factory=list)


class StreamWorkers:
    """The stream worker processes of one run; a worker that exits stalled is started again."""

    def __init__(self, settings: Settings, log_dir: Path) -> None:
        self.settings, self.log_dir = settings, log_dir
        self.processes: list[subprocess.Popen[bytes]] = []
        self.restarts = 0

    def start(self) -> subprocess.Popen[bytes]:
        log = self.log_dir / f"worker-{len(self.processes)}.log"
        process = start_process("worker", self.settings, log)
        self.processes.append(process)
        return process

    def check(self, notes: list[str]) -> None:
        for i, process in enumerate(self.processes):
            code = process.poll()
            if code is not None:
                why = "stalled" if code == STALL_EXIT_CODE else f"with {code}"
                notes.append(f"worker-{i} exited {why} at {time.strftime('%X')}; restarted")
                self.processes[i] = start_process("worker", self.settings, self.log_dir / f"worker-{i}-r.log")
                self.restarts += 1

    def stop(self) -> None:
        for process in self.processes:
            stop_process(process)


def group_members(admin: AdminClient, group: str) -> int:
    try:
        description = admin.describe_consumer_groups([group])[group].result(timeout=10)
    except (KafkaException, TimeoutError):
        return 0
    return len(description.members) if description.state == ConsumerGroupState.STABLE else 0


def wait_stream_ready(settings: Settings, members: int, timeout_s: float = 120.0) -> None:
    group = settings.topic_prefix + settings.app_id
    deadline = time.monotonic() + timeout_s
    admin = admin_client(settings)
    while group_members(admin, group) < members:
        if time.monotonic() > deadline:
            raise TimeoutError(f"stream group {group} not stable with {members} members")
        time.sleep(1.0)


def publish(settings: Settings, topology: Topology, paths: list[Path]) -> set[str]:
    producer = clients.producer(settings)
    tracker = clients.DeliveryTracker()
    traced: set[str] = set()
    for item in read_all(paths, max_bytes=settings.max_document_bytes):
        if isinstance(item, Capture):
            topic, key = topology.name("captures"), item.capture_id
        else:
            topic, key = topology.name("deadletter"), item.trace_id
        producer.produce(topic, key=key.encode(), value=encode(item), on_delivery=tracker)
        producer.poll(0)
        traced.add(key)
    tracker.flush(producer)
    return traced


def read_committed(settings: Settings, topology: Topology, role: Role) -> list[bytes]:
    """Every committed record of the topic of role, from its start to its last stable offset."""
    topic = topology.name(role)
    consumer = clients.consumer(
        settings,
        f"faults-read-{uuid.uuid4().hex}",
        **{"enable.partition.eof": True, "isolation.level": "read_committed"},
    )
    values: list[bytes] = []
    try:
        pending = {tp.partition for tp in end_offsets(consumer, topic) if tp.offset > 0}
        consumer.assign([TopicPartition(topic, p, 0) for p in pending])
        while pending:
            message = consumer.poll(1.0)
            if message is None:
                continue
            error = message.error()
            if error is None:
                values.append(message.value() or b"")
            elif error.code() == KafkaError._PARTITION_EOF:
                pending.discard(int(message.partition() or 0))
    finally:
        consumer.close()
    return values


def trace_ids_out(settings: Settings, topology: Topology) -> dict[str, set[str]]:
    """Trace ids found on each terminal topic (read_committed, from the start)."""
    found: dict[str, set[str]] = defaultdict(set)
    for value in read_committed(settings, topology, "enriched"):
        found["enriched"].add(decode(EnrichedArticle, value).article.trace_id)
    for value in read_committed(settings, topology, "duplicates"):
        found["duplicates"].add(decode(DedupVerdict, value).trace_id)
    for value in read_committed(settings, topology, "deadletter"):
        found["deadletter"].add(decode(DeadLetter, value).trace_id)
    return found


def count(settings: Settings, topology: Topology, traced: set[str], outcome: Outcome) -> None:
    enriched = [decode(EnrichedArticle, v) for v in read_committed(settings, topology, "enriched")]
    claims = [decode(Claim, v) for v in read_committed(settings, topology, "claims")]
    duplicates = {decode(DedupVerdict, v).trace_id for v in read_committed(settings, topology, "duplicates")}
    dead = {decode(DeadLetter, v).trace_id for v in read_committed(settings, topology, "deadletter")}
    by_article = Counter(e.article.article_id for e in enriched)
    by_claim = Counter(c.claim_id for c in claims)
    enriched_traces = {e.article.trace_id for e in enriched}
    out = (enriched_traces | duplicates | dead) & traced
    outcome.out, outcome.lost = len(out), len(traced - out)
    outcome.enriched_ids = len(by_article)
    outcome.enriched_doubled = sum(1 for n in by_article.values() if n > 1)
    outcome.enriched_extra = sum(n - 1 for n in by_article.values())
    outcome.claim_ids = len(by_claim)
    outcome.claims_doubled = sum(1 for n in by_claim.values() if n > 1)
    outcome.claims_extra = sum(n - 1 for n in by_claim.values())
    outcome.false_duplicates = len(enriched_traces & duplicates)
    outcome.dead_letters = len(dead & traced)


def outage(fault: str, broker: LocalBroker | None, notes: list[str]) -> None:
    pid = broker.pid() if broker is not None else None
    if broker is None or pid is None:
        notes.append(f"{fault}: needs the local broker, skipped")
        return
    if fault == "freeze":
        os.kill(pid, signal.SIGSTOP)
        try:
            time.sleep(20)
        finally:
            os.kill(pid, signal.SIGCONT)
    else:
        stopped = time.monotonic()
        broker.stop()
        time.sleep(max(0.0, 15 - (time.monotonic() - stopped)))
        broker.start()
    notes.append(f"{fault} fired")


def run_one(
    base: Settings, paths: list[Path], fault: str, args: argparse.Namespace, broker: LocalBroker | None
) -> Outcome:
    prefix = f"faults-{fault}-{uuid.uuid4().hex[:8]}."
    log_dir = Path(tempfile.mkdtemp(prefix=f"faults-{fault}-"))
    settings = base.model_copy(update={"topic_prefix": prefix, "cache_dir": log_dir / "cache"})
    topology = Topology.from_settings(settings)
    ensure_topics(settings, topology)
    outcome = Outcome(fault=fault)
    fetch = start_process("fetch", settings, log_dir / "fetch.log")
    stream = StreamWorkers(settings, log_dir)
    stream.start()
    try:
        wait_stream_ready(settings, 1)
        started = time.monotonic()
        traced = publish(settings, topology, paths)
        outcome.documents = len(traced)
        fired = fault == "none"
        deadline = started + args.timeout
        while time.monotonic() < deadline:
            elapsed = time.monotonic() - started
            if not fired and elapsed >= args.at:
                if fault == "fetch-kill":
                    fetch.send_signal(signal.SIGKILL)
                    fetch.wait(30)
                    time.sleep(args.gap)
                    fetch = start_process("fetch", settings, log_dir / "fetch.log")
                    outcome.notes.append("fetch-kill fired")
                elif fault in ("freeze", "restart"):
                    outage(fault, broker, outcome.notes)
                else:
                    fire(fault, stream, args.gap, outcome.notes)
                fired = True
            stream.check(outcome.notes)
            if fetch.poll() is not None:
                outcome.notes.append(f"fetch worker exited with {fetch.returncode}, started again")
                fetch = start_process("fetch", settings, log_dir / "fetch.log")
            if fired and elapsed > args.at + args.gap and _all_out(settings, topology, traced):
                break
            time.sleep(args.poll)
        outcome.seconds = time.monotonic() - started
        time.sleep(args.settle)  # what a zombie or a late commit still writes lands before counting
        count(settings, topology, traced, outcome)
    finally:
        stream.stop()
        stop_process(fetch)
        outcome.restarts = stream.restarts
        outcome.notes.append(f"logs in {log_dir}")
        if not args.keep_topics:
            delete_topics_with_prefix(settings, prefix)
    return outcome


def _all_out(settings: Settings, topology: Topology, traced: set[str]) -> bool:
    found = trace_ids_out(settings, topology)
    return traced <= (found["enriched"] | found["duplicates"] | found["deadletter"])


def fire(fault: str, stream: StreamWorkers, gap: float, notes: list[str]) -> None:
    victim = stream.processes[0]
    if fault == "kill":
        victim.send_signal(signal.SIGKILL)
        victim.wait(30)
        time.sleep(gap)
        stream.processes[0] = stream.start()
        stream.processes.pop()
    elif fault == "term":
        victim.send_signal(signal.SIGTERM)
        try:
            victim.wait(60)
        except subprocess.TimeoutExpired:
            notes.append("SIGTERM: worker still running after 60 s, killed")
            victim.kill()
            victim.wait(30)
        stream.processes[0] = stream.start()
        stream.processes.pop()
    elif fault == "join":
        stream.start()
    notes.append(f"{fault} fired")


def table(outcomes: list[Outcome]) -> str:
    head = (
        "| fault | documents out | lost | doubled on enriched: ids (+copies) | doubled on claims: ids (+copies) "
        "| false dup verdicts | dead letters | seconds | stall restarts |"
    )
    rows = [head, "|" + "---|" * 9]
    for o in outcomes:
        rows.append(
            f"| {o.fault} | {o.out}/{o.documents} | {o.lost} | {o.enriched_doubled} (+{o.enriched_extra}) "
            f"of {o.enriched_ids} | {o.claims_doubled} (+{o.claims_extra}) of {o.claim_ids} "
            f"| {o.false_duplicates} | {o.dead_letters} | {o.seconds:.0f} | {o.restarts} |"
        )
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--fault", nargs="+", choices=FAULTS, default=["kill"])
    parser.add_argument("--at", type=float, default=10.0, help="seconds after publishing starts")
    parser.add_argument("--gap", type=float, default=3.0, help="seconds before the new worker (kill)")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds for every document to come out")
    parser.add_argument("--settle", type=float, default=10.0, help="seconds waited before counting")
    parser.add_argument("--poll", type=float, default=3.0, help="seconds between checks of the outputs")
    parser.add_argument("--partitions", type=int, default=6)
    parser.add_argument("--session-timeout", type=float, default=6.0)
    parser.add_argument("--keep-topics", action="store_true")
    args = parser.parse_args(argv)

    base = Settings()
    base = base.model_copy(
        update={
            "partitions": args.partitions,
            "session_timeout_s": args.session_timeout,
            "stall_after_s": 60.0,
            "watchdog_interval_s": 5.0,
            "metrics_port": 0,
        }
    )
    broker = None
    if base.bootstrap_servers is None:
        broker = LocalBroker.from_settings(base)
        broker.start()
    base = base.model_copy(update={"bootstrap_servers": base.bootstrap})
    outcomes = []
    for fault in args.fault:
        outcome = run_one(base, args.paths, fault, args, broker)
        outcomes.append(outcome)
        print(f"{fault}: " + "; ".join(outcome.notes), file=sys.stderr, flush=True)
    print(table(outcomes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
