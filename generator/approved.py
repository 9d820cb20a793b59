"""The text a champion last approved, from the project's git history, and what changed since.

A consent record stores only a fingerprint of the approved text. The text itself is in git:
the story file as it was in a commit that touched the record (or, failing that, the story).
A candidate is trusted only when its fingerprint equals the record's `approved_fingerprint`,
so a rewritten history can at worst mean "no approved text found", never a wrong diff.
Nothing here is published; the proof that shows it is written into `proofs/` only.
"""

from __future__ import annotations

import difflib
import html
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import FlywheelError
from .load import markdown_document
from .paths import git_output
from .project import Entry, Project
from .schema import ConsentRecord, Story
from .shown import legacy_fingerprint, story_fingerprint

MAX_COMMITS = 50  # how far back to look, per file
PARTS = (
    ("title", "Title"),
    ("summary", "Summary"),
    ("pull_quote", "Pull quote"),
    ("body", "Story"),
    ("material_connection", "Disclosure"),
)


@dataclass(frozen=True)
class Approved:
    """The approved version of a story and the commit it was found in."""

    story: Entry[Story]
    commit: str


def _commits(root: Path, rel: str) -> list[str]:
    out = git_output(root, "log", f"--max-count={MAX_COMMITS}", "--format=%H", "--", rel)
    return [line for line in (out or "").splitlines() if re.fullmatch(r"[0-9a-f]{40,64}", line)]


def approved_version(project: Project, story: Entry[Story], record: Entry[ConsentRecord]) -> Approved | None:
    """The story as its consent approved it, verified by fingerprint, or None. The candidate is
    fingerprinted with today's champion entry and filing; if those changed too, it is None."""
    root = project.root
    wanted = record.data.approved_fingerprint
    seen: set[str] = set()
    for commit in _commits(root, record.path) + _commits(root, story.path):
        if commit in seen:
            continue
        seen.add(commit)
        text = git_output(root, "cat-file", "blob", f"{commit}:./{story.path}")  # raw bytes: no filters
        if text is None:
            continue
        try:
            # Line ends as the loader reads them (`git_output` keeps them as printed).
            doc = markdown_document(text.replace("\r\n", "\n").replace("\r", "\n"), story.path)
            old = Entry(story.id, Story.model_validate(doc.data), doc)
        except (FlywheelError, ValueError):
            continue
        if wanted in (story_fingerprint(old, project), legacy_fingerprint(old)):
            return Approved(old, commit)
    return None


def _words(text: str) -> list[str]:
    return text.split()


def word_diff_html(old: str, new: str) -> str:
    """The new text with removed words struck through and added words marked, word by word
    (whitespace is normalized, as the fingerprint does). Everything is escaped."""
    a, b = _words(old), _words(new)
    out: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(html.escape(" ".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            out.append(f"<del>{html.escape(' '.join(a[i1:i2]))}</del>")
        if op in ("insert", "replace"):
            out.append(f"<ins>{html.escape(' '.join(b[j1:j2]))}</ins>")
    return " ".join(out)


def changes(approved: Entry[Story], current: Entry[Story]) -> list[dict]:
    """For each approved part that changed: its label and the marked-up difference."""
    found = []
    for key, label in PARTS:
        old = approved.doc.body if key == "body" else getattr(approved.data, key)
        new = current.doc.body if key == "body" else getattr(current.data, key)
        if _words(old) != _words(new):
            found.append({"label": label, "html": word_diff_html(old, new),
                          "added": _count(old, new, "insert"), "removed": _count(old, new, "delete")})
    return found


def _count(old: str, new: str, kind: str) -> int:
    total = 0
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=_words(old), b=_words(new), autojunk=False).get_opcodes():
        if op in (kind, "replace"):
            total += (j2 - j1) if kind == "insert" else (i2 - i1)
    return total
