"""A revocation, once committed, is final: a later edit that takes it out of the record (a merge
conflict resolved with the older side, a record copied back from a template, a hostile pull
request) never publishes the story again (generator/history.py).

The suite's clock says 2026-11-22 and ignores commits unless FLYWHEEL_TEST_COMMITS=1, as here.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from helpers import copy_base, edit_yaml, git, site_settings

from generator.check import run_check
from generator.cli import main

STORY = "walking-again"
RECORD = "consent/C-2026-001.yml"
REVOKED = "2026-11-20"


def _git(root: Path, *args: str) -> None:
    git(root, *args, when="2026-11-21T12:00:00+00:00")


def _edit(root: Path, name: str = RECORD, **changes) -> None:
    edit_yaml(root / name, **changes)


@pytest.fixture
def root(tmp_path, monkeypatch):
    """The base project in git: published, then its consent revoked in a commit."""
    monkeypatch.setenv("FLYWHEEL_TEST_COMMITS", "1")
    root = copy_base(tmp_path)
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "published")
    assert run_check(root).gate.decisions[STORY].published
    _edit(root, revoked_on=REVOKED)
    _git(root, "commit", "-qam", "the patient revoked consent")
    return root


def _withheld_by_history(root: Path) -> None:
    result = run_check(root)
    decision = result.gate.decisions[STORY]
    assert not decision.published
    assert [code for code, _ in decision.reasons] == ["consent-revoked"], decision.reasons
    assert f"revoked on {REVOKED}" in decision.reasons[0][1]


@pytest.mark.parametrize("committed", [False, True])
@pytest.mark.parametrize("undo", [{"revoked_on": None}, {"revoked_on": "2027-01-01"}, "line removed"])
def test_a_revocation_taken_out_of_the_record_still_withholds_the_story(root, undo, committed):
    if undo == "line removed":
        path = root / RECORD
        path.write_text("".join(line for line in path.read_text().splitlines(keepends=True)
                                if not line.startswith("revoked_on")))
    else:
        _edit(root, **undo)
    if committed:
        _git(root, "commit", "-qam", "tidy the record")
    _withheld_by_history(root)
    [error] = [p for p in run_check(root).problems if p.code == "consent-revocation-undone"]
    assert error.path == RECORD and f"was revoked on {REVOKED} in a commit of this file" in error.message
    assert "git history" in run_check(root).gate.decisions[STORY].reasons[0][1]


def test_a_copy_of_the_revoked_record_under_a_new_id_does_not_outlive_it(root):
    """The revoked file deleted, the same authorization filed again under another id: the
    revocation, read from the deleted file's history, still ends it."""
    copy = yaml.safe_load((root / RECORD).read_text())
    copy["revoked_on"] = None
    (root / RECORD).unlink()
    (root / "consent/C-2026-099.yml").write_text(yaml.safe_dump(copy, sort_keys=False))
    story = next((root / "content/stories").rglob(f"{STORY}.md"))
    story.write_text(story.read_text().replace("C-2026-001", "C-2026-099"))
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "refile")
    reasons = run_check(root).gate.decisions[STORY].reasons
    assert [code for code, _ in reasons] == ["consent-revoked"] and "C-2026-001" in reasons[0][1], reasons


def test_a_new_authorization_signed_after_the_revocation_publishes_again(root):
    """What the error's hint says to do: the patient signs again (a new form), filed under a new
    id. (The revoked form named again ends it: tests/test_rt11.py.)"""
    copy = yaml.safe_load((root / RECORD).read_text())
    copy.update(revoked_on=None, signed_on="2026-11-21", form_ref="esign/0002")
    (root / "consent/C-2026-100.yml").write_text(yaml.safe_dump(copy, sort_keys=False))
    story = next((root / "content/stories").rglob(f"{STORY}.md"))
    story.write_text(story.read_text().replace("C-2026-001", "C-2026-100"))
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "consent again")
    result = run_check(root)
    assert result.gate.decisions[STORY].published, result.gate.decisions[STORY].reasons
    assert not [p for p in result.problems if p.code == "consent-revocation-undone"]


def _build(root: Path, command: str, capsys) -> tuple[int, str]:
    """`flywheel build` or plain `mkdocs build` in `root`: the exit status and what it printed."""
    if command == "flywheel":
        code = main(["build", "--root", str(root)])
        return code, "".join(capsys.readouterr())
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build"], cwd=root, capture_output=True, text=True, check=False)
    return done.returncode, done.stderr


@pytest.mark.parametrize("command", ["flywheel", "mkdocs"])
def test_neither_command_publishes_a_story_whose_revocation_was_undone(root, command, capsys):
    site_settings(root)
    _edit(root, revoked_on=None)
    code, err = _build(root, command, capsys)
    assert code == 1 and "consent-revocation-undone" in err, err
    assert not (root / f"site/stories/{STORY}").exists()
    assert (root / "site/index.html").is_file()


def test_outside_git_the_file_is_all_there_is(root):
    _edit(root, revoked_on=None)
    shutil.rmtree(root / ".git")
    assert run_check(root).gate.decisions[STORY].published


def test_a_revoked_records_id_is_never_given_to_a_new_record(root, capsys):
    """`flywheel consent record` gave a new authorization the id of a revoked record whose file
    was deleted (the story still names it, or `--id` asked for it): the revocation in its
    history then ended the new record too, with no word at the time it was written."""
    (root / RECORD).unlink()
    _git(root, "commit", "-qam", "the revoked record deleted")
    from generator.consent import story_fingerprint

    result = run_check(root)
    approved = story_fingerprint(result.project.stories[STORY], result.project)
    record = ["consent", "record", STORY, "--root", str(root), "--signed-on", "2026-11-21", "--expires-on",
              "2028-11-21", "--form-ref", "esign/0002", "--identifiers", "first_name", "--fingerprint", approved]
    assert main([*record, "--id", "C-2026-001"]) == 1
    assert "was revoked on 2026-11-20 (in git history)" in capsys.readouterr().err
    assert not (root / RECORD).exists()
    assert main(record) == 0  # the story names C-2026-001, which is not reused
    assert "wrote consent/C-2026-002.yml" in capsys.readouterr().out


def test_a_users_diff_settings_do_not_hide_the_history(root, monkeypatch):
    """`diff.noprefix` (a popular setting) writes `+++ consent/C-1.yml` without `b/`: the
    history's file lines no longer matched, and every revocation passed unseen."""
    for key, value in (("diff.noprefix", "true"), ("diff.mnemonicPrefix", "true")):
        _git(root, "config", key, value)
    _edit(root, revoked_on=None)
    _withheld_by_history(root)


def test_a_shallow_clone_is_told_it_cannot_see_a_revocation_taken_out_earlier(root, tmp_path):
    """CI's checkout fetches one commit unless told otherwise: the history holds nothing before
    it, so a revocation taken out of a record in an earlier commit publishes the story again. The
    check says so (a warning: `--strict` fails on it) in a shallow clone, and not in a whole one."""
    _edit(root, revoked_on=None)
    _git(root, "commit", "-qam", "the revocation taken out")
    whole, shallow = tmp_path / "whole", tmp_path / "shallow"
    _git(tmp_path, "clone", "-q", f"file://{root}", str(whole))
    _git(tmp_path, "clone", "-q", "--depth", "1", f"file://{root}", str(shallow))
    codes = {name: [p.code for p in run_check(clone).problems] for name, clone in (("whole", whole), ("shallow", shallow))}
    assert "consent-history-shallow" not in codes["whole"] and "consent-revocation-undone" in codes["whole"]
    assert "consent-history-shallow" in codes["shallow"] and "consent-revocation-undone" not in codes["shallow"]
    assert not run_check(whole).gate.decisions[STORY].published


def _lose_the_record_before_the_revocation(root: Path) -> None:
    """Delete the object holding the record as it was before the revocation, as a partial clone
    (`filter: blob:none`) lacks it until fetched, or a damaged repository lacks it for good: the
    commit clock still reads, and `git log -p` over consent/ fails."""
    blob = subprocess.run(["git", "rev-parse", f"HEAD~1:{RECORD}"], cwd=root, capture_output=True, text=True,
                          check=True).stdout.strip()
    (root / ".git/objects" / blob[:2] / blob[2:]).unlink()


@pytest.mark.parametrize("command", ["flywheel", "mkdocs"])
def test_a_history_git_cannot_read_stops_the_build_instead_of_reading_as_none(root, command, capsys):
    """A history git fails to read was read as "no revocation ever committed", silently: the
    undone revocation published the story again (exit 0)."""
    site_settings(root)
    _edit(root, revoked_on=None)
    _git(root, "commit", "-qam", "the revocation taken out")
    _lose_the_record_before_the_revocation(root)
    [error] = [p for p in run_check(root).problems if p.code == "consent-history-unreadable"]
    assert error.path == "consent" and "git failed" in error.message
    code, err = _build(root, command, capsys)
    assert code == 1 and "consent-history-unreadable" in err, err
    assert not (root / f"site/stories/{STORY}").exists()


def test_a_history_read_that_outlasts_its_time_is_no_history_read(root, monkeypatch):
    import generator.history

    _edit(root, revoked_on=None)
    monkeypatch.setattr(generator.history, "TIMEOUT_S", 1e-6)
    codes = [p.code for p in run_check(root).problems]
    assert "consent-history-unreadable" in codes and "took longer" in run_check(root).problems[codes.index(
        "consent-history-unreadable")].message


def test_a_checkout_with_no_git_installed_to_read_it_is_an_error(root, monkeypatch, tmp_path):
    """A CI job's image without git (python:3.11-slim has none) over the runner's checkout: no
    commit clock, no history, and the undone revocation published with no word."""
    _edit(root, revoked_on=None)
    nothing = tmp_path / "no-git"
    nothing.mkdir()
    monkeypatch.setenv("PATH", str(nothing))
    result = run_check(root)
    [error] = [p for p in result.problems if p.code == "consent-history-unreadable"]
    assert "git is not installed" in error.message
    monkeypatch.undo()
    shutil.rmtree(root / ".git")  # a folder that is no checkout: nothing to read, nothing said
    monkeypatch.setenv("PATH", str(nothing))
    assert "consent-history-unreadable" not in [p.code for p in run_check(root).problems]


def test_the_history_reads_records_only(root):
    """A large file kept under consent/ (a scanned form) is no record: `git log -p --text` over
    it could outlast the time the read is given. The records in subfolders are still read."""
    (root / "consent/scans").mkdir()
    (root / "consent/scans/form.pdf").write_bytes(b"%PDF-1.4\n" + b"revoked_on: 2020-01-01\n" * 10)
    moved = root / "consent/2026" / Path(RECORD).name
    moved.parent.mkdir()
    _git(root, "mv", RECORD, str(moved.relative_to(root)))
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "scans and a folder a year")
    from generator.history import read_history

    revoked = read_history(root).revocations
    assert set(revoked) == {"C-2026-001"} and str(revoked["C-2026-001"][0]) == REVOKED


@pytest.mark.parametrize("variables", ["GIT_DIR", "GIT_CONFIG_COUNT", "replace"])
def test_git_is_never_pointed_at_another_history(root, tmp_path, monkeypatch, variables):
    """A CI step's leftover GIT_DIR made git read another repository's history (no revocation
    there: the undone one published the story); GIT_CONFIG_COUNT/KEY/VALUE set `diff.noprefix`
    as a config would; a `git replace` showed the revocation's commit as one without it."""
    _edit(root, revoked_on=None)
    if variables == "GIT_DIR":
        other = tmp_path / "other"
        other.mkdir()
        _git(other, "init", "-q")
        (other / "a.txt").write_text("a")
        _git(other, "add", "-A")
        _git(other, "commit", "-qm", "another project")
        monkeypatch.setenv("GIT_DIR", str(other / ".git"))
    elif variables == "GIT_CONFIG_COUNT":
        monkeypatch.setenv("GIT_CONFIG_COUNT", "1")
        monkeypatch.setenv("GIT_CONFIG_KEY_0", "core.quotePath")
        monkeypatch.setenv("GIT_CONFIG_VALUE_0", "x")  # not a boolean: every git command failed
    else:
        published = subprocess.run(["git", "rev-parse", "HEAD~1"], cwd=root, capture_output=True, text=True,
                                   check=True).stdout.strip()
        _git(root, "replace", "HEAD", published)  # the revocation's commit shown as the first one
    _withheld_by_history(root)


def test_a_checkout_git_fails_on_is_an_error(root, monkeypatch, tmp_path):
    """A setting git refuses (here in the user's global config) fails every git command: no
    commit clock, so the checkout was taken for no repository, and the history for none."""
    _edit(root, revoked_on=None)
    config = tmp_path / "gitconfig"
    config.write_text("[core]\n\tquotePath = x\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    [error] = [p for p in run_check(root).problems if p.code == "consent-history-unreadable"]
    assert "fails on every command" in error.message
    assert not run_check(root).gate.decisions[STORY].published
