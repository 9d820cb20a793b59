"""Red team rt7's routes around the consent promise, each written as the attack.

Every test here failed before its fix (see docs/security.md, the table of properties, attacks
and tests). The sample site is fictional.
"""

from __future__ import annotations

import base64
import bz2
import gzip
import io
import lzma
import tarfile
import zipfile
import zlib

import pytest
from helpers import revoke_finding_answers

from generator.cli import main

AS_OF = "2026-11-22"


def _zip(members: dict[str, bytes], method=zipfile.ZIP_DEFLATED) -> bytes:
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return packed.getvalue()


def _tar(name: str, data: bytes) -> bytes:
    packed = io.BytesIO()
    with tarfile.open(fileobj=packed, mode="w") as tar:
        info = tarfile.TarInfo(name)
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    return packed.getvalue()


def test_a_compressed_file_that_carries_a_withheld_story_is_left_out(sample, capsys):
    """rt7: only a `.gz` file was unpacked, and only its first member, read as text: a zip
    compressed as zips are (or a `.docx`, `.epub`, `.xlsx`: zips too), a `.tar.gz` (a tar is
    binary once unpacked, so it was not read), a `.bz2`, an `.xz`, a zlib stream, a gzip of a
    gzip, a gzip whose second member holds the story, and a zip appended to a picture each
    published a revoked story's whole text, for anyone to download, with a passing build."""
    story = revoke_finding_answers(sample)
    static = sample / "theme/pages/downloads"
    static.mkdir()
    picture = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + bytes(range(256)) * 40
    files = {
        "stories.zip": _zip({"notes/story.md": story}),
        "handout.docx": _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:t>" + story + b"</w:t>"}),
        "story.tar.gz": gzip.compress(_tar("story.md", story)),
        "story.md.bz2": bz2.compress(story),
        "story.md.xz": lzma.compress(story),
        "story.z": zlib.compress(story),
        "story.md.gz.gz": gzip.compress(gzip.compress(story)),
        "two.md.gz": gzip.compress(b"Nothing to see here.\n") + gzip.compress(story),
        "nested.zip": _zip({"inner.zip": _zip({"story.md": story})}),
        "picture.png": picture + _zip({"story.md": story}),
        "sevenzip.7z": b"7z\xbc\xaf\x27\x1c\0\x04" + bytes(range(256)) * 4,  # cannot be read: cannot be checked
    }
    for rel, data in files.items():
        (static / rel).write_bytes(data)
    kept = {
        "photo.png": picture,
        "other.zip": _zip({"readme.txt": b"Directions to the clinic and parking.\n" * 50}),
        "other.txt.bz2": bz2.compress(b"Nothing about any story at all.\n"),
    }
    for rel, data in kept.items():
        (static / rel).write_bytes(data)
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 0
    err = capsys.readouterr().err
    assert [rel for rel in files if (sample / "site/downloads" / rel).exists()] == []
    assert "Static file 'downloads/story.tar.gz' left out of the site: it quotes a withheld story" in err
    assert "Static file 'downloads/sevenzip.7z' left out of the site: it cannot be read" in err
    assert [rel for rel in kept if not (sample / "site/downloads" / rel).is_file()] == []


def test_a_compressed_document_carried_in_a_guide_is_read_too(sample, capsys):
    """rt7: a guide's link to a `data:` address holding a gzip or a zip of a revoked story (a
    download a reader gets by clicking) was not read: only text documents were."""
    story = revoke_finding_answers(sample)
    guide = sample / "content/guides/spine/csf-leak-guide.md"
    for payload in (gzip.compress(story), _zip({"story.md": story})):
        encoded = base64.b64encode(payload).decode()
        guide.write_text(guide.read_text() + f'\n\n<a href="data:application/octet-stream;base64,{encoded}">Notes</a>\n')
        assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 1
        site = sample / "site"
        assert not any(encoded[:60] in path.read_text(errors="replace") for path in site.rglob("*.html"))
        guide.write_text(guide.read_text().rsplit("\n\n<a href=", 1)[0])
    capsys.readouterr()


def _daniel_photo(root) -> bytes:
    """Daniel (champion of the sample's revoked story a-racing-heart) gets a photo in docs_dir;
    no published story may show it. Its bytes."""
    import yaml

    champions = root / "content/champions.yml"
    data = yaml.safe_load(champions.read_text())
    data["daniel-o"]["photo"] = "/img/daniel.jpg"
    champions.write_text(yaml.safe_dump(data, sort_keys=False))
    picture = b"\xff\xd8\xff\xe0\0\x10JFIF\0 a fictional photo of Daniel"
    (root / "theme/pages/img").mkdir(parents=True, exist_ok=True)
    (root / "theme/pages/img/daniel.jpg").write_bytes(picture)
    return picture


@pytest.mark.parametrize("how", ["pasted", "b64", "zipped"])
def test_a_page_carrying_an_unconsented_photo_inside_it_is_left_out(sample, how, capsys):
    """rt7: the photo file of a champion no published story may show is left out of the site, and
    so is a copy of it under another name; but a guide carrying the picture itself, as a `data:`
    address (pasted, or inlined from docs_dir by `pymdownx.b64` from `<img src=...>`), published
    the patient's face with a passing build."""
    picture = _daniel_photo(sample)
    guide = sample / "content/guides/spine/csf-leak-guide.md"
    if how == "pasted":
        image = f'<img alt="A patient" src="data:image/jpeg;base64,{base64.b64encode(picture).decode()}">'
    elif how == "zipped":  # a download link holding the photo in a zip
        picture = _zip({"p.jpg": picture})
        image = f'<a href="data:application/zip;base64,{base64.b64encode(picture).decode()}">Photos</a>'
    else:
        config = sample / "mkdocs.yml"
        config.write_text(config.read_text().replace(
            "  - admonition\n", f"  - admonition\n  - pymdownx.b64:\n      base_path: {sample / 'theme/pages'}\n"))
        image = '<img alt="A patient" src="img/daniel.jpg">'
    guide.write_text(guide.read_text() + f"\n\n{image}\n")
    encoded = base64.b64encode(picture).decode()
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 1
    assert "carries the photo of a champion no published story may show" in capsys.readouterr().err
    site = sample / "site"
    assert (site / "index.html").is_file()  # a fresh checkout: the site is written, withdrawn
    assert [p for p in site.rglob("*") if p.is_file() and encoded[:40] in p.read_text(errors="replace")] == []
    assert not (site / "img/daniel.jpg").exists()


def _export(root, out, capsys) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["export", str(out), "--root", str(root), "--as-of", AS_OF])
    return code, capsys.readouterr().err


TITLE = "Finding answers after a year of headaches"  # finding-answers


@pytest.mark.parametrize("setting", [
    f"copyright: \"{TITLE}\"\n",  # Material prints it in every page's footer
    f"extra:\n  consent:\n    title: Cookies\n    description: \"{TITLE}\"\n",  # Material's cookie banner
    "site_description: \"Read stories/finding-answers first.\"\n",  # every page's meta description
], ids=["copyright", "extra", "description"])
def test_an_export_never_hands_the_renderer_settings_that_show_a_withheld_story(sample, tmp_path, capsys, setting):
    """rt7: the exported mkdocs.yml carries the practice's settings to a renderer with no plugin
    (Zensical), whose theme prints `copyright`, `site_description` and Material's `extra`
    settings on every page; one quoting a story or showing its address, written while the
    consent covered it, was exported with exit 0 once the consent was revoked, and a failed
    export kept it in the previous export's mkdocs.yml."""
    config = sample / "mkdocs.yml"
    text = config.read_text()
    key = setting.split(":")[0] + ":"
    lines = text.split("\n")
    if key in ("copyright:", "site_description:"):  # the sample's own, replaced
        start = next(i for i, line in enumerate(lines) if line.startswith(key))
        end = next(i for i in range(start + 1, len(lines)) if not lines[i].startswith("  "))
        lines[start:end] = []
    config.write_text("\n".join(lines) + "\n" + setting)
    out = tmp_path / "export"
    assert _export(sample, out, capsys)[0] == 0  # published: the settings may show it
    revoke_finding_answers(sample)
    code, err = _export(sample, out, capsys)  # the previous export shows it: withdrawn
    assert code == 1 and "mkdocs.yml" in err
    exported = (out / "mkdocs.yml").read_text()
    assert TITLE not in exported and "stories/finding-answers" not in exported
    fresh = tmp_path / "fresh"
    code, err = _export(sample, fresh, capsys)  # a fresh checkout: written without the setting
    assert code == 1 and (fresh / "docs/sleep/index.md").is_file()
    exported = (fresh / "mkdocs.yml").read_text()
    assert TITLE not in exported and "stories/finding-answers" not in exported
    assert "site_name: Riverbend Family Health" in exported


def test_a_failed_export_withdraws_a_setting_the_previous_one_handed_the_renderer(sample, tmp_path, capsys):
    """rt7: with an unrelated guide's error, the export fails and deletes from the previous one
    every file that shows a story withheld today; its mkdocs.yml, whose copyright every page
    prints, kept the revoked story's title."""
    config = sample / "mkdocs.yml"
    config.write_text(config.read_text().replace("copyright: >-\n", f"copyright: >-\n  {TITLE}.\n"))
    out = tmp_path / "export"
    assert _export(sample, out, capsys)[0] == 0 and TITLE in (out / "mkdocs.yml").read_text()
    revoke_finding_answers(sample)
    broken = sample / "content/guides/cardiology/ecg-what-to-expect.md"
    broken.write_text(broken.read_text().replace("stage: prepare", "stage: prepar"))
    code, err = _export(sample, out, capsys)
    assert code == 1 and "of the previous export that showed stories withheld today" in err
    exported = (out / "mkdocs.yml").read_text()
    assert TITLE not in exported and "site_name: Riverbend Family Health" in exported


def test_a_failed_export_takes_a_withheld_story_out_of_the_previous_navigation(sample, tmp_path, capsys):
    """rt7: a failed export deleted the revoked story's page from the previous export, but that
    export's mkdocs.yml kept it in `nav` (its title and address), which a renderer prints on
    every page, a missing page's entry included."""
    out = tmp_path / "export"
    assert _export(sample, out, capsys)[0] == 0 and TITLE in (out / "mkdocs.yml").read_text()
    revoke_finding_answers(sample)
    broken = sample / "content/guides/cardiology/ecg-what-to-expect.md"
    broken.write_text(broken.read_text().replace("stage: prepare", "stage: prepar"))
    assert _export(sample, out, capsys)[0] == 1
    exported = (out / "mkdocs.yml").read_text()
    assert TITLE not in exported and "finding-answers" not in exported
    assert "stories/learning-to-live-with-heart-failure.md" in exported


@pytest.mark.parametrize("path, code", [
    ("content/stories/cardiology/new-story.MD", "extension-case"),
    ("content/stories/cardiology/new-story.Md", "extension-case"),
    ("content/guides/cardiology/new-guide.MD", "extension-case"),
    ("content/stories/cardiology/new-story.mdown", "wrong-extension"),
    ("content/stories/cardiology/new-story.mkd", "wrong-extension"),
    ("content/guides/cardiology/new-guide.MARKDOWN", "wrong-extension"),
    ("content/notes/new-story.MD", "misplaced-content"),
    ("service_lines/dermatology.YML", "extension-case"),
    ("campaigns/spring.YAML", "wrong-extension"),
])
def test_a_content_file_with_an_extension_in_other_case_is_an_error_naming_it(sample, capsys, path, code):
    """rt7 (a leftover of rt6): `content/stories/*.MD`, other Markdown extensions and case
    variants of `.yml` were skipped without a word: an editor saw the story, guide or service
    line missing from the site and no reason."""
    target = sample / path
    target.parent.mkdir(parents=True, exist_ok=True)
    source = "content/stories/spine/finding-answers.md" if "stor" in path else "content/guides/spine/csf-leak-guide.md"
    target.write_bytes((sample / source).read_bytes() if path.startswith("content") else b"name: X\n")
    assert main(["check", "--root", str(sample), "--as-of", AS_OF]) == 1
    out = capsys.readouterr().out
    assert f"{path}: error:" in out and f"[{code}]" in out


def _preview(root, temp, port):
    import os
    import subprocess
    import sys

    env = {**os.environ, "NO_COLOR": "1", "TMPDIR": str(temp)}
    return subprocess.Popen(
        [sys.executable, "-m", "generator.cli", "serve", "--root", str(root), "--port", str(port), "--as-of", AS_OF],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
    )


def test_a_killed_previews_folder_is_deleted_by_the_next_preview(sample, tmp_path):
    """rt7 (a leftover of rt6): SIGKILL (the OOM killer, `kill -9`, a CI job cancelled) gives a
    preview no chance to delete the temporary folder it serves from, and the folder kept every
    withheld story's page in $TMPDIR. The next preview deletes the folders of previews whose
    process has ended, and nothing else: not a live preview's, not MkDocs' own, not another
    name."""
    import os
    import signal
    import time

    from helpers import fetch, free_port

    temp = tmp_path / "tmp"
    temp.mkdir()
    port = free_port()
    server = _preview(sample, temp, port)
    try:
        fetch(f"http://127.0.0.1:{port}/stories/a-racing-heart/", time.monotonic() + 60)
    finally:
        server.send_signal(signal.SIGKILL)
        server.wait(timeout=10)
    left = [p for p in temp.iterdir() if (p / "stories/a-racing-heart/index.html").is_file()]
    assert len(left) == 1  # the revoked story's preview page, left behind
    kept = [temp / "mkdocs_abcd1234", temp / f"mkdocs_flywheel-preview-{os.getpid()}-live", temp / "flywheel-notes"]
    for folder in kept:
        folder.mkdir()
        (folder / "index.html").write_text("someone's")
    port = free_port()
    server = _preview(sample, temp, port)
    try:
        fetch(f"http://127.0.0.1:{port}/stories/a-racing-heart/", time.monotonic() + 60)
        assert not left[0].exists()
        assert all((folder / "index.html").is_file() for folder in kept)
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert sorted(temp.iterdir()) == sorted(kept)


NAMES_FOR_A_RACING_HEART = ["a_racing_heart.pdf", "a-racing-heart-final.pdf", "A Racing Heart.pdf", "\u0430-racing-heart.pdf",
                            "aracingheart.pdf", "a-racing-heart (1).pdf", "A%20Racing%20Heart.pdf", "ａ-racing-heart.pdf"]


def test_a_static_file_named_for_a_withheld_story_however_written_is_left_out(sample, tmp_path, capsys):
    """rt7: a file named for a withheld story is left out (a PDF's words are not read), but only
    under the slug exactly: the same PDF saved as `a_racing_heart.pdf`, `A Racing Heart.pdf`,
    `a-racing-heart-final.pdf`, `a-racing-heart (1).pdf`, with a Cyrillic `а` or a fullwidth `ａ`,
    was published with a passing build (a-racing-heart is the sample's revoked story), and
    exported."""
    static = sample / "theme/pages/downloads"
    static.mkdir()
    for name in NAMES_FOR_A_RACING_HEART:
        (static / name).write_bytes(b"%PDF-1.4\n\0 a fictional printable story")
    kept = ["racing-tips.pdf", "heart-healthy-recipes.pdf", "a-steady-plan.pdf"]
    for name in kept:
        (static / name).write_bytes(b"%PDF-1.4\n\0 a fictional handout")
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 0
    err = capsys.readouterr().err
    assert sorted(p.name for p in (sample / "site/downloads").iterdir()) == sorted(kept)
    assert "Static file 'downloads/a_racing_heart.pdf' left out of the site: it is named for withheld story a-racing-heart" in err
    assert main(["export", str(tmp_path / "export"), "--root", str(sample), "--as-of", AS_OF]) == 0
    assert sorted(p.name for p in (tmp_path / "export/docs/downloads").iterdir()) == sorted(kept)


def test_the_last_resort_deletes_a_file_named_for_a_withheld_story_however_written(sample):
    """rt7: the same files, published while the story's consent covered them, stayed on site/
    when the consent was revoked while an unrelated error stopped the build."""
    static = sample / "theme/pages/downloads"
    static.mkdir()
    for name in ("finding_answers.pdf", "Finding Answers (final).pdf"):  # finding-answers: published, then revoked
        (static / name).write_bytes(b"%PDF-1.4\n\0 a fictional printable story")
    (static / "handout.pdf").write_bytes(b"%PDF-1.4\n\0 a fictional handout")
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 0
    assert (sample / "site/downloads/finding_answers.pdf").is_file()
    revoke_finding_answers(sample)
    broken = sample / "content/guides/cardiology/ecg-what-to-expect.md"
    broken.write_text(broken.read_text().replace("stage: prepare", "stage: prepar"))
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 1
    assert sorted(p.name for p in (sample / "site/downloads").iterdir()) == ["handout.pdf"]


LEO_BIO = "Fictional sample champion. Carpenter who went back to work after back surgery."  # back-to-the-workshop's champion


def test_the_bio_of_a_champion_no_published_story_credits_is_withheld_too(sample, capsys):
    """rt7: a story's page shows its champion's bio (the fingerprint covers it), but the checks
    compared pages only with withheld stories' titles, summaries, pull quotes and text, and full
    names: a guide quoting the bio of Leo, whose only story's consent has expired, or a hard link
    to champions.yml kept in docs_dir (a hard link is a file there, not a link), published who he
    is with a passing build."""
    import os

    assert LEO_BIO in (sample / "content/champions.yml").read_text()
    (sample / "theme/pages/team.txt").write_text(f"Our champions:\n\n{LEO_BIO}\n")
    os.link(sample / "content/champions.yml", sample / "theme/pages/champions.yml")
    (sample / "content/champions.yml").write_text(
        (sample / "content/champions.yml").read_text().replace("daniel-o:\n  name: Daniel Okafor", "daniel-o:\n  name: Daniel"))
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 0
    err = capsys.readouterr().err
    assert not (sample / "site/team.txt").exists() and not (sample / "site/champions.yml").exists()
    assert "Static file 'team.txt' left out of the site: it quotes a withheld story" in err
    guide = sample / "content/guides/spine/back-surgery-is-it-right.md"
    guide.write_text(guide.read_text() + f"\n\nOne of our patients: *{LEO_BIO}*\n")
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 1
    assert not any("went back to work after back surgery" in p.read_text(errors="replace")
                   for p in (sample / "site").rglob("*") if p.is_file())


def test_an_archive_holding_a_file_named_for_a_withheld_story_is_left_out(sample, capsys):
    """rt7: a zip or a tar holding `a-racing-heart.pdf` (a PDF: its words are not read, so only
    its name tells) was published with a passing build."""
    static = sample / "theme/pages/downloads"
    static.mkdir()
    pdf = b"%PDF-1.4\n\0 a fictional printable story"
    files = {
        "stories.zip": _zip({"2026/a-racing-heart.pdf": pdf}),
        "stories.tar": _tar("A Racing Heart.pdf", pdf),
        "stories.tar.gz": gzip.compress(_tar("a_racing_heart.pdf", pdf)),
    }
    for name, data in files.items():
        (static / name).write_bytes(data)
    kept = {"handouts.zip": _zip({"clinic-map.pdf": pdf}), "handouts.tar.gz": gzip.compress(_tar("map.pdf", pdf)),
            "notes.txt.gz": gzip.compress(b"Parking is behind the clinic.\n")}
    for name, data in kept.items():
        (static / name).write_bytes(data)
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 0
    err = capsys.readouterr().err
    assert sorted(p.name for p in (sample / "site/downloads").iterdir()) == sorted(kept)
    assert "'downloads/stories.zip' left out of the site: it holds 2026/a-racing-heart.pdf, named for withheld story" in err


@pytest.mark.parametrize("fresh", [True, False], ids=["fresh-checkout", "kept-site"])
def test_a_setting_mkdocs_cannot_use_is_an_error_and_still_withdraws(sample, capsys, fresh):
    """rt7: `extra_css: [1, 2]` (numbers where paths belong; MkDocs does not validate them) made
    `flywheel build` stop with a traceback from inside MkDocs, and in CI's fresh checkout write
    no site at all, so a story revoked since stayed live."""
    if not fresh:
        assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 0
        assert (sample / "site/stories/finding-answers/index.html").is_file()
    revoke_finding_answers(sample)
    config = sample / "mkdocs.yml"
    config.write_text(config.read_text() + "\nextra_css: [1, 2]\n")
    capsys.readouterr()
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "MkDocs stopped with TypeError" in err
    site = sample / "site"
    assert not (site / "stories/finding-answers").exists()
    assert not [p for p in site.rglob("*.html") if "finding-answers" in p.read_text()]
    if fresh:
        assert (site / "index.html").is_file()  # Flywheel's defaults: the withdrawal deploys


@pytest.mark.parametrize("old, new", [
    ("  name: material\n", "  name: material\n  custom_dir: 42\n"),
    ("      campaign_params: true", "      as_of: 2026-02-30"),  # a date no calendar has: YAML itself fails
    ("docs_dir: theme/pages", "docs_dir: 42"),
    ("  features:\n", "  features: 42\n  x:\n"),
    ("site_name: Riverbend Family Health", "site_name: 42"),
], ids=["custom_dir-number", "impossible-date", "docs_dir-number", "features-number", "site_name-number"])
def test_a_mkdocs_yml_value_of_the_wrong_kind_is_an_error_not_a_traceback(sample, tmp_path, old, new, capsys):
    """rt7: each of these stopped `flywheel build`, `export` or `check` with a traceback (inside
    PyYAML, MkDocs' validation or the export), and a build in a fresh checkout wrote no site, so
    a story revoked since stayed live."""
    config = sample / "mkdocs.yml"
    assert old in config.read_text()
    config.write_text(config.read_text().replace(old, new, 1))
    revoke_finding_answers(sample)
    assert main(["check", "--root", str(sample), "--as-of", AS_OF]) in (0, 1)
    assert main(["export", str(tmp_path / "export"), "--root", str(sample), "--as-of", AS_OF]) in (0, 1)
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 1
    assert "Traceback" not in capsys.readouterr().err
    site = sample / "site"
    assert (site / "index.html").is_file() and not (site / "stories/finding-answers").exists()


@pytest.mark.parametrize("quote", [
    "Fínding ánswers áfter á yéar of héadaches",  # accented letters, typed precomposed
    "Fi\u0301nding answers after a year of headache\u0301s",  # a combining accent, which NFKC composes
    "Ｆíｎｄｉｎｇ answers after a year of ḣeadaches",
], ids=["precomposed", "combining", "mixed"])
def test_a_quotation_with_accents_on_its_letters_stops_the_build(sample, quote, capsys):
    """rt7: marks drawn on a letter (`ra\u0336cing`) were dropped before comparing, but NFKC first
    joins a letter and its accent into one precomposed letter (`á`), which then read as another
    word: a guide giving a revoked story's title with accents on its letters, which every reader
    reads as the title, was published with a passing build."""
    revoke_finding_answers(sample)
    guide = sample / "content/guides/spine/csf-leak-guide.md"
    guide.write_text(guide.read_text() + f"\n\nRead *{quote}* for one patient's view.\n")
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 1
    page = (sample / "site/spine/csf-leak/index.html").read_text()
    assert "This page is being updated." in page and "one patient" not in page


def test_an_archive_holding_an_unconsented_photo_is_left_out(sample, tmp_path, capsys):
    """rt7: Daniel's photo file, and a copy of it under another name, are left out (his story is
    revoked); the same picture in `patients.zip`, a `.tar.gz` or gzipped was published and
    exported with a passing build."""
    picture = _daniel_photo(sample)
    static = sample / "theme/pages/downloads"
    static.mkdir()
    files = {"patients.zip": _zip({"photos/patient.jpg": picture}),
             "photos.tar.gz": gzip.compress(_tar("patient.jpg", picture)), "patient.jpg.gz": gzip.compress(picture)}
    for name, data in files.items():
        (static / name).write_bytes(data)
    (static / "clinic.zip").write_bytes(_zip({"clinic.jpg": b"\xff\xd8\xff\xe0 the clinic"}))
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 0
    err = capsys.readouterr().err
    assert sorted(p.name for p in (sample / "site/downloads").iterdir()) == ["clinic.zip"]
    assert "'downloads/patients.zip' left out of the site: it is the photo of champion daniel-o" in err
    assert main(["export", str(tmp_path / "export"), "--root", str(sample), "--as-of", AS_OF]) == 0
    assert sorted(p.name for p in (tmp_path / "export/docs/downloads").iterdir()) == ["clinic.zip"]


def _letter_by_letter_svg(text: str) -> str:
    """An SVG banner as a design tool writes one with its letters kerned: each in a `tspan`."""
    letters = "".join(f"<tspan>{letter}</tspan>" for letter in text)
    return f'<svg xmlns="http://www.w3.org/2000/svg" width="600" height="40"><text x="0" y="30">{letters}</text></svg>'


def test_a_title_written_letter_by_letter_in_svg_stops_the_build(sample, capsys):
    """rt7: SVG's `tspan` is the inline element of SVG text, as `span` is of HTML's, but it parted
    words: a banner (`banner.svg` in docs_dir, or inline in a guide) giving a revoked story's title
    a letter per `tspan` was published with a passing build; every reader reads the title."""
    revoke_finding_answers(sample)
    banner = _letter_by_letter_svg("Finding answers after a year of headaches")
    (sample / "theme/pages/banner.svg").write_text(banner)
    (sample / "theme/pages/other.svg").write_text(_letter_by_letter_svg("Caring for your spine"))
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 0
    assert "Static file 'banner.svg' left out of the site: it quotes a withheld story" in capsys.readouterr().err
    assert not (sample / "site/banner.svg").exists() and (sample / "site/other.svg").is_file()
    guide = sample / "content/guides/spine/csf-leak-guide.md"
    guide.write_text(guide.read_text() + f"\n\n<div>{banner}</div>\n")
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 1
    assert "<tspan>F</tspan>" not in (sample / "site/spine/csf-leak/index.html").read_text()


@pytest.mark.parametrize("how", ["mkdocs.yml", "environment"])
def test_plain_mkdocs_serve_never_shows_the_preview_beyond_this_computer(sample, tmp_path, how):
    """rt7: `flywheel serve` refuses to show the preview (withheld stories and drafts) on an
    address other machines reach, but `mkdocs serve -a 0.0.0.0:8000` (a container's usual
    command) with `preview: true` under the plugin, which a pull request can add, or
    FLYWHEEL_PREVIEW=1, served the revoked story to anyone who could reach it."""
    import os
    import subprocess
    import sys
    import time
    import urllib.request

    from helpers import free_port

    env = {**os.environ, "NO_COLOR": "1", "TMPDIR": str(tmp_path)}
    if how == "environment":
        env["FLYWHEEL_PREVIEW"] = "1"
    else:
        config = sample / "mkdocs.yml"
        config.write_text(config.read_text().replace("      campaign_params: true", "      campaign_params: true\n      preview: true"))
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-a", f"0.0.0.0:{port}"], cwd=sample, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    shown = None
    try:
        deadline = time.monotonic() + 60
        while server.poll() is None and time.monotonic() < deadline and shown is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/stories/a-racing-heart/", timeout=5) as response:
                    shown = response.read().decode()
            except OSError:
                time.sleep(0.5)
    finally:
        server.terminate()
        _, err = server.communicate(timeout=20)
    assert shown is None, "the preview of a revoked story was served on 0.0.0.0"
    assert "preview" in err and "0.0.0.0" in err


def test_a_consent_record_included_or_pasted_into_a_page_stops_the_build(sample, capsys):
    """rt7: a byte-for-byte copy of a consent record in docs_dir is left out of the site, but a
    guide including that copy with `pymdownx.snippets` (its base_path kept in docs_dir, as the
    build requires) published the revoked story's record in the page and the search index: its
    slug, identifiers, revocation date and e-sign reference. So did an edited copy in docs_dir
    (a static file), which only a byte-for-byte comparison looked for."""
    (sample / "theme/pages/records").mkdir()
    record = (sample / "consent/C-2026-017.yml").read_text()  # a-racing-heart's, revoked
    (sample / "theme/pages/records/r.yml").write_text(record)
    (sample / "theme/pages/records/edited.txt").write_text("Signed forms on file: esign/8120 (revoked).\n")
    config = sample / "mkdocs.yml"
    config.write_text(config.read_text().replace(
        "  - admonition\n",
        f"  - admonition\n  - pymdownx.snippets:\n      base_path: [{sample / 'theme/pages'}]\n      restrict_base_path: true\n"))
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 0
    err = capsys.readouterr().err
    assert "Static file 'records/edited.txt' left out of the site" in err
    guide = sample / "content/guides/spine/csf-leak-guide.md"
    guide.write_text(guide.read_text() + '\n\n```yaml\n--8<-- "records/r.yml"\n```\n')
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 1
    assert "e-sign reference" in capsys.readouterr().err
    assert not [p for p in (sample / "site").rglob("*") if p.is_file() and "esign/8120" in p.read_text(errors="replace")]


@pytest.mark.parametrize("how", ["mkdocs.yml", "environment", "environment-and-refused-settings"])
@pytest.mark.parametrize("fresh", [True, False], ids=["fresh-checkout", "kept-site"])
def test_a_build_date_that_is_no_date_still_withdraws_under_mkdocs_build(sample, how, fresh):
    """rt7: `as_of: soon` under the plugin in mkdocs.yml (a pull request can add it), or
    FLYWHEEL_AS_OF=yesterday in CI, stopped `mkdocs build` in on_config, before anything looked
    at site/: the revoked story stayed on the kept site, and a fresh checkout wrote no site."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "NO_COLOR": "1"}
    if not fresh:
        assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 0
        assert (sample / "site/stories/finding-answers/index.html").is_file()
    revoke_finding_answers(sample)
    if how.startswith("environment"):
        env["FLYWHEEL_AS_OF"] = "yesterday"
    if how == "environment-and-refused-settings":  # refused in on_config: the last resort runs, with today's date
        config = sample / "mkdocs.yml"
        config.write_text(config.read_text().replace("  - admonition\n", "  - admonition\n  - pymdownx.snippets:\n"
                                                                        "      base_path: [content]\n"))
    elif how == "mkdocs.yml":
        config = sample / "mkdocs.yml"
        config.write_text(config.read_text().replace("      campaign_params: true", "      campaign_params: true\n      as_of: soon"))
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build"], check=False, cwd=sample, env=env, capture_output=True,
                          text=True,
                          timeout=300)
    assert done.returncode != 0 and ("as_of must be a date" in done.stderr or "snippets" in done.stderr)
    assert "Traceback" not in done.stderr
    site = sample / "site"
    if how == "environment-and-refused-settings":
        if fresh:
            return  # plain `mkdocs build` writes no site from refused settings (only `flywheel build` does)
    else:
        assert (site / "index.html").is_file()
    assert not (site / "stories/finding-answers").exists()
    assert not [p for p in site.rglob("*.html") if "stories/finding-answers" in p.read_text()]


def test_a_title_with_an_ampersand_for_and_stops_the_build(sample):
    """rt7: a guide naming the sample's revoked story a-racing-heart ("A racing heart, and a
    steady plan") with "&" typed for "and", as an editor shortens a title, passed: "&" was no
    word, so the title read as another text."""
    guide = sample / "content/guides/cardiology/heart-failure-daily-weights.md"
    guide.write_text(guide.read_text() + "\n\nFurther reading: *A racing heart &amp; a steady plan*.\n")
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 1
    assert "steady plan" not in (sample / "site/cardiology/heart-failure/heart-failure-daily-weights/index.html").read_text()
