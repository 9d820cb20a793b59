"""The practice's calendar: what 'today' is, in the practice's time zone, on every machine.

The consent gate decides by date, so the date must not depend on the clock zone of whichever
machine runs the build: a revocation dated today counts on every CI runner or on none.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import zoneinfo
from functools import lru_cache
from pathlib import Path

UTC = dt.UTC
# The one form the contract writes a date in. `date.fromisoformat` also reads `20261122` and ISO
# weeks (`2026-W47-7`) since Python 3.11: an `--as-of` or `as_of` typo would be another day.
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@lru_cache(maxsize=64)
def time_zone(name: str) -> dt.tzinfo | None:
    """The IANA zone called `name`, or None when there is no such zone (or the name is unsafe)."""
    if not name or name.startswith(("/", ".")) or ".." in name or "\\" in name:
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return None


@lru_cache(maxsize=1)
def available_timezones() -> frozenset[str]:
    """Every zone name this machine knows, for 'did you mean' hints."""
    return frozenset(zoneinfo.available_timezones())


def clock() -> dt.datetime:
    """The current moment: the one place Flywheel reads the clock. The test suite replaces it
    with a fixed moment (tests/clock/sitecustomize.py), which is not part of the package."""
    return dt.datetime.now(UTC)


# The commit clock of a commit whose date cannot be held: the earliest moment, which moves no date.
_NO_MOMENT = dt.datetime.fromtimestamp(0, UTC)


def last_commit_moment(root: Path) -> dt.datetime | None:
    """When the commit checked out at `root` was made, by its committer's clock; None outside
    git, without git, or when git cannot tell. A commit records when its revocations were on
    file, so a build machine whose clock lags behind it must not read them as still to come.
    The test suite replaces this (tests/clock/sitecustomize.py), as it replaces `clock`."""
    from .paths import git_output

    out = git_output(root, "log", "-1", "--format=%ct", "HEAD", any_owner=True)  # whoever owns the checkout
    try:
        return dt.datetime.fromtimestamp(int(out.strip()), UTC) if out else None
    except (ValueError, OverflowError, OSError):
        # A commit dated past the year 9999 (git takes any number: `GIT_COMMITTER_DATE=@300000000000`)
        # is a repository all the same: read as "not one", its consent history went unread and an
        # undone revocation was published (rt14). A clock that says nothing moves no date.
        return _NO_MOMENT if out and out.strip().isdigit() else None


def today_in(zone: dt.tzinfo | None, now: dt.datetime | None = None) -> dt.date:
    """Today's date in `zone` (UTC when None). `now` is for tests."""
    moment = now or clock()
    return moment.astimezone(zone or UTC).date()


def iso_date(text: str) -> dt.date:
    """`text` (surrounding spaces allowed) as a date; ValueError unless written YYYY-MM-DD."""
    text = text.strip()
    if not _ISO_DATE.fullmatch(text):
        raise ValueError(f"expected a date written YYYY-MM-DD, got '{text}'")
    return dt.date.fromisoformat(text)


def build_date_setting(configured: object = None) -> dt.date | None:
    """The build date set outside the command line: FLYWHEEL_AS_OF, else the plugin's `as_of`
    (a string, or the date YAML reads from `as_of: 2026-12-11` unquoted); None for neither.
    ValueError when the one that counts is no date. `mkdocs build` and every `flywheel`
    command without `--as-of` read it alike, so they gate alike."""
    text = os.environ.get("FLYWHEEL_AS_OF") or configured
    if not text:
        return None
    if type(text) is dt.date:  # a datetime is no date: it is refused, written as it reads
        return text
    return iso_date(text if isinstance(text, str) else str(text))


def committed_on(root: Path, zone_name: str | None) -> dt.date | None:
    """The day, in the practice's time zone, of the commit checked out at `root`; None outside
    git. Consent that ended by then has ended, whatever this machine's clock says. Here, not in
    check.py: a warm `flywheel check` asks it without loading the checker (70 ms of imports)."""
    moment = last_commit_moment(root)
    zone = time_zone(zone_name) if zone_name else None
    try:
        return today_in(zone, moment) if moment else None
    except OverflowError:  # 9999-12-31 in a zone ahead of UTC: no day Python holds (rt14: every check stopped)
        return _NO_MOMENT.date()
