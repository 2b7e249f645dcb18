"""The stream against ``news-ingest process`` on one corpus, document by document.

Usage: .venv/bin/python bench/differential.py PATH... [--timeout 900]

Runs the corpus through ``process`` (in process, dicts), then through the local broker with one
fetch worker and one stream worker (``replay``), and compares each document's outcome: dead letter
reason, or article id, verdict, publication date, date expressions, claim ids and failed steps.
A document whose outcome differs only because the stream kept another copy of the same content
(arrival order) is listed as ``order``; every other difference is listed in full.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import uuid
from collections import Counter
from contextlib import ExitStack
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.broker import LocalBroker  # noqa: E402
from pipeline.config import Settings  # noqa: E402
from pipeline.kafka.admin import delete_topics_with_prefix, ensure_topics  # noqa: E402
from pipeline.models import ProcessResult  # noqa: E402
from pipeline.process import process_paths  # noqa: E402
from pipeline.replay import replay  # noqa: E402
from pipeline.runner import running_workers  # noqa: E402
from pipeline.topology import Topology  # noqa: E402


def outcome(result: ProcessResult) -> dict[str, Any]:
    if result.dead_letter is not None:
        return {"dead_letter": result.dead_letter.reason}
    stamp, verdict = result.datestamp, result.dedup
    return {
        "article_id": verdict.article_id if verdict else None,
        "verdict": verdict.verdict if verdict else None,
        "duplicate_of": verdict.duplicate_of if verdict else None,
        "published": (stamp.published, stamp.source, stamp.precision) if stamp else None,
        "expressions": [(e.text, e.value) for e in stamp.expressions] if stamp else None,
        "claims": sorted(c.claim_id for c in result.claims),
        "errors": [(e.step, e.type) for e in result.errors],
    }


def compare(offline: list[ProcessResult], stream: list[ProcessResult]) -> tuple[Counter[str], list[str]]:
    by_source = {r.source: r for r in stream}
    kept = {r.dedup.article_id: outcome(r) for r in offline if r.dedup and r.datestamp}
    tally: Counter[str] = Counter()
    listed = []
    for r in offline:
        other = by_source.get(r.source)
        if other is None:
            tally["missing from the stream"] += 1
            listed.append(f"missing  {r.source}")
            continue
        a, b = outcome(r), outcome(other)
        if a == b:
            tally["same"] += 1
        elif a.get("article_id") == b.get("article_id") and (not other.datestamp or kept.get(b["article_id"]) == b):
            tally["order"] += 1
        else:
            tally["different"] += 1
            listed.append(f"differs  {r.source}\n  process {a}\n  stream  {b}")
    return tally, listed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--timeout", type=float, default=900.0)
    args = parser.parse_args()
    settings = Settings()
    offline = list(process_paths(args.paths, settings))
    with ExitStack() as stack:
        if settings.bootstrap_servers is None:
            broker = LocalBroker.from_settings(settings)
            if broker.start():
                stack.callback(broker.stop)
        prefix = f"diff-{uuid.uuid4().hex[:8]}."
        settings = settings.model_copy(update={"topic_prefix": prefix, "bootstrap_servers": settings.bootstrap})
        ensure_topics(settings, Topology.from_settings(settings))
        stack.callback(delete_topics_with_prefix, settings, prefix)
        logs = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="news-ingest-diff-")))
        workers = stack.enter_context(running_workers(settings, logs))
        summary = replay(args.paths, settings, timeout_s=args.timeout, health_check=workers.check)
    tally, listed = compare(offline, summary.results)
    verdicts = Counter(r.dedup.verdict if r.dedup else "dead letter" for r in offline)
    print(f"documents {len(offline)}  process verdicts {dict(verdicts)}")
    print(f"stream: articles {summary.articles}  duplicates {summary.duplicates}  dead letters {summary.dead_letters}")
    print(f"  arrived twice: {summary.repeated} results, {summary.repeated_claims} claims")
    print("comparison: " + "  ".join(f"{k} {v}" for k, v in sorted(tally.items())))
    for line in listed:
        print(line)


if __name__ == "__main__":
    main()
