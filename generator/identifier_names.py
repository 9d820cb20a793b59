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
_NOT_PLACES = _STATE_WORDS | REGIONS | MONTHS | DAYS | NOT_NAMES
_WORD = re.compile(r"(?<![\w'’-])[A-Z][A-Za-z'’-]{0,40}")
_CAP = r"[A-Z][a-z'’.-]{1,30}"
_CAPS = rf"{_CAP}(?:\s{_CAP}){{0,2}}"
_STATE_ALT = "|".join(sorted((re.escape(s) for s in STATES), key=len, reverse=True))
_ABBR_ALT = "|".join(STATE_ABBREVIATIONS)

_STATE_NAME = re.compile(rf"(?<![\w])(?:{_STATE_ALT})(?![\w])")
_COUNTY = re.compile(rf"(?<![\w'’-])(?:{_CAP}\s){{1,3}}(?:County|Parish|Borough|Township)\b")
_CITY_STATE = re.compile(
    rf"(?<![\w'’-])({_CAPS}),\s{{1,2}}(?:{_STATE_ALT}|{_ABBR_ALT})(?![\w])"
)
_TOWN_OF = re.compile(
    rf"(?i:\b(?:town|city|village|hometown|township)\b)(?:\s+of|,|\s+called|\s+named)?\s+({_CAPS})"
)
_PLACE_AFTER = re.compile(
    rf"(?<![\w])(?:in|to|from|near|outside(?:\s+of)?|around)\s+({_CAPS})(?![\w'’])"
)
_PLACE_VERB = re.compile(
    r"(?i)\b(?:live[sd]?|living|grew\s+up|raised|born|mov(?:e|ed|ing)|relocat\w*|retir\w*|"
    r"settled|commut\w*|drove|drive|driving|came|come|coming|home|house|farm|apartment|"
    r"family|folks|everyone|everybody|people|neighbou?rs|clinic|hospital|ER|pharmacy|worked|"
    r"mill|plant|spent|stay(?:ed|ing)?|been|originally|I'm|I’m|I\s+am|visit\w*|ended\s+up|"
    r"flew|son|daughter|sister|brother|parents|mom|mother|dad|father|kids)\b[^.!?\n]*$"
)

_RELATION = "|".join(sorted((re.escape(r) for r in RELATIONS), key=len, reverse=True))
_TITLE = "|".join(sorted((re.escape(t) for t in TITLES), key=len, reverse=True))
_BEFORE_NAME = re.compile(
    rf"(?:(?<![\w])(?:{_TITLE})\s{{1,2}}"
    rf"|(?i:\b(?:{_RELATION})),?\s{{1,2}}(?:(?i:named|called)\s{{1,2}})?"
    r"|(?i:\b(?:named|called|name\s+is|name\s+was|thank\s+you|thanks|dear|hi|hello)),?\s{1,2}"
    r")$"
)
_EMPLOYER_BEFORE = re.compile(
    r"(?i)\b(?:work(?:s|ed|ing)?\s+(?:for|at)|employed\s+(?:by|at)|job\s+at|crew\s+at|"
    r"boss\s+at|shifts?\s+at|retired\s+from|employer,?|hired\s+by|manager\s+at|"
    r"(?:company|firm|employer)\s+(?:is|was|called|named))\s{1,2}(?:the\s)?$"
)
_AFTER_NAME = re.compile(
    rf"^(?:,\s{{1,2}}(?:my|our)\s{{1,2}}(?i:{_RELATION})\b|\s{{1,2}}and\s{{1,2}}I\b)"
)
_SENTENCE_END = re.compile(r"(?:^|[.!?:;\"“”(\[]|\n|^\s*[-*+>]|\d\.)\s*$")


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


def _title_case_line(text: str, start: int) -> bool:
    """Headings and titles capitalise every word: a capital there says nothing about names."""
    line_start = text.rfind("\n", max(0, start - 400), start) + 1
    line_end = text.find("\n", start, start + 400)
    line = text[line_start : line_end if line_end != -1 else start + 400]
    words = re.findall(r"[A-Za-z][\w'’-]*", line)
    if len(words) < 3:
        return False
    capitals = sum(w[0].isupper() for w in words if len(w) > 3)
    return capitals >= 0.7 * sum(len(w) > 3 for w in words)


def places(text: str, allowed: frozenset[str]) -> Iterator[Span]:
    """Towns, cities and counties: geography smaller than a state."""
    for match in _COUNTY.finditer(text):
        yield "town", *match.span()
    for pattern in (_CITY_STATE, _TOWN_OF):
        for match in pattern.finditer(text):
            if _is_place(match.group(1), allowed):
                yield "town", *match.span(1)
    for match in _PLACE_AFTER.finditer(text):
        before = text[max(0, match.start() - _WINDOW) : match.start()]
        if _PLACE_VERB.search(before) and _is_place(match.group(1), allowed):
            yield "town", *match.span(1)


def _is_place(found: str, allowed: frozenset[str]) -> bool:
    lowered = found.lower().rstrip(".")
    first = lowered.split()[0]
    if lowered in _NOT_PLACES or first in _NOT_PLACES or first in ("the", "my", "our"):
        return False
    return not _is_allowed(found, allowed) and not found.endswith(("'s", "’s"))


def people(text: str, allowed: frozenset[str]) -> Iterator[Span]:
    """Names of people other than the patient, and of employers."""
    names = first_names()
    states = bytearray(len(text))
    for match in _STATE_NAME.finditer(text):  # "South Carolina" is a state, not Carolina
        states[match.start() : match.end()] = b"\x01" * (match.end() - match.start())
    position = 0
    for match in _WORD.finditer(text):
        start, end = match.span()
        if start < position:
            continue  # already part of the previous name
        word = match.group()
        if end < len(text) and (text[end].isalnum() or word.isupper() and len(word) > 1):
            continue  # an acronym (ECG, CPAP) or a word too long to be a name
        key = re.sub(r"['’]s$", "", word).lower()
        if states[start]:
            continue
        if key in NOT_NAMES or key in MONTHS or key in DAYS or key in _STATE_WORDS:
            continue
        before = text[max(0, start - _WINDOW) : start]
        after = text[end : end + _WINDOW]
        span_end = _name_end(text, end)
        if _EMPLOYER_BEFORE.search(before):
            found = True
        elif _BEFORE_NAME.search(before) or _AFTER_NAME.match(after):
            found = True
        elif key in names:
            starts_sentence = bool(_SENTENCE_END.search(before))
            if span_end > end:
                found = not _title_case_line(text, start)
            elif starts_sentence:
                found = key not in COMMON_WORD_NAMES
            else:
                found = not _title_case_line(text, start) and key not in MONTHS
        else:
            found = False
        if not found:
            continue
        span_text = text[start:span_end]
        position = span_end
        if not _is_allowed(span_text, allowed):
            yield "name", start, span_end


def _name_end(text: str, end: int) -> int:
    """Where a name that ends its first word at `end` ends: up to two more capitalised words."""
    for _ in range(2):
        following = re.match(r"\s([A-Z][a-z'’-]{1,30}|[A-Z]\.)(?![\w])", text[end : end + 34])
        if following is None or following.group(1).lower().rstrip(".") in NOT_NAMES:
            break
        end += following.end()
    return end
