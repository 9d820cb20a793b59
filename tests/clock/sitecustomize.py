"""The test suite's clock, for every Python process the tests start.

The consent gate never publishes a story whose consent has ended by the practice's real today,
whatever `--as-of` says, so tests written for a build date would start failing once the real
calendar passes a fixture's `expires_on`. tests/conftest.py puts this folder first on
PYTHONPATH and sets FLYWHEEL_TEST_NOW; Python imports this file when it starts, and it replaces
`generator.dates.clock` with that moment. It lives in tests/, outside the installed package:
a practice's build never reads FLYWHEEL_TEST_NOW (tests/test_clock.py checks both).
"""

from __future__ import annotations

import datetime as _dt
import os as _os


def install(moment_text: str | None = None) -> bool:
    """Make Flywheel's clock read `moment_text` (ISO 8601 with a zone; default
    FLYWHEEL_TEST_NOW). False when there is no moment or no Flywheel to patch."""
    text = moment_text or _os.environ.get("FLYWHEEL_TEST_NOW")
    if not text:
        return False
    try:
        from generator import dates
    except ImportError:  # a process without Flywheel (pip, node helpers): nothing to patch
        return False
    moment = _dt.datetime.fromisoformat(text)
    dates.clock = lambda: moment
    # The gate also takes consent as ended by the day of the project's last commit; commits the
    # tests make (and this repository's own) carry the real calendar's dates, so the suite's
    # world has none, unless a test asks for them with FLYWHEEL_TEST_COMMITS=1.
    commit_moment = dates.last_commit_moment

    def last_commit_moment(root):
        return commit_moment(root) if _os.environ.get("FLYWHEEL_TEST_COMMITS") == "1" else None

    dates.last_commit_moment = last_commit_moment
    return True


install()
