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
from helpers import copy_sample

from generator.cli import main

AS_OF = "2026-11-22"


@pytest.fixture
def sample(tmp_path):
    return copy_sample(tmp_path)


def _revoke_finding_answers(root) -> bytes:
    """Revoke the sample's published story finding-answers; its file's bytes."""
    consent = root / "consent/C-2026-014.yml"
    consent.write_text(consent.read_text().replace("revoked_on: null", "revoked_on: 2026-11-20"))
    return (root / "content/stories/spine/finding-answers.md").read_bytes()


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
    story = _revoke_finding_answers(sample)
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
    story = _revoke_finding_answers(sample)
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


@pytest.mark.parametrize("how", ["pasted", "b64"])
def test_a_page_carrying_an_unconsented_photo_inside_it_is_left_out(sample, how, capsys):
    """rt7: the photo file of a champion no published story may show is left out of the site, and
    so is a copy of it under another name; but a guide carrying the picture itself, as a `data:`
    address (pasted, or inlined from docs_dir by `pymdownx.b64` from `<img src=...>`), published
    the patient's face with a passing build."""
    picture = _daniel_photo(sample)
    guide = sample / "content/guides/spine/csf-leak-guide.md"
    if how == "pasted":
        image = f'<img alt="A patient" src="data:image/jpeg;base64,{base64.b64encode(picture).decode()}">'
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
