"""A cache of parsed frontmatter and identifier scans, keyed on content, never on time.

Every entry is keyed by a hash of the exact text it was computed from (plus the version of
the code that computed it), so a hit can never change an answer: edited text is new text.
It lives in `.flywheel-cache/` at the project root, outside the content folders, and a cache
that cannot be read or written is simply not used.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

CACHE_DIR = ".flywheel-cache"
_CODE_FILES = (
    "load.py",
    "identifiers.py",
    "identifier_shapes.py",
    "identifier_names.py",
    "identifier_words.py",
    "readability.py",
    "gate.py",
    "cache.py",
)


def _code_version() -> str:
    """Changes whenever the code that fills the cache changes."""
    here = Path(__file__).parent
    digest = hashlib.blake2b(digest_size=8)
    for name in _CODE_FILES:
        digest.update((here / name).read_bytes())
    return digest.hexdigest()


class Cache:
    """A dictionary persisted with pickle; `memo(kind, text, compute)` is the whole interface."""

    def __init__(self, folder: Path | None):
        self.path = folder / f"check-{_code_version()}.pickle" if folder else None
        self.entries: dict[tuple[str, bytes], Any] = {}
        self.used: set[tuple[str, bytes]] = set()
        self.dirty = False
        if self.path is not None and self.path.exists():
            try:
                with self.path.open("rb") as handle:
                    self.entries = pickle.load(handle)
            except Exception:  # a damaged cache is a miss, never an error
                self.entries = {}

    @classmethod
    def for_project(cls, root: Path, enabled: bool = True) -> Cache:
        if not enabled or os.environ.get("FLYWHEEL_NO_CACHE"):
            return cls(None)
        folder = Path(os.environ.get("FLYWHEEL_CACHE_DIR") or Path(root) / CACHE_DIR)
        return cls(folder)

    @staticmethod
    def key(kind: str, text: str) -> tuple[str, bytes]:
        return (kind, hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest())

    @property
    def enabled(self) -> bool:
        return self.path is not None

    def fill(self, key: tuple[str, bytes], value: Any) -> None:
        """Store a value computed elsewhere (the parallel prefetch) under its key."""
        self.entries[key] = value
        self.dirty = True

    def memo(self, kind: str, text: str, compute: Callable[[], Any]) -> Any:
        if self.path is None:
            return compute()
        key = self.key(kind, text)
        self.used.add(key)
        if key in self.entries:
            return self.entries[key]
        value = compute()
        self.entries[key] = value
        self.dirty = True
        return value

    def save(self) -> None:
        """Write the entries used in this run (so deleted files age out), atomically."""
        if self.path is None or not self.dirty and len(self.used) == len(self.entries):
            return
        kept = {key: self.entries[key] for key in self.used if key in self.entries}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            gitignore = self.path.parent / ".gitignore"
            if not gitignore.exists():
                gitignore.write_text("*\n", encoding="utf-8")
            for stale in self.path.parent.glob("check-*.pickle"):
                if stale != self.path:
                    stale.unlink(missing_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(kept, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.path)
        except OSError:
            pass  # a read-only checkout still checks, just without a cache


NO_CACHE = Cache(None)
