"""Scan story text for identifiers of the kinds HIPAA's Safe Harbor rule lists
(45 CFR 164.514(b)(2)) that a patient story might contain.

A finding withholds the story until the text changes or the consent record accepts it by
its id. Findings are reported by kind, line and id, never by the text they matched.

The detectors live in `identifier_shapes` (numbers, dates, addresses: shapes and the words
before them) and `identifier_names` (people, employers and towns: name lists and context).
Each is linear in the length of the text; `scan` keeps the first detector's claim where two
overlap, so an email's domain is not also a web address and a record number is not a phone.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import html
import itertools
import json
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from . import dates

# kind -> what a compliance officer reads. Kinds are part of finding ids: never rename one.
KINDS: dict[str, str] = {
    "email": "an email address",
    "url": "a web address or online handle",
    "ip-address": "an IP address",
    "ssn": "a social security number",
    "vehicle-id": "a vehicle licence plate or VIN",
    "device-id": "a device serial number or identifier",
    "licence-number": "a licence, certificate or ID card number",
    "record-number": "a record, account or health plan number",
    "phone": "a phone or fax number",
    "date": "a full date",
    "age": "an age over 89",
    "street-address": "a street address",
    "zip": "a ZIP code or postcode",
    "town": "a town, city or county",
    "name": "a name of a person or employer",
}
_NEWLINE = re.compile("\n")
# Bump when the scanner's answers change for the same text (the cache key carries it).
SCANNER_VERSION = "46"
# A birth year this old makes the writer 90 or older this year (identifier_shapes.ages reads
# "born in 1931"). The year is read once per process, and every scan's cache key carries it.
BIRTH_YEAR_OF_NINETY = dates.clock().year - 89
SCAN_KEY_VERSION = f"{SCANNER_VERSION}.{BIRTH_YEAR_OF_NINETY}"


@dataclass(frozen=True)
class Finding:
    kind: str
    line: int  # line in the story's file
    id: str  # "<kind>:<8 hex>", stable while the matched text is unchanged

    @property
    def description(self) -> str:
        return KINDS[self.kind]


def finding_id(kind: str, text: str) -> str:
    """The stable id of a finding: its kind and a short hash of the matched text."""
    digest = hashlib.sha256(f"{kind}\n{text.strip().lower()}".encode()).hexdigest()[:8]
    return f"{kind}:{digest}"


def _candidates(
    text: str, allowed: frozenset[str], references: bool = True
) -> Iterator[tuple[str, int, int]]:
    """Every detector's spans, most specific first; `references`: and in the stretches around a
    named reference a browser shows as typed, read as its character (`_read_references`)."""
    # Imported here: their patterns and name lists are needed only when a story is scanned,
    # which a warm check (every scan in the cache) never does.
    from . import identifier_names

    yield from _detected(text, allowed, typed=True)
    # A run typed in capitals or a sentence typed without any, read again as if written with
    # ordinary capitals (same length, same offsets): "MY NEIGHBOUR WALTER BECKER" or "march 3,
    # 1961" otherwise reads as acronyms or as ordinary words.
    written = identifier_names.as_written(text)
    if written is not None:
        yield from _detected(written, allowed)
    # Letters with marks read as the letters under them (same length, same offsets): the
    # detectors' patterns and lists are written in ASCII, so "My husband José" and "my wife
    # Zoë" read as no name at all. Only the stretch around such letters is read again, so a
    # long story with one "café" costs little more. Allowed names are read both ways (`scan`).
    # A text of ASCII only (a flag Python keeps: no search at all) has neither.
    for start, end in _marked_stretches(text) if not text.isascii() else ():
        folded = text[start:end].translate(_UNMARKED)
        for reading in (folded, identifier_names.as_written(folded)):
            if reading is not None:
                for kind, found_start, found_end in _detected(reading, allowed):
                    yield kind, start + found_start, start + found_end
    # Digits joined by a typographic dash ("503–555–0142", "123—45—6789": a word processor's or
    # a phone keyboard's dash, or a number copied from a web page) read as joined by "-", as the
    # shapes are written: only the stretch around such a dash, once more (same length, offsets).
    if not text.isascii():
        yield from _read_again(text, _DASHED, lambda stretch: (stretch.translate(_HYPHENS), None), allowed)
    # Markdown's emphasis typed around words ("**Dr Okonkwo**", "_Maria Lopez_") or inside one
    # ("**Ros**alind"): a title, summary, pull quote or bio is scanned as typed, where the marks
    # touch the words and hide them from the detectors (the body is scanned rendered too). The
    # stretch around the marks is read again as Markdown shows it, without the marks (offsets
    # mapped back to the text's own).
    if "*" in text or "_" in text or "~" in text or "`" in text:
        yield from _read_again(text, _EMPHASIS, _without_emphasis, allowed, as_written=True)
    if references and "&" in text:
        yield from _read_references(text, allowed)


def _read_again(
    text: str,
    pattern: re.Pattern,
    reading: Callable[[str], tuple[str, list[int] | None]],
    allowed: frozenset[str],
    as_written: bool = False,
) -> Iterator[tuple[str, int, int]]:
    """The detectors' spans in the stretches of `text` around what `pattern` finds, each
    stretch read as `reading` makes it: the reading and, when it is shorter, where each of its
    characters is in the stretch (None: the same length, so the offsets hold). `as_written`:
    and that reading read again as written when it holds a run in capitals or a sentence in
    lower case (`_write_again`)."""
    from . import identifier_names

    for start, end in _marked_stretches(text, pattern):
        read, at = reading(text[start:end])
        if at is not None and not read.isascii() and _MARKED.search(read):
            read = read.translate(_UNMARKED)  # "**Cöttönwööd** Drive": marks folded (same length)
        readings = [read]
        if as_written and _write_again(text, start, end):
            written = identifier_names.as_written(read)
            if written is not None:
                readings.append(written)
        for one in readings:
            for kind, found_start, found_end in _detected(one, allowed):
                if at is None:
                    yield kind, start + found_start, start + found_end
                elif found_end > found_start:
                    yield kind, start + at[found_start], start + at[found_end - 1] + 1


def _write_again(text: str, start: int, end: int) -> bool:
    """Whether the emphasis in `text[start:end]` hides words that only the as-written reading
    reads: a mark against a word in capitals ("_AUNT PHILIPPA_": "_" is a word's character,
    so that word is no word of the text's own as-written reading; "1710 **COTTONWOOD** DRIVE"
    is written as a street there, but behind its marks); a mark inside a word ("**ROS**ALIND",
    one word only without it); or a mark against a word in lower case in a sentence typed
    without capitals ("_walla walla_", "i grew up in *wagga wagga*"; not one holding a
    backtick, which is code's). Not every emphasised stretch: reading each again as written
    made the scan of short texts 18% dearer, every stretch with an underscore's emphasis 10%."""
    if _EMPHASISED_CAPITALS.search(text, start, end) or _INSIDE_WORD.search(text, start, end):
        return True
    for match in _LOWER_EMPHASIS.finditer(text, start, end):
        at = match.start()
        sentence = max(text.rfind(stop, max(start, at - _AROUND), at) for stop in ".!?\n") + 1
        stops = [found for found in (text.find(stop, match.end(), end) for stop in ".!?\n") if found != -1]
        begin, stop = max(start, sentence), min(stops, default=end)
        if _CAPITAL.search(text, begin, stop) is None and text.find("`", begin, stop) == -1:
            return True  # and no backtick: a sentence of code or about code is no story's
    return False


_MARKED = re.compile("[\u00c0-\u024f]+")  # Latin-1 Supplement to Latin Extended-B
_AROUND = 200  # characters read on each side of a marked letter: more than any detector's context


# A dash other than "-" between two digits: the search starts from the dash, which few texts have.
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
_DASHED = re.compile(f"[{_DASHES}](?<=\\d.)(?=\\d)")
_HYPHENS = str.maketrans(dict.fromkeys(_DASHES, "-"))
# Emphasis marks against a word on one side only: "jane_doe" keeps its "_".
# An underscore's emphasis against a word typed in capitals ("_AUNT PHILIPPA_").
# An underscore's emphasis against a word typed in capitals ("_AUNT PHILIPPA_", "_TULSA_"), or
# asterisks against one in a run of them ("1710 **COTTONWOOD** DRIVE"; not a bold acronym
# before ordinary words, "**HTML** pages", "**VS Code**", which documentation is full of).
_EMPHASISED_CAPITALS = re.compile(
    r"(?<![\w*~`])_{1,3}[A-Z][A-Z]|[A-Z][A-Z]_{1,3}(?![\w*~`])"
    r"|(?<![\w*~`])\*{1,3}[A-Z][A-Z'’]*\*{0,3}\s{1,2}\*{0,3}[A-Z][A-Z]"
    r"|[A-Z][A-Z]\*{0,3}\s{1,2}\*{0,3}[A-Z][A-Z'’]*\*{1,3}(?![\w*~`])"
)
# Asterisks between two letters: emphasis inside a word ("**Ros**alind"). Not underscores,
# which Markdown shows as typed inside a word ("jane_doe"). Each pattern starts with the mark
# itself, its context read behind it: a search that starts with a look-behind tries every
# position of the text in turn (this one cost 0.14 ms of a 2,100-character story, 0.013 so).
_EMPHASIS = re.compile(
    r"[*_~`](?:(?<![\w*~`][*_~`])[*_~`]{0,2}(?=\w)|(?<=\w[*_~`])[*_~`]{0,2}(?![\w*~`])"
    r"|(?<=[^\W\d_]\*)\*{0,2}(?=[^\W\d_]))"
)
_INSIDE_WORD = re.compile(r"\*(?<=[^\W\d_]\*)\*{0,2}(?=[^\W\d_])")
# A mark against a word in lower case, as `_EMPHASIS` finds them.
# A capital that says a sentence is typed with capitals: not "I" alone or in "I'm"
# (`identifier_names._UPPER`; that module is imported only when a story is scanned).
_CAPITAL = re.compile(r"[A-Z](?<!\bI)|I(?=[\w])(?!['’]m\b)")
_LOWER_EMPHASIS = re.compile(r"(?<![\w*~`])[*_]{1,3}(?=[a-z])|(?<=[a-z])[*_]{1,3}(?![\w*~`])")


def _without_emphasis(stretch: str) -> tuple[str, list[int]]:
    """`stretch` as Markdown shows it, without its emphasis marks (`_EMPHASIS`), and where each
    character left is in `stretch`."""
    parts, at, last = [], [], 0
    for match in _EMPHASIS.finditer(stretch):
        parts.append(stretch[last : match.start()])
        at.extend(range(last, match.start()))
        last = match.end()
    parts.append(stretch[last:])
    at.extend(range(last, len(stretch)))
    return "".join(parts), at


def _marked_stretches(text: str, pattern: re.Pattern = _MARKED) -> list[tuple[int, int]]:
    """The stretches of `text` within `_AROUND` characters of a letter with marks (or of what
    `pattern` finds), merged, each starting after a space where one is near (not in the middle
    of a word)."""
    stretches: list[list[int]] = []
    for match in pattern.finditer(text):
        start, end = max(0, match.start() - _AROUND), min(len(text), match.end() + _AROUND)
        if stretches and start <= stretches[-1][1]:
            stretches[-1][1] = end
            continue
        space = max(text.rfind(gap, max(0, start - 40), start) for gap in (" ", "\n"))
        stretches.append([space + 1 if space >= 0 else start, end])
    for stretch in stretches:  # and ending before a space where one is near
        ends = [text.find(space, stretch[1], stretch[1] + 40) for space in (" ", "\n")]
        stretch[1] = min((found for found in ends if found >= 0), default=stretch[1])
    return [(start, end) for start, end in stretches]


def _unmarked_table() -> dict[int, str]:
    """Each letter of `_MARKED` whose decomposition starts with an ASCII letter, mapped to that
    letter; and the letters that decompose to none but read as one ("ß", "Ø", "Ł", "Æ")."""
    table = {}
    for code in range(0xC0, 0x250):
        base = unicodedata.normalize("NFKD", chr(code))[:1]
        if chr(code).isalpha() and base.isascii() and base.isalpha():
            table[code] = base
    pairs = "ßsÆAæaØOøoŁLłlĐDđdÐDðdŒOœoÞTþtıiĦHħhŦTŧtŊNŋn"
    table.update({ord(pairs[i]): pairs[i + 1] for i in range(0, len(pairs), 2)})
    return table


_UNMARKED = _unmarked_table()
# The letters of Latin alphabets that NFKD does not decompose and that the look-alike table
# reads otherwise (its fancy-text alphabets use them: "ł" for "i", "ø" for "O"), each with
# the letter under its stroke, case kept (`_as_seen`).
_UNMARKED_STROKED = {chr(code): letter for code, letter in _UNMARKED.items()
                     if unicodedata.decomposition(chr(code)) == ""}


def _detected(
    text: str, allowed: frozenset[str], typed: bool = False
) -> Iterator[tuple[str, int, int]]:
    """Every detector's spans in `text`; `typed`: `text` is the story as typed, not a reading."""
    from . import identifier_names, identifier_shapes

    yield from identifier_shapes.internet(text)
    yield from identifier_shapes.named_numbers(text)
    yield from identifier_shapes.shaped_numbers(text)
    yield from identifier_shapes.dates(text)
    yield from identifier_shapes.ages(text)
    yield from identifier_shapes.addresses(text)
    yield from identifier_names.places(text, allowed, typed)
    yield from identifier_names.named_towns(text, allowed)
    yield from identifier_names.employers(text, allowed)
    yield from identifier_names.people(text, allowed)
    yield from identifier_names.households(text, allowed)
    yield from identifier_names.families(text, allowed)
    yield from identifier_names.lower_case_people(text, allowed)
    yield from identifier_names.lower_case_titled(text, allowed)


# A character reference as a browser shows it: what a title or summary typed with HTML's
# entities says ("&#64;" is "@", "&nbsp;" a space). Only complete references are read, so
# "AT&T" and "R&D" stay as typed.
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


# A named reference in a case HTML does not spell. A browser decodes a named reference only
# as HTML spells it, case and all: "&Eacute;" and "&eacute;", and in capitals only "&AMP;",
# "&LT;", "&GT;", "&QUOT;", "&COPY;", "&REG;", "&TRADE;", "&ETH;", "&THORN;", "&ENG;" and
# "&DD;" (`html.unescape`, which `scan` reads them with, follows the same table). Any other
# case ("PERP&EACUTE;TUA", "308 WREN&NBSP;ST.") is shown as typed, and read through by whoever
# sees it (`_read_references`).
_NAMED_REFERENCE = re.compile(r"&[A-Za-z][A-Za-z0-9]{1,31};")


def _referenced(reference: str) -> str:
    """The character a named reference in a case HTML does not spell reads as: the one its
    name spells in HTML's case, a capital letter for one typed in capitals ("&EACUTE;" "É",
    "&Nbsp;" a space); the reference itself when its name spells none."""
    name = reference[1:-1]
    for spelt in (name[0] + name[1:].lower(), name.lower()) if name.isupper() else (name.lower(),):
        shown = html.unescape(f"&{spelt};")
        if shown != f"&{spelt};":
            return shown
    return reference


def _with_references_read(stretch: str) -> tuple[str, list[int]]:
    """`stretch` with each named reference that a browser shows as typed read as its character
    (`_referenced`), and where each character of the reading is in `stretch`."""
    parts, at, last = [], [], 0
    for match in _NAMED_REFERENCE.finditer(stretch):
        read = _referenced(match.group())
        if read == match.group():
            continue
        parts.append(stretch[last : match.start()] + read)
        at.extend(range(last, match.start()))
        at.extend([match.start()] * len(read))
        last = match.end()
    parts.append(stretch[last:])
    at.extend(range(last, len(stretch)))
    return "".join(parts), at


def _read_references(text: str, allowed: frozenset[str]) -> Iterator[tuple[str, int, int]]:
    """Every reading's spans in the stretches around named references that a browser shows as
    typed, each read as its character: "NURSE PERP&EACUTE;TUA" is seen, and read, as a name.
    The text itself is read as shown (`scan`), so what it finds stays as it was."""
    for start, end in _marked_stretches(text, _NAMED_REFERENCE):
        read, at = _with_references_read(text[start:end])
        if len(read) == end - start:
            continue  # no reference a browser leaves as typed spells a character
        for kind, found_start, found_end in _candidates(read, allowed, references=False):
            if found_end > found_start:
                yield kind, start + at[found_start], start + at[found_end - 1] + 1


# Figures of speech that read as a relation or title and a name: "uncle sam wants his cut" is
# the government, "Mother Nature", "Father Time", "Lady Luck", "Jack Frost", "the Hail Mary",
# "every Tom, Dick and Harry" no one. After "my",
# "our", "his", "her" or "their" ("my uncle Sam drove me") they are a person again.
_IDIOM = re.compile(
    r"(?<![\w'’-])(?i:uncle\s{1,3}sam|mother\s{1,3}nature|father\s{1,3}time|lady\s{1,3}luck|"
    r"jack\s{1,3}frost|old\s{1,3}man\s{1,3}winter|hail\s{1,3}mary|"
    r"tom,?\s{1,3}dick,?\s{1,3}(?:and|&|or)\s{1,3}harry)(?![\w'’-])"
)
_IDIOM_NAMES = frozenset({"sam", "nature", "time", "luck", "frost", "winter", "mary", "tom", "dick", "harry"})
_POSSESSIVE_BEFORE = re.compile(r"(?i:my|our|his|her|their|your)[\s,]{1,3}\Z")


# Days, places of care and events named with a name, which a story names often and which name
# no one, with a possessive too ("our Christmas Eve"): stop 48's red team's false alarms.
_NAMED_THING = re.compile(
    r"(?<![\w'’-])(?i:christmas\s{1,3}eve|new\s{1,3}year['’]?s\s{1,3}eve|valentine['’]?s\s{1,3}day|"
    r"md\s{1,3}anderson|susan\s{1,3}g\.?\s{1,3}komen|boston\s{1,3}marathon)(?![\w'’-])"
)
_NAMED_THING_NAMES = frozenset({"eve", "valentine's day", "valentine’s day", "anderson", "susan g. komen",
                                "susan g komen", "boston marathon"})


def _in_idiom(text: str, start: int, end: int) -> bool:
    """Whether the name at `start`..`end` is part of one of `_IDIOM`'s figures of speech that
    no possessive makes a person. Read in a few characters around the name only, with marks
    folded ("Uncle Sám"; same length), so a long text costs no more than a short one."""
    word = text[start:end].lower()
    if word in _NAMED_THING_NAMES:
        window_at = max(0, start - 16)
        return any(window_at + match.start() <= start and end <= window_at + match.end()
                   for match in _NAMED_THING.finditer(text[window_at : end + 16]))
    if word not in _IDIOM_NAMES and word.translate(_UNMARKED) not in _IDIOM_NAMES:
        return False  # most names: one set lookup ("Sám" folded only when it is no such name)
    at = max(0, start - 28)
    window = text[at : end + 24]
    if not window.isascii():
        window = window.translate(_UNMARKED)
    for match in _IDIOM.finditer(window):
        if at + match.start() <= start and end <= at + match.end():
            return _POSSESSIVE_BEFORE.search(window, max(0, match.start() - 8), match.start()) is None
    return False


@functools.cache
def _script_word() -> re.Pattern:
    """A word as `_as_seen` reads it: letters and digits of any script and the look-alikes (a
    fancy alphabet's "₳" is a currency sign); a Thai or Yi run has no spaces between its words,
    so a "word" there is a phrase."""
    from .leaks import _look_alike_letters

    signs = "".join(re.escape(ch) for ch in sorted(_look_alike_letters()) if not ch.isalnum())
    return re.compile(f"(?:[^\\W_]|[{signs}])+")


def _as_seen(text: str) -> str:
    """`text` as the reader of a story takes it (`leaks.as_seen`: characters nobody sees dropped,
    NFKC, letters of other scripts that look like Latin ones read as those), with the look-alike
    table applied only where a reader takes a letter for a Latin one (scan v42):

    - a letter of a Latin alphabet that NFKD does not decompose, in a word typed with
      lower-case ASCII letters, reads as the letter under its stroke or ligature, case kept
      ("Michał", "Bjørn", "Đorđe", "Tromsø": `_UNMARKED`): the fancy-text alphabets
      that the look-alike table holds read "ł" as "i" and "ø", "đ", "ħ" as capitals, which
      made "Søren Ødegaard" "SOren ODegaard", no name, and "Michał" "Michai";
    - any other look-alike only in a word holding an ASCII letter ("Rоbert" with a Cyrillic
      "о", "ᗯᗩᒪTEᖇ"), or made wholly of look-alikes in a line holding no letter of another
      script that is none ("ᗰY ᑎEIGᕼᗷOᑌᖇ" as a fancy-text generator writes it): not in a
      line of Thai, Yi, Cherokee or Greek, where some letters look like Latin ones and the
      rest do not, and reading those alone as Latin letters spelt "NYC" (a town) out of three
      Yi syllables and "DEC 12" (a date) out of three others.

    The text is `leaks.as_seen`'s otherwise (that function serves the page readings, which
    read every look-alike everywhere: a leak is looked for more widely than an identifier)."""
    if text.isascii():
        return text
    from .leaks import _IGNORABLE, _look_alike_letters, _look_alikes

    text = unicodedata.normalize("NFKC", _IGNORABLE.sub("", text))
    letters = _look_alike_letters()
    if text.isascii() or letters.isdisjoint(text):
        return text
    table = _look_alikes()
    out = []
    last = 0
    line = [-1, -1, False]  # the line last asked about: start, end, whether it is foreign
    for match in _script_word().finditer(text):
        word = match.group()
        if word.isascii() or letters.isdisjoint(word):
            continue
        if any("a" <= ch <= "z" for ch in word):  # "Michał", "Rоbert"
            read = "".join(
                _UNMARKED_STROKED.get(ch) or table.get(ord(ch), ch) if ch in letters else ch for ch in word
            )
        elif any("A" <= ch <= "Z" for ch in word) or _all_look_alikes(word, letters) and not _foreign_line(
            text, match.start(), line, letters
        ):
            read = word.translate(table)
        else:
            continue
        out.append(text[last : match.start()])
        out.append(read)
        last = match.end()
    if not out:
        return text
    out.append(text[last:])
    return "".join(out)


def _all_look_alikes(word: str, letters: frozenset[str]) -> bool:
    """Every letter a look-alike (marks and digits aside)."""
    count = 0
    for ch in word:
        if ch in letters:
            count += 1
        elif ch.isalpha():
            return False
    return count > 0


def _foreign_line(text: str, at: int, line: list, letters: frozenset[str]) -> bool:
    """Whether the line around `at` holds a letter of a script other than Latin that looks like
    no Latin letter: a line of Thai, Yi, Cherokee, Greek text, not a fancy-text one. `line`
    keeps the last line's answer, so each line is read once whatever its length."""
    if not line[0] <= at < line[1]:
        end = text.find("\n", at)
        line[0], line[1] = text.rfind("\n", 0, at) + 1, end if end != -1 else len(text)
        line[2] = any(
            ch.isalpha() and ch not in letters and ord(ch) >= 0x370 and not _latin(ch)
            for ch in text[line[0] : line[1]]
        )
    return line[2]


def _latin(ch: str) -> bool:
    return unicodedata.name(ch, "").startswith("LATIN")


@functools.lru_cache(maxsize=256)
def _allowed_words(allowed_names: frozenset[str]) -> frozenset[str]:
    """The single words `scan` takes as no finding for `allowed_names`: each word of each
    name, with and without its letters' marks ("José" allows "Jose", and back), and the
    nicknames of those ("Robert" allows "Bob" and "Rob", "Liz" allows "Elizabeth"). Worked out
    once per set of names: a story's nine parts, and every story of one champion, share it."""
    from . import identifier_names

    _, allowed = identifier_names.allowed_words(allowed_names)
    allowed |= {word.translate(_UNMARKED) for word in allowed}
    return allowed | _nicknames_of(allowed)


@functools.cache
def _nicknames_of(allowed: frozenset[str]) -> frozenset[str]:
    """The nicknames of the allowed given names and the given names of allowed nicknames
    (`identifier_words.NICKNAMES`): the same person, written as people write her."""
    from .identifier_words import NICKNAMES

    found = set()
    for word in allowed:
        found.update(NICKNAMES.get(word, ()))
    if allowed:
        found.update(formal for formal, short in NICKNAMES.items() if not allowed.isdisjoint(short))
    return frozenset(found)


# A line that starts a block of its own in Markdown: a heading, a list item, a quotation, a
# table row. The line break before it, or after a heading or a table row, ends a block.
# An ordered item needs its text on the line: a wrapped line that is a number ending a sentence
# ("> > 900461.") goes on its paragraph (red team J).
_BLOCK_LINE = re.compile(r"[ \t]*(?:[-*+>#|](?:[ \t]|$)|\d{1,9}[.)][ \t]+\S)")
_QUOTE_PREFIX = re.compile(r"(?:[ \t]*>)+[ \t]?")


def soft_breaks_read(text: str) -> tuple[str, list[int], list[int]]:
    """`text` with each line break inside a paragraph read as the one space a reader sees
    (Markdown and HTML show a soft break so), the spaces around it included: a list item's
    indent, a hard break's two spaces or backslash. An editor who wraps lines splits "my mobile is 07700"
    from "900 215", "14 Larkspur" from "Close" and "Grace" from "Whitfield": each line alone
    was no number, no street and no name (held-out corpus G and red team I, stop 50). A blank
    line, and the break before a heading, a list item, a quotation or a table row, or after a
    heading or a table row, still ends the text there; inside a quotation, a line as deep in
    it goes on its paragraph. With it, where the joined text dropped
    characters: the positions in it (sorted) and how many were dropped before each, for
    `_in_original`."""
    if "\n" not in text:
        return text, [], []
    lines = text.split("\n")
    joined, at, cuts, dropped = [lines[0]], len(lines[0]), [], []
    for before, line in itertools.pairwise(lines):
        # Inside a quotation, lines that carry its `>` as deep as the one before go on its
        # paragraph (red team J: "> text me on 07700" / "> 900461").
        quoted, quoted_before = _QUOTE_PREFIX.match(line), _QUOTE_PREFIX.match(before)
        skip = 0
        if quoted and quoted_before and quoted.group().count(">") == quoted_before.group().count(">"):
            skip, before = quoted.end(), before[quoted_before.end():]
        body = line[skip:]
        soft = (before.strip() and body.strip() and not _BLOCK_LINE.match(body)
                and not before.lstrip().startswith(("#", "|")))
        if not soft:
            joined += ("\n", line)
            at += 1 + len(line)
            continue
        # A hard break: two spaces, or CommonMark's backslash, which this Markdown shows as it is.
        trailing = len(joined[-1]) - len(joined[-1].rstrip(" \t").removesuffix("\\").rstrip(" \t"))
        if trailing:
            joined[-1] = joined[-1][: len(joined[-1]) - trailing]
            at -= trailing
        kept = body.lstrip(" \t")
        gone = trailing + (len(line) - len(kept))
        if gone:
            cuts.append(at)
            dropped.append((dropped[-1] if dropped else 0) + gone)
        joined += (" ", kept)
        at += 1 + len(kept)
    return "".join(joined), cuts, dropped


def _in_original(position: int, cuts: list[int], dropped: list[int]) -> int:
    """The position in the text as given of `position` in `soft_breaks_read`'s joined text."""
    index = bisect.bisect_right(cuts, position) - 1
    return position + (dropped[index] if index >= 0 else 0)


def scan(
    text: str,
    first_line: int = 1,
    allowed_names: frozenset[str] = frozenset(),
    practice_towns: frozenset[str] = frozenset(),
) -> list[Finding]:
    """Every identifier in `text`, with the file line it starts on.

    `allowed_names` are personal names that are not findings (the patient's own name as the
    consent allows it, the practice's clinicians): matched case-insensitively as whole words,
    and any single word of a multi-word name is allowed too. `practice_towns` (lower case,
    `identifier_names.practice_towns`) are no finding when named without a place cue.
    """
    from . import identifier_names

    # As the reader sees it: `312-555\u200b-0187` (a zero-width space) is a phone number, and
    # `Rоbert` (a Cyrillic о) a name. Line breaks stay, so lines are the file's; those inside a
    # paragraph are then read as spaces (`soft_breaks_read`), each finding placed on its line.
    if "&" in text:  # "614&#45;555&#45;0144", "gus&#64;example.com", "Zip:&nbsp;85701"
        text = _ENTITY.sub(lambda match: html.unescape(match.group()), text)
    text = _as_seen(text)
    allowed = _allowed_words(frozenset(allowed_names))
    newlines = [match.start() for match in _NEWLINE.finditer(text)]
    text, cuts, dropped = soft_breaks_read(text)
    taken = bytearray(len(text))
    findings: dict[tuple[str, int, str], Finding] = {}
    ids: dict[tuple[str, str], str] = {}
    for kind, start, end in _candidates(text, allowed):
        if kind == "name" and _in_idiom(text, start, end):
            continue  # "uncle sam wants his cut", "Mother Nature": no person
        if kind == identifier_names.NAMED_TOWN:
            if text[start:end].lower() in practice_towns:
                continue  # the practice's own town without a cue: left to the other detectors
            kind = "town"
        if end <= start or taken.find(1, start, end) != -1:
            continue  # already reported as a more specific kind
        taken[start:end] = b"\x01" * (end - start)
        line = first_line + bisect.bisect_left(newlines, _in_original(start, cuts, dropped))
        matched = text[start:end]
        found_id = ids.get((kind, matched)) or ids.setdefault(
            (kind, matched), finding_id(kind, matched)
        )
        if (kind, line, found_id) not in findings:
            findings[(kind, line, found_id)] = Finding(kind, line, found_id)
    return sorted(findings.values(), key=lambda f: (f.line, f.kind, f.id))


RELEASE_FROM = 5_000  # pieces: a smaller site's build has room for the word lists


def release_word_lists(pieces: int) -> None:
    """Let go of the word lists the scan reads (pyspellchecker's 160,000 words with their
    counts: about 20 MB) after the check of a site of `pieces` pieces, from RELEASE_FROM up: a
    build scans nothing once its check is done, and at 50,000 pieces its peak memory had less
    than that to spare. A scan after this reads them again (0.15-0.25 s), which a smaller site
    is spared: the test suite builds sample sites in one process a thousand times and more,
    and read the lists again for every one. The preview, which checks again on every save,
    never calls this. A check that scanned nothing (every scan cached) never loaded the scan's
    modules, and they are not loaded here (importing them: 0.04 s of a rebuild from compiled
    modules, 0.15 s without)."""
    if pieces < RELEASE_FROM:
        return
    if (shapes := sys.modules.get(f"{__package__}.identifier_shapes")) is not None:
        shapes.word_counts.cache_clear()
        shapes.english_words.cache_clear()
    if (names := sys.modules.get(f"{__package__}.identifier_names")) is not None:
        names._misspelt.cache_clear()


def warm_up() -> None:
    """Import the scan's modules and read its word, name and town lists now. The preview
    calls this in the background once it serves: its start-up check is replayed from the cache
    and scans nothing, so the first story saved after it paid for all of them (0.6-1.3 s).
    Whatever fails here is left to the first scan, which says so at its file."""
    from . import identifier_names, identifier_shapes

    try:
        for load in (identifier_shapes.word_counts, identifier_shapes.english_words, identifier_names.first_names,
                     identifier_names.world_first_names, identifier_names.surnames, identifier_names.us_towns,
                     identifier_names.us_word_towns, identifier_names._town_keys, _script_word):
            load()
        scan_story([("Dr. Ana Reyes met my neighbour in Springfield, Ohio on March 3; call 555-0100.", 1)])
    except Exception:  # noqa: BLE001 (a thread's traceback in the author's terminal says nothing useful)
        return


def scan_story(
    parts: list[tuple[str, int]], allowed_names: Iterable[str] = (), practice_towns: Iterable[str] = ()
) -> list[Finding]:
    """Findings in every shown part of a story: `parts` is (visible plain text, file line it starts on)."""
    allowed, towns = frozenset(allowed_names), frozenset(practice_towns)
    found: dict[tuple[str, int, str], Finding] = {}
    for text, line in parts:
        for finding in scan(text, line, allowed, towns):
            found.setdefault((finding.kind, finding.line, finding.id), finding)
    return sorted(found.values(), key=lambda f: (f.line, f.kind, f.id))


def findings_key(parts: list[tuple[str, int]], allowed_names: Iterable[str]) -> tuple[str, str]:
    """The cache kind and text of a story's scan: the findings depend on the parts, their lines
    and the allowed names, encoded unambiguously as JSON."""
    encoded = json.dumps(
        {"parts": [[text, line] for text, line in parts], "allowed": sorted(set(allowed_names))},
        ensure_ascii=False,
    )
    return f"findings:v{SCAN_KEY_VERSION}", encoded
