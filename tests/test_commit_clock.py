"""A build machine whose clock lags behind the project's history never reads a recorded
revocation as one still to come: consent that ended by the day of the last commit has ended.

The suite's clock (tests/clock/) says 2026-11-22 and ignores commits unless a test sets
FLYWHEEL_TEST_COMMITS=1, as these do. Each commit here is dated with GIT_COMMITTER_DATE.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import copy_base, edit_yaml, git, site_settings

from generator.approved import approved_version
from generator.check import run_check
from generator.cli import main

STORY = "walking-again"
RECORD = "consent/C-2026-001.yml"
LAST_COMMIT = "2026-12-01T12:00:00+00:00"  # nine days after the suite's today


def _git(root: Path, *args: str, when: str = LAST_COMMIT) -> None:
    git(root, *args, when=when)


def _edit_record(root: Path, **changes) -> None:
    edit_yaml(root / RECORD, **changes)


@pytest.fixture
def root(tmp_path, monkeypatch):
    """The sample, in git, with the revocation the compliance officer recorded on 2026-11-28
    committed on 2026-12-01; this machine's clock says 2026-11-22."""
    monkeypatch.setenv("FLYWHEEL_TEST_COMMITS", "1")
    root = copy_base(tmp_path)
    _edit_record(root, revoked_on="2026-11-28")
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "C-2026-001 revoked")
    return root


def test_a_revocation_the_history_has_passed_is_in_force_on_a_clock_that_lags(root, monkeypatch):
    result = run_check(root)
    assert result.today == dt.date(2026, 11, 22) and result.committed_on == dt.date(2026, 12, 1)
    decision = result.gate.decisions[STORY]
    assert not decision.published
    assert decision.reasons == ((
        "consent-revoked",
        ("consent C-2026-001 was revoked on 2026-11-28 (the project's last commit is dated 2026-12-01, "
         "though this machine's date is 2026-11-22)"),
    ),)
    [notice] = [p for p in result.notices if p.code == "clock-behind"]
    assert "this machine's date (2026-11-22) is before the project's last commit (2026-12-01)" in notice.message
    # The same project without the commit's evidence: the lagging clock alone kept it published.
    monkeypatch.delenv("FLYWHEEL_TEST_COMMITS")
    assert run_check(root).gate.decisions[STORY].published


def _history_without_the_revocation(root: Path) -> None:
    """The fixture's history made again from the record as edited: a revocation once committed
    is final (tests/test_revocation_history.py), so one taken out later still counts."""
    import shutil

    shutil.rmtree(root / ".git")
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "as edited")


def test_an_expiry_the_history_has_passed_has_ended(root):
    _edit_record(root, revoked_on=None, expires_on="2026-11-30")
    _history_without_the_revocation(root)
    reasons = run_check(root).gate.decisions[STORY].reasons
    assert [code for code, _ in reasons] == ["consent-expired"]


def test_a_signature_is_still_judged_on_the_earlier_date(root):
    """A forged or fast commit date only ends consent; it never signs one early."""
    _edit_record(root, revoked_on=None, signed_on="2026-11-25")
    _git(root, "commit", "-qam", "signed ahead")
    reasons = run_check(root).gate.decisions[STORY].reasons
    assert ("consent-not-yet-signed", "consent C-2026-001 is dated 2026-11-25, after 2026-11-22") in reasons


def test_a_revocation_after_the_last_commit_stays_a_schedule(root):
    _edit_record(root, revoked_on="2026-12-10")
    _history_without_the_revocation(root)
    result = run_check(root)
    assert result.gate.decisions[STORY].published
    assert [p.code for p in result.notices if p.code == "consent-revocation-ahead"] == ["consent-revocation-ahead"]


def test_a_clock_that_is_right_adds_nothing(root):
    _git(root, "commit", "-q", "--allow-empty", "-m", "old", when="2026-11-01T12:00:00+00:00")
    _git(root, "reset", "-q", "--hard", "HEAD")
    result = run_check(root, today=dt.date(2026, 12, 2))
    assert not [p for p in result.problems if p.code == "clock-behind"]


def test_a_warm_check_is_not_replayed_across_a_commit_that_ends_consent(tmp_path, monkeypatch, capsys):
    """The snapshot's files are unchanged by an empty commit; its day is part of the key."""
    monkeypatch.setenv("FLYWHEEL_TEST_COMMITS", "1")
    root = copy_base(tmp_path)
    _edit_record(root, revoked_on="2026-11-28")
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "scheduled", when="2026-11-20T12:00:00+00:00")
    args = ["check", "--root", str(root), "--format", "json"]

    def withheld() -> list[str]:
        main(args)
        return [w["slug"] for w in json.loads(capsys.readouterr().out)["withheld"]]

    assert STORY not in withheld() and STORY not in withheld()  # the second run replays
    _git(root, "commit", "-q", "--allow-empty", "-m", "later", when=LAST_COMMIT)
    assert STORY in withheld()


def test_flywheel_build_takes_the_revocation_off_the_site(root):
    site_settings(root)
    env = {**os.environ, "FLYWHEEL_TEST_COMMITS": "0"}
    build = [sys.executable, "-m", "generator.cli", "build", "--root", str(root)]
    done = subprocess.run(build, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert (root / "site" / "stories" / STORY).is_dir()  # the lagging clock alone publishes it
    env["FLYWHEEL_TEST_COMMITS"] = "1"
    done = subprocess.run(build, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert not (root / "site" / "stories" / STORY).exists()
    assert STORY not in (root / "site" / "sitemap.xml").read_text()


def test_the_repositorys_git_config_runs_nothing(root, tmp_path):
    """`log.showSignature` would have git run the configured gpg.program on a signed commit."""
    mark = tmp_path / "ran"
    fake = tmp_path / "fake-gpg"
    # It reads what git asks it to sign first, as gpg does: a signer that exits before git has
    # written the commit to it makes git's write fail (EPIPE), which git reports as "gpg failed
    # to sign the data" (28 of 200 signed commits on this machine; none once it reads).
    fake.write_text(
        "#!/bin/sh\n"
        "cat > /dev/null\n"
        f'echo "$@" >> "{mark}"\n'
        'case "$*" in *-bsau*) echo "[GNUPG:] SIG_CREATED D 1 8 00 1 X" >&2;'
        " printf -- '-----BEGIN PGP SIGNATURE-----\\n\\nAAAA\\n-----END PGP SIGNATURE-----\\n';;"
        ' *) echo "[GNUPG:] GOODSIG X t" >&2;; esac\n'
    )
    fake.chmod(0o755)
    _git(root, "config", "gpg.program", str(fake))
    _git(root, "config", "log.showSignature", "true")
    with (root / RECORD).open("a") as record:  # a signed commit the proof's `git log -- record` lists
        record.write("# countersigned\n")
    _git(root, "commit", "-q", "-S", "-am", "signed")
    assert mark.exists()  # the fake signer works: git ran it to sign
    mark.unlink()
    subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=root, capture_output=True, check=True)
    assert mark.exists()  # and a plain `git log` runs it to verify
    mark.unlink()
    result = run_check(root)
    assert result.committed_on == dt.date(2026, 12, 1)
    project = result.project  # the proof's search for the approved text runs `git log` too
    approved_version(project, project.stories[STORY], project.consents["C-2026-001"])
    assert not mark.exists()
