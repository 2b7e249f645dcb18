"""Focused tests of the claims stage's parts: sentences, speakers, modality and the patterns."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pipeline.claims import split_sentences
from pipeline.claims.modality import modality_of, polarity_of
from pipeline.claims.speakers import SpeakerResolver
from pipeline.models import Claim
from tests.claims_text import claims_of as claims_in

NOW = datetime(2025, 6, 1, tzinfo=UTC)


def claims_of(text: str, published: str | None = "2025-05-06", dates: dict[str, str] | None = None) -> list[Claim]:
    return claims_in(text, published=published, now=NOW, dates=dates)


def only(claims: list[Claim], cue: str) -> Claim:
    found = [c for c in claims if c.cue == cue]
    assert len(found) == 1, [(c.cue, c.speaker.name, c.text) for c in claims]
    return found[0]


# --- sentences ---------------------------------------------------------------------------------


def texts(text: str) -> list[str]:
    return [s.text for s in split_sentences(text)]


def test_month_abbreviation_before_a_day_does_not_end_a_sentence() -> None:
    text = "Belousov announced on Jan. 15 that troops were invited. Ushakov spoke on Dec. 3 in Moscow."
    assert texts(text) == [
        "Belousov announced on Jan. 15 that troops were invited.",
        "Ushakov spoke on Dec. 3 in Moscow.",
    ]


def test_dotted_acronyms_titles_and_initials() -> None:
    text = "U.S. officials met Mr. Kim and Dr. Lee. J. R. Smith attended. Trade with the U.S. The talks ended."
    assert texts(text) == [
        "U.S. officials met Mr. Kim and Dr. Lee.",
        "J. R. Smith attended.",
        "Trade with the U.S.",
        "The talks ended.",
    ]


def test_quotes_stay_with_their_attribution() -> None:
    text = "“We will win. We will prevail,” he said. “Is it over?” she asked. Kim added, “Never.” Then he left."
    assert texts(text) == [
        "“We will win. We will prevail,” he said.",
        "“Is it over?” she asked.",
        "Kim added, “Never.”",
        "Then he left.",
    ]


def test_offsets_point_into_the_text_and_lines_split() -> None:
    text = "  First line without a stop\nSecond one. Third one!\n\nFourth, wrapped\nover two lines."
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == [
        "First line without a stop",
        "Second one.",
        "Third one!",
        "Fourth, wrapped\nover two lines.",
    ]
    assert all(text[s.start : s.end] == s.text for s in sentences)


def test_lowercase_after_a_stop_continues_the_sentence() -> None:
    assert texts("He paid 3 p.m. fees etc. and left. Then 5.5 km more.") == [
        "He paid 3 p.m. fees etc. and left.",
        "Then 5.5 km more.",
    ]


# --- speakers ----------------------------------------------------------------------------------


def test_role_is_split_from_the_name() -> None:
    resolver = SpeakerResolver.for_text("")
    speaker = resolver.resolve("Russian presidential aide Yuri Ushakov", 0)
    assert speaker is not None
    assert (speaker.name, speaker.role, speaker.kind) == ("Yuri Ushakov", "Russian presidential aide", "person")


@pytest.mark.parametrize(
    ("phrase", "name", "kind"),
    [
        ("the Japanese broadcaster NHK World", "NHK World", "outlet"),
        ("Reuters", "Reuters", "outlet"),
        ("the Kremlin", "Kremlin", "organisation"),
        ("South Korea’s Ministry of Unification", "South Korea’s Ministry of Unification", "organisation"),
        ("a high-level Russian official", "high-level Russian official", "person"),
        ("DPRK leader Kim Jong Un", "Kim Jong Un", "person"),
    ],
)
def test_speaker_kinds(phrase: str, name: str, kind: str) -> None:
    speaker = SpeakerResolver.for_text("").resolve(phrase, 0)
    assert speaker is not None
    assert (speaker.name, speaker.kind) == (name, kind)


@pytest.mark.parametrize("phrase", ["he", "it", "they", "They", "We", "the plan", "the vote"])
def test_unresolvable_or_common_words_are_no_speakers(phrase: str) -> None:
    assert SpeakerResolver.for_text("").resolve(phrase, 0) is None


@pytest.mark.parametrize(
    ("phrase", "name", "kind"),
    [
        ("the ministry", "ministry", "organisation"),
        ("The newspaper", "newspaper", "outlet"),
        ("the report", "report", "unknown"),
    ],
)
def test_a_body_or_document_named_by_no_earlier_mention_stands_as_written(phrase: str, name: str, kind: str) -> None:
    speaker = SpeakerResolver.for_text("").resolve(phrase, 0)
    assert speaker is not None
    assert (speaker.name, speaker.kind) == (name, kind)


def test_the_ministry_is_the_one_named_before() -> None:
    text = "The Defense Ministry issued figures. Later the ministry said"
    speaker = SpeakerResolver.for_text(text).resolve("the ministry", text.index("the ministry"))
    assert speaker is not None and speaker.name.endswith("Defense Ministry")


def test_surname_and_family_name_resolve_to_the_earlier_full_name() -> None:
    text = "Kremlin advisor Yuri Ushakov spoke first. North Korean leader Kim Jong-un listened. Then Ushakov and Kim"
    resolver = SpeakerResolver.for_text(text)
    ushakov = resolver.resolve("Ushakov", text.rindex("Ushakov"))
    kim = resolver.resolve("Kim", text.rindex("Kim"))
    assert ushakov is not None and ushakov.name == "Yuri Ushakov"
    assert kim is not None and kim.name == "Kim Jong-un"


def test_he_is_the_last_person_who_spoke_or_was_a_subject() -> None:
    text = (
        "Kremlin advisor Yuri Ushakov said that the parade would be large. "
        "He added that 19 countries were invited. "
        "North Korean leader Kim Jong-un met the ambassador on Friday. "
        "He warned that the war would go on."
    )
    claims = claims_of(text)
    assert only(claims, "added").speaker.name == "Yuri Ushakov"
    warned = only(claims, "warned")
    assert (warned.speaker.name, warned.speaker.role) == ("Kim Jong-un", "North Korean leader")


def test_he_without_a_referent_is_no_claim() -> None:
    assert claims_of("He said that the war would go on for years.") == []


def test_the_ministry_is_the_ministry_named_before() -> None:
    claims = claims_of("Japan’s Defense Ministry released images. The ministry said that the missile flew 500 km.")
    assert only(claims, "said").speaker.name == "Japan’s Defense Ministry"


# --- modality ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "modality", "polarity"),
    [
        ("North Korean troops won’t march in Moscow", "negated", "negative"),
        ("troops will not march", "negated", "negative"),
        ("the troops may not come", "negated", "negative"),
        ("he no longer leads the party", "negated", "negative"),
        ("troops may participate in May", "hedged", "hedged"),
        ("this will likely showcase the alliance", "hedged", "hedged"),
        ("tens of soldiers are expected to participate", "hedged", "hedged"),
        ("soldiers will participate on May 9", "future", "positive"),
        ("the country is set to sign the deal", "future", "positive"),
        ("the visit was the first since 2012", "asserted", "positive"),
        ("the parade is in May", "asserted", "positive"),
    ],
)
def test_modality_and_polarity(content: str, modality: str, polarity: str) -> None:
    assert modality_of(content) == modality
    assert polarity_of(modality_of(content)) == polarity


def test_denial_cue_negates() -> None:
    assert modality_of("Moscow struck civilians", "denied") == "negated"


# --- patterns ----------------------------------------------------------------------------------


def test_direct_quote_after_the_cue() -> None:
    claim = only(claims_of("Foreign Minister Wang Yi said, “We will never accept this provocation.”"), "said")
    assert claim.quote == "We will never accept this provocation."
    assert claim.text == "We will never accept this provocation"
    assert (claim.speaker.name, claim.modality) == ("Wang Yi", "negated")


def test_direct_quote_before_the_speaker_both_orders() -> None:
    first = only(claims_of("“The talks have failed completely,” Wang Yi said on Friday."), "said")
    second = only(claims_of("“The talks have failed completely,” said Wang Yi."), "said")
    assert first.quote == second.quote == "The talks have failed completely"
    assert first.speaker.name == second.speaker.name == "Wang Yi"


def test_adding_a_quote_keeps_the_speaker() -> None:
    claims = claims_of("Ushakov emphasized that the event marks the anniversary, adding, “Several nations may join.”")
    adding = only(claims, "adding")
    assert (adding.speaker.name, adding.quote) == ("Ushakov", "Several nations may join.")
    assert only(claims, "emphasized").text == "the event marks the anniversary"


def test_told_with_object_and_setting() -> None:
    claims = claims_of("Secretary of State Antony Blinken told reporters on Monday that Washington would respond.")
    told = only(claims, "told")
    assert (told.speaker.name, told.text, told.modality) == ("Antony Blinken", "Washington would respond", "future")
    claims = claims_of("The talks collapsed after midnight, Foreign Minister Wang Yi said in a statement.")
    assert only(claims, "said").text == "The talks collapsed after midnight"


def test_according_to_in_front_and_behind() -> None:
    front = only(claims_of("According to Yonhap News Agency, the launch took place at dawn."), "according to")
    behind = only(claims_of("The launch took place at dawn, according to Yonhap News Agency."), "according to")
    assert front.speaker.name == behind.speaker.name == "Yonhap News Agency"
    assert front.speaker.kind == "outlet"
    assert (front.text, behind.text) == ("the launch took place at dawn", "The launch took place at dawn")


def test_source_around_an_attribution_becomes_via() -> None:
    claim = only(
        claims_of("According to Reuters, Kremlin spokesman Dmitry Peskov said that talks would resume."), "said"
    )
    assert (claim.speaker.name, claim.via) == ("Dmitry Peskov", ("Reuters",))
    assert not [c for c in claims_of("According to Reuters, Peskov said that talks would resume.") if c.cue != "said"]


def test_appositive_and_aside_between_speaker_and_cue() -> None:
    claim = only(claims_of("Jane Smith, a virologist at a state clinic, said the outbreak is under control."), "said")
    assert claim.speaker.name == "Jane Smith"
    claim = only(
        claims_of("Yonhap News Agency, citing military officials, reported that a missile was fired."), "reported"
    )
    assert (claim.speaker.name, claim.via) == ("Yonhap News Agency", ("military officials",))


def test_object_of_a_cue_or_a_passive_is_not_a_claim() -> None:
    text = "Leaders from China and Cuba have already confirmed their attendance. The president warned of war."
    assert claims_of(text) == []
    assert claims_of("The Kremlin met envoys. It was reported that the envoys left early.") == []


def test_dates_at_the_cue_carry_over_two_sentences_then_fall_back() -> None:
    text = (
        "The Kremlin confirmed on Monday that troops may participate. "
        "Kremlin advisor Yuri Ushakov said that several countries would take part. "
        "The parade is a tradition. The weather was cold. Bands played. "
        "Ushakov noted that the parade would be long."
    )
    claims = claims_of(text, dates={"on Monday": "2025-05-05"})
    assert [c.stated_at for c in claims] == ["2025-05-05", "2025-05-05", "2025-05-06"]
    assert claims_of(text, published=None)[-1].stated_at is None


def test_event_date_inside_the_content() -> None:
    text = "Troops will march on Friday, a senior official said on Tuesday."
    claim = only(claims_of(text, dates={"on Friday": "2025-05-09", "on Tuesday": "2025-05-06"}), "said")
    assert (claim.stated_at, claim.event_at) == ("2025-05-06", "2025-05-09")


def test_checkworthiness_rises_with_numbers_entities_and_predictions() -> None:
    dull = only(claims_of("Wang Yi said that the meeting went well."), "said")
    sharp = only(claims_of("Wang Yi said that China will send 5,000 troops to Russia on May 9."), "said")
    assert 0.0 <= dull.checkworthiness < sharp.checkworthiness <= 1.0
