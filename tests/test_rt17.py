"""Stop 48's second red team, as an outside auditor: a practice's project through the documented
lifecycle, a champion's photo and its address changed or deleted with the revocation.

Every test here failed before its fix (see docs/security.md, the table of properties, attacks
and tests). The base fixture and its names are fictional.
"""

from __future__ import annotations

import pytest
import yaml
from helpers import copy_base, git, site_settings
from test_shown_names_and_photo import AS_OF, RECORD, _png

from generator.check import run_check
from generator.cli import main

PHOTO = "theme/pages/img/ana.png"  # docs_dir is theme/pages


def _git(root, *args):
    git(root, *args, when="2026-11-21T12:00:00+00:00")


def _commit(root, message):
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", message)


def _edit_yaml(path, update) -> None:
    data = yaml.safe_load(path.read_text())
    update(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False))


@pytest.fixture
def published(tmp_path, monkeypatch):
    """The base project in git, Ana's story published with her photo (`/img/ana.png`, her
    record allowing it), built once: the photo is on the site."""
    from generator.consent import story_fingerprint

    monkeypatch.setenv("FLYWHEEL_TEST_COMMITS", "1")
    root = copy_base(tmp_path)
    site_settings(root)
    (root / PHOTO).parent.mkdir(parents=True, exist_ok=True)
    (root / PHOTO).write_bytes(_png((0, 0, 255)))
    _edit_yaml(root / "content/champions.yml", lambda d: d["ana"].update(photo="/img/ana.png"))
    _edit_yaml(root / RECORD, lambda d: d.update(identifiers=["first_name", "photo"]))
    project = run_check(root).project
    fingerprint = story_fingerprint(project.stories["walking-again"], project)
    _edit_yaml(root / RECORD, lambda d: d.update(approved_fingerprint=fingerprint))
    _git(root, "init", "-q")
    _commit(root, "published, with her photo")
    assert main(["build", "--root", str(root), "--as-of", AS_OF]) == 0
    assert (root / "site/img/ana.png").is_file()
    return root


@pytest.mark.parametrize("change", ["photo moved", "photo key deleted"])
def test_a_revoked_champions_former_photo_leaves_the_site(published, change, capsys):
    """The patient revokes; in the same commit her champion entry is given a new photo, or
    none, the old file kept in docs_dir. Only the photo the file gives now was known, so the
    old one stayed published, with a passing build."""
    root = published
    _edit_yaml(root / RECORD, lambda d: d.update(revoked_on="2026-11-20"))
    if change == "photo moved":
        (root / "theme/pages/img/ana-new.png").write_bytes(_png((0, 255, 0)))
        _edit_yaml(root / "content/champions.yml", lambda d: d["ana"].update(photo="/img/ana-new.png"))
    else:
        _edit_yaml(root / "content/champions.yml", lambda d: d["ana"].pop("photo"))
    _commit(root, "revoked; her photo changed")
    main(["build", "--root", str(root), "--as-of", AS_OF])
    capsys.readouterr()
    assert not (root / "site/img/ana.png").exists()
    assert (root / PHOTO).is_file()  # the generator deletes nothing it did not make


def test_a_photo_address_no_parser_reads_is_an_error_and_the_revocation_deploys(published, capsys):
    """An unrelated champion's `photo: "https://[cdn.example.org/x.jpg"` made the address
    parser raise inside the withdrawal: every command ended with a traceback or blamed
    mkdocs.yml, and the revoked story stayed published."""
    root = published
    _edit_yaml(root / RECORD, lambda d: d.update(revoked_on="2026-11-20"))
    _edit_yaml(root / "content/champions.yml",
               lambda d: d.update(other={"name": "Pel", "bio": "Fictional.", "photo": "https://[cdn.example.org/x.jpg"}))
    _commit(root, "revoked; a champion added")
    assert main(["check", "--root", str(root), "--as-of", AS_OF]) == 1
    said = capsys.readouterr()
    assert "other.photo: expected a photo address" in said.out + said.err
    for command in (["build"], ["build", "--strict"], ["report"]):
        main([*command, "--root", str(root), "--as-of", AS_OF])
        said = capsys.readouterr()
        assert "Traceback" not in said.err + said.out, command
        # Stories by slug only: a champion's page or photo address may spell her name.
        assert "champions/ana" not in said.err + said.out and "img/ana.png" not in said.err + said.out, command
    assert not (root / "site/stories/walking-again").exists()
    assert not (root / "site/img/ana.png").exists()


def test_a_photo_address_with_a_nul_is_an_error_not_a_traceback(published, capsys):
    root = published
    _edit_yaml(root / "content/champions.yml", lambda d: d["ana"].update(photo="img/\x00.png"))
    for _ in range(2):  # cold, then the warm check's snapshot
        assert main(["check", "--root", str(root), "--as-of", AS_OF]) == 1
        said = capsys.readouterr()
        assert "Traceback" not in said.err + said.out
        assert "ana.photo: expected a photo address without control characters" in said.out + said.err


def test_a_deleted_storys_address_leaves_the_guides_that_linked_it(published, capsys):
    """The story and its record deleted together (the patient asked for it): only stories the
    project still held were unpublished, so a guide's link to the deleted story's address was
    kept, with a passing build."""
    from helpers import site_texts

    root = published
    guide = next((root / "content/guides").rglob("*.md"))
    guide.write_text(guide.read_text() + "\nRead how one patient did it: [her story](/stories/walking-again/).\n")
    _commit(root, "a guide links the story")
    next((root / "content/stories").rglob("walking-again.md")).unlink()
    (root / RECORD).unlink()
    _commit(root, "story and record deleted")
    main(["build", "--root", str(root), "--as-of", AS_OF])
    capsys.readouterr()
    for path, text in site_texts(root / "site").items():
        assert "walking-again" not in text, path
