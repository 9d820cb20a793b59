"""Identifiers that are words: names of people and employers, and towns, cities and counties.

A capitalised word is a person's name when a first-name list holds it (and it is not an
ordinary word starting a sentence), or when the words around it say so: a title ("Dr.",
"Aunt"), a relation ("my neighbour"), "named", "work for", "Thank you,". A place is a town
when the words before it say someone lives, comes from or travels there, or when a state or
"County" follows it. States and larger places are not identifiers.

The first names are the 1990 US Census lists shipped by the `names` package, read once.
Every scan here walks the text once, reading at most `_WINDOW` characters around each word.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterator
from functools import cache, lru_cache
from importlib import resources

from .identifier_shapes import _ASCII_LOWER, english_words
from .identifier_words import (
    NICKNAMES,
    COMMON_WORD_NAMES,
    DAYS,
    LANGUAGES,
    MONTHS,
    NOT_NAMES,
    REGIONS,
    RELATIONS,
    STATE_ABBREVIATIONS,
    STATES,
    STREET_SUFFIXES,
    TITLES,
)

Span = tuple[str, int, int]
_WINDOW = 48

_STATE_WORDS = {s.lower() for s in STATES} | {s.lower() for s in STATE_ABBREVIATIONS}
# Where a relative is that is no town: "my son in Heaven", "my grandson in Kindergarten".
_NOWHERE = {
    "heaven", "paradise", "kindergarten", "preschool", "spring", "summer", "fall", "autumn",
    "winter", "christ", "jesus", "god",
}  # fmt: skip
# Words of `NOT_NAMES` that are no person's name in a story but are a town's after a place
# cue: "I live in Houston", "we retired to Paris, Texas", "my family lives in Long Beach".
_TOWN_WORDS = {
    "cleveland", "columbus", "dallas", "denver", "houston", "orlando", "paris", "geneva",
    "sydney", "milan", "temple", "long", "santa", "del", "golden", "liberty",
}  # fmt: skip
_NOT_PLACES = (
    _STATE_WORDS | REGIONS | LANGUAGES | MONTHS | DAYS | (NOT_NAMES - _TOWN_WORDS) | _NOWHERE
    | {t.rstrip(".").lower() for t in TITLES}
)
# A town whose first word is a state's ("Kansas City", "Virginia Beach") or a compass point's
# ("North Platte", "West Covina"); not "North Carolina", "South America", "the East Coast".
_STATE_TOWN_ENDS = {"city", "beach"}
# Words of a hospital's departments and of care, which no US town's name holds: after a place
# verb, "spent the summer in Physical Therapy", "three weeks in Intensive Care", "the holidays
# in Labor and Delivery" say where in a hospital, not which town.
_DEPARTMENTS = frozenset(
    """
    therapy physiotherapy rehab rehabilitation care labor labour delivery surgery recovery
    oncology cardiology radiology neurology urology nephrology dermatology hematology
    haematology pediatrics paediatrics orthopedics orthopaedics obstetrics gynecology
    gynaecology psychiatry pulmonology gastroenterology endocrinology rheumatology triage
    dialysis hospice maternity radiotherapy chemotherapy chemo medicine department unit icu
    nicu picu
    """.split()
)
_COMPASS = {"north", "south", "east", "west"}
_NOT_COMPASS_TOWNS = {
    "coast", "side", "end", "shore", "bank", "pole", "pacific", "atlantic", "wing", "tower",
    "campus", "building", "hall", "entrance", "lot", "unit", "jersey", "central",
}  # fmt: skip
_CAPITALISED = re.compile(r"[A-Z][A-Za-z'’-]{0,40}")
_CAP = r"[A-Z][a-z'’.-]{1,30}"
_CAPS = rf"{_CAP}(?:\s{_CAP}){{0,2}}"
_STATE_ALT = "|".join(sorted((re.escape(s) for s in STATES), key=len, reverse=True))
_ABBR_ALT = "|".join(STATE_ABBREVIATIONS)

_STATE_NAME = re.compile(rf"(?:{_STATE_ALT})(?![\w])")
_COUNTY = re.compile(
    rf"[A-Z][a-z'’.-]{{1,30}}\s(?:{_CAP}\s){{0,2}}(?:County|Parish|Borough|Township)\b"
)
_CITY_STATE = re.compile(
    rf"[A-Z][a-z'’.-]{{1,30}}(?:\s{_CAP}){{0,2}},\s{{1,2}}(?:{_STATE_ALT}|{_ABBR_ALT})(?![\w])"
)
_TOWN_OF = re.compile(
    r"(?:town|Town|city|City|village|Village|hometown|Hometown|township|Township)"
    rf"(?:\s+of|,|\s+called|\s+named)?\s+({_CAPS})"
)
_PLACE_AFTER = re.compile(rf"(?:in|to|from|near|outside(?:\s+of)?|around)\s+({_CAPS})(?![\w'’-])")
_PLACE_VERBS = set(
    """
    live lives lived living grew raised born move moved moving relocated relocate retired
    retiring settled commute commuted commuting drove drive driving came come coming home
    house farm apartment family folks everyone everybody people neighbors neighbours clinic
    hospital er pharmacy worked mill plant spent stay stayed staying been originally i'm i’m
    am visit visited visiting flew son daughter sister brother parents mom mother dad father
    kids up school college university bus train cabin church nobody anyone anybody someone
    somebody doctors specialists friends relatives cousins grandkids grandchildren
    grandson grandsons granddaughter granddaughters grandma grandpa grandmother grandfather
    aunt uncle niece nephew cousin wife husband wedding funeral reunion vacation trip
    graduation camp summer summers summered winter winters wintered vacationed honeymooned
    """.split()
)
# A person and a form of "be" right before "from" say where someone is from (`places`).
_BE = {"is", "was", "were", "are"}
_FROM_PEOPLE = set(
    """
    she he they we you who nurse nurses doctor doctors surgeon surgeons farmer girl boy man
    woman guy lady family folks parents people roommate
    """.split()
)
# Words of an organisation's name: "he was from Blue Cross", "the nurse was from Home Health".
_ORGANISATION_WORDS = set(
    """
    health cross shield parenthood security hospice care services society church ministries
    foundation association insurance pharmacy depot bank network group center centre clinic
    hospital partners wheels agency department office administration medicaid medicare
    """.split()
)
_FROM_BEING = {"she's", "she’s", "he's", "he’s", "they're", "they’re", "we're", "we’re", "you're", "you’re"}
# Words of care and work before "in" that make a rare word after it a town (`places`).
_CARE_CUES = set(
    """
    diagnosed diagnosis hospitalized hospitalised admitted treated treatment surgery surgeries
    operation operated chemo chemotherapy radiation dialysis infusions transplant center centre
    centers centres clinics hospitals practice office offices doctor physician physicians
    cardiologist oncologist surgeon surgeons specialist neurologist endocrinologist
    rheumatologist pediatrician paediatrician dentist therapist nurse nurses icu ward here
    there job work working works shift appointment appointments seen delivered birth ambulance
    scan scans biopsy mri community
    emergency practiced practised
    """.split()
)
# A part of a hospital or a campus with its number or letter after it is no town: "the team
# moved to Building 2", "we went to Suite 300", "I was sent up to Level B". Nor is a school
# year or a step of treatment (scan v46, held-out corpus G: "My daughter is in Year 4 now").
_NUMBERED_PARTS = set(
    """
    building buildings suite room floor ward unit wing level bay pod tower hall gate lot exit
    bed station terminal door section zone block pavilion annex clinic
    year grade form class stage phase cycle round
    """.split()
)
_NUMBER_OR_LETTER = re.compile(r"\s{1,2}(?:\d|[A-Z](?![\w'’]))")


def _numbered_part(text: str, match: re.Match) -> bool:
    """Whether a place found after a cue is a part of a building with its number or letter:
    "Building 2", "Level B." (the letter read into the match), "Suite 300"."""
    words = match.group(1).split()
    if words[0].lower() not in _NUMBERED_PARTS:
        return False
    return (len(words) == 2 and len(words[1].rstrip(".")) == 1) or (
        len(words) == 1 and bool(_NUMBER_OR_LETTER.match(text, match.end(1)))
    )


# After these a capitalised place needs no verb: "a cabin outside Ely", "near Tifton".
_PLACE_ALONE = {"near", "outside", "around"}

_TITLE_WORDS = {t.rstrip(".").lower() for t in TITLES}
_RELATION_WORDS = {r.lower() for r in RELATIONS}
_NAMING_WORDS = {"named", "called", "dear", "hi", "hello", "thanks"}
_GREETINGS = {"dear", "hi", "hello", "thanks"}
# Who a story greets that is no person's name: "Dear Reader", "Hi Everyone", "Thanks Team".
_GREETED = {
    "reader", "readers", "diary", "friend", "friends", "everyone", "everybody", "all", "team",
    "family", "folks", "y'all", "you", "future", "self", "sir", "madam", "staff", "doctors",
    "nurses", "cancer", "body", "world", "fellow",
}  # fmt: skip
_WORK_WORDS = {
    "work",
    "works",
    "worked",
    "working",
    "employed",
    "job",
    "crew",
    "boss",
    "shift",
    "shifts",
    "retired",
    "hired",
    "manager",
    "employer",
}
# The last word of a business's name: "Kessler Freight", "Hartwell Plumbing".
_ORGANISATION = re.compile(
    r"[A-Z][a-z'’&-]{1,30}(?:\s[A-Z][a-z'’&-]{1,30}){0,2}\s"
    r"(?:Inc|LLC|Co|Company|Corp|Corporation|Construction|Plumbing|Roofing|Logistics|Freight|"
    r"Trucking|Transport|Services|Foods|Motors|Industries|Manufacturing|Farms|Bank|Hardware|"
    r"Electric|Landscaping|Builders|Contractors|Lumber|Mills|Auto|Dental|Law|Realty|Bakery|"
    r"Diner|Cafe|Market|Grocers?|Insurance\s+Agency)\b"
)
_SENTENCE_MARKS = tuple('.!?:;"“”([*•>-')


@cache
def world_first_names() -> frozenset[str]:
    """The census names and those of `data/first_names_world.txt` (Faker's locales, less
    English words): a capitalised word in ordinary text is a name when it is one of these.
    Only there: in a run of capitals or a sentence without any every word is a candidate, and
    a list this long holds more words of other languages that English text has ("Can")."""
    text = resources.files("generator").joinpath("data/first_names_world.txt").read_text(encoding="utf-8")
    world = {line for line in text.splitlines() if line and not line.startswith("#")}
    return first_names() | world


@cache
def first_names() -> frozenset[str]:
    """Lower-case first names from the census lists in the `names` package, read once: the
    names that the readings of text in capitals or without any trust."""
    try:
        folder = resources.files("names")
    except ModuleNotFoundError as exc:  # a dependency of flywheel: a broken install, not a skip
        raise RuntimeError(
            "the identifier scan needs the 'names' package (its census first-name lists); "
            "reinstall flywheel with its dependencies"
        ) from exc
    found: set[str] = set()
    for list_name in ("dist.female.first", "dist.male.first"):
        for line in (folder / list_name).read_text(encoding="ascii").splitlines():
            if line.strip():
                found.add(line.split()[0].lower())
    return frozenset(found)


def allowed_words(allowed_names: frozenset[str]) -> tuple[frozenset[str], frozenset[str]]:
    """Whole allowed names and their single words, lower case, without titles or periods."""
    whole, words = set(), set()
    for name in allowed_names:
        cleaned = " ".join(w.strip(".,") for w in name.split() if w.strip(".,"))
        if cleaned:
            whole.add(cleaned.lower())
            words.update(w.lower() for w in cleaned.split())
    return frozenset(whole), frozenset(words)


def _is_allowed(found: str, allowed: frozenset[str]) -> bool:
    parts = [w.strip(".,'’()").lower() for w in found.split()]
    parts = [p[:-2] if p.endswith(("'s", "’s")) else p for p in parts]
    return bool(parts) and all(p in allowed for p in parts)


def _title_like(before: list[str], after: list[str]) -> bool:
    """Headings capitalise every word: then a capital says nothing about a name."""
    near = [w for w in before[-2:] + after[:2] if len(w) > 3 and w[0].isalpha()]
    return len(near) >= 2 and all(w[0].isupper() for w in near)


_NEXT_WORD = re.compile(r"\s{1,2}([A-Za-z]{2,15})")


def _department_after(text: str, end: int) -> bool:
    """Whether a department's word follows: "in Physical therapy", as a run in capitals is
    read ("IN PHYSICAL THERAPY": "therapy" is no town's word, so it stays in lower case)."""
    following = _NEXT_WORD.match(text, end)
    return following is not None and following.group(1).lower() in _DEPARTMENTS


def places(text: str, allowed: frozenset[str], typed: bool = False) -> Iterator[Span]:
    """Towns, cities and counties: geography smaller than a state. `typed`: `text` is the text
    as typed, not one of `identifiers`' readings of it."""
    for match in _COUNTY.finditer(text):
        if _starts_word(text, match.start()):
            yield "town", *match.span()
    for match in _CITY_STATE.finditer(text):
        city = match.group().split(",")[0]
        if _starts_word(text, match.start()) and _is_place(city, allowed):
            yield "town", match.start(), match.start() + len(city)
    for match in _TOWN_OF.finditer(text):
        if _starts_word(text, match.start()) and _is_place(match.group(1), allowed):
            yield "town", *match.span(1)
    for match in _PLACE_AFTER.finditer(text):
        if not _starts_word(text, match.start()):
            continue
        before = text[max(0, match.start() - _WINDOW) : match.start()]
        sentence = before[max(before.rfind(mark) for mark in ".!?\n") + 1 :].lower().split()
        preposition = match.group().split()[0]
        cue = preposition in _PLACE_ALONE or bool(_PLACE_VERBS.intersection(sentence[-6:]))
        # "My nurse was from Bad Axe", "she's from Bad Axe": where someone is from (scan v42);
        # not "the call was from Blue Cross", "a nurse from Home Health came".
        if not cue and preposition == "from" and sentence:
            cue = (
                sentence[-1] in _FROM_BEING  # "she's from", "he’s from"
                or len(sentence) > 1 and sentence[-1] in _BE
                and (sentence[-2] in _FROM_PEOPLE or sentence[-2] in _RELATION_WORDS)
            ) and _ORGANISATION_WORDS.isdisjoint(w.strip(".'’") for w in match.group(1).lower().split())
        # "a farmer from Bad Axe", "the nurse from Walla Walla": a person right before "from"
        # and a listed place after it (`us_word_towns`, `us_towns`; scan v43); not "a nurse
        # from Home Health", no place.
        if not cue and preposition == "from" and sentence and sentence[-1] in _FROM_PEOPLE:
            place = " ".join(match.group(1).lower().replace(".", "").split())
            cue = place in us_word_towns() or place in us_towns()
        # "I was diagnosed in Tulsa", "the dialysis center in Amarillo", "here in Sheboygan":
        # after "in" and a word of care or work, a word English rarely uses is a town. Not
        # after any word: a drug, a condition or an app is rare too ("a change in Synthroid",
        # "I was in Afib", "it was in Evernote"). Only in text as typed: a word in capitals
        # after "in" ("in NICU", "in JAMA") is an acronym.
        if not cue and typed and preposition == "in" and _CARE_CUES.intersection(sentence[-6:]):
            cue = _rare_word(match.group(1))
        if cue and _numbered_part(text, match):
            continue
        if cue and _is_place(match.group(1), allowed) and not _department_after(text, match.end(1)):
            yield "town", *match.span(1)


# A run of one to three capitalised words, or "the" and one ("the Bronx"), that may name a
# town of `us_towns` with no cue before it: "I'm a Tulsa girl", "Amarillo is two hours away",
# "Dearborn's Arab community", "the Amarillo VA".
_TOWN_WORD = r"(?:(?:Mc|De|La)?[A-Z][a-z'’.-]{1,30}(?:-[A-Z][a-z'’.]{1,30})?|LA|NYC)"  # "Winston-Salem"
_NAMED_RUN = re.compile(rf"(?<![\w'’./-])(?:[Tt]he\s)?{_TOWN_WORD}(?:\s{_TOWN_WORD}){{0,3}}(?![\w])")
_WORD = re.compile(r"\S+")
# A town's name before these is an event's or a thing's named after it, which says nothing
# of where the patient lives: "the Boston Marathon", "a Boston fern", "Manhattan cocktails".
# A team is a capitalised plural after it ("the Chicago Bears"). "Cleveland" and "Mayo" are
# no `us_towns`: "the Cleveland Clinic" and "Mayo Clinic" are no finding.
_NOT_TOWN_NEXT = {
    "marathon", "style", "cream", "terrier", "fern", "cocktail", "cocktails", "bar",
    "disease", "syndrome", "virus", "chorea",  # "Huntington's disease", "Norwalk virus"
    # a scale, score or test named after a town's hospital: "the Glasgow Coma Scale"
    "coma", "scale", "score", "criteria", "classification", "questionnaire", "protocol",
}  # fmt: skip
# Nicknames of places that GeoNames lacks.
_TOWN_NICKNAMES = {"east la", "south central", "nyc", "philly"}


# The kind `named_towns` yields: a town to `scan`, unless it is the practice's own.
NAMED_TOWN = "named-town"


@lru_cache(maxsize=16)
def practice_towns(*texts: str) -> frozenset[str]:
    """The towns of `us_towns` that the practice's own name and address name, lower case: a
    story names them without a cue ("our Amarillo clinic") and that says no more than the
    page's footer. After a cue ("I live in Amarillo") they are towns as any other. Kept for the
    texts given (a frozenset of strings, from strings): the gate asks once a story, with the
    same two texts, and the answer took 34 us each time (0.04 s of a rebuild at 5,000)."""
    return frozenset(text[start:end].lower() for text in texts for _, start, end in named_towns(text, frozenset()))


@cache
def us_towns() -> frozenset[str]:
    """US towns of `data/us_towns.txt` (GeoNames, less words and first names), lower case:
    a capitalised name there is a town wherever it stands (`named_towns`)."""
    text = resources.files("generator").joinpath("data/us_towns.txt").read_text(encoding="utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#")) | _TOWN_NICKNAMES


def named_towns(text: str, allowed: frozenset[str]) -> Iterator[Span]:
    """Towns named without a cue (`_NAMED_RUN`): the longest name of `us_towns` that a run
    starts with, or a later word of it starts. Not a surname after a first name, a title or a
    relation ("Whitney Houston", "Dr. Lufkin", "my neighbor Dallas": the name rules read
    those), nor an event, a team or a thing named after the town (`_NOT_TOWN_NEXT`)."""
    capitalised = set(map(str.lower, _CAPITALISED_WORD.findall(text)))
    capitalised |= {_ABBREVIATED_PLACE[word] for word in capitalised & _ABBREVIATED_PLACE.keys()}
    keyed = _town_keys()
    if not any(words <= capitalised for key in capitalised & keyed.keys() for words in keyed[key]):
        return  # most texts: no town has all its words capitalised there
    towns = us_towns()
    for match in _NAMED_RUN.finditer(text):
        spans = [(match.start() + word.start(), word.group()) for word in _WORD.finditer(match.group())]
        starts, words = [start for start, _ in spans], [word for _, word in spans]
        i = 0
        while i < len(words):
            found = _town_at(words, i, towns)
            if not found:
                i += 1
                continue
            last = words[i + found - 1]
            start, end = starts[i], starts[i + found - 1] + len(last.rstrip(".").removesuffix("'s").removesuffix("’s"))
            if i:
                previous = words[i - 1].rstrip(".")
            else:
                before = _LAST_WORD.search(text, max(0, start - _WINDOW), start)
                previous = before.group(1) if before else ""
            if i + found < len(words):
                after = words[i + found].lower().rstrip(".")
                # "the Denver Broncos", "the Chicago Bears": a team; not "Tulsa Express"
                team = after.endswith("s") and not after.endswith(("'s", "’s", "ss"))
            else:  # after the whole word: "Huntington's disease"
                following = _FIRST_WORD.match(text, starts[i + found - 1] + len(last))
                after = following.group(1).lower() if following else ""
                team = after in _NOT_FAMILIES  # a team typed in lower case: "the chicago bears"
            lowered = previous.lower()
            named = (
                lowered in _TITLE_WORDS or lowered in _RELATION_WORDS
                or previous[:1].isupper() and lowered in world_first_names() and lowered not in NOT_NAMES
            )
            if not (named or team or after in _NOT_TOWN_NEXT or _is_allowed(text[start:end], allowed)):
                yield NAMED_TOWN, start, end
            i += found


_CAPITALISED_WORD = re.compile(r"[A-Z][A-Za-z]+")


@cache
def _town_keys() -> dict[str, list[frozenset[str]]]:
    """The words of each town ("salt lake city": salt, lake, city) under its longest word: a
    text where no town has all its words capitalised names none, and is read no further. Not
    under its rarest word, which needs pyspellchecker's counts: loading them for this filter
    alone put 26 MB and 0.15 s into every process that scans (the build's, each worker's)."""
    keys: dict[str, list[frozenset[str]]] = {}
    for town in us_towns():
        words = frozenset(word for word in re.split(r"[\s.'’-]+", town) if len(word) > 1 and word != "the")
        if words:
            keys.setdefault(max(sorted(words), key=len), []).append(words)
    return keys


_LAST_WORD = re.compile(r"([A-Za-z]+)\.?\s{1,2}$")
_FIRST_WORD = re.compile(r"\s{1,2}([A-Za-z]+)")


# "Ft. Wayne", "Mt. Airy": the list spells the word out.
_ABBREVIATED_PLACE = {"ft": "fort", "mt": "mount"}


def _town_at(words: list[str], i: int, towns: frozenset[str]) -> int:
    """How many words from `words[i]` name a town of `towns` (longest first), or 0."""
    first = words[i].lower().rstrip(".")
    for length in (3, 2, 1):
        if i + length > len(words):
            continue
        spelt = [_ABBREVIATED_PLACE.get(first, first), *words[i + 1 : i + length]]
        name = " ".join(spelt).lower().rstrip(".")
        name = name.removesuffix("'s").removesuffix("’s")
        if name in towns:
            return length
    return 0

# pyspellchecker's count below which a word is rarely English: towns ("tulsa" 76, "amarillo"
# 50, "cleveland" 405, "boston" 812), not words ("kindergarten" 3,613, "stage" 66,146).
_RARE_LIMIT = 1000
# Rare words after "in" that are no town: feasts, scripture, programmes and insurers.
_NOT_TOWNS_AFTER_IN = set(
    """
    lent advent passover kwanzaa diwali eid rosh yom allah buddha psalm psalms proverbs
    scripture corinthians medicaid medicare medi-cal tricare aetna humana cigna kaiser
    anthem bluecross markdown python unicode javascript
    """.split()
)


def _rare_word(found: str) -> bool:
    """A first word that English rarely uses (`_RARE_LIMIT`), no feast, scripture or programme
    and no possessive ("in Reader's Digest")."""
    from .identifier_shapes import word_counts

    first = found.split()[0].lower().rstrip(".")
    return (
        word_counts().get(first, 0) < _RARE_LIMIT
        and first[1:2] != "-"  # "in C-section recovery"
        and first not in _NOT_TOWNS_AFTER_IN
        and not first.endswith(("'s", "’s"))
    )


def _starts_word(text: str, start: int) -> bool:
    return start == 0 or not (text[start - 1].isalnum() or text[start - 1] in "_'’-")


def _is_place(found: str, allowed: frozenset[str]) -> bool:
    lowered = found.lower().rstrip(".")
    words = [word.rstrip(".") for word in lowered.split()]
    first = words[0]
    if lowered in _NOT_PLACES or first in ("the", "my", "our"):
        return False
    if not _DEPARTMENTS.isdisjoint(words):  # "I spent the summer in Physical Therapy"
        return False
    if len(words) > 1 and lowered.startswith(("mt.", "st.", "ft.")):  # "Mt. Shasta", not Montana's
        return not _is_allowed(found, allowed) and not found.endswith(("'s", "’s"))
    if first in _NOT_PLACES and not (
        len(words) > 1
        and (
            first in _STATE_WORDS and words[1] in _STATE_TOWN_ENDS
            or first in _COMPASS
            and f"{first} {words[1]}" not in _NOT_PLACES
            and words[1] not in _NOT_PLACES
            and words[1] not in _NOT_COMPASS_TOWNS
        )
    ):
        return False
    return not _is_allowed(found, allowed) and not found.endswith(("'s", "’s"))


def employers(text: str, allowed: frozenset[str]) -> Iterator[Span]:
    """Businesses named with a trade word ("Kessler Freight"): a patient's employer, usually."""
    for match in _ORGANISATION.finditer(text):
        first = match.group().split()[0].lower()
        if _starts_word(text, match.start()) and first not in _NOT_PLACES:
            if not _is_allowed(match.group(), allowed):
                yield "name", *match.span()


# A family named by its surname where it lives: "the Hendersons across the street", "the
# Nguyens next door". Found only in a text holding one of the places (a test in C).
_HOUSEHOLD = re.compile(
    r"(?<![\w'’-])[Tt]he\s{1,2}([A-Z][a-z'’-]{1,30}s)\s{1,2}(?:next\s{1,2}door|"
    r"(?:across|down|up)\s{1,2}the\s{1,2}(?:street|road|hall|block|lane|way)|"
    r"(?:two|three|a\s{1,2}few)\s{1,2}doors\s{1,2}down|upstairs|downstairs)(?![\w-])"
)
_HOUSEHOLD_PLACES = ("door", "across the", "down the", "up the", "stairs")
_NOT_HOUSEHOLDS = {
    "baptists", "methodists", "lutherans", "catholics", "presbyterians", "mormons", "marines",
    "twins", "kids", "boys", "girls", "nurses", "doctors", "neighbors", "neighbours", "sisters",
    "brothers", "students", "volunteers", "workers", "others",
}  # fmt: skip


def households(text: str, allowed: frozenset[str]) -> Iterator[Span]:
    """Families named by their surname where they live (`_HOUSEHOLD`)."""
    if not any(place in text for place in _HOUSEHOLD_PLACES):
        return
    for match in _HOUSEHOLD.finditer(text):
        family = match.group(1)
        if family.lower() in _NOT_HOUSEHOLDS:
            continue
        singular = family[:-2] if family.endswith("es") else family[:-1]
        if not (_is_allowed(family, allowed) or _is_allowed(singular, allowed)):
            yield "name", *match.span(1)


# A family named by its surname anywhere: "the Nguyens drove me home", "the Okafor family",
# "the Joneses' porch". The word must be a census surname that English rarely uses as a word
# (`_surname`): "the Browns", "the Kings" and "the Giants" are teams and words, not families.
_FAMILY = re.compile(
    r"(?<![\w'’-])[Tt]he\s{1,2}(?:([A-Z](?:c[A-Z]|['’][A-Z])?[a-z]{1,30}s)(?![\w-])|"
    r"([A-Z](?:c[A-Z]|['’][A-Z])?[a-z]{1,30})\s{1,2}"
    r"(?:family|family's|family’s|families|household|clan|kids|children|twins|boys|girls)(?![\w-]))"
)
# Teams whose one player is a rare surname ("the Packers", "the Dodgers"), plural places, groups
# and shops named after their founders ("the Lowes on Route 9": a shop, not a household).
_NOT_FAMILIES = set(
    """
    packers dodgers yankees steelers brewers mariners padres oilers flyers raiders chargers colts
    bengals buccaneers titans saints vikings celtics lakers clippers pistons pacers hornets
    nuggets canadiens sabres senators penguins islanders canucks capitals astros orioles marlins
    braves royals twins mets nationals pirates tigers angels cubs reds diamondbacks phillies
    cardinals rams chiefs dolphins eagles falcons ravens bills panthers bears lions texans jaguars
    patriots giants jets seahawks commanders broncos cowboys browns rangers guardians athletics
    rockies bruins ducks flames hurricanes predators devils sharks blues stars wild kings spurs
    raptors wizards warriors rockets grizzlies bucks knicks suns nets hawks bulls cavaliers
    mavericks timberwolves pelicans thunder jazz heat magic sparks aces mystics lynx buckeyes
    wolverines longhorns sooners gators bulldogs hoosiers huskies badgers hawkeyes spartans
    seminoles volunteers aggies razorbacks cornhuskers trojans hamptons carolinas dakotas
    poconos ozarks catskills adirondacks berkshires rockies smokies appalachians cascades
    everglades bahamas philippines maldives netherlands alps andes himalayas keys virginias
    americas olympics oscars grammys emmys beatles simpsons carpenters ramones shriners masons
    freemasons elks brownies rotarians teamsters romans corinthians galatians ephesians
    philippians colossians thessalonians hebrews mcdonalds dennys krogers macys kohls dillards
    sears wendys hardees lowes aldis wegmans hannafords applebees belks nordstroms walgreens
    meijers safeways dicks chilis arbys
    """.split()
)
_ES_PLURALS = ("ses", "xes", "zes", "ches", "shes")
_RARE_AS_A_WORD = 3000  # pyspellchecker's count: "nguyen" 50, "taylor" 2,724; "ranger" 3,888


@cache
def surnames() -> frozenset[str]:
    """Lower-case surnames from the census list in the `names` package, read once."""
    lines = resources.files("names").joinpath("dist.all.last").read_text(encoding="ascii").splitlines()
    return frozenset(line.split()[0].lower() for line in lines if line.strip())


def _surname(word: str) -> bool:
    from .identifier_shapes import word_counts

    key = word.lower().replace("'", "").replace("’", "")  # the census writes "obrien"
    return (
        key in surnames() and word_counts().get(key, 0) < _RARE_AS_A_WORD
        and key not in NOT_NAMES and key not in _STATE_WORDS and key not in MONTHS and key not in DAYS
    )


def _rare_surname(word: str, rare: int = _RARE_AS_A_WORD) -> bool:
    """`_surname`, asking pyspellchecker's counts first (below `rare`): the census surnames
    (88,799 words, about 10 MB) are read only for a word English seldom uses ("P. Kumar"),
    never for "A. Example, MD", which a reviewed page prints and every build scans."""
    from .identifier_shapes import word_counts

    key = word.lower().replace("'", "").replace("’", "")
    return word_counts().get(key, 0) < rare and _surname(word)


def families(text: str, allowed: frozenset[str]) -> Iterator[Span]:
    """Families named by their surname (`_FAMILY`)."""
    if "he " not in text and "he\n" not in text:
        return
    for match in _FAMILY.finditer(text):
        plural, named = match.group(1), match.group(2)
        if plural is not None:
            if plural.lower() in _NOT_FAMILIES or plural.lower() in _NOT_HOUSEHOLDS:
                continue
            # "Joneses", "Lopezes", "Marches"; "Changes" is no "Chang".
            singulars = [plural[:-1]] + ([plural[:-2]] if plural.endswith(_ES_PLURALS) else [])
            found = next((s for s in singulars if _surname(s)), None)
            span = match.span(1)
        else:
            found = named if _surname(named) else None
            span = match.span(2)
        if found is not None and not _is_allowed(found, allowed):
            yield "name", *span


# Words taken as no name anywhere else that are given names right after a relation: "my twin
# Bo", "my son Christian", "my daughter India", "my brother Junior".
_GIVEN_WORDS = set(
    """
    an bo vi asia chan chin christian cleveland columbus dallas delta denver destiny diamond
    diego dot echo forest francisco geneva glory golden houston hung india israel junior kenya
    king lane liberty long major milan min moon noble orlando page paris precious prince
    princess queen royal sang star sydney temple tiny young
    """.split()
)


# An initial before a census surname that is no everyday word: "P. Kumar", "J. Halloran".
_INITIAL_SURNAME = re.compile(r"\.[ \t]{1,2}([A-Z][a-z'’-]{1,30})(?![\w])")
_AFTER_HOUSE_NUMBER = re.compile(r"\d[ \t]{1,2}\Z")  # a compass point: "315 N. Quarry Bend"


def people(text: str, allowed: frozenset[str]) -> Iterator[Span]:
    """Names of people other than the patient, and of employers."""
    names = world_first_names()
    states = {m.start() for m in _STATE_NAME.finditer(text) if _starts_word(text, m.start())}
    states |= {
        m.start() + m.group().find(" ") + 1 for m in _STATE_NAME.finditer(text) if " " in m.group()
    }
    position = 0
    for match in _CAPITALISED.finditer(text):
        start, end = match.span()
        if start < position or not _starts_word(text, start):
            continue
        word = match.group()
        if end < len(text) and text[end].isalnum() or (len(word) > 1 and word[1].isupper()):
            continue  # an acronym (ECG, CPAP, ARNIs) or a word too long to be a name
        key = word.lower()
        if len(word) == 1:
            initialled = _INITIAL_SURNAME.match(text, end)
            if (
                initialled is not None
                # a compass point after a house number: "315 N. Quarry Bend"
                and not _AFTER_HOUSE_NUMBER.search(text, max(0, start - 8), start)
                and _rare_surname(initialled.group(1).removesuffix("'s").removesuffix("’s"))
            ):
                position = initialled.end()  # "P. Kumar", "thanks to J. Halloran"
                if not _is_allowed(text[start:position], allowed):
                    yield "name", start, position
                continue
        if key.endswith(("'s", "’s")):
            key = key[:-2]
        raw_before = text[max(0, start - _WINDOW) : start]
        before = raw_before.split()
        previous = before[-1].lower() if before else ""
        bare = previous.rstrip(",").lstrip("(\"“‘'[")  # '("Dr Okonkwo"': the title after a quote mark
        if key in NOT_NAMES and not (key in _GIVEN_WORDS and bare in _RELATION_WORDS):
            continue
        # A title is never a name itself: in "Thank you, Dr. Okafor" the name is the word after
        # it, read with the title as its context (and allowed or not on its own).
        if key in _TITLE_WORDS and bare.rstrip(".") not in _TITLE_WORDS:  # "Dr. Judge" is one
            continue
        if bare in _GREETINGS and key in _GREETED:  # "Dear Reader", "Hi Everyone"
            continue
        if _saint_mount_fort(bare) and not _street_before(bare, before):
            continue  # "St. Augustine", "St. John's wort", "Ft. Myers": no person
        after = text[end : end + _WINDOW]
        initial = _SURNAME_INITIAL.match(text, end)
        if initial is not None and _surname(key) and not _allowed_surname_first(key, initial.group(1), allowed):
            position = initial.end()  # "Lopez, M.": a surname and an initial, as lists sign
            yield "name", start, position
            continue
        by_context = (
            bare.rstrip(".") in _TITLE_WORDS
            and (before[-1].lstrip("(\"“‘'[")[:1].isupper() or bare in _OFFICE_TITLES or bare in _OFFICE_ABBREVIATIONS)
            or bare in _RELATION_WORDS
            or bare in _NAMING_WORDS and not (bare in _THING_NAMING and _a_thing(key, names))
            or (bare == "you" and len(before) > 1 and before[-2].lower() == "thank")
            or (bare in ("is", "was") and len(before) > 1 and before[-2].lower() == "name")
            or bare in ("née", "nee")  # "Maria, née Lopez": her surname at birth
            or (bare in ("for", "at", "by") and _WORK_WORDS & {w.lower() for w in before[-4:-1]})
            or _appositive(after)
            or (after.startswith((" and I ", " and I,")) and key not in COMMON_WORD_NAMES)
            or key != word.lower() and _possessed_relation(key, after)  # "Tom's wife drove me"
        )
        span_end = end
        if by_context:
            found = True
            span_end = _name_end(text, end)
        elif (
            _is_first_name(key, names)
            and start not in states
            and key not in MONTHS
            and key not in DAYS
            and not _EPONYM_NEXT.match(text, end)  # "Addison's disease"; "my friend Addison's" is read above
            and not _INSTITUTION_NEXT.match(text, end)  # "the Mayo Clinic"; "Dr. Mayo" is read above
            and not _BUSINESS_NEXT.match(text, end)  # "Olive Garden", "a Ford F-150" (scan v43)
            and not (key == word.lower() and _read_before(bare, before))  # "read me Harry Potter": a title (scan v43)
            and not (key in _NUMBERED_PARTS and _NUMBER_OR_LETTER.match(text, end))  # "in Ward B"
        ):
            stripped = raw_before.rstrip()
            starts_sentence = (
                not stripped
                or stripped.endswith(_SENTENCE_MARKS)
                or "\n" in raw_before[len(stripped) :]
            )
            span_end = _name_end(text, end)
            # The words around the whole name: its own surname is no sign of a heading.
            if _title_like(before, text[span_end : span_end + _WINDOW].split()):
                found = False
            elif _eponym_after(text, end, span_end):
                found = False  # "Lou Gehrig's disease", "a Jane Austen novel"
                position = span_end  # the surname too: "Austen" is a given name elsewhere
            elif key != word.lower() and _eponym_listed(text, end, names):
                found = False  # "Addison's, Cushing's and Hashimoto's"
            elif span_end > end:
                found = True
            else:
                # "Rob drove me.": a nickname that is also a word, opening a sentence before a
                # verb a person does, is a name ("Hope kept me going" is no nickname; scan v43).
                found = (
                    not starts_sentence
                    or key not in COMMON_WORD_NAMES
                    or key in _NICKNAME_WORDS and _person_verb_after(text, end)
                )
        else:
            found = False
        if not found:
            continue
        position = span_end
        if span_end > end and key in allowed:
            span_end = _allowed_name_end(text, end, span_end)
        if not _is_allowed(text[start:span_end], allowed):
            yield "name", start, span_end


# A surname's comma and a first name's initial after it ("Lopez, M.", "Okafor, R. --"): not
# "I" ("Brown, I. think") nor an abbreviation of two letters or more ("Washington, D.C.").
_SURNAME_INITIAL = re.compile(r",[ \t]{1,2}([A-HJ-Z])\.(?![ \t]?[A-Za-z]\.)")
_SURNAME_INITIAL_ANY_CASE = re.compile(r",[ \t]{1,2}([A-HJ-Za-hj-z])\.(?![ \t]?[A-Za-z]\.)")


def _allowed_surname_first(surname: str, initial: str, allowed: frozenset[str]) -> bool:
    """Whether "Okafor, R." is an allowed name written surname first: the surname allowed and
    an allowed word starting with the initial."""
    return surname in allowed and any(word[:1] == initial.lower() for word in allowed if word != surname)


def _allowed_name_end(text: str, end: int, span_end: int) -> int:
    """Where an allowed first name ending at `end` ends when capitalised words follow it: at
    the first that is an everyday word and no census surname ("NURSE MARISOL TAUGHT ME", read
    as written "Marisol Taught": a verb, not her surname). Asked of allowed names only, so
    no other finding changes its span or its id; "Marisol Brown" and "Marisol Held" still
    read as a surname (census surnames both)."""
    from .identifier_shapes import word_counts

    for following in _NEXT_NAME.finditer(text, end, span_end):
        word = (following.group(1) or following.group(2)).lower().rstrip(".")
        if word_counts().get(word, 0) >= _RARE_AS_A_WORD and word not in surnames():
            return following.start()
    return span_end


# Titles of an office, which name the person after them typed in lower case too ("I saw reverend
# Mabry", "pastor Okafor"): unlike "sister" or "father", none is also a relation or a word
# that a capitalised word follows by chance.
# Typed without its full stop, or an abbreviation with one: "the nurse. Visit" ends a sentence.
_OFFICE_TITLES = frozenset({
    "reverend", "rev", "pastor", "rabbi", "imam", "deacon", "doctor", "dr", "nurse", "professor",
    "prof", "judge", "officer", "sergeant", "sgt", "captain", "coach",
})
_OFFICE_ABBREVIATIONS = frozenset({"rev.", "dr.", "prof.", "sgt."})


def _saint_mount_fort(bare: str) -> bool:
    """"St.", "Mt.", "Ft.", "Ste.", also typed with marks ("Sté.": scan v43)."""
    if bare in _SAINT_MOUNT_FORT:
        return True
    if bare.isascii() or len(bare) > 4:
        return False
    return "".join(ch for ch in unicodedata.normalize("NFKD", bare) if ch.isascii()) in _SAINT_MOUNT_FORT


def _street_before(abbreviation: str, before: list[str]) -> bool:
    """Whether "St." ends a street's name, and the name after it starts a sentence: "We live on
    Oak St. Maria visits daily" (a capitalised word before "St." that starts no sentence);
    not "Try St. John's wort", "moved to St. Augustine"."""
    return (
        abbreviation == "st."
        and len(before) > 2
        and before[-2][:1].isupper()
        and not before[-3].endswith(_SENTENCE_MARKS)
    )


def _is_first_name(key: str, names: frozenset[str]) -> bool:
    """A first name, or a double one whose every part is ("Mei-Ling", "Jean-Luc"; not
    "Long-term")."""
    return key in names or "-" in key and all(part in names for part in key.split("-"))


def _possessed_relation(key: str, after: str) -> bool:
    """A first name whose relation comes next ("Tom's wife", "Bill's son"): a name even when
    it is also a word or starts a sentence, unless it is a relation or title ("Nana's friend")."""
    following = after.split(None, 1)[:1]
    return (
        bool(following)
        and following[0].strip(".,;:!?").lower() in _RELATION_WORDS
        and key in first_names()
        and key not in _RELATION_WORDS
        and key not in _TITLE_WORDS
    )


# Names written in lower case ("my husband, robert", "dear cosima"): in a story typed without
# capitals only the words before say a word is a name.
_LOWER_NAMED = re.compile(
    r"(?<![\w'’-])(?i:(?:my|our|his|her|their)\s+(?:"
    + "|".join(sorted((re.escape(w) for w in _RELATION_WORDS), key=len, reverse=True))
    + r")(?:\s*,\s*|\s+)|(?:named|called|dear)\s+)([a-z][a-z'’-]{1,30})(?![\w])"
)
# A title of an office or an aunt's typed as a title, then a name, in lower case: "thank you
# nurse adaeze", "aunt philippa". Found with str.find from each title in the text lowered
# (same length): in `_LOWER_NAMED`'s case-blind alternation, or as a search of its own from a
# class of their first letters, they cost that search half again or more.
_LOWER_TITLES = (  # "aunt": "auntie" too; "father" a priest's ("our chaplain, father tadhg")
    "nurse", "rabbi", "imam", "deacon", "pastor", "reverend", "aunt", "uncle", "father", "chaplain",
)
_LOWER_TITLE_NAME = re.compile(r"\s{1,3}([a-z][a-z'’-]{1,30})(?![\w])")


def _lower_titled_names(text: str) -> Iterator[re.Match]:
    """`_LOWER_TITLE_NAME` after each title of `_LOWER_TITLES` that starts a word."""
    lowered = text.lower() if text.isascii() else text.translate(_ASCII_LOWER)
    for title in _LOWER_TITLES:
        at = lowered.find(title)
        while at != -1:
            end = at + len(title)
            if lowered.startswith("ie", end) and title == "aunt":
                end += 2
            if at == 0 or not (text[at - 1].isalnum() or text[at - 1] in "_'’-"):
                found = _LOWER_TITLE_NAME.match(text, end)
                if found is not None:
                    yield found
            at = lowered.find(title, end)


def lower_case_people(text: str, allowed: frozenset[str]) -> Iterator[Span]:
    """First names written without a capital after a relation ("my neighbour, walter") or
    after "named" or "called": a name from the first-name lists that is not also an everyday
    word ("my son will", "a dog named max" are not findings). The word before says a name
    comes, so the world's first names are read here too ("her son dmitri", "nurse adaeze"):
    that list holds no English word pyspellchecker counts 2,000 times or more."""
    names = world_first_names()
    asked = [0]  # words spelt against the word list in this text (`_unknown_word`)
    for match in itertools.chain(_LOWER_NAMED.finditer(text), _lower_titled_names(text)):
        word = match.group(1)
        key = word.removesuffix("'s").removesuffix("’s")
        if key in NOT_NAMES or key in COMMON_WORD_NAMES or key in MONTHS or key in DAYS:
            continue
        # A word no list holds is a name after a relation or a title ("my grandson thelonious",
        # "pastor ezekial"), as in capitals (`_unknown_word`), when it is five letters or more
        # (`_misspelt` cannot tell "alot" from a name); not after "named", "called" or "dear",
        # which name things too ("a drug called xarelto", "dear diary").
        naming = match.group()[:1] in "nNcCdD"
        if (
            key not in names
            and (naming or len(key) < 5 or not _unknown_word(key, asked))
            and (
                naming
                or match.re is not _LOWER_NAMED
                or not _before_surname(key, text, match.end(1))
            )
            and not (naming and _two_rare_words(key, text, match.end(1), asked))
        ):
            continue
        if not _is_allowed(word, allowed):
            yield "name", *match.span(1)


def _two_rare_words(key: str, text: str, end: int, asked: list[int]) -> bool:
    """After "named" or "called": two words no list holds and English rarely uses ("a man named
    yevgeny petrovsky"), or one before a census surname; one alone names a thing as often ("a
    drug called xarelto")."""
    following = _FOLLOWING_WORD.match(text, end)
    return (
        following is not None
        and len(key) > 3
        and _unknown_word(key, asked)
        and (_unknown_word(following.group(1).lower(), asked) or _rare_surname(following.group(1)))
    )


# Surnames typed without a capital after a short title ("dr. okafor", "Mrs. jones", "mr lee"):
# after an abbreviated title the next word is a name unless it is one of these ("the dr. said").
# The short titles are the list's abbreviations; those that are also words or abbreviations of
# something else ("ms" fatigue, "prof" edit) only with their full stop.
_SHORT_TITLES = frozenset(t.rstrip(".").lower() for t in TITLES if t.endswith("."))
_BARE_TITLES = frozenset({"dr", "mr", "mrs", "mx"})
# Matched against the text with ASCII capitals lowered (same length, same offsets): an
# alternation of plain literals lets the regex engine skip ahead in C.
_LOWER_TITLED = re.compile(
    "(?:"
    + "|".join(sorted([*_BARE_TITLES, *(rf"{t}\." for t in _SHORT_TITLES - _BARE_TITLES)], key=len, reverse=True))
    + r")\.?\s+([a-z][a-z'’-]{1,30})(?![\w])"
)
_NOT_AFTER_TITLE = NOT_NAMES | set(
    """
    about again also always am an appointment appointments are asked bill bills bought brought
    called calls came can could did does drove every explained felt flew found gave gives got
    had has have heard held is just kept knew left let listened looked made may met might must
    never next note notes office offices ordered orders paid prescribed put ran recommended
    referred said sat saw says see sees sent set should so spoke still stood suggested than
    thinks thought to told took treated visit visits wanted wants was went were who whom whose
    will would wrote
    """.split()
)


def lower_case_titled(text: str, allowed: frozenset[str]) -> Iterator[Span]:
    """Names typed without a capital after a short title: "dr. okafor told me", "I thanked
    Mrs. jones". A capitalised name after a title is `people`'s."""
    for match in _LOWER_TITLED.finditer(text.translate(_ASCII_LOWER)):
        if not _starts_word(text, match.start()) or text[match.start() - 1 : match.start()] == ".":
            continue
        word = text[match.start(1) : match.end(1)]
        if not word[0].islower():
            continue  # a capitalised name after a title is `people`'s
        key = word.removesuffix("'s").removesuffix("’s")
        if key in _NOT_AFTER_TITLE or key in MONTHS or key in DAYS:
            continue
        if not _is_allowed(word, allowed):
            yield "name", *match.span(1)


# A run of words typed in capitals ("MY NEIGHBOUR TOM BECKER DROVE ME"): two or more words of
# two or more capitals with nothing lower case between them.
_SHOUTED_WORD = re.compile(r"(?<![\w'’])(?!I(?![\w'’]))[A-Z](?:[A-Z'’]*[A-Z])?(?![\w'’])")
_SHOUTED_PAIR = re.compile(r"[A-Z][A-Z'’]*[A-Z][^a-z]{1,12}?[A-Z][A-Z'’]*[A-Z]")


# How a run typed in capitals is read: in lower case, as a story typed without capitals is
# (the lower-case detectors and the context words then apply), except the words that lists
# say are written with a capital: first names that are not everyday words, months and days,
# states, street suffixes after a number and the words between them, a state's city, and a
# word right after a capitalised first name (a surname).
_STATE_LOWER = {s.lower() for s in STATES}
_SUFFIX_LOWER = {s.lower() for s in STREET_SUFFIXES}
_NUMBER_WORD = re.compile(r"\d")
_ABBR_LOWER = {a.lower() for a in STATE_ABBREVIATIONS}
_ZIP_AFTER_STATE = re.compile(r"\s{1,2}\d{5}(?!\d)")
# A sentence that starts in lower case is read as written without capitals when it holds none
# ("I" aside). One character class first, so that the engine skips ahead in C.
_LOWER_START = re.compile(r"[.!?\n][ \t]*[a-z]")
_SENTENCE_END = re.compile(r"[.!?\n]")
_UPPER = re.compile(r"[A-Z](?<!\bI)|I(?=[\w])(?!['’]m\b)")


# Abbreviations whose full stop ends no sentence: "from mt. shasta", "to st. augustine", "dr.
# okafor said" (a word of one to four letters before the stop, `_ABBREVIATED` finds it).
_DOT_ABBREVIATIONS = frozenset({"mt", "st", "ft", "dr", "mr", "mrs", "ms", "mx", "jr", "sr", "prof", "rev", "sgt"})
_ABBREVIATED = re.compile(r"(?<![\w'’.])([A-Za-z]{2,4})\Z")


def _abbreviation_at(text: str, stop: int) -> bool:
    """Whether the full stop at `stop` ends an abbreviation of `_DOT_ABBREVIATIONS`."""
    if text[stop] != ".":
        return False
    found = _ABBREVIATED.search(text, max(0, stop - 5), stop)
    return found is not None and found.group(1).lower() in _DOT_ABBREVIATIONS


def _lower_sentences(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of every sentence typed without a capital."""
    starts = [
        m.end() - 1
        for m in _LOWER_START.finditer(text)
        if m.group()[0] == "\n" or m.end() - m.start() > 2 and not _abbreviation_at(text, m.start())
    ]
    lead = len(text) - len(text.lstrip(" \t"))
    if text[lead : lead + 1].islower():
        starts.insert(0, lead)
    for start in starts:
        stop = _SENTENCE_END.search(text, start)
        while stop is not None and _abbreviation_at(text, stop.start()):
            stop = _SENTENCE_END.search(text, stop.end())
        end = stop.start() if stop else len(text)
        if _UPPER.search(text, start, end) is None:
            yield start, end


_LOWER_WORD = re.compile(r"(?<![\w'’])[a-z][a-z'’]*(?![\w'’])")
_SHOUTED_ORDINAL = re.compile(r"\d(ST|ND|RD|TH)(?![\w'’])")


# Acronyms of care that are also first names ("I HAD A TIA", "i had a tia", "a massive AMI", "the
# ADA diet"): after an article or a word that sizes an event, an acronym, not a name ("MY
# SISTER TIA" is still one, from the relation).
_ACRONYM_NAMES = frozenset({"tia", "ami", "ana", "ada"})
_ACRONYM_BEFORE = frozenset(
    """
    a an the another mini massive small minor major silent second third first recent possible
    suspected positive negative
    """.split()
)


def _capitalised_in_run(lower: str) -> bool:
    names = first_names()
    return (
        lower in names and lower not in COMMON_WORD_NAMES and lower not in NOT_NAMES
        or lower in MONTHS or lower in DAYS or lower in _STATE_LOWER
    )


def as_written(text: str) -> str | None:
    """`text` with every word of a run typed in capitals, and of a sentence typed without
    any, written as ordinary text would be, the same length ("MY NEIGHBOUR WALTER BECKER" and
    "my neighbour walter becker" as "my neighbour Walter Becker"), so that the detectors,
    which read capitals and the words around them, read it. None when there is no such run
    or sentence (the usual story, at the cost of two searches)."""
    words: list[tuple[int, int]] = []
    in_run: list[bool] = []
    asked = [0]  # words spelt against the word list in this text (`_unknown_word`)
    lone = _lone_names(text)
    if _SHOUTED_PAIR.search(text) is not None:
        shouted = [m.span() for m in _SHOUTED_WORD.finditer(text)]
        words += shouted
        in_run += [
            any(
                0 <= j < len(shouted) and _no_lower_between(text, *sorted((shouted[i], shouted[j])))
                for j in (i - 1, i + 1)
            )
            for i in range(len(shouted))
        ]
    for start, end in _lower_sentences(text):
        found = [m.span() for m in _LOWER_WORD.finditer(text, start, end)]
        words += found
        run = len(found) >= 3 or len(found) == 2 and any(  # "salem, or 97301": a state before a ZIP
            text[a:b] in _ABBR_LOWER and _ZIP_AFTER_STATE.match(text, b) for a, b in found
        )
        in_run += [run] * len(found)
    if not any(in_run):
        if not lone:
            return None
        words, in_run = [], []
    order = sorted(range(len(words)), key=lambda i: words[i])
    words, in_run = [words[i] for i in order], [in_run[i] for i in order]
    lowered = [text[start:end].lower() for start, end in words]
    named = set(lone)  # a run's first word named by the word before it: "neighbour TOM BECKER"
    capital = [
        in_run[i]
        and (
            _capitalised_in_run(word)
            and not (word in _ACRONYM_NAMES and i and lowered[i - 1] in _ACRONYM_BEFORE)
            or _short_title(word, text[end : end + 1])
            or (start, end) in named
        )
        for i, (word, (start, end)) in enumerate(zip(lowered, words, strict=True))
    ]
    plain = _PLAIN_WORDS
    abbreviations: set[int] = set()
    for i, word in enumerate(lowered):
        if not in_run[i]:
            continue
        previous = lowered[i - 1] if i and in_run[i - 1] else ""
        after_capital = i > 0 and capital[i - 1]
        if word not in plain and (
            after_capital and previous in first_names()  # a surname after a first name
            or after_capital and previous in _SHORT_TITLES  # "DR. OKOYE"
            or previous in _RELATION_WORDS | _NAMING_WORDS and _may_be_name(word, text, words[i], asked)  # "MY SON BEN"
            or _after_place_word(lowered, i) and _may_be_town(word)  # "IN TOLEDO"; the place detector asks for a verb
            or i > 1 and after_capital and _after_place_word(lowered, i - 1)  # "CEDAR FALLS"
            or _works_for(lowered, i)  # "WORK FOR HARTWELL PLUMBING"
            # "I work at HENDRICKS LUMBER": a shouted run's words before it are the text's (scan v43)
            or text[words[i][0]].isupper() and _works_for_as_typed(text, words[i][0], word)
            or previous == "nee"  # "maria, nee lopez": a surname at birth
            or word in us_towns() and word not in world_first_names()  # "AMARILLO IS TWO HOURS AWAY", "a tulsa girl"
        ):
            capital[i] = True
        spelt = _ABBREVIATED_PLACE.get(lowered[i - 1]) if i else None
        if spelt is not None and f"{spelt} {word}" in us_towns():
            capital[i - 1] = capital[i] = True  # "HOME IS FT. WAYNE", "ft. lauderdale"
        if i + 1 < len(lowered) and in_run[i + 1] and _after_place_word(_words_before(text, words[i][0]) + [word], 2):
            length = _word_town_at(text, words, lowered, in_run, i)
            if length:  # "FROM BAD AXE", "from walla walla": a place named in words (scan v43)
                capital[i : i + length] = [True] * length
        if (  # "ROB DROVE ME.", "rob drove me.": a nickname opening a sentence before a person's verb
            word in _NICKNAME_WORDS
            and i + 1 < len(lowered)
            and in_run[i + 1]
            and lowered[i + 1] in _PERSON_VERBS
            and text[words[i][1] : words[i + 1][0]] == " "
            and (text[: words[i][0]].rstrip() == "" or text[: words[i][0]].rstrip().endswith(_SENTENCE_MARKS))
        ):
            capital[i] = True
        if (  # "THANKS TO P. KUMAR", "p. kumar": an initial and a census surname
            i
            and len(lowered[i - 1]) == 1
            and text[words[i - 1][1] : words[i][0]] in (". ", ".  ")
            and not _AFTER_HOUSE_NUMBER.search(text, max(0, words[i - 1][0] - 8), words[i - 1][0])
            and _rare_surname(word)
        ):
            capital[i - 1] = capital[i] = True
        if (  # "OUR NEIGHBOURS THE ABERNATHYS", "the abernathys": a family by a rare surname (scan v43)
            previous == "the"
            and len(word) > 4
            and word.endswith("s")
            and not word.endswith("ss")
            and word not in plain
            and word not in _NOT_FAMILIES
            and word not in english_words()  # "the stairs": "stair" is a census surname too
            and (_rare_surname(word[:-1]) or word.endswith(_ES_PLURALS) and _rare_surname(word[:-2]))
        ):
            capital[i] = True
        if (  # "THANKS TO ROB LINDQVIST", "rob lindqvist": a nickname before a word no list holds;
            # "TO KWAME MENSAH", "kwame mensah": one of the world's first names too (scan v43)
            (word in _NICKNAME_WORDS or word in world_first_names())
            and word not in plain
            and i + 1 < len(lowered)
            and in_run[i + 1]
            and text[words[i][1] : words[i + 1][0]] == " "
            and _unheard_of(lowered[i + 1])
        ):
            capital[i] = capital[i + 1] = True
        if (  # "SIGNED, LOPEZ, M.", "lopez, m.": a census surname, a comma and an initial
            i + 1 < len(lowered)
            and len(lowered[i + 1]) == 1
            and text[words[i][1] : words[i + 1][0]] in (", ", ",  ")
            and text[words[i + 1][1] : words[i + 1][1] + 1] == "."
            and _SURNAME_INITIAL_ANY_CASE.match(text, words[i][1]) is not None
            and _surname(word)
        ):
            capital[i] = capital[i + 1] = True
        if word in _SUFFIX_LOWER:  # "12 OAK HILL ROAD": a number, at most four words, a suffix
            for back in range(i - 1, max(-2, i - 5), -1):  # -1: the number before the first word
                gap = words[back + 1][0]
                before = words[back][1] if back >= 0 else 0
                if _NUMBER_WORD.search(text, max(before, gap - 12), gap) or _spelt_house_number(lowered, back):
                    if not any(lowered[k] in plain for k in range(back + 1, i)):
                        for k in range(back + 1, i + 1):
                            capital[k] = True
                    break
            else:
                # "THE BLUE ONE ON TAMARACK LANE", "on TAMARACK LANE", "on birch hollow lane": a
                # street after "on", "off" or "along" (one to three words; the word before read
                # from the text, as a shouted run holds only its own words); the address
                # detector asks for a word of living before it, as typed (scan v43)
                first = i
                while (
                    first > 0 and i - first < 3 and in_run[first - 1]
                    and lowered[first - 1] not in plain
                    and _no_lower_between(text, words[first - 1], words[first])
                ):
                    first -= 1
                if first < i and _words_before(text, words[first][0])[-1] in _STREET_PREPOSITIONS:
                    for k in range(first, i + 1):
                        capital[k] = True
        if word in _STATE_LOWER and i and text[words[i - 1][1] : words[i][0]].strip() == ",":
            capital[i - 1] = True  # "SPRINGFIELD, OHIO"
        if _state_abbreviation_after_town(text, words, lowered, i):
            abbreviations.add(i)  # "LA CROSSE, WI", "bad axe, mi.": the town's words before it
            for back in range(i - 1, max(-1, i - 4), -1):
                if lowered[back] in plain or not in_run[back] or back < i - 1 and text[words[back][1] : words[back + 1][0]] != " ":
                    break
                capital[back] = True
    out, changed = list(text), False
    for match in _SHOUTED_ORDINAL.finditer(text):  # "JUNE 9TH": the day's suffix as written
        out[match.start(1) : match.end(1)] = match.group(1).lower()
        changed = True
    for i, (start, end) in enumerate(words):
        if not in_run[i]:
            continue
        word = text[start:end]
        written = lowered[i][:1].upper() + lowered[i][1:] if capital[i] else lowered[i]
        if lowered[i] in _ABBR_LOWER and (_ZIP_AFTER_STATE.match(text, end) or i in abbreviations):
            written = word.upper()  # "columbus, oh 43201": the state as written before a ZIP
        if len(written) == len(word):
            out[start:end] = written
            changed = True
    in_runs = {span for span, run in zip(words, in_run, strict=True) if run}
    for start, end in lone:
        if (start, end) not in in_runs:  # a run reads its words itself
            out[start + 1 : end] = text[start + 1 : end].lower()
            changed = True
    return "".join(out) if changed else None


# A house number spelt out after "at" ("I'M AT SEVENTEEN ASPEN COURT", "at forty two elm road"),
# as `identifier_shapes` reads one in ordinary text.
_SPELT_NUMBERS = frozenset(
    """
    one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen
    sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety
    hundred
    """.split()
)


# What may follow a state's abbreviation that ends a town's name: the end of a sentence or
# clause, or a word in lower case ("in LA CROSSE, WI now"); not "CHURCH, IN THE MORNING".
_AFTER_ABBREVIATION = re.compile(r"[ \t]*(?:$|[.,;:!?)\n]|[a-z])")
# Abbreviations that are also words, read as a state in a sentence without capitals only
# before a ZIP (`_ZIP_AFTER_STATE`): "salem, or 97301", not "then, or else"; in capitals only
# after a word English rarely uses ("TULSA, OK."; not "HAPPY BIRTHDAY, PA!").
_ABBREVIATION_WORDS = frozenset({"al", "ar", "co", "de", "hi", "id", "in", "la", "ma", "me", "mo", "oh", "ok", "or", "pa"})


def _state_abbreviation_after_town(text: str, words: list[tuple[int, int]], lowered: list[str], i: int) -> bool:
    """Whether the word at `i` is a state's abbreviation after a comma that ends a town's name
    in a run in capitals or a sentence without any ("LA CROSSE, WI.", "la crosse, wi"): typed
    in capitals, or no English word, and at the end of a clause (scan v42)."""
    if not i or lowered[i] not in _ABBR_LOWER or text[words[i - 1][1] : words[i][0]] not in (", ", ",  "):
        return False
    start, end = words[i]
    if lowered[i] in _ABBREVIATION_WORDS:
        if not text[start:end].isupper():
            return False
        from .identifier_shapes import word_counts

        if word_counts().get(lowered[i - 1], 0) >= _RARE_AS_A_WORD:
            return False  # "HAPPY BIRTHDAY, PA!", "THANK YOU ALL, OK?"; not "TULSA, OK."
    return _AFTER_ABBREVIATION.match(text, end) is not None


# The nicknames of `identifier_words.NICKNAMES` ("rob", "peggy", "liz"): many are words too.
_NICKNAME_WORDS = frozenset(short for names in NICKNAMES.values() for short in names)


def _unheard_of(word: str) -> bool:
    """A word of four letters or more that is no plain word and English hardly uses
    (pyspellchecker's count below `_UNKNOWN_LIMIT`): after a nickname, her surname ("rob
    lindqvist"; not "rob banks", "bill payment", "pat dry"; scan v42)."""
    from .identifier_shapes import word_counts

    return len(word) > 3 and word not in _PLAIN_WORDS and word_counts().get(word, 0) < _UNKNOWN_LIMIT


def _spelt_house_number(lowered: list[str], i: int) -> bool:
    """Whether the word at `i` ends a number spelt out right after "at" (one or two words), and
    no time of day ("AT ONE PM")."""
    if i < 1 or lowered[i] not in _SPELT_NUMBERS or lowered[i + 1 : i + 2] in (["am"], ["pm"]):
        return False
    return lowered[i - 1] == "at" or i > 1 and lowered[i - 1] in _SPELT_NUMBERS and lowered[i - 2] == "at"


_PLACE_PREPOSITIONS = {"in", "from", "near", "outside", "around"}
_STREET_PREPOSITIONS = {"on", "off", "along"}
_MOVED = {"moved", "retired", "relocated", "drove", "went", "came", "flew", "back", "up", "down"}


def _short_title(word: str, after: str) -> bool:
    """A title before a name: "DR. OKOYE", "DR OKOYE"; "PROF", "MS", "REV" only with a full stop."""
    return word in _SHORT_TITLES and (after == "." or after == " " and word in _BARE_TITLES)


_FUNCTION_WORDS = set(
    """
    about above across after again against all although among an and any are as at be because
    been before being below between both but by can could did do does down during each either
    else even ever few for further had has have having here how if into is itself just least
    less like many me more most much must myself neither no nor not of off once only other
    ought ourselves out over own same should since so some such than though through till too
    under until up upon us very was were what whatever where whether which while who whom why
    will with within without would yet him them themselves herself himself one two three four
    five six seven eight nine ten
    """.split()
)
# Small words, verbs and relations: a run's words that are never a surname or a town.
_PLAIN_WORDS = frozenset(
    NOT_NAMES | _PLACE_VERBS | _RELATION_WORDS | _NAMING_WORDS | _WORK_WORDS | _NOT_AFTER_TITLE | _FUNCTION_WORDS
)


@cache
def us_word_towns() -> frozenset[str]:
    """US places named in two or three words, full stops left out (`data/us_word_towns.txt`,
    GeoNames: "bad axe", "sault ste marie"), read in `as_written` after a place word."""
    text = resources.files("generator").joinpath("data/us_word_towns.txt").read_text(encoding="utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


_TEXT_WORD = re.compile(r"[a-z'’]+")


def _words_before(text: str, start: int, count: int = 2, reach: int = 32) -> list[str]:
    """The `count` words before `start` in `text` (within `reach` characters), lower case,
    padded with empty ones at the front: "from" before "BAD AXE" in "I'm from BAD AXE", where
    the run holds only the shouted words."""
    found = _TEXT_WORD.findall(text[max(0, start - reach) : start].lower())[-count:]
    return [""] * (count - len(found)) + found


def _word_town_at(
    text: str, words: list[tuple[int, int]], lowered: list[str], in_run: list[bool], i: int
) -> int:
    """How many words of a run from `i` (three or two) name a place of `us_word_towns`, each
    after a space or a full stop and a space ("sault ste. marie"), or 0."""
    for length in (3, 2):
        if i + length > len(lowered) or not all(in_run[i : i + length]):
            continue
        if any(text[words[k][1] : words[k + 1][0]] not in (" ", ". ") for k in range(i, i + length - 1)):
            continue
        if " ".join(lowered[i : i + length]) in us_word_towns():
            return length
    return 0


def _may_be_town(word: str) -> bool:
    return word not in _NOT_TOWNS and not word.endswith(_NOT_TOWN_ENDINGS)


def _after_place_word(lowered: list[str], i: int) -> bool:
    previous = lowered[i - 1] if i else ""
    before = lowered[i - 2] if i > 1 else ""
    return (
        previous in _PLACE_PREPOSITIONS
        or previous == "to" and before in _MOVED
        or previous == "of" and before in ("town", "city", "village", "outside", "county")
    )


def _may_be_name(word: str, text: str, span: tuple[int, int], asked: list[int]) -> bool:
    """After a relation: a first name that is not an everyday word (as in a story typed in
    lower case: "a dog named max" is not a finding), or a word set off by a comma ("MY
    DAUGHTER, PRIYANKA,")."""
    names = first_names()
    return (
        word in names and word not in COMMON_WORD_NAMES
        or text[max(0, span[0] - 3) : span[0]].rstrip(" ").endswith(",")
        # In capitals a word is a typo only of a very common word ("MY HUSBAND ALLWAYS KNEW":
        # "always"): v39 found every rare word there, and a name a letter from a word merely
        # common ("MY DAUGHTER SILVERA": "silver" 42,751) must stay a finding.
        or text[span[0]].isupper() and _unknown_word(word, asked, _TYPO_OF_IN_CAPITALS)
        or _before_surname(word, text, span[1])  # "MY BUDDY SKEETER HALLORAN"
    )


# The word after a name typed in capitals or in lower case: its surname, perhaps.
_FOLLOWING_WORD = re.compile(r"[ \t]{1,2}([A-Za-z][A-Za-z'’-]{1,30})(?![\w'’-])")


def _before_surname(word: str, text: str, end: int) -> bool:
    """After a relation: a word English seldom uses (pyspellchecker's count below
    `_RARE_AS_A_WORD`) before a census surname English hardly uses (below `_UNKNOWN_LIMIT`): a
    nickname and a surname ("my buddy skeeter halloran", "MY PAL BIFF MCALLISTER"; "skeeter"
    is counted 135 times, "biff" 312, so neither is the rare word `_unknown_word` asks for;
    "halloran" and "mcallister" not at all)."""
    from .identifier_shapes import word_counts

    if len(word) < 3 or word in _PLAIN_WORDS or word_counts().get(word, 0) >= _RARE_AS_A_WORD:
        return False
    following = _FOLLOWING_WORD.match(text, end)
    return following is not None and _rare_surname(following.group(1), _UNKNOWN_LIMIT)


# pyspellchecker's count below which a word after a relation in capitals is a name: words of
# care are counted more ("practitioner" 721, "physio" 206, "oncologist" 665).
_UNKNOWN_LIMIT = 100


def _unknown_word(word: str, asked: list[int], typo_of: int | None = None) -> bool:
    """After a relation: a word that no name list holds and English rarely uses ("MY GRANDSON
    THELONIOUS SAT", "my grandson thelonious sat"): a name. Not a word typed there for
    emphasis (`_may_be_shouted_name`: "MY SON REALLY", "INSISTED"; an everyday word ending in
    "s", "MY SON HELPS", is no rare word), nor a misspelt word (`_misspelt`, a letter from a
    word English counts `typo_of` times or more: "MY HUSBAND ALLWAYS KNEW", "my son
    definately"). `asked` counts the words a text has had spelt: past
    `_SPELT_PER_TEXT` a rare word is a name unspelt, so that a text of nothing but rare words
    after relations costs a bounded time a word (spelling one costs up to 0.6 ms)."""
    from .identifier_shapes import word_counts

    counts = word_counts()
    return (
        len(word) > 3
        and word not in _CHAT_WORDS
        and counts.get(word, 0) < _UNKNOWN_LIMIT
        and _may_be_shouted_name(word, _AFTER_TITLE_ENDINGS)  # a rare word may end in "s"
        and not any(  # a contraction typed without its apostrophe: "MY SON DIDNT CALL"
            word.endswith(ending) and counts.get(word[: -len(ending)], 0) >= _FUNCTION_WORD_COUNT
            for ending in _CONTRACTED
        )
        and not _typo(word, asked, _TYPO_OF if typo_of is None else typo_of)
    )


_SPELT_PER_TEXT = 64


def _typo(word: str, asked: list[int], typo_of: int) -> bool:
    """`_misspelt`, for the first `_SPELT_PER_TEXT` words a text asks about."""
    if asked[0] >= _SPELT_PER_TEXT:
        return False
    asked[0] += 1
    return _misspelt(word, typo_of)


# pyspellchecker's count from which a word one letter away is what a rare word was typed for:
# "allways" is "always" (1,557,363), "definately" "definitely" (189,574), "beleived" "believed";
# names one letter from a word are rarer than that ("perpetua": "perpetual" 3,972; "ezekial":
# "ezekiel" 50; "tobiah": "tobias" 207).
_TYPO_OF = 10_000
# In capitals, where v39 already read every rare word after a relation as a name: only a typo of
# a very common word ("always" 1,557,363, "definitely" 189,574, "probably" 638,122).
_TYPO_OF_IN_CAPITALS = 100_000
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_VOWELS = "aeiouy"


@lru_cache(maxsize=1024)
def _misspelt(word: str, typo_of: int = _TYPO_OF) -> bool:
    """Whether `word` is one letter dropped, added, changed or two swapped away from a common
    word (`_TYPO_OF`): about 55 lookups a letter, asked only of rare words after a relation.
    Words of four letters are asked only for two letters swapped in a word counted a million
    times or more ("SIAD"), and shorter ones not at all: nearly every one is a letter from a
    common word ("ROZA", "CUST" of "CUST&OACUTE;DIO"), so that says nothing of a typo."""
    from .identifier_shapes import word_counts

    counts = word_counts()
    if len(word) == 4:  # "SIAD": two letters swapped in a word of the commonest
        return any(
            counts.get(word[:i] + word[i + 1] + word[i] + word[i + 2 :], 0) >= _FUNCTION_WORD_COUNT
            for i in range(3)
        )
    if len(word) < 5:
        return False
    # A vowel after a word is how many names are made from one ("silvera": "silver" 42,751;
    # "branda", "bomba"), and rarely a typo: only of a very common word.
    if word[-1] in _VOWELS and counts.get(word[:-1], 0) >= max(typo_of, _TYPO_OF_IN_CAPITALS):
        return True
    for i in range(len(word) + 1):
        head, tail = word[:i], word[i:]
        candidates = [head + letter + tail for letter in _LETTERS]
        if tail:
            if i < len(word) - 1 or tail not in _VOWELS:
                candidates.append(head + tail[1:])
            candidates += [head + letter + tail[1:] for letter in _LETTERS if letter != tail[0]]
            if len(tail) > 1:
                candidates.append(head + tail[1] + tail[0] + tail[2:])
        if any(counts.get(candidate, 0) >= typo_of for candidate in candidates):
            return True
    return False


# Words of chat and care that pyspellchecker rarely counts: "MY SON THRU IT ALL", "MY HUSBAND
# LOL", "MY DOCTOR NEURO" are no names.
_CHAT_WORDS = frozenset(
    """
    whos thats theres whats hes shes lol omg btw thru yall bff bestie idk smh imo tbh fyi asap
    endo neuro cardio onco rheumy obgyn hospitalist intensivist telehealth covid
    """.split()
)
# "DIDNT", "WASNT", "THEYVE", "YOULL", "THEYRE": a very common word and the end of a contraction.
_CONTRACTED = ("nt", "ve", "re", "ll")
_FUNCTION_WORD_COUNT = 1_000_000  # "did" 3,954,842, "does" 1,371,856; "bre" or "vince" far fewer


# Words after "in", "from" or "near" that are states of being or everyday places, not towns
# ("LIVED IN PAIN", "came home from work"); and endings no town has.
_NOT_TOWNS = set(
    """
    pain bed hospital rehab recovery remission treatment therapy surgery labor labour shock
    tears fear denial love time control charge trouble danger care line order public private
    person general particular fact case front touch shape school church class work home
    town city country state bad good poor great full part place peace silence secret comfort
    the my our his her their a an this that these those every each all some no any one two
    years months weeks days hours minutes morning evening night afternoon winter summer spring
    fall autumn
    """.split()
)
_NOT_TOWN_ENDINGS = ("tion", "ment", "ness", "ity", "ly")


def _works_for_as_typed(text: str, start: int, word: str) -> bool:
    """`_works_for` with the six words before `start` read from the text: "I work at HENDRICKS"."""
    before = [w for w in _words_before(text, start, 6, 60) if w]
    return _works_for([*before, word], len(before))


def _works_for(lowered: list[str], i: int) -> bool:
    """Up to three words after "for", "at" or "by" with a word of work before it."""
    for back in range(i - 1, max(-1, i - 4), -1):
        if lowered[back] in ("for", "at", "by"):
            return bool(_WORK_WORDS.intersection(lowered[max(0, back - 4) : back]))
    return False


def _no_lower_between(text: str, first: tuple[int, int], second: tuple[int, int]) -> bool:
    if not 0 < second[0] - first[1] <= 12:
        return False
    return not any(ch.isalpha() and not ch.isupper() for ch in text[first[1] : second[0]])


def _appositive(after: str) -> bool:
    """ "Walter, my neighbour, ...": a capitalised word followed by who the person is."""
    if not after.startswith((", my ", ", our ", ", his ", ", her ")):
        return False
    words = after[2:].split()
    return len(words) > 1 and words[1].strip(",.;").lower() in _RELATION_WORDS


_NEXT_NAME = re.compile(r"\s([A-Z][a-z'’-]{1,30}|[A-Z]\.)(?![\w])|\s\(([A-Z][a-z'’-]{1,30})\)")


def _name_end(text: str, end: int) -> int:
    """Where a name whose first word ends at `end` ends: up to two more capitalised words."""
    for _ in range(2):
        following = _NEXT_NAME.match(text, end)
        if following is None:
            break
        word = (following.group(1) or following.group(2)).lower().rstrip(".")
        if word in NOT_NAMES or word in _STATE_WORDS or word in MONTHS or word in DAYS:
            break
        if following.group(2) is not None and not _bracketed_surname(word):
            break
        end = following.end()
    return end


def _bracketed_surname(word: str) -> bool:
    """A word in brackets after a name is its surname ("Maria (Lopez)", as a story whose
    consent allows a first name only may write one; scan v42) when English rarely uses it
    or the census lists it as a surname: not "Anna (Nurse)", "Tom (Retired)"."""
    from .identifier_shapes import word_counts

    return word_counts().get(word, 0) < _RARE_AS_A_WORD or word in surnames()


# One word typed in capitals in ordinary text, right after a word that says a name or a town
# comes next: "my neighbour TOM drove me", "my daughter, ANNA,", "Dr. OKAFOR", "Nurse BECKER",
# "we moved from TOLEDO". Alone, such a word reads as an acronym ("the ECG", "in ICU"), so only
# these contexts, and a first name that is not an everyday word, make it one. The context words
# are those the runs' rules read (`as_written`), there inside the run, here before it.
_FULL_TITLES = frozenset(t.lower() for t in TITLES if not t.endswith("."))
_FULL_TITLES -= _BARE_TITLES | _SHORT_TITLES
_CONTEXT_WORDS = (
    _RELATION_WORDS | _NAMING_WORDS | _FULL_TITLES | _SHORT_TITLES | _BARE_TITLES
    | _PLACE_PREPOSITIONS | {"to", "of", "for", "at", "by"}
)
# Two or more capitals (apostrophes between); the characters on each side are looked at apart:
# a look-behind here costs a story four times as much, and the match is possessive so that a
# long run is read once, never again from each of its letters.
_LONE_CANDIDATE = re.compile(r"[A-Z][A-Z'’]++")
# The word before a candidate: the word, a full stop after it, a comma after it (in the last
# 40 characters before the candidate, so that each costs the same whatever the text's length).
_CONTEXT_BEFORE = re.compile(r"(?<![\w'’-])([A-Za-z][A-Za-z-]*)(\.?)(,?)[ \t]+\Z")
_WORD_BEFORE = re.compile(r"([A-Za-z]+)\s+\Z")
_CALENDAR = frozenset(w for w in MONTHS | DAYS if len(w) > 3 or w in ("jan", "feb"))


_THE_BEFORE = re.compile(r"(?<![\w'’-])[Tt]he[ \t]{1,2}\Z")
_NAME_BEFORE = re.compile(r"(?<![\w'’-])([A-Z][a-z]{1,30})[ \t]\Z")


def _shouted_family(text: str, start: int, lower: str) -> bool:
    """A family by a rare surname in capitals after "the": "the ABERNATHYS mowed the lawn"."""
    return (
        len(lower) > 4 and lower.endswith("s") and not lower.endswith("ss")
        and lower not in _NOT_FAMILIES
        and lower not in english_words()
        and _THE_BEFORE.search(text, max(0, start - 6), start) is not None
        and (_rare_surname(lower[:-1]) or lower.endswith(_ES_PLURALS) and _rare_surname(lower[:-2]))
    )


def _shouted_surname(text: str, start: int, lower: str) -> bool:
    """A surname in capitals right after a first name as typed: "Maria CASTELLANOS"."""
    if len(lower) < 3 or start < 3 or text[start - 1] not in " \t" or not text[start - 2].islower():
        return False  # most shouted words are acronyms after a word of any case: "an MRI"
    before = _NAME_BEFORE.search(text, max(0, start - 32), start)
    if before is None:
        return False
    given = before.group(1).lower()
    return (
        (given in first_names() and given not in COMMON_WORD_NAMES or given in world_first_names())
        and (_rare_surname(lower) or _unheard_of(lower))
    )


def _lone_names(text: str) -> list[tuple[int, int]]:
    """The spans of words typed in capitals that the word before makes a name or a town, and
    of months and days typed in capitals ("born on MARCH 3, 1961"; "MAY" only before a number,
    as it is also a verb)."""
    found = []
    for match in _LONE_CANDIDATE.finditer(text):
        start, end = match.span()
        word = match.group().rstrip("'’")
        if len(word) < 2 or start and (text[start - 1].isalnum() or text[start - 1] in "_'’"):
            continue  # inside a word: "McDONALD" is not read
        if end < len(text) and (text[end].isalnum() or text[end] == "_"):
            continue  # "ABCdef", "COVID19"
        span = (start, start + len(word))
        lower = word.lower()
        if lower in _PLACE_ABBREVIATIONS and _CAPITALISED_NEXT.match(text, span[1]):
            found.append(span)  # "ST. Augustine", "FT. Myers": a saint's, fort's or mount's town
            continue
        if lower in _CALENDAR and (lower != "may" or _DAY_NUMBER.match(text, span[1])):
            found.append(span)
            continue
        if lower in _PLAIN_WORDS or lower in _SHOUTED_EVERYDAY or lower in MONTHS or lower in DAYS:
            continue
        if len(word) > 3 and lower in first_names() and lower not in COMMON_WORD_NAMES:
            found.append(span)  # "when MARCUS found me": a first name that is not a word
            continue
        if _shouted_family(text, start, lower) or _shouted_surname(text, start, lower):
            found.append(span)  # "the ABERNATHYS", "Maria CASTELLANOS" (scan v43)
            continue
        context = _CONTEXT_BEFORE.search(text, max(0, span[0] - 40), span[0])
        if context is None:
            continue
        written, stop, comma = context.groups()
        before = written.lower()
        if before not in _CONTEXT_WORDS:
            continue
        if len(written) > 1 and written.isupper():
            continue  # a run typed in capitals: its own rules read it ("MY NURSE PRACTITIONER")
        if before in _SHORT_TITLES or before in _BARE_TITLES:  # "Dr. OKAFOR", "MR LEE"
            named = not comma and bool(stop or before in _BARE_TITLES)
        elif before in _FULL_TITLES and written[0].isupper():  # "Nurse BECKER", "Pastor JONES"
            named = not stop and not comma and _may_be_shouted_name(lower, _AFTER_TITLE_ENDINGS)
        elif before in _RELATION_WORDS or before in _NAMING_WORDS:  # "my neighbour TOM"
            named = not stop and _may_be_shouted_name(lower)
        elif before in ("for", "at", "by"):  # "I work for HARTWELL PLUMBING", "employed by ACME"
            words_before = text[max(0, context.start() - 60) : context.start()].lower().split()[-4:]
            at_work = bool(_WORK_WORDS.intersection(words_before))
            named = not stop and not comma and at_work and _may_be_shouted_name(lower)
        else:  # "from TOLEDO", "moved back to KETTERING", "the town of ELLSWORTH"; "in ICU" is a
            # hospital's department, which the place reading knows
            previous = _WORD_BEFORE.search(text, max(0, context.start() - 40), context.start())
            if not _after_place_word([previous.group(1).lower() if previous else "", before], 2):
                continue
            named = not stop and not comma and len(word) > 2 and _may_be_town(lower)
        if named:
            found.append(span)
    return found


_DAY_NUMBER = re.compile(r"\s+\d")
_PLACE_ABBREVIATIONS = frozenset({"st", "mt", "ft"})
# "Ste." too: a town's "Sainte" ("Sault Ste. Marie", "Ste. Genevieve"; scan v43), whose "Marie"
# was read as a name where the town's first word has marks ("Sáult Sté. Marie").
_SAINT_MOUNT_FORT = frozenset({"st.", "mt.", "ft.", "ste."})
# A condition, sign or manoeuvre named after someone: "Addison's disease", "Graves disease",
# "Bell's palsy", "the Heimlich maneuver". The word names no one in the story.
_EPONYM_NEXT = re.compile(
    r"\s{1,2}(?i:disease|syndrome|palsy|sarcoma|lymphoma|disorder|phenomenon|ulcer|contracture|"
    r"thyroiditis|maneuver|manoeuvre|chorea|neuroma|anomaly|encephalopathy|dystrophy|ataxia)(?![\w'’-])"
)
_CAPITALISED_NEXT = re.compile(r"\.\s{1,2}[A-Z][a-z]")
# Conditions named alone in a list ("Addison's, Cushing's and Hashimoto's all affect hormones"):
# a first name's possessive before another capitalised possessive that is no first name.
_LISTED_POSSESSIVE = re.compile(
    r"(?:,|\s(?:and|or|&))\s{1,2}([A-Z][^\W\d_]+)['’][sS](?![\w'’-])"
)
# A surname as typed (shouted, or with marks the name reading stops at): "Lou GEHRIG'S disease".
_SURNAME_AS_TYPED = re.compile(r"\s{1,2}[A-Z][^\s,;:]{1,30}")


def _eponym_after(text: str, end: int, span_end: int) -> bool:
    """A first name and a surname before a condition's word, or an author's before her work:
    "Lou Gehrig's disease", "a Jane Austen novel" (scan v43)."""
    if span_end > end and (_EPONYM_NEXT.match(text, span_end) or _work_after(text, span_end)):
        return True
    surname = _SURNAME_AS_TYPED.match(text, end)
    return surname is not None and (
        _EPONYM_NEXT.match(text, surname.end()) is not None or _work_after(text, surname.end())
    )


def _work_after(text: str, end: int) -> bool:
    """A work's word after a name that is not possessive: "a Jane Austen novel"; not "Mary
    Smith's book club", which names her."""
    return not text.endswith(("'s", "’s"), 0, end) and _WORK_NEXT.match(text, end) is not None


# An author's, a singer's or a director's name before a work of theirs names no one in the
# story: "a Jane Austen novel", "the Stephen King books", "a Dolly Parton song" (scan v43).
_WORK_NEXT = re.compile(
    r"\s{1,2}(?i:novel|novels|book|books|biography|memoir|movie|movies|film|films|song|songs|"
    r"album|albums|poem|poems|poetry|musical|cookbook|series|mystery|mysteries|thriller|thrillers)(?![\w'’-])"
)
# A first name from the list alone before a restaurant's or shop's word, or a model's number,
# is a business or a product: "Olive Garden", "Ruby Tuesday's grill", "a Ford F-150" (scan v43).
_BUSINESS_NEXT = re.compile(
    r"\s{1,2}(?:Garden|Grill|Kitchen|Cafe|Café|Diner|Bakery|Market|Bistro|Pizza|Tavern|Pub|"
    r"Steakhouse|Roadhouse|Creamery|Deli)(?![\w'’-])|\s{1,2}[A-Z]{1,3}-?\d{2,4}(?![\w'’-])"
)
# A name from the list alone right after these, not possessive, is a title read: "my grandson
# read me Harry Potter", "I reread Emma" (scan v43); not "read me Tom's letter", and not after
# "watched" ("my sister watched Liam while I was in surgery").
_READ_WORDS = frozenset({"read", "reread", "reading"})
_READ_TO = frozenset({"me", "us", "him", "her", "them"})
# Verbs a person does, in the past, after a nickname that opens a sentence: "Rob drove me",
# "Bill brought soup" (`people`, `as_written`). Not "came" ("Bill came in the mail") nor
# "stands" ("Jack stands"): the word opening the sentence may be the thing.
_PERSON_VERBS = frozenset(
    """
    drove brought took sat held gave told said wrote sent stayed helped visited cooked
    picked called texted prayed cried laughed hugged waited slept flew walked carried cleaned
    mowed shoveled shovelled fed watched listened stood ran bought taught made kept showed
    found drives brings takes sits holds gives tells says writes sends stays helps
    visits cooks picks calls texts prays hugs waits walks carries cleans mows feeds watches
    listens buys teaches makes keeps shows finds never always still
    """.split()
)
_NEXT_LOWER_WORD = re.compile(r"[ \t]{1,2}([a-z]{2,12})(?![\w'’-])")


def _read_before(bare: str, before: list[str]) -> bool:
    return bare in _READ_WORDS or bare in _READ_TO and len(before) > 1 and before[-2].lower() in _READ_WORDS


def _person_verb_after(text: str, end: int) -> bool:
    following = _NEXT_LOWER_WORD.match(text, end)
    return following is not None and following.group(1) in _PERSON_VERBS


def _eponym_listed(text: str, end: int, names: frozenset[str]) -> bool:
    following = _LISTED_POSSESSIVE.match(text, end)
    return following is not None and following.group(1).lower() not in names
# A place of care or learning named after someone: "the Mayo Clinic", "Grady Memorial", "the
# Shriners Hospital". A first name read from the list alone, before one of these, names no one.
_INSTITUTION_NEXT = re.compile(
    r"\s{1,2}(?:Clinic|Hospital|Memorial|Institute|Foundation|Center|Centre|University|College|"
    r"Medical|Health|Cancer|Children's|Children’s)(?![\w'’-])"
)
# "named" and "called" name things as well as people: "a support group called Mended Hearts",
# "a program called Silver Sneakers". After them, a word that English uses (pyspellchecker's
# count of `_RARE_LIMIT` or more) and that no first-name list and no census surname holds names
# a thing ("a nurse named Joy", "a man called Baker" are still names).
_THING_NAMING = frozenset({"named", "called"})


def _a_thing(key: str, names: frozenset[str]) -> bool:
    from .identifier_shapes import word_counts

    return (
        key not in names
        and word_counts().get(key, 0) >= _RARE_LIMIT
        and key not in surnames()
    )


# Words typed in capitals for emphasis after a relation ("my husband INSISTED", "my daughter
# HELPS", "my doctor REALLY listened") end so; a first name may too ("CHRIS", "TED").
_EMPHASIS_ENDINGS = ("ly", "ed", "ing", "s", "n't", "n’t")
_AFTER_TITLE_ENDINGS = ("ly", "ed", "ing", "n't", "n’t")  # "s" ends surnames: "Nurse JONES"
# Everyday words typed in capitals for emphasis that the small-word lists lack ("my kids KEEP
# me going", "thanks TEAM", "we moved from ABROAD"); a first name among them ("LOVE", "SO")
# is a name only in a run.
_SHOUTED_EVERYDAY = frozenset(
    """
    abroad absolutely afraid almost alone already amazing angry another anything anyway ask
    awesome back bad best big blessed brave calm call cannot day definitely done echo enough
    everything false fight fine first free get give glad go good grateful great half happy
    hate help hold honestly horrible hour huge hundred immediately incredible instead keep
    last life listen little look love lucky make many million month morning need new night
    none nothing ok okay old overseas please proud push quite ready right run sad safe saved
    scared scary seriously sick small so something stop strong sure take team tell terrible
    thank thankful there thousand time tired together tomorrow tonight true truly try twenty
    twice wait want weak week well whole wonderful worried worst wow wrong year yeah yes
    yesterday
    """.split()
)


def _may_be_shouted_name(lower: str, endings: tuple[str, ...] = _EMPHASIS_ENDINGS) -> bool:
    if lower in _SHOUTED_EVERYDAY:
        return False
    # "called IGNATIUS": a world first name ends in "s" as emphasis does (scan v43)
    return lower in first_names() or lower in world_first_names() or len(lower) > 2 and not lower.endswith(endings)
