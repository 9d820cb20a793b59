"""The content model in memory: every validated record with the document it came from.

Nothing here knows about MkDocs; the render stage and the MkDocs adapter read this.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Generic, TypeVar

from .cache import NO_CACHE, Cache
from .errors import HasProblems, Problem
from .load import Document, settled
from .schema import Campaign, Champion, ConsentRecord, Guide, Practice, ServiceLine, Story

if TYPE_CHECKING:
    from .history import Version

T = TypeVar("T")


@dataclass(frozen=True)
class Entry(Generic[T]):
    """One record: its id (slug or record id), its validated data and its source document."""

    id: str
    data: T
    doc: Document

    @property
    def path(self) -> str:
        return self.doc.path

    def line(self, *keys: str) -> int:
        return self.doc.line_of(keys)


@dataclass
class Project(HasProblems):
    """Everything Flywheel loaded from one repository, and every problem found on the way."""

    root: Path
    practice: Entry[Practice] | None = None
    service_lines: dict[str, Entry[ServiceLine]] = field(default_factory=dict)
    champions: dict[str, Entry[Champion]] = field(default_factory=dict)
    consents: dict[str, Entry[ConsentRecord]] = field(default_factory=dict)
    guides: dict[str, Entry[Guide]] = field(default_factory=dict)
    stories: dict[str, Entry[Story]] = field(default_factory=dict)
    campaigns: dict[str, Entry[Campaign]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    # Pieces whose files have schema errors: slug -> (kind, path). They are never published,
    # but they still exist for references and for the gate's report.
    invalid: dict[str, tuple[str, str]] = field(default_factory=dict)
    # The raw frontmatter of every piece that parsed, valid or not, for reference checks.
    raw: dict[str, tuple[str, Document, dict]] = field(default_factory=dict)
    # Ids held by more than one file: none of those files is used.
    duplicates: set[str] = field(default_factory=set)
    # Consent files that cannot be used (errors, an id another file holds too, a wrong
    # extension) -> the slug-like words of their text: a story one names may be revoked in it.
    # None for an entry that cannot be read at all: it may revoke any story.
    unusable_consents: dict[str, frozenset[str] | None] = field(default_factory=dict)
    # Record id -> (the earliest revocation date ever committed to it, every story it named, every
    # form_ref it named): a revocation is final, even where a later edit took it out of the file
    # (`history.py`).
    committed_revocations: dict[str, tuple[dt.date, tuple[str, ...], tuple[str, ...]]] = field(default_factory=dict)
    # `form_key` of a signed form and its story -> what every committed version of a record naming
    # them authorized: an edit may narrow it, never widen it (`history.read_history`, `gate.widened`).
    committed_terms: dict[str, list[Version]] = field(default_factory=dict)
    # The text of content/champions.yml when any of it cannot be used (a YAML error, an entry
    # the schema refuses): the names and bios in it are still a patient's (`leaks`, rt8).
    unusable_champions: str = ""
    # Every line any commit added to content/champions.yml (`history.read_history`): the names
    # and bios of champions deleted from it since are still a patient's (`leaks`, rt9).
    committed_champions: str = ""
    # The repository's history of consent/ could not be read (`history.read_history`): any
    # story's revocation may be in it, so every story waits.
    history_unreadable: bool = False
    # Pieces still holding a scaffold's TODO placeholder: never published.
    placeholders: set[str] = field(default_factory=set)
    # Guides whose text holds code (active_content.py): never published.
    running_code: set[str] = field(default_factory=set)
    cache: Cache = field(default=NO_CACHE, repr=False)
    # Story bodies' sanitized HTML by the exact body text, rendered once per project: the gate
    # needs it twice per story (scan, fingerprint) and a check without a cache rendered it twice.
    shown_html: dict[str, str] = field(default_factory=dict, repr=False)
    # Champion photos' digests by the address the champion gives (shown.photo_digest), read
    # once per project, and every file a digest looked for, found or not: `flywheel check`'s
    # snapshot watches them, since a photo's bytes decide whether its stories are published.
    photo_digests: dict[str, str] = field(default_factory=dict, repr=False)
    photo_files: set[str] = field(default_factory=set, repr=False)
    # leaks._withheld_linked_media for one gate's decisions (the gate, then its answer): every
    # check of published files asks it, and it reads every story's links.
    withheld_media: tuple | None = field(default=None, repr=False)

    def settle_lines(self) -> None:
        """Every document's key lines as a dict (`load.settled`): for a process that keeps the
        project once the check is done, such as a build."""
        entries = [self.practice] if self.practice is not None else []
        for kind in (self.service_lines, self.champions, self.consents, self.guides, self.stories, self.campaigns):
            entries += kind.values()
        for entry in entries:
            entry.doc.lines = settled(entry.doc.lines)
        for _, doc, _ in self.raw.values():
            doc.lines = settled(doc.lines)
