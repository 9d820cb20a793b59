"""Identifiers recognised by their shape and the words next to them: numbers, dates, addresses.

Linear by construction: every pattern starts with a literal or a character class (so the
regex engine skips non-candidates in C), every repetition is bounded, and the checks around
a candidate read a window of at most `_WINDOW` characters. No pattern nests unbounded
quantifiers, so nothing can backtrack across the input. A detector yields `(kind, start,
end)` spans; `identifiers.scan` decides which to keep.
"""

from __future__ import annotations

import functools
import gzip
import ipaddress
import itertools
import json
import re
from collections.abc import Iterator
from importlib import resources

from .identifier_words import (
    DAYS,
    MONTHS,
    NOT_NAMES,
    RELATIONS,
    STATE_ABBREVIATIONS,
    STATES,
    STREET_SUFFIXES,
    STREET_SUFFIXES_ALONE,
)
from .identifiers import BIRTH_YEAR_OF_NINETY

Span = tuple[str, int, int]
_WINDOW = 48  # how far before or after a candidate its context is read

_STATE_KEYS = {s.lower() for s in STATES}
_ABBR_KEYS = set(STATE_ABBREVIATIONS)
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?|"
    r"JAN|FEB|MAR|APR|MAY|JUNE?|JULY?|AUG|SEPT?|OCT|NOV|DEC)\.?"
)
_DAY = r"\d\d?(?:st|nd|rd|th)?"  # checked for range in Python
_YEAR = r"(?:1[89]\d\d|20\d\d|'\d\d)"
# Units and counts after a number say it is a measurement, not an identifier.
_UNIT_AHEAD = re.compile(
    r"(?i)\s?(?:%|percent|mg|mcg|µg|g\b|kg|lbs?\b|pounds|ml|cc\b|iu\b|units?|beats|bpm|mm|cm|"
    r"inch|feet|ft\b|miles?|km|steps|calories|kcal|days?|weeks?|months?|years?\b(?!\s*old)|"
    r"hours?|hrs?\b|minutes?|mins?\b|seconds?|times|people|patients|dollars|degrees|°|/|\.\d|"
    r"mmhg|points?|sessions|visits|tablets|pills|cups|glasses|words|pages|copies|cells)"
)


def _free_before(text: str, start: int, also: str = "") -> bool:
    """Nothing word-like touches the candidate on the left."""
    return start == 0 or not (text[start - 1].isalnum() or text[start - 1] in "_" + also)


def _free_after(text: str, end: int, also: str = "") -> bool:
    """Nothing word-like touches the candidate on the right (a full stop ending a sentence is fine)."""
    if end >= len(text):
        return True
    ch = text[end]
    if ch.isalnum() or ch in "_" + also:
        return False
    return not (ch in ".,-/:" and end + 1 < len(text) and text[end + 1].isalnum())


def _words_before(text: str, start: int, count: int = 3) -> list[str]:
    """The last `count` words before `start`, lower case, punctuation kept."""
    return text[max(0, start - _WINDOW) : start].lower().split()[-count:]


# --- Emails, web addresses, IP addresses ---------------------------------------------------

# Spaces after the "@" or before it ("carol @ gmail.com"), where the address ends in a
# common ending in lower case or in capitals (`_spaced_ending`): "I was @ home.Then" is none.
# The dots are optional: "bigjim@example", an address typed without its ending, is one too when
# a name touches the "@" (`internet`); "@jane" alone is a handle.
_EMAIL_DOMAIN = re.compile(r"@[ \t]{0,3}[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,6}")
_LOCAL_PART = re.compile(r"[\w.+()-]{1,64}\Z")
_LOCAL_BEFORE_SPACE = re.compile(r"[\w.+-]{1,64}[ \t]{1,3}\Z")
# "at" and "dot" spoken, in capitals, or in brackets that need no spaces around them:
# "jane at example dot org", "rosa DOT flores AT example DOT org", "jane[at]example[dot]org".
# Each branch starts with a character class, so the engine skips ahead to a space or bracket.
_SPOKEN_DOT = (
    r"(?:[ \t](?i:dot)[ \t]{1,3}|[ \t]{1,3}[\[({](?i:dot)[\])}][ \t]{0,3}"
    r"|[\[({](?i:dot)[\])}][ \t]{0,3})"
)
_SPOKEN_AT = (  # and "@" in brackets: "t.barker[@]example.com"
    r"(?:[ \t]{1,3}(?i:at)[ \t]{1,3}|[ \t]{1,3}[\[({](?i:at|@)[\])}][ \t]{0,3}"
    r"|[\[({](?i:at|@)[\])}][ \t]{0,3})"
)
_AT_SIGN = r"[ \t]{0,3}@[ \t]{0,3}"  # "hello @ carolsjourney dot com"
_SPOKEN_EMAIL = re.compile(rf"{_SPOKEN_DOT}(?i:com|org|net|edu|gov|io|co|us|info)\b")
_SPOKEN_LOCAL = re.compile(rf"[\w.+-]{{1,64}}(?:{_SPOKEN_AT}|{_AT_SIGN})[\w-]{{1,63}}\Z")
# A dot typed with a space before it and a common ending after it, in lower case or in
# capitals ("hello @ carolsjourney . com", "carol at carolsjourney .COM"), after a name, an
# "at" (`_SPOKEN_LOCAL`) and a domain that is no word (`_domain_name`): "meet at noon .
# Then", "I waited at home . net result" are none. Searched only in a text with " .": the
# search stops at every dot, and a sentence has one (a space after the dot only, "carol at
# carolsjourney. com", would need it everywhere, or a hint that costs as much).
_SPACED_ENDINGS = "com|org|net|edu|gov|info"
_DOMAIN_LABEL = re.compile(r"[\w-]{1,63}\Z")
_SPACED_DOT_EMAIL = re.compile(
    rf"\.(?<= \.)[ \t]{{0,3}}(?:{_SPACED_ENDINGS}|{_SPACED_ENDINGS.upper()})(?![\w-])"
)
# An address at a mail provider written without its ending: "bettyjo52@aol", "jane_doe at
# outlook". Found from the provider's name in the text with its capitals lowered, only when one
# is there (the regex alone costs more); "outlook" is a word, so only after "@" or "at". Spoken
# with "at", the part before it needs a character no word has (".", "_", "+", a digit) or to
# follow "email", "e-mail" or "is" ("my email is janedoe at gmail"; "I worked at Yahoo").
_PROVIDERS = (
    "gmail", "googlemail", "yahoo", "ymail", "aol", "hotmail", "outlook", "icloud", "comcast",
    "protonmail", "sbcglobal",
)  # fmt: skip


def _has_provider(folded: str) -> bool:
    """Whether a provider's name is in the text, lower-cased: written out, this costs a story a
    tenth of what a loop over `_PROVIDERS`, or `_PROVIDER` itself, does."""
    return (
        "gmail" in folded or "yahoo" in folded or "aol" in folded or "hotmail" in folded
        or "outlook" in folded or "icloud" in folded or "comcast" in folded or "ymail" in folded
        or "googlemail" in folded or "protonmail" in folded or "sbcglobal" in folded
    )


_PROVIDER = re.compile(f"(?:{'|'.join(_PROVIDERS)})" + r"(?![\w@-]|\.[a-z])")
_PROVIDER_LOCAL = re.compile(rf"([\w.+-]{{1,64}})(?:{_AT_SIGN}|{_SPOKEN_AT})\Z")
_SPOKEN_LOCAL_BEFORE = re.compile(r"(?:e-?mail(?:\s+me)?|email\s+address|is|:)\s{1,3}\Z")
_NOT_LOCAL = {"me", "us", "him", "her", "them", "you", "it", "is", "was", "email", "e-mail", "mail"}
_WEB = re.compile(r"(?:https?://|HTTPS?://|Https?://|www\.|WWW\.|Www\.)[^\s<>\"'()\[\]]{1,2000}")
_TLD = re.compile(
    r"\.(?i:com|net|org|edu|gov|io|co|us|info|biz|me|blog|app|health|care|ly|tv|fm|uk|ca|au|nz|"
    r"site|online|shop|store|page|link|life|club|xyz|dev|ai|social|community|live|fun|ee|bio)"
    r"(?![A-Za-z0-9-])"
)
_DOMAIN_TAIL = re.compile(r"[A-Za-z0-9][A-Za-z0-9.-]{0,62}\Z")
_PATH = re.compile(r"/[^\s<>\"'()\[\]]{0,2000}")
# Dots inside as Instagram's ("@jane.recovers"), hyphens as Venmo's ("@Jane-Doe-12").
_HANDLE = re.compile(r"@[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,28}[A-Za-z0-9_])?")
_IPV4 = re.compile(r"\d(?<!\d\d)\d{0,2}\.\d{1,3}\.\d{1,3}\.\d{1,3}")
_IPV6 = re.compile(r"[0-9A-Fa-f:][0-9A-Fa-f:]{0,4}:[0-9A-Fa-f:.]{2,40}")


_SPOKEN_AT_LOCAL = re.compile(rf"([\w.+-]{{1,64}}){_SPOKEN_AT}\Z")


def _spoken_local(text: str, domain: int) -> int | None:
    """Where an address starts whose "at" is spoken before a written domain ("tom.barker at
    example.com"): a name with a character no word has (".", "_", "+", a digit), or after
    "email", "e-mail" or "is" ("my email is joanne at example.com"); "I looked at webmd.com"
    and "it is at example.org" are a web address."""
    if text[domain - 1 : domain] not in (" ", "\t", "]", ")", "}"):
        return None
    local = _SPOKEN_AT_LOCAL.search(text, max(0, domain - 72), domain)
    if local is None or not _free_before(text, local.start(), ".+-"):
        return None
    name = local.group(1)
    if name.lower() in _NOT_LOCAL:
        return None
    if local.group().rstrip(" \t").endswith(("]", ")", "}")):
        return local.start()  # "jdoe (at) example.com" is written to be an address
    if any(ch in "._+" or ch.isdigit() for ch in name.strip(".")) or _SPOKEN_LOCAL_BEFORE.search(
        text[max(0, local.start() - 20) : local.start()].lower()
    ):
        return local.start()
    return None


def _spaced_ending(domain: str) -> bool:
    """Whether the domain of an address typed with spaces around its "@" ends as addresses do:
    with an ending `_TLD` knows, in lower case or in capitals ("gmail.com", not "home.Then")."""
    ending = domain.rsplit(".", 1)[-1]
    return (ending.islower() or ending.isupper()) and _TLD.fullmatch("." + ending) is not None


def _domain_name(label: str) -> bool:
    """Whether the word before a dot typed with spaces is a domain's name: a mail provider's, or
    letters (digits and hyphens too) that make no English word ("carolsjourney", not "home")."""
    label = label.lower()
    if label in _PROVIDERS:
        return True
    return any(ch.isalpha() for ch in label) and label not in english_words()


def _written_name(local: str) -> bool:
    """Whether an address typed with spaces has an "@" after a name no word is ("dee_k @ example
    . com": "_", ".", "+" or a digit), so that its domain may be a word; a spoken "at" may not
    ("meet at noon . Then")."""
    name, at, _ = local.partition("@")
    return bool(at) and any(ch in "._+" or ch.isdigit() for ch in name.strip(" \t."))


def _strip_end(text: str, start: int, end: int) -> int:
    """A web address does not end with the sentence's punctuation."""
    while end > start and text[end - 1] in ".,;:!?":
        end -= 1
    return end


def _dotless_email(text: str, local: re.Match | None, domain: re.Match) -> bool:
    """Whether a name and "@" before a domain without a dot make an address ("bigjim@example",
    "email me at rosa_k@clinic"): the name touches the "@" and holds a letter, the domain is a
    word of three letters or more that starts with a letter and nothing but a space or the
    sentence's end follows it (not "a@b", "x@3pm", "email me@home", "@jane")."""
    label = domain.group()[1:]
    return (
        local is not None
        and len(local.group()) >= 2
        and any(ch.isalpha() for ch in local.group())
        and local.group().lower() not in _NOT_LOCAL
        and len(label) >= 3
        and label[0].isalpha()
        and _free_after(text, domain.end(), "@")
    )


def internet(text: str) -> Iterator[Span]:
    """Emails, web addresses, social media handles and IP addresses."""
    for match in _EMAIL_DOMAIN.finditer(text):
        at = match.start()
        local = _LOCAL_PART.search(text, max(0, at - 64), at)
        spaced = local is None or text[at + 1] in " \t"
        if local is None:
            local = _LOCAL_BEFORE_SPACE.search(text, max(0, at - 67), at)
        if spaced and not _spaced_ending(match.group()):
            continue
        if "." not in match.group() and not _dotless_email(text, local, match):
            continue
        if local is not None and _free_before(text, local.start(), ".+()-"):
            yield "email", local.start(), match.end()
    spoken_dot = "dot" in text or "DOT" in text or "Dot" in text  # the regex costs 5 times this
    for match in _SPOKEN_EMAIL.finditer(text) if spoken_dot else ():
        local = _SPOKEN_LOCAL.search(text, max(0, match.start() - 140), match.start())
        if local is not None and _free_before(text, local.start(), ".+-"):
            yield "email", local.start(), match.end()
    for match in _SPACED_DOT_EMAIL.finditer(text) if " ." in text else ():
        start = match.start()
        while start > 0 and text[start - 1] in " \t":
            start -= 1  # at most three: `_SPACED_DOT_EMAIL`
        local = _SPOKEN_LOCAL.search(text, max(0, start - 140), start)
        if local is None or not _free_before(text, local.start(), ".+-"):
            continue
        label = _DOMAIN_LABEL.search(local.group()).group()
        if _domain_name(label) or _written_name(local.group()):
            yield "email", local.start(), match.end()
    lowered = text.translate(_ASCII_LOWER) if _has_provider(text.lower()) else ""
    for match in _PROVIDER.finditer(lowered):
        local = _PROVIDER_LOCAL.search(lowered, max(0, match.start() - 72), match.start())
        if local is None:
            yield from _provider_handle(text, lowered, match)
            continue
        if not _free_before(text, local.start(), ".+-"):
            continue
        name = local.group(1)
        # "@" or a bracketed "[at]" is written to be an address; a spoken "at" only with a name
        # no word is ("carolmendes at gmail", not "I worked at Yahoo", "Sarah at Gmail")
        spoken = "@" not in local.group() and not local.group().endswith(("]", ")", "}"))
        if spoken and (name in _NOT_LOCAL or not (
            any(ch in "._+" or ch.isdigit() for ch in name)
            or _SPOKEN_LOCAL_BEFORE.search(lowered, max(0, local.start() - 20), local.start())
            or _handle_like(name)
        )):
            continue
        yield "email", local.start(), match.end()
    for match in _WEB.finditer(text):
        if _free_before(text, match.start(), "."):
            yield "url", match.start(), _strip_end(text, *match.span())
    for match in _TLD.finditer(text):
        domain = _DOMAIN_TAIL.search(text, max(0, match.start() - 63), match.start())
        if domain is None or not _free_before(text, domain.start(), ".@/-"):
            continue
        end = match.end()
        if end < len(text) and text[end] == "." and end + 1 < len(text) and text[end + 1].isalnum():
            continue  # a longer dotted word, not an address ending here
        path = _PATH.match(text, end)
        end = _strip_end(text, domain.start(), path.end() if path else end)
        local = _spoken_local(text, domain.start())
        yield ("email", local, end) if local is not None else ("url", domain.start(), end)
    for match in _HANDLE.finditer(text):
        if _free_before(text, match.start(), "@.") and _free_after(text, match.end(), "@"):
            yield "url", *match.span()
    for match in _IPV4.finditer(text):
        octets = match.group().split(".")
        free = _free_before(text, match.start(), ".") and _free_after(text, match.end())
        if free and all(int(octet) <= 255 for octet in octets):
            yield "ip-address", *match.span()
    for match in _IPV6.finditer(text):
        found = match.group().rstrip(".:")
        if ("::" in found or found.count(":") >= 5) and _free_before(text, match.start(), ":"):
            try:
                ipaddress.IPv6Address(found)
            except ValueError:
                continue
            yield "ip-address", match.start(), match.start() + len(found)


# --- Numbers named by the words before them ------------------------------------------------

# Matched against the text with ASCII capitals lowered (same length, same offsets): a
# case-sensitive alternation of literals is many times faster than an IGNORECASE one.
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_NUMBER = r"(?:\s+(?:number|no\.?|#))?"


def _each(words: str, tail: str = "") -> str:
    """Alternatives that each start with a literal word (the regex engine skips ahead on those)."""
    return "|".join(f"{word}{tail}" for word in words.split())


# A platform named right before a handle: "my insta is chemo_and_chill", "Venmo: jane-doe-12",
# "my snap is jrecov22". The handle must start with a letter and hold what no word has: "_", a
# digit, a dot between lower-case letters ("my IG is jane.recovers"), or be letters that make
# no English word ("my TikTok is janerecovers", `_unworded`); "my instagram is private" and
# "on tiktok at 2am" are no handle.
_PLATFORMS = (
    "instagram insta ig tiktok tik\\s?tok snapchat snap venmo cash\\s?app twitter threads bluesky "
    "reddit discord twitch youtube facebook fb telegram"
)
_PLATFORM_TAIL = (
    r"(?:\s+(?:handle|username|user\s?name|account|page|name|id|tag))?(?:\s+(?:is|at)|:|,)"
)
_PLATFORM = re.compile(f"(?:{_each(_PLATFORMS)}){_PLATFORM_TAIL}")
# reddit's "u/" too: "my handle on reddit is u/TiredTransplantTina"
_PLATFORM_HANDLE = re.compile(r"[ \t]{0,3}(?:@|u/)?([A-Za-z][\w.-]{1,29}[A-Za-z0-9_])")
# A platform, then "@" with a space after it: "follow me on tiktok @ chemo.cowgirl" (lower case).
_PLATFORM_SPACED_AT = re.compile(
    f"(?<![\\w])(?:{_each(_PLATFORMS)})[ \\t]{{1,3}}@[ \\t]{{1,3}}([a-z][\\w.-]{{1,29}}[a-z0-9_])"
)
_DOTTED = re.compile(r"[a-z]\.[a-z]")
# A handle before "on" and the platform (scan v44, stop 48's red team): "I'm chemowarrior52 on
# Instagram", "search \"kidneymom_52\" on TikTok". It must hold a digit or "_" ("I read it on
# Instagram", "covid on TikTok" are none), and start with a letter ("2hrs on TikTok").
_ON_PLATFORM = re.compile(f"on[ \\t]{{1,3}}(?:{_each(_PLATFORMS)})\\b")  # a literal first: fast
_HANDLE_BEFORE = re.compile(r"(?<![\w@.$-])[\"“']?(?:u/)?([a-z][\w.-]{1,29}[a-z0-9_])[\"”']?\Z")
# A Cash App "$cashtag" ("My Cash App is $MariaO52"): a dollar sign before a letter is no sum.
# Letters and digits only, as Cash App allows (`$FLYWHEEL_AS_OF` is a shell's variable).
_CASHTAG = re.compile(r"(?<![\w$])\$([A-Za-z][A-Za-z0-9]{2,19})(?![\w-])")

# Insurers and state plans whose name goes before "ID" on a member card (lower case, as
# `_CONTEXT` reads); a plan's name alone is no context ("Aetna paid for it").
_INSURERS = (
    "aetna humana cigna tricare medi-cal kaiser anthem bcbs blue\\s+cross "
    "blue\\s+shield unitedhealthcare uhc molina wellcare ambetter highmark amerigroup "
    "caresource masshealth mychart"
)
_STRICT_RECORD = re.compile(
    f"rx|prescription|refill|insurance\\s+card|(?:{_each(_INSURERS)})\\s"
    # a national number has nine digits or more; "the NHS 111 line" is a phone service
    "|nhs|bsn|burger|pps|aadhaa?r|ohip|tfn|nino|sin|chi|ird|ni[\\s:]|social\\s+ins|national\\s+ins|health\\s+card"
    "|medicare\\s+card|ehic|ghic"
)
_STRICT_DIGITS = 6
# A hospital bracelet, a queue ticket, a pathology case or a lab specimen ("bracelet number
# 4471-22", "ticket #A-55120", "specimen ID SP-23-009911"): their value needs five digits, so
# a room ("a wristband on me, then room 412"), a place in a queue ("ticket number 42") or a
# count ("my bracelet had 3 charms") is none.
_CUED_RECORD = re.compile(
    "bracelet|wrist|ticket|pathology|specimen|accession"
    "|fingerprint|thumbprint|voiceprint|biometric|retina|iris|palm|face|facial"
)
_CUED_DIGITS = 5
_LOT_DIGITS = 4

_CONTEXT_PHRASES = {
    "vehicle-id": "|".join(
        (
            _each("license licence registration truck motorcycle handicap", r"\s+plates?"),
            _each("car van", r"\s+(?:plates?|reg(?:istration)?)"),  # "car reg AB12 CDE"
            rf"plates?{_NUMBER}|tags?(?:\s+number)?|vin|vehicle\s+id(?:entification\s+number)?",
            # a British registration: "my reg is AB12 CDE", "reg no. LK22 XYZ" (not "my reg dose")
            r"reg\s+is|reg:|reg\s+(?:number|no\.?|mark)",
        )
    ),
    "device-id": "|".join(
        (
            rf"serial{_NUMBER}|s/n|sn|udi|imei|device\s+(?:id|identifier|serial)",
            _each("transmitter implant sensor pump monitor pacemaker defibrillator icd cgm", r"\s+id"),
            # A device's or a vaccine's lot ("Lot number L4471-22"), only with its number word
            # and four digits (`_fewest_digits`): "parking lot number 3" is a place.
            r"lot\s*(?:number|no\.?|#)",
        )
    ),
    "licence-number": "|".join(
        (
            _each("driver's drivers driver", rf"\s+licen[cs]e{_NUMBER}"),
            _each("driver's drivers driver", rf"\s+lic\.?{_NUMBER}"),  # "Driver's lic. W221-0983"
            _each("license licence passport certificate permit cdl", _NUMBER),
            rf"dl\s?#|dl|dea{_NUMBER}|state\s+id(?:\s+card)?{_NUMBER}|id\s+card{_NUMBER}",
            r"green\s+card(?:\s+number)?|id\s+number|identification\s+number",
            r"resident\s+card(?:\s+number)?",  # "my permanent resident card no. SRC1234567891"
            _each("veteran va military", r"\s+id(?:\s+number)?"),
            _each("employee staff badge student", rf"\s+(?:id|number|no\.?|#){_NUMBER}"),
        )
    ),
    "record-number": "|".join(
        (
            rf"mrn|medical\s+record{_NUMBER}|record\s+(?:number|no\.?|#)|health\s+plan\s*(?:number|no\.?|#|id)",
            _each(
                "hospital patient chart member subscriber policy group medicare medicaid insurance "
                "plan claim case beneficiary encounter visit billing invoice account acct",
                r"\s*(?:number|no\.?|#|id)",
            ),
            "account|acct|policy|claim|encounter",
            # A pharmacy's prescription number and an insurer's member id ("Rx #6012345",
            # "refill no. RX7788123", "my Aetna ID W123456789"): `_STRICT_RECORD` says their
            # value needs six digits ("refill #2", "my Aetna card has a 1-800 number").
            r"rx(?:\s*(?:number|no\.?|#))?|prescription\s*(?:number|no\.?|#)",
            r"refill\s*(?:number|no\.?|#)|insurance\s+card",
            _each(_INSURERS, r"\s+(?:member\s+)?(?:id|number|no\.?|card)(?:\s+number)?"),
            # A bracelet, a ticket, a pathology case or a specimen (`_CUED_RECORD`): a ticket, a
            # specimen or a pathology report is named in passing ("a ticket to the game", "a
            # specimen cup", "a pathology report came back"), so only with its number word.
            _each("bracelet wristband wrist\\s?band accession", r"(?:\s*(?:number|no\.?|#|id))?"),
            _each("ticket specimen pathology", r"\s*(?:number|no\.?|#|id)"),
            # A biometric enrolment's ID ("my fingerprint ID at the clinic is FP-0093-4471",
            # "the retina scan ID they gave me"; scan v43): Safe Harbor's biometric
            # identifiers as a story names them. Five digits, as a bracelet's ("my fingerprint
            # ID took 3 tries" is none).
            _each("fingerprint thumbprint voiceprint biometric", r"\s*(?:number|no\.?|#|id)"),
            _each("retina retinal iris palm face facial", r"(?:\s+vein)?\s+scan\s*(?:number|no\.?|#|id)"),
            r"pathology\s+(?:case|accession|specimen)(?:\s*(?:number|no\.?|#|id))?",
            # Other countries' health and national numbers, each after its name (stop 49's red
            # team: "NHS no. 4010232137", "BSN 123456782", "PPS number 1234567T"; a Canadian
            # SIN or health card). Words that are words too ("sin", "chi") need their number word.
            rf"nhs{_NUMBER}|bsn|burgerservicenummer|ppsn|pps\s*(?:number|no\.?|#)|aadhaa?r(?:\s+card)?{_NUMBER}",
            rf"ohip{_NUMBER}|tfn|nino",
            # And under their own names (scan v46, held-out corpus G: "My DNI is 12345678Z", "My
            # CPF is 123.456.789-09", "carte Vitale number ...", "My NHI is ZAA0067", "Meine
            # Versichertennummer is A123456780", an IBAN).
            r"dni|cpf|curp|pesel|nhi|iban|personnummer|codice\s+fiscale|carte\s+vitale(?:\s*(?:number|no\.?|#))?",
            r"krankenversicherungsnummer|sozialversicherungsnummer|versicherungsnummer|versichertennummer|steuer-?id",
            r"num[ée]ro\s+de\s+s[ée]curit[ée]\s+sociale",
            _each("sin chi ird ni", r"(?:\s*(?:number|no\.?|#|:)|\s+is)"),
            r"social\s+insurance(?:\s*(?:number|no\.?|#))?|national\s+insurance(?:\s*(?:number|no\.?|#))?",
            _each("health medicare ehic ghic", r"\s+card(?:\s*(?:number|no\.?|#))?"),
        )
    ),
    "ssn": rf"ssn|ss\s?#|ss\s+number|social(?:\s+security)?{_NUMBER}|soc\.?\s+sec\.?{_NUMBER}",
    "phone": _each(r"phone cell mobile fax call text ring dial landline number tel\.? ph whatsapp viber signal")
    + r"|whats\s+app"
    + r"|reach\s+(?:me|us)",
    # An online handle named as one ("my username is jsmith61"); the value needs a digit.
    "url": "|".join(
        (
            r"user\s?name|user\s?id|login|log-in|screen\s?name|gamertag|handle\s+is|handle:",
            _each(_PLATFORMS, _PLATFORM_TAIL),
        )
    ),
}


def _alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of a regular expression, in order (a `|` inside a group,
    a character class or after a backslash does not separate two)."""
    found, depth, in_class, start, i = [], 0, False, 0, 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch in "()":
            depth += 1 if ch == "(" else -1
        elif ch == "|" and depth == 0:
            found.append(pattern[start:i])
            start = i + 1
        i += 1
    return [*found, pattern[start:]]


_PLAIN_FIRST_LETTER = re.compile(r"[a-z](?![?*+{])")


def _by_first_letter(alternatives: list[str]) -> str:
    """The same alternation, grouped by each alternative's first letter: `a(?:x|y)|b(?:z)`.

    Every phrase starts with a lower-case letter, and most letters start one, so a flat
    alternation has the regex engine try all ninety phrases at almost every character of a
    story. Grouped, it tries the one or two groups whose letter is there. Alternatives that
    start with different letters cannot match at the same place, and within a group their
    order is kept, so every match (where it starts, which phrase, where it ends) is the same.
    """
    groups: dict[str, list[str]] = {}
    for alternative in alternatives:
        if not _PLAIN_FIRST_LETTER.match(alternative):
            raise ValueError(
                f"a context phrase must start with a plain lower-case letter: {alternative!r}"
            )
        groups.setdefault(alternative[0], []).append(alternative[1:])
    return "|".join(f"{letter}(?:{'|'.join(rest)})" for letter, rest in groups.items())


# A phrase ends where a word does, or at a "#" the number touches ("record #12345").
_CONTEXT_END = r"(?:(?<=#)|(?![\w/]))"
# One pass over the text with ASCII capitals lowered (same length, same offsets): a plain,
# case-sensitive alternation lets the regex engine skip ahead in C; IGNORECASE or named
# groups would make it try every alternative at every position. Which kind a phrase names is
# decided afterwards, in the order above ("licence plate" is a vehicle's, not a licence).
_CONTEXT = re.compile(
    "(?:"
    + _by_first_letter([a for phrases in _CONTEXT_PHRASES.values() for a in _alternatives(phrases)])
    + ")"
    + _CONTEXT_END
)
# The same phrases after a character that is no word's (a space, a mark, a line's end): the
# engine skips to the next such character in C, and tries the phrases where a word starts,
# not at every letter of every word (`_context_phrases`).
_CONTEXT_AFTER_GAP = re.compile(r"\W(?:" + _CONTEXT.pattern + ")")
_CONTEXT_KINDS = [
    (kind, re.compile(f"(?:{phrases})")) for kind, phrases in _CONTEXT_PHRASES.items()
]
_LINK_WORDS = set(
    """
    is was are were of no no. number num id read reads say says listed showed shows printed
    on my the card at as ending ends end in being it s # : - last four digits
    """.split()
)
_VALUE = re.compile(r"\(?[A-Za-z0-9][\w()/+-]{0,30}")
_DOTTED_SSN = re.compile(r"\d{3}\.\d{2}\.\d{4}(?![\w.])")
_MORE_DIGITS = re.compile(r" \d[\d-]{1,15}(?![\w])")
_DOTTED_MORE = re.compile(r"(?:\.\d{2,4}){1,3}(?![\w.])")
# A phone number grouped as it is read aloud or as other countries write it, after a phone's
# context word: "07700 900123", "0161 496 0000", "02 9876 5432", "503 555 01 42".
_PHONE_GROUPS = re.compile(r"(?: \d{2,6}){1,4}(?![\w])")
# A phone typed with a space between every digit ("call me on 4 1 5 5 5 5 0 1 8 7"): ten
# digits, or eleven after a "1", with one or two spaces or a "-" between them, and no more
# digits after them. Each repetition starts with a space or a "-" and ends with one digit, so
# the two bounded tries (eleven, ten) are all the engine makes at a digit.
_DIGIT_BY_DIGIT = re.compile(r"\d(?:(?: {1,2}| ?- ?)\d){9,10}(?!\d|(?: {1,2}| ?- ?)\d)")
# Before the phone word, a word that makes digits one by one scores or a draw ("my pain number
# was 7 6 8 5 4 6 7 5 3 4", "my lucky number is ..."), not a phone.
_SCORE_WORDS = {
    "pain", "score", "scores", "rating", "ratings", "level", "levels", "lucky", "lottery",
}  # fmt: skip
# "call me on ...", "text us at ...": words between a phone's context word and its number.
# "call my daughter on 07700 900123", "text her husband at 614-555-0101": whose number it is,
# between the phone's word and the number.
_PHONE_LINK_WORDS = {"me", "us", "our", "his", "her", "their"} | {r.lower() for r in RELATIONS}
_YEAR_ONLY = re.compile(r"(?:19|20)\d\d")
_YEAR_RANGE = re.compile(r"\(?(?:19|20)\d\d[-/](?:(?:19|20)?\d\d)\)?")
_STOP = re.compile(r"(?<!\bno)(?<!\bNo)(?<!\bNO)(?<!\bnum)[.!?;](?=\s|$)|\n")


# What may end a label after its context phrase ("device serial" then "number"), before a line
# break and the value on the next line.
_LABEL_ENDS = frozenset({"", "number", "no", "num", "nr", "id", "is", "was"})


def _context_value(text: str, end: int, kind: str) -> tuple[int, int] | None:
    """The span of the identifier that follows a context word ending at `end`, if any."""
    window = text[end : end + _WINDOW]
    stop = _STOP.search(window)
    if (
        stop is not None
        and stop.group() == "\n"
        and window[: stop.start()].strip(" \t:#-.").lower() in _LABEL_ENDS
    ):
        # a label at the end of a line, its value on the next ("hospital no.\n7734103",
        # "device serial number\n4410-8823-Z"): the line break is no stop, the next one is
        stop = _STOP.search(window, stop.end())
    if stop is not None:
        window = window[: stop.start()]
    skipped = 0
    for value in _VALUE.finditer(window):
        token, value_end = value.group(), value.end()
        digits = sum(ch.isdigit() for ch in token)
        if kind == "ssn" and digits == len(token) == 3:
            dotted = _DOTTED_SSN.match(window, value.start())  # "social: 401.22.7733"
            if dotted is not None:
                return end + value.start(), end + dotted.end()
        if kind == "phone" and digits == len(token) == 1:
            spaced = _digit_by_digit(text, end + value.start(), end)
            if spaced is not None:
                return spaced
        more = _MORE_DIGITS.match(window, value_end) if digits else None
        if more is None and digits == len(token) and kind == "record-number":
            more = _DOTTED_MORE.match(window, value_end)  # "BSN: 1234.56.782", grouped with dots
        if digits and kind == "phone":
            more = _phone_groups(window, value.start(), value_end) or more
        if more is not None:  # "4GHT 921", "555 0166": one identifier written in two groups
            token, value_end = window[value.start() : more.end()], more.end()
            digits = sum(ch.isdigit() for ch in token)
        if digits and _is_value(kind, token, digits, window[value_end:]):
            return end + value.start(), end + value_end
        if token.lower() not in _LINK_WORDS and not (
            kind == "phone" and token.lower() in _PHONE_LINK_WORDS
        ):
            skipped += 1
            if kind in ("phone", "ssn") or skipped > 4:
                return None
    return None


def _digit_by_digit(text: str, start: int, context_end: int) -> tuple[int, int] | None:
    """A phone number typed one digit at a time from `start`, after a phone's context word
    ending at `context_end`: shaped as a North American number is (the area code and the
    exchange start with 2 to 9, after a "1" when there are eleven digits), three different
    digits or more ("5 5 5 5 5 5 5 5 5 5" is a count), no unit after it and no score before it."""
    found = _DIGIT_BY_DIGIT.match(text, start)
    if found is None:
        return None
    digits = [ch for ch in found.group() if ch.isdigit()]
    if len(digits) == 11:
        if digits[0] != "1":
            return None
        digits = digits[1:]
    if digits[0] in "01" or digits[3] in "01" or len(set(digits)) < 3:
        return None
    if _UNIT_AHEAD.match(text, found.end()):
        return None
    if _SCORE_WORDS.intersection(_words_before(text, context_end, 3)):
        return None
    return found.span()


def _phone_groups(window: str, start: int, end: int) -> re.Match | None:
    """The groups after a phone's first group that make one number with it: three groups or
    more only with nine digits or more, no unit after them ("the number of 90 100 120
    patients" is a count), and a first group as phones have: a trunk "0" ("0161 496 0000")
    or an area code and exchange of three digits each ("503 555 01 42"), not "98 99 100 101"."""
    more = _PHONE_GROUPS.match(window, end)
    if more is None or more.group().count(" ") < 2 or _PHONE.match(window, start):
        return None  # a number `_PHONE` knows is its (with an extension, as before)
    groups = window[start : more.end()].split()
    if not (groups[0][0] == "0" or len(groups[0]) == len(groups[1]) == 3):
        return None
    digits = sum(ch.isdigit() for ch in window[start : more.end()])
    return more if digits >= 9 and not _UNIT_AHEAD.match(window, more.end()) else None


def _is_value(kind: str, token: str, digits: int, after: str) -> bool:
    if digits == len(token) and _UNIT_AHEAD.match(after):
        return False
    if kind == "phone":
        return 7 <= digits <= 15 and len(token) - digits <= 4
    if kind == "ssn":  # "123-45-6789", "4821", or masked but for its last four: "xxx-xx-4821"
        shown = token.lower().replace("x", "") if token[:3].lower() == "xxx" else token
        return digits in (4, 9) and digits == sum(ch.isalnum() for ch in shown)
    if _YEAR_ONLY.fullmatch(token) or _YEAR_RANGE.fullmatch(token):
        return False  # "a BSN (2008-2012)", "the NHS Long Term Plan 2019-2029"
    return len(token) >= 4 or digits >= 3


def named_numbers(text: str) -> Iterator[Span]:
    """Numbers that the words before them name: record, licence, device and vehicle ids,
    phone and social security numbers (in digits or spelt out), online handles."""
    searched: dict[str, int] = {}  # kind -> end of the last window read for it
    lowered = text.translate(_ASCII_LOWER)
    for match in _context_phrases(lowered):
        kind = next(kind for kind, phrases in _CONTEXT_KINDS if phrases.fullmatch(match.group()))
        if match.start() < searched.get(kind, -1):
            continue  # inside the value the same kind's last context word named: already read
        searched[kind] = match.end()
        if kind == "url" and _PLATFORM.fullmatch(match.group()):
            handle = _PLATFORM_HANDLE.match(text, match.end())
            if handle is not None and _is_handle(handle.group(1)) and _free_after(text, handle.end()):
                yield "url", *handle.span(1)
            continue
        span = _context_value(text, match.end(), kind)
        if span is None and kind == "vehicle-id":
            span = _vanity_plate(text, lowered, match)
        if span is None and kind == "url":
            named = _NAMED_HANDLE.match(text, match.end())
            if named is not None and _unworded(named.group(1)) and _free_after(text, named.end()):
                span = named.span(1)
        if span is None and kind in ("phone", "ssn"):
            span = _spelt_out(lowered, match.end(), kind)
        if kind == "record-number" and match.group().startswith(("national", "ni")):
            nino = _NINO.search(text, match.end(), match.end() + _WINDOW)
            span = nino.span() if nino is not None else span
        fewest = _fewest_digits(match.group()) if kind in ("record-number", "device-id") else 0
        while span is not None and sum(ch.isdigit() for ch in text[span[0] : span[1]]) >= fewest:
            # Each number is read, however close the next context word (stop 49's red team: the
            # second of "the hospital's account number is 44-7718-02, and my account number is
            # 55-8812-03" was read as inside the first's window, and accepting the first by its id
            # published the patient's), and one named by "and mine is" after it.
            yield kind, *span
            searched[kind] = span[1]
            mine = _AND_MINE.match(lowered, span[1])
            span = _context_value(text, mine.end(), kind) if mine is not None else None
    if "@ " in text:
        for match in _PLATFORM_SPACED_AT.finditer(lowered):
            if _is_handle(text[match.start(1) : match.end(1)]) and _free_after(text, match.end()):
                yield "url", *match.span(1)
    if " on " in lowered:
        for match in _ON_PLATFORM.finditer(lowered):
            before = lowered[max(0, match.start() - 44) : match.start()]
            if before[-1:] not in (" ", "\t"):
                continue
            handle = _HANDLE_BEFORE.search(before.rstrip(" \t"))
            if handle is not None and ("_" in handle.group(1) or any(ch.isdigit() for ch in handle.group(1))):
                offset = match.start() - len(before)
                yield "url", offset + handle.start(1), offset + handle.end(1)
    if "$" in text:
        for match in _CASHTAG.finditer(text):
            tag = match.group(1)
            if any(ch.isdigit() for ch in tag) or "cash" in lowered[max(0, match.start() - 40) : match.start()]:
                yield "url", *match.span()


# After a number its context word named, another that is the writer's or a relative's: "and
# mine is", ", my son's:", "but hers was".
_AND_MINE = re.compile(
    r"[ \t]*[,;]?[ \t]*(?:and|but|while|whereas|or)?[ \t]*"
    r"(?:mine|his|hers|theirs|ours|my[ \t]+own|my[ \t]+[a-z-]+['’]s)(?:['’]s|[ \t]+(?:is|was|are|were)|[ \t]*[:,])"
)
# A British National Insurance number after its name: "QQ 12 34 56 C".
_NINO = re.compile(r"(?<![\w-])[A-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D](?![\w-])", re.IGNORECASE)


def _context_phrases(lowered: str) -> Iterator[re.Match]:
    r"""The matches of `_CONTEXT` in `lowered` that start a word, in order, each searched for
    from the end of the last: a phrase touching a word on its left is none (`_free_before`,
    "van plates" in "minivan plates"), and the next may start inside it ("plates").

    Searched for at the text's start and after each character that is no word's (`\W`, as
    `_free_before` reads one): the engine skips to those in C and tries the phrases there,
    not at every letter of every word. Half the cost of searching for `_CONTEXT` and skipping
    the phrases inside words (0.37 s against 0.18 s for the 17,800 texts of 2,000 stories)."""
    found = _CONTEXT.match(lowered, 0)
    start = 0
    while True:
        if found is not None:
            yield found
            # From its last character: the next phrase may start right after this one when
            # this ends with a mark ("reg:rx 12345", "record #rx 4").
            start = found.end() - 1
        gap = _CONTEXT_AFTER_GAP.search(lowered, start)
        if gap is None:
            return
        start = gap.start() + 1  # each search starts past the last gap: the loop ends
        found = _CONTEXT.match(lowered, start)  # the phrase the search found there


def _fewest_digits(phrase: str) -> int:
    """How many digits the value after a record or device number's context phrase needs."""
    if phrase.startswith("lot"):
        return _LOT_DIGITS
    if _STRICT_RECORD.match(phrase):
        return _STRICT_DIGITS
    return _CUED_DIGITS if _CUED_RECORD.match(phrase) else 0


def _is_handle(found: str) -> bool:
    return "_" in found or any(ch.isdigit() for ch in found) or bool(
        found.islower() and _DOTTED.search(found)
    ) or _unworded(found)


# "bigjim1960 on yahoo": a name with letters and digits before "on" and a provider, not a
# provider's site ("covid19 on yahoo news"); "my gmail is carolmendes62": a handle after
# "my <provider> is" (`_is_handle`: not "my gmail is full"; "outlook" is a word there).
_PROVIDER_ON = re.compile(r"(?<![\w.+-])([a-z][\w.+-]{2,63})[ \t]{1,3}on[ \t]{1,3}\Z")
_PROVIDER_SITE = re.compile(
    r"\s{1,2}(?:news|answers|finance|health|groups|search|sports|mail\s+app|app)\b"
)
_PROVIDER_MINE = re.compile(r"(?<![\w-])(?:my|our)[ \t]{1,3}\Z")
_PROVIDER_IS = re.compile(
    r"(?:[ \t]{1,3}(?:address[ \t]{1,3})?is|[ \t]{0,2}:)[ \t]{1,3}([a-z][\w.+-]{2,63})"
)


def _provider_handle(text: str, lowered: str, match: re.Match) -> Iterator[Span]:
    """An address at a mail provider written around its name without "@" or "at": "bigjim1960
    on yahoo", "my gmail is carolmendes62" (`lowered` is `text` with its capitals lowered)."""
    start, end = match.span()
    on = _PROVIDER_ON.search(lowered, max(0, start - 72), start)
    if on is not None and not _PROVIDER_SITE.match(lowered, end):
        name = on.group(1)
        digits = sum(ch.isdigit() for ch in name)
        if ("_" in name or digits >= 2) and sum(ch.isalpha() for ch in name) >= 3:
            yield "email", on.start(1), end
            return
    named = _PROVIDER_IS.match(lowered, end)
    if named is None or match.group() == "outlook":  # "my outlook is rosier2day": a word
        return
    if not _PROVIDER_MINE.search(lowered, max(0, start - 8), start):
        return
    handle = named.group(1).rstrip(".-")
    if _is_handle(handle) and handle not in _NOT_LOCAL and not _a_name(handle):
        yield "email", start, named.start(1) + len(handle)


# A vanity plate's letters ("my vanity plate reads KDNYWIN", "personalized plate: BEATCNCR";
# scan v43): no digit, which a plate's value otherwise needs. Typed in capitals after words that
# are not, or spelling no English word: "my vanity plate is funny" is none, in capitals too.
_VANITY_BEFORE = re.compile(r"(?:vanity|personali[sz]ed|custom)[ \t]{1,3}(?:licen[cs]e[ \t]{1,3})?\Z")
_VANITY_VALUE = re.compile(
    r"(?:[ \t]{1,3}(?:is|was|reads|read|says|said))?[ \t]*:?[ \t]{1,3}[\"“'‘]?([A-Za-z]{2,8})(?![\w'’-])"
)


def _vanity_plate(text: str, lowered: str, match: re.Match) -> Span | None:
    if not _VANITY_BEFORE.search(lowered, max(0, match.start() - 24), match.start()):
        return None
    value = _VANITY_VALUE.match(lowered, match.end())  # "READS" is a link word too
    if value is None:
        return None
    letters = text[value.start(1) : value.end(1)]
    # In capitals where the words before are not ("says HOPE"), or no English word at all.
    shouted = letters.isupper() and len(letters) > 2 and not text[match.start() : match.end()].isupper()
    if shouted or letters.lower() not in english_words():
        return value.span(1)
    return None


def _a_name(word: str) -> bool:
    from .identifier_names import first_names, surnames  # they import this module

    return word in first_names() or word in surnames()


def _handle_like(name: str) -> bool:
    """A run of letters that no word or name is ("carolmendes"): before "at gmail", a mail
    handle even with no "email" before it."""
    return _unworded(name) and not _a_name(name)


# After "username", "login", "screen name" or "handle": "MyChart login is dkwalsh".
_NAMED_HANDLE = re.compile(r"(?:[ \t]+(?:is|was)|[ \t]*[:=])?[ \t]{1,3}@?([A-Za-z][A-Za-z]{3,29})\b")


def _unworded(found: str) -> bool:
    """Five letters or more that are no English word, inflected or not ("janerecovers",
    "dkwalsh", "JaneRecovers"): a handle, where a platform or a login is named right before."""
    return len(found) >= 5 and found.isascii() and found.isalpha() and found.lower() not in english_words()


@functools.cache
def word_counts() -> dict[str, int]:
    """pyspellchecker's English list (160,000 words with their inflected forms: "locked",
    "deactivated", "photos") with how often each was seen, read once, when first needed (0.15 s)."""
    with resources.files("spellchecker").joinpath("resources/en.json.gz").open("rb") as raw:
        return json.loads(gzip.decompress(raw.read()))


@functools.cache
def english_words() -> frozenset[str]:
    """Every word of `word_counts`, and words it lacks that stories use of accounts; platforms'
    own names are no handle either."""
    return frozenset(word_counts()) | _MODERN_WORDS | {word.replace("\\s?", "") for word in _PLATFORMS.split()}


_MODERN_WORDS = frozenset(
    "covid selfie selfies vlog vlogs tiktoks reels livestream livestreams memes journaling "
    "telehealth cardio afib ekg ecg adhd ptsd hashimotos levothyroxine echocardiogram".split()
)


# Seven digits or more spelt out ("five five five, zero one four seven"), starting within the
# window after a phone's or (nine of them) a social security number's context word. Only there:
# a story may count "one, two, three, four, five, six, seven" breaths.
_DIGIT_WORD = "(?:zero|oh|one|two|three|four|five|six|seven|eight|nine)"
_BETWEEN_DIGITS = r"(?:[ \t]{0,2}[,.-][ \t]{0,2}|[ \t]{1,2})"
_SPELT_DIGITS = re.compile(
    rf"(?<![a-z]){_DIGIT_WORD}(?:{_BETWEEN_DIGITS}{_DIGIT_WORD}){{6,14}}(?![a-z])"
)
_DIGIT_WORDS = re.compile(_DIGIT_WORD)
_SPELT_LONGEST = 15 * 8  # fifteen digit words of at most five letters, each with its separator


# A phone number partly in digits and partly spelt out ("555 oh one nine nine"): groups of
# digits and digit words, seven digits or more in all, after a phone's context word.
_MIXED_DIGITS = re.compile(
    rf"(?<![\w.,-])(?:\d{{1,4}}|{_DIGIT_WORD})(?:{_BETWEEN_DIGITS}(?:\d{{1,4}}|{_DIGIT_WORD})){{1,14}}"
    r"(?![\w-]|[.,]\w)"
)


def _spelt_out(lowered: str, end: int, kind: str) -> tuple[int, int] | None:
    found = _SPELT_DIGITS.search(lowered, end, end + _WINDOW + _SPELT_LONGEST)
    if found is None or found.start() > end + _WINDOW:
        return _mixed_digits(lowered, end) if kind == "phone" else None
    digits = len(_DIGIT_WORDS.findall(found.group()))
    return found.span() if kind == "phone" or digits == 9 else None


_THREE_FIGURES = re.compile(r"\d{3}")


def _mixed_digits(lowered: str, end: int) -> tuple[int, int] | None:
    """A phone number written in digits and digit words, both, within the window after its
    context word: seven to fifteen digits, and no unit after it."""
    found = _MIXED_DIGITS.search(lowered, end, end + _WINDOW + _SPELT_LONGEST)
    if found is None or found.start() > end + _WINDOW:
        return None
    words = len(_DIGIT_WORDS.findall(found.group()))
    figures = sum(ch.isdigit() for ch in found.group())
    if not words or not _THREE_FIGURES.search(found.group()) or not 7 <= words + figures <= 15:
        return None  # "text me 10, 20, 30, one more time" has no group of a phone's
    return None if _UNIT_AHEAD.match(lowered, found.end()) else found.span()


# --- Numbers recognised by shape ----------------------------------------------------------

_SSN = re.compile(r"\d(?<!\d\d)\d\d([- ])\d{2}\1\d{4}")
_VIN = re.compile(r"[A-HJ-NPR-Z0-9][A-HJ-NPR-Z0-9]{16}")
# A Medicare Beneficiary Identifier, as CMS prints it on the card ("1EG4-TE5-MK73"): eleven
# characters in a fixed pattern of digits and capitals (no S, L, O, I, B or Z), the dashes
# optional. A shape no word or number has, so no context word is needed ("my card says ...").
_MBI_LETTER = "[AC-HJKMNP-RT-Y]"
_MBI = re.compile(
    rf"[1-9]{_MBI_LETTER}[0-9AC-HJKMNP-RT-Y]\d-?{_MBI_LETTER}[0-9AC-HJKMNP-RT-Y]\d-?{_MBI_LETTER}{{2}}\d\d"
)
_EXT = r"(?:\s{0,2}(?:x|ext\.?|extension)\s{0,2}\d{1,6})?"
_LINE = rf"\d{{3}}[\s.-]{{1,2}}\d{{4}}{_EXT}"  # exchange and line number
_AREA_LINE = rf"\(\d{{3}}\)[\s.-]{{0,2}}{_LINE}|\d{{3}}[\s.-]{{1,2}}{_LINE}|\(\d{{3}}\)\d{{7}}"
# Three branches, each starting with one character ("+", "(" or a digit) so that the engine
# skips ahead; after the first digit, look-behinds say which digit it was.
_PHONE = re.compile(
    rf"\+(?: ?1[\s.-]{{0,2}}(?:{_AREA_LINE}|[2-9]\d{{2}}[2-9]\d{{6}})"
    rf"|\d{{1,3}}(?: ?\(0\))?[\s.-]?\d{{1,5}}(?:[\s.-]?\d{{2,5}}){{2,4}})"
    rf"|\((?:\d{{3}}\)[\s.-]{{0,2}}{_LINE}|\d{{3}}\)\d{{7}})"
    rf"|\d(?<!\d\d)(?:(?<=0)01[\s.-]{{0,2}}(?:{_AREA_LINE})|(?<=1)[\s.-]{{0,2}}(?:{_AREA_LINE})"
    rf"|\d\d(?:[\s.-]{{1,2}}|/ ?){_LINE}|(?<=[2-9])\d\d[2-9]\d{{6}}|(?<=1)[2-9]\d\d[2-9]\d{{6}}"
    rf"|\d\d[-.]\d{{4}})"
)

# A phone number with letters for digits ("555-CALL-NOW", "1-800-FLOWERS", "(312) 555-HELP",
# "1-888-MY-CLINIC"): an area code in brackets, a toll-free code after "1-", or three digits,
# then groups of capitals and digits that make the seven a number has. A toll-free number
# may run on to nine ("MY-CLINIC") and be written in words with capitals ("1-800-Dentist");
# two groups or more and no unit first unless after "1-" ("800-CALORIE DIET", "200-YEAR-OLD"
# and "(200) RECORDS" are a measure or a count). Flagged whoever the number is: a business's
# toll-free number is no patient's, but a patient's own vanity number is, and the two have
# the same shape. The groups start with a letter or a digit after a "-", so nothing nests or
# backtracks. One character class first, then look-behinds for which it was: half the cost
# of three branches. Searched only in a text with a capital after a "-" (`_VANITY_HINT`, as
# all but a group starting with a digit after "1-800-" have): the search stops at every
# digit, which cost 1.5% of a scan; the hint, found from the "-", a fifth of that.
_VANITY_GROUP = r"(?:[A-Z][a-z]{1,7}|[A-Z0-9]{1,8})"
_VANITY = re.compile(
    r"[(1-9](?:(?<=\()(?P<area>[2-9]\d\d)\) ?|(?<=1)-(?P<free>8\d\d)-|(?<=[2-9])\d\d-)"
    rf"(?P<rest>{_VANITY_GROUP}(?:-{_VANITY_GROUP}){{0,3}})"
)
_VANITY_HINT = re.compile("-[A-Z]")
_TOLL_FREE = {"800", "833", "844", "855", "866", "877", "888"}


def _vanity(text: str, match: re.Match) -> bool:
    """Whether a `_VANITY` match is a phone number with letters: 7 letters and digits after
    its code (up to 9 after a toll-free one), 3 letters or more, standing alone."""
    rest = match.group("rest")
    groups = rest.split("-")
    after_one = match.group("free") is not None  # "1-800-FLOWERS"
    code = match.group("area") or match.group("free") or match.group()[:3]
    toll_free = code in _TOLL_FREE
    if code[1:] == "11":
        return False  # "911-HELP-NOW": an N11 code (211, 311 ... 911) is a service, never an area code
    characters = len(rest) - len(groups) + 1
    if not 7 <= characters <= (9 if toll_free else 7) or sum(ch.isalpha() for ch in rest) < 3:
        return False
    if not after_one and (len(groups) < 2 or _UNIT_AHEAD.match(text, match.start("rest"))):
        return False  # a measure or a count: "800-CALORIE DIET", "(200) RECORDS", "200-YEAR-OLD"
    if not toll_free and any(group[1:].islower() for group in groups):
        return False  # "250-Bed-Ward": words with capitals only after a toll-free code
    return _free_before(text, match.start(), ".-") and _free_after(text, match.end(), "-")


# A national number with its trunk "0", as most of the world outside North America writes a
# phone: "07700 900461" and "0161 496 0734" (UK), "0412 345 678" (Australia), "06 12 34 56 78"
# (France), "090-1234-5678" (Japan), "0151 2345 6789" (Germany), "06-12345678" (the
# Netherlands), or all ten digits run together. Ten to twelve digits in all: a date or a time
# range has fewer ("06.12.2024", "0800-1700"). Read with no phone's word before it: only such a
# word found them before (held-out corpus G of stop 50: "Thanks, 07700 900461." and "txt me
# 0412345678" were missed).
_TRUNK_PHONE = re.compile(r"0[1-9]\d{0,11}(?:(?: ?[.-] ?| {1,2}|/)\d{2,8}){0,5}(?!\d)")
# A Spanish mobile or landline read in pairs: "612 34 56 78", "912 34 56 78".
_PAIRED_PHONE = re.compile(r"[69]\d\d(?: \d\d){3}(?!\d)")


# Before a number that is a code, not a phone: a drug's NDC, a batch (anywhere in the six words
# before it); a code or a reference (just before it: "I used the code on the leaflet and rang
# 0161 496 0734" is a phone).
_CODE_WORDS = {"ndc", "lot", "batch", "sku", "isbn", "cpt", "icd"}
_NEAR_CODE_WORDS = {"code", "ref", "reference", "item", "model"}
# Before a row of numbers that are measures or a count, not a phone ("My PHQ-9 scores since May:
# 09 07 05 03 02", "Cycle days 01 05 09 14 21", "My pulse on the monitor read 065 072 068 070").
_MEASURED_WORDS = {"score", "scores", "reading", "readings", "level", "levels", "result", "results", "value",
                   "values", "pulse", "weight", "weights", "days", "weeks", "cycle", "cycles", "doses", "dose"}
_GROUP_SEPARATOR = re.compile(r"\D+")
# A measure after the number ("025 050 075 100 mcg"), or a count of days ("01 02 04 08 16 days");
# not a time word alone, which a phone may stand before ("answers on 06 12 34 56 78 day or night").
_MEASURE_AHEAD = re.compile(r"(?i)\s?(?:%|mg|mcg|µg|g\b|kg|lbs?\b|ml|cc\b|iu\b|units?\b|bpm|mm|cm|steps|k?cal"
                            r"|°|points?\b|tablets|pills|days\b|weeks\b|months\b|hours\b|minutes\b|times\b)")


def _phone_shaped(text: str, match: re.Match) -> bool:
    """Whether a `_TRUNK_PHONE` or `_PAIRED_PHONE` match is written as a phone is, not as times,
    doses, dates, scores or a count (stop 50's red teams I and J: "at 08.00 12.00 18.00", "at
    0600 1400 2200", "025 050 075 100 mcg", "01/02/24-03/04/24", "weeks 06 07 08 09 10",
    "scores 09 07 05 03 02", "NDC 0781-1506-10" were read as phones): one separator throughout,
    no measure after it, no code's or measure's word before it, not a run of numbers counting
    up or (each as long) down, not times of day (every group four digits, each an hour and minutes), and not
    zero-padded values (two groups after the first that are short and start with 0: a phone
    has its trunk "0" first, a London number's last four digits may start with one)."""
    found = match.group()
    separators = {part.strip() or " " for part in _GROUP_SEPARATOR.findall(found)}
    if len(separators) > 1 or _MEASURE_AHEAD.match(text, match.end()):
        return False
    before = [word.strip(",:#").lower() for word in _words_before(text, match.start(), 6)]
    if _CODE_WORDS.intersection(before) or _MEASURED_WORDS.intersection(before):
        return False
    if _NEAR_CODE_WORDS.intersection(before[-2:]):
        return False
    written = re.findall(r"\d+", found)
    groups = [int(group) for group in written]
    steps = list(itertools.pairwise(groups))
    counting_down = len({len(group) for group in written}) == 1 and all(b < a for a, b in steps)
    if len(groups) > 2 and (all(b == a + 1 for a, b in steps) or counting_down):
        return False
    if len(written) > 1 and all(len(group) == 4 and group[:2] < "24" and group[2:] < "60" for group in written):
        return False
    if sum(len(group) <= 3 and group.startswith("0") for group in written[1:]) >= 2:
        return False
    return _free_before(text, match.start(), "+.,$:/-") and _free_after(text, match.end(), "-")


def _trunk_phone(text: str, match: re.Match) -> bool:
    digits = sum(ch.isdigit() for ch in match.group())
    return 10 <= digits <= 12 and _phone_shaped(text, match)


def shaped_numbers(text: str) -> Iterator[Span]:
    """SSNs, VINs, phone and Medicare numbers: shapes that mean one thing wherever they stand."""
    for match in _SSN.finditer(text):
        free = _free_before(text, match.start(), "-") and _free_after(text, match.end(), "-")
        if free and not match.group().startswith("000"):
            yield "ssn", *match.span()
    for match in _VIN.finditer(text):
        found = match.group()
        free = _free_before(text, match.start(), "-") and _free_after(text, match.end(), "-")
        if free and not found.isdigit() and not found.isalpha():
            yield "vehicle-id", *match.span()
    for match in _PHONE.finditer(text):
        start, end = match.span()
        if _free_before(text, start, "+.,$:/-") and _free_after(text, end, "-"):
            yield "phone", start, end
    for match in _TRUNK_PHONE.finditer(text):
        if _trunk_phone(text, match):
            yield "phone", *match.span()
    for match in _PAIRED_PHONE.finditer(text):
        if _phone_shaped(text, match):
            yield "phone", *match.span()
    for match in _VANITY.finditer(text) if _VANITY_HINT.search(text) else ():
        if _vanity(text, match):
            yield "phone", *match.span()
    for match in _MBI.finditer(text):
        if _free_before(text, match.start(), "-") and _free_after(text, match.end(), "-"):
            yield "record-number", *match.span()


# --- Dates and ages -----------------------------------------------------------------------

_NUMERIC_DATE = re.compile(r"\d(?<!\d\d)\d{0,3}([/.-])\d{1,2}\1\d{2,4}")
# A month typed in lower case in a sentence that has capitals ("My surgery was on june 9",
# "the 3rd of feb"): as_written reads only sentences without any. "may" and "mar" are words
# ("the 2nd may be worse"). After a day the month is matched as part of `_DAY_MONTH`; before
# one, from the day (`_LOWER_MONTH_BEFORE`): a lower-case month is found from the digits, which
# a story has fewer of than letters, so the search costs no more than the digits already did.
_MONTH_LOWER = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|march|apr(?:il)?|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_MONTH_ENDS = "(?:ry|ch|pr|il|un|ne|ul|ly|ug|st|ep|pt|er|ct|ov|ec|an|eb|of|he)"  # and "of", "the"
_DAY_MONTH = re.compile(
    rf"\d(?<!\d\d)(?:\d?(?:(?:st|nd|rd|th)?\s{{1,3}}(?:of\s{{1,3}})?(?:{_MONTH}|{_MONTH_LOWER}\.?)"
    rf"(?![\w])(?:,?\s{{1,3}}{_YEAR}(?![\w:]))?|[-/ ]{_MONTH}[-/ ](?:\d{{4}}|\d{{2}})(?!\w))"
    # A day or a year after a word ending as a month does (group 1): a month typed in lower
    # case, if `_LOWER_MONTH_BEFORE` says so.
    rf"|(?:(?<={_MONTH_ENDS} \d)|(?<={_MONTH_ENDS}\. \d))"
    rf"((?:\d(?:st|nd|rd|th)?|st|nd|rd|th|\d{{3}})?)(?![\w:])"
    rf"(?:,?\s{{1,3}}{_YEAR}(?![\w:]))?)"
)
_LOWER_MONTH_BEFORE = re.compile(
    rf"(?<![\w-]){_MONTH_LOWER}\.?\s{{1,3}}(?:(?:the|of)\s{{1,3}})?\Z"
)
# "September of 2019" is "September 2019".
_MONTH_DAY = re.compile(
    rf"{_MONTH}(?:\s{{1,3}}{_DAY}(?![\w:])(?:,?\s{{1,3}}{_YEAR}(?![\w:]))?"
    rf"|,?\s{{1,3}}(?:(?i:of)\s{{1,3}})?(?:1[89]\d\d|20\d\d)(?![\w:])"
    # "Aug '22": a month and a two-digit year
    r"|\s{1,3}['’]\d\d(?![\w:'’]))"
)
# A day written as a word: "March the fourteenth", "the first of May".
_ORDINAL_UNITS = "first|second|third|fourth|fifth|sixth|seventh|eighth|ninth"
_ORDINAL = (
    rf"(?i:twenty[\s-]?(?:{_ORDINAL_UNITS})|thirty[\s-]?first|{_ORDINAL_UNITS}|tenth|eleventh|"
    r"twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|"
    r"twentieth|thirtieth)"
)
# Both found from the month (0.4 a story), which the regex engine finds fast; the day is read
# after it ("March the third") or before it ("the third of March").
_MONTH_NAME = re.compile(_MONTH)
# "November the 5th" as "November the fifth" ("November 5th" is `_MONTH_DAY`'s).
_ORDINAL_AFTER = re.compile(
    rf"\s{{1,3}}(?:(?:(?i:the)\s{{1,3}})?{_ORDINAL}"
    r"|(?i:the)\s{1,3}(?:[12]\d|3[01]|[1-9])(?i:st|nd|rd|th))(?![\w-])"
)
_ORDINAL_OF = re.compile(rf"(?<![\w-]){_ORDINAL}\s{{1,3}}(?i:of)\s{{1,3}}\Z")
# A holiday of one day with its year: "on Christmas Day in 1998", "Thanksgiving 2019". Found
# from the year (rarer than any letter), the holiday read in the words before it.
_YEAR_ALONE = re.compile(r"[12](?<![\d'][12])(?:[89]\d\d(?<=1...)|0\d\d(?<=2...))(?![\w:])")
_HOLIDAY_BEFORE = re.compile(
    r"(?<![\w-])(?i:(?:christ|x-?)mas(?:\s(?:day|eve|morning|night|evening|afternoon))?|"
    r"new\syear['’]?s(?:\s(?:day|eve))|"
    r"thanksgiving(?:\s(?:day|morning|night|evening|afternoon))?|"
    r"easter(?:\s(?:sunday|morning))?|halloween(?:\snight)?|independence\sday|"
    r"valentine['’]?s\sday|mother['’]?s\sday|"
    r"father['’]?s\sday|memorial\sday|labor\sday|veterans['’]?\sday|juneteenth|good\sfriday|"
    r"boxing\sday|st\.?\spatrick['’]?s\sday|election\sday|the\sfourth\sof\sjuly)"
    r",?\s{1,3}(?:(?:in|of)\s{1,3})?\Z"
)
# "the morning of March fifteenth": after "of", an ordinal right after its month that is no
# adverb ("the end of March first results came", "of May second opinions" are not days).
_ORDINAL_DAY_AFTER_OF = set(
    """
    fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth fourteenth
    fifteenth sixteenth seventeenth eighteenth nineteenth twentieth thirtieth twenty
    twenty-first twenty-second twenty-third twenty-fourth twenty-fifth twenty-sixth
    twenty-seventh twenty-eighth twenty-ninth thirty-first
    """.split()
)
# "In March the second round began": the month a time, the ordinal not its day.
_MONTH_AS_TIME = {
    "in", "during", "throughout", "through", "last", "next", "this", "that", "early", "late", "mid",
    "every", "each", "of",
}  # fmt: skip
# A month and day ("on 3/14"), or a month and year ("diagnosed 09/2019", as "September 2019").
_SHORT_DATE = re.compile(r"\d(?<!\d\d)\d?/(?:\d\d?|(?:19|20)\d\d)(?![\d/])")
_SHORT_DATE_BEFORE = {
    "on", "since", "until", "by", "born", "dated", "admitted", "discharged",
    # A chart's labels, as a story copies them (scan v44, stop 48's red team): "Admitted: 03/03.
    # Discharged: 03/09.", "Admission 3/3; discharge 3/9", "Died 3/9", "My surgery date: 1/5".
    "admitted:", "discharged:", "admission", "admission:", "discharge", "discharge:", "d/c", "d/c:",
    "died", "died:", "date:",
    "dob", "dob:", "d.o.b.", "d.o.b.:", "birthday", "birthday:", "birthdate", "birthdate:",
    "birthday,", "anniversary,",  # "My birthday, 8/14, I spent in the ICU"
} | DAYS | {f"{day}," for day in DAYS}  # "The scan was on Tuesday 5/2"
# After a weekday or "birthday," a fraction or a score is more often meant than after "on":
# "Friday 3/4 of the staff", "Monday 1/2 a tablet", "Tuesday 8/10 pain".
_SHORT_DATE_FRACTION_CUES = DAYS | {f"{day}," for day in DAYS} | {"birthday,", "anniversary,"}
_FRACTION_AFTER = re.compile(
    r"(?i)\s{1,2}(?:of|a|an|cup|cups|tsp|tbsp|teaspoons?|tablespoons?|tabs?|tablets?|pills?|"
    r"doses?|majority|pain|vision|odds|chance|split)\b|(?<=/10)"
)
# "My birthday is 9/14": a short date after "is" or "was" only after these ("my pain was 8/10").
_BIRTHDAY_WORDS = {"birthday", "birthdate", "dob", "d.o.b.", "anniversary"}

_AGE_NUMBER = re.compile(r"\d(?<!\d\d)\d\d?(?!\d)")
_AGE_WORD = re.compile(
    r"(?:ninety|Ninety)(?:[\s-](?:one|two|three|four|five|six|seven|eight|nine))?"
    r"|nonagenarians?|Nonagenarians?|nineties|Nineties|(?:one|One|a|A)\s{1,3}hundred"
    r"|centenarians?|Centenarians?"
)
_AGE_AFTER = re.compile(
    r"(?i)(?:[\s-]{1,2}(?:years?|yrs?)[\s-]{1,2}(?:old|young)|[\s-]{1,2}year[\s-]old|"
    r"(?:st|nd|rd|th)\s{1,3}birthday|"
    r"\s{1,2}years\s{1,2}of\s{1,2}age)\b"
)
# "her ninety-first birthday", "his ninetieth birthday": an ordinal age in words ("91st
# birthday" is a number with `_AGE_AFTER`).
_ORDINAL_AGE_WORD = re.compile(
    rf"(?<![\w-])(?i:ninetieth|ninety[\s-](?:{_ORDINAL_UNITS})|(?:one\s)?hundredth)"
    r"\s{1,3}(?i:birthday)\b"
)
# "in my ninety-third year", "in her 97th year": a year of life over 89, read back from the
# "year" after it (found with str.find, which a story costs little).
_YEAR_OF_LIFE = re.compile(
    r"(?<![\w-])(?i:in)\s{1,3}(?i:my|his|her|their)\s{1,3}("
    rf"(?i:ninetieth|ninety[\s-](?:{_ORDINAL_UNITS})|(?:one\s{{1,3}}|a\s{{1,3}})?hundredth)"
    r"|(?:9\d|1[01]\d)(?:st|nd|rd|th))\s{1,3}\Z"
)
# A birth year that makes the writer 90 or older this year (Safe Harbor: "all elements of dates,
# including year, indicative of age over 89"): "born in 1931", "Born 1934,", "born in the
# spring of 1930". The limit is `identifiers.BIRTH_YEAR_OF_NINETY`, which the scan's cache
# key carries, so a year's turn rescans every story once.
_BORN_YEAR = re.compile(
    r"(?<![\w-])(?i:born)(?:,?\s{1,3}(?i:in|during)\s{1,3}|,?\s{1,3})"
    r"(?:(?i:the)\s{1,3}(?i:spring|summer|fall|autumn|winter)\s{1,3}(?i:of)\s{1,3})?"
    r"(1[89]\d\d)(?![\w:])"
)
# "born in '32": a two-digit year is a birth year of 90 or more only where it cannot be this
# century's ("born in '21" is a child's), so only years after this one's two digits, up to
# `BIRTH_YEAR_OF_NINETY`'s.
_BORN_SHORT_YEAR = re.compile(
    r"(?<![\w-])(?i:born)(?:,?\s{1,3}(?i:in|during)\s{1,3}|,?\s{1,3})['’](\d\d)(?![\w'’])"
)
# "At 92 I didn't", and "at 92 i didn't" as a story typed without capitals has it.
_AGE_AT_AFTER = re.compile(r",|\s+(?:[Ii](?!\.\w)|he|she|we|my|his|her|and|when)\b")
# "Still gardening at 92!", "still dancing at 94." (scan v44, stop 48's red team): a sentence
# ending on the age, after "still".
_AGE_AT_END = re.compile(r"\s{0,2}(?:[.!]|\Z)")
# A reading is at a number too ("my oxygen was at 92 when they checked", "my pulse at 110 and
# rising": scan v44's clean sentences), and is no one's age.
_MEASURED = frozenset({
    "oxygen", "o2", "spo2", "sats", "sat", "saturation", "pulse", "rate", "sugar", "sugars", "glucose",
    "a1c", "pressure", "bp", "weight", "temp", "temperature", "level", "levels", "reading", "readings",
    "score", "count", "hr", "percent", "dose", "speed",
})  # fmt: skip
_AGE_WORDS = {
    "am", "i'm", "i’m", "be", "being", "turn", "turned", "turning", "aged", "age", "reached",
    "pushing",
}  # fmt: skip
# "My mother died at 99", "she passed away at 94": the words before "at" that say the number
# is an age at death (with a person before them, `_died_at`).
_DEATH_WORDS = {"died", "passed", "away", "peacefully"}
# After an age at death: the sentence or clause ends, or it goes on about the death; not a time
# ("at 100 mph") or a street ("at 100 Main").
_DIED_AT_AFTER = re.compile(
    r"\s{0,2}(?:[.,;:!?)]|\Z)|\s{1,2}(?:in|on|after|from|of|with|surrounded|when|while|and|"
    r"peacefully|quietly|years|last|this|at\s{1,2}home)\b"
)
# "Dad celebrated his 95th": an ordinal age without "birthday", after the celebrating and
# ending the clause ("we celebrated my 100th chemo session" is a count).
# Found from the ordinal (digits are rarer than letters), the celebrating read before it.
_ORDINAL_AGE = re.compile(
    r"9(?<![\w-]9)\d(?:st|nd|rd|th)|1(?<![\w-]1)[01]\d(?:st|nd|rd|th)"
)
_ORDINAL_AGE_END = re.compile(
    r"\s{0,2}(?:[.,;:!?)]|\Z)|\s{1,2}(?:in|at|with|on|last|this|surrounded|and|by|together)\b"
)
_CELEBRATED_BEFORE = re.compile(
    r"(?<![\w-])(?i:celebrat(?:e|es|ed|ing)|mark(?:s|ed)?)\s{1,2}(?i:his|her|my|their|our)\s{1,2}\Z"
)
# "My uncle is almost 93": a word between the age's context and the number ("over 100" is a
# reading more often than an age, so not "over").
_AGE_ADVERBS = {"almost", "nearly", "about", "just", "already", "now", "barely"}
# "a spry 94", "a feisty 101": an adjective of old age between "a" and the number.
_AGE_ADJECTIVES = {
    "spry", "sprightly", "feisty", "youthful", "spirited", "lively", "vigorous", "robust",
    "young", "vibrant",
}  # fmt: skip
_PERSON_WORDS = {
    "i",
    "he",
    "she",
    "who",
    "mom",
    "mum",
    "mother",
    "dad",
    "father",
    "husband",
    "wife",
    "grandma",
    "grandpa",
    "grandmother",
    "grandfather",
    "aunt",
    "uncle",
    "sister",
    "brother",
    "son",
    "daughter",
    "patient",
    "neighbor",
    "neighbour",
    "friend",
} | set(
    # Relations a family history names an age after ("my granddad is ninety-four", "my
    # father-in-law, now 97"): what grandparents are called, great-, step- and in-laws.
    """
    granny gran nan nanna nana grandad granddad grandmom grampa gramps great-grandmother
    great-grandfather great-grandma great-grandpa great-granny great-aunt great-uncle
    mother-in-law father-in-law stepmom stepmother stepdad stepfather
    babcia dziadek nonna nonno abuela abuelo abuelita abuelito oma opa bubbe zayde yiayia lola lolo
    """.split()
)


def _plausible_date(found: str) -> bool:
    """A numeric date has a month and a day in range, year first or last."""
    parts = re.split(r"[/.-]", found)
    if len(parts[0]) == 4:
        return 1 <= int(parts[1]) <= 12 and 1 <= int(parts[2]) <= 31 and len(parts[2]) <= 2
    if len(parts[0]) == 3 or len(parts[2]) == 3:
        return False
    first, second = int(parts[0]), int(parts[1])
    return (1 <= first <= 12 and 1 <= second <= 31) or (1 <= second <= 12 and 1 <= first <= 31)


def dates(text: str) -> Iterator[Span]:
    """Dates more specific than a year: a day, or a month with its year."""
    for match in _NUMERIC_DATE.finditer(text):
        free = _free_before(text, match.start(), "/.-") and _free_after(text, match.end(), "/")
        if free and _plausible_date(match.group()):
            yield "date", *match.span()
    for pattern in (_DAY_MONTH, _MONTH_DAY):
        for match in pattern.finditer(text):
            start = match.start()
            if pattern is _DAY_MONTH and match.group(1) is not None:
                month = _LOWER_MONTH_BEFORE.search(text, max(0, start - 16), start)
                if month is None or _UNIT_AHEAD.match(text, match.end(1)):
                    continue  # "took 2 pills", "march 5 miles"
                start = month.start()
            day = re.search(r"\d+", text[match.start() : match.end()])
            if _free_before(text, start) and (
                len(day.group()) == 4 or len(day.group()) <= 2 and 1 <= int(day.group()) <= 31
            ):
                yield "date", start, match.end()
    for month in _MONTH_NAME.finditer(text):
        start, end = month.span()
        touching = end < len(text) and (text[end].isalnum() or text[end] in "_-")  # "Mayor"
        if touching or not _free_before(text, start):
            continue
        day = _ORDINAL_AFTER.match(text, end)
        before = set(_words_before(text, start, 1))
        # "the morning of March fifteenth": after "of", a day written right after its month
        if day is not None and (
            not before & _MONTH_AS_TIME
            or (before == {"of"} and day.group().split()[0].lower() in _ORDINAL_DAY_AFTER_OF)
        ):
            yield "date", start, day.end()
        day = _ORDINAL_OF.search(text, max(0, start - 32), start)
        if day is not None:
            yield "date", day.start(), end
    for match in _YEAR_ALONE.finditer(text):
        holiday = _HOLIDAY_BEFORE.search(text, max(0, match.start() - 32), match.start())
        if holiday is not None:
            yield "date", holiday.start(), match.end()
    for match in _SHORT_DATE.finditer(text):
        month, day = (int(part) for part in match.group().split("/"))
        if not _free_before(text, match.start(), "/.-") or not 1 <= month <= 12:
            continue
        if day > 1000:  # a month and its year
            if not _UNIT_AHEAD.match(text, match.end()):
                yield "date", *match.span()
        elif day >= 1:
            before = _words_before(text, match.start(), 3)
            if before and before[-1] in _SHORT_DATE_FRACTION_CUES and _FRACTION_AFTER.match(
                text, match.end()
            ):
                continue  # "on Friday 3/4 of the staff", "Sunday 1/4 cup of oats"
            if before and before[-1] in _SHORT_DATE_BEFORE or (
                len(before) > 1 and before[-1] in ("is", "was") and before[-2] in _BIRTHDAY_WORDS
            ):
                yield "date", *match.span()


# Every match of `_AGE_WORD` holds one of these ("one hundred", "Ninety", "nonagenarian"):
# a text holding none has no match, found by `str.find` at a tenth of the regex's cost.
_AGE_WORD_PARTS = ("ninet", "Ninet", "onagenarian", "hundred", "entenarian")


def ages(text: str) -> Iterator[Span]:
    """Ages over 89, which Safe Harbor counts as identifying."""
    for match in _AGE_NUMBER.finditer(text):
        start, end = match.span()
        if 90 <= int(match.group()) <= 119 and _free_before(text, start, ".-"):
            if text[end : end + 1] in ("s", "S") and _free_after(text, end + 1):
                if _in_my(text, start):  # "in my 90s", "IN MY MID 90S", not "in the 90s"
                    yield "age", start, end + 1
            elif _AGE_AFTER.match(text, end) or (
                _free_after(text, end) and _age_context(text, start, end)
            ):
                yield "age", start, end
    for match in _AGE_WORD.finditer(text) if any(part in text for part in _AGE_WORD_PARTS) else ():
        start, end = match.span()
        found = match.group().lower()
        if not _free_before(text, start):
            continue
        if _AGE_AFTER.match(text, end) or found.startswith(("nonagenarian", "centenarian")):
            yield "age", start, end
        elif not _free_after(text, end):
            continue
        elif found == "nineties":
            if _in_my(text, start):
                yield "age", start, end
        elif _age_context(text, start, end):
            yield "age", start, end
    for word in ("year", "Year"):  # "YEAR" is read as "Year" in a run typed in capitals
        at = text.find(word)
        while at != -1:
            # after an ordinal: "ninetieth", "hundredth", "93rd", "91st", "92nd"
            if text[at - 3 : at - 1] in ("th", "st", "nd", "rd") and _free_after(text, at + 4):
                found = _YEAR_OF_LIFE.search(text, max(0, at - 48), at)
                if found is not None:
                    yield "age", *found.span(1)
            at = text.find(word, at + 4)
    for match in _ORDINAL_AGE.finditer(text):
        start, end = match.span()
        if _ORDINAL_AGE_END.match(text, end) and _CELEBRATED_BEFORE.search(
            text, max(0, start - 32), start
        ):
            yield "age", start, end
    if "irthday" in text or "IRTHDAY" in text:
        for match in _ORDINAL_AGE_WORD.finditer(text):
            yield "age", *match.span()
    if "born" in text or "Born" in text or "BORN" in text:
        for match in _BORN_YEAR.finditer(text):
            if int(match.group(1)) <= BIRTH_YEAR_OF_NINETY:
                yield "age", *match.span()
        for match in _BORN_SHORT_YEAR.finditer(text):
            year = int(match.group(1))
            if 2000 + year > BIRTH_YEAR_OF_NINETY + 89 and 1900 + year <= BIRTH_YEAR_OF_NINETY:
                yield "age", *match.span()


def _in_my(text: str, start: int) -> bool:
    """After "in my" ("in my 90s"), or "in my early", "mid", "late" ("in her late nineties")."""
    if text[max(0, start - 4) : start].lower() == "mid-":  # "in her mid-nineties"
        start -= 4
        words = [*_words_before(text, start, 2), "mid"]
    else:
        words = _words_before(text, start, 3)
    if words and words[-1] in ("early", "mid", "late"):
        words = words[:-1]
    else:
        words = words[-2:]
    return len(words) >= 2 and words[-2] == "in" and words[-1] in ("my", "his", "her", "their", "our")


def _age_context(text: str, start: int, end: int) -> bool:
    """Whether the words before a number say it is someone's age, and no unit follows it."""
    if _UNIT_AHEAD.match(text, end):
        return False
    words = _words_before(text, start, 4)
    if words and words[-1] in _AGE_ADVERBS:
        words = words[:-1]
    last = words[-1] if words else ""
    previous = words[-2] if len(words) > 1 else ""
    after = text[end : end + 1]
    return (
        # "Mom, 91, still gardens", "my dad (94) moved in": the age set off after the person
        (last[-1:] == "," and last[:-1] in _PERSON_WORDS and after == ",")
        or (last[-1:] == "(" and (last[:-1] or previous) in _PERSON_WORDS and after == ")")
        or (last[:1] == "(" and last[1:] in _AGE_WORDS)  # "my dad (age 94)"
        or (last[-1:] == ":" and last[:-1] in ("age", "aged"))  # "age: 92", a form's label
        or
        last in _AGE_WORDS
        or (last == "was" and previous == "i")
        or (last in _AGE_ADJECTIVES and previous == "a")
        or (last in ("is", "was") and (previous in _PERSON_WORDS or _capitalised(text, start)))
        or (last.endswith(("'s", "’s")) and last[:-2] in _PERSON_WORDS)
        or (last == "to" and previous in ("lived", "live", "it"))
        or (last == "of" and previous in ("woman", "man", "lady", "gentleman", "age"))  # age of 93
        or (last == "at" and not _MEASURED.intersection(words) and (
            bool(_AGE_AT_AFTER.match(text, end))
            or ("still" in _words_before(text, start, 5) and bool(_AGE_AT_END.match(text, end)))))
        or (last == "at" and _died_at(_words_before(text, start, 7)[:-1]) and bool(_DIED_AT_AFTER.match(text, end)))
        # "im 94" typed without its apostrophe; "IM" is an injection ("IM 90 units")
        or (last == "im" and text[max(0, start - 4) : start].rstrip()[-2:] in ("im", "Im"))
    )


def _died_at(words: list[str]) -> bool:
    """Whether `words` (lower case, before "at") end with a death ("died", "passed away")
    after a person ("my mother died", "Grandpa passed away peacefully")."""
    if not words or words[-1] not in _DEATH_WORDS:
        return False
    person = [word.strip(",.").removesuffix("'s").removesuffix("’s") for word in words[:-1]]
    return bool(_PERSON_WORDS.intersection(person))


def _capitalised(text: str, start: int) -> bool:
    """Whether the word two before `start` is a capitalised name ("Rosa is 92")."""
    words = text[max(0, start - _WINDOW) : start].split()
    return len(words) >= 2 and words[-2][:1].isupper() and words[-2][1:].islower()


# --- Street addresses and ZIP codes -------------------------------------------------------

_NAME_WORD = r"(?:[A-Z][\w'’.-]{0,30}|\d{1,3}(?:st|nd|rd|th))"
_SUFFIX = "|".join(sorted(STREET_SUFFIXES, key=len, reverse=True))
_SUFFIX_ALONE = "|".join(sorted(STREET_SUFFIXES_ALONE, key=len, reverse=True))
# A house number may hold a capital O typed for a zero between its digits ("4O1 Hawthorne Way").
_STREET = re.compile(
    r"\d(?<!\d\d)(?:\d|O(?=\d)){0,5}[A-Za-z]?\s{1,2}(?:[NSEWnsew]\.?\s{1,2}|(?:North|South|East|West|north|south|east|west)\s{1,2})?"
    rf"(?:{_NAME_WORD}\s{{1,2}}){{0,3}}{_NAME_WORD}\s{{1,2}}(?:{_SUFFIX})\b\.?"
)
# A street typed in lower case ("1412 elm street", "77 harbor view ave", "3307 e. lincoln
# hwy", "1234 s. 4th st.", "12 quill court", "45 chestnut ct"): one or two words or a numbered street, after a compass point or
# not, between the number and a suffix that ends little but a street, none of them a word
# that a count of things goes on with ("a 2 lane road", "3 blocks down the street", "a 2 way
# street", "3 nights st. joseph's").
_STREET_LOWER = re.compile(
    r"\d(?<!\d\d)\d{0,5}\s{1,2}(?:[nsew]\.?\s{1,2})?"
    r"((?:(?:[a-z][a-z'’-]{1,20}|\d{1,3}(?:st|nd|rd|th))\s{1,2}){1,2})"
    r"(?:street|st|avenue|ave|road|rd|drive|lane|ln|boulevard|blvd|terrace|terr|parkway|pkwy|"
    r"highway|hwy|court|ct|place|way|circle|cir|trail|crescent)\b\.?"
)
# A home's size before "place" or "house" ("we rented a 2 bedroom place", "a 1 floor place",
# "a 3 Bedroom Place" as a run in capitals is read): a count of rooms, floors or cars, no street.
_SIZE_WORDS = frozenset(
    """
    bedroom bedrooms bed beds bdrm br bathroom bathrooms bath baths room rooms floor floors
    story stories storey storeys level levels car garage family unit units acre acres
    """.split()
)
_NOT_STREET_NAME = {
    "the", "a", "an", "my", "our", "your", "his", "her", "their", "this", "that", "these", "those",
    "and", "or", "of", "to", "on", "in", "at", "from", "by", "down", "up", "across", "along",
    "over", "more", "other", "few", "different", "way", "lane", "dirt", "gravel", "busy", "same",
    "next", "last", "each", "every", "blocks", "block", "doors", "houses", "streets", "roads",
    # a count of time or of times before "st." ("3 nights st. joseph's", "2 times st louis")
    "minutes", "hours", "days", "nights", "weeks", "months", "years", "times", "visits", "trips",
    "am", "pm", "a.m.", "p.m.",
    # a place in a race or a count before "way" or "place" ("came 2 first place", "a 3 way call")
    "first", "second", "third", "one", "two", "three", "four",
} | _SIZE_WORDS  # fmt: skip
# Where someone lives, with a house number and no suffix: "We live at 1412 Elm". Or a home
# named before them (group "home"): "the yellow house on 1412 Birch", "our farm at 2210
# Holloway", with two digits or more and no day or month after them ("the house on 3 Mondays
# a month"); not "home", which a discharge goes with ("went home on 40 Lasix"). Found from
# the number (a search that starts with a digit skips ahead; one that starts with a word in
# any case stops at every letter, which cost a story more than the rest of `addresses`),
# then the words before it read back (`_LIVES_BEFORE`).
_LIVES_AT = re.compile(
    r"\d(?<=\s\d)\d{0,5}[A-Z]?\s{1,2}(?:[NSEW]\.?\s{1,2})?([A-Z][a-z'’-]{1,30})(?![\w'’-])"
)
_LIVES_BEFORE = re.compile(
    r"(?<![\w'’-])(?i:live|lives|lived|living|stay|stays|stayed|staying|moved|address\s+is"
    r"|(?P<home>house|place|farm|ranch|cabin|trailer|apartment|condo|duplex))"
    r"\s{1,2}(?i:at|on)\s{1,2}\Z"
)
# Where a clinic, not a patient, is: "The walk-in clinic is on Elm Street", "the pharmacy on
# Main Street" (read from the three words before "on", "'s" dropped: "the clinic's lab").
_FACILITY_WORDS = {
    "clinic", "clinics", "office", "offices", "pharmacy", "hospital", "entrance", "lab",
    "practice", "center", "centre", "campus", "branch",
}  # fmt: skip
_LAND_MEASURES = {"acre", "acres", "hectare", "hectares"}


def _a_facility_on(text: str, start: int) -> bool:
    """Whether "on <street>" at `start` says where a clinic is ("the pharmacy on Main Street"),
    and not where someone lives: "my house near the clinic on Elm Street" is still a home."""
    words = [word.strip(",.").removesuffix("'s").removesuffix("’s") for word in _words_before(text, start, 8)]
    return bool(_FACILITY_WORDS.intersection(words[-3:])) and not _HOME_WORDS.intersection(words)
_STREET_ON = re.compile(rf"on\s(?:[A-Z][a-z'’-]{{1,30}}\s{{1,2}}){{1,3}}(?:{_SUFFIX_ALONE})\b")
# "We live on Elm St. near the park", "our house is on Oak Dr." (scan v44, stop 48's red team):
# the short suffixes that also write a title ("St. Luke's", "Dr. Patel") count where no name
# follows them ("on Tuesday Dr. Patel called" is none).
_STREET_ON_SHORT = re.compile(
    r"on\s(?:[A-Z][a-z'’-]{1,30}\s{1,2}){1,3}(?:St|Dr|Ct|Pl)\b(?!\.?\s{1,2}[A-Z])"
)
# In lower case after living on it: "i live on elm st by the old mill" ("living on easy street"
# is an idiom).
_LIVES_ON_LOWER = re.compile(
    r"liv(?:e|es|ed|ing)\s{1,2}on\s{1,2}(?!easy\s)([a-z][a-z'’-]{1,20})\s{1,2}"
    r"(?:st|dr|ct|pl|street|avenue|ave|road|rd|drive|lane|ln|boulevard|blvd|court|place|terrace|circle|trail)\b"
)
# A house number spelt out after "at": "we live at forty Elm Road", "at twenty-two Maple Street".
_SPELT_NUMBER = (
    r"(?:zero|oh|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|"
    r"ninety|hundred|thousand)"
)
_STREET_SPELT = re.compile(
    rf"(?<![\w-])at\s{{1,2}}((?i:{_SPELT_NUMBER})(?:(?:[\s-]{{1,2}}|\s{{1,2}}and\s{{1,2}})(?i:{_SPELT_NUMBER})){{0,5}}"
    r"\s{1,2}(?:[NSEW]\.?\s{1,2}|(?:North|South|East|West)\s{1,2})?"
    rf"(?:{_NAME_WORD}\s{{1,2}}){{0,3}}{_NAME_WORD}\s{{1,2}}(?:{_SUFFIX})\b\.?)"
)
# A street corner: "at the corner of 5th and Main", "the intersection of Elm and Oak", or "at
# Peachtree and 10th", where one street is numbered (without that, "at Mom and Dad's" and "at
# Christmas and Easter" read alike). Found from "corner"/"intersection" or from the ordinal.
_CORNER_STREET = rf"(?:[A-Z][a-z'’]{{2,20}}|\d{{1,3}}(?:st|nd|rd|th))(?:\s{{1,2}}(?:{_SUFFIX_ALONE}|St|Ave)\.?)?"
_CORNER = re.compile(
    rf"(?<![\w-])(?i:corner|intersection)\s{{1,2}}of\s{{1,2}}({_CORNER_STREET})"
    rf"\s{{1,2}}(?:and|&)\s{{1,2}}({_CORNER_STREET})(?![\w'’-])"
)
_AT_CORNER = re.compile(
    rf"(?<![\w-])at\s{{1,2}}({_CORNER_STREET})\s{{1,2}}(?:and|&)\s{{1,2}}({_CORNER_STREET})(?![\w'’-])"
)
_RELATIONS = set(RELATIONS)
_ORDINAL_STREET = re.compile(r"\d{1,3}(?:st|nd|rd|th)\Z")
# After a corner, the clause ends or goes on with a word that no street name ends in: "at 5th
# and Main in the rain", not "at Starbucks and 2nd breakfast" or "at 5th and 6th grade".
_CORNER_AFTER = re.compile(
    r"\s{0,2}(?:[.,;:!?)]|\Z)|\s{1,2}(?:in|on|at|to|by|near|when|where|while|and|then|with|"
    r"for|from|after|before|that|which|I|we|he|she|they|my|our|was|is|had|has|the|a)\b"
)
_PO_BOX = re.compile(r"[Pp]\.?\s?[Oo]\.?\s{0,2}[Bb]ox\s{0,2}\d{1,8}\b")
# A rural route or highway contract route and its box: "Rural Route 2, Box 14", "RR 3", "HC 61".
# "RR" and "HC" alone are too many other things ("the RR 3 bus"): with their box only.
_BOX = r",?\s{1,2}(?:Box|BOX|box)\s{0,2}#?\d{1,6}\b"
_RURAL_PARTS = ("oute", "OUTE", "R.R.", "RR", "HC", "rr ")  # one of them is in every match
_RURAL_ROUTE = re.compile(
    r"(?:(?:Rural\s{1,2}Route|RURAL\s{1,2}ROUTE|rural\s{1,2}route|R\.R\.)\s{0,2}#?\d{1,4}\b"
    rf"(?:{_BOX})?|(?:RR|HC|rr(?= ))\s{{0,2}}#?\d{{1,4}}{_BOX})"  # and "rr 2 box 14"
)
# A numbered road: a street address with a house number before it ("1200 Route 9", "4417 County
# Road 12"), and where someone lives without one ("we live off County Road 12", "our farm on
# Highway 61"). A road alone is travel ("drove Highway 61 to the clinic"), not an address.
_ROAD_PARTS = (
    "Route", "Rte", "Rt.", "Highway", "Hwy", "Road", "Rd", "CR ", "SR ", "FM ", "ROUTE", "HIGHWAY",
)  # fmt: skip
_ROAD = re.compile(
    r"(?:(?:County|State|Farm[\s-]to[\s-]Market|Ranch|Forest)\s{1,2}"
    r"(?:Road|Rd\.?|Route|Rte\.?|Highway|Hwy\.?)|U\.?S\.?\s{1,2}(?:Route|Highway|Hwy\.?)"
    r"|Route|ROUTE|Rte\.?|Rt\.?|Highway|HIGHWAY|Hwy\.?|CR|SR|FM)\s{0,2}#?\d{1,4}[A-Z]?(?![\w-])"
)
_HOUSE_NUMBER = re.compile(r"(?<![\w$.,/-])\d{1,6}[A-Z]?\s{1,2}\Z")
# "In 2019 Route 66 was closed": a year, not a house number.
_YEAR_WORDS = {"in", "since", "of", "by", "until", "during", "from", "before", "after"}
_HOME_WORDS = {
    "live", "lives", "lived", "living", "house", "home", "farm", "ranch", "place", "trailer",
    "cabin", "apartment", "property", "land", "address",
}  # fmt: skip
_ZIP = re.compile(r"\d(?<!\d\d)\d{4}(?:-\d{4})?")
_ZIP_WORDS = {"zip", "zipcode", "zip+4", "postal", "zip:", "zip's", "zip’s", "postcode", "postcode:", "eircode",
              "eircode:", "postcode's", "postcode’s"}
# A ZIP code typed a digit at a time after a ZIP word: five digits, a space between each.
_SPACED_ZIP = re.compile(r"\d(?<!\d\d)(?<!\d \d)(?: \d){4}(?! ?\d)")
# Five digits spelt out, no more ("six oh six one four"), read only after a ZIP word.
_SPELT_ZIP = re.compile(
    rf"(?<![a-z]){_DIGIT_WORD}(?:{_BETWEEN_DIGITS}{_DIGIT_WORD}){{4}}(?![a-z])(?!{_BETWEEN_DIGITS}{_DIGIT_WORD}(?![a-z]))"
)
_ZIP_SPELT_WINDOW = 24 + 5 * 8  # "code is " and the like, then five digit words and separators
_ZIP_PLACE_WORDS = {"in", "near", "around", "to", "of", "serves", "from", "outside"}
_ZIP_AFTER = re.compile(r"(?i)\W{0,3}(?:area|zip|postal|as\s+my\s+zip)\b")


# Streets as much of the rest of the world writes them (scan v46, held-out corpus G): the
# street's name with its kind joined to it and the number after it ("Lindenstraße 23",
# "Bloemstraat 17", "Kirchweg 4a"), a French street after its number ("55 rue des Lilas",
# "12 avenue de la Gare"), and a Spanish, Portuguese or Italian one before its number ("Calle
# de Alcalá 45", "Rua das Flores, 123", "Via Roma 12"). Each needs its capital and its number.
# Or as two words: "Berliner Straße 12", "Alte Allee 4". One pattern for both: one pass.
_JOINED_STREET = re.compile(
    r"(?<![\w-])[A-ZÄÖÜ][a-zäöüß]{1,30}(?:(?:straße|strasse|str\.|weg|gasse|allee|platz|damm|ufer|straat|laan|gracht"
    r"|plein|steeg|kade|vej|gade|gatan|vägen|veien|gata)| (?:Straße|Strasse|Str\.|Weg|Gasse|Allee|Platz|Damm|Ufer"
    r"|Chaussee)) \d{1,4}[a-z]?(?![\w-])"
)
_FRENCH_STREET = re.compile(
    r"(?<![\w.,/-])\d{1,4}(?: ?(?:bis|ter))?,? (?:rue|avenue|boulevard|bd|chemin|allée|impasse|place|quai|cours)"
    r" (?:de la |de l'|du |des |de |d')?[A-ZÉÈ][\w'-]{1,30}"
)
_LATIN_STREET = re.compile(
    r"(?<![\w-])(?:Calle|Avenida|Avda\.|Av\.|C/|Paseo|Plaza|Camino|Carrer|Rua|Travessa|Praça|Largo|Via|Viale|Piazza"
    r"|Corso)"
    r" (?:de la |del |de |da |do |das |dos |di |della )?[A-ZÁÉÍÓÚÑÇ][\w'-]{1,30}(?: [A-ZÁÉÍÓÚÑÇ][\w'-]{1,30})?"
    r",? (?:n\.?º ?|nº ?|n\. ?)?\d{1,4}(?![\w-]|[.,/]\d)"
)


_FOREIGN_STREETS = (
    (_JOINED_STREET, ("str", "Str", "weg", "Weg", "gasse", "Gasse", "allee", "Allee", "platz", "Platz", "damm", "Damm",
                      "ufer", "Ufer", "Chaussee", "laan", "gracht", "plein", "steeg", "kade", "vej", "gade", "gat",
                      "väg", "veien")),
    (_FRENCH_STREET, (" rue ", " avenue ", " boulevard ", " bd ", " chemin ", " allée ", " impasse ", " place ",
                      " quai ", " cours ")),
    (_LATIN_STREET, ("Calle ", "Avenida ", "Avda. ", "Av. ", "C/ ", "Paseo ", "Plaza ", "Camino ", "Carrer ", "Rua ",
                     "Travessa ", "Praça ", "Largo ", "Via ", "Viale ", "Piazza ", "Corso ")),
)


def addresses(text: str) -> Iterator[Span]:
    """Street addresses, P.O. boxes and ZIP codes."""
    # Each pattern only where a word it needs is in the text, found with `in` (memchr): one
    # pattern of all their first words (a hint) cost more than the patterns themselves, 0.59 s
    # against 0.34 s over 2,000 stories, trying at every letter; the words cost 0.1 s.
    for pattern, words in _FOREIGN_STREETS:
        if not any(word in text for word in words):
            continue
        for match in pattern.finditer(text):
            if not _UNIT_AHEAD.match(text, match.end()):  # "Piazza Navona 2 years ago"
                yield "street-address", *match.span()
    for match in _STREET.finditer(text):
        if (
            _free_before(text, match.start(), "$.,/-")
            and not _UNIT_AHEAD.match(text, match.start() + len(match.group().split()[0]))
            and not _a_size(match.group())
        ):
            yield "street-address", *match.span()
    for pattern in (_STREET_ON, _STREET_ON_SHORT):
        for match in pattern.finditer(text):
            if _free_before(text, match.start()) and not _a_facility_on(text, match.start()):
                yield "street-address", match.start() + 3, match.end()
    if " on " in text:
        for match in _LIVES_ON_LOWER.finditer(text):
            if _free_before(text, match.start(), "-"):
                yield "street-address", match.start(1), match.end()
    for match in _STREET_LOWER.finditer(text):
        if (
            _free_before(text, match.start(), "$.,/-")
            and not _NOT_STREET_NAME.intersection(match.group(1).split())
            and not _UNIT_AHEAD.match(text, match.start() + len(match.group().split()[0]))
        ):
            yield "street-address", *match.span()
    if " at " in text or " on " in text:
        for match in _LIVES_AT.finditer(text):
            before = _LIVES_BEFORE.search(text, max(0, match.start() - 40), match.start())
            if before is None:
                continue
            number, street = match.group().split()[0], match.group(1).lower()
            if before.group("home") is not None and (
                sum(ch.isdigit() for ch in number) < 2
                or street.removesuffix("s") in _CALENDAR_WORDS
                or street in NOT_NAMES
            ):
                continue
            if street in _LAND_MEASURES:
                continue  # "the farm at 200 Acres": a size, not a street
            if not _UNIT_AHEAD.match(text, match.start() + len(number)):
                yield "street-address", *match.span()
    if "at " in text:
        for match in _STREET_SPELT.finditer(text):
            yield "street-address", *match.span(1)
    if "orner of" in text or "ntersection of" in text or "ORNER OF" in text:
        for match in _CORNER.finditer(text):
            if _a_corner(text, match, numbered=False):
                yield "street-address", match.start(1), match.end()
    if "at " in text and ("and " in text or "& " in text):
        for match in _AT_CORNER.finditer(text):
            if _a_corner(text, match, numbered=True):
                yield "street-address", match.start(1), match.end()
    for match in _PO_BOX.finditer(text):
        if _free_before(text, match.start()):
            yield "street-address", *match.span()
    if any(part in text for part in _RURAL_PARTS):  # the regex alone costs a story 0.1 ms
        for match in _RURAL_ROUTE.finditer(text):
            if _free_before(text, match.start()):
                yield "street-address", *match.span()
    if any(part in text for part in _ROAD_PARTS):
        for match in _ROAD.finditer(text):
            start = match.start()
            if not _free_before(text, start):
                continue
            number = _HOUSE_NUMBER.search(text, max(0, start - 10), start)
            if number is not None and not set(_words_before(text, number.start(), 1)) & _YEAR_WORDS:
                yield "street-address", number.start(), match.end()
                continue
            words = [word.strip(",.") for word in _words_before(text, start, 5)]
            lives_there = _HOME_WORDS.intersection(words[:-1])
            if words and words[-1] in ("on", "off", "along") and lives_there:
                yield "street-address", *match.span()
    if "zip" in text or "ZIP" in text or "Zip" in text:
        for match in _SPACED_ZIP.finditer(text):  # "we're in zip 6 0 6 1 4 now"
            start, end = match.span()
            if _free_before(text, start, ".,$/-") and _ZIP_WORDS & {
                word.strip(",:#") for word in _words_before(text, start, 3)
            }:
                yield "zip", start, end
        lowered = text.translate(_ASCII_LOWER)
        at = lowered.find("zip")
        while at != -1:  # "our zip is six oh six one four": searched just after each "zip"
            match = _SPELT_ZIP.search(lowered, at + 3, at + 3 + _ZIP_SPELT_WINDOW)
            at = lowered.find("zip", at + 3)
            if match is None:
                continue
            start, end = match.span()
            words = {word.strip(",:#") for word in _words_before(text, start, 3)}
            if _ZIP_WORDS & words and not _DIGIT_WORDS.fullmatch(_words_before(text, start, 1)[0].strip(",.-")):
                yield "zip", start, end  # and no digit word before: five digits, not the last five
    for match in _ZIP.finditer(text):
        start, end = match.span()
        if not (_free_before(text, start, ".,$/-") and _free_after(text, end, "-")):
            continue
        if end - start == 10 or _zip_context(text, start, end):
            yield "zip", start, end
    yield from _postcodes(text)


# A British postcode or a Canadian postal code (stop 49's red team: "My postcode is LS6 3QT",
# "Toronto, ON M4C 1B5" were missed), in capitals as they are written, anywhere: a letter, a
# digit, and an inward part of a digit and two letters (the British leave out C, I, K, M, O and
# V) is no word of English. In any case, and an Irish Eircode ("D02 X285"), after a ZIP word.
_UK_POSTCODE = r"[A-Z]{1,2}\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2}"
_CA_POSTCODE = r"[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] ?\d[ABCEGHJ-NPRSTV-Z]\d"
_EIRCODE = r"[AC-FHKNPRTV-Y]\d[\dW] ?[\dAC-FHKNPRTV-Y]{4}"
# Written to start at a capital, its look-behind after it: a pattern that starts with a
# look-behind is tried at every character (1.3 ms against 0.34 ms over 38 KB of stories).
# Without a ZIP word, only as the post writes them, with the space ("T2N0M0" is a tumour's
# stage, "CD45RA" a cell marker: stop 49's second red team), and not an ordinal or a size
# after it ("Ward C5 2ND FLOOR", "an M1 2TB").
_POSTCODE = re.compile(
    r"[A-Z](?<![\w-][A-Z])(?:[A-Z]?\d[A-Z\d]? \d(?!ST|ND|RD|TH|[KMGTP]B)[ABD-HJLNP-UW-Z]{2}"
    r"|(?<=[ABCEGHJ-NPRSTVXY])\d[ABCEGHJ-NPRSTV-Z] \d[ABCEGHJ-NPRSTV-Z]\d)(?![\w-])"
)
_CUED_POSTCODE = re.compile(rf"(?<![\w-])(?:{_UK_POSTCODE}|{_CA_POSTCODE}|{_EIRCODE})(?![\w-])", re.IGNORECASE)


# The rest of the world's postcodes are numbers, read only after a postcode's word (scan v46,
# held-out corpus G: "Our postcode is 2031", "My PIN code is 560038", "The CEP 01310-100", "Our
# PLZ is 10437", "3511 LX" were missed): four digits (Australia, New Zealand, South Africa,
# much of Europe; the Netherlands with two capitals), five, six (India, Singapore), Brazil's
# 5-3, Japan's 3-4, Sweden's 3 2 and the like.
_NUMBER_POSTCODE = re.compile(
    r"(?<![\w.,/$-])(?:\d{4}(?: ?[A-Z]{2}(?![\w-]))?|\d{5,6}|\d{5}-\d{3}|\d{3}-\d{4}|\d{3} \d{2,3}|\d{2}-\d{3})"
    r"(?![\w-]|[.,/:]\d)"
)
_POSTCODE_WORDS = {"plz", "cep", "postleitzahl", "〒", "pocztowy", "postnummer", "postnr", "postinumero",
                   "irányítószám"}
_CAPITAL_POSTCODE_WORDS = {"CAP", "C.P."}  # in capitals only: "a daily cap of 2000 steps" is none
_CODE_AFTER = {"post", "postal"}


def _postcode_cue(text: str, match: re.Match) -> bool:
    """A postcode's word before `match`; India's PIN code only before six digits (a card's or a
    door's PIN is four: red team I)."""
    written = [word.strip(",:#") for word in text[max(0, match.start() - _WINDOW) : match.start()].split()[-3:]]
    words = [word.lower() for word in written]
    if (_ZIP_WORDS | _POSTCODE_WORDS).intersection(words) or _CAPITAL_POSTCODE_WORDS.intersection(written):
        return True
    before = words[: words.index("code")] if "code" in words else []
    if "pin" in before or "pincode" in words or "pin-code" in words:
        return sum(ch.isdigit() for ch in match.group()) == 6
    return bool(_CODE_AFTER.intersection(before))


def _postcodes(text: str) -> Iterator[Span]:
    """British and Canadian postcodes in capitals; in any case and Eircodes after a ZIP word,
    or "code" after "post" ("post code NE1 4ST"); other countries' numbers after either."""
    for match in _POSTCODE.finditer(text):
        yield "zip", *match.span()
    lowered = text.lower()
    if "post" in lowered or "zip" in lowered or "eircode" in lowered:
        for match in _CUED_POSTCODE.finditer(text):
            words = [word.strip(",:#") for word in _words_before(text, match.start(), 3)]
            if _ZIP_WORDS.intersection(words) or ("code" in words and "post" in words):
                yield "zip", *match.span()
    if any(cue in lowered for cue in ("post", "zip", "pin", "plz", "cep", "〒", "c.p.", "cap", "poczt", "irány")):
        for match in _NUMBER_POSTCODE.finditer(text):
            if _postcode_cue(text, match):
                yield "zip", *match.span()


def _a_size(street: str) -> bool:
    """Whether a street's only word between its number and its suffix is a home's size
    (`_SIZE_WORDS`): "a 2 Bedroom Place", "a 1 Floor Place"; not "12 Old Mill Road"."""
    words = street.split()
    return len(words) == 3 and words[1].lower() in _SIZE_WORDS


def _a_corner(text: str, match: re.Match, numbered: bool) -> bool:
    """Whether two streets named as a corner are streets: no word that is never one ("Mom",
    "Christmas", a month or a day), a clause that goes on as after a place (`_CORNER_AFTER`),
    and, after a bare "at", one of them numbered and the other not ("at 1st and 2nd base")."""
    streets = [match.group(1), match.group(2)]
    first_words = [street.split()[0].lower() for street in streets]
    if any(word in NOT_NAMES or word in _RELATIONS or word in _CALENDAR_WORDS for word in first_words):
        return False
    if not _CORNER_AFTER.match(text, match.end()):
        return False
    ordinals = [bool(_ORDINAL_STREET.search(street.split()[0])) for street in streets]
    if numbered:
        return ordinals[0] != ordinals[1]
    # "the intersection of Science and Faith": an intersection of two words needs a street's
    # number or suffix; a corner of two ("the corner of Elm and Oak") does not
    named = any(ordinals) or any(len(street.split()) > 1 for street in streets)
    return named or match.group().lower().startswith("corner")


# Capitalised words a number follows that are no town: "Room 40210", "Flight 12345".
_NUMBER_LABELS = set(
    """
    room suite unit apt apartment building floor model form flight invoice order case policy
    account claim ticket code item part serial version no number lot batch patient member id
    box route highway interstate exit mile level grade step chapter page section figure table
    vol volume issue episode season series class course program plan group station channel bus
    train car seat gate terminal zone block lab test trial study protocol ward bed total
    """.split()
)


_CALENDAR_WORDS = MONTHS | DAYS  # lower case, as identifier_words writes them


def _town_before(original: list[str], text: str, start: int) -> bool:
    """A capitalised word right before the number that is no label, day or month, and does not
    start a sentence (a place name before a ZIP code: "Springfield 62704")."""
    if len(original) < 2 or text[start - 1 : start] != " ":
        return False
    word, previous = original[-1], original[-2]
    return (
        len(word) >= 3 and word.isalpha() and word[0].isupper() and word[1:].islower()
        and word.lower() not in _NUMBER_LABELS and word.lower() not in _CALENDAR_WORDS
        and not previous.endswith((".", "!", "?", ":", ";"))
    )


def _listed_town_before(words: list[str], text: str, start: int) -> bool:
    """The one or two words right before the number name a town of `us_towns` in any case,
    also where they start a sentence or a line (an address's last line: "Kalamazoo 49008")."""
    if not words or text[start - 1 : start] != " ":
        return False
    from .identifier_names import us_towns

    towns = us_towns()
    return words[-1].rstrip(".") in towns or len(words) > 1 and " ".join(words[-2:]) in towns


def _zip_context(text: str, start: int, end: int) -> bool:
    """A five-digit number is a ZIP code after a state, a ZIP word or a place preposition."""
    original = [w.strip(",:#") for w in text[max(0, start - _WINDOW) : start].split()[-4:]]
    words = [w.lower() for w in original]
    if not words:
        return bool(_ZIP_AFTER.match(text, end))
    last = words[-1]
    if original[-1] in _ABBR_KEYS or any(" ".join(words[-n:]) in _STATE_KEYS for n in (1, 2, 3)):
        return True
    if _ZIP_WORDS & set(words):
        return True
    # "the zip code on my file is 55104": a ZIP word six words back, no number between.
    farther = [w.strip(",:#").lower() for w in text[max(0, start - _WINDOW) : start].split()[-7:-4]]
    if _ZIP_WORDS & set(farther) and not any(ch.isdigit() for w in words for ch in w):
        return True
    if _town_before(original, text, start) and not _UNIT_AHEAD.match(text, end):
        return True  # "Springfield 62704"
    if _listed_town_before(words, text, start) and not _UNIT_AHEAD.match(text, end):
        return True  # "Kalamazoo 49008" opening a line, "GRAND RAPIDS 49503" (scan v43)
    if last in _ZIP_PLACE_WORDS or (
        last == "the" and len(words) > 1 and words[-2] in _ZIP_PLACE_WORDS
    ):
        return not _UNIT_AHEAD.match(text, end)
    return bool(_ZIP_AFTER.match(text, end))
