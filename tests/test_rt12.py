"""Red team rt12's routes around the consent promise, each written as the attack.

Every test here failed before its fix (see docs/security.md, the table of properties, attacks
and tests). The sample site is fictional.
"""

from __future__ import annotations

import struct
import zlib

import pytest
from helpers import pdf as _pdf

from generator.cli import main

AS_OF = "2026-11-22"
LEFT_OUT = "Static file '{}' left out of the site: it quotes a withheld story"


def _build(sample) -> int:
    return main(["build", "--root", str(sample), "--as-of", AS_OF])


def _png(*chunks: tuple[bytes, bytes]) -> bytes:
    """A 1x1 PNG with `chunks` (kind, data) before its picture's data."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
    return (b"\x89PNG\r\n\x1a\n" + header + b"".join(chunk(kind, data) for kind, data in chunks)
            + chunk(b"IDAT", zlib.compress(b"\0\xff\xff\xff")) + chunk(b"IEND", b""))


def _ico(*pictures: bytes) -> bytes:
    """An icon holding `pictures` (PNGs, as every icon of 256 pixels and Windows Vista's are)."""
    out, at = struct.pack("<HHH", 0, 1, len(pictures)), 6 + 16 * len(pictures)
    for picture in pictures:
        out += struct.pack("<BBBBHHII", 1, 1, 0, 0, 1, 32, len(picture), at)
        at += len(picture)
    return out + b"".join(pictures)


@pytest.mark.parametrize("name, data", [
    ("favicon.ico", _ico(_png((b"tEXt", b"Author\0Priya Kumar")))),
    ("favicon.ico", _ico(_png((b"zTXt", b"Author\0\0" + zlib.compress(b"Priya Kumar"))))),
    ("icon.icns", b"icns\0\0\0\0ic10\0\0\0\0" + _png((b"iTXt", b"Author\0\x01\0en\0\0" + zlib.compress(b"Priya Kumar")))),
], ids=["ico-text", "ico-compressed-text", "icns-compressed-itxt"])
def test_a_png_inside_an_icon_is_read_as_a_png(sample, name, data, capsys):
    """rt12: a PNG's text chunks were read only in a file that starts as a PNG. An icon
    (`.ico`, `.icns`) holds its pictures as PNGs after a header of its own, and every viewer
    that opens the picture inside shows its text: a favicon in the theme folder whose PNG names
    Priya Kumar (her only story has no consent) as its author was published on every page."""
    (sample / "theme/pages" / name).write_bytes(data)
    assert _build(sample) == 0
    assert not (sample / "site" / name).exists()
    assert LEFT_OUT.format(name) in capsys.readouterr().err


_PASSAGE = ("Out of nowhere my heart started racing and fluttering, like a bird trapped in my chest. "
            "I was not in pain, but I felt dizzy and out of breath.")


@pytest.mark.parametrize("codec", ["utf-32-le", "utf-32-be"])
def test_a_text_file_in_utf_32_without_a_byte_order_mark_is_read(sample, codec, capsys):
    """rt12: a static file with NUL bytes is binary, read as the runs of words it carries, and
    as UTF-16 without a mark; UTF-32 without one (what some editors and `iconv -t UTF-32LE`
    write) put three NULs between letters and read as no words. A text editor shows the
    revoked story's passage as written."""
    (sample / "theme/pages/notes.txt").write_bytes(_PASSAGE.encode(codec))
    assert _build(sample) == 0
    assert not (sample / "site/notes.txt").exists()
    assert LEFT_OUT.format("notes.txt") in capsys.readouterr().err


def test_an_icon_whose_png_names_no_withheld_champion_is_published(sample, capsys):
    (sample / "theme/pages/favicon.ico").write_bytes(_ico(_png((b"tEXt", b"Author\0Anna Walker"))))
    assert _build(sample) == 0
    assert (sample / "site/favicon.ico").is_file()
    capsys.readouterr()


def _font_pdf(content: bytes, font: bytes, *more: tuple[bytes, bytes | None]) -> bytes:
    """A one-page PDF showing `content` (packed) in font /F1, object 5, `font`; `more` objects
    from number 6 on."""
    return _pdf((b"<</Type /Catalog /Pages 2 0 R>>", None), (b"<</Type /Pages /Kids [3 0 R] /Count 1>>", None),
                (b"<</Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources <</Font <</F1 5 0 R>>>> /Contents 4 0 R>>", None),
                (b"<</Filter /FlateDecode>>", zlib.compress(content)), (font, None), *more)


# "Priya Kumar" in codes A to I, their glyphs renamed by the font's encoding: a viewer draws
# (and copies, and finds) P r i y a, a space, K u m, as the glyphs' names say.
_DIFFERENCES = b"/Differences [65 /P /r /i /y /a /space /K /u /m]"
_SHOWN = b"BT /F1 12 Tf 72 700 Td (ABCDEFGHIEB) Tj ET"
_TYPE3 = (b"<</Type /Font /Subtype /Type3 /FontBBox [0 0 1000 1000] /FontMatrix [0.001 0 0 0.001 0 0]"
          b" /CharProcs 6 0 R /Encoding <</Type /Encoding " + _DIFFERENCES + b">> /FirstChar 65 /LastChar 73"
          b" /Widths [600 600 600 600 600 600 600 600 600]>>")


@pytest.mark.parametrize("font, more", [
    (b"<</Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding <</Type /Encoding " + _DIFFERENCES + b">>>>", ()),
    (b"<</Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding 6 0 R>>",
     ((b"<</Type /Encoding /BaseEncoding /WinAnsiEncoding " + _DIFFERENCES + b">>", None),)),
    ((b"<</Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding <</Differences [65 /P /r /i /y.alt /a /uni0020"
      b" /K.sc /u /m]>>>>"), ()),
    (_TYPE3, ((b"<<" + b" ".join(b"/" + name + b" 7 0 R" for name in b"P r i y a space K u m".split()) + b">>", None),
              (b"<<>>", b"600 0 0 0 700 700 d1 0 0 m 500 700 l f"))),
    (b"<</Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 6 0 R /Encoding <<" + _DIFFERENCES + b">>>>",
     ((b"<<>>", (b"begincmap 1 begincodespacerange <00> <FF> endcodespacerange\n"
                 b"1 beginbfrange <41> <49> <0058> endbfrange endcmap")),)),
], ids=["differences", "encoding-object", "suffixed-names", "type3", "to-unicode-saying-otherwise"])
def test_a_pdf_whose_font_renames_its_glyphs_is_read_as_the_glyphs_show(sample, font, more, capsys):
    """rt12 (a lead rt11 left): a PDF's page text was read through its font's ToUnicode map or,
    without one, as Latin-1. A font's encoding may rename its codes' glyphs (`/Differences`,
    as TeX, Word's PDF export of a symbol font and every Type 3 font write): the page's bytes
    say "ABCDEFGHIEB" and every viewer draws, copies and finds "Priya Kumar" (her only story
    has no consent). A handout so written was published; so was one whose ToUnicode map reads
    the codes as other letters (what is copied) while a standard font draws the glyphs named."""
    (sample / "theme/pages/handout.pdf").write_bytes(_font_pdf(_SHOWN, font, *more))
    assert _build(sample) == 0
    assert not (sample / "site/handout.pdf").exists()
    assert LEFT_OUT.format("handout.pdf") in capsys.readouterr().err


def test_a_pdf_whose_font_renames_its_glyphs_to_nothing_withheld_is_published(sample, capsys):
    font = b"<</Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding <</Differences [65 /A /n /n /a /space /W]>>>>"
    (sample / "theme/pages/handout.pdf").write_bytes(_font_pdf(b"BT /F1 12 Tf 72 700 Td (ABCDEF) Tj ET", font))
    assert _build(sample) == 0
    assert (sample / "site/handout.pdf").is_file()
    capsys.readouterr()


def _interrupted(*args, **kwargs):
    raise KeyboardInterrupt  # Ctrl-C, SIGTERM or SIGHUP while pages render: after the gate, before the swap


def test_an_interrupted_build_still_takes_a_revoked_story_off_the_site(sample, monkeypatch, capsys):
    """rt12: a build stopped by Ctrl-C, SIGTERM or SIGHUP (a slow build, a process manager, a
    closed terminal) left site/ as it was, a story revoked since the last build included, and
    ran no last resort; a failed build would have taken the story off. Whoever then deploys
    site/ by hand (rsync, a drag-and-drop host) deployed the revoked story."""
    from helpers import revoke_finding_answers, site_shows

    from generator import pages_pool

    assert _build(sample) == 0
    assert (sample / "site/stories/finding-answers/index.html").is_file()
    revoke_finding_answers(sample)
    capsys.readouterr()
    monkeypatch.setattr(pages_pool, "build", _interrupted)
    assert _build(sample) == 130
    assert not (sample / "site/stories/finding-answers").exists()
    assert site_shows(sample / "site", "stories/finding-answers") == []
    assert (sample / "site/robots.txt").is_file()  # what shows no withheld story stays
    assert "finding-answers" in capsys.readouterr().err


def test_a_build_stopped_by_sigterm_while_pages_render_takes_a_revoked_story_off_the_site(sample):
    """The same stopped by a real SIGTERM (a CI job cancelled, `docker stop`) while the pages
    render into the staging folder."""
    import os
    import signal
    import sys

    from helpers import add_guides, build_under_way, revoke_finding_answers, site_shows

    assert _build(sample) == 0
    revoke_finding_answers(sample)
    add_guides(sample, 400)  # a build long enough to be stopped in the middle
    proc = build_under_way([sys.executable, "-m", "generator.cli", "build", "--root", str(sample), "--as-of", AS_OF,
                            "--no-cache"], sample)
    os.kill(proc.pid, signal.SIGTERM)
    assert proc.wait(60) == 130
    assert not (sample / "site/stories/finding-answers").exists()
    assert site_shows(sample / "site", "stories/finding-answers") == []
    assert not list(sample.glob(".site.*"))


def test_of_two_builds_at_once_the_site_keeps_the_one_that_read_the_project_later(sample, monkeypatch):
    """rt12: two builds of one site at once (a deploy hook run for two pushes in a row, an
    editor's build while a scheduled one runs). The first read the project before the consent
    was revoked, the second after; the second finished first. The first's swap then put the
    revoked story back on the site (and the second had deleted the first's staging folder as a
    killed build's leftover, so the first's swap could leave no site at all)."""
    import subprocess
    import sys

    from helpers import revoke_finding_answers, site_shows

    from generator import publish

    assert _build(sample) == 0
    commit = publish.SiteSwap.commit
    later = []

    def second_build_finishing_first(self, background=False):
        if not later:
            revoke_finding_answers(sample)
            later.append(subprocess.run([sys.executable, "-m", "generator.cli", "build", "--root", str(sample),
                                         "--as-of", AS_OF], capture_output=True, text=True, check=False))
        commit(self, background)

    monkeypatch.setattr(publish.SiteSwap, "commit", second_build_finishing_first)
    assert _build(sample) == 0
    assert later[0].returncode == 0, later[0].stderr
    assert (sample / "site/index.html").is_file()
    assert site_shows(sample / "site", "stories/finding-answers") == []
    assert not list(sample.glob(".site.staging-*"))


def _workflow(cron_lines: list[str] | None) -> str:
    """The example workflow (it runs `flywheel build --strict`) with `cron_lines` as its schedule,
    or none."""
    from helpers import REPO

    text = (REPO / "examples/github-actions/flywheel.yml").read_text()
    start, end = text.index("  schedule:\n"), text.index("\npermissions:")
    block = "" if cron_lines is None else "  schedule:\n" + "".join(f'    - cron: "{line}"\n' for line in cron_lines)
    return text[:start] + block + text[end:]


@pytest.mark.parametrize("zone, crons, late", [
    ("Pacific/Honolulu", ["17 5,6 * * *"], True),  # the example's Chicago hours: 19:17 the evening before
    ("Asia/Tokyo", ["17 5,6 * * *"], True),  # 14:17 and 15:17 in Tokyo
    ("America/Chicago", None, True),  # the schedule deleted: until the next push
    ("America/Chicago", ["17 6 * * 1"], True),  # Mondays only
    ("America/Denver", ["17 6 * * *"], True),  # 23:17 in Denver's winter
    ("America/Chicago", ["17 5,6 * * *"], False),
    ("America/Denver", ["17 6,7 * * *"], False),
    ("Asia/Tokyo", ["17 15 * * *"], False),
    ("Pacific/Honolulu", ["*/30 * * * *"], False),
], ids=["honolulu-chicago-hours", "tokyo-chicago-hours", "no-schedule", "weekly", "denver-one-hour",
        "chicago", "denver", "tokyo", "every-half-hour"])
def test_a_workflow_that_builds_long_after_the_practices_midnight_is_a_warning(sample, zone, crons, late, capsys):
    """rt12: a consent ends on its `expires_on` day in the practice's zone, and a day without a
    commit gets only the workflow's scheduled build. `flywheel init` writes the schedule for the
    practice's zone, but a practice that copied the example workflow (the sample's Chicago
    hours) into a project in Honolulu or Tokyo, changed `practice.yml`'s zone afterwards, or
    deleted or narrowed the schedule, kept a story whose consent ended published for most of
    that day (or until the next push), and no command said so. `flywheel build` now warns."""
    from helpers import edit_yaml

    edit_yaml(sample / "practice.yml", timezone=zone)
    (sample / ".github/workflows").mkdir(parents=True)
    (sample / ".github/workflows/site.yml").write_text(_workflow(crons))
    assert _build(sample) == 0  # a warning (under --strict an error, after the site is written)
    assert (sample / "site/index.html").is_file()
    assert ("/site.yml: warning:" in capsys.readouterr().err) is late


@pytest.mark.parametrize("kind", ["pipe", "aliases", "not-yaml"])
def test_a_workflow_that_cannot_be_read_never_holds_back_the_build(sample, kind, capsys):
    """Reading the workflows never waits on a pipe, never expands an alias, never raises."""
    import os

    folder = sample / ".github/workflows"
    folder.mkdir(parents=True)
    if kind == "pipe":
        os.mkfifo(folder / "site.yml")
    elif kind == "aliases":
        lines = ["a0: &a0 [flywheel build]"] + [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 30)]
        (folder / "site.yml").write_text("\n".join(lines) + "\non: {schedule: [{cron: *a29}]}\n")
    else:
        (folder / "site.yml").write_text("run: flywheel build\non: [: {\n\t\0")
    assert _build(sample) == 0
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize("zone", ["America/Denver", "Pacific/Chatham", "Asia/Kolkata", "Australia/Lord_Howe"])
def test_the_workflow_flywheel_init_writes_is_on_time(tmp_path, zone, capsys):
    from helpers import init_project

    project = init_project(tmp_path, "--timezone", zone)
    main(["build", "--root", str(project)])
    assert "schedule-after-midnight" not in capsys.readouterr().err


def test_an_interrupted_export_still_takes_a_revoked_story_off_the_previous_export(tmp_path, monkeypatch, capsys):
    """rt12: as an interrupted build (above), `flywheel export` stopped by Ctrl-C or SIGTERM
    while it wrote left the previous export whole, a story revoked since included: a renderer
    deploying it (Zensical) deployed the story. A failed export takes it off; so does a stopped one now."""
    from helpers import copy_sample, revoke_finding_answers

    from generator import export

    root, out = copy_sample(tmp_path), tmp_path / "export"
    assert main(["export", str(out), "--root", str(root), "--as-of", AS_OF]) == 0
    assert any("finding-answers" in p.read_text() for p in (out / "docs").rglob("*.md"))
    revoke_finding_answers(root)
    monkeypatch.setattr(export, "_write", _interrupted)
    assert main(["export", str(out), "--root", str(root), "--as-of", AS_OF]) == 130
    assert not any("finding-answers" in p.read_text() for p in (out / "docs").rglob("*.md"))
    assert "finding-answers" not in (out / "mkdocs.yml").read_text()
    assert not list(tmp_path.glob(".export.staging-*"))
    capsys.readouterr()


def test_plain_mkdocs_build_stopped_by_sigterm_takes_a_revoked_story_off_the_site(sample):
    """rt12: plain `mkdocs build` stopped by SIGTERM (`docker stop`, a process manager, a CI
    runner ending a job) died at once: no `on_shutdown`, so no last resort, and site/ kept a
    story revoked since. The plugin now has SIGTERM and SIGHUP stop a build as Ctrl-C does
    (MkDocs then runs `on_shutdown`, which withdraws)."""
    import os
    import signal
    import sys
    from pathlib import Path

    from helpers import add_guides, build_under_way, revoke_finding_answers, site_shows

    assert _build(sample) == 0
    revoke_finding_answers(sample)
    add_guides(sample, 400)  # a build long enough to be stopped in the middle
    proc = build_under_way([str(Path(sys.executable).parent / "mkdocs"), "build"], sample, cwd=sample,
                           env={**os.environ, "FLYWHEEL_AS_OF": AS_OF})
    os.kill(proc.pid, signal.SIGTERM)
    proc.wait(60)
    assert not (sample / "site/stories/finding-answers").exists()
    assert site_shows(sample / "site", "stories/finding-answers") == []
    assert not list(sample.glob(".site.staging-*"))


def _name_table(designer: str) -> bytes:
    """A font's `name` table: its family (Macintosh, Mac Roman) and designer (Windows, UTF-16)."""
    family, person = b"HandoutSans" * 8, designer.encode("utf-16-be")
    records = (struct.pack(">6H", 1, 0, 0, 1, len(family), 0)
               + struct.pack(">6H", 3, 1, 0x409, 9, len(person), len(family)))
    return struct.pack(">3H", 0, 2, 6 + len(records)) + records + family + person


def _ttf(designer: str) -> bytes:
    table = _name_table(designer)
    return struct.pack(">I4H", 0x00010000, 1, 16, 0, 0) + b"name" + struct.pack(">3I", 0, 28, len(table)) + table


def _woff(designer: str, metadata: bytes = b"") -> bytes:
    table = _name_table(designer)
    packed, meta = zlib.compress(table), zlib.compress(metadata) if metadata else b""
    assert len(packed) < len(table)  # else a WOFF keeps the table as it is
    length = 44 + 20 + len(packed) + len(meta)
    head = struct.pack(">4sIIHHIHHIIIII", b"wOFF", 0x00010000, length, 1, 0, 12 + 16 + len(table), 1, 0,
                       64 + len(packed) if meta else 0, len(meta), len(metadata), 0, 0)
    return head + b"name" + struct.pack(">4I", 64, len(packed), len(table), 0) + packed + meta


@pytest.mark.parametrize("name, data", [
    ("handout.ttf", _ttf("Priya Kumar")),
    ("handout.otf", b"OTTO" + _ttf("Priya Kumar")[4:]),
    ("handout.woff", _woff("Priya Kumar")),
    ("handout.woff", _woff("Anna Walker", b'<metadata version="1.0"><credits><credit name="Priya Kumar"/></credits></metadata>')),
], ids=["ttf", "otf", "woff-name-table", "woff-metadata"])
def test_a_font_whose_names_name_a_withheld_champion_is_left_out(sample, name, data, capsys):
    """rt12: a font's `name` table (its family, designer, copyright, description) is what every
    font viewer and a system's font dialog show; it holds two-word values with no run of three
    words around them, which the runs of words read in a binary file miss, and a WOFF packs it.
    A font in the theme folder whose designer is Priya Kumar (her only story has no consent) was
    published; so was a WOFF whose metadata credits her."""
    (sample / "theme/pages" / name).write_bytes(data)
    assert _build(sample) == 0
    assert not (sample / "site" / name).exists()
    assert LEFT_OUT.format(name) in capsys.readouterr().err


def test_a_font_whose_names_name_no_withheld_champion_is_published(sample, capsys):
    (sample / "theme/pages/handout.woff").write_bytes(_woff("Anna Walker"))
    assert _build(sample) == 0
    assert (sample / "site/handout.woff").is_file()
    capsys.readouterr()


@pytest.mark.parametrize("question", [
    "Tired for years, and it was my thyroid - is that normal?",  # the withheld story's title
    "A steady plan beats a racing heart, right?",  # the revoked story's pull quote
    "Is Priya Kumar the one from the website?",  # a champion no published story credits
])
def test_a_question_quoting_a_withheld_story_never_reaches_the_report(sample, question, capsys):
    """rt12: the report quotes every question patients asked (questions/*.csv), leaving out
    those that could identify a person; one repeating a withheld story's title or pull quote
    (as its champion told it on the phone) was printed in report/index.html and report.json
    as asked."""
    texts, err = _report_with(sample, f'2026-11-16,thyroid,"{question}",30,phone\n', capsys)
    for text in texts:
        assert question.split(",")[0].split(" - ")[0] not in text and "Priya" not in text
    assert "question-quotes-withheld" in err or "question-identifier" in err


def _report_with(sample, row: str, capsys) -> tuple[list[str], str]:
    """The report's two files, and what `flywheel report` said, with `row` added to the
    repository's questions."""
    import shutil

    from helpers import REPO

    shutil.copytree(REPO / "questions", sample / "questions")
    with (sample / "questions/asked-2026.csv").open("a") as handle:
        handle.write(row)
    main(["report", "--root", str(sample), "--as-of", AS_OF])
    return [(sample / "report" / name).read_text() for name in ("index.html", "report.json")], capsys.readouterr().err


@pytest.mark.parametrize("source", [
    "Tired for years, and it was my thyroid",  # the withheld story's title
    "A steady plan beats a racing heart.",  # the revoked story's pull quote
    "esign/8120",  # the revoked story's signed form
])
def test_a_source_quoting_a_withheld_story_never_reaches_the_report(sample, source, capsys):
    """Stop 48's red team: the report lists each question's sources, and only the question was
    read for a withheld story; a `source` cell holding a withheld title, pull quote or e-sign
    reference was written into report.json."""
    texts, err = _report_with(sample, f'2026-11-16,thyroid,Is a thyroid test fasting?,30,"{source}"\n', capsys)
    for text in texts:
        assert source.lower().split(",")[0] not in text.lower() and "8120" not in text
    assert "question-quotes-withheld" in err and "source" in err


def _exif(gps: bool) -> bytes:
    """EXIF (a little-endian TIFF) whose first directory holds a camera model and, with `gps`,
    a GPS directory with a latitude and a longitude (as a phone writes one)."""
    entries = [struct.pack("<HHII", 0x0110, 2, 4, int.from_bytes(b"Cam\0", "little"))]
    if gps:
        entries.append(struct.pack("<HHII", 0x8825, 4, 1, 8 + 2 + 12 * 2 + 4))
    directory = struct.pack("<H", len(entries)) + b"".join(entries) + b"\0\0\0\0"
    gps_directory = (struct.pack("<H", 3) + struct.pack("<HHI4s", 1, 2, 2, b"N\0\0\0")
                     + struct.pack("<HHII", 2, 5, 3, 0) + struct.pack("<HHII", 4, 5, 3, 0) + b"\0\0\0\0")
    return b"II*\0\x08\0\0\0" + directory + (gps_directory if gps else b"")


def _jpeg(app1: bytes) -> bytes:
    return b"\xff\xd8\xff\xe1" + struct.pack(">H", len(app1) + 2) + app1 + b"\xff\xda\0\x02\xff\xd9"


_XMP_GPS = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description exif:GPSLatitude="41,52.5N"'
            b' exif:GPSLongitude="87,37.8W"/></rdf:RDF></x:xmpmeta>')


@pytest.mark.parametrize("name, data", [
    ("champion.jpg", _jpeg(b"Exif\0\0" + _exif(gps=True))),
    ("champion.png", _png((b"eXIf", _exif(gps=True)))),
    ("champion.jpg", _jpeg(b"http://ns.adobe.com/xap/1.0/\0" + _XMP_GPS)),
    ("champion.webp", b"RIFF\0\0\0\0WEBPEXIF" + struct.pack("<I", len(_exif(True))) + _exif(gps=True)),
], ids=["jpeg-exif", "png-exif", "jpeg-xmp", "webp-exif"])
def test_a_picture_that_records_where_it_was_taken_is_left_out(sample, name, data, capsys):
    """rt12: a phone records where a photo is taken (EXIF's GPS directory, or XMP's
    `exif:GPSLatitude`); a champion's photo taken at home, published as it is, gave the home's
    position to anyone who downloaded it, and the proof the patient approved shows the picture,
    not its metadata. No check read it."""
    (sample / "theme/pages" / name).write_bytes(data)
    assert _build(sample) == 0
    assert not (sample / "site" / name).exists()
    assert f"Static file '{name}' left out of the site: it records where it was taken" in capsys.readouterr().err


def test_a_picture_without_a_position_is_published(sample, capsys):
    (sample / "theme/pages/champion.jpg").write_bytes(_jpeg(b"Exif\0\0" + _exif(gps=False)))
    assert _build(sample) == 0
    assert (sample / "site/champion.jpg").is_file()
    capsys.readouterr()


@pytest.mark.parametrize("forged", [f"{10**20}", f"{10**20} 1 1\n"], ids=["a-time", "another-folder"])
def test_a_stamp_committed_into_the_cache_folder_never_holds_back_a_build(sample, forged, monkeypatch):
    """The stamp that orders two builds (above) holds for the folder the build put in place
    only: one committed into `.flywheel-cache/` (or left by a site replaced by hand), dated
    after this build's check, would have had this build discard its pages and keep a revoked
    story on a server's site."""
    import types

    from helpers import revoke_finding_answers, site_shows

    from generator import publish

    assert _build(sample) == 0
    revoke_finding_answers(sample)
    publish.stamp_file(sample, sample / "site").write_text(forged)
    monkeypatch.setattr(publish, "time", types.SimpleNamespace(time_ns=lambda: 10**21))
    assert _build(sample) == 0
    assert site_shows(sample / "site", "stories/finding-answers") == []


def _renamed(sample, slug: str, champion: str | None = None) -> None:
    """The published story finding-answers (consent C-2026-014, first name only) filed as
    `slug`, its champion's id `champion`, the record naming it and the fingerprint its proof
    shows now (as compliance records one for a story so filed)."""
    import re

    from generator.check import run_check
    from generator.shown import story_fingerprint

    story = sample / "content/stories/spine/finding-answers.md"
    text = story.read_text()
    if champion:
        text = text.replace("champion: maria-l", f"champion: {champion}")
        champions = sample / "content/champions.yml"
        champions.write_text(champions.read_text().replace("maria-l:", f"{champion}:"))
    story.unlink()
    (story.parent / f"{slug}.md").write_text(text)
    record = sample / "consent/C-2026-014.yml"
    record.write_text(record.read_text().replace("story: finding-answers", f"story: {slug}"))
    project = run_check(sample).project
    fingerprint = story_fingerprint(project.stories[slug], project)
    record.write_text(re.sub(r"approved_fingerprint: \S+", f"approved_fingerprint: {fingerprint}", record.read_text()))


@pytest.mark.parametrize("slug, champion", [
    ("maria-lopez-finding-answers", None),  # her surname: the consent allows her first name only
    ("finding-answers-in-elmwood", None),  # her town: not consented
    ("finding-answers", "maria-lopez"),  # the champion's id, the address of her page
], ids=["surname-in-slug", "town-in-slug", "surname-in-champion-id"])
def test_an_address_that_names_more_than_the_consent_allows_is_withheld(sample, slug, champion, capsys):
    """rt12: a story's address is its file name (`/stories/<slug>/`), and its champion's page
    is `/champions/<id>/`: both are in the address bar, the sitemap, the search index and every
    link to them. The identifier scan read the story's title, summary, pull quote, body and the
    bio, never those: a story whose consent allows the first name only, filed as
    `maria-lopez-finding-answers.md` (or `...-in-elmwood`, or credited to a champion whose id
    is `maria-lopez`), was published at an address showing her surname or her town."""
    from helpers import site_shows

    _renamed(sample, slug, champion)
    capsys.readouterr()
    _build(sample)
    err = capsys.readouterr().err
    assert "identifier-in-story" in err
    shown = "lopez" if "lopez" in slug + (champion or "") else "elmwood"
    assert site_shows(sample / "site", shown) == []


def _mp4(tags: bytes, media_first: bool) -> bytes:
    """An MP4 whose movie box holds `tags` in its `udta` box, after its media or before."""
    def box(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", 8 + len(body)) + kind + body

    movie = box(b"moov", box(b"mvhd", b"\0" * 100) + box(b"udta", tags))
    media = box(b"mdat", b"\0" * 4096)
    return box(b"ftyp", b"isom\0\0\2\0isommp41") + (media + movie if media_first else movie + media)


@pytest.mark.parametrize("data", [
    _mp4(struct.pack(">I", 8 + 4 + 18) + b"\xa9xyz" + b"\0\x12\x15\xc7" + b"+41.8781-087.6298/", media_first=True),
    _mp4(b"\0\0\0\x30keys" + b"mdta" + b"com.apple.quicktime.location.ISO6709" + b"+41.8781-087.6298/", media_first=False),
], ids=["quicktime-xyz-after-media", "apple-location-key"])
def test_a_video_that_records_where_it_was_taken_is_left_out(sample, data, capsys):
    """rt12: so does a phone's video (QuickTime's `\xa9xyz` box, Apple's location key): a
    champion's interview filmed at home, published as it was, gave the home's position."""
    (sample / "theme/pages/interview.mp4").write_bytes(data)
    assert _build(sample) == 0
    assert not (sample / "site/interview.mp4").exists()
    assert "Static file 'interview.mp4' left out of the site: it records where it was taken" in capsys.readouterr().err


def test_a_video_without_a_position_is_published(sample, capsys):
    (sample / "theme/pages/interview.mp4").write_bytes(_mp4(b"\0\0\0\x10\xa9day2026", media_first=True))
    assert _build(sample) == 0
    assert (sample / "site/interview.mp4").is_file()
    capsys.readouterr()
