"""load -> validate -> gate, in one call: what `check`, `build` and the MkDocs adapter share."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import care_cards
from .active_content import code_problems
from .cache import Cache
from .collector import FewerCollections
from .dates import committed_on, time_zone, today_in
from .errors import FlywheelError, HasProblems, Problem, problem
from .gate import Gate, consent_gate, reviewer_names
from .history import CONSENT_DIR, read_history, shallow, unreadable_checkout
from .project import Project
from .quality import reading_grades, reading_problems, review_problems
from .readability import DEFAULT_GRADE_MAX
from .validate import validate


@dataclass
class CheckResult(HasProblems):
    project: Project
    gate: Gate
    grades: dict[str, float] = field(default_factory=dict)  # reading grade by slug
    today: dt.date | None = None  # the date the consent gate took for today
    committed_on: dt.date | None = None  # the date of the project's last commit, where it is in git
    # When the check began reading the project (time.time_ns()): of two builds of one site at once,
    # the one that read it later is the one site/ keeps (publish.SiteSwap.commit, rt12).
    started_ns: int = 0

    @property
    def problems(self) -> list[Problem]:
        return sorted(self.project.problems + self.gate.problems, key=lambda p: (p.path, p.line or 0, p.code))

    @property
    def ok(self) -> bool:
        return not self.errors


def practice_today(project: Project, now: dt.datetime | None = None) -> dt.date:
    """Today in the practice's time zone (UTC without a valid practice.yml)."""
    zone = time_zone(project.practice.data.timezone) if project.practice else None
    return today_in(zone, now)


def run_check(
    root: Path,
    as_of: dt.date | None = None,
    use_cache: bool = False,
    reading_grade_max: float = DEFAULT_GRADE_MAX,
    today: dt.date | None = None,
    keep: bool = True,
) -> CheckResult:
    """Load, validate and gate everything under `root` for the build date `as_of` (default:
    the practice's today). `as_of` may lie ahead of today, never behind it for consent: a
    story whose consent has ended by today is withheld whatever the build date.

    `today` is for tests only (no command or setting passes it). With `use_cache`, parsed
    frontmatter and identifier scans are kept in `.flywheel-cache/`, keyed on content.
    `keep=False` says the caller lets go of the result after reporting it (`flywheel check`):
    documents' key lines then stay as the cache read them."""
    with FewerCollections():
        return _run_check(Path(root), as_of, use_cache, reading_grade_max, today, keep)


def _run_check(root: Path, as_of: dt.date | None, use_cache: bool, reading_grade_max: float,
               today: dt.date | None, keep: bool) -> CheckResult:
    started = time.time_ns()
    try:
        cache, refused = Cache.for_project(Path(root), enabled=use_cache), None
    except FlywheelError as exc:
        # A cache folder where it would be published: the check runs without it and fails.
        # Raised, the refusal stopped the check and with it every withdrawal, so a story whose
        # consent was just revoked stayed on the site CI deploys.
        cache, refused = Cache(None), problem("cache-folder-refused", ".", str(exc))
    project = validate(Path(root), cache)
    if refused is not None:
        project.problems.append(refused)
    today = today or practice_today(project)
    as_of = as_of or today
    project.problems += review_problems(project, as_of)
    for entry in project.guides.values():
        project.problems += care_cards.problems(entry.doc.body, entry.path, entry.doc.body_line)
        if found := code_problems(entry.doc.body, entry.path, entry.doc.body_line):
            project.problems += found
            project.running_code.add(entry.id)
    grades = reading_grades(project)
    project.problems += reading_problems(project, grades, reading_grade_max)
    if cache.enabled:
        from .prefetch import prefetch_scans

        prefetch_scans(project, reviewer_names(project))
    committed = committed_on(project.root, project.practice.data.timezone if project.practice else None)
    if committed is not None:  # a repository: its consent history (none to read outside one)
        history = read_history(project.root)
        if history is None:
            project.history_unreadable = True
            project.problems.append(_history_unreadable("git failed or took longer than two minutes"))
        else:
            project.committed_revocations, project.committed_champions, project.committed_terms = history
        if shallow(project.root):
            project.problems.append(problem(
                "consent-history-shallow", CONSENT_DIR,
                "this checkout holds only the latest commits (a shallow clone): a revocation taken out of a "
                "consent record in an earlier commit cannot be seen, and its story would be published again",
                hint="check out the whole history: `fetch-depth: 0` with actions/checkout, `git fetch --unshallow` here"))
    elif unreadable_checkout(project.root):
        project.history_unreadable = True
        project.problems.append(_history_unreadable("git is not installed, or fails on every command"))
    gate = consent_gate(project, as_of, today, committed)
    from .campaigns import campaign_problems  # it imports link, which imports this module

    gate.problems += campaign_problems(project, gate)
    cache.close()
    if keep:
        project.settle_lines()
    return CheckResult(project, gate, grades, today, committed, started_ns=started)


def _history_unreadable(why: str) -> Problem:
    """The error for a repository whose consent history cannot be read (`history.read_history`)."""
    return problem(
        "consent-history-unreadable", CONSENT_DIR,
        f"this is a git repository, but its history of consent records cannot be read ({why}): a revocation "
        "taken out of a record in an earlier commit cannot be looked for, so nothing is published until it can",
        hint="run `git log -- consent` here to see git's own error; in CI, install git in the job's image and "
             "check out the whole history (actions/checkout: `fetch-depth: 0`, no `filter`)")
