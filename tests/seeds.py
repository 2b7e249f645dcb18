"""The seed corpus and its expectations, shared by unit and integration tests."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path
from typing import Any

SEEDS_DIR = Path(__file__).parent / "fixtures" / "seeds"
EXPECTED: dict[str, Any] = json.loads((SEEDS_DIR / "expected.json").read_text(encoding="utf-8"))["seeds"]
SEED_FILES = sorted(SEEDS_DIR.glob("*.txt"))


def norm(text: str) -> str:
    """How expected.json says to compare: NFKC, whitespace runs folded to one space."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()


def speaker_matches(claim: dict[str, Any], speaker_any: list[str]) -> bool:
    names = " | ".join(filter(None, [claim["speaker"]["name"], claim["speaker"].get("role")])).lower()
    return any(candidate.lower() in names for candidate in speaker_any)


def find_expected_claim(claims: list[dict[str, Any]], want: dict[str, Any]) -> dict[str, Any] | None:
    for claim in claims:
        if (
            speaker_matches(claim, want["speaker_any"])
            and claim["cue"].lower() == want["cue"].lower()
            and norm(want["text_contains"]) in norm(claim["text"])
        ):
            return claim
    return None


def check_result(name: str, result: dict[str, Any]) -> list[str]:
    """Every way a result of the whole pipeline for one seed departs from expected.json."""
    want = EXPECTED[name]
    problems = []
    text = norm(result["article"]["text"])
    problems += [f"{name}: must_keep missing: {s!r}" for s in want["must_keep"] if norm(s) not in text]
    problems += [f"{name}: must_drop present: {s!r}" for s in want["must_drop"] if norm(s) in text]
    stamp = result["datestamp"]
    if want["published"] is not None:
        if stamp["published"] != want["published"]:
            problems.append(f"{name}: published {stamp['published']} != {want['published']}")
    elif want.get("inferred_year"):
        if stamp["published"] not in (None, str(want["inferred_year"])) or stamp["precision"] not in (None, "year"):
            problems.append(f"{name}: published {stamp['published']} ({stamp['precision']}), want unknown or year")
        if stamp["published"] is not None and stamp["source"] != "inferred":
            problems.append(f"{name}: an inferred year must say so, source is {stamp['source']}")
    elif stamp["published"] is not None or stamp["source"] != "unknown":
        problems.append(f"{name}: published {stamp['published']} ({stamp['source']}), want unknown")
    for expression, value in want.get("relative_dates", {}).items():
        found = [
            e
            for e in stamp["expressions"]
            if norm(e["text"]) in norm(expression) or norm(expression) in norm(e["text"])
        ]
        if not any(e["value"] == value for e in found):
            problems.append(f"{name}: date expression {expression!r} -> {value}, got {[e['value'] for e in found]}")
    for claim_want in want.get("claims", []):
        claim = find_expected_claim(result["claims"], claim_want)
        if claim is None:
            problems.append(f"{name}: claim not found: {claim_want}")
        elif claim_want.get("stated_on") and claim["stated_at"] != claim_want["stated_on"]:
            problems.append(
                f"{name}: claim {claim_want['cue']} stated_at {claim['stated_at']} != {claim_want['stated_on']}"
            )
    for speaker in want.get("must_not_claim", []):
        bad = [c for c in result["claims"] if speaker_matches(c, [speaker])]
        problems += [f"{name}: claim by boilerplate speaker {speaker!r}: {c['text'][:80]}" for c in bad]
    return problems
