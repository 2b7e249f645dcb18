"""Precision and recall of the claims stage on PolNeAR, a public corpus of news attributions.

Usage: .venv/bin/python bench/claims_quality.py PATH/TO/PolNeAR/data [--split dev [--split test ...]]
       [--limit N] [--errors K] [--misses K] [--runs N]

PolNeAR (networkdynamics/PolNeAR on GitHub, MIT licence) annotates every attribution of 1,008 US
political news articles as standoff spans: Source, Cue, Content. The corpus stays outside this
repository; pass the path of its ``data`` directory (the one holding ``train/``, ``dev/``, ``test/``).

Every article runs through the real date-stamp stage (publication date from the corpus metadata)
and ``find_located_claims``. A claim matches a gold attribution when its cue overlaps the gold cue;
the (speaker, cue) pair is right when the speaker phrase also overlaps the gold source span (or the
resolved speaker name shares a word with it). Printed:

  pairs        precision = right pairs / claims found; recall = gold attributions matched / gold
               attributions with a source, on all of them and on the fixed-verb subset;
  fixed verbs  gold attributions whose cue holds a form of one of FIXED_VERBS (a list set once,
               independent of the claims lexicon, so growing the lexicon cannot move the
               denominator); its precision is over the claims whose own cue holds such a form;
  content      word overlap of claim content with gold content over the right pairs (precision:
               share of the claim's words inside the gold content; recall: share of gold words found).
"""

from __future__ import annotations

import argparse
import csv
import re
import statistics
import sys
import time
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.claims.extract import Located, find_located_claims  # noqa: E402
from pipeline.datestamp import stamp  # noqa: E402
from pipeline.models import Article, DateHint, DateStamp, stable_id  # noqa: E402

Spans = tuple[tuple[int, int], ...]
_WORD = re.compile(r"\w+")

# Verbs of saying, as the issue that asked for this subset lists them; forms spelled out, no stemming.
FIXED_VERBS: dict[str, tuple[str, ...]] = {
    "say": ("say", "says", "said", "saying"),
    "tell": ("tell", "tells", "told", "telling"),
    "according to": ("according to",),
    "add": ("add", "adds", "added", "adding"),
    "announce": ("announce", "announces", "announced", "announcing"),
    "state": ("state", "states", "stated", "stating"),
    "claim": ("claim", "claims", "claimed", "claiming"),
    "argue": ("argue", "argues", "argued", "arguing"),
    "insist": ("insist", "insists", "insisted", "insisting"),
    "warn": ("warn", "warns", "warned", "warning"),
    "note": ("note", "notes", "noted", "noting"),
    "explain": ("explain", "explains", "explained", "explaining"),
    "confirm": ("confirm", "confirms", "confirmed", "confirming"),
    "deny": ("deny", "denies", "denied", "denying"),
    "write": ("write", "writes", "wrote", "written", "writing"),
    "report": ("report", "reports", "reported", "reporting"),
    "ask": ("ask", "asks", "asked", "asking"),
    "reply": ("reply", "replies", "replied", "replying"),
    "respond": ("respond", "responds", "responded", "responding"),
    "suggest": ("suggest", "suggests", "suggested", "suggesting"),
    "acknowledge": ("acknowledge", "acknowledges", "acknowledged", "acknowledging"),
    "admit": ("admit", "admits", "admitted", "admitting"),
    "comment": ("comment", "comments", "commented", "commenting"),
    "declare": ("declare", "declares", "declared", "declaring"),
    "describe": ("describe", "describes", "described", "describing"),
    "predict": ("predict", "predicts", "predicted", "predicting"),
    "promise": ("promise", "promises", "promised", "promising"),
    "reveal": ("reveal", "reveals", "revealed", "revealing"),
    "tweet": ("tweet", "tweets", "tweeted", "tweeting"),
    "post": ("post", "posts", "posted", "posting"),
}
_FIXED = re.compile(r"\b(?:" + "|".join(f for forms in FIXED_VERBS.values() for f in forms) + r")\b", re.IGNORECASE)


@dataclass
class Gold:
    source: Spans = ()
    cue: Spans = ()
    content: Spans = ()


@dataclass
class Tally:
    found: int = 0
    right_pairs: int = 0
    right_cues: int = 0
    fixed_found: int = 0
    fixed_right: int = 0
    gold_sourced: int = 0
    gold_fixed: int = 0
    matched_sourced: int = 0
    matched_fixed: int = 0
    content_p: list[float] = field(default_factory=list)
    content_r: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)


def parse_ann(path: Path) -> list[Gold]:
    spans: dict[str, tuple[str, Spans]] = {}
    relations: list[dict[str, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if line.startswith("T") and len(parts) >= 2:
            kind, _, offsets = parts[1].partition(" ")
            pieces = tuple(tuple(int(x) for x in p.split()) for p in offsets.split(";"))
            spans[parts[0]] = (kind, tuple((p[0], p[1]) for p in pieces if len(p) == 2))
        elif line.startswith("E") and len(parts) >= 2:
            relations.append(dict(arg.split(":", 1) for arg in parts[1].split() if ":" in arg))
    golds = []
    for relation in relations:
        gold = Gold()
        for role in ("Source", "Cue", "Content"):
            if role in relation and relation[role] in spans:
                setattr(gold, role.lower(), spans[relation[role]][1])
        if gold.cue:
            golds.append(gold)
    return golds


def overlaps(span: tuple[int, int], spans: Spans) -> bool:
    return any(span[0] < end and start < span[1] for start, end in spans)


def words(text: str, spans: Spans) -> set[tuple[int, str]]:
    return {(m.start() + s, m.group().lower()) for s, e in spans for m in _WORD.finditer(text[s:e])}


def speaker_right(located: Located, gold: Gold, text: str) -> bool:
    if overlaps(located.speaker, gold.source):
        return True
    gold_words = {w for _, w in words(text, gold.source)}
    return bool({w.lower() for w in _WORD.findall(located.claim.speaker.name)} & gold_words - {"the", "a", "of"})


def fixed_verb(cue: str) -> bool:
    """The cue holds a form of one of FIXED_VERBS."""
    return _FIXED.search(" ".join(cue.split())) is not None


def gold_fixed(gold: Gold, text: str) -> bool:
    return fixed_verb(" ".join(text[s:e] for s, e in gold.cue))


def score_article(text: str, golds: list[Gold], found: list[Located], tally: Tally, name: str) -> None:
    sourced = [g for g in golds if g.source]
    tally.gold_sourced += len(sourced)
    tally.gold_fixed += sum(gold_fixed(g, text) for g in sourced)
    matched: set[int] = set()
    for located in found:
        tally.found += 1
        hits = [i for i, g in enumerate(golds) if overlaps(located.cue, g.cue)]
        right = [i for i in hits if golds[i].source and speaker_right(located, golds[i], text)]
        tally.right_cues += bool(hits)
        own_fixed = fixed_verb(text[located.cue[0] : located.cue[1]])
        tally.fixed_found += own_fixed
        tally.fixed_right += own_fixed and bool(right)
        if not right:
            gold_source = [text[s:e] for i in hits for s, e in golds[i].source]
            tally.errors.append(f"{name}: {located.claim.speaker.name!r} {located.claim.cue!r} gold={gold_source}")
            continue
        tally.right_pairs += 1
        matched.update(right)
        predicted, wanted = words(text, (located.content,)), words(text, golds[right[0]].content)
        if predicted and wanted:
            tally.content_p.append(len(predicted & wanted) / len(predicted))
            tally.content_r.append(len(predicted & wanted) / len(wanted))
    tally.matched_sourced += len(matched)
    tally.matched_fixed += sum(gold_fixed(golds[i], text) for i in matched)
    for i, gold in enumerate(golds):
        if gold.source and i not in matched and gold_fixed(gold, text):
            cue = " ".join(text[s:e] for s, e in gold.cue)
            source = " ".join(text[s:e] for s, e in gold.source)
            start = min(s for s, _ in (*gold.cue, *gold.source))
            context = " ".join(text[max(0, start - 60) : start + 140].split())
            tally.misses.append(f"{name}: source={source!r} cue={cue!r} | {context}")


def load_dates(data: Path) -> dict[str, str]:
    with (data / "metadata.tsv").open(encoding="utf-8") as handle:
        return {row["filename"]: row["publication_date"] for row in csv.DictReader(handle, delimiter="\t")}


def article_of(name: str, text: str, published: str | None) -> Article:
    hints = (DateHint(text=published, source="metadata"),) if published else ()
    now = datetime.now(UTC)
    return Article(
        article_id=stable_id("polnear", name),
        trace_id=name,
        source=name,
        text=text,
        content_hash=stable_id(text),
        date_hints=hints,
        extractor="text-capture",
        extracted_at=now,
    )


def run(data: Path, split: str, limit: int | None) -> tuple[Tally, list[tuple[Article, DateStamp]], float]:
    dates = load_dates(data)
    tally = Tally()
    texts = sorted((data / split / "text").glob("*.txt"))[:limit]
    annotations = sorted((data / split / "attributions").glob("*.ann"))
    annotation_names = [a.name for a in annotations]
    seconds = 0.0
    scored: list[tuple[Article, DateStamp]] = []
    for path in texts:
        name = path.stem
        first = bisect_left(annotation_names, f"{name}_")  # the first of the article's "<name>_*.ann"
        if first == len(annotations) or not annotation_names[first].startswith(f"{name}_"):
            continue
        text = path.read_text(encoding="utf-8")
        article = article_of(name, text, dates.get(name))
        date_stamp = stamp(article, ingested_at=article.extracted_at)
        started = time.perf_counter()
        found = find_located_claims(article, date_stamp)
        seconds += time.perf_counter() - started
        score_article(text, parse_ann(annotations[first]), found, tally, name)
        scored.append((article, date_stamp))
    return tally, scored, seconds


def rates(items: list[tuple[Article, DateStamp]], rounds: int) -> list[float]:
    """Articles per second of the claims stage alone, one figure per round over all ``items``."""
    figures = []
    for _ in range(rounds):
        started = time.perf_counter()
        for article, date_stamp in items:
            find_located_claims(article, date_stamp)
        figures.append(len(items) / (time.perf_counter() - started))
    return figures


def ratio(a: int, b: int) -> float:
    return a / b if b else 0.0


def report(split: str, tally: Tally, articles: int, seconds: float) -> None:
    p = ratio(tally.right_pairs, tally.found)
    r_all = ratio(tally.matched_sourced, tally.gold_sourced)
    p_fixed = ratio(tally.fixed_right, tally.fixed_found)
    r_fixed = ratio(tally.matched_fixed, tally.gold_fixed)
    print(f"[{split}] articles: {articles}, claims found: {tally.found}, gold attributions with a source: ", end="")
    print(f"{tally.gold_sourced}, of them fixed-verb: {tally.gold_fixed}")
    print(f"[{split}] cue precision (claim cue on a gold cue): {ratio(tally.right_cues, tally.found):.3f}")
    print(f"[{split}] all attributions: (speaker, cue) precision {p:.3f}, recall {r_all:.3f}, F1 {f1(p, r_all):.3f}")
    print(f"[{split}] fixed-verb subset: (speaker, cue) precision {p_fixed:.3f} ({tally.fixed_found} claims), ", end="")
    print(f"recall {r_fixed:.3f}, F1 {f1(p_fixed, r_fixed):.3f}")
    if tally.content_p:
        cp, cr = statistics.fmean(tally.content_p), statistics.fmean(tally.content_r)
        print(f"[{split}] content word overlap on right pairs: precision {cp:.3f}, recall {cr:.3f}", end="")
        print(f", F1 {f1(cp, cr):.3f}")
    print(f"[{split}] claims stage alone: {articles / seconds:,.0f} articles/s (scoring pass)" if seconds else "")


def f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, help="PolNeAR's data directory")
    parser.add_argument("--split", action="append", choices=["train", "dev", "test"], help="repeat for more rows")
    parser.add_argument("--limit", type=int, default=None, help="first N articles only")
    parser.add_argument("--runs", type=int, default=0, help="time the claims stage over N more rounds (median)")
    parser.add_argument("--errors", type=int, default=0, help="print the first K wrong claims")
    parser.add_argument("--misses", type=int, default=0, help="print the first K missed fixed-verb attributions")
    args = parser.parse_args()
    for split in args.split or ["dev"]:
        tally, items, seconds = run(args.data, split, args.limit)
        report(split, tally, len(items), seconds)
        if args.runs:
            figures = rates(items, args.runs)
            median = statistics.median(figures)
            print(f"[{split}] claims stage alone, median of {args.runs} rounds: {median:,.0f} articles/s", end="")
            print(f" (rounds {min(figures):,.0f}-{max(figures):,.0f})")
        for line in tally.errors[: args.errors]:
            print("  wrong:", line)
        for line in tally.misses[: args.misses]:
            print("  missed:", line)


if __name__ == "__main__":
    main()
