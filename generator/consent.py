"""Consent commands: fingerprints, writing a new record, and the status of every story.

`record` is one of only two commands that write under the content folders, and it only ever
creates a new file: it refuses to overwrite a record that exists.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import yaml

from .check import CheckResult
from .errors import FlywheelError, did_you_mean, problem
from .shown import story_fingerprint
from .project import Entry, Project
from .schema import RECORD_ID_PATTERN, Story
from .validate import CONSENT_DIR

DEFAULT_PURPOSE = "Publication on the practice website to help other patients."


def find_stories(project: Project, slugs: list[str]) -> list[Entry[Story]]:
    """The named stories, or FlywheelError naming each unknown slug with a suggestion."""
    missing = [s for s in slugs if s not in project.stories]
    if missing:
        raise FlywheelError(
            [
                problem(
                    "unknown-story",
                    "content/stories",
                    f"no valid story '{slug}'",
                    hint=did_you_mean(slug, project.stories) or "run `flywheel check` to see stories with errors",
                )
                for slug in missing
            ]
        )
    return [project.stories[s] for s in slugs]


def next_record_id(project: Project, year: int) -> str:
    taken = {int(m.group(1)) for rid in project.consents if (m := re.fullmatch(rf"C-{year}-(\d+)", rid))}
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
    if record_id is None:
        named = story.data.consent
        record_id = named if named and named not in project.consents else next_record_id(project, signed_on.year)
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
