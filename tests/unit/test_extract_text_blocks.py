"""Main-block selection on plain-text captures: the densest block of prose, with the short lines
inside it, without the comment thread, teaser lists and link boxes around it."""

from __future__ import annotations

import random

from pipeline.extract.text_capture import clean_capture
from pipeline.extract.text_lines import is_boilerplate, is_heading

NAV = ["Home", "World", "Business", "Sport", "Weather", "Sign in"]
ARTICLE = [
    "The city council voted on Tuesday to rebuild the old harbour bridge, which "
    "has been closed to traffic since the spring floods damaged two of its piers.",
    "Engineers told the council that the repairs would take at least eighteen "
    "months and that the bridge would reopen in stages, starting with the footpath.",
    "The cost of the work is expected to be shared between the city "
    "and the regional government, which has promised to cover half of the total bill.",
    "Residents who live near the harbour said that they were relieved that "
    "the bridge would be rebuilt rather than replaced by a ferry service.",
]
TEASERS = [
    "A bakery on the north side wins a national prize for its rye bread, "
    "the third time in ten years that a local shop has taken the award.",
    "The orchestra announces its winter season with four premieres and a "
    "free concert for schools, to be held in the old grain exchange.",
    "Volunteers plant two thousand trees along the river path in "
    "a single weekend, helped by students from the agricultural college nearby.",
]


def body_of(lines: list[str]) -> str:
    found = clean_capture("\n".join(lines))
    assert found is not None
    return found.text


def test_the_article_between_navigation_and_footer_is_found() -> None:
    text = body_of([*NAV, "Harbour bridge to be rebuilt", *ARTICLE, "Contact us", "Privacy policy", *NAV])
    assert all(paragraph in text for paragraph in ARTICLE)
    assert "Weather" not in text and "Privacy policy" not in text


def test_short_lines_inside_the_article_stay() -> None:
    middle = ["What happens next", "Phase one: footpath", "Phase two: road deck"]
    text = body_of([*NAV, *ARTICLE[:2], *middle, *ARTICLE[2:], *NAV])
    assert all(line in text for line in middle)
    assert ARTICLE[0] in text and ARTICLE[-1] in text


def test_a_comment_thread_longer_than_the_article_is_not_the_article() -> None:
    # On the article's topic and several paragraphs long: only the thread heading tells them apart.
    comments = []
    for n in range(8):
        comments += [
            f"reader{n} says:",
            f"I have crossed the harbour bridge {n + 2} times a week for years and the piers were cracked long ago.",
            f"The council knew about it in {2010 + n} and the regional government did nothing for the residents.",
        ]
    text = body_of([*NAV, *ARTICLE, "12 Comments", *comments])
    assert ARTICLE[0] in text
    assert "reader3" not in text and "piers were cracked" not in text


def test_a_teaser_list_after_the_article_is_trimmed() -> None:
    tail = []
    for n, summary in enumerate(TEASERS):
        tail += [f"Headline of another story number {n}", "Jane Roe", "May 4, 2025", summary]
    text = body_of([*NAV, *ARTICLE, *tail, *NAV])
    assert all(paragraph in text for paragraph in ARTICLE)
    assert not any(summary in text for summary in TEASERS)


def test_a_link_box_set_into_the_article_is_dropped_and_the_article_goes_on() -> None:
    box = ["Related stories", "* Ferry timetable changes for the winter", "* New cycle lanes open downtown"]
    text = body_of([*NAV, *ARTICLE[:2], *box, *ARTICLE[2:], *NAV])
    assert all(paragraph in text for paragraph in ARTICLE)
    assert "cycle lanes" not in text and "Related stories" not in text


def test_a_list_the_article_announces_is_kept() -> None:
    dates = [
        "June 9 - footpath reopens to walkers",
        "July 14 - first lane reopens to cars",
        "August 2 - full reopening",
    ]
    last = "The council published the timetable for the reopening of the bridge as follows:"
    text = body_of([*NAV, *ARTICLE, last, *dates, "Contact us", *NAV])
    assert all(line in text for line in dates)
    assert "Contact us" not in text


def test_a_list_article_made_of_short_items_is_kept_whole() -> None:
    items = []
    for n, summary in enumerate(TEASERS):
        items += [f"Deal number {n}: a discount worth having", summary, "* Get it at the shop"]
    text = body_of([*NAV, *items, *NAV])
    assert all(summary in text for summary in TEASERS)


def test_prose_shown_twice_on_a_page_is_a_teaser_not_the_article() -> None:
    lists = []
    for n, summary in enumerate(TEASERS):
        lists += [
            f"Another story {n}",
            summary,
            f"It is the {n + 1}th story of the week, and readers may well like it.",
        ]
    text = body_of([*NAV, *ARTICLE, *lists, *NAV, *lists, *NAV])
    assert ARTICLE[0] in text
    assert not any(summary in text for summary in TEASERS)


def test_many_comment_signatures_stay_linear() -> None:
    thread = [f"user{n} wrote:" if n % 2 else "Thanks for this." for n in range(20000)]
    text = body_of([*NAV, *ARTICLE, *thread])
    assert ARTICLE[-1] in text and "user1 wrote" not in text


def test_a_page_whose_only_prose_is_a_question_headline() -> None:
    found = clean_capture(
        "Home\nNews\nIs this the question that everyone in the city wants to ask about the bridge?\nContact"
    )
    assert found is not None
    assert found.text.startswith("Is this the question")


def test_any_mix_of_line_shapes_gives_a_body_or_none() -> None:
    shapes = [*NAV, *ARTICLE, *TEASERS, "12 Comments", "reader says:", "Related", "The list follows:", "May 4, 2025"]
    rng = random.Random(7)  # noqa: S311 - a reproducible mix, not a secret
    for _ in range(300):
        found = clean_capture("\n".join(rng.choices(shapes, k=rng.randint(0, 40))))
        assert found is None or found.text.strip()


def test_a_line_the_site_repeats_counts_against_the_block_it_sits_in() -> None:
    """Known site furniture is boilerplate before the block is chosen: it no longer bridges the
    article to the prose that follows it."""
    footer = (
        "The Harbour Gazette is an independent newsroom that has covered the towns along the estuary "
        "for more than forty years, and it is funded by the readers who support its work."
    )
    teaser = "Volunteers plant two thousand trees along the river path in a single weekend."
    lines = [*NAV, *ARTICLE, footer, teaser]
    assert footer in body_of(lines) and teaser in body_of(lines)

    asked: list[str | None] = []

    def known(site: str | None, page_lines: list[str]) -> set[str]:
        asked.append(site)
        return {footer} & set(page_lines)

    found = clean_capture("\n".join(["date 2025-05-06 Bridge | Harbour Gazette", *lines]), known)
    assert found is not None
    assert asked == ["Harbour Gazette"]
    assert footer not in found.text and teaser not in found.text
    assert all(paragraph in found.text for paragraph in ARTICLE)


def test_a_table_rendered_a_row_a_line_counts_as_the_article() -> None:
    intro = [
        "The standings below are updated after every race of the regional karting season.",
        "Points are awarded to the first ten drivers and two more for the fastest lap.",
    ]
    rows = [f"{n} Driver {chr(64 + n)} {200 - 9 * n} {9 - n} {n % 3} {12 - n}" for n in range(1, 9)]
    text = body_of([*NAV, *intro, "Pos Driver Points Wins Poles Podiums", *rows, *NAV])
    assert all(row in text for row in rows)
    assert "Weather" not in text


def test_a_few_lines_with_figures_are_no_table() -> None:
    lines = ["Sunday 3 May 2020 10:00", "Monday 4 May 2020 11:00", "Tuesday 5 May 2020 12:00"]
    text = body_of([*NAV, *lines, *ARTICLE, *NAV])
    assert not any(line in text for line in lines)


def test_legal_notices_under_the_article_are_boilerplate() -> None:
    notices = [
        "Harbourside Weekly and the lighthouse logo are registered trademarks of Example Media Group and may "
        "not be used without the written consent of the publisher.",
        "The content of this page is for informational purposes only and should not be taken as financial, "
        "legal or engineering advice on any matter that concerns you.",
        "Die Namen und Logos auf dieser Seite sind eingetragene Marken ihrer jeweiligen Inhaber und werden hier "
        "nur zur Beschreibung verwendet.",
    ]
    text = body_of([*NAV, *ARTICLE, *notices, *NAV])
    assert ARTICLE[-1] in text
    assert not any(notice in text for notice in notices)


def test_teasers_whose_headline_runs_into_the_summary_are_not_the_article() -> None:
    glued = [
        "Bakery On The North Side Wins A National PrizeThe bakery was praised by the judges for its rye bread "
        "and its sourdough, the third time that a shop from the town has won.",
        "Orchestra Announces Its Winter SeasonFour premieres and a free concert for schools will be held in "
        "the old grain exchange, which reopens after a long repair.",
        "Volunteers Plant 2,000 Trees Along The River PathStudents from the agricultural college helped to "
        "plant them in a single weekend despite the rain and the cold.",
        "Is The Ferry Coming Back?Residents have asked the council to bring back the ferry service while the "
        "repairs to the harbour bridge are still going on this winter.",
    ]
    text = body_of([*NAV, *glued, *NAV, *ARTICLE[:3], *NAV])
    assert ARTICLE[0] in text
    assert not any(teaser in text for teaser in glued)


def test_names_and_brands_written_in_camel_case_are_no_glued_teaser() -> None:
    article = [
        "Coach Ann McDonald said her team had trained for the match in the new SportsHall since the spring.",
        "LeBron James and the other guests arrived at the (CityNews) studio shortly after the show had started.",
    ]
    text = body_of([*NAV, *article, *ARTICLE, *NAV])
    assert all(line in text for line in article)


def test_a_more_from_the_site_heading_opens_the_teasers_after_the_article() -> None:
    teasers = [
        "Harbour bridge repairs: the council explains the cost",
        "Jane Doe",
        "The council said that the repairs to the harbour bridge would be shared with the regional government.",
        "Ferry or bridge? Residents near the harbour speak out",
        "John Roe",
        "Residents who live near the harbour told the council that the bridge should be rebuilt, not replaced.",
    ]
    text = body_of([*NAV, *ARTICLE, "More Harbour Times", *teasers, *NAV])
    assert ARTICLE[-1] in text
    assert not any(line in text for line in teasers)


def test_a_list_announced_a_few_short_sentences_after_the_article_is_kept() -> None:
    lead_in = ["Work starts in March.", "It will go in three phases.", "The phases, in brief:"]
    phases = ["Piers shored up and the old deck taken off", "A new steel deck laid in", "The footpath and lamps"]
    text = body_of([*NAV, *ARTICLE, *lead_in, *phases, "Contact us", *NAV])
    assert all(line in text for line in [*lead_in, *phases])
    assert "Contact us" not in text


def test_section_headings_and_comment_forms_in_other_languages() -> None:
    for heading in ["Artigos relacionados", "Articles similaires", "Ähnliche Artikel", "Lo más visto", "Commenti"]:
        assert is_heading(heading), heading
    assert is_heading("Sobre Ana Souza") and is_heading("À propos de l'auteur")
    assert is_boilerplate("O seu endereço de e-mail não será publicado. Campos obrigatórios são marcados com *")
    assert not is_heading("Leggi anche")  # "read also" sets a link into the article, as in English


def test_a_comment_thread_under_a_portuguese_heading_is_not_the_article() -> None:
    article = [
        "A prefeitura decidiu nesta terça-feira reconstruir a velha ponte do porto, fechada ao trânsito desde "
        "as enchentes da primavera, que danificaram dois dos seus pilares.",
        "Os engenheiros disseram que as obras devem durar pelo menos dezoito meses e que a ponte será reaberta "
        "por etapas, a começar pela passagem de pedestres.",
        "O custo das obras será dividido entre a cidade e o governo regional, que prometeu pagar metade do "
        "valor total, segundo o secretário de obras.",
    ]
    comments = [
        f"Leitor {n}: a ponte do porto estava rachada havia muitos anos e a prefeitura sabia disso desde {2010 + n}, "
        "mas nada foi feito pelos moradores da cidade até agora."
        for n in range(6)
    ]
    text = body_of([*NAV, *article, "Deixe uma resposta", *comments])
    assert article[-1] in text
    assert not any(comment in text for comment in comments)
