"""Stop 49's red teams, as outside auditors on content of their own: letters that look like
punctuation, file names, encodings a static file was published in, and identifiers the scan
missed (a second labelled number, postcodes, other countries' numbers, a camera's serial).

Every test here failed before its fix (see docs/security.md, the table of properties, attacks
and tests). The sample site and every identifier below are fictional.
"""

from __future__ import annotations

import base64
import lzma

import pytest
from helpers import copy_sample, site_shows
from test_rt13 import _PHONE, _jpeg
from test_rt15 import AS_OF, PASSAGE, TITLE  # the sample's revoked story a-racing-heart

from generator.check import run_check
from generator.cli import main
from generator.identifiers import scan
from generator.leaks import _words, picture_texts, static_leak, withheld_quoted

PULL_QUOTE = "A steady plan beats a racing heart."
STORY = "content/stories/cardiology/a-racing-heart.md"


def _commas(text: str, comma: str = "\ua4f9", stop: str = "\ua4f8") -> str:
    return text.replace(",", comma).replace(".", stop)


def test_letters_that_look_like_punctuation_part_words_as_the_punctuation_does():
    """`ʼ` (U+02BC, a Ukrainian keyboard's apostrophe) and Lisu's `ꓹ` and `ꓸ` are letters: they
    joined the words beside them, so no run of twelve words was left to find."""
    assert _words("don\u02bct stop\ua4f9 one evening\ua4f8 Out") == ["don", "t", "stop", "one", "evening", "out"]
    assert _words(_commas(PASSAGE)) == _words(PASSAGE)
    assert _words("bankers\u02bc hours") == _words("bankers' hours")


@pytest.mark.parametrize("addition", ["look-alike commas", "syllabics dots"])
def test_a_guide_quoting_a_withheld_story_with_look_alike_punctuation_stops_the_build(tmp_path, addition, capsys):
    """Commas and full stops typed as Lisu letters (the first red team), and each space as
    Canadian syllabics' middle dot (the second), in a guide: published with exit 0."""
    sample = copy_sample(tmp_path)
    guide = sample / "content/guides/cardiology/afib-blood-thinners.md"
    text = (f"{_commas(PASSAGE)}\n\n> {_commas(PULL_QUOTE)}" if addition == "look-alike commas"
            else PASSAGE.replace(" ", "\u1427"))
    guide.write_text(guide.read_text() + f"\n\n{text}\n")
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 1
    assert "quotes a withheld story" in capsys.readouterr().err
    assert site_shows(sample / "site", "trapped in my chest") == []


@pytest.fixture(scope="module")
def withheld(tmp_path_factory):
    """The sample checked on the day its story a-racing-heart is withheld: the story's file, the
    withheld slugs and what no page may quote."""
    import datetime as dt

    sample = copy_sample(tmp_path_factory.mktemp("rt18"))
    result = run_check(sample, dt.date.fromisoformat(AS_OF))
    slugs = frozenset(slug for slug in result.project.stories if not result.gate.is_published(slug))
    assert "a-racing-heart" in slugs
    return sample, slugs, withheld_quoted(result)


@pytest.mark.parametrize("rel", [
    "files/out-of-nowhere-my-heart-started-racing-and-fluttering-like-a-bird-trapped-in-my-chest.txt",
    "Living with atrial fibrillation and a blood thinner/notes.txt",  # the summary, as a folder
    "Living%20with%20atrial%20fibrillation%20and%20a%20blood%20thinner",
    "handouts/living_with_atrial_fibrillation_and_a_blood_thinner.pdf",
])
def test_a_file_or_folder_named_with_a_withheld_storys_words_stays_off_the_site(withheld, rel):
    """A handout saved under the story's title while it was published: after the revocation
    its contents were checked, and its name, which the address bar, a directory listing and the
    export show, was published."""
    sample, slugs, quoted = withheld
    path = sample / "theme/pages" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix:
        path.write_text("A handout.")
    else:
        path.mkdir()
    assert static_leak(path, rel, slugs, quoted) == "its name quotes a withheld story"
    assert static_leak(path, "handouts/heart-rhythm-basics.pdf", slugs, quoted) is None


def _packed(story: bytes) -> dict[str, bytes]:
    return {
        "story.lzma": lzma.compress(story, format=lzma.FORMAT_ALONE),
        "story.b64": base64.encodebytes(story),
        "story.b64url": base64.urlsafe_b64encode(story).rstrip(b"="),
        "story.b32": base64.b32encode(story),
        "story.hex": story.hex().encode(),
        "story.b85": base64.b85encode(story),
        "story.a85": base64.a85encode(story, wrapcol=76, adobe=True),
    }


@pytest.mark.parametrize("name", sorted(_packed(b"x")))
def test_a_story_packed_or_encoded_in_a_static_file_is_read_unpacked(withheld, name):
    """`lzma -c story.md`, `base64 story.md`: `lzma -d` and `base64 -d` give the revoked story
    back whole, and the check read neither."""
    sample, slugs, quoted = withheld
    path = sample / "theme/pages/files" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_packed((sample / STORY).read_bytes())[name])
    assert static_leak(path, f"files/{name}", slugs, quoted) == "it quotes a withheld story"


@pytest.mark.parametrize("head", [b"\x04\x22\x4d\x18", b"\x02\x21\x4c\x18", b"LZIP\x01", b"\x89LZO\x00\r\n", b"\x1f\x9d\x90"],
                         ids=["lz4", "lz4-legacy", "lzip", "lzop", "compress"])
def test_a_packing_flywheel_cannot_unpack_is_left_out(withheld, head):
    """A `.lz4` of the story was published: the words its reader of binary files found were
    cut by the packing's length bytes."""
    sample, slugs, quoted = withheld
    path = sample / "theme/pages/files/story.bin"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(head + b"\0" * 8 + TITLE.encode())
    assert static_leak(path, "files/story.bin", slugs, quoted) == "it cannot be read, so it cannot be checked"


@pytest.mark.parametrize("text", [
    b"d41d8cd98f00b204e9800998ecf8427e\n",  # a checksum: hex, base64 and base32 of no text
    b"body{margin:0}a{color:#0b5}.note{padding:4px}",  # a minified stylesheet: base85 by chance
    b"google-site-verification: google1234567890abcdef.html\n",
])
def test_files_that_only_look_encoded_are_published(withheld, text):
    sample, slugs, quoted = withheld
    path = sample / "theme/pages/files/plain.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text)
    assert static_leak(path, "files/plain.txt", slugs, quoted) is None


def _found(text: str) -> list[tuple[str, str]]:
    """(kind, matched text) of each finding, the text found again from its id."""
    from generator.identifiers import _allowed_words, _candidates

    return sorted({(kind, text[start:end]) for kind, start, end in _candidates(text, _allowed_words(frozenset()))})


@pytest.mark.parametrize("text, second", [
    ("The hospital's account number for donations is 44-7718-02, and my account number is 55-8812-03.",
     "55-8812-03"),
    ("My hospital number is RBH-4477321. My son's hospital number is RBH-5512399.", "RBH-5512399"),
    ("MRN: 00483920\n\nmy hospital number is RBH-4477321", "RBH-4477321"),
    ("The ward's number is 01632 960 000 and mine is 07700 900461.", "07700 900461"),
    ("The clinic's phone is 555-0100, my son's is 555-0199.", "555-0199"),
])
def test_a_second_labelled_number_close_to_the_first_is_found(text, second):
    """The second number was read as inside the first's window and never reported: accepting
    the first (a hospital's, a ward's) by its id published the patient's."""
    assert second in [found for _, found in _found(text)]
    assert len(scan(text)) == 2


@pytest.mark.parametrize("text, value", [
    ("My postcode is LS6 3QT if anyone from the support group wants to send a card.", "LS6 3QT"),
    ("Toronto, ON M4C 1B5", "M4C 1B5"),
    ("Postal code: K1A0B1", "K1A0B1"),
    ("we moved to a bungalow in SW19 8QD last year", "SW19 8QD"),
    ("my postcode's bt7 1nn", "bt7 1nn"),
    ("My Eircode is D02 X285, the ambulance still couldn't find us.", "D02 X285"),
    ("NHS no. 4010232137", "4010232137"),
    ("my nhs no is 4010232138", "4010232138"),
    ("BSN 123456782", "123456782"),
    ("PPS number 1234567T", "1234567T"),
    ("NI no: AB123456C", "AB123456C"),
    ("call my mobile, 0412 345 678", "0412 345 678"),
])
def test_postcodes_and_other_countries_numbers_are_found(text, value):
    assert any(found == value for _, found in _found(text)), _found(text)


@pytest.mark.parametrize("text", [
    "I take B12 1000 daily.", "My A1C was 6.5 at the last check.", "The NHS 111 line told me to come in.",
    "I had a sin of omission, 1234 times over.", "We did tai chi 3 times a week.", "Sending love from the COVID 19 ward.",
])
def test_look_alikes_of_those_numbers_are_not_identifiers(text):
    assert scan(text) == []


def test_a_cameras_serial_number_in_a_photo_is_a_device_identifier():
    """A photo's `BodySerialNumber` and `LensSerialNumber` were read, with no label, so the
    scan took them for no identifier."""
    texts = picture_texts(_jpeg(*_PHONE, (0xA431, "402033012345"), (0xA435, "0000c1a2b3")))
    assert [finding.kind for finding in scan("\n".join(texts))].count("device-id") == 2
    assert scan("\n".join(picture_texts(_jpeg(*_PHONE)))) == []


@pytest.mark.parametrize("attack", ["symlink loop", "NUL in docs_dir", "NUL in site_dir", "record name not UTF-8"])
def test_a_committed_trap_that_made_a_traceback_does_not_hold_back_a_withdrawal(tmp_path, attack, capsys):
    """A revocation, and in the same pull request `ln -s campaigns campaigns`, `docs_dir:
    "theme/pages\\0"`, or a copy of a record named `C\\xff.yml`: `Path.resolve`, `os.stat` and the
    cache's key raised, every command printed a traceback, and the revoked story stayed on site/."""
    import os

    from test_audit import STORY, _edit_yaml, _traces

    sample = copy_sample(tmp_path)
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 0
    assert _traces(sample, f"stories/{STORY}/")
    _edit_yaml(sample / "consent/C-2026-012.yml", revoked_on="2026-11-20")
    settings = sample / "mkdocs.yml"
    if attack == "symlink loop":
        (sample / "campaigns").symlink_to("campaigns")
    elif attack.startswith("NUL"):
        key = attack.split()[-1]
        text = settings.read_text()
        assert f"\n{key}:" in text or key == "site_dir"
        settings.write_text(text + f'\n{key}: "theme/pages\\0"\n' if f"\n{key}:" not in text else
                            "\n".join(f'{key}: "theme/pages\\0"' if line.startswith(f"{key}:") else line
                                      for line in text.splitlines()) + "\n")
    else:
        os.link(sample / "consent/C-2026-011.yml", os.fsencode(sample / "consent") + b"/C\xff.yml")
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 1
    for command in (["check", "--format", "json"], ["report"], ["export", str(tmp_path / "out")]):
        assert main([*command, "--root", str(sample), "--as-of", AS_OF]) in (0, 1), command  # some never read mkdocs.yml
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert _traces(sample, f"stories/{STORY}/") == []


def test_a_file_a_command_cannot_write_is_an_error_not_a_traceback(tmp_path, capsys):
    """`new guide` into a service line folder that is a file (or read-only, which root never
    sees) raised NotADirectoryError (PermissionError) out of `main`."""
    sample = copy_sample(tmp_path)
    (sample / "content/guides/spine").rename(sample / "spine-guides")
    (sample / "content/guides/spine").write_text("not a folder")
    code = main(["new", "guide", "--root", str(sample), "--service-line", "spine", "--topic", "low-back-pain",
                 "--title", "Stretches for a stiff back", "--stage", "learn"])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err
    assert "content/guides/spine" in err


def test_text_typed_in_another_encoding_is_refused_before_anything_is_written(tmp_path, capsys):
    """`--title $'bad \\xff\\xfe bytes'` wrote a guide whose YAML no longer parsed (exit 0)."""
    sample = copy_sample(tmp_path)
    before = sorted(p.name for p in (sample / "content/guides/spine").iterdir())
    code = main(["new", "guide", "--root", str(sample), "--service-line", "spine", "--topic", "low-back-pain",
                 "--title", "bad \udcff\udcfe bytes"])
    assert code == 2
    assert "--title is not UTF-8 text" in capsys.readouterr().err
    assert sorted(p.name for p in (sample / "content/guides/spine").iterdir()) == before


@pytest.mark.parametrize("out", ["consent", "content/guides", "theme/pages/schemas", "site"])
def test_schemas_are_never_written_where_they_are_published_or_read(tmp_path, out, monkeypatch, capsys):
    """`flywheel schema --out consent` wrote six files there (every build after failed on their
    extension); `--out theme/pages` published them."""
    sample = copy_sample(tmp_path)
    monkeypatch.chdir(sample)
    assert main(["schema", "--out", out]) == 1
    assert "refusing to write the schemas" in capsys.readouterr().err
    assert not list(sample.rglob("*.schema.json"))
    assert main(["schema", "--out", "schemas"]) == 0


def test_a_stamp_the_cache_folder_cannot_hold_does_not_stop_the_build(tmp_path, capsys):
    """A read-only cache folder (or FLYWHEEL_CACHE_DIR set to one) made the stamp's lock raise
    PermissionError: every build failed, blamed on mkdocs.yml, and left a staging folder. Root
    can write anywhere, so here the stamp's place is taken by a folder, which no one can open
    as a file either."""
    from generator.publish import stamp_file

    sample = copy_sample(tmp_path)
    stamp = stamp_file(sample, sample / "site")
    stamp.unlink(missing_ok=True)
    stamp.mkdir()
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 0
    assert "Error" not in capsys.readouterr().err
    assert not list(sample.glob(".site.*"))
    assert (sample / "site/index.html").is_file()


def test_mkdocs_build_stopped_between_the_check_and_the_staging_folder_still_withdraws(tmp_path, monkeypatch):
    """`mkdocs build` stopped by SIGTERM after the check and before the staging folder was made
    (while the pages' sources were being rendered): `on_build_error` saw no staging folder and
    returned, and the revoked story stayed on site/. Stopped here in the same place, by a
    SystemExit from the render, which goes past MkDocs' own error handling as the signal's
    KeyboardInterrupt does."""
    from mkdocs.__main__ import cli
    from test_audit import STORY, _edit_yaml, _traces

    from generator import mkdocs_plugin

    sample = copy_sample(tmp_path)
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 0
    _edit_yaml(sample / "consent/C-2026-012.yml", revoked_on="2026-11-20")

    def stopped(*args, **kwargs):
        raise SystemExit(1)

    monkeypatch.setattr(mkdocs_plugin, "stored_render", stopped)
    monkeypatch.setattr(mkdocs_plugin, "render_site", stopped)
    monkeypatch.setenv("FLYWHEEL_AS_OF", AS_OF)
    monkeypatch.chdir(sample)
    with pytest.raises(SystemExit):
        cli.main(["build", "-f", str(sample / "mkdocs.yml")], standalone_mode=False)
    assert _traces(sample, f"stories/{STORY}/") == []
    assert (sample / "site/spine/index.html").is_file()


@pytest.mark.parametrize("planted", ["hand-written", "link"])
def test_flywheel_cms_writes_only_over_what_it_wrote(tmp_path, planted, capsys):
    """`flywheel cms` replaced a hand-written admin/index.html, and wrote through a committed
    link (here to mkdocs.yml, which it would have replaced with the editor's page)."""
    sample = copy_sample(tmp_path)
    assert main(["cms", "--root", str(sample)]) == 0
    page = sample / "admin/index.html"
    page.unlink()
    if planted == "link":
        page.symlink_to("../mkdocs.yml")
    else:
        page.write_text("<!doctype html><p>Our own editor page.</p>\n")
    settings = (sample / "mkdocs.yml").read_bytes()
    assert main(["cms", "--root", str(sample)]) == 1
    assert "refusing to write admin/index.html" in capsys.readouterr().err
    assert (sample / "mkdocs.yml").read_bytes() == settings
    assert page.is_symlink() or page.read_text() == "<!doctype html><p>Our own editor page.</p>\n"


def test_a_build_stopped_while_it_deletes_the_previous_site_deletes_it_all_the_same(tmp_path, monkeypatch, capsys):
    """Ctrl-C right after the swap: the previous site, a page of a story revoked since among
    its files, stayed in `.site.staging-<pid>` beside site/, and the build said "site/ left
    as it was" when site/ was this build's. Stopped here by the first deletion of that folder."""
    import shutil

    from test_audit import STORY, _edit_yaml, _traces

    from generator import publish

    sample = copy_sample(tmp_path)
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 0
    _edit_yaml(sample / "consent/C-2026-012.yml", revoked_on="2026-11-20")
    delete, stopped = shutil.rmtree, []

    def interrupted(folder, *args, **kwargs):
        if ".staging-" in str(folder) and (folder / "index.html").exists() and not stopped:
            stopped.append(folder)
            raise KeyboardInterrupt
        return delete(folder, *args, **kwargs)

    monkeypatch.setattr(publish.shutil, "rmtree", interrupted)
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 130
    assert stopped, "the previous site was never deleted"
    assert "site/ written by this build before it stopped" in capsys.readouterr().err
    assert not list(sample.glob(".site.*"))
    assert _traces(sample, f"stories/{STORY}/") == []


# Stop 49's second red team, on this stop's fixes ---------------------------------------------------

SENTENCE = "Out of nowhere my heart started racing and fluttering, like a bird trapped in my chest."


@pytest.mark.parametrize("dot", ["\u1427", "\u0660", "\u02cc", "\u02d1", "\u0887", "\u3164", "\uffa0", "\u115f"],
                         ids=["syllabics-dot", "arabic-zero", "low-vertical", "half-colon", "baseline-dot",
                              "hangul-filler", "halfwidth-filler", "choseong-filler"])
def test_a_letter_a_reader_takes_for_a_dot_or_a_space_parts_words(withheld, dot):
    """`The·doctor·explained` with each dot a letter or digit a browser draws as a dot (or a
    Hangul filler, which `as_seen` dropped and a browser draws as a blank or a box): one word
    to the check, twelve to a reader."""
    _, _, quoted = withheld
    from generator.leaks import quoted_traces

    assert quoted_traces(f"<p>{SENTENCE.replace(' ', dot)}</p>", quoted)
    inside = " ".join(word[:2] + dot + word[2:] if len(word) > 3 else word for word in SENTENCE.split(" "))
    assert quoted_traces(f"<p>{inside}</p>", quoted)  # inside each word, read through


@pytest.mark.parametrize("rel", ["OutOfNowhereMyHeartStartedRacingAndFlutteringLikeABirdTrappedInMyChest.txt",
                                 ("out\u1427of\u1427nowhere\u1427my\u1427heart\u1427started\u1427racing\u1427and"
                                  "\u1427fluttering\u1427like\u1427a\u1427bird.txt")])
def test_a_name_in_camel_case_or_dotted_with_letters_stays_off_the_site(withheld, rel):
    sample, slugs, quoted = withheld
    path = sample / "theme/pages" / rel
    path.write_text("A handout.")
    assert static_leak(path, rel, slugs, quoted) == "its name quotes a withheld story"


def _wrapped(story: bytes) -> dict[str, bytes]:
    import binascii
    import codecs

    encoded = base64.encodebytes(story)
    return {
        "framed.txt": b"begin-base64 644 story.md\n" + encoded + b"====\n",
        "indented.txt": b"".join(b"    " + line + b"\n" for line in encoded.splitlines()),
        "story.json": b'{"story": "' + base64.b64encode(story) + b'"}',
        "uu.txt": b"begin 644 story.md\n" + b"".join(binascii.b2a_uu(story[i:i + 45]) for i in range(0, len(story), 45))
                  + b"`\nend\n",
        "rot13.txt": codecs.encode(story.decode(), "rot13").encode(),
        "lc4.lzma": lzma.compress(story, format=lzma.FORMAT_ALONE,
                                  filters=[{"id": lzma.FILTER_LZMA1, "preset": 6, "lc": 4, "lp": 0}]),
        "dict4k.lzma": lzma.compress(story, format=lzma.FORMAT_ALONE,
                                     filters=[{"id": lzma.FILTER_LZMA1, "preset": 6, "dict_size": 4096}]),
    }


@pytest.mark.parametrize("name", sorted(_wrapped(b"x")))
def test_a_story_encoded_in_a_wrapper_or_with_other_options_is_read_decoded(withheld, name):
    """Base64 framed as `uuencode -m` writes it, indented, or in a JSON string; classic
    uuencode; rot13; `.lzma` written with other `--lzma1=` options: each was published whole."""
    sample, slugs, quoted = withheld
    path = sample / "theme/pages/files" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_wrapped((sample / STORY).read_bytes())[name])
    assert static_leak(path, f"files/{name}", slugs, quoted) == "it quotes a withheld story"


def test_a_large_data_file_is_not_decoded_a_character_at_a_time(withheld, monkeypatch):
    """A 22 MB minified array of numbers is Ascii85's alphabet: Python's decoder read all of it,
    and every build took ten times as long. Ascii85 is read only framed as Adobe frames it, and
    base85 only in files of a megabyte or less."""
    sample, slugs, quoted = withheld
    calls = []
    monkeypatch.setattr(base64, "a85decode", lambda *a, **k: calls.append(a) or b"")
    monkeypatch.setattr(base64, "b85decode", lambda *a, **k: calls.append(a) or b"")
    path = sample / "theme/pages/files/data.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("[" + ",".join(f"0.{n:06d}" for n in range(200_000)) + "]")
    assert static_leak(path, "files/data.json", slugs, quoted) is None
    assert calls == []


@pytest.mark.parametrize("argv", [["--accept-finding", "\udcff"], ["--scope", "website"]])
def test_a_list_of_texts_in_another_encoding_is_refused_too(tmp_path, argv, capsys):
    """`consent record --accept-finding $'\\xff'` wrote `accepted_findings: ["\\uDCFF"]`, which
    no longer parsed, and the story was withheld."""
    sample = copy_sample(tmp_path)
    before = sorted(p.name for p in (sample / "consent").iterdir())
    code = main(["consent", "record", "--root", str(sample), "--fingerprint", "sha256:" + "0" * 64,
                 "--id", "C-2026-099", "--signed-on", "2026-11-01", "--expires-on", "2027-11-01",
                 "--form-ref", "esign/1", "learning-to-live-with-heart-failure", *argv])
    if argv[1] == "\udcff":
        assert code == 2 and "--accept-finding is not UTF-8 text" in capsys.readouterr().err
    else:
        assert code == 1  # the fingerprint is not the story's: refused as before, nothing written
    assert sorted(p.name for p in (sample / "consent").iterdir()) == before


@pytest.mark.parametrize("text", [
    "My tumour was staged T2N0M0 years ago.", "T1N0M0 and T3N1M0 are early stages.", "My CD45RA T cells were low.",
    "Ward C5 2ND FLOOR was quiet.", "I bought an M1 2TB laptop for the portal.", "Our nurse has a BSN (2008-2012).",
    "The NHS Long Term Plan 2019-2029 was mentioned.", "The NHS 2023/2024 winter campaign reached us.",
    "My health card 2024-2025 renewal letter came.", "There was no signal for 2 days at the cabin.",
])
def test_clinical_prose_that_looks_like_a_postcode_or_a_national_number_is_not_one(text):
    """Scan v45's first rules flagged tumour stages, cell markers, wards, a nursing degree and
    year ranges after a national number's name: each withheld a consented story."""
    assert scan(text) == []


@pytest.mark.parametrize("text, value", [
    ("Mijn BSN: 1234.56.782", "1234.56.782"), ("My burgerservicenummer is 123456782", "123456782"),
    ("My SIN is 046-454-286", "046-454-286"), ("My PPSN is 1234567TA", "1234567TA"), ("My NI: QQ 12 34 56 C", "QQ 12 34 56 C"),
    ("Find me on Signal at 07700 900123", "07700 900123"), ("Text me on Whats App 07700 900123", "07700 900123"),
    ("The account number is 44-7718-02; mine, 55-8812-03", "55-8812-03"),
    ("The account number is 44-7718-02, and my own is 55-8812-03", "55-8812-03"),
    ("The account number is 44-7718-02, and mine's 55-8812-03", "55-8812-03"),
])
def test_national_numbers_and_second_numbers_written_other_ways_are_found(text, value):
    assert value in [found for _, found in _found(text)]


@pytest.mark.parametrize("links", [["up"], ["cwd"], ["up", "cwd"]])
def test_a_link_to_a_folder_above_it_in_docs_dir_is_refused_and_the_withdrawal_lands(tmp_path, links, capsys,
                                                                                      monkeypatch):
    """`theme/pages/cwd -> /proc/self/cwd` published the project a dozen folders deep (1,600
    files); with `up -> ..` beside it MkDocs' walk doubled at each level and the build never
    ended, so a revocation never deployed."""
    from test_audit import STORY, _edit_yaml, _traces

    sample = copy_sample(tmp_path)
    monkeypatch.chdir(sample)  # as CI runs it: /proc/self/cwd is the project
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 0
    _edit_yaml(sample / "consent/C-2026-012.yml", revoked_on="2026-11-20")
    for link in links:
        (sample / "theme/pages" / link).symlink_to(".." if link == "up" else "/proc/self/cwd")
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 1
    assert "is a symbolic link to a folder above it" in capsys.readouterr().err
    assert _traces(sample, f"stories/{STORY}/") == []
    assert not (sample / "site/up").exists() and not (sample / "site/cwd").exists()


@pytest.mark.parametrize("shape", ["loop behind a link", "links that branch"])
def test_a_walk_without_end_behind_an_allowed_link_is_refused(tmp_path, shape, capsys):
    """Stop 49's third red team: `theme/pages/shared -> ../../shared-assets` (allowed) and
    `shared-assets/up -> ..`: the loop check did not follow the allowed link, MkDocs did, and the
    build ran until it was killed (3.4 GB). Links that branch without a loop (each folder two
    links to the next, 2^20 paths) make a walk as long."""
    sample = copy_sample(tmp_path)
    if shape == "loop behind a link":
        (sample / "shared-assets/icons").mkdir(parents=True)
        (sample / "shared-assets/up").symlink_to("..")
        (sample / "theme/pages/shared").symlink_to("../../shared-assets")
    else:
        for level in range(1, 21):
            (sample / f"dag/d{level}").mkdir(parents=True)
        for level in range(1, 20):
            for name in "xy":
                (sample / f"dag/d{level}/{name}").symlink_to(f"../d{level + 1}")
        (sample / "theme/pages/dag").symlink_to("../../dag/d1")
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 1
    assert "which MkDocs would walk without end" in capsys.readouterr().err


def _nested(story: str) -> dict[str, str]:
    import codecs

    data = story.encode()
    wrapped = base64.b64encode(data).decode()
    return {
        "utf16": base64.encodebytes(story.encode("utf-16")).decode(),  # PowerShell's [Text.Encoding]::Unicode
        "base64 of rot13": base64.encodebytes(codecs.encode(story, "rot13").encode()).decode(),
        "hex of base64": wrapped.encode().hex(),
        "base64 of base64": base64.b64encode(wrapped.encode()).decode(),
        "wrapped at 12 under a line": "story data\n" + "\n".join(wrapped[i:i + 12] for i in range(0, len(wrapped), 12)),
        "hex spaced": " ".join(f"{byte:02x}" for byte in data),
        "rot13 after 270 KB": "clinic notes " * 21_000 + codecs.encode(story, "rot13"),
    }


@pytest.mark.parametrize("kind", sorted(_nested("x")))
def test_a_story_encoded_twice_or_spaced_is_read_decoded(withheld, kind):
    """Stop 49's third red team: base64 of UTF-16, of rot13 or of base64, hex of base64, base64
    wrapped at 12 columns under a line of words, `xxd -p` hex spaced, and rot13 past 256 KB,
    each published whole."""
    sample, slugs, quoted = withheld
    path = sample / "theme/pages/files/encoded.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_nested((sample / STORY).read_text())[kind])
    assert static_leak(path, "files/encoded.txt", slugs, quoted) == "it quotes a withheld story"


def test_a_long_slug_is_not_read_as_base64_text():
    """A slug of 64 characters is base64's URL-safe alphabet; its bytes read as text (faults
    replaced) made a 1.3 MB file's every reading leave the ASCII path, ten times the cost."""
    from generator.leaks import _blob_texts

    slug = "corp-not-same-origin-after-defaulted-to-same-origin-by-coep-and-dip"
    assert all(text.isascii() for text in _blob_texts(f'{{"name": "{slug}"}}'))


@pytest.mark.parametrize("dot", ["\u02d1", "\u0660", "\u06f0", "\ua78f", "\u1427", "\u3164", "\u0640", "\u00b7", "\u2027",
                                 "\u30fb"])
def test_dots_both_between_and_inside_words_hide_no_quotation(withheld, dot):
    """Stop 49's third red team: `Atˑtheˑhospˑital,ˑanˑECGˑshoˑwed...`: read with the dots as
    spaces, every run was cut; read with them as nothing, the paragraph was one word. A middle
    dot inside words with spaces between them (`hosp·ital`, as a dictionary writes it) was
    missed before this stop too. Such a page is read by its letters, from each word's start."""
    from generator.leaks import quoted_traces

    _, _, quoted = withheld
    between = " " if dot in "\u00b7\u2027\u30fb" else dot
    mixed = between.join(word[: len(word) // 2] + dot + word[len(word) // 2:] if len(word) >= 6 else word
                         for word in SENTENCE.split(" "))
    assert quoted_traces(f"<p>{mixed}</p>", quoted)
    title = between.join(word[:2] + dot + word[2:] if len(word) >= 5 else word for word in TITLE.split(" "))
    assert quoted_traces(f"<h1>{title}</h1>", quoted)
    own = between.join(word[:2] + dot + word[2:]
                       for word in ["Blood", "thinners", "need", "steady", "habits", "and", "regular", "checks"])
    assert not quoted_traces(f"<p>{own}</p>", quoted)


def test_a_file_named_with_dots_between_and_inside_words_stays_off_the_site(withheld):
    sample, slugs, quoted = withheld
    rel = "files/A\u02d1steady\u02d1plan\u02d1beats\u02d1a\u02d1ra\u02d1cing\u02d1heart.pdf"
    path = sample / "theme/pages" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("A handout.")
    assert static_leak(path, rel, slugs, quoted) == "its name quotes a withheld story"


def test_a_folder_of_many_files_of_its_own_is_no_walk_without_end(tmp_path):
    """Only what links reach counts toward the walk's limit: a gallery of 21,000 pictures in
    docs_dir, no link among them, was refused by the first version of the check."""
    from generator.paths import WALKED_MAX, _looping_link

    gallery = tmp_path / "pages/gallery"
    gallery.mkdir(parents=True)
    for number in range(WALKED_MAX + 1000):
        (gallery / f"{number}.jpg").touch()
    assert _looping_link(tmp_path / "pages") is None
    (tmp_path / "pages/again").symlink_to("gallery")  # a link to a sibling: reached twice, no loop
    assert _looping_link(tmp_path / "pages") == tmp_path / "pages/again"  # past the limit through a link


def test_middle_dots_inside_words_and_hidden_fillers_between_them_hide_no_quotation(withheld):
    """Found in the last read: the shown reading (what hiding markup leaves) was read by its
    letters only for dot-like letters, not for a middle dot inside a word, which the page's own
    reading is; with a hidden filler between every few words, neither reading held the run."""
    from generator.leaks import quoted_traces

    _, _, quoted = withheld
    words = [word[:2] + "\u00b7" + word[2:] if len(word) >= 5 else word for word in SENTENCE.split(" ")]
    page = " ".join(word + (' <span hidden>zq</span>' if index % 4 == 3 else "") for index, word in enumerate(words))
    assert quoted_traces(f"<p>{page}</p>", quoted)


def test_a_link_to_the_root_folder_is_named_as_the_loop(tmp_path):
    """Found in the last read: a link to `/` was compared as `/` + `/`, so the loop was named one
    folder below it (`root/tmp`, no link at all)."""
    from generator.paths import _looping_link

    (tmp_path / "pages").mkdir()
    (tmp_path / "pages/root").symlink_to("/")
    assert _looping_link(tmp_path / "pages") == tmp_path / "pages/root"
