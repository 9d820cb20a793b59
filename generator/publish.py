"""Replace `site/` only with a build that finished: render elsewhere, then swap.

The staging folder sits beside `site/` (same file system). On Linux the swap is one atomic
`renameat2(RENAME_EXCHANGE)`: there is no moment without a `site/`. Elsewhere it is two
renames, and a build killed between them leaves the previous site as `.site.old-<pid>`, which
the next build puts back before doing anything else. A build that fails or is killed leaves
`site/` as it was; leftovers of a killed build are removed by the next one.

Two builds of one site at once (a deploy hook run for two pushes in a row, an editor's build
while a scheduled one runs) each stage their own folder, and neither deletes the other's. The
one that read the project later is the one `site/` keeps, whichever finishes last: a stamp file
in the project's cache folder (`stamp_file`) holds when the check of the build in `site/` began,
and a build whose check began earlier discards its pages instead of swapping them in (rt12: the build
that finished last won, so one that had read the content before a revocation put the revoked
story back over the site of one that had read it after; and each build deleted the other's
staging folder as a killed build's leftover).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import glob
import os
import re
import secrets
import shutil
import time
from pathlib import Path
from typing import Self

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
        try:
            shutil.rmtree(folder, ignore_errors=True)
        except KeyboardInterrupt:
            # Ctrl-C or SIGTERM while the previous site was deleted (stop 49's red team: the rest
            # of it, a page of a story revoked since among them, stayed beside site/ until the
            # next build): deleted all the same, then the build stops.
            shutil.rmtree(folder, ignore_errors=True)
            raise
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


def _leftovers(parent: Path, name: str, running_too: bool = False) -> list[Path]:
    """The folders earlier builds of `name` left beside it, by the names only a build gives
    (`.site.staging-<pid>`, `.site.old-<pid>`, either with `.trash-<pid>-<hex>` in place of
    the pid while it is deleted): a folder of the practice's own called `.site.backup-2024`
    is never touched, nor, unless `running_too`, the staging or set-aside folder of a build
    still running (rt12: a build deleted the staging folder of another running at once)."""
    made = re.compile(rf"\.{re.escape(name)}\.(?:staging|old)(?:-(\d+)|\.trash-\d+-[0-9a-f]{{8}})")
    return [path for path in parent.glob(f".{glob.escape(name)}.*-*") if (match := made.fullmatch(path.name))
            and (running_too or not (match.group(1) and _running(int(match.group(1)))))]


def _running(pid: int) -> bool:
    """Whether another process `pid` runs (a build still staging its site)."""
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True  # another user's, or a number no process can have: leave it
    return True


def stamp_file(root: Path, site_dir: Path) -> Path | None:
    """Where the stamp of the build in `site_dir` is kept (the module's comment): in the
    project's cache folder, never published and ignored by git, one file a site folder; None
    where the cache folder may not be used (then two builds at once are not compared)."""
    import hashlib

    from .cache import cache_folder
    from .paths import cache_folder_refused

    folder = cache_folder(root)
    if cache_folder_refused(folder, root) is not None:
        return None
    path = folder / f"site-built-{hashlib.sha256(os.fsencode(Path(site_dir).resolve())).hexdigest()[:16]}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # A cache folder that cannot be written (read-only, FLYWHEEL_CACHE_DIR set to one) is no
        # place for a stamp: the lock's PermissionError stopped every build, blamed on mkdocs.yml
        # (stop 49's red team).
        os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o644))
    except OSError:
        return None
    return path


class _Locked:
    """A stamp file (`stamp_file`), locked while a build compares and swaps (where the system
    can lock a file: `fcntl`), holding `time.time_ns()` of when the check of the build in
    `site/` began, and the device and inode of the folder that build put in place: a stamp
    for any other folder (one committed into the cache folder, a site deleted or replaced by
    hand since) is no stamp of the site there, and is ignored."""

    def __init__(self, path: Path):
        self.path = path

    def __enter__(self) -> Self:
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            import fcntl

            fcntl.flock(self.fd, fcntl.LOCK_EX)
        except (ImportError, OSError):
            pass  # no locking here: the comparison still holds between builds that do not overlap it
        return self

    def __exit__(self, *exc) -> None:
        os.close(self.fd)  # closing it releases the lock

    def read(self, site_dir: Path) -> int:
        """The stamp of the build in `site_dir`, or 0."""
        os.lseek(self.fd, 0, os.SEEK_SET)
        fields = os.read(self.fd, 128).decode("ascii", "replace").split()
        try:
            info = os.stat(site_dir)
        except OSError:
            return 0
        if len(fields) != 3 or not all(field.isdigit() for field in fields):
            return 0
        return int(fields[0]) if [int(fields[1]), int(fields[2])] == [info.st_dev, info.st_ino] else 0

    def write(self, stamp: int, site_dir: Path) -> None:
        info = os.stat(site_dir)
        os.lseek(self.fd, 0, os.SEEK_SET)
        os.ftruncate(self.fd, 0)
        os.write(self.fd, f"{stamp} {info.st_dev} {info.st_ino}\n".encode())


class SiteSwap:
    def __init__(self, site_dir: Path, read_at: int = 0, stamp: Path | None = None):
        """`read_at`: when the check whose pages this build stages began (`CheckResult.started_ns`),
        compared, under a lock, with the build's in site/ kept in `stamp` (`stamp_file`)."""
        self.site_dir = site_dir.resolve()
        self.read_at, self.stamp = read_at, stamp
        self.superseded = False  # set by `commit` when a build that read the project later holds site/
        self.swapped = False  # set once this build's pages are in site/
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
        olds = sorted((path for path in _leftovers(parent, self.site_dir.name, running_too=True) if ".old-" in path.name),
                      key=lambda p: p.stat().st_mtime)
        if olds:
            os.rename(olds[-1], self.site_dir)

    def commit(self, background: bool = False) -> None:
        """Put the finished build in place of `site/`. With `background`, the previous site
        is deleted by a detached process, so a large site's build does not wait for thousands
        of deletions (a folder it leaves is removed by the next build). Where the build in
        `site/` began its check after this one did (the module's comment), this build's pages
        are discarded instead, and `superseded` says so."""
        if self.stamp is None or not self.read_at:
            self._swap(background)
            return
        with _Locked(self.stamp) as stamp:
            if self.read_at < stamp.read(self.site_dir) <= time.time_ns():
                self.superseded = True
                _remove(self.staging, background)
                return
            self._swap(background)
            stamp.write(self.read_at, self.site_dir)

    def _swap(self, background: bool) -> None:
        if self.site_dir.is_dir() and _exchange(self.staging, self.site_dir):
            self.swapped = True
            _remove(self.staging, background)  # now holds the old site
            return
        old = self.site_dir.parent / f".{self.site_dir.name}.old-{os.getpid()}"
        if self.site_dir.exists():
            os.rename(self.site_dir, old)
        os.rename(self.staging, self.site_dir)
        self.swapped = True
        if old.is_file():  # a file committed where the site goes (paths._committed)
            old.unlink()
            return
        _remove(old, background)

    def discard(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)
