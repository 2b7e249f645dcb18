"""The fetch worker: a confluent-kafka consumer group over ``news.fetch``, its retries and ``news.captures``.

Messages are handled concurrently (one request at a time per host); each leaves as an
article, a retry for later or a dead letter. Outputs and consumer offsets are committed in
one Kafka transaction, and only for each partition's done prefix, so a worker killed
mid-fetch loses nothing and duplicates nothing: its uncommitted messages are redelivered.
A commit that fails while the broker is away is held, retried or made again in a new
transaction, and consumption pauses meanwhile (``transactions``); only a fatal error (the
producer fenced) ends the worker.
"""

from __future__ import annotations

import asyncio
import threading
import time
import uuid

import httpx
import structlog
from confluent_kafka import Consumer, Message, Producer, TopicPartition

from pipeline import metrics
from pipeline.codec import DecodeError, decode
from pipeline.config import Settings
from pipeline.deadman import Deadman
from pipeline.extract import ExtractError, warm_up
from pipeline.fetch import boilerplate_state, http
from pipeline.fetch.ledger import Ledger
from pipeline.fetch.pages import PageFetch, dead_letter, extract_counted
from pipeline.fetch.politeness import HostGate
from pipeline.fetch.robots import RobotsCache
from pipeline.fetch.ssrf import Resolver, system_resolver
from pipeline.kafka import clients
from pipeline.kafka.groups import FETCH_GROUP
from pipeline.kafka.transactions import FATAL_EXIT_CODE, RETRY_FIRST_S, Batch, Committer, TransactionFatal
from pipeline.models import Capture, FetchRequest, stable_id
from pipeline.stopping import stop_on_signals
from pipeline.topology import Output, Partition, Role, Topology

log = structlog.get_logger(__name__)
GROUP = FETCH_GROUP
IDLE_S = 0.05
TRANSACTION_TIMEOUT_MS = 15_000
CLOSE_TIMEOUT_S = 10.0  # commit attempts at stop begin within this; a supervisor kills after 30 s


async def handle(message: Message, topology: Topology, pages: PageFetch) -> Output:
    """The one output of a consumed message (never raises)."""
    started = time.perf_counter()
    source = f"{message.topic()}[{message.partition()}]@{message.offset()}"
    trace = stable_id(str(message.topic()), str(message.partition()), str(message.offset()))
    try:
        if message.topic() == topology.name("captures"):
            metrics.FETCH_MESSAGES.labels("capture").inc()
            capture = decode(Capture, message.value())
            trace, source = capture.capture_id, capture.source
            article = await extract_counted(capture, pages.memory)
            return "articles", article.article_id, article
        metrics.FETCH_MESSAGES.labels("url").inc()
        return await pages.outcome(decode(FetchRequest, message.value()))
    except DecodeError as exc:
        return dead_letter(trace, "fetch", source, "undecodable message", str(exc))
    except ExtractError as exc:
        return dead_letter(trace, "extract", source, exc.reason)
    except Exception as exc:  # noqa: BLE001 - a bug on one document must not stop the worker
        log.exception("unexpected failure", source=source)
        return dead_letter(trace, "fetch", source, f"unexpected {type(exc).__name__}", str(exc))
    finally:
        metrics.STAGE_SECONDS.labels("fetch").observe(time.perf_counter() - started)


class FetchLoop:
    """Consumes, runs each message as a task, and commits done prefixes transactionally.

    While a batch waits for its transaction to commit (a broker outage), consumption pauses:
    the assigned partitions are paused, so the consumer is still polled (rebalances are served)
    but hands out nothing, and held plus in-flight messages stay under ``fetch_max_in_flight``."""

    def __init__(
        self,
        consumer: Consumer,
        producer: Producer,
        topology: Topology,
        pages: PageFetch,
    ) -> None:
        self.consumer, self.producer, self.topology, self.pages = consumer, producer, topology, pages
        self.ledger: Ledger[Output] = Ledger()
        self.tasks: dict[Partition, set[asyncio.Task[None]]] = {}
        self.committer = Committer(producer, consumer, topology)
        self.paused: set[Partition] = set()

    def pump(self) -> int:
        room = self.pages.settings.fetch_max_in_flight - self.ledger.in_flight - self.committer.held
        self._hold(room <= 0 or self.committer.failing)
        batch = self.consumer.consume(num_messages=max(1, min(room, 64)), timeout=0)
        for message in batch:
            if message.error():
                log.warning("consumer error", error=str(message.error()))
                continue
            partition: Partition = (str(message.topic()), int(message.partition() or 0))
            self.ledger.add(partition, int(message.offset() or 0))
            task = asyncio.create_task(self._run(message, partition))
            self.tasks.setdefault(partition, set()).add(task)
            task.add_done_callback(self.tasks[partition].discard)
        return len(batch)

    def _hold(self, hold: bool) -> None:
        """Pause every assigned partition while hold is true; resume them once it is not.

        librdkafka keeps a partition's pause across a rebalance that takes it away and gives it
        back, so everything paused is resumed, assigned now or not."""
        if not hold and not self.paused:
            return
        assigned = {(str(tp.topic), int(tp.partition)) for tp in self.consumer.assignment()}
        if hold:
            pause = assigned - self.paused
            if pause:
                self.consumer.pause([TopicPartition(t, p) for t, p in pause])
                if self.committer.failing:  # not for the in-flight cap, which pauses often and briefly
                    log.info("consumption paused while a commit fails", partitions=len(pause))
            self.paused |= pause
        else:
            self.consumer.resume([TopicPartition(t, p) for t, p in self.paused | assigned])
            self.paused.clear()

    async def _run(self, message: Message, partition: Partition) -> None:
        out = await handle(message, self.topology, self.pages)
        if out[0] == "deadletter":
            metrics.DEAD_LETTERS.labels(getattr(out[2], "stage", "fetch")).inc()
        self.ledger.complete(partition, int(message.offset() or 0), [out])

    def _release(self) -> Batch | None:
        outputs, offsets = self.ledger.release()
        if not offsets:
            return None
        memory = self.pages.memory
        return Batch(outputs, offsets, memory.drain_learned() if memory is not None else [])

    def commit(self, *, wait: bool = True) -> int:
        """Produce the outputs of every done prefix and commit their offsets, atomically; a batch
        whose commit fails is held and tried again on the next call (see ``transactions``)."""
        return self.committer.commit(self._release, wait=wait)

    def revoked(self, consumer: Consumer, partitions: list[TopicPartition]) -> None:
        """Before a rebalance: commit what is done, abandon the rest to the next owner."""
        self.commit(wait=False)
        self.lost(consumer, partitions)

    def lost(self, _consumer: Consumer, partitions: list[TopicPartition]) -> None:
        """Partitions taken away without a chance to commit: drop their work, it will be redelivered."""
        lost = [(str(tp.topic), int(tp.partition)) for tp in partitions]
        for partition in lost:
            for task in self.tasks.pop(partition, set()):
                task.cancel()
        self.ledger.drop(lost)
        self.committer.drop(lost)

    async def close(self, timeout_s: float = CLOSE_TIMEOUT_S) -> None:
        """Stop: cancel what is in flight, commit what is done, within timeout_s if the broker is away."""
        tasks = [task for group in self.tasks.values() for task in group]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        deadline = time.monotonic() + timeout_s
        while True:
            self.commit(wait=False)
            if self.committer.batch is None or time.monotonic() > deadline:
                break
            await asyncio.sleep(RETRY_FIRST_S)
        self.committer.abandon()


def run(
    settings: Settings,
    stop: threading.Event | None = None,
    *,
    resolver: Resolver = system_resolver,
    transport: httpx.AsyncBaseTransport | None = None,
) -> None:
    """Run a fetch worker until stop is set (SIGTERM/SIGINT when none is given); a fatal
    transaction error ends it with FATAL_EXIT_CODE (what it had not committed is redelivered)."""
    try:
        asyncio.run(_serve(settings, stop or stop_on_signals(), resolver, transport))
    except TransactionFatal as exc:
        log.error("fetch worker stopped by a fatal transaction error", error=str(exc))
        raise SystemExit(FATAL_EXIT_CODE) from exc


async def _serve(
    settings: Settings, stop: threading.Event, resolver: Resolver, transport: httpx.AsyncBaseTransport | None
) -> None:
    topology = Topology.from_settings(settings)
    consumer = clients.consumer(settings, GROUP)
    transactional = {"transactional.id": f"{settings.topic_prefix}{GROUP}-{uuid.uuid4().hex}"}
    # a worker killed inside a transaction holds back read_committed readers until this expires
    producer = clients.producer(settings, **transactional, **{"transaction.timeout.ms": TRANSACTION_TIMEOUT_MS})
    producer.init_transactions(60)
    async with http.client(settings, transport) as client:
        fetcher = http.Fetcher(client, settings, resolver)
        memory, follower = boilerplate_state.following_memory(settings, topology)
        pages = PageFetch(fetcher, RobotsCache(fetcher, settings.robots_ttl_s), HostGate(), settings, memory)
        loop = FetchLoop(consumer, producer, topology, pages)
        loop.committer.writer = follower.writer
        deadman = loop.committer.deadman = Deadman(settings.stall_after_s)
        loop.committer.give_up_s = settings.stall_after_s
        roles: tuple[Role, ...] = ("fetch", "fetch_retry", "captures")
        warm_up()  # before joining the group: a member takes partitions only once it can serve them
        consumer.subscribe([topology.name(role) for role in roles], on_revoke=loop.revoked, on_lost=loop.lost)
        log.info("fetch worker started", bootstrap=settings.bootstrap, prefix=settings.topic_prefix)
        try:
            while not stop.is_set():
                deadman.beat()
                await asyncio.sleep(0 if loop.pump() else IDLE_S)
                loop.commit()
                follower.poll()
            await loop.close()
        finally:
            deadman.stop()
            follower.close()
            consumer.close()
    log.info("fetch worker stopped")


__all__ = ["GROUP", "FetchLoop", "handle", "run"]
