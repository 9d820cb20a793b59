"""Red team rt13's routes: identifiers in addresses, file names and attributes, each written
as the attack.

Every test here failed before its fix (see docs/security.md, the table of properties, attacks
and tests). The sample site and every name in it are fictional.
"""

from __future__ import annotations

import re
import struct
import zlib

import pytest
from helpers import site_shows

from generator.cli import main

AS_OF = "2026-11-22"
STORY = "content/stories/spine/finding-answers.md"  # consent C-2026-014: first name only


def _build(sample) -> int:
    return main(["build", "--root", str(sample), "--as-of", AS_OF])


def _png() -> bytes:
    """A 1x1 PNG with no metadata."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
    return b"\x89PNG\r\n\x1a\n" + header + chunk(b"IDAT", zlib.compress(b"\0\xff\xff\xff")) + chunk(b"IEND", b"")


def _approved(sample, *, slug: str = "finding-answers", photo: str | None = None, link: str | None = None) -> None:
    """The published story finding-answers (Maria, first name only), filed as `slug`, its
    champion shown with the photo at `photo` (the file in docs_dir, `photo` added to the
    consent) or its body linking to `link`; the record naming the story and carrying the
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
        served = sample / "theme/pages" / photo.lstrip("/")
        served.parent.mkdir(parents=True, exist_ok=True)
        served.write_bytes(_png())
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
], ids=["file-name", "folder-name", "run-together", "escaped"])
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

