"""Preview: MkDocs' set-up of each page, with its pure parts worked out once per server.

On every save MkDocs makes a `Page` for each page of the site (1,058 at 1,000 pieces) while it
lays out the navigation, and each one joins the site's address with its own
(`urllib.parse.urljoin`) and reads and formats the clock for its date (`get_build_date`):
for 1,058 pages, 6.1 and 3.2 ms of every refresh, 0.1 and 1.1 ms kept (best of five, timed
alone). Both answers depend on nothing but their arguments and the day, so the preview keeps
them:

- `urljoin` is a pure function of its two strings: its answers are kept by their arguments
  (typed: a `str` and `bytes` never share one), at most JOINS_KEPT of them.
- the build date is a function of SOURCE_DATE_EPOCH and, without it, of the day in UTC, which
  `time.time() // 86400` gives (POSIX time counts every UTC day as 86,400 seconds, and
  `datetime.now` reads the same clock): MkDocs' own function is asked again when either changes.

Only MkDocs' page module's names are replaced, only while they are the library's own, and only
by `flywheel serve` (a build makes each page once).
"""

from __future__ import annotations

import functools
import os
import time
import urllib.parse
from collections.abc import Callable

JOINS_KEPT = 65_536


def _dated(get_build_date: Callable[[], str]) -> Callable[[], str]:
    kept: list = [None, ""]  # (SOURCE_DATE_EPOCH, day) the date was made for, the date

    def build_date() -> str:
        epoch = os.environ.get("SOURCE_DATE_EPOCH")
        key = (epoch, None if epoch is not None else int(time.time() // 86400))
        if kept[0] != key:
            kept[:] = [key, get_build_date()]
        return kept[1]

    build_date._flywheel_base = get_build_date  # type: ignore[attr-defined]
    return build_date


def install() -> bool:
    """Keep MkDocs' page addresses and build date for the life of the process. False, changing
    nothing, when its page module no longer uses the library functions this was written for."""
    try:
        from mkdocs import utils
        from mkdocs.structure import pages
    except ImportError:
        return False
    if getattr(pages.urljoin, "_flywheel_base", None) is urllib.parse.urljoin:
        return True
    if pages.urljoin is not urllib.parse.urljoin or pages.get_build_date is not utils.get_build_date:
        return False
    joined = functools.lru_cache(maxsize=JOINS_KEPT, typed=True)(urllib.parse.urljoin)
    joined._flywheel_base = urllib.parse.urljoin  # type: ignore[attr-defined]
    pages.urljoin = joined
    pages.get_build_date = _dated(utils.get_build_date)
    return True
