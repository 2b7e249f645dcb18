"""What came out of the pipeline for each document, counted from the topics by id, for fault tests.

Every topic is read with ``isolation.level=read_committed``, as every consumer we ship reads:
an aborted transaction counts for nothing. A document is out when its trace id is on
``news.articles.enriched``, ``news.duplicates`` or ``news.deadletter``; it is doubled on a topic
when its id is there more than once: ``news.articles`` (one article per document, by trace id:
only the fetch workers write it), ``news.articles.enriched`` (by article id), ``news.claims``
(by claim id, beyond what the enriched articles carry), ``news.duplicates`` and
``news.deadletter`` (by trace id).

Also here: a varied corpus to replay, and the conditions fault tests wait on (workers in their
groups, every input a group reads processed and committed).
"""

from __future__ import annotations

import random
import shutil
import time
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from confluent_kafka import ConsumerGroupState, ConsumerGroupTopicPartitions, KafkaError, KafkaException, TopicPartition

from pipeline.codec import DecodeError, decode, decode_all
from pipeline.config import Settings
from pipeline.dedup.messages import BandProbe, DecideMessage
from pipeline.documents import read_all
from pipeline.kafka import clients
from pipeline.kafka.admin import admin_client, read_partitions
from pipeline.models import (
    Article,
    Capture,
    Claim,
    Contract,
    DeadLetter,
    DedupVerdict,
    EnrichedArticle,
    UniqueArticle,
)
from pipeline.topology import Role, Topology
from tests.dedup_corpus import make_vocabulary, page_text, story
from tests.seeds import SEED_FILES

M = TypeVar("M", bound=Contract)
READ_COMMITTED = {"isolation.level": "read_committed", "enable.partition.eof": True}
OUTCOMES: tuple[Role, ...] = ("enriched", "duplicates", "deadletter")
DOUBLED: tuple[Role, ...] = ("articles", "enriched", "claims", "duplicates", "deadletter")


# --- a varied corpus --------------------------------------------------------------------------


def varied_corpus(dest: Path, *, stories: int = 30, seed: int = 11) -> Path:
    """The seeds, one numbered near copy of each (a correction paragraph added: a near
    duplicate), ``stories`` distinct stories with attributed claims, an empty file (a dead letter
    from the reader) and a page with no article (a dead letter from extraction)."""
    dest.mkdir(parents=True, exist_ok=True)
    for i, path in enumerate(SEED_FILES):
        shutil.copy(path, dest / path.name)
        lines = path.read_text(encoding="utf-8").splitlines()
        at = max(range(len(lines)), key=lambda n: len(lines[n]))  # after the longest paragraph
        note = f"Correction {i + 1}: an earlier version of this report gave the wrong figure in paragraph {i + 3}."
        (dest / f"{path.stem}-copy-{i + 1}.txt").write_text("\n".join([*lines[: at + 1], "", note, *lines[at + 1 :]]))
    for i, (title, paragraphs) in enumerate(stories_with_claims(stories, seed=seed)):
        (dest / f"story-{i:03d}.txt").write_text(f"{title}\n\n" + page_text(paragraphs, i), encoding="utf-8")
    (dest / "empty.txt").write_bytes(b"")
    (dest / "nothing.html").write_text("<html><head><title>x</title></head><body><nav>Home</nav></body></html>")
    return dest


def stories_with_claims(n: int, *, seed: int) -> list[tuple[str, list[str]]]:
    """n distinct stories (title, paragraphs), each with a quote and a reported statement of a
    named speaker: claims on ``news.claims``."""
    rng = random.Random(seed)  # noqa: S311 - test data, reproducible by seed
    vocabulary = make_vocabulary(rng)

    def name() -> str:
        return rng.choice(vocabulary).capitalize()

    made = []
    for i in range(n):
        speaker, town = f"{name()} {name()}", name()
        paragraphs = story(rng, vocabulary)
        works = rng.choice(vocabulary)
        quote = f'"The {works} works will be finished by June," {speaker}, the mayor of {town}, said on Tuesday.'
        paragraphs.insert(1, quote)
        paragraphs.insert(3, f"{speaker} told reporters that the council would not raise fares in {town} this year.")
        made.append((f"Story number {i}: {town} council", paragraphs))
    return made


def trace_ids(corpus: Path, settings: Settings) -> set[str]:
    """The trace id of every document replay publishes for the corpus."""
    items = read_all([corpus], max_bytes=settings.max_document_bytes)
    return {item.capture_id if isinstance(item, Capture) else item.trace_id for item in items}


# --- reading topics as committed --------------------------------------------------------------


def committed_records(settings: Settings, topic: str, model: type[M], timeout_s: float = 60.0) -> list[M]:
    """Every committed record of topic, from the start to the end of each partition (waiting out
    a transaction still open there)."""
    partitions = admin_client(settings).list_topics(topic, timeout=10).topics[topic].partitions
    wanted = [TopicPartition(topic, p) for p in sorted(partitions)]
    group, deadline = f"accounting-{uuid.uuid4().hex}", time.monotonic() + timeout_s
    items = [
        i for m in read_partitions(settings, wanted, deadline, group) for i in decode_all(model, m.value(), many=True)
    ]
    assert not any(isinstance(i, DecodeError) for i in items), [i for i in items if isinstance(i, DecodeError)][:1]
    return [i for i in items if not isinstance(i, DecodeError)]


class Outcomes:
    """The trace ids that have come out so far on these topics (the far end by default: any
    outcome; ``("articles",)`` for the fetch workers' output), read as they arrive (read_committed)."""

    def __init__(self, settings: Settings, roles: tuple[Role, ...] = OUTCOMES) -> None:
        topology = Topology.from_settings(settings)
        self.names = {topology.name(role): role for role in roles}
        self.consumer = clients.consumer(settings, f"outcomes-{uuid.uuid4().hex}", **READ_COMMITTED)
        partitions = []
        for name in self.names:
            count = len(self.consumer.list_topics(name, timeout=10).topics[name].partitions)
            partitions += [TopicPartition(name, p, 0) for p in range(count)]
        self.consumer.assign(partitions)
        self.seen: set[str] = set()

    def poll(self, wanted: set[str], timeout_s: float = 0.5) -> int:
        """Read what has arrived; how many wanted trace ids are out."""
        for message in self.consumer.consume(num_messages=500, timeout=timeout_s):
            if message.error() is None:
                self.seen.add(_trace_of(self.names[str(message.topic())], message.value()))
        return len(self.seen & wanted)

    def close(self) -> None:
        self.consumer.close()


def _trace_of(role: Role, value: bytes | None) -> str:
    if role == "articles":
        return decode(Article, value).trace_id
    if role == "enriched":
        return decode(EnrichedArticle, value).article.trace_id
    if role == "duplicates":
        return decode(DedupVerdict, value).trace_id
    return decode(DeadLetter, value).trace_id


# --- the accounting ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Accounting:
    documents: int
    out: Counter[str]  # outcome role -> documents
    lost: tuple[str, ...]
    doubled: dict[str, int]  # topic role -> ids there more than once
    extra: dict[str, int]  # topic role -> copies beyond the first
    in_two_forms: int  # documents out as two different outcomes (an article and a verdict, say)
    enriched: int = 0  # distinct enriched articles
    claims: int = 0  # the claims they carry
    claims_missing: int = 0  # claim ids an enriched article carries that news.claims lacks
    claims_orphan: int = 0  # claims on news.claims of one of our articles that no enriched article carries
    examples: dict[str, list[str]] = field(default_factory=dict)

    @property
    def out_total(self) -> int:
        return self.documents - len(self.lost)

    def line(self) -> str:
        doubled = ", ".join(f"{role} {self.doubled[role]} (+{self.extra[role]})" for role in DOUBLED)
        outcomes = ", ".join(f"{role} {self.out[role]}" for role in OUTCOMES)
        return (
            f"documents {self.documents}, out {self.out_total} ({outcomes}), lost {len(self.lost)}, "
            f"doubled ids (+extra copies): {doubled}; in two forms {self.in_two_forms}; "
            f"enriched articles {self.enriched} carrying {self.claims} claims "
            f"({self.claims_missing} missing on the claims topic, {self.claims_orphan} there without an article)"
        )


def account(settings: Settings, wanted: set[str]) -> Accounting:
    """Count the outcomes of the documents whose trace ids are wanted, and every id doubled."""
    topology = Topology.from_settings(settings)
    articles = [a for a in committed_records(settings, topology.name("articles"), Article) if a.trace_id in wanted]
    enriched = [
        e
        for e in committed_records(settings, topology.name("enriched"), EnrichedArticle)
        if e.article.trace_id in wanted
    ]
    duplicates = [
        d for d in committed_records(settings, topology.name("duplicates"), DedupVerdict) if d.trace_id in wanted
    ]
    letters = [x for x in committed_records(settings, topology.name("deadletter"), DeadLetter) if x.trace_id in wanted]
    first_of_article = {e.article.article_id: e for e in reversed(enriched)}
    expected = Counter(c.claim_id for e in first_of_article.values() for c in e.claims)
    ours = {a.article_id for a in articles} | set(first_of_article)
    observed = Counter(
        c.claim_id for c in committed_records(settings, topology.name("claims"), Claim) if c.article_id in ours
    )
    counts: dict[str, Counter[str]] = {
        "articles": Counter(a.trace_id for a in articles),
        "enriched": Counter(e.article.article_id for e in enriched),
        # a claim id counts as doubled when it is there more often than the enriched articles say
        "claims": Counter({cid: n - expected[cid] + 1 for cid, n in observed.items() if cid in expected}),
        "duplicates": Counter(d.trace_id for d in duplicates),
        "deadletter": Counter(x.trace_id for x in letters),
    }
    forms: dict[str, set[str]] = {}
    for role, ids in (
        ("enriched", (e.article.trace_id for e in enriched)),
        ("duplicates", (d.trace_id for d in duplicates)),
        ("deadletter", (x.trace_id for x in letters)),
    ):
        for trace in ids:
            forms.setdefault(trace, set()).add(role)
    out = Counter(role for roles in forms.values() for role in roles)
    return Accounting(
        documents=len(wanted),
        out=out,
        lost=tuple(sorted(wanted - set(forms))),
        doubled={role: sum(1 for n in counts[role].values() if n > 1) for role in DOUBLED},
        extra={role: sum(n - 1 for n in counts[role].values() if n > 1) for role in DOUBLED},
        in_two_forms=sum(1 for roles in forms.values() if len(roles) > 1),
        enriched=len(first_of_article),
        claims=sum(expected.values()),
        claims_missing=sum(1 for cid, n in expected.items() if observed[cid] < n),
        claims_orphan=sum(n for cid, n in observed.items() if cid not in expected),
        examples={role: sorted(i for i, n in counts[role].items() if n > 1)[:5] for role in DOUBLED},
    )


# --- where along the stream ------------------------------------------------------------------

# the topics of the stream in order, each with the stage that writes it (the internal ones hold
# only what crossed between workers: a worker makes the hops to partitions it holds itself)
TRAIL: tuple[tuple[Role, str], ...] = (
    ("articles", "fetch worker"),
    ("dedup_keyed", "dedup-route"),
    ("dedup_bands", "dedup-exact"),
    ("dedup_decide", "dedup-exact and dedup-band"),
    ("unique", "dedup-decide"),
    ("enriched", "enrich"),
)


@dataclass(frozen=True)
class Trail:
    """Per topic of the stream: units there more than once (an article, or one band of it) and
    their extra copies; and for each lost document, the last topic it reached."""

    doubled: dict[str, tuple[int, int]]
    lost_last_seen: Counter[str]
    # for each lost article that reached dedup-decide: what reached it there
    undecided: list[str] = field(default_factory=list)

    def line(self) -> str:
        doubled = ", ".join(
            f"{role} [{stage}] {self.doubled[role][0]} (+{self.doubled[role][1]})" for role, stage in TRAIL
        )
        undecided = f"; on dedup-decide: {'; '.join(self.undecided)}" if self.undecided else ""
        last = dict(self.lost_last_seen) or "-"
        return f"doubled along the stream: {doubled}; lost documents last seen on: {last}{undecided}"


def trail(settings: Settings, wanted: set[str], lost: Iterable[str] = ()) -> Trail:
    """How the documents whose trace ids are wanted went along the stream's topics."""
    topology = Topology.from_settings(settings)

    def read(role: Role, model: type[M]) -> list[M]:
        return committed_records(settings, topology.name(role), model)

    fetched = [a for a in read("articles", Article) if a.trace_id in wanted]
    article_of = {a.trace_id: a.article_id for a in fetched}
    # documents per article id: two copies of one text are one article id downstream
    documents_of = Counter(article_of.values())

    def beyond_documents(keys: Iterable[str]) -> Counter[str]:
        """Per unit (an article id, or article id/band): 1 when there at most once per document
        of its article, more when it is there more often (the extra copies plus one)."""
        counts = Counter(k for k in keys if k.split("/")[0] in documents_of)
        return Counter({k: max(1, n - documents_of[k.split("/")[0]] + 1) for k, n in counts.items()})

    decide_messages = read("dedup_decide", DecideMessage)
    units: dict[str, Counter[str]] = {
        "articles": Counter(a.trace_id for a in fetched),  # one article per document
        "dedup_keyed": beyond_documents(a.article_id for a in read("dedup_keyed", Article)),
        "dedup_bands": beyond_documents(
            f"{p.article_id}/{b.band}" for p in read("dedup_bands", BandProbe) for b in p.band_keys()
        ),
        "dedup_decide": beyond_documents(
            f"{m.article_id}/{band}"
            for m in decide_messages
            for band in (("article",) if m.article else m.bands_covered())
        ),
        "unique": beyond_documents(u.article.article_id for u in read("unique", UniqueArticle)),
        "enriched": beyond_documents(e.article.article_id for e in read("enriched", EnrichedArticle)),
    }
    present = {role: {k.split("/")[0] for k in c} for role, c in units.items()}
    present["articles"] = set(documents_of)
    last_seen: Counter[str] = Counter()
    for trace in lost:
        seen = [role for role, _ in TRAIL if article_of.get(trace) in present[role]]
        last_seen[seen[-1] if seen else "(not on news.articles)"] += 1
    doubled = {role: _doubled(c) for role, c in units.items()}
    stuck = sorted({article_of[t] for t in lost if t in article_of and article_of[t] not in present["unique"]})
    return Trail(doubled, last_seen, [_undecided(a, decide_messages) for a in stuck if a in present["dedup_decide"]])


def _undecided(article_id: str, messages: list[DecideMessage]) -> str:
    """What dedup-decide was given for one article: its bands, and the replies of later-ranked
    similar articles it had to wait for."""
    mine = [m for m in messages if m.article_id == article_id]
    bands = next((m.bands for m in mine if m.article is not None), None)
    seen = sorted({band for m in mine for band in m.bands_covered()})
    later = {c.article_id for m in mine for c in m.later}
    replies = {m.reply_from.article_id for m in mine if m.reply_from is not None}
    asked = sum(1 for m in mine if m.earlier is not None)
    return (
        f"{article_id[:12]} article {'in' if bands is not None else 'missing'}, bands {len(seen)}/{bands}, "
        f"replies {len(replies & later)}/{len(later)}, asked {asked}"
    )


def _doubled(counts: Counter[str]) -> tuple[int, int]:
    """Keys there more than once, and their copies beyond the first."""
    return sum(n > 1 for n in counts.values()), sum(n - 1 for n in counts.values() if n > 1)


# --- conditions to wait on --------------------------------------------------------------------


def group_stable(settings: Settings, group: str, members: int = 1) -> bool:
    """The consumer group (its full id) is stable with this many members."""
    admin = admin_client(settings)
    try:
        description = admin.describe_consumer_groups([group])[group].result(timeout=10)
    except (KafkaException, TimeoutError):  # the coordinator is loading or away: not stable yet
        return False
    return bool(description.state == ConsumerGroupState.STABLE and len(description.members) == members)


def unprocessed(settings: Settings, group: str, topics: Iterable[str]) -> dict[str, int]:
    """Committed records past the group's committed offsets, per topic, on the partitions of
    these topics its members are assigned; {} once the group has processed and committed all
    its input. A group that is not stable counts as one record behind."""
    wanted = set(topics)
    admin = admin_client(settings)
    try:
        description = admin.describe_consumer_groups([group])[group].result(timeout=10)
        if description.state != ConsumerGroupState.STABLE:
            return {f"(group {description.state.name.lower()})": 1}
        assigned = [
            TopicPartition(tp.topic, tp.partition)
            for member in description.members
            for tp in member.assignment.topic_partitions
            if tp.topic in wanted
        ]
        request = [ConsumerGroupTopicPartitions(group, assigned)]
        offsets = admin.list_consumer_group_offsets(request)[group].result(timeout=10).topic_partitions
    except (KafkaException, TimeoutError) as exc:
        return {f"(group unreadable: {exc!r})": 1}
    start = [TopicPartition(tp.topic, tp.partition, max(tp.offset, 0)) for tp in offsets]
    return _records_after(settings, start)


def _records_after(settings: Settings, start: list[TopicPartition], timeout_s: float = 30.0) -> dict[str, int]:
    if not start:
        return {}
    consumer = clients.consumer(settings, f"behind-{uuid.uuid4().hex}", **READ_COMMITTED)
    behind: Counter[str] = Counter()
    try:
        consumer.assign(start)
        pending = {(tp.topic, tp.partition) for tp in start}
        deadline = time.monotonic() + timeout_s
        while pending and time.monotonic() < deadline:
            message = consumer.poll(0.5)
            if message is None:
                continue
            where = (str(message.topic()), int(message.partition() or 0))
            error = message.error()
            if error is None:
                behind[where[0]] += 1
                pending.discard(where)  # one record past the commit is enough to know
            elif error.code() == KafkaError._PARTITION_EOF:
                pending.discard(where)
        for topic, _ in pending:
            behind[f"{topic} (not read)"] += 1
    finally:
        consumer.close()
    return dict(behind)
