"""Replace `site/` only with a build that finished: render elsewhere, then swap.

The staging folder sits beside `site/` (same file system). On Linux the swap is one atomic
`renameat2(RENAME_EXCHANGE)`: there is no moment without a `site/`. Elsewhere it is two
renames, and a build killed between them leaves the previous site as `.site.old-<pid>`, which
the next build puts back before doing anything else. A build that fails or is killed leaves
`site/` as it was; leftovers of a killed build are removed by the next one.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import glob
import os
import re
import secrets
import shutil
from pathlib import Path

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Swap two directories atomically; False where the system cannot."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0


def _remove(folder: Path, background: bool) -> None:
    if not background or not hasattr(os, "fork"):
        shutil.rmtree(folder, ignore_errors=True)
        return
    # A name no later build can take for its staging folder while this one is being deleted.
    trash = folder.with_name(f"{folder.name.rsplit('-', 1)[0]}.trash-{os.getpid()}-{secrets.token_hex(4)}")
    try:
        os.rename(folder, trash)
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)
        return
    child = os.fork()
    if child == 0:  # the child starts the deleter and returns at once; no zombie is left
        try:
            if os.fork() == 0:
                devnull = os.open(os.devnull, os.O_RDWR)
                for fd in (0, 1, 2):  # never hold a pipe a caller waits on
                    os.dup2(devnull, fd)
                os.closerange(3, 65536)
                shutil.rmtree(trash, ignore_errors=True)
        finally:
            os._exit(0)
    else:
        os.waitpid(child, 0)


def _leftovers(parent: Path, name: str) -> list[Path]:
    """The folders earlier builds of `name` left beside it, by the names only a build gives
    (`.site.staging-<pid>`, `.site.old-<pid>`, either with `.trash-<pid>-<hex>` in place of
    the pid while it is deleted): a folder of the practice's own called `.site.backup-2024`
    is never touched."""
    made = re.compile(rf"\.{re.escape(name)}\.(?:staging|old)(?:-\d+|\.trash-\d+-[0-9a-f]{{8}})")
    return [path for path in parent.glob(f".{glob.escape(name)}.*-*") if made.fullmatch(path.name)]


class SiteSwap:
    def __init__(self, site_dir: Path):
        self.site_dir = site_dir.resolve()
        parent = self.site_dir.parent
        parent.mkdir(parents=True, exist_ok=True)
        self._recover(parent)
        for leftover in _leftovers(parent, self.site_dir.name):
            shutil.rmtree(leftover, ignore_errors=True)
        self.staging = parent / f".{self.site_dir.name}.staging-{os.getpid()}"
        shutil.rmtree(self.staging, ignore_errors=True)
        self.staging.mkdir()

    def _recover(self, parent: Path) -> None:
        """A build killed between the two renames left no `site/`, only the old one aside."""
        if self.site_dir.exists():
            return
        olds = sorted((path for path in _leftovers(parent, self.site_dir.name) if ".old-" in path.name),
                      key=lambda p: p.stat().st_mtime)
        if olds:
            os.rename(olds[-1], self.site_dir)

    def commit(self, background: bool = False) -> None:
        """Put the finished build in place of `site/`. With `background`, the previous site
        is deleted by a detached process, so a large site's build does not wait for thousands
        of deletions (a folder it leaves is removed by the next build)."""
        if self.site_dir.is_dir() and _exchange(self.staging, self.site_dir):
            _remove(self.staging, background)  # now holds the old site
            return
        old = self.site_dir.parent / f".{self.site_dir.name}.old-{os.getpid()}"
        if self.site_dir.exists():
            os.rename(self.site_dir, old)
        os.rename(self.staging, self.site_dir)
        if old.is_file():  # a file committed where the site goes (paths._committed)
            old.unlink()
            return
        _remove(old, background)

    def discard(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)
