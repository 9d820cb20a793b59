"""Red team rt8's routes around the consent promise, each written as the attack.

Every test here failed before its fix (see docs/security.md, the table of properties, attacks
and tests). The sample site is fictional.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from helpers import clock_env, copy_sample

from generator.cli import main

AS_OF = "2026-11-22"


@pytest.fixture
def sample(tmp_path):
    return copy_sample(tmp_path)


def _revoke_finding_answers(root) -> None:
    """Revoke the sample's published story finding-answers."""
    consent = root / "consent/C-2026-014.yml"
    consent.write_text(consent.read_text().replace("revoked_on: null", "revoked_on: 2026-11-20"))


def _site_shows(site, needle: str) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file() and needle.encode() in p.read_bytes())


def test_a_worker_count_that_is_no_number_never_stops_a_withdrawal(sample, monkeypatch, capsys):
    """rt8: FLYWHEEL_WORKERS=² (`str.isdigit` is true of it, `int` refuses it) stopped every
    `flywheel build` with a ValueError blamed on mkdocs.yml: in CI's fresh checkout no site was
    written, so a story revoked meanwhile stayed live, and `mkdocs build` ended in a traceback.
    A count far past the machine (a page count typed for a worker count) would have forked a
    process per count."""
    _revoke_finding_answers(sample)
    monkeypatch.setenv("FLYWHEEL_WORKERS", "\u00b2")
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 0
    assert (sample / "site/index.html").is_file()
    assert not (sample / "site/stories/finding-answers").exists()
    capsys.readouterr()
    env = {**os.environ, **clock_env(), "FLYWHEEL_WORKERS": "\u2460"}
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=sample, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr

    from generator.forkmap import workers

    monkeypatch.setenv("FLYWHEEL_WORKERS", "100000")
    assert workers(1000, 100) <= 4 * (len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count())
    assert workers(3, 100) <= 3
    monkeypatch.setenv("FLYWHEEL_WORKERS", "3")
    assert workers(1000, 100) == 3

