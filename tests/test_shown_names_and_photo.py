"""The fingerprint covers what the page prints and shows, not only what the story names.

Red team rt2 (attacks 2 and 4): the fingerprint covered the service line and topic *slugs*
and the photo's *address*, while the page prints the service line's name and the topic's
title and shows the picture at that address. Renaming "Spine and headache care" to another
condition, or replacing the picture at the same path, kept the story published. Records
approved under that fingerprint (contract v2's first) are recognised and withheld until the
patient sees the proof again. The fixture and its names are fictional.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from pathlib import Path

import pytest
import yaml
from helpers import copy_base

from generator import snapshot
from generator.check import run_check
from generator.cli import main
from generator.shown import FIELDS, V2_FIELDS, fingerprint_fields, shown_fields, story_fingerprint

AS_OF = "2026-11-22"
STORY = "walking-again"  # the base fixture's story, under consent C-2026-001
RECORD = "consent/C-2026-001.yml"
CHANGED = "the story's text, or what its page shows with it, changed since the patient approved it"


def _png(rgb: tuple[int, int, int]) -> bytes:
    """A 1x1 PNG of one colour: two of these differ only in their pixel (same size)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(bytes([0, *rgb]), 9)) + chunk(b"IEND", b""))


def _check(root: Path):
    return run_check(root, dt.date.fromisoformat(AS_OF), use_cache=False)


def _decision(root: Path):
    return _check(root).gate.decisions[STORY]


def _edit_yaml(path: Path, update) -> None:
    data = yaml.safe_load(path.read_text())
    update(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def _approve(root: Path) -> None:
    """The patient approves the proof as it is now; compliance records its fingerprint."""
    project = _check(root).project
    fingerprint = story_fingerprint(project.stories[STORY], project)
    _edit_yaml(root / RECORD, lambda d: d.update(approved_fingerprint=fingerprint))


def _with_photo(root: Path, rgb=(0, 0, 255)) -> Path:
    """Ana gets a photo at /img/ana.png (docs_dir: the base fixture has no mkdocs.yml, so
    MkDocs' default `docs`), her record lists `photo`, and she approves that proof."""
    path = root / "docs/img/ana.png"
    path.parent.mkdir(parents=True)
    path.write_bytes(_png(rgb))
    _edit_yaml(root / "content/champions.yml", lambda d: d["ana"].update(photo="/img/ana.png"))
    _edit_yaml(root / RECORD, lambda d: d.update(identifiers=["first_name", "photo"]))
    _approve(root)
    assert _decision(root).published and _decision(root).show_photo
    return path


@pytest.fixture
def root(tmp_path):
    root = copy_base(tmp_path)
    assert _decision(root).published
    return root


def _reasons(decision) -> list[tuple[str, str]]:
    return [tuple(r) for r in decision.reasons]


def _replace(path: Path, old: str, new: str) -> None:
    assert old in path.read_text()
    path.write_text(path.read_text().replace(old, new))


def _rename_line(root: Path) -> None:
    """Only service_lines/cardiology.yml changes (CODEOWNERS: leads), as in rt2's attack 2."""
    _replace(root / "service_lines/cardiology.yml", "name: Cardiology\n", "name: Addiction medicine and HIV care\n")


def _rename_topic(root: Path) -> None:
    _replace(root / "service_lines/cardiology.yml", "chest-pain: {title: Chest pain}", "chest-pain: {title: Living with HIV}")


@pytest.mark.parametrize("rename", [_rename_line, _rename_topic], ids=["service-line-name", "topic-title"])
def test_renaming_where_the_story_is_filed_withholds_it_until_approved_again(root, rename):
    rename(root)
    decision = _decision(root)
    assert not decision.published
    assert [rule for rule, _ in _reasons(decision)] == ["consent-fingerprint"]
    assert CHANGED in decision.reasons[0][1] and "the name of its service line or topic" in decision.reasons[0][1]
    _approve(root)  # the patient sees the new names on a new proof and approves them
    assert _decision(root).published


def test_replacing_the_photo_file_withholds_the_story(root):
    photo = _with_photo(root)
    photo.write_bytes(_png((255, 0, 0)))  # same path, same size, another picture
    decision = _decision(root)
    assert not decision.published and not decision.show_photo
    assert [rule for rule, _ in _reasons(decision)] == ["consent-fingerprint"]
    why = decision.reasons[0][1]  # a swapped photo is not reported as a text edit alone
    assert CHANGED in why and "the champion's name, bio or photo" in why and f"flywheel story proof {STORY}" in why
    _approve(root)
    assert _decision(root).published


def test_the_photo_is_the_file_the_build_serves(root, tmp_path):
    """docs_dir first, then the theme's custom_dir (MkDocs never lets a theme file replace a
    docs_dir file); an address on the site's own host is a site file too."""
    photo = _with_photo(root)
    (root / "mkdocs.yml").write_text(
        "site_name: T\nsite_url: https://clinic.example/\ntheme:\n  name: material\n  custom_dir: overrides\n"
    )
    project = _check(root).project
    digest = "sha256:" + hashlib.sha256(photo.read_bytes()).hexdigest()
    assert shown_fields(project.stories[STORY], project)["champion_photo_file"] == digest
    # The same picture named by the site's own address is the same file.
    _edit_yaml(root / "content/champions.yml", lambda d: d["ana"].update(photo="https://clinic.example/img/ana.png"))
    project = _check(root).project
    assert shown_fields(project.stories[STORY], project)["champion_photo_file"] == digest
    # Only in the theme's folder: served from there.
    (root / "overrides/img").mkdir(parents=True)
    (root / "overrides/img/ana.png").write_bytes(_png((9, 9, 9)))
    photo.unlink()
    project = _check(root).project
    theme = "sha256:" + hashlib.sha256(_png((9, 9, 9))).hexdigest()
    assert shown_fields(project.stories[STORY], project)["champion_photo_file"] == theme
    # Another host's picture: its address is all the site controls.
    _edit_yaml(root / "content/champions.yml", lambda d: d["ana"].update(photo="https://elsewhere.example/ana.png"))
    project = _check(root).project
    assert shown_fields(project.stories[STORY], project)["champion_photo_file"] == "on another host"


@pytest.mark.parametrize("kind", ["absent", "folder", "escaping"])
def test_a_photo_with_no_file_is_fingerprinted_as_missing_without_a_traceback(root, kind):
    photo = _with_photo(root)
    photo.unlink()
    if kind == "folder":
        photo.mkdir()
    if kind == "escaping":
        _edit_yaml(root / "content/champions.yml", lambda d: d["ana"].update(photo="/../../consent/C-2026-001.yml"))
    project = _check(root).project
    fields = shown_fields(project.stories[STORY], project)
    assert fields["champion_photo_file"] == "missing"
    assert story_fingerprint(project.stories[STORY], project) == story_fingerprint(
        project.stories[STORY], _check(root).project
    )
    assert not _decision(root).published  # the approved picture is gone
    assert main(["check", "--root", str(root), "--as-of", AS_OF, "--no-cache"]) == 0
    assert main(["story", "proof", STORY, "--root", str(root)]) == 0
    _approve(root)
    assert _decision(root).published  # approved as it is (no picture to show): deterministic


def test_a_record_approved_under_the_first_v2_fingerprint_is_recognised_and_not_accepted(root):
    assert V2_FIELDS == FIELDS[:10] and FIELDS[10:] == ("service_line_name", "topic_title", "champion_photo_file")
    project = _check(root).project
    fields = shown_fields(project.stories[STORY], project)
    payload = json.dumps([[name, fields[name]] for name in V2_FIELDS], ensure_ascii=False)
    v2 = "sha256:" + hashlib.sha256(payload.encode()).hexdigest()
    assert fingerprint_fields(fields, V2_FIELDS) == v2
    _edit_yaml(root / RECORD, lambda d: d.update(approved_fingerprint=v2))
    decision = _decision(root)
    assert not decision.published
    assert _reasons(decision) == [
        (
            "consent-fingerprint",
            (
                "consent C-2026-001 was approved under contract v2's first fingerprint, which did not "
                "cover the names the page prints for the service line and topic, or the photo file "
                "itself (only its address); show the patient the proof again and record the "
                "fingerprint printed on it"
            ),
        )
    ]
    _approve(root)
    assert _decision(root).published


def test_the_proof_shows_the_names_and_the_photo_it_fingerprints(root):
    photo = _with_photo(root)
    _rename_line(root)
    _rename_topic(root)
    assert main(["story", "proof", STORY, "--root", str(root)]) == 0
    proof = (root / f"proofs/{STORY}.html").read_text()
    assert "Addiction medicine and HIV care: Living with HIV" in proof
    digest = hashlib.sha256(photo.read_bytes()).hexdigest()
    assert digest in proof  # the photo file's digest, as fingerprinted
    assert 'src="data:image/png;base64,' in proof  # and the picture itself, for the patient to see


# The warm check's snapshot: the photo is an input of the gate now --------------------------------


@pytest.fixture
def no_margin(monkeypatch):
    monkeypatch.setattr(snapshot, "RACY_NS", 0)


def _warm_check(root: Path, capsys) -> dict[str, list[str]]:
    capsys.readouterr()
    main(["check", "--root", str(root), "--format", "json", "--as-of", AS_OF])
    report = json.loads(capsys.readouterr().out)
    return {d["slug"]: [r["rule"] for r in d["reasons"]] for d in report["withheld"]}


def test_a_replaced_photo_is_caught_by_a_warm_check(root, capsys, no_margin):
    photo = _with_photo(root)
    assert STORY not in _warm_check(root, capsys)
    assert STORY not in _warm_check(root, capsys)  # replayed from the snapshot
    assert list((root / ".flywheel-cache").glob("snapshot-*.json"))
    before = photo.stat()
    photo.write_bytes(_png((255, 0, 0)))  # same size; the modification time put back
    os.utime(photo, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert photo.stat().st_size == before.st_size and photo.stat().st_mtime_ns == before.st_mtime_ns
    assert _warm_check(root, capsys)[STORY] == ["consent-fingerprint"]


def test_a_photo_added_where_none_was_is_caught_by_a_warm_check(root, capsys, no_margin):
    photo = _with_photo(root)
    photo.unlink()
    _approve(root)  # approved with no picture to show
    assert STORY not in _warm_check(root, capsys)
    assert STORY not in _warm_check(root, capsys)
    photo.write_bytes(_png((255, 0, 0)))
    assert _warm_check(root, capsys)[STORY] == ["consent-fingerprint"]


def test_a_renamed_service_line_is_caught_by_a_warm_check(root, capsys, no_margin):
    assert STORY not in _warm_check(root, capsys)
    assert STORY not in _warm_check(root, capsys)
    _rename_line(root)
    assert _warm_check(root, capsys)[STORY] == ["consent-fingerprint"]
