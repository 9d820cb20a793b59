"""Consent commands: fingerprints, writing a new record, and the status of every story.

`record` is one of only two commands that write under the content folders, and it only ever
creates a new file: it refuses to overwrite a record that exists.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from types import SimpleNamespace

import yaml

from .check import CheckResult
from .errors import FlywheelError, Problem, did_you_mean, problem
from .gate import NARROW_ONLY, revoked_form, widened
from .shown import story_fingerprint
from .terms import DEFAULT_PURPOSE
from .project import Entry, Project
from .schema import RECORD_ID_PATTERN, Story
from .validate import CONSENT_DIR, STORIES_DIR



def story_slug(project: Project, name: str) -> str | Problem:
    """The slug a STORY argument names: a slug, or a path to a story file that a person pasted
    (`content/stories/spine/finding-answers.md`), resolved safely; a path outside
    content/stories is refused, never read."""
    if "/" not in name and "\\" not in name and not name.endswith(".md"):
        return name
    folder = (project.root / STORIES_DIR).resolve()
    given = Path(name)
    candidates = [given] if given.is_absolute() else [Path.cwd() / given, project.root / given]
    for candidate in candidates:
        resolved = candidate.resolve()
        if resolved.is_relative_to(folder) and resolved.suffix == ".md" and resolved.is_file():
            return resolved.stem
    return problem(
        "unsafe-path",
        name,
        f"'{name}' is not a story file inside {STORIES_DIR}/",
        hint="name the story by its slug (the file name without .md) or by its path inside content/stories",
    )


def resolve_stories(project: Project, names: list[str]) -> tuple[list[Entry[Story]], list[Problem]]:
    """The stories named by slug or path, in order, and a problem for each that is not one."""
    found: list[Entry[Story]] = []
    problems: list[Problem] = []
    for name in names:
        slug = story_slug(project, name)
        if isinstance(slug, Problem):
            problems.append(slug)
        elif slug in project.stories:
            found.append(project.stories[slug])
        else:
            problems.append(
                problem(
                    "unknown-story",
                    STORIES_DIR,
                    f"no valid story '{slug}'",
                    hint=did_you_mean(slug, project.stories) or "run `flywheel check` to see stories with errors",
                )
            )
    return found, problems


def find_stories(project: Project, names: list[str]) -> list[Entry[Story]]:
    """The named stories (slugs or paths), or FlywheelError naming each that is not one."""
    found, problems = resolve_stories(project, names)
    if problems:
        raise FlywheelError(problems)
    return found


def next_record_id(project: Project, year: int) -> str:
    ids = [*project.consents, *project.committed_revocations]  # a revoked id, its file gone, stays revoked
    taken = {int(m.group(1)) for rid in ids if (m := re.fullmatch(rf"C-{year}-(\d+)", rid))}
    existing = {p.stem for p in (project.root / CONSENT_DIR).glob("*.yml")}
    number = max(taken, default=0) + 1
    while f"C-{year}-{number:03d}" in existing:
        number += 1
    return f"C-{year}-{number:03d}"


def record_yaml(fields: dict) -> str:
    """The record as YAML with the contract's key order and a header that says what it is."""
    header = (
        "# Consent record written by `flywheel consent record`. It points at the signed form;\n"
        "# it holds no health information. Compliance edits only: set revoked_on to revoke.\n"
    )
    return header + yaml.safe_dump(fields, sort_keys=False, allow_unicode=True, default_flow_style=None)


def write_record(
    project: Project,
    story: Entry[Story],
    *,
    record_id: str | None,
    signed_on: dt.date,
    expires_on: dt.date,
    form_ref: str,
    signed_by: str = "patient",
    purpose: str = DEFAULT_PURPOSE,
    scope: list[str] | None = None,
    identifiers: list[str] | None = None,
    accepted_findings: list[str] | None = None,
    approved: str,
) -> Path:
    """Create consent/<id>.yml for the proof the patient approved. Never overwrites.

    `approved` is the fingerprint printed on that proof. When the story no longer matches it
    (edited after the proof was made), nothing is written: the patient approved other words."""
    current = story_fingerprint(story, project)
    if approved.strip() != current:
        raise FlywheelError(
            [
                problem(
                    "proof-mismatch",
                    story.path,
                    "the story no longer matches the proof the patient approved "
                    f"({approved.strip()[:20]}...); no record was written",
                    hint="make a new proof with `flywheel story proof`, have the patient approve it, "
                    "and record the fingerprint printed on it",
                )
            ]
        )
    revoked = project.committed_revocations
    if record_id is None:
        named = story.data.consent
        unused = named and named not in project.consents and named not in revoked
        record_id = named if unused else next_record_id(project, signed_on.year)
    if record_id in revoked:
        # The revocation in its history would end the new record too (history.py).
        raise FlywheelError([problem(
            "unsafe-path", f"{CONSENT_DIR}/{record_id}.yml",
            f"consent {record_id} was revoked on {revoked[record_id][0]} (in git history): a revoked "
            "record's id is never used again, and no record was written",
            hint="give the new authorization its own id with --id, and name it in the story's 'consent' key")])
    if (ended := revoked_form(project, form_ref, story.id)) is not None:
        # The gate would end the new record at once: its form is one the patient revoked.
        raise FlywheelError([problem(
            "consent-form-revoked", story.path,
            f"the signed form given with --form-ref was revoked on {ended[1]} under consent {ended[0]}: a record naming it "
            "authorizes nothing, and no record was written",
            hint="a new authorization needs a newly signed form: give its reference with --form-ref")])
    if not RECORD_ID_PATTERN.match(record_id):
        raise FlywheelError(
            [problem("unsafe-path", f"{CONSENT_DIR}/{record_id}.yml", f"'{record_id}' is not a valid record id", hint="use letters, digits and hyphens, e.g. C-2026-014")]
        )
    if expires_on <= signed_on:
        raise FlywheelError(f"expires_on ({expires_on}) must be after signed_on ({signed_on})")
    fields = {
        "story": story.id,
        "signed_on": signed_on,
        "signed_by": signed_by,
        "purpose": purpose,
        "scope": scope or ["website"],
        "identifiers": identifiers or [],
        "expires_on": expires_on,
        "form_ref": form_ref,
        "approved_fingerprint": current,
        "revoked_on": None,
    }
    if accepted_findings:
        fields["accepted_findings"] = sorted(accepted_findings)
    if (wider := widened(record_id, SimpleNamespace(**fields), project)) is not None:
        # The gate would withhold the story at once: the form, as committed, allows less.
        raise FlywheelError([problem(
            "consent-widened", story.path, f"{wider[1]}: {NARROW_ONLY}, and no record was written",
            hint="give the form's own terms, or, for a wider authorization the patient signed, its new reference "
                 "with --form-ref")])
    folder = project.root / CONSENT_DIR
    folder.mkdir(exist_ok=True)
    path = folder / f"{record_id}.yml"
    try:
        with path.open("x", encoding="utf-8", newline="\n") as handle:
            handle.write(record_yaml(fields))
    except FileExistsError:
        raise FlywheelError(
            [
                problem(
                    "unsafe-path",
                    f"{CONSENT_DIR}/{record_id}.yml",
                    "a consent record with this id already exists; records are never overwritten",
                    hint="give the new authorization its own id with --id, and name it in the story's 'consent' key",
                )
            ]
        ) from None
    return path


def status_rows(result: CheckResult) -> list[dict]:
    """Every story with its gate state, reasons and days until its consent expires; no story text."""
    rows = []
    for decision in sorted(result.gate.decisions.values(), key=lambda d: d.slug):
        if decision.kind != "story":
            continue
        slug = decision.slug
        days = (decision.expires_on - result.gate.as_of).days if decision.expires_on else None
        rows.append(
            {
                "slug": slug,
                "consent": decision.consent,
                "state": "published" if decision.published else "withheld",
                "rules": [rule for rule, _ in decision.reasons],
                "reason": decision.reason,
                "expires_on": decision.expires_on.isoformat() if decision.expires_on else None,
                "days_left": days,
            }
        )
    return rows
