"""A cache of parsed frontmatter, reading grades, rendered story bodies and identifier scans.

A cache may make Flywheel faster, never different. Everything in the working tree may have
been written by a stranger (a cache committed by mistake, a hostile pull request), so:

- entries are data, never code: JSON, read with `json.loads`, turned back into Flywheel's own
  types by this module; nothing in it can run when it is read;
- every entry is keyed by the kind of value and a hash of the exact input it was computed from
  (plus the version of the code that computed it), so edited text is a miss;
- the file carries an HMAC made with a key that lives outside every project
  (`$XDG_CACHE_HOME/flywheel/cache-key`, created on first use, readable by its owner only).
  A cache file this machine's user did not write, or one edited afterwards, fails the check and
  is ignored whole: at worst a poisoned cache costs the time of a cold run.

A cache that cannot be read or written is simply not used.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import os
import re
import secrets
import sys
import tempfile
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from .collector import no_collections
from .errors import FlywheelError, Problem

CACHE_DIR = ".flywheel-cache"
_CODE_FILES = (
    "load.py",
    "identifiers.py",
    "identifier_shapes.py",
    "identifier_names.py",
    "identifier_words.py",
    "readability.py",
    "sanitize.py",
    "cache.py",
    "errors.py",
    "shown.py",
    "gate.py",
    # The scan reads text as a reader sees it (`leaks.as_seen`'s look-alike table) and looks
    # words up in these lists: a finding cached by other ones is another scan's.
    "leaks.py",
    "data/first_names_world.txt",
    "data/us_towns.txt",
    "data/us_word_towns.txt",
)
# Libraries whose output is cached (parsed YAML, grades, rendered and sanitized story bodies,
# the name lists of the identifier scan, its English word counts and Unicode's look-alikes,
# the validated fields a scan is keyed on).
_LIBRARIES = ("pyyaml", "markdown", "nh3", "pyphen", "names", "pyspellchecker", "confusable-homoglyphs", "pydantic",
              "pydantic-core")
_MAX_BYTES = 512 * 1024 * 1024


def _code_version() -> str:
    """Changes whenever the code that fills the cache changes: Flywheel's own files, the
    versions of the libraries whose output is cached, and Python's (html.parser, re and
    unicodedata shape what a story shows and what the scan finds)."""
    from importlib.metadata import PackageNotFoundError, version

    here = Path(__file__).parent
    digest = hashlib.blake2b(digest_size=8)
    for name in _CODE_FILES:
        digest.update((here / name).read_bytes())

    def versions() -> str:  # reading the libraries' metadata took 15 ms a check
        found = []
        for library in _LIBRARIES:
            try:
                found.append(f"\n{library}={version(library)}")
            except PackageNotFoundError:
                found.append(f"\n{library}=?")
        return "".join(found)

    digest.update(while_installed("library versions", versions).encode())
    digest.update(f"\npython={sys.version}".encode())
    return digest.hexdigest()


_KEPT: dict[str, tuple[tuple, Any]] = {}


def while_installed(name: str, compute: Callable[[], Any]) -> Any:
    """`compute()`, kept under `name` while no folder of Python's import path changes
    (`import_path_stamp`): what is read of the installed packages."""
    stamp = import_path_stamp()
    kept = _KEPT.get(name)
    if kept is None or kept[0] != stamp:
        kept = _KEPT[name] = (stamp, compute())
    return kept[1]


def import_path_stamp() -> tuple:
    """Each folder of Python's import path with its modification time: installing or removing
    a package changes its folder's, so what was read of the installed packages is kept while
    this stays the same."""
    stamps = []
    for folder in sys.path:
        try:
            stamps.append((folder, os.stat(folder or ".").st_mtime_ns))
        except OSError:
            stamps.append((folder, None))
    return tuple(stamps)


@lru_cache(maxsize=1)
def installed_code_version() -> str:
    """Every file of Flywheel's package, the name and version of every installed distribution
    and Python's: for what depends on more code than the check's cache (a whole page, a
    whole check's report). Versions come from the `<name>-<version>.dist-info` folder names
    on the import path: reading every distribution's metadata costs a warm check a fifth of
    its time."""
    digest = hashlib.sha256(f"python={sys.version}\0".encode())
    package = Path(__file__).parent
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    installed: set[str] = set()
    for folder in sys.path:
        try:
            installed.update(n for n in os.listdir(folder or ".") if n.endswith((".dist-info", ".egg-info"))
                             and not _flywheel_metadata(n))
        except OSError:
            continue
    digest.update("\n".join(sorted(installed)).encode())
    return digest.hexdigest()


def _flywheel_metadata(name: str) -> bool:
    """Whether a `.dist-info` or `.egg-info` folder is Flywheel's own, whose code the version
    hashes file by file: its metadata folder differs with how it was installed (the checkout's
    `flywheel.egg-info` is on the path only with PYTHONPATH=<checkout>), and counted, it made
    one install's builds miss every page the other had stored."""
    return re.split(r"[-.]", name, maxsplit=1)[0].lower() == "flywheel"


def _machine_key(root: Path | None = None) -> bytes | None:
    """This user's cache key, kept outside every project; None when it cannot be kept (a
    confused setup pointing XDG_CACHE_HOME into the project would let the repository sign)."""
    # XDG's rule: a relative XDG_CACHE_HOME is ignored. No HOME and a user the system does not
    # know (`docker run --user 1001`, a pod's runAsUser): Path.home() raised RuntimeError, a
    # traceback before anything was built, so CI's fresh checkout wrote no site and a revoked
    # story stayed live (rt8); the key, and so every cache, is then simply not used.
    xdg = os.environ.get("XDG_CACHE_HOME")
    try:
        base = (Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".cache") / "flywheel"
    except RuntimeError:
        return None
    path = base / "cache-key"
    if root is not None and base.resolve().is_relative_to(Path(root).resolve()):
        return None
    try:
        if path.exists():
            key = path.read_bytes()
            return key if len(key) == 32 else None
        base.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(secrets.token_bytes(32))
        return path.read_bytes()
    except (OSError, RuntimeError):
        return None


def read_signed(path: Path, key: bytes, max_bytes: int = _MAX_BYTES) -> Any:
    """The JSON data in a file `write_signed` made with `key`, or None: missing, too large,
    unreadable, or not signed with this key (another user's, or edited since)."""
    try:
        if not path.is_file() or path.stat().st_size > max_bytes:
            return None
        mac, _, payload = path.read_bytes().partition(b"\n")
        by_orjson = mac.startswith(_ORJSON_MARK)
        if not hmac.compare_digest(mac, _signature(key, payload, by_orjson)):
            return None
        with no_collections():
            return _json_data(payload, by_orjson)
    except (OSError, ValueError):
        return None


# orjson writes the bytes `json.dumps(..., ensure_ascii=False, separators=(",", ":"))` writes
# for this data (measured equal on the 5, 22 and 31 MB files of a 5,000-piece project) in a
# fifteenth of the time: 0.3 s of a rebuild at 5,000 pieces. Types json would refuse (dates,
# dataclasses, subclasses) are passed to json, which refuses them as before, and so is anything
# else orjson refuses (an integer past 64 bits, a key that is not text).
_ORJSON_REFUSES = ("OPT_PASSTHROUGH_DATACLASS", "OPT_PASSTHROUGH_DATETIME", "OPT_PASSTHROUGH_SUBCLASS")


# A file orjson wrote is marked so (its signature covers the mark) and read back by orjson, in
# half the time json takes (0.05 s against 0.11 s for the 31 MB stored render of 5,000 pieces).
# Only such a file: orjson reads an integer past 64 bits as a float, and it writes none (it
# refuses them, and json writes the file, unmarked, read by json as before).
_ORJSON_MARK = b"o"
_ORJSON_SIGNED = b"orjson\n"


def _signature(key: bytes, payload: bytes, by_orjson: bool) -> bytes:
    """The first line of a signed file: the HMAC of its payload, marked and keyed apart when
    orjson wrote it (a mark added or removed is a signature that does not match)."""
    mac = hmac.new(key, _ORJSON_SIGNED if by_orjson else b"", hashlib.sha256)
    mac.update(payload)
    return (_ORJSON_MARK if by_orjson else b"") + mac.hexdigest().encode("ascii")


def _json_bytes(data: Any) -> bytes:
    return _json_written(data)[0]


def _json_written(data: Any) -> tuple[bytes, bool]:
    """`data` as JSON bytes, and whether orjson wrote them."""
    try:
        import orjson
    except ImportError:  # pragma: no cover - a dependency; json writes the same bytes, slower
        orjson = None
    if orjson is not None:
        options = 0
        for name in _ORJSON_REFUSES:
            options |= getattr(orjson, name)
        try:
            return orjson.dumps(data, option=options), True
        except TypeError:  # orjson.JSONEncodeError is one
            pass
    try:
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), False
    except UnicodeEncodeError:  # a file name that is not UTF-8 (`consent/C\xff.yml`), kept as escapes
        return json.dumps(data, separators=(",", ":")).encode("ascii"), False


def _json_data(payload: bytes, by_orjson: bool) -> Any:
    """What `json.loads(payload)` gives, read by orjson when orjson wrote it (`_ORJSON_MARK`)."""
    if by_orjson:
        try:
            import orjson

            return orjson.loads(payload)
        except (ImportError, ValueError):  # pragma: no cover - orjson reads what it writes
            pass
    return json.loads(payload)


def write_signed(path: Path, key: bytes, data: Any) -> None:
    """Write `data` as JSON signed with `key`, atomically, in a cache folder git ignores.
    Raises OSError (callers run without a cache then)."""
    payload, by_orjson = _json_written(data)
    path.parent.mkdir(parents=True, exist_ok=True)
    gitignore = path.parent / ".gitignore"
    if not gitignore.exists():
        gitignore.write_text("*\n", encoding="utf-8")
    mac = _signature(key, payload, by_orjson)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(fd, "wb") as handle:  # two writes: one copy of a large index is enough
        handle.write(mac + b"\n")
        handle.write(payload)
    os.replace(tmp, path)


def _plain(value: Any) -> bool:
    """True when JSON gives `value` back exactly: str keys, no tuples, sets, bytes or NaN."""
    if value is None or isinstance(value, (str, bool, int)):
        return True
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, list):
        return all(_plain(item) for item in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    return False


@lru_cache(maxsize=1)
def _value_types() -> tuple[type, type, Callable, Callable]:
    """Finding, Document, EncodedLines and line_rows, imported once (this module is imported
    by theirs); a check encodes or decodes tens of thousands of entries."""
    from .identifiers import Finding
    from .load import Document, EncodedLines, line_rows

    return Finding, Document, EncodedLines, line_rows


def encode(value: Any) -> Any:
    """A cached value as JSON data, or raise ValueError when it has no exact JSON form."""
    Finding, Document, _, line_rows = _value_types()

    if isinstance(value, Document):
        if not _plain(value.data):
            raise ValueError("frontmatter with values JSON cannot hold exactly")
        return {"document": [value.path, value.data, line_rows(value.lines), value.first_line]}
    if isinstance(value, list) and value and all(isinstance(v, Problem) for v in value):
        return {"problems": [p.as_row() for p in value]}
    if isinstance(value, list) and all(isinstance(v, Finding) for v in value):
        return {"findings": [[f.kind, f.line, f.id] for f in value]}
    if isinstance(value, (str, float, int)) and _plain(value):
        return {"value": value}
    raise ValueError(f"cannot cache a {type(value).__name__}")


def decode(data: Any) -> Any:
    """The value `encode` wrote; ValueError (or a type error) for anything else."""
    Finding, Document, EncodedLines, _ = _value_types()

    (tag, body), = data.items()
    if tag == "document":
        path, payload, lines, first_line = body
        # The file is signed, so these are the lists of strings and the numbers `encode` wrote.
        if not isinstance(lines, list):
            raise ValueError("a document's lines are a list of rows")
        return Document(str(path), payload, EncodedLines(lines), first_line=int(first_line))
    if tag == "problems":
        return [Problem.from_row(row) for row in body]
    if tag == "findings":
        return [Finding(str(k), int(n), str(i)) for k, n, i in body]
    if tag == "value" and isinstance(body, (str, float, int)):
        return body
    raise ValueError(f"unknown cache entry {tag!r}")


# The preview server checks the project on every save. It keeps each cache file's entries in
# memory (path -> the file's stat, its entries) and reads the file again only when its stat
# changed: another process wrote it. Every entry is keyed by a hash of its exact input and
# was read from a signed file or computed here, so a held entry is as good as a read one.
_HELD: dict[tuple[str, bytes], tuple[tuple[int, ...], dict[str, Any]]] | None = None


def hold_entries() -> None:
    """Keep cache entries in this process between checks (`flywheel serve` only: a build
    lets go of them, for its memory)."""
    global _HELD
    if _HELD is None:
        _HELD = {}


def _stat_key(path: Path) -> tuple[int, ...] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def cache_folder(root: Path) -> Path:
    """The project's cache folder: FLYWHEEL_CACHE_DIR where set, else `.flywheel-cache` in the
    project (whether it may be used is `paths.cache_folder_refused`'s to say)."""
    return Path(os.environ.get("FLYWHEEL_CACHE_DIR") or Path(root) / CACHE_DIR)


class Cache:
    """`memo(kind, text, compute)` is the whole interface; `fill` stores work done elsewhere."""

    def __init__(self, folder: Path | None, root: Path | None = None, load: bool = True):
        self.key_bytes = _machine_key(root) if folder else None
        self.path = folder / f"check-{_code_version()}.json" if folder and self.key_bytes else None
        self.entries: dict[str, Any] = {}  # key -> encoded value
        self.used: set[str] = set()
        self.dirty = False
        if self.path is not None and load:
            self.entries = self._load()

    def _load(self) -> dict[str, Any]:
        assert self.path is not None and self.key_bytes is not None
        stat = _stat_key(self.path) if _HELD is not None else None
        if stat is not None and (held := _HELD.get((str(self.path), self.key_bytes))) and held[0] == stat:
            return dict(held[1])
        entries = read_signed(self.path, self.key_bytes)
        entries = entries if isinstance(entries, dict) else {}
        if stat is not None:  # read after the stat: a file changed since is read again next time
            _HELD[(str(self.path), self.key_bytes)] = (stat, entries)
        return dict(entries)

    @classmethod
    def for_project(cls, root: Path, enabled: bool = True, load: bool = True) -> Cache:
        """The project's cache, or a disabled one. `load=False` only finds its folder and key."""
        if not enabled or os.environ.get("FLYWHEEL_NO_CACHE"):
            return cls(None)
        folder = cache_folder(root)
        from .paths import cache_folder_refused  # paths reads mkdocs.yml; most runs never need it

        if (why := cache_folder_refused(folder, root)) is not None:
            raise FlywheelError(why + " (FLYWHEEL_CACHE_DIR, or .flywheel-cache as a link): the cache holds "
                                "withheld stories and must never be published")
        return cls(folder, root, load)

    @staticmethod
    def key(kind: str, text: str) -> str:
        """The entry's key: the kind and a hash of the exact input, which cannot collide with
        another kind's (the kind is hashed with its length in front of it)."""
        digest = hashlib.blake2b(digest_size=20)
        digest.update(f"{len(kind)}:{kind}\n".encode("utf-8", "surrogatepass"))
        digest.update(text.encode("utf-8", "surrogatepass"))
        return digest.hexdigest()

    @property
    def enabled(self) -> bool:
        return self.path is not None

    def fill(self, key: str, value: Any) -> None:
        """Store a value computed elsewhere (the parallel prefetch) under its key."""
        try:
            self.entries[key] = encode(value)
        except ValueError:
            return
        self.dirty = True

    def fill_encoded(self, key: str, data: Any) -> None:
        """Store a value a worker process has already passed through `encode`."""
        self.entries[key] = data
        self.dirty = True

    def holds(self, key: str) -> bool:
        return key in self.entries

    def memo(self, kind: str, text: str, compute: Callable[[], Any]) -> Any:
        if self.path is None:
            return compute()
        return self.memo_at(self.key(kind, text), compute)

    def memo_at(self, key: str, compute: Callable[[], Any]) -> Any:
        """`memo` for a caller that has the key (`self.key(kind, text)`) already."""
        if self.path is None:
            return compute()
        self.used.add(key)
        if key in self.entries:
            try:
                return decode(self.entries[key])
            except (ValueError, TypeError, KeyError, AttributeError):
                pass  # unreadable entry: compute it again
        value = compute()
        try:
            self.entries[key] = encode(value)
            self.dirty = True
        except ValueError:
            self.entries.pop(key, None)
        return value

    def save(self) -> None:
        """Write the entries used in this run (so deleted files age out), atomically."""
        if self.path is None or not self.dirty and len(self.used) == len(self.entries):
            return
        kept = {key: self.entries[key] for key in sorted(self.used) if key in self.entries}
        assert self.key_bytes is not None
        try:
            for stale in [*self.path.parent.glob("check-*.json"), *self.path.parent.glob("check-*.pickle")]:
                if stale != self.path:
                    stale.unlink(missing_ok=True)
            write_signed(self.path, self.key_bytes, kept)
            if _HELD is not None and (stat := _stat_key(self.path)) is not None:
                _HELD[(str(self.path), self.key_bytes)] = (stat, kept)
        except OSError:
            pass  # a read-only checkout still checks, just without a cache

    def close(self) -> None:
        """Save, then let go of every entry: a build holds the checked project for its whole
        length, and the entries (every file's parsed data again, every scan and story body)
        would stay with it. A later `memo` computes, as without a cache."""
        self.save()
        self.entries, self.used, self.path = {}, set(), None


NO_CACHE = Cache(None)
