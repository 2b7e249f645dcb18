"""Speaker phrases: role split from name, kind guess, and later mentions resolved to earlier ones.

"Russian presidential aide Yuri Ushakov" is the person Yuri Ushakov in the role "Russian presidential
aide"; a later "Ushakov" (or "Kim", Korean family name first) is the most recent full name with that
first or last word; "he"/"she" is the most recent person who spoke or was the subject of a sentence,
"it"/"the ministry" the most recent organisation that spoke.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.claims.lexicon import (
    CLAUSE_OPENERS,
    DEMONYMS,
    DESCRIPTOR_ACRONYMS,
    DETERMINERS,
    DOCUMENT_HEADS,
    GOVERNMENT_NAMES,
    HONORIFICS,
    NON_PERSON_WORDS,
    ORG_HEADS,
    OUTLET_HEADS,
    OUTLET_NAMES,
    PARTY_MEMBERS,
    PERSON_HEADS,
    PRONOUNS,
    SOURCE_HEADS,
    TITLE_WORDS,
)
from pipeline.claims.patterns import WORD_CAPITAL
from pipeline.claims.phrases import PHRASE_CONNECTORS, base_word, is_capitalised, is_possessive, nounish
from pipeline.models import Speaker

_CAPITAL_RUN = re.compile(WORD_CAPITAL + r"[\w’'-]*(?:[ \u00a0]+[A-Z][\w’'-]*)+")
_ORG_RUN = re.compile(WORD_CAPITAL + r"[\w’'-]*(?:(?:[ \u00a0]+(?:of|for))?[ \u00a0]+[A-Z][\w’'-]*)+")
_DOTTED = re.compile(r"(?:[A-Za-z]\.){2,}$|^(?:Jr|Sr|Inc|Co|Corp|Ltd)\.$")
_NAME_WORD = re.compile(r"^[A-Z][a-z]+(?:-[A-Za-z][a-z]*)?$")
_GENERIC_CAPITALS = PERSON_HEADS | SOURCE_HEADS | {"police", "authorities", "government", "military", "army"}
_DEFINITE_HEADS = ORG_HEADS | OUTLET_HEADS
_PERSON_ROLES = PERSON_HEADS | TITLE_WORDS
_GROUP_HEADS = PERSON_HEADS | SOURCE_HEADS
_BARE_BODIES = frozenset(
    {"police", "authorities", "campaign", "company", "airline", "team", "website", "network"}
)  # named by no article, yet speaking for a known body
# Pronouns with no single referent to resolve to ("they" only to a group that spoke just before).
_OTHER_PRONOUNS = frozenset({"they", "we", "i", "you", "one", "someone", "everyone", "nobody", "who"})


@dataclass(frozen=True, slots=True)
class FullName:
    name: str
    start: int
    first: str
    last: str
    gender: str = ""  # "m" or "f" when a form of address or a role word says so


_ADDRESS_BEFORE = re.compile(r"\b(Mr|Mrs|Ms|Miss)\.?\s+$")
_MALE_WORDS = frozenset("mr spokesman chairman congressman businessman king father husband brother son he".split())
_FEMALE_WORDS = frozenset(
    "mrs ms miss spokeswoman chairwoman congresswoman businesswoman queen mother wife sister daughter she".split()
)


def gender_of(words: list[str]) -> str:
    """ "m" or "f" when one of ``words`` (a form of address, a role) says so, else ""."""
    lowered = {base_word(word).lower() for word in words}
    if lowered & _MALE_WORDS:
        return "m"
    return "f" if lowered & _FEMALE_WORDS else ""


def _name_in(tokens: list[str]) -> list[str]:
    """The personal name that ends ``tokens``, read back to the first title or nationality word."""
    run: list[str] = []
    for index in range(len(tokens) - 1, -1, -1):
        token = tokens[index]
        lowered = token.lower()
        if lowered in DEMONYMS and index == len(tokens) - 1 and index > 0 and _first_name(tokens[index - 1]):
            run.insert(0, token)  # "Mark Cuban", "Darrell West": a surname that is also a demonym
            continue
        if _descriptor(token) or lowered in CLAUSE_OPENERS or lowered in DETERMINERS or not _NAME_WORD.match(token):
            break
        if lowered in NON_PERSON_WORDS or lowered in GOVERNMENT_NAMES:
            return []
        run.insert(0, token)
    return run if len(run) >= 2 else []


def _first_name(token: str) -> bool:
    lowered = token.lower()
    return (
        bool(_NAME_WORD.match(token))
        and not _descriptor(token)
        and lowered not in CLAUSE_OPENERS | DETERMINERS | (NON_PERSON_WORDS | GOVERNMENT_NAMES)
    )


def full_names(text: str) -> list[FullName]:
    """Personal names of two or more words in ``text``, in order of appearance."""
    names: list[FullName] = []
    for match in _CAPITAL_RUN.finditer(text):
        words = match.group().split()
        cut = max((i + 1 for i, word in enumerate(words[:-1]) if is_possessive(word)), default=0)
        tokens = [base_word(word) for word in words[cut:]]
        run = _name_in(tokens)
        if run:
            address = _ADDRESS_BEFORE.search(text, max(0, match.start() - 6), match.start())
            gender = gender_of([address.group(1)]) if address else ""
            names.append(FullName(" ".join(run), match.start(), run[0], run[-1], gender))
    return names


def organisation_names(text: str) -> list[FullName]:
    """Capitalised organisation names ("the Defense Ministry"), for a later "the ministry"."""
    found: list[FullName] = []
    for match in _ORG_RUN.finditer(text):
        words = match.group().split()
        head = base_word(words[-1])
        if head.lower() in _DEFINITE_HEADS:
            found.append(FullName(" ".join([*words[:-1], head]), match.start(), words[0], head.lower()))
    return found


def _split_name(words: list[str]) -> tuple[list[str], list[str]]:
    """(prefix, name run): the capitalised words that end the phrase, "of" allowed between them."""
    end = len(words)
    begin = end
    while begin > 0:
        word = words[begin - 1]
        base = base_word(word)
        lowered = base.lower()
        connector = lowered in {"of", "for"} and begin < end and begin > 1 and is_capitalised(words[begin - 2])
        after_address = begin > 1 and base_word(words[begin - 2]).lower() in HONORIFICS  # "Mr. King"
        if not (is_capitalised(base) or connector) or (_descriptor(base) and not after_address):
            break
        if is_possessive(word) and begin < end:
            break  # a possessive ("Korea’s") starts the phrase, it is not part of the name
        begin -= 1
    return words[:begin], words[begin:]


def _descriptor(word: str) -> bool:
    """A title or nationality word that precedes a name: "Minister", "Russian", "DPRK"."""
    lowered = word.lower()
    return lowered in TITLE_WORDS or lowered in DEMONYMS or word in DESCRIPTOR_ACRONYMS


def _text(words: list[str]) -> str | None:
    joined = " ".join(words).strip()
    return joined or None


@dataclass(slots=True)
class SpeakerResolver:
    """Turns speaker phrases into Speakers, remembering who spoke for later pronouns and surnames."""

    names: list[FullName]
    organisations: list[FullName]
    last_person: Speaker | None = None
    last_organisations: tuple[Speaker, ...] = ()
    roles: dict[str, str] = field(default_factory=dict)
    genders: dict[str, str] = field(default_factory=dict)
    last_group: Speaker | None = None  # the referent of a later "they": a group of people that spoke

    @classmethod
    def for_text(cls, text: str) -> SpeakerResolver:
        return cls(full_names(text), organisation_names(text))

    def resolve(self, phrase: str, position: int) -> Speaker | None:
        words = phrase.split()
        if not words:
            return None
        lowered = [w.lower() for w in words]
        if len(words) == 1 and lowered[0] in {"he", "she"}:
            return self._person_for(gender_of(words), position)
        if len(words) == 1 and lowered[0] == "it":
            return self.last_organisations[-1] if self.last_organisations else None
        if len(words) == 1 and lowered[0] == "they":
            return self.last_group
        if len(words) == 1 and lowered[0] in _OTHER_PRONOUNS:
            return None
        if len(words) == 2 and lowered[0] == "the" and words[1].islower() and lowered[1] in _DEFINITE_HEADS:
            return self._definite(lowered[1], position)
        if len(words) <= 2 and lowered[0] in ("the", "a", "an", lowered[-1]) and words[-1].islower():
            return self._description(lowered[-1])
        if len(words) == 1 and (
            lowered[0] in PERSON_HEADS or lowered[0] in _BARE_BODIES or _plural_of(lowered[0], _GROUP_HEADS)
        ):
            return self._description(lowered[0])  # "Officials said" at the start of a sentence
        return self.describe(words, position)

    def _person_for(self, gender: str, position: int) -> Speaker | None:
        """ "he"/"she": the last person who spoke or was a subject, else the nearest full name before it,
        skipping one whose form of address or role says the other gender."""
        last = self.last_person
        if last is not None and self.genders.get(last.name, gender) == gender:
            return last
        for candidate in reversed(self.names):
            if candidate.start < position and candidate.gender in ("", gender):
                return Speaker(name=candidate.name, role=self.roles.get(candidate.name), kind="person")
        return None

    def _description(self, head: str) -> Speaker | None:
        """ "the mayor", "officials": the person who spoke in that role, else the description itself."""
        if self.last_person is not None and self.last_person.role and head in self.last_person.role.lower().split():
            return self.last_person
        if describes_people(head):
            return Speaker(name=head, kind="person" if head in PERSON_HEADS else "unknown")
        return _body(head)

    def describe(self, words: list[str], position: int) -> Speaker | None:
        if words[0].lower() in DETERMINERS:
            words = words[1:]
        if words and not _DOTTED.search(words[-1]):
            words = [*words[:-1], words[-1].rstrip(".")]
        if words and base_word(words[0]).lower() in _GENERIC_CAPITALS:
            words = [words[0].lower(), *words[1:]]
        prefix, run = _split_name(words)
        if run:
            return self._named(prefix, run, position)
        full = self.full_name(base_word(words[0]), position) if len(words) == 1 else None
        if full is not None:  # "Cuban said", after "Mark Cuban"
            return Speaker(name=full, role=self.roles.get(full), kind="person")
        return _unnamed(words)

    def _named(self, prefix: list[str], run: list[str], position: int) -> Speaker:
        role = _text([word for word in prefix if base_word(word).lower() not in HONORIFICS])
        name = " ".join(run)
        run_lower = {base_word(word).lower() for word in run}
        if run_lower & OUTLET_NAMES or base_word(run[-1]).lower() in OUTLET_HEADS:
            return Speaker(name=name, role=role, kind="outlet")
        if run_lower & (ORG_HEADS | GOVERNMENT_NAMES):
            return Speaker(name=" ".join([*prefix, *run]), kind="organisation")
        if run_lower & NON_PERSON_WORDS:
            return Speaker(name=" ".join([*prefix, *run]), kind="unknown")
        if len(run) >= 2:
            return Speaker(name=name, role=role, kind="person")
        full = self.full_name(base_word(run[0]), position)
        if full is not None:
            return Speaker(name=full, role=role or self.roles.get(full), kind="person")
        person_role = bool(prefix) and base_word(prefix[-1]).lower() in _PERSON_ROLES
        return Speaker(name=name, role=role, kind="person" if person_role else "unknown")

    def full_name(self, word: str, position: int) -> str | None:
        for candidate in reversed(self.names):
            if candidate.start < position and word in (candidate.first, candidate.last):
                return candidate.name
        return None

    def _definite(self, head: str, position: int) -> Speaker | None:
        """ "The ministry": the last organisation with that head that spoke, else that was named."""
        for speaker in reversed(self.last_organisations):
            if head in speaker.name.lower() or (speaker.role and head in speaker.role.lower()):
                return speaker
        for mention in reversed(self.organisations):
            if mention.start < position and mention.last == head:
                kind = "outlet" if head in OUTLET_HEADS else "organisation"
                return Speaker(name=mention.name, kind=kind)
        return _body(head)

    def observe(self, speaker: Speaker, phrase: str = "") -> None:
        last = speaker.name.split()[-1].lower() if speaker.name.split() else ""
        if speaker.kind != "organisation" and _plural_of(last, _GROUP_HEADS | frozenset(["people"])):
            self.last_group = speaker
        if speaker.kind == "person" and any(c.isupper() for c in speaker.name):
            self.last_person = speaker
            if speaker.role:
                self.roles[speaker.name] = speaker.role
            gender = gender_of([*phrase.split(), *(speaker.role or "").split()])
            if gender:
                self.genders.setdefault(speaker.name, gender)
        elif speaker.kind in ("organisation", "outlet"):
            self.last_organisations = (*self.last_organisations[-7:], speaker)

    def observe_subject(self, phrase: str, position: int) -> None:
        """A sentence subject that names a person becomes the referent of a later "he"/"she"."""
        words = phrase.split()
        if not words or words[0].lower() in PRONOUNS:
            return
        words[-1] = base_word(words[-1])
        speaker = self.describe(words, position)
        if speaker is not None and speaker.kind == "person":
            self.observe(speaker, phrase)
        elif _plural_people(words):  # "Republicans", "the judges": a later "they"
            name = " ".join(word for word in words if word.lower() not in DETERMINERS)
            if self.last_group is None or self.last_group.name.lower() != name.lower():
                self.last_group = Speaker(name=name, kind="unknown")


# Words after the head of a phrase: "a spokeswoman for the ministry", "a source close to the board".
_AFTER_HEAD = PHRASE_CONNECTORS | {"close", "familiar", "briefed", "involved", "privy", "knowledgeable"}


def _plural_people(words: list[str]) -> bool:
    head = words[-1]
    if len(head) < 4 or not head.endswith("s") or head.endswith("ss"):
        return False
    lowered = head.lower()
    return describes_people(lowered) or lowered[:-1] in DEMONYMS or lowered in PARTY_MEMBERS


def _body(head: str) -> Speaker | None:
    """ "the party", "the newspaper", "the report" named by no earlier mention: the body or document itself."""
    if head in _BARE_BODIES or head in ORG_HEADS:
        return Speaker(name=head, kind="organisation")
    if head in OUTLET_HEADS:
        return Speaker(name=head, kind="outlet")
    if head in DOCUMENT_HEADS:
        return Speaker(name=head, kind="unknown")
    return None


def _unnamed(words: list[str]) -> Speaker | None:
    """A phrase without a name ("a senior official", "Russia’s defence minister"): kept when it says who."""
    if not words:
        return None
    lowered = [base_word(word).lower() for word in words]
    joined = next((i for i, word in enumerate(lowered) if i and word in _AFTER_HEAD), len(words))
    head = lowered[joined - 1]  # "spokeswoman for the ministry" is a spokeswoman
    named = any(is_capitalised(base_word(word)) for word in words)
    if not named and len(words) < 2:
        return None
    name = " ".join(words)
    if head in PERSON_HEADS or person_noun(head):
        return Speaker(name=name, kind="person")
    if head in ORG_HEADS or head in _BARE_BODIES:
        return Speaker(name=name, kind="organisation")
    if head in OUTLET_HEADS:
        return Speaker(name=name, kind="outlet")
    if head in SOURCE_HEADS or head in DOCUMENT_HEADS or _plural_of(head, _GROUP_HEADS):
        return Speaker(name=name, kind="unknown")  # a group ("top advisers") or an unnamed source
    return None


_PERSON_ENDINGS = ("ist", "ian", "er", "or", "ee", "man", "woman", "men", "women", "ant", "ent")


def names_a_source(word: str) -> bool:
    """One lower-case word that may stand as a speaker: people ("officials"), a body ("police", "the party"),
    an outlet ("the newspaper") or a document ("the report")."""
    return describes_people(word) or _body(word) is not None


def describes_people(word: str) -> bool:
    """One lower-case word that names a person or a group of people: "mayor", "officials", "pollsters"."""
    return word in PERSON_HEADS or word in SOURCE_HEADS or _plural_of(word, _GROUP_HEADS) or person_noun(word)


def person_noun(word: str) -> bool:
    """A lower-case word that names people by its ending ("pollster", "strategists", "residents")."""
    singular = word[:-1] if word.endswith("s") and not word.endswith("ss") else word
    return nounish(word) and singular.endswith(_PERSON_ENDINGS)


def _plural_of(word: str, heads: frozenset[str]) -> bool:
    return (word.endswith("s") and word[:-1] in heads) or (word.endswith("ies") and word[:-3] + "y" in heads)
