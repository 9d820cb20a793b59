"""load -> validate -> gate, in one call: what `check`, `build` and the MkDocs adapter share."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from . import care_cards
from .cache import Cache
from .errors import HasProblems, Problem
from .gate import Gate, consent_gate
from .project import Project
from .quality import reading_grades, reading_problems, review_problems
from .readability import DEFAULT_GRADE_MAX
from .validate import validate


@dataclass
class CheckResult(HasProblems):
    project: Project
    gate: Gate
    grades: dict[str, float] = field(default_factory=dict)  # reading grade by slug

    @property
    def problems(self) -> list[Problem]:
        return sorted(self.project.problems + self.gate.problems, key=lambda p: (p.path, p.line or 0, p.code))

    @property
    def ok(self) -> bool:
        return not self.errors


def run_check(
    root: Path,
    as_of: dt.date | None = None,
    use_cache: bool = False,
    reading_grade_max: float = DEFAULT_GRADE_MAX,
) -> CheckResult:
    """Load, validate and gate everything under `root` for the build date `as_of` (default today).

    With `use_cache`, parsed frontmatter and identifier scans are kept in `.flywheel-cache/`,
    keyed on content; the CLI uses it, library callers opt in."""
    as_of = as_of or dt.date.today()
    cache = Cache.for_project(Path(root), enabled=use_cache)
    project = validate(Path(root), cache)
    project.problems += review_problems(project, as_of)
    for entry in project.guides.values():
        project.problems += care_cards.problems(entry.doc.body, entry.path, entry.doc.body_line)
    grades = reading_grades(project)
    project.problems += reading_problems(project, grades, reading_grade_max)
    gate = consent_gate(project, as_of)
    cache.save()
    return CheckResult(project, gate, grades)
