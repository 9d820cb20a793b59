"""A warm `flywheel check`: the last report, given again when not one of its inputs has changed.

A check of 10,000 pieces reads and parses 12,000 files even when every one of them comes out
of the content-keyed cache. The snapshot skips that: it keeps the report of the last check
(its problems, the gate's decisions, the reading grades) with the `stat` of every file and
folder the check reads, and gives the report again only when all of them are the same. It is
`flywheel check`'s alone: `build`, `serve` and every other command always decide afresh from
the files' contents, so nothing the snapshot holds can publish a story.

A stale report would be a wrong answer, so a snapshot is used only when:

- every input is exactly as it was: the same set of files and folders under content/,
  service_lines/, consent/ and campaigns/, and the same practice.yml and mkdocs.yml (or the
  same absence), each with the same inode, size, mode, modification and change time. Editing a
  file changes its change time (ctime), which no program can set back: `touch -d`, `cp -p`,
  `git checkout` and an editor that restores the old modification time are all misses. A new
  or deleted file changes its folder's times.
- no input was changed just before the check began ("racy git"): a file rewritten after the
  check read it keeps the times the snapshot saw if both writes fall in one tick of the file
  system's clock. The margin is 0.1 s (a kernel tick is at most 10 ms) on file systems that
  keep times to the nanosecond, and twice the coarsest step the inputs' times show elsewhere
  (FAT keeps modification times to 2 s). Such a check makes no snapshot; the next one does.
- every champion photo file the check looked for (shown.photo_digest: the fingerprint covers
  its bytes) has the same `stat`, or is still absent. These lie in docs_dir or the theme's
  folder, outside INPUTS; their stat is taken after the check (following links, so it is the
  picture's own), and a photo changed within the racy margin of the check's start makes no
  snapshot, so the stat kept is that of the bytes the check read.
- nothing is a symbolic link: a link's own times do not move when its target changes.
- the system is not Windows, where `st_ctime` is the file's creation time, which an edit
  does not move.
- the command line (`--as-of`, `--reading-grade-max`), today's date in the practice's time
  zone, every FLYWHEEL_ setting, the project folder, the git commit checked out (whose history
  and day the gate reads), and the code (every file of Flywheel and the version of every
  installed distribution) are the same.
- the file is signed with this machine's key (cache.py), like every cache: one this user did
  not write, or one edited since, is ignored.

It lives in the cache folder, which is never published (it names withheld stories).
`flywheel check --no-cache` and FLYWHEEL_NO_CACHE=1 neither read nor write it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path

from .cache import installed_code_version, read_signed, write_signed
from .decisions import Decision, Gate
from .errors import FlywheelError, HasProblems, Problem
from .paths import git_output

# Everything under the project a check reads (tests/test_snapshot.py holds the check to this).
INPUTS = ("content", "service_lines", "consent", "campaigns", "practice.yml", "mkdocs.yml")
RACY_NS = 100_000_000  # inputs changed this close to the check's start make no snapshot...
_STEPS = (2_000_000_000, 1_000_000_000, 100_000_000, 10_000_000, 1_000_000)  # ...nor closer than 2 steps
FORMAT = 3  # 2: photo files are watched; 3: the commit checked out, not its day
CTIME_MOVES_ON_EDIT = os.name != "nt"  # Windows' st_ctime is the creation time

Tree = dict[str, "list[int] | None"]


def _stat_key(st: os.stat_result) -> list[int]:
    return [st.st_mode, st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]


def input_tree(root: Path) -> Tree | None:
    """The stat of every input file and folder by path, None for an absent top-level input;
    None for the whole tree when it holds a symbolic link or cannot be read."""
    tree: Tree = {}
    folders: list[str] = []
    for name in INPUTS:
        try:
            st = os.lstat(os.path.join(root, name))
        except FileNotFoundError:
            tree[name] = None
            continue
        except OSError:
            return None
        if stat.S_ISLNK(st.st_mode):
            return None
        tree[name] = _stat_key(st)
        if stat.S_ISDIR(st.st_mode):
            folders.append(name)
    while folders:
        folder = folders.pop()
        try:
            with os.scandir(os.path.join(root, folder)) as entries:
                for entry in entries:
                    st = entry.stat(follow_symlinks=False)
                    if stat.S_ISLNK(st.st_mode):
                        return None
                    rel = f"{folder}/{entry.name}"
                    tree[rel] = _stat_key(st)
                    if stat.S_ISDIR(st.st_mode):
                        folders.append(rel)
        except OSError:
            return None
    return tree


class _Unreadable(Exception):
    """A photo file whose stat cannot be had: no snapshot."""


def photo_stats(paths) -> Tree:
    """The stat of every photo file by path (its target's, through a link), None for one that
    is absent. Raises _Unreadable for one whose stat cannot be had."""
    found: Tree = {}
    for path in sorted(paths):
        try:
            found[path] = _stat_key(os.stat(path))
        except (FileNotFoundError, NotADirectoryError, ValueError):  # ValueError: a NUL in it
            found[path] = None
        except OSError as error:
            raise _Unreadable(path) from error
    return found


def _times(tree: Tree) -> list[int]:
    return [t for key in tree.values() if key is not None for t in (key[4], key[5])]


def racy_margin(tree: Tree) -> int:
    """How long before a check began an input must have last changed for the snapshot to
    trust its times: RACY_NS, or two steps of the file system's clock where every time in the
    tree is a whole number of a coarser step (one file system's times all are)."""
    times = _times(tree)
    step = next((s for s in _STEPS if times and all(t % s == 0 for t in times)), 1)
    return max(RACY_NS, 2 * step)


def _now_ns() -> int:
    return time.time_ns()


@dataclass
class Replayed(HasProblems):
    """A report given again: what the output formats read from a CheckResult."""

    problems: list[Problem]
    gate: Gate
    grades: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def _report(result) -> dict:
    gate = result.gate
    return {
        "problems": [p.as_row() for p in result.problems],
        "as_of": gate.as_of.isoformat(),
        "decisions": [
            [d.slug, d.kind, d.path, d.published, [list(r) for r in d.reasons], d.consent]
            for d in gate.decisions.values()
        ],
        "grades": result.grades,
    }


def _replayed(report: dict) -> Replayed:
    problems = [Problem.from_row(row) for row in report["problems"]]
    gate = Gate(dt.date.fromisoformat(report["as_of"]))
    for slug, kind, path, published, reasons, consent in report["decisions"]:
        gate.decisions[slug] = Decision(slug, kind, path, published, tuple(tuple(r) for r in reasons), consent)
    return Replayed(problems, gate, dict(report["grades"]))


class Snapshot:
    """`Snapshot.open(...)`, then `replay()`; after a fresh check, `store(result)`."""

    def __init__(self, root: Path, folder: Path, key_bytes: bytes, options: dict, tree: Tree | None, started: int):
        self.root = root
        self.path = folder / f"snapshot-{hashlib.blake2b(str(root).encode(), digest_size=10).hexdigest()}.json"
        self.key_bytes = key_bytes
        self.options = options
        self.tree = tree  # taken before the check reads anything
        self.started = started

    @classmethod
    def open(cls, root: Path, as_of: dt.date | None, reading_grade_max: float) -> Snapshot | None:
        """None when caching is off, or its folder is refused (the check then says why)."""
        from .cache import Cache

        if not CTIME_MOVES_ON_EDIT:
            return None
        started = _now_ns()
        root = Path(root).resolve()
        try:
            cache = Cache.for_project(root, enabled=True, load=False)
        except FlywheelError:
            return None
        if not cache.enabled:
            return None
        assert cache.path is not None and cache.key_bytes is not None
        options = {
            "format": FORMAT,
            "root": str(root),
            "as_of": as_of.isoformat() if as_of else None,
            "reading_grade_max": reading_grade_max,
            "env": sorted([k, v] for k, v in os.environ.items() if k.startswith("FLYWHEEL_")),
            "code": installed_code_version(),
            # The commit checked out (a new commit, same files), not only its day: the history can
            # change under files that did not (a `git reset --soft` onto a history holding a
            # revocation), and git uninstalled since reads as no history at all (history.py).
            # The commit's day, which the gate reads, follows from it and practice.yml's zone.
            "head": git_output(root, "rev-parse", "HEAD", any_owner=True),
        }
        return cls(root, cache.path.parent, cache.key_bytes, options, input_tree(root), started)

    def replay(self) -> Replayed | None:
        """The last report, when every input and option is as it was then; else None."""
        if self.tree is None:
            return None
        saved = read_signed(self.path, self.key_bytes)
        try:
            if saved["options"] != self.options or saved["tree"] != self.tree or saved["today"] != self._today(saved["zone"]):
                return None
            if saved["photos"] != photo_stats(saved["photos"]):  # a picture replaced, added or removed
                return None
            return _replayed(saved["report"])
        except (TypeError, KeyError, ValueError, AttributeError, _Unreadable):
            return None

    @staticmethod
    def _today(zone: str | None) -> str:
        """Today where the practice is, as the check takes it (UTC without a valid zone)."""
        from .dates import time_zone, today_in

        return today_in(time_zone(zone) if zone else None).isoformat()

    def store(self, result) -> None:
        """Keep `result` for the next check, unless an input changed too recently to trust."""
        if self.tree is None or result.today is None:
            return
        try:
            photos = photo_stats(result.project.photo_files)
        except _Unreadable:
            return
        watched = {**self.tree, **photos}
        if max(_times(watched), default=0) >= self.started - racy_margin(watched):
            return
        practice = result.project.practice
        zone = practice.data.timezone if practice else None
        data = {
            "options": self.options,
            "tree": self.tree,
            "photos": photos,
            "zone": zone,
            "today": result.today.isoformat(),
            "report": _report(result),
        }
        try:
            write_signed(self.path, self.key_bytes, data)
        except (OSError, ValueError):
            pass  # a read-only checkout, or a file name JSON cannot hold: no snapshot
