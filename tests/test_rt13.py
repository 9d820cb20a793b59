"""Red team rt13's routes: identifiers in addresses, file names and attributes, each written
as the attack.

Every test here failed before its fix (see docs/security.md, the table of properties, attacks
and tests). The sample site and every name in it are fictional.
"""

from __future__ import annotations

import re
import struct
import urllib.parse
import zlib
from pathlib import Path

import pytest
from helpers import site_shows

from generator.cli import main

AS_OF = "2026-11-22"
STORY = "content/stories/spine/finding-answers.md"  # consent C-2026-014: first name only


def _build(sample) -> int:
    return main(["build", "--root", str(sample), "--as-of", AS_OF])


def _png() -> bytes:
    """A 1x1 PNG with no metadata."""
    return _png_with()


def _png_with(*text: bytes) -> bytes:
    """A 1x1 PNG with a chunk `text` (kind, data) before its picture's data, when given."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)) + (chunk(*text) if text else b"")
    return b"\x89PNG\r\n\x1a\n" + header + chunk(b"IDAT", zlib.compress(b"\0\xff\xff\xff")) + chunk(b"IEND", b"")


def _approved(sample, *, slug: str = "finding-answers", photo: str | None = None, link: str | None = None,
              picture: bytes | None = None) -> None:
    """The published story finding-answers (Maria, first name only), filed as `slug`, its
    champion shown with the photo at `photo` (the file in docs_dir, `picture` or a plain PNG,
    `photo` added to the consent) or its body linking to `link`; the record naming the story and carrying the
    fingerprint its proof shows now, as compliance records one for a story so changed."""
    from generator.check import run_check
    from generator.shown import story_fingerprint

    story = sample / STORY
    text = story.read_text()
    if link:
        text = text.replace("I saw three doctors.", f"I saw three doctors ([my notes]({link})).", 1)
    story.unlink()
    (story.parent / f"{slug}.md").write_text(text)
    record = sample / "consent/C-2026-014.yml"
    changed = record.read_text().replace("story: finding-answers", f"story: {slug}")
    if photo:
        champions = sample / "content/champions.yml"
        champions.write_text(champions.read_text().replace("  name: Maria\n", f"  name: Maria\n  photo: {photo}\n", 1))
        if photo.startswith("/"):
            served = sample / "theme/pages" / photo.lstrip("/")
            served.parent.mkdir(parents=True, exist_ok=True)
            served.write_bytes(picture or _png())
        changed = changed.replace("identifiers: [first_name]", "identifiers: [first_name, photo]")
    record.write_text(changed)
    project = run_check(sample).project
    fingerprint = story_fingerprint(project.stories[slug], project)
    record.write_text(re.sub(r"approved_fingerprint: \S+", f"approved_fingerprint: {fingerprint}", record.read_text()))


def _shows_any(sample, *needles: str) -> list[str]:
    return sorted({hit for needle in needles for hit in site_shows(sample / "site", needle)})


@pytest.mark.parametrize("photo", [
    "/media/maria-lopez.png",  # her surname in the file's name
    "/media/maria-lopez/portrait.png",  # in a folder's
    "/media/MariaLopez.png",  # run together, as a camera app or an export names it
    "/media/maria%20lopez.png",  # percent-escaped, as a browser's address bar shows it decoded
    "https://maria-lopez.example/portrait.png",  # kept on her own site: its host's name
], ids=["file-name", "folder-name", "run-together", "escaped", "other-host"])
def test_a_photo_whose_address_names_more_than_the_consent_allows_is_withheld(sample, photo, capsys):
    """rt13: the consent allows Maria's first name and her photo; the photo's file is
    `maria-lopez.png`. The scan read the story's text and (rt12) its slug and the champion's
    id, never the photo's address: the page's `<img src>`, its sharing image (`og:image`) and
    the file served at `/media/maria-lopez.png` published her surname."""
    _approved(sample, photo=photo)
    capsys.readouterr()
    _build(sample)
    err = capsys.readouterr().err
    assert "content/stories/spine/finding-answers.md:5: warning: a name of a person" in err
    assert "identifier-in-story" in err
    assert _shows_any(sample, "lopez", "Lopez", "stories/finding-answers") == []


@pytest.mark.parametrize("link, kind", [
    ("/media/maria-lopez-discharge-letter.pdf", "a name of a person"),
    ("/media/elmwood-clinic-visit.pdf", "a town, city or county"),  # her town: not consented
    ("../../media/notes.pdf?for=maria-lopez", "a name of a person"),
], ids=["surname", "town", "query"])
def test_a_link_whose_address_names_more_than_the_consent_allows_is_withheld(sample, link, kind, capsys):
    """rt13: a link in the story's body to a site-relative file named for the patient
    (`/media/maria-lopez-discharge-letter.pdf`) was read as one unbroken word, in which the
    scan finds no name or town: the page linked to the address, and the file was served at it."""
    _approved(sample, link=link)
    capsys.readouterr()
    _build(sample)
    err = capsys.readouterr().err
    assert f"content/stories/spine/finding-answers.md:15: warning: {kind}" in err
    assert _shows_any(sample, "lopez", "elmwood", "stories/finding-answers") == []


@pytest.mark.parametrize("change", [
    {"slug": "finding-answers-2026-03-12"},  # the day of her visit, in the story's address
    {"photo": "/media/IMG_20260312_101500.png"},  # the day the photo was taken, as phones name it
    {"link": "/media/scan_2026_03_12.pdf"},
], ids=["slug", "photo", "link"])
def test_a_full_date_in_an_address_is_withheld_as_in_the_text(sample, change, capsys):
    """rt13: a full date in a story's text is an identifier (45 CFR 164.514(b)(2)(i)(C)) and
    withholds it; in its slug the scan read `2026 03 12` (rt12 turned every hyphen into a
    space), which is no date, and a photo's or a link's address was not read at all: the story
    was published at `/stories/finding-answers-2026-03-12/`, or showing the photo
    `IMG_20260312_101500.png`."""
    _approved(sample, **change)
    capsys.readouterr()
    _build(sample)
    err = capsys.readouterr().err
    assert "warning: a full date (finding date:" in err
    assert _shows_any(sample, "2026-03-12", "20260312", "2026_03_12", "stories/finding-answers") == []


def test_addresses_that_name_only_what_the_consent_allows_are_published(sample, capsys):
    """The photo named for her first name, a link to a guide and a file with a year in its name
    identify no more than the consent allows: the story is published, photo and links as typed."""
    _approved(sample, photo="/media/champions/maria.png", link="/spine/csf-leak/")
    assert _build(sample) == 0
    err = capsys.readouterr().err
    assert "finding-answers" not in err
    page = (sample / "site/stories/finding-answers/index.html").read_text()
    assert "/media/champions/maria.png" in page and "/spine/csf-leak/" in page
    assert (sample / "site/media/champions/maria.png").is_file()


FONTS = Path(__file__).parent / "fixtures/fonts"
LEFT_OUT = "Static file '{}' left out of the site: it quotes a withheld story"


def _woff2_own_tag(designer: str) -> bytes:
    """A WOFF2 whose one table is a `name` table named by its tag (index 63), not by its
    index in the format's list of known tags: what a reader that looks only for index 5 misses."""
    import brotli

    family, person = b"\0H\0a\0n\0d\0o\0u\0t", designer.encode("utf-16-be")
    records = struct.pack(">6H", 3, 1, 0x409, 1, len(family), 0) + struct.pack(">6H", 3, 1, 0x409, 9, len(person), len(family))
    table = struct.pack(">3H", 0, 2, 6 + len(records)) + records + family + person
    packed = brotli.compress(table)
    entry = bytes([63]) + b"name" + bytes([len(table)])  # a length below 128 is one byte
    head = struct.pack(">4sIIHHIIHHIIIII", b"wOF2", 0x00010000, 48 + len(entry) + len(packed), 1, 0,
                       12 + 16 + len(table), len(packed), 1, 0, 0, 0, 0, 0, 0)
    return head + entry + packed


@pytest.mark.parametrize("name, data", [
    ("handout.woff2", (FONTS / "designer_withheld_champion.woff2").read_bytes()),
    ("handout.woff2", (FONTS / "metadata_credits_withheld_champion.woff2").read_bytes()),
    ("handout.woff2", _woff2_own_tag("Priya Kumar")),
], ids=["name-table", "metadata", "name-by-its-tag"])
def test_a_woff2_whose_names_name_a_withheld_champion_is_left_out(sample, name, data, capsys):
    """rt13 (an rt12 leftover): a WOFF2 packs its tables and its metadata with Brotli, which
    Flywheel could not unpack; a WOFF2 in the theme folder whose designer (or whose metadata's
    credit) is Priya Kumar (her only story has no consent) was published unread, while the
    same font as a TTF, OTF or WOFF was left out."""
    (sample / "theme/pages" / name).write_bytes(data)
    assert _build(sample) == 0
    assert not (sample / "site" / name).exists()
    assert LEFT_OUT.format(name) in capsys.readouterr().err


def test_a_woff2_whose_names_name_no_withheld_champion_is_published(sample, capsys):
    (sample / "theme/pages/handout.woff2").write_bytes((FONTS / "designer_no_champion.woff2").read_bytes())
    assert _build(sample) == 0
    assert (sample / "site/handout.woff2").is_file()
    capsys.readouterr()


def test_a_woff2_that_unpacks_to_gigabytes_is_read_only_as_far_as_its_names():
    """The Brotli stream of a WOFF2 is unpacked only as far as its `name` table ends, and never
    past 64 MiB: a directory claiming a table of 4 GiB before it, over a stream of a few hundred
    bytes that unpacks to 256 MiB, is not unpacked at all, and one whose name table ends past
    64 MiB is unpacked that far, in bounded time."""
    import time

    import brotli

    from generator import leaks

    packed = brotli.compress(b"\0" * (256 * 1024 * 1024), quality=1)
    entries = bytes([10 | 0xC0]) + bytes([0x8F, 0xFF, 0xFF, 0xFF, 0x7F]) + bytes([5, 0x10])  # glyf 4 GiB, name 16 bytes
    head = struct.pack(">4sIIHHIIHHIIIII", b"wOF2", 0x00010000, 0, 2, 0, 0, len(packed), 1, 0, 0, 0, 0, 0, 0)
    started = time.process_time()
    assert leaks._font_names(head + entries + packed) == []
    entries = bytes([10 | 0xC0]) + bytes([0x9F, 0xFF, 0xFF, 0x7F]) + bytes([5, 0x84, 0x80, 0x80, 0])  # 64 MiB, 8 MiB
    assert leaks._font_names(head + entries + packed) == [b""]
    assert time.process_time() - started < 5


def _jpeg(*tags: tuple[int, str], xmp: str = "") -> bytes:
    """A JPEG whose EXIF holds `tags` (tag number, text), and an XMP packet when given."""
    at, entries, values = 8 + 2 + 12 * len(tags) + 4, b"", b""
    for tag, text in tags:
        value = text.encode() + b"\0"
        entries += struct.pack("<HHII", tag, 2, len(value), at + len(values))
        values += value.ljust(len(value) + len(value) % 2, b"\0")
    exif = b"Exif\0\0II*\0" + struct.pack("<IH", 8, len(tags)) + entries + b"\0\0\0\0" + values
    segments = b"\xff\xe1" + struct.pack(">H", len(exif) + 2) + exif
    if xmp:
        packet = b"http://ns.adobe.com/xap/1.0/\0" + xmp.encode()
        segments += b"\xff\xe1" + struct.pack(">H", len(packet) + 2) + packet
    return b"\xff\xd8" + segments + b"\xff\xda\0\x02" + b"\0" * 16 + b"\xff\xd9"


# What a phone writes (make, model, software, the time) and what an editor adds (its XMP, with
# namespace addresses, its own name and dates): nothing of these names or places the patient.
_PHONE = ((0x10F, "Apple"), (0x110, "iPhone 15 Pro"), (0x131, "17.1.2"), (0x132, "2026:03:12 10:15:00"))
_EDITOR = ('<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="Adobe XMP Core 7.0-c000 1.000000">'
           '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about=""'
           ' xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"'
           ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmp:CreatorTool="Adobe Photoshop Lightroom Classic 12.0 (Windows)"'
           ' xmp:ModifyDate="2026-03-12T10:15:00-06:00" {more}><dc:format>image/jpeg</dc:format>'
           '</rdf:Description></rdf:RDF></x:xmpmeta>')


@pytest.mark.parametrize("picture, kind", [
    (_jpeg(*_PHONE, (0x13B, "Maria Lopez")), "a name of a person"),  # EXIF Artist: the phone's owner
    (_jpeg(*_PHONE, (0x10E, "Maria Lopez after her last visit")), "a name of a person"),  # ImageDescription
    (_jpeg(*_PHONE, xmp=_EDITOR.format(more='photoshop:City="Elmwood"')), "a town, city or county"),
    (_png_with(b"tEXt", b"Author\0Maria Lopez"), "a name of a person"),
], ids=["exif-artist", "exif-description", "xmp-city", "png-author"])
def test_a_photo_whose_metadata_names_more_than_the_consent_allows_is_withheld(sample, picture, kind, capsys):
    """rt13: the consent allows Maria's first name and her photo; the photo's file says who
    took it or who is in it (`Artist`, a caption, an editor's `photoshop:City`), as a phone set
    up with its owner's name writes it. The page showed the picture and the file was served as
    it was: anyone who saved it read her surname or her town. The static-file checks read a
    picture's metadata for champions no published story credits, never for the surname of one
    credited by first name, which Flywheel does not know."""
    name = "/media/champions/maria.png" if picture.startswith(b"\x89PNG") else "/media/champions/maria.jpg"
    _approved(sample, photo=name, picture=picture)
    capsys.readouterr()
    _build(sample)
    err = capsys.readouterr().err
    assert f"content/stories/spine/finding-answers.md:5: warning: {kind}" in err
    assert _shows_any(sample, "Lopez", "Elmwood", "media/champions/maria", "stories/finding-answers") == []


def test_a_photo_whose_metadata_is_a_cameras_and_an_editors_is_published(sample, capsys):
    _approved(sample, photo="/media/champions/maria.jpg", picture=_jpeg(*_PHONE, xmp=_EDITOR.format(more="")))
    assert _build(sample) == 0
    assert "finding-answers" not in capsys.readouterr().err
    assert (sample / "site/media/champions/maria.jpg").is_file()


@pytest.mark.parametrize("link", ["/media/finish-line.jpg", "../../media/finish-line.jpg"], ids=["site", "relative"])
def test_a_linked_picture_whose_metadata_names_more_than_the_consent_allows_is_withheld(sample, link, capsys):
    """rt13: the story's body links to a picture on the site (`[me at the finish line](...)`)
    whose EXIF names its owner, Maria Lopez: the page linked to it and the file was served as
    it was. The file a story links to is shown by it, as its photo is."""
    (sample / "theme/pages/media").mkdir(parents=True)
    (sample / "theme/pages/media/finish-line.jpg").write_bytes(_jpeg(*_PHONE, (0x13B, "Maria Lopez")))
    _approved(sample, link=link)
    capsys.readouterr()
    _build(sample)
    err = capsys.readouterr().err
    assert "content/stories/spine/finding-answers.md:15: warning: a name of a person" in err
    # No page shows the story or links to the picture. (The file itself stays where the
    # practice put it, as every static file does: docs/security.md, rt13 leftovers.)
    assert _shows_any(sample, "finish-line", "stories/finding-answers") == []


def test_a_linked_picture_whose_metadata_is_a_cameras_is_published(sample, capsys):
    (sample / "theme/pages/media").mkdir(parents=True)
    (sample / "theme/pages/media/finish-line.jpg").write_bytes(_jpeg(*_PHONE, xmp=_EDITOR.format(more="")))
    _approved(sample, link="/media/finish-line.jpg")
    assert _build(sample) == 0
    assert "finding-answers" not in capsys.readouterr().err
    assert "/media/finish-line.jpg" in (sample / "site/stories/finding-answers/index.html").read_text()


@pytest.mark.parametrize("command", ["flywheel", "mkdocs"])
def test_a_picture_only_a_revoked_story_links_to_leaves_the_site_with_it(sample, command, capsys):
    """rt13: a story linking to the patient's own picture (`[me at the finish line](...)`),
    then revoked: its page left the site, the picture stayed at `/media/finish-line.jpg` for
    anyone who had the address (a search engine, a shared link), as the champion's photo did
    before rt4."""
    from helpers import revoke_finding_answers

    (sample / "theme/pages/media").mkdir(parents=True)
    (sample / "theme/pages/media/finish-line.jpg").write_bytes(_jpeg(*_PHONE))
    _approved(sample, link="/media/finish-line.jpg")
    assert _build(sample) == 0
    assert (sample / "site/media/finish-line.jpg").is_file()
    revoke_finding_answers(sample)
    if command == "mkdocs":
        import os
        import subprocess
        import sys

        env = {**os.environ, "FLYWHEEL_AS_OF": AS_OF}
        done = subprocess.run([sys.executable, "-m", "mkdocs", "build"], cwd=sample, env=env,
                              capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr
    else:
        _build(sample)
    assert not (sample / "site/media/finish-line.jpg").exists()
    assert _shows_any(sample, "finish-line", "stories/finding-answers") == []
    capsys.readouterr()


def test_a_picture_a_published_guide_names_stays_when_a_story_linking_to_it_is_revoked(sample, capsys):
    from helpers import revoke_finding_answers

    (sample / "theme/pages/media").mkdir(parents=True)
    (sample / "theme/pages/media/finish-line.jpg").write_bytes(_jpeg(*_PHONE))
    _approved(sample, link="/media/finish-line.jpg")
    guide = sample / "content/guides/cardiology/afib-guide.md"
    guide.write_text(guide.read_text() + "\n\n[The finish line](/media/finish-line.jpg)\n")
    revoke_finding_answers(sample)
    _build(sample)
    assert (sample / "site/media/finish-line.jpg").is_file()
    assert _shows_any(sample, "stories/finding-answers") == []
    capsys.readouterr()


def test_the_scan_key_hashes_every_file_the_scan_reads(sample, monkeypatch):
    """The scan reads the metadata of every file the body links to or shows (`visible_parts`:
    `href` and `src`), and its cache key hashed those `linked_addresses` found (`href` alone).
    They agreed only because the sanitizer keeps no picture: should its allow-list keep one, a
    picture's EXIF edited to name the patient would have been judged by the cached scan of the
    file as it was."""
    import datetime as dt

    from generator import shown
    from generator.check import run_check

    fragment = '<p><a href="letter.pdf">a letter</a> <img src="/media/finish-line.jpg" alt="me"></p>'
    monkeypatch.setattr(shown, "body_html", lambda story, project: fragment)
    project = run_check(sample, dt.date(2026, 3, 1), use_cache=False).project
    story = next(iter(project.stories.values()))
    scanned = [urllib.parse.urljoin(f"/stories/{story.id}/", link) for link in shown.visible_parts(fragment)[1]]
    assert shown.linked_addresses(story, project) == scanned == [f"/stories/{story.id}/letter.pdf", "/media/finish-line.jpg"]
