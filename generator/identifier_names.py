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

import re
from collections.abc import Iterator
from functools import cache
from importlib import resources

from .identifier_words import (
    COMMON_WORD_NAMES,
    DAYS,
    MONTHS,
    NOT_NAMES,
    REGIONS,
    RELATIONS,
    STATE_ABBREVIATIONS,
    STATES,
    TITLES,
)

Span = tuple[str, int, int]
_WINDOW = 48

_STATE_WORDS = {s.lower() for s in STATES} | {s.lower() for s in STATE_ABBREVIATIONS}
_NOT_PLACES = (
    _STATE_WORDS | REGIONS | MONTHS | DAYS | NOT_NAMES | {t.rstrip(".").lower() for t in TITLES}
)
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
_PLACE_AFTER = re.compile(rf"(?:in|to|from|near|outside(?:\s+of)?|around)\s+({_CAPS})(?![\w'’])")
_PLACE_VERBS = set(
    """
    live lives lived living grew raised born move moved moving relocated relocate retired
    retiring settled commute commuted commuting drove drive driving came come coming home
    house farm apartment family folks everyone everybody people neighbors neighbours clinic
    hospital er pharmacy worked mill plant spent stay stayed staying been originally i'm i’m
    am visit visited visiting flew son daughter sister brother parents mom mother dad father
    kids up school college university bus train cabin church nobody anyone anybody someone
    somebody doctors specialists friends relatives cousins grandkids grandchildren
    """.split()
)
# After these a capitalised place needs no verb: "a cabin outside Ely", "near Tifton".
_PLACE_ALONE = {"near", "outside", "around"}

_TITLE_WORDS = {t.rstrip(".").lower() for t in TITLES}
_RELATION_WORDS = {r.lower() for r in RELATIONS}
_NAMING_WORDS = {"named", "called", "dear", "hi", "hello", "thanks"}
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
def first_names() -> frozenset[str]:
    """Lower-case first names from the census lists in the `names` package, read once."""
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
    parts = [w.strip(".,'’").lower() for w in found.split()]
    parts = [p[:-2] if p.endswith(("'s", "’s")) else p for p in parts]
    return bool(parts) and all(p in allowed for p in parts)


def _title_like(before: list[str], after: list[str]) -> bool:
    """Headings capitalise every word: then a capital says nothing about a name."""
    near = [w for w in before[-2:] + after[:2] if len(w) > 3 and w[0].isalpha()]
    return len(near) >= 2 and all(w[0].isupper() for w in near)


def places(text: str, allowed: frozenset[str]) -> Iterator[Span]:
    """Towns, cities and counties: geography smaller than a state."""
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
        alone = match.group().split()[0] in _PLACE_ALONE
        if (alone or _PLACE_VERBS.intersection(sentence[-6:])) and _is_place(
            match.group(1), allowed
        ):
            yield "town", *match.span(1)


def _starts_word(text: str, start: int) -> bool:
    return start == 0 or not (text[start - 1].isalnum() or text[start - 1] in "_'’-")


def _is_place(found: str, allowed: frozenset[str]) -> bool:
    lowered = found.lower().rstrip(".")
    first = lowered.split()[0]
    if lowered in _NOT_PLACES or first in _NOT_PLACES or first in ("the", "my", "our"):
        return False
    return not _is_allowed(found, allowed) and not found.endswith(("'s", "’s"))


def employers(text: str, allowed: frozenset[str]) -> Iterator[Span]:
    """Businesses named with a trade word ("Kessler Freight"): a patient's employer, usually."""
    for match in _ORGANISATION.finditer(text):
        first = match.group().split()[0].lower()
        if _starts_word(text, match.start()) and first not in _NOT_PLACES:
            if not _is_allowed(match.group(), allowed):
                yield "name", *match.span()


def people(text: str, allowed: frozenset[str]) -> Iterator[Span]:
    """Names of people other than the patient, and of employers."""
    names = first_names()
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
        if end < len(text) and text[end].isalnum() or (len(word) > 1 and word.isupper()):
            continue  # an acronym (ECG, CPAP) or a word too long to be a name
        key = word.lower()
        if key.endswith(("'s", "’s")):
            key = key[:-2]
        if key in NOT_NAMES:
            continue
        raw_before = text[max(0, start - _WINDOW) : start]
        before = raw_before.split()
        after = text[end : end + _WINDOW]
        previous = before[-1].lower() if before else ""
        bare = previous.rstrip(",")
        by_context = (
            bare.rstrip(".") in _TITLE_WORDS
            and before[-1][:1].isupper()
            or bare in _RELATION_WORDS
            or bare in _NAMING_WORDS
            or (bare == "you" and len(before) > 1 and before[-2].lower() == "thank")
            or (bare in ("is", "was") and len(before) > 1 and before[-2].lower() == "name")
            or (bare in ("for", "at", "by") and _WORK_WORDS & {w.lower() for w in before[-4:-1]})
            or _appositive(after)
            or (after.startswith((" and I ", " and I,")) and key not in COMMON_WORD_NAMES)
        )
        span_end = end
        if by_context:
            found = True
            span_end = _name_end(text, end)
        elif key in names and start not in states and key not in MONTHS and key not in DAYS:
            stripped = raw_before.rstrip()
            starts_sentence = (
                not stripped
                or stripped.endswith(_SENTENCE_MARKS)
                or "\n" in raw_before[len(stripped) :]
            )
            span_end = _name_end(text, end)
            if _title_like(before, after.split()):
                found = False
            elif span_end > end:
                found = True
            else:
                found = not starts_sentence or key not in COMMON_WORD_NAMES
        else:
            found = False
        if not found:
            continue
        position = span_end
        if not _is_allowed(text[start:span_end], allowed):
            yield "name", start, span_end


# Names written in lower case ("my husband, robert"): in a story typed without capitals only
# the words before say a word is a name.
_LOWER_NAMED = re.compile(
    r"(?<![\w'’-])(?i:(?:my|our|his|her|their)\s+(?:"
    + "|".join(sorted((re.escape(w) for w in _RELATION_WORDS), key=len, reverse=True))
    + r")(?:\s*,\s*|\s+)|(?:named|called)\s+)([a-z][a-z'’-]{1,30})(?![\w])"
)


def lower_case_people(text: str, allowed: frozenset[str]) -> Iterator[Span]:
    """First names written without a capital after a relation ("my neighbour, walter") or
    after "named" or "called": a name from the first-name lists that is not also an everyday
    word ("my son will", "a dog named max" are not findings)."""
    names = first_names()
    for match in _LOWER_NAMED.finditer(text):
        word = match.group(1)
        key = word.removesuffix("'s").removesuffix("’s")
        if key not in names or key in NOT_NAMES or key in COMMON_WORD_NAMES or key in MONTHS or key in DAYS:
            continue
        if not _is_allowed(word, allowed):
            yield "name", *match.span(1)


def _appositive(after: str) -> bool:
    """ "Walter, my neighbour, ...": a capitalised word followed by who the person is."""
    if not after.startswith((", my ", ", our ", ", his ", ", her ")):
        return False
    words = after[2:].split()
    return len(words) > 1 and words[1].strip(",.;").lower() in _RELATION_WORDS


_NEXT_NAME = re.compile(r"\s([A-Z][a-z'’-]{1,30}|[A-Z]\.)(?![\w])")


def _name_end(text: str, end: int) -> int:
    """Where a name whose first word ends at `end` ends: up to two more capitalised words."""
    for _ in range(2):
        following = _NEXT_NAME.match(text, end)
        if following is None:
            break
        word = following.group(1).lower().rstrip(".")
        if word in NOT_NAMES or word in _STATE_WORDS or word in MONTHS or word in DAYS:
            break
        end = following.end()
    return end
