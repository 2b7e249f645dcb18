"""Reported-speech patterns the claim rules cover, each on sentences written for the test."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pipeline.claims.speakers import SpeakerResolver
from pipeline.models import Claim
from tests.claims_text import claims_of as claims_in

NOW = datetime(2024, 3, 4, tzinfo=UTC)


def claims_of(text: str, dates: dict[str, str] | None = None) -> list[Claim]:
    return claims_in(text, published="2024-03-04", now=NOW, dates=dates)


def one(text: str, cue: str, dates: dict[str, str] | None = None) -> Claim:
    found = [c for c in claims_of(text, dates) if c.cue == cue]
    assert len(found) == 1, [(c.cue, c.speaker.name, c.text) for c in claims_of(text, dates)]
    return found[0]


# --- the cue before the source, and after a quotation ------------------------------------------


@pytest.mark.parametrize(
    ("text", "speaker", "content"),
    [
        ("The ferry will stop in the winter, said Ivo Brandt.", "Ivo Brandt", "The ferry will stop in the winter"),
        ("“The ferry will stop in winter,” said Ivo Brandt.", "Ivo Brandt", "The ferry will stop in winter"),
        ("“The ferry will stop in winter,” Ivo Brandt said.", "Ivo Brandt", "The ferry will stop in winter"),
        (
            "“The ferry will stop in winter,” said harbour pollster Ivo Brandt when asked about the timetable.",
            "Ivo Brandt",
            "The ferry will stop in winter",
        ),
        (
            "“The ferry will stop in winter,” Ivo Brandt said of the plan at a meeting in the port.",
            "Ivo Brandt",
            "The ferry will stop in winter",
        ),
    ],
)
def test_source_after_the_content(text: str, speaker: str, content: str) -> None:
    claim = one(text, "said")
    assert (claim.speaker.name, claim.text) == (speaker, content)


def test_told_with_an_addressee_after_a_quotation_keeps_the_quotation() -> None:
    text = (
        "“We expect the first buses to cross on Monday morning,” Mayor Lena Ortiz told reporters at a news "
        "conference outside the depot."
    )
    claim = one(text, "told")
    assert claim.speaker.name == "Lena Ortiz"
    assert claim.text == "We expect the first buses to cross on Monday morning"
    assert "reporters" not in claim.text


def test_told_with_an_addressee_before_that_clause() -> None:
    claim = one("Lena Ortiz told the council on Tuesday that the depot would close.", "told")
    assert (claim.speaker.name, claim.text) == ("Lena Ortiz", "the depot would close")


# --- "according to" wherever it stands ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "content"),
    [
        ("According to the Harbour Board, the ferry will stop in winter.", "the ferry will stop in winter"),
        ("The ferry will stop in winter, according to the Harbour Board.", "The ferry will stop in winter"),
        ("The ferry, according to the Harbour Board, will stop in winter.", "The ferry"),
    ],
)
def test_according_to_in_every_position(text: str, content: str) -> None:
    claim = one(text, "according to")
    assert claim.speaker.name == "Harbour Board"
    assert claim.text.startswith(content)


def test_according_to_a_source_described_at_length() -> None:
    text = "Ridership fell by a third, according to figures released on Friday by the transport ministry."
    claim = one(text, "according to")
    assert claim.speaker.name.startswith("figures released")
    assert claim.text == "Ridership fell by a third"


# --- cue phrases -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "cue", "content"),
    [
        ("Ivo Brandt also appeared to imply that the ferry will stop.", "appeared to imply", "the ferry will stop"),
        ("Ivo Brandt went on to say that the ferry will stop.", "went on to say", "the ferry will stop"),
        ("Ivo Brandt seemed to confirm that the ferry will stop.", "seemed to confirm", "the ferry will stop"),
    ],
)
def test_cue_phrases_are_the_cue(text: str, cue: str, content: str) -> None:
    claim = one(text, cue)
    assert (claim.speaker.name, claim.text) == ("Ivo Brandt", content)


# --- descriptions as speakers ------------------------------------------------------------------


def test_the_mayor_said_on_sunday() -> None:
    text = "The council met twice. The mayor said on Sunday that the depot would reopen in May."
    claim = one(text, "said", dates={"on Sunday": "2024-03-03"})
    assert (claim.speaker.name, claim.speaker_phrase) == ("mayor", "The mayor")
    assert (claim.text, claim.stated_at) == ("the depot would reopen in May", "2024-03-03")


def test_the_mayor_is_the_mayor_named_before() -> None:
    text = "Mayor Lena Ortiz opened the depot. The mayor said the buses would run all night."
    claims = [c for c in claims_of(text) if c.cue == "said"]
    assert [(c.speaker.name, c.speaker_phrase) for c in claims] == [("Lena Ortiz", "The mayor")]


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("A spokeswoman for the ministry said the talks would resume in April.", "spokeswoman for the ministry"),
        ("Officials said the talks would resume in April.", "officials"),
        ("The talks will resume in April, officials said.", "officials"),
        ("Local officials said they expect the talks to resume in April.", "Local officials"),
        ("Harbour strategist Ivo Brandt said the talks would resume in April.", "Ivo Brandt"),
        ("Just 28 percent of voters said they trusted the council.", "28 percent of voters"),
    ],
)
def test_descriptions_as_speakers(text: str, speaker: str) -> None:
    claim = one(text, "said")
    assert speaker in claim.speaker.name


def test_a_description_is_no_speaker_when_it_names_nobody() -> None:
    assert SpeakerResolver.for_text("").resolve("the plan", 0) is None
    assert claims_of("The plan said nothing about the buses.") == []


# --- asides and interruptions ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Lena Ortiz, 61, said the depot would close.",
        "Lena Ortiz, the executive director of the Transit League, said the depot would close.",
        "Lena Ortiz, who runs the Transit League, said the depot would close.",
        "Lena Ortiz, the head of a league, a group that sued the city, said the depot would close.",
        "The league’s director, Lena Ortiz, said the depot would close.",
    ],
)
def test_asides_between_speaker_and_cue(text: str) -> None:
    claim = one(text, "said")
    assert (claim.speaker.name, claim.text) == ("Lena Ortiz", "the depot would close")


def test_an_interrupting_attribution_leaves_the_content_whole() -> None:
    claim = one("The depot, officials said, will close before the winter.", "said")
    assert (claim.speaker.name, claim.text) == ("officials", "The depot will close before the winter")


def test_relative_who_speaks_for_its_antecedent() -> None:
    text = "The plan was backed by Lena Ortiz, the league's director, who said the depot would close."
    claim = one(text, "said")
    assert (claim.speaker.name, claim.speaker_phrase) == ("Lena Ortiz", "who")


# --- quotations over several sentences ---------------------------------------------------------


def test_a_quotation_of_several_sentences_is_one_content() -> None:
    claim = one("Lena Ortiz said: “The depot is safe. We checked every bolt. It opens on Monday.”", "said")
    assert claim.quote == "The depot is safe. We checked every bolt. It opens on Monday."


def test_a_quotation_runs_on_into_the_next_paragraph() -> None:
    text = "Lena Ortiz said: “The depot is safe. We checked every bolt.\n“It opens on Monday.”\nThe crowd cheered."
    claim = one(text, "said")
    assert claim.text == "The depot is safe. We checked every bolt. It opens on Monday"
    assert "crowd" not in claim.text


def test_a_quotation_before_a_bare_attribution_is_its_content() -> None:
    claim = one("“We will not leave. Not now, not ever.” Lena Ortiz said. The crowd cheered.", "said")
    assert (claim.speaker.name, claim.text) == ("Lena Ortiz", "We will not leave. Not now, not ever")


# --- pronouns ----------------------------------------------------------------------------------


def test_he_is_the_nearest_person_named_before() -> None:
    text = "Ivo Brandt toured the harbour on Friday. The ferry will stop in winter, he said."
    claim = one(text, "said")
    assert (claim.speaker.name, claim.speaker_phrase) == ("Ivo Brandt", "he")


def test_she_skips_a_person_of_the_other_gender() -> None:
    text = (
        "Lena Ortiz spoke first. Mr. Ivo Brandt listened. "
        "She said that the depot would close. He said that the ferry would stop."
    )
    claims = claims_of(text)
    assert [(c.speaker_phrase, c.speaker.name) for c in claims] == [("She", "Lena Ortiz"), ("He", "Ivo Brandt")]


def test_they_is_the_group_that_spoke_before() -> None:
    text = "Officials said the depot would close. They said the buses would run until May."
    claims = claims_of(text)
    assert [(c.speaker_phrase, c.speaker.name) for c in claims] == [("Officials", "officials"), ("They", "officials")]


def test_a_pronoun_without_any_person_before_it_is_no_claim() -> None:
    assert claims_of("She said that the depot would close in May.") == []


# --- more verbs and complements ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("Lena Ortiz wrote that the depot would close.", "wrote"),
        ("Lena Ortiz tweeted that the depot would close.", "tweeted"),
        ("Lena Ortiz promised to keep the depot open.", "promised"),
        ("Lena Ortiz described the depot as a danger to the town.", "described"),
        ("Lena Ortiz criticised the plan and said the depot would close.", "said"),
        ("Lena Ortiz opened the meeting, saying the depot would close.", "saying"),
        ("“Will the depot close?” Lena Ortiz asked the council.", "asked"),
        ("“The depot will close in May,” Lena Ortiz said Monday night.", "said"),
        ("“The depot will close in May,” Lena Ortiz said in a statement Thursday evening.", "said"),
        ("“The depot will close in May,” Lena Ortiz said sarcastically.", "said"),
        ("Lena Ortiz’s said the depot would close in May.", "said"),
        ("Lena Ortiz’s long said the depot would close in May.", "said"),
        ("Lena Ortiz will say the depot must close in May.", "say"),
    ],
)
def test_more_verbs_of_saying(text: str, cue: str) -> None:
    claim = one(text, cue)
    assert claim.speaker.name == "Lena Ortiz"
    assert "depot" in claim.text


def test_an_object_without_a_clause_is_no_claim() -> None:
    assert claims_of("Lena Ortiz wrote a letter to the council.") == []
    assert claims_of("Lena Ortiz posted a photo of the depot.") == []


@pytest.mark.parametrize(
    ("text", "cue", "speaker", "content"),
    [
        ("Lena Ortiz asked the council whether the depot would close.", "asked", "Lena Ortiz", "whether the depot"),
        ("Lena Ortiz announced a plan to close the depot.", "announced", "Lena Ortiz", "a plan to close"),
        ("As the Harbour Gazette reported, the depot will close in May.", "reported", "Harbour Gazette", "the depot"),
        ("The depot will close in May, the transit union says.", "says", "transit union", "The depot will close"),
        ("Transit experts, however, said the depot would close.", "said", "Transit experts", "the depot would"),
        (
            "“The depot will close in May,” Transit League chair Lena Ortiz told the council.",
            "told",
            "Lena Ortiz",
            "The depot will close",
        ),
    ],
)
def test_questions_announcements_and_loose_sources(text: str, cue: str, speaker: str, content: str) -> None:
    claim = one(text, cue)
    assert speaker in claim.speaker.name
    assert claim.text.startswith(content)


# --- progressive cues, clauses after "it", asides, archive quotes, "Mr." before a title word ----


@pytest.mark.parametrize(
    ("text", "cue", "content"),
    [
        ("The Transit League is saying that the depot will close in May.", "is saying", "the depot will close"),
        ("Lena Ortiz is telling the council that the depot will close.", "is telling", "the depot will close"),
        ("Lena Ortiz is warning riders that the depot will close.", "is warning", "the depot will close"),
        ("Lena Ortiz isn’t saying whether the depot will close.", "isn’t saying", "whether the depot"),
        ("Lena Ortiz met riders. She’s claiming that the depot will close.", "’s claiming", "the depot will close"),
    ],
)
def test_a_participle_after_a_form_of_be_is_the_finite_cue(text: str, cue: str, content: str) -> None:
    claim = one(text, cue)
    assert ("Lena Ortiz" in claim.speaker.name) or ("Transit League" in claim.speaker.name)
    assert claim.text.startswith(content)


def test_a_participle_after_a_comma_still_hangs_on_the_subject() -> None:
    claim = one("Lena Ortiz opened the meeting, saying the depot would close.", "saying")
    assert claim.speaker.name == "Lena Ortiz"


def test_is_denying_negates_what_it_reports() -> None:
    claim = one("Lena Ortiz is denying that the depot will close.", "is denying")
    assert claim.modality == "negated"


@pytest.mark.parametrize(
    ("text", "content"),
    [
        ("The Transit League said it believes the depot will close.", "it believes the depot will close"),
        ("Lena Ortiz says it means the depot will close in May.", "it means the depot will close in May"),
    ],
)
def test_a_bare_clause_with_it_and_a_present_verb(text: str, content: str) -> None:
    assert one(text, text.split(" it ")[0].rsplit(" ", 1)[-1]).text == content


def test_it_before_a_plural_of_time_is_no_clause() -> None:
    assert claims_of("Lena Ortiz said it hours before the vote.") == []


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("Senator Lena Ortiz, Democrat of Oregon, said the depot would close in May.", "Lena Ortiz"),
        (
            "Representative Ivo Brandt, Republican of Maine, told reporters that the depot would close in May.",
            "Ivo Brandt",
        ),
        ("Ivo Brandt, deputy harbour security advisor, said the depot would close in May.", "Ivo Brandt"),
        (
            "Ivo Brandt, president of the Harbour Federation of Pilots, which represents ferry crews, said the "
            "depot would close in May.",
            "Ivo Brandt",
        ),
        ("Rep. Lena Ortiz (D-Ore.), chair of the transit committee, said the depot would close in May.", "Lena Ortiz"),
    ],
)
def test_more_asides_between_speaker_and_cue(text: str, speaker: str) -> None:
    found = claims_of(text)
    assert [c.speaker.name for c in found] == [speaker], [(c.speaker.name, c.text) for c in found]
    assert found[0].text.startswith("the depot would close")


def test_riders_who_said_speak_for_the_riders() -> None:
    claim = one("The survey found 40 percent of riders who said the depot should stay open.", "said")
    assert "riders" in claim.speaker.name
    assert claim.text.startswith("the depot should stay open")


def test_a_quotation_in_two_apostrophes_after_another_sentence_is_its_own() -> None:
    text = (
        "Lena Ortiz said: “Will the depot close before the vote?” ''We need the money to pay the drivers,'' "
        "Mr. Brandt said."
    )
    brandt = [c for c in claims_of(text) if c.speaker_phrase == "Mr. Brandt"]
    assert [c.text for c in brandt] == ["We need the money to pay the drivers"]


def test_mr_before_a_title_word_is_a_surname() -> None:
    claim = one("''The depot will stay open,'' Mr. King said.", "said")
    assert (claim.speaker.name, claim.speaker.kind) == ("King", "person")


def test_a_determiner_is_no_first_name() -> None:
    text = "The Brandt family runs the ferry. In a letter, Brandt said the depot would close in May."
    assert one(text, "said").speaker.name == "Brandt"


def test_a_two_word_quotation_is_a_claim() -> None:
    assert one("“It’s doable,” Lena Ortiz told the council.", "told").text == "It’s doable"


def test_a_participle_after_by_or_while_hangs_on_the_subject() -> None:
    claim = one("Ivo Brandt answered the critics by saying that the depot would stay open.", "saying")
    assert claim.speaker.name == "Ivo Brandt"
    assert claim.text.startswith("the depot would stay open")


def test_one_person_after_a_quotation_is_the_speaker() -> None:
    text = "“The depot must stay open for the night shift!” one person tweeted."
    claim = one(text, "tweeted")
    assert (claim.speaker.name, claim.text) == ("one person", "The depot must stay open for the night shift")


@pytest.mark.parametrize(
    ("text", "cue", "speaker"),
    [
        ("The newspaper said the ferry would stop in the winter.", "said", "newspaper"),
        ("The harbour board met on Friday. The report said the ferry would stop in the winter.", "said", "report"),
        ("The party says that the ferry will stop in the winter.", "says", "party"),
    ],
)
def test_a_body_or_document_speaks_as_written(text: str, cue: str, speaker: str) -> None:
    assert one(text, cue).speaker.name == speaker


def test_say_takes_a_bare_clause_after_a_plural_subject() -> None:
    claim = one("Harbour officials say the new ferry timetable leaves them too little rest.", "say")
    assert claim.speaker.name == "Harbour officials"
    assert claim.text == "the new ferry timetable leaves them too little rest"


def test_a_quoted_question_in_single_marks_before_a_bare_attribution() -> None:
    text = "“Why did nobody ask us, ‘What do the pilots need?’” Ivo Brandt said."
    claim = one(text, "said")
    assert claim.speaker.name == "Ivo Brandt"
    assert claim.text.startswith("Why did nobody ask us")


@pytest.mark.parametrize("adverb", ["here", "then", "again"])
def test_an_adverb_after_an_inverted_cue(adverb: str) -> None:
    claim = one(f"“The ferry will stop in winter,” Ivo Brandt said {adverb}.", "said")
    assert (claim.speaker.name, claim.text) == ("Ivo Brandt", "The ferry will stop in winter")


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("The depot will close in May, current and former officials said.", "current and former officials"),
        ("The depot will close in May, people familiar with the plan said.", "people familiar with the plan"),
        ("The depot will close in May, a source close to the mayor said.", "a source close to the mayor"),
    ],
)
def test_a_group_described_after_the_content(text: str, speaker: str) -> None:
    claim = one(text, "said")
    assert claim.speaker_phrase == speaker
    assert claim.text == "The depot will close in May"


def test_words_after_the_content_that_name_no_people_are_no_speaker() -> None:
    assert claims_of("The depot will close in May, current and former plans said.") == []


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("Many in the crowd said the ferry should run all winter.", "Many in the crowd"),
        (
            "The board has said little, and people familiar with its thinking say the ferry will stop in May.",
            "people familiar with its thinking",
        ),
        ("Pilots who work the night shift say the ferry should stop in winter.", "Pilots who work the night shift"),
    ],
)
def test_a_subject_with_words_after_its_head_is_the_speaker(text: str, speaker: str) -> None:
    claim = one(text, text.split(speaker)[1].split()[0])
    assert claim.speaker_phrase == speaker


def test_a_subject_with_words_after_a_head_that_names_nobody_is_no_speaker() -> None:
    assert claims_of("The plan in the file says the ferry should stop in winter.") == []


@pytest.mark.parametrize(
    ("text", "cue", "speaker"),
    [
        (
            "In the harbour poll, 62 percent of pilots said the ferry should stop in winter.",
            "said",
            "62 percent of pilots",
        ),
        ("Nearly half say the ferry should stop in winter.", "say", "Nearly half"),
        ("About three in 10 said the ferry should stop in winter.", "said", "About three in 10"),
        (
            "Support is thin, with 30 percent of pilots saying the ferry should run all winter.",
            "saying",
            "30 percent of pilots",
        ),
    ],
)
def test_a_share_of_those_polled_is_the_speaker(text: str, cue: str, speaker: str) -> None:
    assert one(text, cue).speaker_phrase == speaker


def test_a_share_before_a_word_that_names_nobody_is_no_speaker() -> None:
    assert claims_of("The ferry was most likely said to stop in winter.") == []


def test_a_surname_that_is_also_a_demonym_resolves_to_the_full_name() -> None:
    text = "Mark Cuban met the pilots on Monday. “The ferry should run all winter,” Cuban said."
    assert one(text, "said").speaker.name == "Mark Cuban"


@pytest.mark.parametrize(
    ("text", "cue", "content"),
    [
        (
            "Ivo Brandt spoke at the depot, promising to keep the ferry running all winter.",
            "promising",
            "to keep the ferry running all winter",
        ),
        (
            "Ivo Brandt spoke at the depot, explaining why the ferry would stop in winter.",
            "explaining",
            "why the ferry would stop in winter",
        ),
    ],
)
def test_a_participle_with_an_infinitive_or_a_question(text: str, cue: str, content: str) -> None:
    claim = one(text, cue)
    assert (claim.speaker.name, claim.text) == ("Ivo Brandt", content)


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("“The ferry will stop in winter,” said Sen. Ivo Brandt (D-Ore.).", "Ivo Brandt"),
        (
            "The ferry will stop in winter, said a source close to the harbour board.",
            "source close to the harbour board",
        ),
        ("“The ferry will stop in winter,” said the 46-year-old.", "46-year-old"),
    ],
)
def test_more_speakers_after_the_cue(text: str, speaker: str) -> None:
    assert one(text, "said").speaker.name == speaker


def test_a_cue_before_a_colon_reports_the_next_paragraph() -> None:
    text = "Ivo Brandt spoke last.\nHe said:\n“The ferry will stop in winter. The pilots need the rest.”\nThen he left."
    claim = one(text, "said")
    assert claim.speaker.name == "Ivo Brandt"
    assert claim.text == "The ferry will stop in winter. The pilots need the rest"


def test_a_quoted_infinitive_after_a_promise() -> None:
    claim = one("Ivo Brandt promised to “keep the ferry running all winter.”", "promised")
    assert claim.text.startswith("to “keep the ferry running")


def test_continues_to_insist_is_one_cue() -> None:
    claim = one("Ivo Brandt continues to insist that the ferry will run all winter.", "continues to insist")
    assert claim.text == "the ferry will run all winter"


def test_a_title_case_headline_cue() -> None:
    claim = one("Harbour Chief Ivo Brandt Says The Ferry Will Stop In Winter\nThe board met on Monday.", "says")
    assert claim.speaker.name == "Ivo Brandt"
    assert claim.text == "The Ferry Will Stop In Winter"


def test_a_capitalised_cue_in_running_text_is_no_cue() -> None:
    assert claims_of("The ferry sails from Says Bay on Monday, and the board wants it to stop in winter.") == []


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("Harbour officials predict that the ferry will stop in winter.", "predict"),
        ("Ivo Brandt promises to keep the ferry running all winter.", "promises"),
        ("Harbour officials describe the timetable as a burden for the pilots.", "describe"),
        ("Ivo Brandt responds that the ferry will run all winter.", "responds"),
    ],
)
def test_present_forms_of_more_verbs_of_saying(text: str, cue: str) -> None:
    assert one(text, cue).speaker.name in ("Ivo Brandt", "Harbour officials")


def test_they_after_a_plural_subject_that_names_people() -> None:
    text = "Republicans met the board on Monday. They said the ferry should stop in winter."
    assert one(text, "said").speaker.name == "Republicans"


def test_they_after_a_plural_subject_that_names_no_people_is_no_claim() -> None:
    assert claims_of("Frustrations grew at the depot on Monday. They said the ferry should stop in winter.") == []


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("The witness said the ferry left before the storm.", "said"),
        ("Ferry fans insist the boat will run all winter.", "insist"),
    ],
)
def test_more_words_for_people_and_clause_cues(text: str, cue: str) -> None:
    assert one(text, cue).text.startswith("the ferry left" if cue == "said" else "the boat")


# --- an object that is what was reported -----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "cue", "content"),
    [
        ("The harbour police reported 906 attacks on the depot last year.", "reported", "906 attacks"),
        ("Lena Ortiz denied any role in the closure of the depot.", "denied", "any role"),
        ("Lena Ortiz noted the long history of the depot.", "noted", "the long history"),
    ],
)
def test_an_object_that_is_what_was_reported(text: str, cue: str, content: str) -> None:
    assert one(text, cue).text.startswith(content)
