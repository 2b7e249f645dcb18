"""Short news paragraphs on unrelated subjects, for tests that need distinct articles (texts no
near-duplicate check would take for copies of one another)."""

from __future__ import annotations

LEADS = [
    "The council voted on Tuesday to dredge the harbour before winter, after fishing crews warned that silt "
    "had left two berths unusable at low tide.",
    "Parents at the primary school on Mill Lane collected four hundred signatures asking for hot lunches to "
    "return, three years after the kitchen closed for repairs.",
    "A new bus timetable starting in March will add an early service from the valley villages, the transport "
    "authority announced, though weekend routes will be cut.",
    "Volunteers restored the old lighthouse lamp over the summer, and the trust that owns the tower plans to "
    "open its gallery to visitors for the first time since 1987.",
    "Hospital managers admitted that car park charges had doubled since spring and promised free permits for "
    "nurses working night shifts from the start of next month.",
    "Traders in the covered market reported their busiest December in a decade, crediting late opening hours "
    "and a cheaper parking scheme introduced by the borough.",
    "Engineers closed the railway bridge over the estuary for emergency inspection after a barge struck one of "
    "its piers during a storm on Saturday night.",
]
FOLLOWS = [
    "Dredging contractors expect the work to take six weeks and cost about ninety thousand pounds.",
    "The head teacher said a caterer from the next town had offered to cook meals at cost.",
    "Drivers' representatives welcomed the extra buses but criticised the loss of Sunday evening trips.",
    "Guided climbs of the spiral staircase will be limited to twelve people at a time.",
    "Patients will still pay by the hour, although the first thirty minutes are to remain free.",
    "Stallholders want the late opening to continue on Thursdays throughout the year.",
    "Trains between the two ports are replaced by coaches until divers have checked the foundations.",
]


def lead(n: int) -> str:
    return LEADS[n % len(LEADS)]


def follow(n: int) -> str:
    return FOLLOWS[n % len(FOLLOWS)]
