"""The leak checks read a page fast (bytes.translate for ASCII text, common punctuation read as
the spaces it is, runs of words looked up in C). Each fast reading must find exactly what its
plain definition finds, on any text: these properties hold the fast code to the definitions."""

from __future__ import annotations

import html
import re
import threading
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import leaks

# Pieces that exercise every path: ASCII words and markup, the punctuation read as spaces,
# invisible characters, look-alike and compatibility letters, combining marks, letters whose
# case folding is ASCII (Kelvin sign, long s), references and escapes, story addresses.
PIECES = [
    "a", "racing", "Heart", "STEADY", "plan", "x9", "_", " ", "\n", "\t", ".", ",", "-", "/", "'",
    "<p>", "</p>", "<a href='", "'>", "<!--", "-->", "&amp;", "&#97;", "&shy;", "&nbsp;", "%2D", "%61",
    "\u2014", "\u2013", "\u00b7", "\u2019", "\u2018", "\u201c", "\u201d", "\u2022", "\u00a9", "\u00a0",
    "\u2026", "\u2122", "\u200b", "\u00ad", "\u2060", "\ufeff", "\u0430", "\u043e", "\u0399", "\uff32",
    "\ufb03", "\u0301", "e\u0301", "\u212a", "\u017f", "\u00df", "\u0130", "stories/", "Stories/",
    "st&#111;ries/", "a-racing-heart", "story-7", "<em>", "</EM>", "<Span class='x'>", "</span>", "<wbr>",
    "<div>", "<kbd>", "<abbrev>", "<ruby>", "<rt>", "<LABEL>", "\u0336", "\u0489", "\u20dd",
    # stop 47: what a browser reads as no tag, as an inline one, or as a comment
    "</x>", "<x-a>", "<!>", "<?x>", "</ x>", "<img alt=\"\">", "<br>", "<input>", '<x title="a>b">', "< ", "<p-x>",
    "<svg>", "<text>", '="', "=", "'",
    # stop 49: letters read as punctuation, and letters and digits a reader takes for a dot or a blank
    "\u02bc", "\ua4f9", "\ua4f8", "\u02d1", "\u1427", "\u0660", "\u3164", "\uffa0", "\u30fc",
]
pages = st.lists(st.sampled_from(PIECES), max_size=60).map("".join)


BLOCKS = set(leaks._BLOCK_NAMES.split())
PARTING = BLOCKS | set(leaks._EMBEDDED_NAMES.split())


def _tag_end(text: str, start: int) -> int:
    """Where the tag opened at `start` ends (its `>`), a `>` inside a quoted value ending none;
    -1 where no `>` ends it."""
    at = start + 1
    while at < len(text):
        if text[at] == ">":
            return at
        if text[at] == "=":
            value = at + 1
            while value < len(text) and text[value].isspace():
                value += 1
            if value < len(text) and text[value] in "\"'" and (close := text.find(text[value], value + 1)) >= 0:
                at = close + 1
                continue
        at += 1
    return -1


def tags_read_by_definition(text: str, parting: set[str] = PARTING, kept: bool = False) -> str:
    """`text` with each tag read as a browser shows it (stop 47): a space for an element of
    `parting` (with `kept`, the tag as it is), nothing for any other tag, comment or what the
    parser reads as one."""
    out, at = [], 0
    while at < len(text):
        if text[at] == "<" and at + 1 < len(text):
            follower = text[at + 1]
            if text.startswith("<!--", at) and (end := text.find("-->", at + 4)) >= 0:
                at = end + 3
                continue
            if follower in "!?" and (end := text.find(">", at)) >= 0:
                at = end + 1
                continue
            if follower.isascii() and (follower.isalpha() or follower == "/") and (end := _tag_end(text, at)) >= 0:
                name = re.match(r"/?([A-Za-z][^\s/>]*)", text[at + 1 : end])
                if name is not None and name.group(1).lower() in parting:
                    out.append(text[at : end + 1] if kept else " ")
                at = end + 1
                continue
        out.append(text[at])
        at += 1
    return "".join(out)


def words_by_definition(text: str, embedded: bool = False, dots: bool = True) -> list[str]:
    text = tags_read_by_definition(text, BLOCKS if embedded else PARTING)
    # A Hangul filler is read as a dot-like letter, not dropped; dot-like letters part words, or
    # with `dots` false are nothing (stop 49).
    text = re.sub("[\u115f\u1160\u3164\uffa0]", "\u02d1", html.unescape(text))
    text = leaks.as_seen(text).replace("&", " and ")  # "&" is read "and" (rt7)
    text = leaks._dot_like().sub(" " if dots else "", text)
    # Nonspacing and enclosing marks are no part of a word's letters (`ra\u0336cing`), an accent
    # NFKC joined to its letter included (`á`: rt7).
    text = unicodedata.normalize("NFD", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Mn", "Me"))
    return re.sub(r"[\W_]+", " ", text).casefold().split()


def decoded_by_definition(text: str) -> str:
    for _ in range(2):
        if "&" not in text and "%" not in text:
            break
        text = leaks.unquote(html.unescape(text))
    return leaks._IGNORABLE.sub("", text)


def spaced_by_definition(words: list[str], index: leaks.Quoted) -> bool:
    # Four or more words of one ASCII letter in a row are a word spaced out (rt8): read with
    # their letters run together, with the 64 words on each side, and holding, across the run,
    # a text, a name or a secret run together too.
    joined = {"".join(text) for kind in (index.texts, index.short, index.names, index.secrets)
              for group in kind.values() for text in group}
    i = 0
    while i < len(words):
        j = i
        while j < len(words) and len(words[j]) == 1 and "a" <= words[j] <= "z":
            j += 1
        if j - i >= 4:
            around = words[max(0, i - 64) : j + 64]
            letters = "".join(around)
            first = len("".join(words[max(0, i - 64) : i]))
            last = first + len("".join(words[i:j]))
            for text in joined:
                for at in range(len(letters) - len(text) + 1):
                    if letters.startswith(text, at) and at < last and at + len(text) > first:
                        return True
        i = max(j, i + 1)
    return False


def quotes_by_definition(words: list[str], index: leaks.Quoted) -> bool:
    if spaced_by_definition(words, index):
        return True
    for i in range(len(words)):
        for needle in [n for group in index.texts.values() for n in group]:
            if tuple(words[i : i + len(needle)]) == needle:
                return True
        if tuple(words[i : i + leaks.PASSAGE_WORDS]) in index.runs:
            return True
    return False


@settings(max_examples=400, deadline=None)
@given(pages)
def test_words_are_read_as_defined(text):
    assert leaks._words(text) == words_by_definition(text)
    words, joined, _ = leaks._readings(text)
    assert words == words_by_definition(text)
    together = words_by_definition(text, embedded=True, dots=False)
    assert joined == (None if together == words else together)


@settings(max_examples=400, deadline=None)
@given(pages)
def test_story_addresses_are_found_as_defined(text):
    slugs = frozenset({"a-racing-heart", "story-7", "a"})
    seen = decoded_by_definition(text).casefold()
    # Inline markup parts no address either (`stories/a-rac<b>ing</b>-heart`).
    found = [*leaks._STORY_ADDRESS.findall(seen), *leaks._STORY_ADDRESS.findall(tags_read_by_definition(seen, kept=True)),
             *leaks._STORY_ADDRESS.findall(tags_read_by_definition(seen, BLOCKS, kept=True)),
             # a browser drops tabs and line breaks from an address (stop 47)
             *leaks._STORY_ADDRESS.findall(re.sub(r"[\t\n\r]", "", seen))]
    expected = sorted({s for s in found if s in slugs})
    assert leaks.story_traces(text, slugs) == expected
    assert leaks.decoded(text) == decoded_by_definition(text)


VOCABULARY = ["a", "racing", "heart", "and", "steady", "plan", "walk", "breathe"]
# "nav" and "elsewhere": words no run has, which part the stretches runs are looked for in.
word_lists = st.lists(st.sampled_from([*VOCABULARY, "nav", "elsewhere"]), max_size=30)


@settings(max_examples=500, deadline=None)
@given(word_lists, word_lists, st.integers(0, 3), st.integers(0, 3),
       st.lists(st.lists(st.sampled_from(VOCABULARY), min_size=5, max_size=7), min_size=1, max_size=3),
       st.lists(st.lists(st.sampled_from(VOCABULARY), min_size=12, max_size=12), min_size=1, max_size=3))
def test_quotations_are_found_as_defined(before, after, text_in, run_in, texts, runs):
    """A page of words, sometimes holding one of the texts or runs, cut or whole."""
    index = leaks.quoted_index([" ".join(t) for t in texts], [tuple(r) for r in runs])
    middle = texts[text_in % len(texts)] if text_in < 2 else runs[run_in % len(runs)] if run_in < 2 else []
    words = before + middle[: len(middle) - (text_in == 1)] + after
    assert leaks._quotes(words, index) == quotes_by_definition(words, index)


def test_the_fast_readings_were_taken():
    """The properties above compare the fast paths, not the slow ones twice: a page of Material's
    punctuation is ASCII once its marks are read as spaces."""
    text = "Patient story \u00b7 Cardiology \u2014 a racing heart\u2019s plan"
    assert leaks._without_marks(text).isascii()
    assert leaks._words(text) == ["patient", "story", "cardiology", "a", "racing", "heart", "s", "plan"]


SHORT_PIECES = [
    "back", "to", "the", "workshop", "the workshop", "the\u0430 workshop", "back to the workshop",
    " ", "<em>", "</em>", "<p>", "</p>", '"', "'", "\u201c", "\u201d", "&quot;", "&#32;",
    '<i title="', '">', "<!--", "-->", "*", "[", "](x)", "_", "\u0430", "x", "<b>", "</b>", "<wbr>",
]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(SHORT_PIECES), max_size=40).map("".join))
def test_short_titles_are_found_as_defined(text):
    """The C-speed filters before a page is read for short titles shown whole never turn away a
    page that reading every unit of it would find."""
    index = leaks.quoted_index(["Back to the workshop", "the workshop"])
    text_words = leaks._words(text)
    markup_words = leaks._words(leaks._markup_text(text))
    units = [tuple(leaks._words(unit)) for unit in leaks._units(text)]
    expected = any(unit in found for unit in units for found in index.short.values())
    assert leaks._shows_whole(text, (text_words, markup_words), index) == expected


@pytest.mark.parametrize("page", [
    # Each "data:" read to the end of the page: over a minute each on the first version.
    "<p>" + "data:" * 200_000,
    "<p>" + "data:image/svg+xml;base64," * 50_000,
    # Each `<` tried as a tag to the end of a page with no `>` after it: minutes each (stop 48).
    "<p>a racing heart " + "<a" * 100_000,
    "<p>racing " + "<img" * 100_000,
    "<p>racing " + "<!--" * 100_000,
])
def test_the_page_readings_take_time_in_proportion_to_the_page(page):
    """A page built to make the readings of `quoted_traces` and `story_traces` read it again
    from each of its characters: a build that never ends publishes nothing, and never fails."""
    index = leaks.quoted_index(["A racing heart, and a steady plan"])
    done = []
    worker = threading.Thread(target=lambda: done.append(
        (leaks.quoted_traces(page, index), leaks.story_traces(page, frozenset({"a-racing-heart"})))), daemon=True)
    worker.start()
    worker.join(60)
    assert done == [(False, [])], "the readings took more than a minute"


def test_a_consent_records_value_is_found_however_it_is_escaped():
    """Consent record values are looked for as words (stop 37, replacing rt7's pattern): a value
    written with percent escapes in an address (`esign%2F8120`, `%65sign`) read as other words."""
    from generator.leaks import quoted_index, quoted_traces

    index = quoted_index([], [], [], (), ["esign/8120"])
    for page in ('<a href="/f/esign%2F8120">x</a>', '<a href="/f/%65sign/8120">x</a>', "<p>e&#115;ign&#47;8120</p>",
                 "<p>ESIGN-8120</p>"):
        assert quoted_traces(page, index), page
    assert not quoted_traces("<p>50% of esign forms, 812 in all</p>", index)


def test_a_binary_file_is_read_in_time_in_proportion_to_it():
    """pdfcmp: a run of words was tried from each letter of a long word, and read to the word's
    end from each: a PDF whose packed stream inflates to a gigabyte of zeros (its bytes spell a
    megabyte of `U` in runs of 4,098) kept the build reading for hours before its bomb was found."""
    done = []
    worker = threading.Thread(target=lambda: done.append(leaks.carried_text(b"\0" + b"U" * 1_000_000 + b" a b")),
                              daemon=True)
    worker.start()
    worker.join(60)
    assert len(done) == 1, "reading a megabyte of one word took more than a minute"


def test_a_pdf_page_is_read_in_the_font_an_earlier_text_object_chose_through_every_pair_of_its_map():
    """pdfcmp: fpdf2 chooses the font in a text object of its own (`BT /F1 12 Tf ET`) and shows
    the text in the next, and writes its font subset's ToUnicode map as `bfchar` pairs, one a
    line. The font was forgotten at each `BT` (it is text state, kept until changed), and each
    pair was read with the next one's code as a third value, so every other letter was lost: a
    handout fpdf2 made, naming Priya Kumar (fictional), read as noise."""
    from helpers import pdf

    letters = sorted(set("Priya Kumar"))
    cmap = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n1 begincodespacerange <0000> <FFFF> "
            b"endcodespacerange\n%d beginbfchar\n" % len(letters)
            + b"".join(b"<%04X> <%04X>\n" % (code, ord(letter)) for code, letter in enumerate(letters, 1))
            + b"endbfchar\nendcmap CMapName currentdict /CMap defineresource pop end end\n")
    shown = b"".join(b"%04X" % (letters.index(letter) + 1) for letter in "Priya Kumar")
    content = b"BT /F1 12.00 Tf ET\nBT 31.18 798.60 Td <" + shown + b"> Tj ET\n"
    data = pdf((b"<</Type /Catalog /Pages 2 0 R>>", None), (b"<</Type /Pages /Kids [3 0 R] /Count 1>>", None),
               (b"<</Type /Page /Parent 2 0 R /Resources <</Font <</F1 5 0 R>>>> /Contents 4 0 R>>", None),
               (b"<<>>", content),
               (b"<</Type /Font /Subtype /Type0 /BaseFont /MPDFAA+DejaVuSans /Encoding /Identity-H /ToUnicode 6 0 R>>", None),
               (b"<<>>", cmap))
    assert "Priya Kumar" in leaks._pdf_text(data)
