"""Red team rt9's routes around the consent promise, each written as the attack.

Every test here failed before its fix (see docs/security.md, the table of properties, attacks
and tests). The sample site is fictional.
"""

from __future__ import annotations

import pytest
from helpers import git

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
