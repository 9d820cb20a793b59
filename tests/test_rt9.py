"""Red team rt9's routes around the consent promise, each written as the attack.

Every test here failed before its fix (see docs/security.md, the table of properties, attacks
and tests). The sample site is fictional.
"""

from __future__ import annotations

import pytest
from helpers import build_with_the_guide_saying, git, revoke_finding_answers, site_shows

from generator.cli import main

AS_OF = "2026-11-22"
RECORD = "consent/C-2026-014.yml"  # the sample's published story finding-answers


def _git(root, *args: str) -> None:
    git(root, *args, when="2026-11-21T12:00:00+00:00")


def _build(sample) -> int:
    return main(["build", "--root", str(sample), "--as-of", AS_OF])


def _cp1252_record(sample) -> None:
    """Another record saved once by a Windows editor: a curly apostrophe as cp1252's byte 0x92."""
    other = sample / "consent/C-2026-011.yml"
    text = other.read_text()
    other.write_bytes(text.replace("purpose: ", "purpose: The practice\u2019s website. ").encode("cp1252"))
    _git(sample, "commit", "-qam", "purpose reworded on Windows")
    other.write_text(text)
    _git(sample, "commit", "-qam", "saved as UTF-8 again")


@pytest.mark.parametrize("how", ["folder with a space", "folder with an accent", "gitattributes", "cp1252 elsewhere",
                                 "revoked in utf-16"])
def test_a_committed_revocation_is_read_however_git_prints_the_record(sample, monkeypatch, how, capsys):
    """rt9: `generator/history.py` reads every revocation ever committed to consent/ from one
    `git log -p`, so that a revocation taken out of the file later (a merge conflict resolved
    with the older side, a hostile pull request) still withholds the story. It read nothing
    where git prints the record otherwise: a record kept in a folder named with a space (git
    ends the path with a tab) or an accented letter (git quotes the path), a `.gitattributes`
    marking `*.yml -diff` (git prints "Binary files differ"), or a single byte that is no UTF-8
    in any record ever committed (the whole log was refused, every record's history with it);
    nor a revocation saved in UTF-16, which the gate reads in the file itself (rt6). Each time
    the story, its revocation undone in the file, was published again with a passing build."""
    monkeypatch.setenv("FLYWHEEL_TEST_COMMITS", "1")
    record = sample / RECORD
    if how.startswith("folder"):
        folder = sample / ("consent/2026 records" if "space" in how else "consent/archiv\u00e9")
        folder.mkdir()
        record = record.rename(folder / record.name)
    if how == "gitattributes":
        (sample / ".gitattributes").write_text("*.yml -diff\n")
    _git(sample, "init", "-q")
    _git(sample, "add", "-A")
    _git(sample, "commit", "-qm", "published")
    if how == "cp1252 elsewhere":
        _cp1252_record(sample)
    text = record.read_text()
    revoked = text.replace("revoked_on: null", "revoked_on: 2026-11-20")
    if how == "revoked in utf-16":
        record.write_bytes(revoked.replace("\n", "\r\n").encode("utf-16"))  # Windows PowerShell's `>`
    else:
        record.write_text(revoked)
    _git(sample, "commit", "-qam", "the patient revoked consent")
    record.write_text(text)  # the revocation taken out again
    _git(sample, "commit", "-qam", "merge: kept the older side")
    assert _build(sample) == 1  # consent-revocation-undone is an error; the site is written without the story
    assert "was revoked on 2026-11-20 in a commit of this file" in capsys.readouterr().out
    assert (sample / "site/index.html").is_file()
    assert not (sample / "site/stories/finding-answers").exists()


TITLE = "A racing heart, and a steady plan"  # the sample's revoked story's


def _styled(text: str, alphabet: str) -> str:
    """`text` in a "fancy text" generator's alphabet (26 letters, a to z)."""
    letters = dict(zip("abcdefghijklmnopqrstuvwxyz", alphabet, strict=True))
    return "".join(letters.get(ch.lower(), ch) for ch in text)


_TURNED = dict(zip("acdeghilnprstyA,", "\u0250\u0254p\u01dd\u0183\u0265\u0131lud\u0279s\u0287\u028e\u2200'", strict=True))
_MIRROR = dict(zip("acdeghnprstyA", "\u0252\u0254b\u0258\u01eb\u029c\u1d0eq\u027f\u01a8\u0248\u03b3A", strict=True))


@pytest.mark.parametrize("written", [
    _styled(TITLE, "\u15e9\u15f7\u1455\u15ea" "E\u15b4G\u157cI\u148dK\u14aa\u15f0\u144eO\u146d\u146b\u1587\u1515T\u144c\u142f\u15ef\u166dY\u1614"),
    _styled(TITLE, "\u5342\u4e43\u531a\u15ea\u4e47\u5343\u13b6\u5344\u4e28\uff8c\u049c\u3125\u722a\u51e0\u3116\u5369\u024a\u5c3a\u4e02\u3112\u3129\u142f\u5c71\u4e42\u311a\u4e59"),
    _styled(TITLE, "\u0e04\u0e52\u03c2\u0e54\u0454\u0166\ufeee\u0452\u0e40\u05df\u043a\u026d\u0e53\u0e20\u0e4f\u05e7\u1ee3\u0433\u0e23\u0547\u0e22\u05e9\u0e2c\u05d0\u05e5\u0579"),
    _styled(TITLE, "\ua34f\ua303\ua3f3\ua037\ua3c2\ua387\ua045\ua00d\ua024\ua4bb\ua018\ua492\ua3ad\ua224\ua0a6\u1598\ua1b0\ua2ea\ua31a\ua4c4\ua00e\ua4a6\ua150\ua267\ua329\ua074"),
    _styled(TITLE, "\u20b3\u0e3f\u20b5\u0110\u0246\u20a3\u20b2\u2c67\u0142J\u20ad\u2c60\u20a5\u20a6\u00d8\u20b1Q\u2c64\u20b4\u20ae\u0244V\u20a9\u04fe\u024e\u2c6b"),
    _styled(TITLE, "\u039bB\u1103D\u03a3FG\u0389IJK\u1102M\u041f\u04e8PQ\u042f\u01a7\u01ac\u0426V\u0429XYZ"),
    _styled(TITLE, "\u023a\u0243\u023b\u0110\u0246F\u01e4\u0126\u0197\u0248\ua740\u0141MN\u00d8\u2c63\ua756\u024cS\u0166\u1d7eVWX\u024e\u01b5"),
    "\u200b".join(chr(0x1F1E6 + ord(ch) - 97) if ch.isalpha() else ch for ch in TITLE.lower()),  # regional indicators
    "".join(_TURNED.get(ch, ch) for ch in reversed(TITLE)),  # upside down, as generators write it
    "".join(_TURNED.get(ch, ch) for ch in TITLE),  # turned letters left in reading order
    _styled(TITLE, "\u2801\u2803\u2809\u2819\u2811\u280b\u281b\u2813\u280a\u281a\u2805\u2807\u280d\u281d\u2815\u280f\u281f"
            "\u2817\u280e\u281e\u2825\u2827\u283a\u282d\u283d\u2835"),  # Braille
    "".join(_MIRROR.get(ch, ch) for ch in reversed(TITLE)),  # mirror text, as generators write it
], ids=["syllabics", "cjk", "thai", "yi", "currency", "faux-cyrillic", "stroked", "regional", "upside-down", "turned",
        "braille", "mirror"])
def test_a_quotation_in_fancy_text_letters_stops_the_build(sample, written, capsys):
    """rt9: rt8 read small capitals and boxed letters as the letters they are, but "fancy text"
    generators (what people paste into social posts and, from there, into a page) write the
    same words in a dozen other alphabets: Canadian syllabics (`ᗩ ᖇᗩᑕIᑎG`), CJK strokes
    (`卂 尺卂匚丨几Ꮆ`), Thai and Yi letters, currency signs (`₳ Ɽ₳₵ł₦₲`), faux Cyrillic (`Λ ЯΛᄃIПG`),
    stroked letters (`Ⱥ ɌȺȻƗNǤ`), regional indicators (`🇦 🇷🇦🇨🇮🇳🇬`), Braille (`⠁ ⠗⠁⠉⠊⠝⠛`),
    upside down (`uɐld ʎpɐǝʇs ɐ puɐ 'ʇɹɐǝɥ ƃuıɔɐɹ ∀`) and in a mirror (`ᴎɒlq γbɒɘɈƨ ɒ bᴎɒ`). Neither NFKC nor the confusables data reads them, so a
    guide giving the revoked story's title so published it with a passing build."""
    assert build_with_the_guide_saying(sample, written) == 1
    assert site_shows(sample / "site", written[-8:]) == []
    capsys.readouterr()


@pytest.mark.parametrize("written", [
    "A rac-\ning heart, and a steady plan",
    "A racing heart, and a stea-\ndy plan",
    "A rac- ing heart, and a steady plan",  # a line break lost as a PDF is copied
    "With thanks to Priya Ku-\nmar for her help.",
    "A rac-<br>ing heart, and a steady plan",  # the line break typed as markup
    "Back to the work-\nshop",  # the expired story's short title, shown whole
], ids=["title", "title-end", "pdf", "name", "br", "short-title"])
def test_a_word_cut_by_a_hyphen_at_a_line_break_is_still_the_word(sample, written, capsys):
    """rt9 (a limitation rt7 and rt8 wrote down): a withheld story's title, or a champion's
    name, with a word hyphenated across a line (as a PDF or a word processor's text is copied:
    `rac-` at a line's end, `ing` on the next), reads as the word to anyone, and was published
    with a passing build: read as words, it was "rac" and "ing"."""
    if written.startswith("Back"):
        written = f"*{written}*"
    assert build_with_the_guide_saying(sample, written) == 1
    assert site_shows(sample / "site", written.split("-")[0][-6:] + "-") == []
    capsys.readouterr()


def test_hyphens_that_cut_no_withheld_word_still_build(sample, capsys):
    assert build_with_the_guide_saying(sample, "Pre- and post-op care differ: a well-\nknown rule. Heart - rate - plan.") == 0
    capsys.readouterr()


@pytest.mark.parametrize("written", ["P. Kumar", "P Kumar", "Kumar, P.", "KUMAR P", "P. S. Kumar", "Priya K."])
def test_a_champion_s_name_with_her_first_name_as_an_initial_is_still_her_name(sample, written, capsys):
    """rt9 (a limitation rt8 wrote down): the name of a champion no published story credits
    (Priya Kumar: her only story has no consent) was looked for whole, surname first and with a
    middle name, but not with her first name as an initial, as reference lists and thank-you
    notes write names, nor with her surname as one, as testimonials are signed ("Priya K."):
    a guide thanking "P. Kumar" published it with a passing build."""
    assert build_with_the_guide_saying(sample, f"With thanks to {written} for her help.") == 1
    assert site_shows(sample / "site", written) == []
    capsys.readouterr()


def test_an_initial_that_is_a_word_or_a_reviewer_s_is_not_a_champion_s_name(sample, capsys):
    """Not her name: "a Kumar family", "Kumar's garden" (a possessive's `s`), "don't", nor a
    reviewer the site shows as "P. Kumar, MD"."""
    guide = sample / "content/guides/cardiology/afib-blood-thinners.md"
    guide.write_text(guide.read_text().replace('reviewed_by: "A. Example, MD"', 'reviewed_by: "P. Kumar, MD"'))
    text = ("A Kumar family helped; it's Kumar's garden. I don't know Kumar. M. Kumar is a common name. "
            "Priya's team, Priya and K. Jones, Priya, vitamin K.")
    assert build_with_the_guide_saying(sample, text) == 0
    capsys.readouterr()


def test_a_champion_deleted_from_the_champions_file_is_still_a_patient_whose_story_is_withheld(sample, monkeypatch, capsys):
    """rt9 (a limitation rt8 wrote down): Priya Kumar's entry deleted from content/champions.yml
    (the patient asked to be taken off the site) while her story stays in content/stories/: the
    story is withheld (its champion is unknown, an error), but her name and bio were gone from
    the project, so a guide still thanking her and quoting her bio was published by the lenient
    build that carries withdrawals in CI's fresh checkout. Git still holds them: every line any
    commit added to the champions file is read with the consent history."""
    monkeypatch.setenv("FLYWHEEL_TEST_COMMITS", "1")
    _git(sample, "init", "-q")
    _git(sample, "add", "-A")
    _git(sample, "commit", "-qm", "published")
    champions = sample / "content/champions.yml"
    entry = "priya-k:\n  name: Priya Kumar\n  bio: Fictional sample champion. Software tester and weekend gardener.\n"
    assert entry in champions.read_text()
    champions.write_text(champions.read_text().replace(entry, ""))
    _git(sample, "commit", "-qam", "Priya asked to be taken off the site")
    guide = sample / "content/guides/cardiology/afib-guide.md"
    guide.write_text(guide.read_text() + "\n\nWith thanks to Priya Kumar for her help.\n")
    other = sample / "content/guides/cardiology/afib-blood-thinners.md"
    other.write_text(other.read_text() + "\n\nPriya: Fictional sample champion. Software tester and weekend gardener.\n")
    assert _build(sample) == 1
    assert "no champion 'priya-k' in content/champions.yml" in capsys.readouterr().out
    assert (sample / "site/index.html").is_file()
    assert site_shows(sample / "site", "Priya Kumar") == []
    assert site_shows(sample / "site", "Software tester and weekend gardener") == []


def test_a_checkout_another_user_owns_still_has_its_history_read(sample, monkeypatch, capsys):
    """rt9: a CI job in a container running as root over the runner's checkout (or a build
    user other than the one who cloned) gets "fatal: detected dubious ownership" from every
    git command; Flywheel read that as "not a repository": no revocation history and no commit
    clock, silently. A revocation committed, then taken out of the file, published the story
    again there. (GIT_TEST_ASSUME_DIFFERENT_OWNER is git's own switch for testing this.)"""
    monkeypatch.setenv("FLYWHEEL_TEST_COMMITS", "1")
    record = sample / RECORD
    _git(sample, "init", "-q")
    _git(sample, "add", "-A")
    _git(sample, "commit", "-qm", "published")
    text = record.read_text()
    record.write_text(text.replace("revoked_on: null", "revoked_on: 2026-11-20"))
    _git(sample, "commit", "-qam", "the patient revoked consent")
    record.write_text(text)
    _git(sample, "commit", "-qam", "merge: kept the older side")
    monkeypatch.setenv("GIT_TEST_ASSUME_DIFFERENT_OWNER", "1")
    assert _build(sample) == 1
    assert "was revoked on 2026-11-20 in a commit of this file" in capsys.readouterr().out
    assert (sample / "site/index.html").is_file()
    assert not (sample / "site/stories/finding-answers").exists()


def _jpeg_with_exif(tag: int, value: bytes, kind: int = 2) -> bytes:
    """A JPEG holding one EXIF field (its picture's data left out: no check reads it)."""
    import struct

    entry = struct.pack("<HHII", tag, kind, len(value), 26)
    tiff = b"II*\0" + struct.pack("<I", 8) + struct.pack("<H", 1) + entry + struct.pack("<I", 0) + value
    app1 = b"Exif\0\0" + tiff
    return b"\xff\xd8\xff\xe1" + struct.pack(">H", len(app1) + 2) + app1 + b"\xff\xd9"


def _png_with_xmp(xmp: bytes) -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", b"\0\0\0\1\0\0\0\1\x08\x02\0\0\0")
            + chunk(b"IDAT", zlib.compress(b"\0\0\0\0")) + chunk(b"iTXt", b"XML:com.adobe.xmp\0\x01\0\0\0" + zlib.compress(xmp))
            + chunk(b"IEND", b""))


@pytest.mark.parametrize("name, data", [
    ("team.jpg", _jpeg_with_exif(0x013B, b"Priya Kumar\0")),  # EXIF Artist, as a camera's owner setting writes it
    ("garden.jpg", _jpeg_with_exif(0x9C9D, "Priya Kumar".encode("utf-16-le") + b"\0\0", kind=1)),  # Windows' "Authors"
    ("group.png", _png_with_xmp(b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description mwg-rs:Name="Priya Kumar" '
                                b'mwg-rs:Type="Face"/></x:xmpmeta>')),  # a face tagged, after the picture's data, packed
    ("interview.mp3", b"ID3\x04\0\0\0\0\0\x16TPE1\0\0\0\x0c\0\0\x03Priya Kumar" + bytes(64)),  # an MP3's artist
    ("interview.flac", b"fLaC\x84\0\0\x26" + (4).to_bytes(4, "little") + b"ffmp" + (1).to_bytes(4, "little")
     + (18).to_bytes(4, "little") + b"ARTIST=Priya Kumar" + bytes(64)),  # Vorbis comments
    ("interview.m4a", b"\0\0\0\x18ftypM4A \0\0\0\0M4A isom" + bytes(4096) + b"\0\0\0\x33udta\0\0\0\x2bilst\0\0\0\x23\xa9ART"
     b"\0\0\0\x1bdata\0\0\0\x01\0\0\0\0Priya Kumar"),  # an MP4's tags, after its media
], ids=["exif-artist", "exif-xpauthor", "png-xmp-face", "mp3-id3", "flac-vorbis", "m4a-ilst"])
def test_a_picture_whose_metadata_names_a_withheld_champion_is_left_out(sample, name, data, capsys):
    """rt9: a binary file was read for runs of three words or more, and a picture's metadata
    holds a name as a value of two: a photo in docs_dir whose EXIF `Artist` (a camera's owner
    setting), Windows' `XPAuthor` (UTF-16) or an XMP face region (`mwg-rs:Name`, what photo
    managers write when a face is tagged, in a PNG's compressed iTXt chunk) names Priya Kumar,
    whose only story has no consent, was published as it was, her name in any viewer's "info";
    so was a recorded interview whose MP3, FLAC or M4A tags name her as its artist."""
    (sample / "theme/pages" / name).write_bytes(data)
    assert _build(sample) == 0
    assert not (sample / "site" / name).exists()
    assert f"Static file '{name}' left out of the site: it quotes a withheld story" in capsys.readouterr().err


def test_a_picture_whose_metadata_names_a_credited_champion_is_published(sample, capsys):
    (sample / "theme/pages/walk.jpg").write_bytes(_jpeg_with_exif(0x013B, b"Daniel Okafor\0"))
    assert _build(sample) == 0
    assert (sample / "site/walk.jpg").is_file()
    capsys.readouterr()


def test_a_draft_guide_titled_as_a_withheld_story_does_not_hide_the_title(sample, capsys):
    """rt9: a withheld story's short title ("Back to the workshop", the expired story's) is
    looked for where a page shows it whole, unless a guide of the site has the same title (the
    site's own). A draft guide counted, though drafts are never shown: a pull request adding one
    titled "Back to the workshop" turned the look-out off, and a guide pointing readers to
    "*Back to the workshop*, Leo's story" was published with a passing build."""
    source = (sample / "content/guides/cardiology/afib-blood-thinners.md").read_text()
    (sample / "content/guides/cardiology/workshop-notes.md").write_text(
        source.replace('title: "Blood thinners for AFib"', 'title: "Back to the workshop"')
        .replace("tags: [medicines]", "tags: [medicines]\ndraft: true"))
    assert build_with_the_guide_saying(sample, "Read *Back to the workshop*, Leo's story.") == 1
    assert site_shows(sample / "site", "Back to the workshop</em>") == []
    capsys.readouterr()


@pytest.mark.parametrize("style", ["json", "flow", "quoted keys", "date on the next line", "explicit key", "anchor",
                                   "folded", "literal", "date and time"])
def test_a_committed_revocation_is_read_however_yaml_writes_the_record(sample, monkeypatch, style, capsys):
    """rt9: the history read `revoked_on: <date>` only as a bare key at the start of a line. A
    record written as JSON (valid YAML: what an e-signature system's export or a script writes,
    `"revoked_on": "2026-11-20",`), in flow style (`{story: ..., revoked_on: 2026-11-20}`),
    with its keys quoted, with the date on the line after its key or as an explicit key (`? revoked_on`,
    rt11), or with an anchor (`&when 2026-11-20`) or as a block scalar (`>-` or `|-`, the date on the
    line below; stop 42) was revoked for the gate (a date and time, `"2026-11-20T09:30"`, made the
    record an error that withheld the story: the patient's word all the same), but not in the history: once a later commit
    took the revocation out of the file, the story was published again with a passing build."""
    import json

    import yaml

    monkeypatch.setenv("FLYWHEEL_TEST_COMMITS", "1")
    record = sample / RECORD
    data = yaml.safe_load(record.read_text())
    data = {key: value.isoformat() if hasattr(value, "isoformat") else value for key, value in data.items()}

    def written(values: dict) -> str:
        if style == "json":
            return json.dumps(values, indent=2) + "\n"
        if style == "flow":
            return yaml.safe_dump(values, default_flow_style=True, width=10_000)
        if style == "date on the next line":
            return "".join(f"{key}:\n  {value}\n" if key == "revoked_on" and value else f"{key}: {json.dumps(value)}\n"
                           for key, value in values.items())
        if style in ("anchor", "folded", "literal", "date and time"):  # stop 42: each version read as YAML
            spelled = {"anchor": "&when {}", "folded": ">-\n  {}", "literal": "|-\n  {}", "date and time": '"{}T09:30"'}[style]
            return "".join(f"{key}: {spelled.format(value)}\n" if key == "revoked_on" and value
                           else f"{key}: {json.dumps(value)}\n" for key, value in values.items())
        if style == "explicit key":  # rt11's leftover: `? revoked_on` with `: <date>` on the line after
            return "".join(f"? {key}\n: {value}\n" if key == "revoked_on" and value else f"{key}: {json.dumps(value)}\n"
                           for key, value in values.items())
        return "".join(f'"{key}": {json.dumps(value)}\n' for key, value in values.items())

    record.write_text(written(data))
    _git(sample, "init", "-q")
    _git(sample, "add", "-A")
    _git(sample, "commit", "-qm", "published")
    assert _build(sample) == 0 and (sample / "site/stories/finding-answers").exists()  # the record is read as written
    record.write_text(written({**data, "revoked_on": "2026-11-20"}))
    _git(sample, "commit", "-qam", "the patient revoked consent")
    record.write_text(written(data))
    _git(sample, "commit", "-qam", "an export written over the record")
    capsys.readouterr()
    assert _build(sample) == 1
    assert "was revoked on 2026-11-20 in a commit of this file" in capsys.readouterr().out
    assert not (sample / "site/stories/finding-answers").exists()


@pytest.mark.parametrize("written", ["Priya Kumar", "Kumar, Priya"])
def test_a_champion_s_double_surname_written_as_one_of_its_parts_is_still_her_name(sample, written, capsys):
    """rt9: a champion no published story credits whose surname is hyphenated ("Priya
    Kumar-Shah") was looked for whole, surname first, and with her first and last words: a
    guide thanking "Priya Kumar", as people shorten a double surname, published her name with a
    passing build."""
    champions = sample / "content/champions.yml"
    champions.write_text(champions.read_text().replace("name: Priya Kumar", "name: Priya Kumar-Shah"))
    assert build_with_the_guide_saying(sample, f"With thanks to {written} for her help.") == 1
    assert site_shows(sample / "site", written) == []
    capsys.readouterr()


@pytest.mark.parametrize("name", ["media/priya-kumar-interview.mp3", "media/Kumar_Priya.jpg", "PriyaKumar.pdf"])
def test_a_file_named_for_a_champion_no_published_story_credits_is_left_out(sample, name, capsys):
    """rt9: a file of docs_dir named for a withheld story (its slug, however written) was left
    out, but one named for a champion no published story credits was published as it was, her
    name in its address (a recorded interview saved as `priya-kumar-interview.mp3`, a photo as
    `Kumar_Priya.jpg`), for anyone who has the address or a page that links to it."""
    target = sample / "theme/pages" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(b"\x00\x01binary\x02" * 64)
    assert _build(sample) == 0
    assert not (sample / "site" / name).exists()
    assert f"Static file '{name}' left out of the site: its name is the name of a champion" in capsys.readouterr().err


def test_a_failed_build_withdraws_a_file_named_for_a_champion_no_published_story_credits(sample, capsys):
    """rt9: the kept site of a failed build was read for files named for a withheld story and
    for text quoting one; a file named for a champion no published story credits (her recorded
    interview, `media/priya-kumar-interview.mp3`, published while her consent stood) stayed on
    it while an unrelated guide's error stopped the build."""
    assert _build(sample) == 0
    kept = sample / "site/media/priya-kumar-interview.mp3"
    kept.parent.mkdir()
    kept.write_bytes(b"\x00\x01binary\x02" * 64)
    guide = sample / "content/guides/cardiology/afib-guide.md"
    guide.write_text(guide.read_text().replace("stage: learn", "stage: lern"))
    assert _build(sample) == 1
    assert (sample / "site/index.html").is_file()
    assert not kept.exists()
    capsys.readouterr()


@pytest.mark.parametrize("what", ["a file in site/", "a file named site"])
def test_a_file_committed_into_site_stops_no_deploy_in_a_checkout_another_user_owns(sample, monkeypatch, what, capsys):
    """rt9: rt5 let a build replace a `site/` whose every file git holds as committed and
    unchanged (a pull request committing one file there used to stop every deploy). That was
    asked of `git status`, which git refuses in a checkout another user owns (a CI container
    running as root over the runner's checkout): the file read as someone's own, every build
    refused the folder, CI's fresh checkout wrote no site, and a story revoked meanwhile stayed
    live. The files are now hashed here against `git ls-files`, which runs no program."""
    if what == "a file named site":
        (sample / "site").write_text("A file a pull request committed.")
    else:
        (sample / "site").mkdir()
        (sample / "site/notes.txt").write_text("A file a pull request committed.")
    revoke_finding_answers(sample)
    _git(sample, "init", "-q")
    _git(sample, "add", "-A")
    _git(sample, "commit", "-qm", "a pull request")
    monkeypatch.setenv("GIT_TEST_ASSUME_DIFFERENT_OWNER", "1")
    assert _build(sample) == 0
    assert (sample / "site/index.html").is_file()
    assert not (sample / "site/stories/finding-answers").exists()
    capsys.readouterr()
