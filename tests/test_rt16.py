"""Stop 48's red team: what a browser or a file's own app shows in another form than the
text the checks read, each written as the attack.

Every test here failed before its fix (see docs/security.md, the table of properties, attacks
and tests). The sample site is fictional.
"""

from __future__ import annotations

import base64

import pytest
from helpers import site_texts
from test_rt15 import AS_OF, PASSAGE, TITLE  # the sample's revoked story a-racing-heart

from generator.active_content import code_in
from generator.cli import main
from generator.leaks import quoted_index, quoted_traces

WORDS = PASSAGE.split(" ")
HALF_A, HALF_B = " ".join(WORDS[:10]), " ".join(WORDS[10:20])  # ten words each: no run of twelve alone
INDEX = quoted_index([TITLE], [tuple(word.strip(",.").lower() for word in WORDS[:12]),
                               tuple(word.strip(",.").lower() for word in WORDS[6:18])])

# Elements a browser's own stylesheet never shows in a page's body: a word inside one, after
# every few words of the passage, kept the run from being read whole.
FILLERS = ["<title>mm</title>", "<datalist>mm</datalist>", "<noembed>mm</noembed>", "<noframes>mm</noframes>",
           "<dialog>mm</dialog>", "<span popover>mm</span>", '<span popover="manual">mm</span>',
           "<details>mm</details>", "<details><summary></summary>mm</details>", "<script>mm</script>",
           "<style>mm</style>"]


def _filled(text: str, filler: str) -> str:
    return " ".join(word + (f" {filler}" if index % 3 == 2 else "") for index, word in enumerate(text.split(" ")))


@pytest.mark.parametrize("filler", FILLERS)
def test_a_word_in_an_element_a_browser_never_shows_cuts_no_quotation(filler):
    assert quoted_traces(f"<main><p>{_filled(PASSAGE, filler)}</p></main>", INDEX)
    assert quoted_traces(f"<h2>{_filled(TITLE, filler)}</h2>", INDEX)


def test_a_pages_own_title_and_an_open_dialog_are_still_read():
    """The readings that drop what a browser hides are read beside the page as written."""
    assert quoted_traces(f"<html><head><title>{TITLE}</title></head><body><p>x</p></body></html>", INDEX)
    assert quoted_traces(f"<p><dialog open>{PASSAGE}</dialog></p>", INDEX)
    assert not quoted_traces("<html><head><title>Heart care</title></head><body><p>A racing pulse.</p></body></html>",
                             INDEX)


@pytest.mark.parametrize("markup", [
    '<p dir="rtl"><bdo>{}</bdo></p>',  # a bdo takes its parent's direction
    "<bdo>{}</bdo>",
    '<span style="direction:rtl;unicode-bidi:isolate-override">{}</span>',
    '<span style="unicode-bidi: bidi-override; direction: rtl">{}</span>',
])
def test_text_shown_backwards_is_read_forwards(markup):
    assert quoted_traces(markup.format(PASSAGE[::-1]), INDEX)


@pytest.mark.parametrize("markup", [
    "<table><tr><td>{b}</td></tr>{a}</table>",  # the parser moves the text before the table
    "<table><tr><td>{b}</td></tr><caption>{a}</caption></table>",  # a caption is drawn on top
    "<table><tfoot><tr><td>{b}</td></tr></tfoot><tbody><tr><td>{a}</td></tr></tbody></table>",
    "<table><tbody><tr><td>{b}</td></tr></tbody><thead><tr><th>{a}</th></tr></thead></table>",
    "<details open><p>{b}</p><summary>{a}</summary></details>",  # the summary is drawn first
    '<div style="display:flex;flex-direction:column-reverse"><p>{b}</p><p>{a}</p></div>',
    '<div style="display:flex"><span style="order:2">{b}</span> <span style="order:1">{a}</span></div>',
    '<table dir="rtl"><tr><td>{b}</td><td>{a}</td></tr></table>',
    '<div dir="rtl" style="display:flex"><span>{b}</span><span>{a}</span></div>',
    # the nearest direction counts once, however many ancestors set it
    '<div dir="rtl"><div dir="rtl"><table><tr><td>{b}</td><td>{a}</td></tr></table></div></div>',
    '<table><tr dir="rtl"><td>{b}</td><td>{a}</td></tr></table>',
    # `dir="auto"` turns right to left on a right-to-left mark (stop 48's second red team)
    '<div class="grid" dir="auto"><p>&rlm;{b}</p><p>{a}</p></div>',
    # a box inside a box: the inner one turned first, and kept turned by the outer one's turn
    '<div dir="rtl" style="display:flex"><div dir="rtl" style="display:flex"><span>{b}</span><span>{a}</span></div></div>',
])
def test_a_quotation_drawn_in_another_order_than_written_is_read_as_drawn(markup):
    """Two halves of ten words each, written second half first, drawn first half first."""
    assert not quoted_traces(f"<p>{HALF_B}</p><p>{HALF_A}</p>", INDEX)  # halves alone: no run of twelve
    assert quoted_traces(markup.format(a=HALF_A, b=HALF_B), INDEX)


@pytest.mark.parametrize("style", [
    "order:2", "display: flex; flex-direction: column-reverse", "FLEX-FLOW: row-reverse wrap", "float:right",
    "position:absolute;top:0", "grid-row: 1", "direction:rtl", "unicode-bidi:isolate-override", "transform: scaleX(-1)",
    r"o\72 der:1", "/**/order:1",
    "margin-left:-65ch", "letter-spacing: -2em",  # a negative margin draws a word before another
])
def test_a_guide_may_not_move_its_text_with_a_style(style):
    assert list(code_in(f'<span style="{style}">x</span>'))
    assert list(code_in(f'Some words {{ style="{style}" }}'))


@pytest.mark.parametrize("markup", [
    '<span class="md-toggle">mm</span>',  # Material never shows it
    '<div class="md-content--post">',  # Material reverses its children on a phone
    '<span class="fw-visually-hidden">x</span>', '<p class="note fw-print-only">x</p>', '<div class="tabbed-block">',
    "Some words { .md-toggle }",
    '<span class="&#109;d-toggle">mm</span>', '<span class="x&#x20;md-toggle">mm</span>',  # as a browser reads them
])
def test_a_guide_may_not_use_the_themes_layout_classes(markup):
    """Stop 48's second red team: a filler in `md-toggle` (display: none), or two halves in
    `md-content--post` (reversed below 76.25em), published a withheld passage, no style needed."""
    assert list(code_in(markup))


def test_a_guide_may_still_use_materials_button_classes():
    assert not list(code_in('<a class="md-button md-button--primary" href="/book/">Book</a>'))
    assert not list(code_in("[Book a visit](/book/){ .md-button }"))


@pytest.mark.parametrize("style", ["color: #444", "font-weight: bold", "border: 1px solid", "margin-left: 1em"])
def test_a_guide_may_still_colour_and_space_its_text(style):
    assert not list(code_in(f'<span style="{style}">x</span>'))


def _static_files() -> dict[str, bytes]:
    """Files whose app (a calendar, a mail program, a browser opening MHTML, a word processor)
    shows the passage whole, while read as they are written they hold other words."""
    description = "DESCRIPTION:" + PASSAGE.replace(",", "\\,")
    folded = "\r\n ".join(description[at : at + 7] for at in range(0, len(description), 7))
    card = "\r\n".join(["BEGIN:VCARD", "VERSION:3.0", "FN:Clinic", "NOTE:" + "\r\n\t".join(
        PASSAGE[at : at + 9] for at in range(0, len(PASSAGE), 9)), "END:VCARD", ""])
    tokens = ["=20" if letter == " " else letter for letter in f"<html><body><p>{PASSAGE}</p></body></html>"]
    printable = "=\r\n".join("".join(tokens[at : at + 7]) for at in range(0, len(tokens), 7))
    escaped = "".join(f"\\'{ord(letter):02x}" if index % 3 == 1 and letter.isalpha() else letter
                      for index, letter in enumerate(PASSAGE))
    grouped = " ".join(word[:2] + "{\\b0 " + word[2:] + "}" if len(word) > 3 else word for word in WORDS)
    return {
        "event.ics": ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nSUMMARY:Heart talk\r\n" + folded
                      + "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n").encode(),
        "clinic.vcf": card.encode(),
        "letter.eml": ("From: clinic@example.org\r\nSubject: A note\r\nMIME-Version: 1.0\r\n"
                       "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                       + base64.encodebytes(PASSAGE.encode()).decode()).encode(),
        "saved.mht": ("From: <Saved by Blink>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/related; "
                      'type="text/html"; boundary="B"\r\n\r\n--B\r\nContent-Type: text/html\r\n'
                      "Content-Transfer-Encoding: quoted-printable\r\n\r\n" + printable + "\r\n--B--\r\n").encode(),
        "note.txt": ("Subject: =?utf-8?b?" + base64.b64encode(TITLE.encode()).decode() + "?=\r\n"
                     "MIME-Version: 1.0\r\n\r\nSee you soon.\r\n").encode(),  # a mail by its headers, any name
        "story.rtf": ("{\\rtf1\\ansi\\ansicpg1252{\\fonttbl\\f0 Times;}\\f0 " + escaped + "\\par}").encode(),
        "grouped.rtf": ("{\\rtf1\\ansi " + grouped + "\\par}").encode(),
        # stop 48's second red team: a page's own stylesheet hiding fillers, RTF's hidden text as
        # fillers, a vCard 2.1 value in quoted-printable
        "handout.html": ("<!doctype html><html><head><title>Handout</title><style>.f{display:none}</style></head>"
                         "<body><p>" + _filled(PASSAGE, '<span class="f">zq</span>') + "</p></body></html>").encode(),
        "hidden.rtf": ("{\\rtf1\\ansi " + _filled(PASSAGE, "{\\v zq }") + "\\par}").encode(),
        "card21.vcf": ("BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Clinic\r\nNOTE;ENCODING=QUOTED-PRINTABLE:"
                       + "=\r\n".join("".join(f"={byte:02X}" for byte in PASSAGE.encode()[at : at + 20])
                                       for at in range(0, len(PASSAGE.encode()), 20))
                       + "\r\nEND:VCARD\r\n").encode(),
    }


def test_a_static_file_is_read_as_its_app_shows_it(sample, capsys):
    """Stop 48's red team: a calendar folded mid-word, a mail in base64, a web archive in
    quoted-printable and RTF's escapes and groups were read as written, and published."""
    pages = sample / "theme/pages"
    for name, data in _static_files().items():
        (pages / name).write_bytes(data)
    (pages / "plain.ics").write_bytes(b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:Flu clinic\r\n"
                                      b"DESCRIPTION:Walk in\r\n  any weekday.\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 0
    err = capsys.readouterr().err
    for name in _static_files():
        assert not (sample / "site" / name).exists(), name
        assert f"Static file '{name}' left out of the site: it quotes a withheld story" in err, name
    assert (sample / "site/plain.ics").is_file()


def test_pages_a_browser_draws_in_another_form_stop_the_build(sample, capsys):
    """One real build: practice pages (docs_dir, where style attributes are allowed) whose
    browser shows the passage whole, each left out, and nothing of the passage in the site."""
    pages = sample / "theme/pages"
    attacks = {
        "filler": f"<p>{_filled(PASSAGE, '<title>mm</title>')}</p>",
        "popover": f"<p>{_filled(PASSAGE, '<span popover>mm</span>')}</p>",
        "bdo": f'<p dir="rtl"><bdo>{PASSAGE[::-1]}</bdo></p>',
        "caption": f"<table><tr><td>{HALF_B}</td></tr><caption>{HALF_A}</caption></table>",
        # Flywheel's own classes that hide, and the header's phone link copied around a word
        "own-class": "<p>" + _filled(PASSAGE, '<span class="note fw-print-only"> x</span>') + "</p>",
        "phone-link": ('<p>A racing <a class="fw-header__phone" href="tel:1"><span class="fw-visually-hidden">'
                       "Call us on </span>heart</a>, and a steady plan</p>"),
        "order": f'<div style="display:flex"><span style="order:2">{HALF_B}</span> '
                 f'<span style="order:1">{HALF_A}</span></div>',
    }
    for name, html in attacks.items():
        (pages / f"{name}.md").write_text(f"# Notes {name}\n\n{html}\n")
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 1
    err = capsys.readouterr().err
    for name in attacks:
        assert f"page {name}.md quotes a withheld story" in err, name
    for path, text in site_texts(sample / "site").items():
        assert "bird trapped" not in text and "racing heart, and a steady" not in text, path
        assert HALF_A not in text, path


def test_a_guide_that_moves_its_text_with_a_style_is_withheld(sample, capsys):
    """The guide holding the reversed story behind a direction override never reaches the
    site: withheld at check time, as a guide holding a script is."""
    guide = sample / "content/guides/cardiology/afib-blood-thinners.md"
    guide.write_text(guide.read_text() + f'\n<span style="unicode-bidi: bidi-override; direction: rtl">'
                     f"{TITLE[::-1]}</span>\n")
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 0
    err = capsys.readouterr().err
    assert "guide-runs-code" in err and "afib-blood-thinners.md" in err
    for path, text in site_texts(sample / "site").items():
        assert TITLE[::-1] not in text and "nalp ydaets" not in text, path


def test_a_guide_with_a_closed_details_or_a_right_to_left_paragraph_builds(sample, capsys):
    """Stop 48's second red team: the address check read a page as shown, then read what it
    showed as shown again; a closed `details` or a `dir="rtl"` paragraph is still there after,
    so any guide holding one ended the build with a RecursionError, or used all memory (the
    text doubled each time), and no revocation could deploy."""
    guide = sample / "content/guides/cardiology/afib-blood-thinners.md"
    guide.write_text(guide.read_text() + '\n<details><summary>More about heat</summary><p>Drink water.</p></details>\n'
                     '\n<p dir="rtl">שלום</p>\n\n<p dir="auto">Hello</p>\n')
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 0
    capsys.readouterr()
    page = next(path for path, text in site_texts(sample / "site").items() if "More about heat" in text)
    assert page.endswith("index.html")
