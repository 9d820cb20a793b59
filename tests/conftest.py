"""Test configuration shared by every test module."""

from __future__ import annotations

import sys
from pathlib import Path

# tests/helpers.py is imported as a plain module by the test files.
sys.path.insert(0, str(Path(__file__).parent))


def pytest_addoption(parser):
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite tests/golden/ from the current renderer instead of comparing",
    )


def pytest_configure(config):
    # The cache's signing key lives in the user's cache folder; tests get a folder of their own
    # so they neither read nor create the real one.
    import os
    import tempfile

    os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="flywheel-test-xdg-")
    # Real sites of more than a hundred pages render on every core (generator/pages_pool.py);
    # the test sites are smaller, so the suite forces two workers to build them the same way.
    # tests/test_pages_pool.py compares that with MkDocs' own one-process build.
    os.environ.setdefault("FLYWHEEL_WORKERS", "2")
