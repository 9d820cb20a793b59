"""The pre-commit hook, proven with pre-commit itself: `pre-commit try-repo` on this
repository, in a temporary git repository holding a practice's project."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import REPO, copy_base

PRE_COMMIT = shutil.which("pre-commit", path=str(Path(sys.executable).parent))


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.email=t@example.org", "-c", "user.name=t", *args], cwd=root, check=True,
                   capture_output=True)


@pytest.mark.slow
def test_pre_commit_hook_runs_flywheel_check(tmp_path):
    """language: python, so pre-commit pip-installs this repository into its own environment
    (about a minute the first time; PRE_COMMIT_HOME is kept for the second run)."""
    assert PRE_COMMIT, "pre-commit is in the test extra: pip install -e '.[test]'"
    root = copy_base(tmp_path)
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "practice")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "NO_COLOR": "1"}
    run = [PRE_COMMIT, "try-repo", str(REPO), "flywheel-check", "--all-files", "--color", "never"]
    done = subprocess.run(run, cwd=root, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "flywheel check (content and consent)" in done.stdout and "Passed" in done.stdout
    guide = root / "content/guides/cardiology/chest-pain-guide.md"
    guide.write_text(guide.read_text().replace("stage: ", "stage: lern # ", 1))
    done = subprocess.run(run, cwd=root, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Failed" in done.stdout
    assert "content/guides/cardiology/chest-pain-guide.md" in done.stdout and "[bad-choice]" in done.stdout
