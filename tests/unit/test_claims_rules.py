"""Claims stage on the seed corpus: article bodies copied from the seed captures (the paragraphs of the
article only, no boilerplate), date expressions placed by hand, so that nothing here depends on the
cleaner or on the date stage."""

from __future__ import annotations

import unicodedata
from datetime import UTC, date, datetime
from typing import Any

import pytest

from pipeline.claims import find_claims
from pipeline.models import Article, Claim, DateExpression, DateStamp, Precision, stable_id
from tests.seeds import EXPECTED, SEEDS_DIR

NOW = datetime(2025, 6, 1, tzinfo=UTC)

BODIES: dict[str, tuple[str, ...]] = {
    "000_110eab03d87d1f67.txt": (
        (
            "North Korean troops won’t march through Moscow’s Red Square for Victory Day celebrations on Friday, "
            "a high-level Russian official said on Tuesday, despite Russia extending an invitation amid their "
            "military cooperation over the war in Ukraine."
        ),
        (
            "Russian presidential aide Yuri Ushakov also appeared to imply that DPRK leader Kim Jong Un will "
            "also skip the large-scale military parade on May 9, stating that the country’s ambassador will "
            "represent Pyongyang during the event."
        ),
    ),
    "001_939f2a75e8e1bfed.txt": (
        (
            "North Korean soldiers will participate in Russia’s Victory Day parade in Moscow on May 9, marking "
            "the first such instance in history, the Japanese broadcaster NHK World reported on Jan. 16, citing "
            "undisclosed Russian sources."
        ),
        (
            "Since launching its full-scale invasion of Ukraine, Russia has deepened its diplomatic and military "
            "ties with North Korea. Last fall, Pyongyang sent troops to Russia's Kursk Oblast to bolster "
            "Moscow's efforts against a Ukrainian incursion."
        ),
        (
            'Russian Defense Minister Andrei Belousov announced on Jan. 15 that military from 19 "friendly" '
            "countries have been invited to the Victory Day parade. NHK's sources said that tens of North Korean "
            "personnel are expected to participate in the commemoration of the victory in World War II."
        ),
        (
            "Kremlin foreign policy advisor Yuri Ushakov signaled back in December 2024 that North Korean troops "
            "might join the event."
        ),
        (
            "Additionally, a North Korean military band is reportedly set to perform at a music event in Moscow "
            "in late August, marking the first time North Korean military representatives will participate in "
            "such events in Russia."
        ),
        (
            "Slovak Prime Minister Robert Fico also accepted Russian President Vladimir Putin’s invitation to "
            "attend the Victory Day celebrations in Moscow."
        ),
        (
            "The Kremlin heavily leverages the annual Victory Day celebrations to project military strength and "
            "propagate its narrative of Soviet heroism in World War II."
        ),
        (
            "Russian propaganda continues to exploit these historical victories, using them to justify its "
            'current aggression against Ukraine. Putin has framed the war as a mission to "de-Nazify" Ukraine, a '
            "false accusation rooted in his broader disinformation campaign."
        ),
    ),
    "002_be6cbe8b0a324ad0.txt": (
        (
            "The Kremlin confirmed on Monday that North Korean troops may participate in Russia’s Victory Day "
            "parade, commemorating World War II’s end."
        ),
        (
            "According to Sputnik News, Kremlin advisor Yuri Ushakov said that military forces from several "
            "countries, potentially including North Korean troops, would participate in next year’s Victory Day "
            "celebration."
        ),
        (
            "Ushakov emphasized that next year’s May 9 event marks the 80th anniversary, adding, “North Korean "
            "forces and several other nations may also participate.”"
        ),
        (
            "Previously, in November, the Russian Defense Ministry disclosed that it had invited North Korea to "
            "participate in the Victory Day parade."
        ),
        (
            "During a visit to North Korea, Defense Minister Andrei Belousov reportedly asked Kim Jong Un to "
            "send North Korean troops to the 80th-anniversary parade, stating that Russia was “awaiting a "
            "positive decision,” according to the Russian Defense Ministry."
        ),
        (
            "Every year on May 9, Russia traditionally holds a grand parade in Moscow’s Red Square to "
            "commemorate its victory over Nazi Germany in World War II."
        ),
        (
            "Next year’s Victory Day parade, marking the 80th anniversary of the war’s end, is expected to "
            "feature troops from various countries, with a high probability of North Korean troops joining the "
            "march."
        ),
        (
            "As North Korean forces become involved in the Ukraine conflict, this event will likely showcase the "
            "strengthening military alliance between North Korea and Russia to domestic and international "
            "audiences."
        ),
    ),
    "003_f7780dc856c60f7c.txt": (
        (
            "North Korean leader Kim Jong-un opted not to attend Moscow for Russia’s 80th Victory Day "
            "anniversary of World War II. Instead, he made a visit to the Russian Embassy in Pyongyang to "
            "reinforce the “unbreakable alliance” between North Korea and Russia. During this visit, Kim "
            "justified North Korea’s involvement in the Russia-Ukraine war, suggesting that if left unchecked, "
            "even Seoul’s military might follow suit."
        ),
        (
            "According to South Korea’s Ministry of Unification, Kim’s visit to the Russian Embassy was the "
            "first since he came to power in 2012. He emphasized the firm position of North Korea’s party, "
            "government, and people in continually strengthening this alliance built on a long-standing "
            "tradition and a noble ideological foundation."
        ),
        (
            "Kim stated that he shared his commitment to fulfilling treaty obligations with Russian President "
            "Vladimir Putin and issued orders for operations against Ukrainian neo-Nazi occupiers and the "
            "liberation of the Kursk region. He warned that leaving Ukrainian puppets unchecked would embolden "
            "them, potentially prompting Seoul’s military, as a key US ally, to mimic this recklessness."
        ),
        (
            "Accompanying Kim were his daughter Ju-ae and several high-ranking officials from the Workers’ Party "
            "of Korea and military. North Korean media referred to Ju-ae as “the most beloved daughter.”"
        ),
        (
            "While there were expectations that Kim or the second highest-ranking official, Choe Ryong-hae, "
            "would attend the Victory Day in Moscow, North Korea’s ambassador to Russia, Shin Hong-chol, "
            "represented the country instead. This visit to the embassy is seen as an effort by Kim to maintain "
            "strong bilateral relations and align with Russia despite not attending in person."
        ),
        (
            "The Ministry of Unification noted that despite Russia’s continuous invitations for high-level "
            "participation, Kim’s embassy visit served both to honor Russia and emphasize strengthening North "
            "Korea-Russia ties. Observers are keeping an eye on potential future summits or meetings, "
            "particularly the possibility of direct talks between Kim and Putin during significant anniversaries "
            "or forums later in the year."
        ),
    ),
    "004_2d6cfb30c86cd5e9.txt": (
        (
            "The leader of North Korea will take his first foreign trip since coming into power, taking part in "
            "the 70th anniversary parade in Russia."
        ),
        (
            "The victory day parade marks the 70th anniversary of the capitulation of Nazi Germany in 1945, "
            "which formally marked the official\u00a0end of hostilities in the Second World War in Europe. "
            "The annual parade marks the Allied victory in the\u00a0Great Patriotic War\u00a0on the same day as "
            "the signing of the German act of capitulation to the Allies in Berlin."
        ),
        (
            "Kim Jong-un is among 26 world leaders who have accepted an invitation to travel to Moscow to take "
            "part in celebrations, Russian foreign minister Sergey Lavrov said on Tuesday."
        ),
        (
            "Leaders from China, Cuba, India, Mongolia, South Africa and Vietnam have already confirmed their "
            "attendance."
        ),
        (
            "North Korea has still not officially confirmed its leaders presence at the upcoming celebration, "
            "but it would be Kim Jong-un’s first foreign excursion since taking power three years ago."
        ),
        (
            "The anniversary celebrations will take place on May 9, where the programme highlight will be a "
            "military parade on the Red Square overseen by Vladimir Putin. The annual event is going to be "
            "bigger than ever before, with 15,000 troops, cadets and Cossacks, according to Russia’s defence "
            "minister."
        ),
        (
            "Russia’s current role in the Ukraine conflict has divided opinion among several western leaders who "
            "have snubbed invitations to the military parade. But foreign minister Sergey Lavrov has insisted "
            "that European leaders from Slovakia, Norway, Greece and several Balkan nations are still expected "
            "to join Moscow in May."
        ),
        (
            "German chancellor Angela Merkel is among those staying away from the parade. Although in the "
            "interests of maintaining a relationship with Russia, she has agreed to meet with Putin in Moscow "
            "the following day, for a separate ceremony."
        ),
    ),
}

# The relative dates of expected.json, as the date stage would resolve them (value per phrase).
DATES: dict[str, dict[str, str]] = {
    "000_110eab03d87d1f67.txt": {"on Tuesday": "2025-05-06", "on Friday": "2025-05-09"},
    "001_939f2a75e8e1bfed.txt": {
        "on Jan. 16": "2025-01-16",
        "on Jan. 15": "2025-01-15",
        "on May 9": "2025-05-09",
        "back in December 2024": "2024-12",
    },
    "002_be6cbe8b0a324ad0.txt": {
        "on Monday": "2024-12-23",
        "in November": "2024-11",
        "next year’s May 9 event": "2025-05-09",
    },
    "003_f7780dc856c60f7c.txt": {},
    "004_2d6cfb30c86cd5e9.txt": {},
}

PRECISION: dict[int, Precision] = {10: "day", 7: "month", 4: "year"}


def norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split()).casefold()


def body(name: str) -> str:
    separator = "\n" if name.startswith("003") else "\n\n"
    return separator.join(BODIES[name])


def expression(text: str, phrase: str, value: str) -> DateExpression:
    start = text.find(phrase)
    assert start >= 0, phrase
    precision = PRECISION[len(value)]
    return DateExpression(
        text=phrase, start=start, end=start + len(phrase), value=value, precision=precision, relative=True
    )


def article(name: str) -> Article:
    text = body(name)
    return Article(
        article_id=stable_id("seed", name),
        trace_id=stable_id("trace", name),
        source=f"seeds/{name}",
        title=EXPECTED[name]["title"],
        text=text,
        content_hash=stable_id(text),
        extractor="text-capture",
        extracted_at=NOW,
    )


def stamp(name: str, text: str) -> DateStamp:
    published = EXPECTED[name]["published"]
    expressions = tuple(expression(text, phrase, value) for phrase, value in DATES[name].items())
    return DateStamp(
        article_id=stable_id("seed", name),
        published_at=datetime.combine(date.fromisoformat(published), datetime.min.time(), UTC) if published else None,
        published=published,
        precision="day" if published else None,
        source="capture-header" if published else "unknown",
        confidence=0.9 if published else 0.0,
        ingested_at=NOW,
        expressions=expressions,
    )


def seed_claims(name: str) -> list[Claim]:
    item = article(name)
    return find_claims(item, stamp(name, item.text))


def speaker_matches(claim: Claim, wanted: list[str]) -> bool:
    phrase = norm(" ".join(filter(None, (claim.speaker.role, claim.speaker.name))))
    return any(norm(w) in norm(claim.speaker.name) or norm(w) in phrase for w in wanted)


def matching(claims: list[Claim], spec: dict[str, Any]) -> list[Claim]:
    return [
        c
        for c in claims
        if speaker_matches(c, spec["speaker_any"])
        and c.cue == spec["cue"]
        and norm(spec["text_contains"]) in norm(c.text)
    ]


CASES = [(name, i) for name in sorted(EXPECTED) for i in range(len(EXPECTED[name]["claims"]))]


def test_every_seed_has_a_body() -> None:
    assert set(BODIES) == set(EXPECTED)
    for name in BODIES:
        for paragraph in BODIES[name]:
            assert norm(paragraph) in norm((SEEDS_DIR / name).read_text(encoding="utf-8")), paragraph[:40]


@pytest.mark.parametrize(("name", "index"), CASES, ids=[f"{n[:3]}-{i}" for n, i in CASES])
def test_expected_claim_is_found(name: str, index: int) -> None:
    spec = EXPECTED[name]["claims"][index]
    claims = seed_claims(name)
    found = matching(claims, spec)
    assert found, [(c.speaker.name, c.cue, c.text) for c in claims]
    claim = found[0]
    if "stated_on" in spec:
        assert claim.stated_at == spec["stated_on"]
    if "polarity" in spec:
        assert claim.polarity == spec["polarity"]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_no_boilerplate_speaker_is_claimed(name: str) -> None:
    speakers = [norm(f"{c.speaker.role or ''} {c.speaker.name}") for c in seed_claims(name)]
    for banned in EXPECTED[name].get("must_not_claim", []):
        assert not any(norm(banned) in s for s in speakers), banned


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_claims_are_well_formed(name: str) -> None:
    item = article(name)
    claims = find_claims(item, stamp(name, item.text))
    assert claims
    for claim in claims:
        assert claim.speaker.name.strip() and any(ch.isupper() for ch in claim.speaker.name)
        assert item.text[claim.start : claim.end].strip()
        assert 0.0 <= claim.checkworthiness <= 1.0
        assert claim.claim_id == stable_id(item.article_id, claim.speaker.name, claim.cue, claim.text)
    assert len({c.claim_id for c in claims}) == len(claims)
    assert find_claims(item, stamp(name, item.text)) == claims


def test_seed_000_event_date_and_speaker_phrase() -> None:
    said = [c for c in seed_claims("000_110eab03d87d1f67.txt") if c.cue == "said"][0]
    assert said.event_at == "2025-05-09"
    assert said.stated_precision == "day"
    assert "Russian official" in said.speaker.name
    assert said.speaker.kind == "person"


def test_seed_000_participle_claim_speaker_and_role() -> None:
    stating = [c for c in seed_claims("000_110eab03d87d1f67.txt") if c.cue == "stating"][0]
    assert stating.speaker.name == "Yuri Ushakov"
    assert stating.speaker.role == "Russian presidential aide"
    assert stating.text == "the country’s ambassador will represent Pyongyang during the event"
    assert stating.modality == "future"


def test_seed_001_outlet_role_and_citing_chain() -> None:
    reported = [c for c in seed_claims("001_939f2a75e8e1bfed.txt") if c.cue == "reported"][0]
    assert reported.speaker.name == "NHK World"
    assert reported.speaker.kind == "outlet"
    assert reported.speaker.role == "Japanese broadcaster"
    assert reported.via == ("undisclosed Russian sources",)
    assert reported.event_at == "2025-05-09"
    assert reported.text.startswith("North Korean soldiers will participate")
    assert "NHK World" not in reported.text


def test_seed_001_month_precision_date_at_cue() -> None:
    signaled = [c for c in seed_claims("001_939f2a75e8e1bfed.txt") if c.cue == "signaled"][0]
    assert signaled.speaker.name == "Yuri Ushakov"
    assert (signaled.stated_at, signaled.stated_precision) == ("2024-12", "month")
    assert signaled.modality == "hedged"


def test_seed_002_reported_chain_and_surname() -> None:
    claims = seed_claims("002_be6cbe8b0a324ad0.txt")
    said = [c for c in claims if c.cue == "said"][0]
    assert (said.speaker.name, said.speaker.role, said.via) == ("Yuri Ushakov", "Kremlin advisor", ("Sputnik News",))
    assert said.text.startswith("military forces from several countries")
    assert not [c for c in claims if c.cue == "according to" and "Sputnik" in c.speaker.name]
    emphasized = [c for c in claims if c.cue == "emphasized"][0]
    assert emphasized.speaker.name == "Yuri Ushakov"
    adding = [c for c in claims if c.cue == "adding"][0]
    assert adding.quote == "North Korean forces and several other nations may also participate."
    assert adding.polarity == "hedged"


def test_seed_002_participle_with_trailing_source() -> None:
    stating = [c for c in seed_claims("002_be6cbe8b0a324ad0.txt") if c.cue == "stating"][0]
    assert stating.speaker.name == "Andrei Belousov"
    assert stating.via == ("the Russian Defense Ministry",)
    assert stating.quote is None or "awaiting a positive decision" in stating.quote
    disclosed = [c for c in seed_claims("002_be6cbe8b0a324ad0.txt") if c.cue == "disclosed"][0]
    assert (disclosed.stated_at, disclosed.speaker.kind) == ("2024-11", "organisation")


def test_seed_003_pronoun_and_source_kinds() -> None:
    claims = seed_claims("003_f7780dc856c60f7c.txt")
    warned = [c for c in claims if c.cue == "warned"][0]
    assert warned.speaker.name == "Kim Jong-un"
    assert warned.speaker.kind == "person"
    source = [c for c in claims if c.cue == "according to"][0]
    assert source.speaker.kind == "organisation"
    assert source.stated_at is None  # no publication date, no date at the cue


def test_seed_004_inverted_and_forward_lavrov() -> None:
    claims = seed_claims("004_2d6cfb30c86cd5e9.txt")
    said = [c for c in claims if c.cue == "said"][0]
    assert (said.speaker.name, said.speaker.role) == ("Sergey Lavrov", "Russian foreign minister")
    assert said.text.startswith("Kim Jong-un is among 26 world leaders")
    insisted = [c for c in claims if c.cue == "insisted"][0]
    assert (insisted.speaker.name, insisted.speaker.role) == ("Sergey Lavrov", "foreign minister")
    assert not [c for c in claims if c.cue == "confirmed"]  # "confirmed their attendance" reports no statement
