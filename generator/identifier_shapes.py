"""Identifiers recognised by their shape and the words just before them: numbers, addresses.

Every pattern here is linear in the text by construction: each repetition is bounded, every
match starts at a word boundary (a look-behind), and context is read from a window of at most
`_WINDOW` characters around a match, never from the whole text. A detector yields
`(kind, start, end)` spans; `identifiers.scan` decides which to keep.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .identifier_words import STATE_ABBREVIATIONS, STATES, STREET_SUFFIXES, STREET_SUFFIXES_ALONE

Span = tuple[str, int, int]
_WINDOW = 48  # how far before or after a number its context words are looked for

_STATE_NAMES = "|".join(sorted((re.escape(s) for s in STATES), key=len, reverse=True))
_STATE_ABBRS = "|".join(STATE_ABBREVIATIONS)
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?|"
    r"JAN|FEB|MAR|APR|MAY|JUNE?|JULY?|AUG|SEPT?|OCT|NOV|DEC)\.?"
)
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:1[89]\d\d|20\d\d|'?\d\d)"
# Units and counts after a number say it is a measurement, not an identifier.
_UNIT_WORDS = (
    r"\s?(?:%|percent|mg|mcg|µg|g\b|kg|lbs?\b|pounds|ml|cc\b|iu\b|units?|beats|bpm|mm|cm|"
    r"inch|feet|ft\b|miles?|km|steps|calories|kcal|days?|weeks?|months?|years?\b(?!\s*old)|"
    r"hours?|hrs?\b|minutes?|mins?\b|seconds?|times|people|patients|dollars|degrees|°|/|\.\d|"
    r"mmhg|points?|sessions|visits|tablets|pills|cups|glasses|words|pages|copies|cells)"
)
_UNITS = rf"(?!{_UNIT_WORDS})"
_UNIT_AHEAD = re.compile(_UNIT_WORDS, re.IGNORECASE)


def _rx(pattern: str, flags: int = 0) -> re.Pattern[str]:
    return re.compile(pattern, flags)


# --- Shapes that need no context -----------------------------------------------------------

_EMAIL = _rx(
    r"(?<![\w.+()-])[\w.+()-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,6}"
    r"|(?i:(?<![\w.])[\w.+-]{1,64}\s{1,3}(?:at|\[at\]|\(at\))\s{1,3}[\w-]{1,63}"
    r"\s{1,3}(?:dot|\[dot\]|\(dot\))\s{1,3}(?:com|org|net|edu|gov|io|co|us|info)\b)"
)
_TLDS = (
    r"com|net|org|edu|gov|io|co|us|info|biz|me|blog|app|health|care|ly|tv|fm|uk|ca|au|nz|site|"
    r"online|shop|store|page|link|life|club|xyz|dev|ai|social|community|live|fun|net\.au|co\.uk"
)
_URL = _rx(
    r"(?i:(?<![\w.])(?:https?://|www\.)[^\s<>\"'()\[\]]{1,2000})"
    r"|(?<![\w.@/-])(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.){1,4}"
    rf"(?i:{_TLDS})(?![\w-]|\.\w)(?:/[^\s<>\"'()\[\]]{{0,2000}})?"
    r"|(?<![\w@.])@[A-Za-z0-9_]{2,30}(?![\w@]|\.\w)"
)
_IPV4 = _rx(
    r"(?<![\w.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
    r"(?![\w]|\.\d)"
)
_IPV6 = _rx(r"(?i)(?<![\w:])(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{1,4}(?![\w:])")
_SSN = _rx(r"(?<![\w-])(?!000)\d{3}([- ])\d{2}\1\d{4}(?![\w-])")
_PHONE = _rx(
    r"(?<![\w+.-])(?:(?:\+\s?1|001|1)[\s.-]{0,2})?"
    r"(?:\(\d{3}\)[\s.-]{0,2}|\d{3}[\s.-]{1,2})\d{3}[\s.-]{1,2}\d{4}"
    r"(?:\s{0,2}(?:x|ext\.?|extension)\s{0,2}\d{1,6})?(?![\w-]|\.\d)"
    r"|(?<![\w+.-])(?:\+\s?1[\s.-]{0,2}|001[\s.-]{0,2})?\(\d{3}\)\d{7}(?!\w)"
    r"|(?<![\w+.,$-])(?:\+?1)?[2-9]\d{2}[2-9]\d{6}(?![\w,]|\.\d)"
    r"|(?<![\w+.,$:/-])\d{3}[-.]\d{4}(?![\w-]|[.:/]\d)"
    r"|(?<![\w.])\+(?!1\b)\d{1,3}[\s.-]?\d{1,4}(?:[\s.-]?\d{2,4}){2,4}(?![\w-]|\.\d)"
)
_DATE = _rx(
    rf"(?<![\w])(?:{_MONTH}\s{{1,3}}{_DAY}(?![\w:])(?:,?\s{{1,3}}{_YEAR}(?![\w:]))?"
    rf"|{_DAY}\s{{1,3}}(?:of\s{{1,3}})?{_MONTH}(?![\w])(?:,?\s{{1,3}}{_YEAR}(?![\w:]))?"
    rf"|(?:0?[1-9]|[12]\d|3[01])[-/ ]{_MONTH}[-/ ](?:\d{{4}}|\d{{2}})(?!\w)"
    rf"|{_MONTH},?\s{{1,3}}(?:1[89]\d\d|20\d\d)(?![\w:]))"
    r"|(?<![\w/.-])\d{1,2}([/.-])\d{1,2}\1(?:\d{4}|\d{2})(?![\w/]|[.-]\d)"
    r"|(?<![\w/.-])(?:19|20)\d{2}([/.-])(?:0?[1-9]|1[0-2])\2(?:0?[1-9]|[12]\d|3[01])(?![\w/]|[.-]\d)"
    r"|(?i:(?<=\bon )|(?<=\bsince )|(?<=\buntil )|(?<=\bby )|(?<=\bborn )|(?<=\bdated )"
    r"|(?<=\badmitted )|(?<=\bdischarged ))(?:0?[1-9]|1[0-2])/(?:0?[1-9]|[12]\d|3[01])(?![\d/])"
)
_AGE_NUMBER = r"(?:9\d|1[01]\d)"
_AGE_WORD = r"(?:ninety(?:[\s-](?:one|two|three|four|five|six|seven|eight|nine))?|one hundred|a hundred)"
_PERSON = (
    r"(?:he|she|who|mom|mum|mother|dad|father|husband|wife|grandma|grandpa|grandmother|"
    r"grandfather|aunt|uncle|sister|brother|son|daughter|patient|neighbou?r|friend)"
)
_AGE_BEFORE = _rx(
    r"(?i)(?:(?<=\bI am )|(?<=\bI'm )|(?<=\bI’m )|(?<=\bI was )|(?<=\bbe )|(?<=\bbeing )"
    r"|(?<=\bturned )|(?<=\bturning )|(?<=\baged )|(?<=\bage )|(?<=\blived to )"
    r"|(?<=\blive to )|(?<=\breached )|(?<=\bwoman of )|(?<=\bman of )|(?<=\blady of )"
    r"|(?<=\bis )|(?<=\bwas )|(?<='s )|(?<=’s ))"
    rf"(?:{_AGE_NUMBER}|{_AGE_WORD})(?![\w-]){_UNITS}"
)
_AGE_AT = _rx(
    rf"(?i)(?<=\bat )(?:{_AGE_NUMBER}|{_AGE_WORD})"
    r"(?=,|\s+(?:I|he|she|we|my|his|her|and|when|years?|yrs?)\b)"
)
_AGE_AFTER = _rx(
    rf"(?i)(?<![\w.-])(?:{_AGE_NUMBER}|{_AGE_WORD})"
    r"(?:[\s-]{1,2}(?:years?|yrs?)[\s-]{1,2}old|[\s-]{1,2}year[\s-]old|th\s{1,3}birthday|"
    r"\s{1,2}years\s{1,2}of\s{1,2}age)\b"
)
_AGE_PHRASE = _rx(
    r"(?i)\bin\s{1,3}(?:my|his|her|their)\s{1,3}(?:nineties|90s)\b"
    r"|\b(?:nonagenarian|centenarian)s?\b"
)
_AGE_SUBJECT = _rx(rf"(?:\bI|(?i:\b{_PERSON})|\b[A-Z][a-z]+)(?i:\s+is|\s+was|'s|’s)\s+$")
_AGE_VERB = re.compile(r"(?i)(?:\bis|\bwas|'s|’s)\s+$")

_NUMBERED_STREET = (
    r"(?:[A-Z][\w'’.-]{0,30}|\d{1,3}(?:st|nd|rd|th))"
)
_SUFFIX = "|".join(sorted(STREET_SUFFIXES, key=len, reverse=True))
_SUFFIX_ALONE = "|".join(sorted(STREET_SUFFIXES_ALONE, key=len, reverse=True))
_STREET = _rx(
    r"(?<![\w$.,/-])\d{1,6}[A-Za-z]?\s{1,2}(?:[NSEW]\.?\s{1,2}|(?:North|South|East|West)\s{1,2})?"
    rf"(?:{_NUMBERED_STREET}\s{{1,2}}){{0,3}}(?:{_NUMBERED_STREET})\s{{1,2}}(?:{_SUFFIX})\b\.?"
    rf"|(?<=\bon )(?:[A-Z][a-z'’-]{{1,30}}\s{{1,2}}){{1,3}}(?:{_SUFFIX_ALONE})\b"
    r"|(?i:(?<![\w])P\.?\s?O\.?\s{0,2}Box\s{0,2}\d{1,8}\b)"
)
_ZIP_PLUS4 = _rx(r"(?<![\w-])\d{5}-\d{4}(?![\w-])")
_ZIP_STATE = _rx(
    rf"(?<=[a-z ,])(?:{_STATE_NAMES}|{_STATE_ABBRS}),?\s{{1,3}}(\d{{5}})(?:-\d{{4}})?(?![\w-])"
)
_FIVE_DIGITS = _rx(r"(?<![\w.,$/-])\d{5}(?![\w]|[.,-]\d)")
_ZIP_BEFORE = _rx(
    r"(?i)(?:\b(?:zip(?:\s?code)?|postal\s+code|zip\+4|zipcode)(?:\s+(?:is|was|of|number))?|"
    r"\b(?:in|near|around|to|of|serves|from|outside)(?:\s+the)?)\W{0,3}$"
)
_ZIP_AFTER = _rx(r"(?i)^\W{0,3}(?:area|zip|postal|as\s+my\s+zip|zip\s+code)\b")
_VIN = _rx(r"(?<![\w-])(?=[A-HJ-NPR-Z0-9]{17}(?![\w-]))(?=[A-Z0-9]{0,16}\d[A-Z0-9]{0,16}[A-Z])[A-HJ-NPR-Z0-9]{17}")

# --- Numbers named by the words before them ------------------------------------------------

_CONTEXT_KINDS: list[tuple[str, re.Pattern[str]]] = [
    (
        "vehicle-id",
        _rx(
            r"(?i)\b(?:(?:licen[cs]e|registration|car|van|truck|motorcycle|handicap)\s+plates?"
            r"|plates?(?:\s+(?:number|no\.?|#))?|tags?(?:\s+number)?|vin|vehicle\s+id"
            r"|vehicle\s+identification\s+number)\b"
        ),
    ),
    (
        "device-id",
        _rx(
            r"(?i)\b(?:serial(?:\s+(?:number|no\.?|#))?|s/n|sn|device\s+(?:id|identifier|serial)|"
            r"udi|imei|(?:transmitter|implant|device|sensor|pump|monitor)\s+id)(?![\w/])"
        ),
    ),
    (
        "licence-number",
        _rx(
            r"(?i)\b(?:driver'?s?\s+licen[cs]e|licen[cs]e(?!\s+plate)|dl\s?#|dl|cdl|passport|"
            r"dea(?:\s+(?:number|no\.?|#))|certificate|(?:state\s+)?id\s+card|state\s+id|permit|"
            r"green\s+card|(?:veteran|va|military)\s+id|id\s+number|identification\s+number)"
            r"(?:\s+(?:number|no\.?|#))?(?![\w])"
        ),
    ),
    (
        "record-number",
        _rx(
            r"(?i)\b(?:mrn|medical\s+record(?:\s+(?:number|no\.?|#))?|record\s+(?:number|no\.?|#)|"
            r"(?:hospital|patient|chart|member|subscriber|policy|group|medicare|medicaid|insurance|"
            r"health\s+plan|plan|claim|case|beneficiary|encounter|visit|billing|invoice|account|"
            r"acct)\s*(?:number|no\.?|#|id)|account|policy|claim|encounter)(?![\w])"
        ),
    ),
    ("ssn", _rx(r"(?i)\b(?:ssn|ss\s?#|ss\s+number|social(?:\s+security)?|soc\.?\s+sec\.?)(?![\w])")),
    (
        "phone",
        _rx(r"(?i)\b(?:phone|cell|mobile|fax|call|text|ring|dial|landline|number)(?![\w])"),
    ),
]
# The value after a context word: one token with digits, after a few linking words.
_LINK = _rx(
    r"(?i)^(?:[\s:#,.'’()-]|\b(?:is|was|are|were|of|no|number|num|id|reads?|say|says|"
    r"listed|showed|shows|printed|on|my|the|card|at|as|ending|in|being|it|s)\b){0,12}"
)
_VALUE = _rx(r"(?<![\w-])\(?[A-Za-z0-9][\w()/+-]{0,30}(?:\s(?=\d)\d[\d-]{1,15})?")
_YEAR_ONLY = re.compile(r"(?:19|20)\d\d")
_STOP = re.compile(r"(?<!\bno)(?<!\bNo)(?<!\bNO)(?<!\bnum)[.!?;](?=\s|$)|\n")


def _context_value(text: str, end: int, kind: str) -> tuple[int, int] | None:
    """The span of the identifier that follows a context word ending at `end`, if any."""
    window = text[end : end + _WINDOW]
    stop = _STOP.search(window)
    if stop is not None:
        window = window[: stop.start()]
    link = _LINK.match(window)
    offset = link.end() if link else 0
    for value in _VALUE.finditer(window, offset):
        token = value.group()
        digits = sum(ch.isdigit() for ch in token)
        if digits and _is_value(kind, token, digits, window[value.end() :]):
            return end + value.start(), end + value.end()
        if kind in ("phone", "ssn") or value.start() - offset > 24:
            return None
    return None


def _is_value(kind: str, token: str, digits: int, after: str) -> bool:
    if _UNIT_AHEAD.match(after) and digits == len(token):
        return False
    if kind == "phone":
        return 7 <= digits <= 15 and len(token) - digits <= 4
    if kind == "ssn":
        return digits in (4, 9) and digits == sum(ch.isalnum() for ch in token)
    if _YEAR_ONLY.fullmatch(token):
        return False
    return len(token) >= 4 or digits >= 3


def context_numbers(text: str) -> Iterator[Span]:
    """Numbers that the words before them name: record, licence, device and vehicle ids."""
    for kind, context in _CONTEXT_KINDS:
        for match in context.finditer(text):
            span = _context_value(text, match.end(), kind)
            if span is not None:
                yield kind, *span


def shaped_numbers(text: str) -> Iterator[Span]:
    """Identifiers recognisable by shape alone: emails, web addresses, IPs, SSNs, phones."""
    for kind, pattern in (("email", _EMAIL), ("ip-address", _IPV4)):
        for match in pattern.finditer(text):
            yield kind, *match.span()
    for match in _IPV6.finditer(text):
        found = match.group()
        if "::" in found or found.count(":") >= 5:
            yield "ip-address", *match.span()
    for match in _URL.finditer(text):
        yield "url", match.start(), match.end() - len(match.group()) + len(
            match.group().rstrip(".,;:!?")
        )
    for kind, pattern in (("ssn", _SSN), ("vehicle-id", _VIN)):
        for match in pattern.finditer(text):
            yield kind, *match.span()


def dates_and_places(text: str) -> Iterator[Span]:
    """Phone numbers, dates, ages over 89, street addresses and ZIP codes."""
    for match in _DATE.finditer(text):
        if _plausible_date(match.group()):
            yield "date", *match.span()
    for match in _PHONE.finditer(text):
        yield "phone", *match.span()
    for match in _AGE_BEFORE.finditer(text):
        before = text[max(0, match.start() - _WINDOW) : match.start()]
        if _AGE_VERB.search(before) and not _AGE_SUBJECT.search(before):
            continue  # "my oxygen is 95": only a person's "is" or "was" gives an age
        yield "age", *match.span()
    for pattern in (_AGE_AT, _AGE_AFTER, _AGE_PHRASE):
        for match in pattern.finditer(text):
            yield "age", *match.span()
    for match in _STREET.finditer(text):
        yield "street-address", *match.span()
    for pattern in (_ZIP_PLUS4,):
        for match in pattern.finditer(text):
            yield "zip", *match.span()
    for match in _ZIP_STATE.finditer(text):
        yield "zip", *match.span(1)
    for match in _FIVE_DIGITS.finditer(text):
        before = text[max(0, match.start() - 24) : match.start()]
        after = text[match.end() : match.end() + 24]
        if _ZIP_BEFORE.search(before) and not _UNIT_AHEAD.match(after):
            yield "zip", *match.span()
        elif _ZIP_AFTER.match(after):
            yield "zip", *match.span()


def _plausible_date(found: str) -> bool:
    """Numeric dates must have a month and a day in range, in either order."""
    parts = re.findall(r"\d+", found)
    if len(parts) != 3 or not re.fullmatch(r"[\d/.-]+", found):
        return True
    first, second, third = (int(p) for p in parts)
    if len(parts[0]) == 4:
        return True
    return (first <= 12 and 1 <= second <= 31) or (second <= 12 and 1 <= first <= 31)
