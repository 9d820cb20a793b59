"""The suite's fixed today (tests/clock/) reaches every process, and never the product.

The gate reads the practice's real calendar, so the fixtures' consent dates (written for
2026-11-22) would otherwise turn into failures as real days pass: a story expiring on
2026-12-01 is "expiring" for the suite and expired for the world.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

from generator import dates

REPO = Path(__file__).resolve().parent.parent
PRINT_TODAY = "from generator.dates import today_in; print(today_in(None))"


def _today_in_a_child(env: dict[str, str]) -> str:
    done = subprocess.run([sys.executable, "-c", PRINT_TODAY], env=env, cwd=REPO,
                          capture_output=True, text=True, check=True)
    return done.stdout.strip()


def test_this_process_and_its_children_share_the_suites_today():
    assert dates.today_in(None) == dt.date(2026, 11, 22)
    assert _today_in_a_child(dict(os.environ)) == "2026-11-22"


def test_the_package_ignores_the_test_moment_without_the_test_folder():
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    assert env["FLYWHEEL_TEST_NOW"].startswith("2026-11-22")
    before = dt.datetime.now(dt.UTC).date().isoformat()
    real = _today_in_a_child(env)
    assert real in {before, dt.datetime.now(dt.UTC).date().isoformat()}  # the real calendar
    shipped = "\n".join(p.read_text(encoding="utf-8") for p in (REPO / "generator").rglob("*.py"))
    assert "FLYWHEEL_TEST_NOW" not in shipped and "FLYWHEEL_TEST_COMMITS" not in shipped
