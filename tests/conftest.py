"""Test configuration shared by every test module."""

from __future__ import annotations

import sys
from pathlib import Path

# tests/helpers.py is imported as a plain module by the test files.
sys.path.insert(0, str(Path(__file__).parent))

import pytest  # noqa: E402 - after the path above, as helpers is
from helpers import copy_sample  # noqa: E402

CLOCK_DIR = Path(__file__).parent / "clock"
TEST_NOW = "2026-11-22T12:00:00+00:00"  # the practice's today for every test (see tests/clock/)


def pytest_addoption(parser):
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite tests/golden/ from the current renderer instead of comparing",
    )


def pytest_unconfigure(config):
    """The suite's cache folder goes with the suite (one was left in $TMPDIR per run)."""
    import shutil

    folder = getattr(config, "_flywheel_xdg", None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


def pytest_configure(config):
    # The cache's signing key lives in the user's cache folder; tests get a folder of their own
    # so they neither read nor create the real one.
    import os
    import tempfile

    os.environ["XDG_CACHE_HOME"] = config._flywheel_xdg = tempfile.mkdtemp(prefix="flywheel-test-xdg-")
    # Real sites of more than a hundred pages render on every core (generator/pages_pool.py);
    # the test sites are smaller, so the suite forces two workers to build them the same way.
    # tests/test_pages_pool.py compares that with MkDocs' own one-process build.
    os.environ.setdefault("FLYWHEEL_WORKERS", "2")
    # One fixed "today" for the whole suite and every process it starts (tests/clock/): the
    # fixtures' consent dates were written for it, and the gate reads the real calendar.
    os.environ["FLYWHEEL_TEST_NOW"] = TEST_NOW
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [str(CLOCK_DIR), *filter(None, [os.environ.get("PYTHONPATH")])]
    )
    import importlib.util

    spec = importlib.util.spec_from_file_location("flywheel_test_clock", CLOCK_DIR / "sitecustomize.py")
    clock = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(clock)  # this process started before PYTHONPATH named the folder


@pytest.fixture
def sample(tmp_path) -> Path:
    """A fresh copy of the repository's fictional sample practice, for one test to change."""
    return copy_sample(tmp_path)
