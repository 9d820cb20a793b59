"""Pages a previous `flywheel build` rendered, reused when every input they were made from is
the same, so a build after a one-guide edit renders that guide (and what shows it) only.

A reused page must be the page a fresh render would write, byte for byte, and the consent gate
must never be short-cut, so:

- The check and the consent gate always run first and decide; only the pages they publish
  exist, and only those are looked up. A story withheld today has no page to look up.
- A page's key hashes everything that reaches it: its generated Markdown; the navigation, the
  address and title of every page and the list of every file (links and menus are made of
  them); the MkDocs configuration, the practice frame and every theme file; what the leak
  checks compare against (every unpublished piece, withheld stories' words, allowed third
  parties); the build date and today; and the code: Flywheel's own files and the version of
  every installed distribution. A site whose configuration holds a value this module cannot
  write down exactly, or that uses a plugin other than Flywheel and search, is not cached.
- The index is JSON signed with this machine's key (cache.py): an index this user did not
  write, or one edited afterwards, is ignored whole. Pages are stored under the SHA-256 of
  their bytes and checked against it on every use: an edited page file is a miss.
- What a render produced besides the page is stored with it and replayed: the log records
  (a warning still prints and still fails a strict build), the search index entries, the
  anchors other pages' links are validated against, and the resources the third-party check
  reads.

`flywheel build --no-cache` and FLYWHEEL_NO_CACHE=1 build without it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import signal
import sysconfig
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .cache import CACHE_DIR, _machine_key, _plain, installed_code_version, read_signed, write_signed

INDEX = "pages.json"
BLOBS = "pages"
_MAX_INDEX_BYTES = 1024 * 1024 * 1024
# Configuration keys that say where files are, not what a page shows: the staging folder is a
# new temporary name on every build.
_UNSHOWN_CONFIG = {"site_dir", "docs_dir", "config_file_path", "watch", "dev_addr", "plugins", "theme"}
# Markdown extensions that make a page from its own text alone. Any other may read another file
# into a page (`pymdownx.snippets` a snippet, `pymdownx.b64` a picture, `pymdownx.emoji` an
# icon from its `custom_icons` folders, an include extension): with one listed, the bytes of
# every file of the site key every page, or an edited snippet would leave its pages as they
# were. (A file outside docs_dir and the theme's folders, which such an extension may read too,
# is not in that list: `pymdownx.snippets` is held to docs_dir, the others are not.)
_SELF_CONTAINED = frozenset(
    "abbr admonition attr_list codehilite def_list extra fenced_code footnotes legacy_attrs legacy_em "
    "md_in_html meta nl2br sane_lists smarty tables toc wikilinks "
    "pymdownx.arithmatex pymdownx.betterem pymdownx.blocks.admonition pymdownx.blocks.caption "
    "pymdownx.blocks.details pymdownx.blocks.html pymdownx.blocks.tab pymdownx.caret pymdownx.critic "
    "pymdownx.details pymdownx.escapeall pymdownx.extra pymdownx.fancylists pymdownx.highlight "
    "pymdownx.inlinehilite pymdownx.keys pymdownx.magiclink pymdownx.mark pymdownx.progressbar "
    "pymdownx.saneheaders pymdownx.smartsymbols pymdownx.superfences pymdownx.tabbed pymdownx.tasklist "
    "pymdownx.tilde".split()
)


class Uncacheable(Exception):
    """A value with no exact written form: the build is not cached."""


def canonical(value: Any) -> Any:
    """`value` as plain JSON data, exactly, or raise Uncacheable."""
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): canonical(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, (list, tuple)):
        return [canonical(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted(json.dumps(canonical(v), sort_keys=True) for v in value)
    raise Uncacheable(type(value).__name__)


def _theme_digest(theme) -> str:
    """Every file of the theme's folders, but those of installed packages (mkdocs-material's
    14,000 files), whose name and version `installed_code_version` already holds."""
    installed = {Path(sysconfig.get_paths()[kind]).resolve() for kind in ("purelib", "platlib")}
    digest = hashlib.sha256()
    for folder in theme.dirs:
        base = Path(folder)
        if any(base.resolve().is_relative_to(site) for site in installed):
            digest.update(f"{folder}\0installed\0".encode())
            continue
        for path in sorted(base.rglob("*")):
            if path.is_file():
                digest.update(f"{folder}\0{path.relative_to(base).as_posix()}\0".encode())
                digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _digest(file) -> str:
    """SHA-256 of a file's bytes, read in pieces from disk (a video in docs_dir need not be
    held whole), or of the text a plugin generated."""
    if file.generated_by or file.abs_src_path is None or file.is_documentation_page():
        return hashlib.sha256(file.content_bytes).hexdigest()
    with open(file.abs_src_path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _nav(items) -> list:
    return [
        [type(item).__name__, item.title, getattr(item, "url", None), _nav(item.children or [])]
        for item in items
    ]


# Stored pages being hashed ahead by a forked process (`verify_ahead`), by their folder.
_ahead: dict[str, tuple[int, Any]] = {}


def verify_ahead(root: Path) -> None:
    """Start hashing the pages stored for `root` in a forked process, while this one checks
    the project: a rebuild at 5,000 pieces read and hashed 72 MB of stored pages (0.19 s) on
    the build's own process, which does the rebuild's other work one step after another. The
    fork is taken before the check, in a small process with no other thread; the check's own
    pools are unaffected. `PageCache` takes the answer if it opens that folder: the names of
    the stored pages whose bytes hashed to their name (regular files only), each checked as
    `get` would have. Without it (no second process by `forkmap.workers`' rules: one core,
    FLYWHEEL_WORKERS=1, a thread running; no folder; the process failed), `get` hashes as before."""
    from .forkmap import die_with_parent, workers

    folder = Path(root) / CACHE_DIR / BLOBS
    if os.environ.get("FLYWHEEL_NO_CACHE") or workers(2, 2) < 2:
        return
    try:
        if not folder.is_dir():
            return
        results = tempfile.TemporaryFile(prefix="flywheel-verified-", buffering=0)  # noqa: SIM115 (closed when collected)
        parent, pid = os.getpid(), os.fork()
    except OSError:
        return
    if pid == 0:  # the child: hash, write each name that matches as it goes, and end
        code = 1
        try:
            die_with_parent(parent)
            # Not the command's output: a caller reading it to its end waits for no hashing.
            null = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(null, fd)
            with os.scandir(folder) as found:
                for blob in found:
                    name = blob.name
                    if len(name) == 69 and name.endswith(".html") and blob.is_file(follow_symlinks=False):
                        with open(blob.path, "rb") as handle:
                            if hashlib.file_digest(handle, "sha256").hexdigest() == name[:64]:
                                results.write(name[:64].encode("ascii") + b"\n")  # one whole line a write
            code = 0
        finally:
            os._exit(code)
    _ahead[os.path.realpath(folder)] = (pid, results)


def _verified_ahead(folder: Path) -> set[str] | None:
    """The names `verify_ahead` has found good in `folder` so far; None without its process.
    One still hashing is stopped, not waited for: a folder of stored pages planted by a pull
    request (gigabytes, or a million files) would otherwise hold the build. What it had not
    reached is hashed by `get`, as without it."""
    pending = _ahead.pop(os.path.realpath(folder), None)
    return None if pending is None else _ended(*pending)


def _ended(pid: int, results) -> set[str] | None:
    """What a hashing process wrote, once it has ended or been stopped."""
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done == 0:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        results.seek(0)
        return {line for line in results.read().decode("ascii").split("\n") if len(line) == 64}
    except (OSError, UnicodeDecodeError):
        return None
    finally:
        results.close()


def drop_ahead() -> None:
    """Stop and reap the hashing processes no build took the answer of (the check failed,
    the build stopped early), so that none is left behind by a process that goes on (the
    preview, a test session)."""
    while _ahead:
        _ended(*_ahead.popitem()[1])


class PageCache:
    """`key(page)`, `get(key)` and `put(key, ...)`; `save()` writes what this build used."""

    def __init__(self, folder: Path, key: bytes, salt: str):
        self.folder, self.blobs, self._key, self.salt = folder, folder / BLOBS, key, salt
        self.entries: dict[str, dict] = {}
        self.used: dict[str, dict] = {}
        self._load()
        self.verified = _verified_ahead(self.blobs)  # after the index: the fork has had longer

    @classmethod
    def open(cls, root: Path, config, files, nav, inputs: Any) -> PageCache | None:
        """The cache for this build, or None when it must not or cannot be used."""
        if os.environ.get("FLYWHEEL_NO_CACHE"):
            return None
        key = _machine_key(root)
        if key is None:
            return None
        every_file = any(name.removeprefix("markdown.extensions.") not in _SELF_CONTAINED
                         for name in config.markdown_extensions)
        try:
            settings = {k: canonical(v) for k, v in config.items() if k not in _UNSHOWN_CONFIG}
            salt = json.dumps(
                {
                    "code": installed_code_version(),
                    "config": settings,
                    "plugins": {name: canonical(dict(p.config)) for name, p in config.plugins.items()},
                    "theme": [canonical({k: str(v) if k == "locale" else v for k, v in config.theme.items()}),
                              _theme_digest(config.theme)],
                    "nav": _nav(nav.items),
                    # Every file's address; a page written by hand (not generated) may give its
                    # title to the menus of others, so its text counts for every page.
                    "files": sorted(
                        [f.src_uri, f.dest_uri, f.url, str(f.inclusion),
                         _digest(f) if every_file or (f.is_documentation_page() and not f.generated_by) else ""]
                        for f in files
                    ),
                    "inputs": canonical(inputs),
                    "epoch": os.environ.get("SOURCE_DATE_EPOCH"),
                },
                sort_keys=True,
                ensure_ascii=False,
            )
        except (Uncacheable, OSError):  # a file that cannot be read: the build says so, uncached
            return None
        from .paths import cache_folder_refused

        folder = Path(root) / CACHE_DIR
        if cache_folder_refused(folder, root) or cache_folder_refused(folder / BLOBS, root):
            return None  # the check has already refused it with a message; never write there
        return cls(folder, key, hashlib.sha256(salt.encode()).hexdigest())

    def key(self, page) -> str:
        digest = hashlib.sha256(self.salt.encode())
        for part in (page.file.src_uri, page.file.dest_uri):
            digest.update(b"\0" + part.encode())
        digest.update(b"\0" + page.file.content_bytes)
        return digest.hexdigest()

    # -- reading ----------------------------------------------------------------------------

    def _load(self) -> None:
        data = read_signed(self.folder / INDEX, self._key, _MAX_INDEX_BYTES)
        if isinstance(data, dict) and isinstance(data.get("pages"), dict):
            self.entries = data["pages"]

    def get(self, key: str) -> tuple[dict, bytes | None] | None:
        """The stored entry and page bytes for `key`, if both are there and the bytes are the
        ones the signed index names. The bytes are None for a page `verify_ahead` hashed: `place`
        reads them only where it cannot link the file, and checks them again then."""
        entry = self.entries.get(key)
        if not isinstance(entry, dict) or not isinstance(entry.get("sha"), str):
            return None
        data: bytes | None = None
        hashed_ahead = self.verified is not None and entry["sha"] in self.verified
        if not hashed_ahead and (data := self._stored(entry["sha"])) is None:
            return None
        if not isinstance(entry.get("resources"), list):
            return None
        render = entry.get("render")
        if not isinstance(render, dict) or not isinstance(render.get("search"), str):
            return None
        self.used[key] = entry
        return entry, data

    def _stored(self, sha: str) -> bytes | None:
        """The stored page named `sha`, if it is there and its bytes hash to that name."""
        try:
            data = (self.blobs / f"{sha}.html").read_bytes()
        except (OSError, ValueError):
            return None
        return data if hashlib.sha256(data).hexdigest() == sha else None

    def place(self, sha: str, data: bytes | None, destination: str) -> None:
        """Put a reused page into the site being built: a hard link to the stored file where
        the file system allows it (no copy; the file is never written in place, and one that
        was is a miss the next time, its hash no longer matching), else a copy of `data` (read
        and checked here when `get` gave none). The page's folder is made only when missing (a
        rebuild made it in the background)."""
        for attempt in range(2):
            try:
                os.link(self.blobs / f"{sha}.html", destination)
                return
            except FileNotFoundError:
                if attempt == 0:
                    os.makedirs(os.path.dirname(destination), exist_ok=True)
            except OSError:
                break
        if data is None and (data := self._stored(sha)) is None:
            from mkdocs.exceptions import BuildError

            raise BuildError(f"a stored page ({CACHE_DIR}/{BLOBS}/{sha}.html) changed or went while this build "
                             "ran; build again, or with --no-cache")
        os.makedirs(os.path.dirname(destination), exist_ok=True)
        with open(destination, "wb") as handle:
            handle.write(data)

    # -- writing ----------------------------------------------------------------------------

    def put(self, key: str, entry: dict) -> None:
        """Remember a page rendered in this build (its bytes were stored by `store`). The
        rest of an entry is made of strings, numbers and lists; a page's meta comes from its
        frontmatter and is kept only if JSON gives it back exactly."""
        if _plain(entry["populate"]["state"]["meta"]):
            self.used[key] = entry

    def store(self, data: bytes, written: str) -> str:
        """Keep a page's bytes (`written` is the page just written into the site being built)
        under their SHA-256, as a hard link where the file system allows it, else a copy;
        return the hash. Safe from a worker: a name is created whole or not at all."""
        sha = hashlib.sha256(data).hexdigest()
        target = self.blobs / f"{sha}.html"
        if not target.exists():
            try:
                self.blobs.mkdir(parents=True, exist_ok=True)
                try:
                    os.link(written, target)
                except FileExistsError:
                    pass
                except OSError:
                    fd, tmp = tempfile.mkstemp(dir=self.blobs, prefix=".tmp-")
                    with os.fdopen(fd, "wb") as handle:
                        handle.write(data)
                    os.replace(tmp, target)
            except OSError:
                pass
        return sha

    def save(self) -> None:
        """Write the index of the pages this build used, and delete stored pages it no
        longer names (only files this cache made: `<sha>.html` in its own folder)."""
        try:
            write_signed(self.folder / INDEX, self._key, {"pages": self.used})
            kept = {entry["sha"] for entry in self.used.values()}
            for blob in self.blobs.glob("*.html"):
                if blob.stem not in kept and len(blob.stem) == 64:
                    blob.unlink(missing_ok=True)
        except OSError:
            pass
