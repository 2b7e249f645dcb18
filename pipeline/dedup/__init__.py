"""Dedup: exact duplicates (canonical URL, normalized-text hash) and near duplicates (MinHash-LSH).

Every step is a pure function over mappings, so ``news-ingest process`` runs them with dicts and
the stream with stream tables, one agent per step, repartitioned so that candidates meet.
"""

from pipeline.dedup.bands import Candidate, Member, earliest_match, probe
from pipeline.dedup.exact import check_content, check_url
from pipeline.dedup.judge import DedupConfig, DedupStores, decide, judge, probes
from pipeline.dedup.signatures import MinHashParams

__all__ = [
    "Candidate",
    "DedupConfig",
    "DedupStores",
    "Member",
    "MinHashParams",
    "check_content",
    "check_url",
    "decide",
    "earliest_match",
    "judge",
    "probe",
    "probes",
]
