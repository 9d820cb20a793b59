"""The error catalog: every problem Flywheel reports has a permanent code listed here.

A problem names the file (relative to the project root), the line where it can be known,
the field, what was expected, and a hint where one exists. Problems are collected across
every file and reported together; nothing stops at the first one.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    NOTICE = "notice"  # for the people who act on it; never fails a build, strict or not


# code -> (severity, what it means and what to do). The docs list this catalog; codes never change.
CATALOG: dict[str, tuple[Severity, str]] = {
    "yaml-syntax": (Severity.ERROR, "The YAML could not be parsed. Fix the syntax at the line named."),
    "yaml-duplicate-key": (Severity.ERROR, "A key appears twice in one mapping; YAML would silently keep only the last."),
    "yaml-alias": (Severity.ERROR, "Anchors and aliases (`&`, `*`) are not allowed in content: they can expand without bound."),
    "yaml-tag": (Severity.ERROR, "Explicit YAML tags (`!!null`, `!!str`, `!!binary`, …) and merge keys (`<<`) are not allowed: `revoked_on: !!null 2026-11-10` reads as a date to a reviewer and as empty to YAML."),
    "not-a-mapping": (Severity.ERROR, "Frontmatter or a YAML file must be a mapping of `key: value` lines, not a list or a scalar."),
    "no-frontmatter": (Severity.ERROR, "A Markdown content file must start with a `---` line, its frontmatter, and a closing `---` line."),
    "undecodable": (Severity.ERROR, "The file is not valid UTF-8 text. Save it as UTF-8."),
    "unreadable": (Severity.ERROR, "The file could not be read (a directory with a file's name, or a permissions problem)."),
    "file-too-large": (Severity.ERROR, "The file is larger than Flywheel accepts for one piece of content."),
    "unsafe-path": (Severity.ERROR, "A file or name would make Flywheel read or write outside the project."),
    "bad-slug": (Severity.ERROR, "A file name (the slug) must be lowercase letters, digits and hyphens."),
    "missing-key": (Severity.ERROR, "A required key is absent."),
    "unknown-key": (Severity.ERROR, "A key is not part of the schema; often a typo."),
    "wrong-type": (Severity.ERROR, "A value has the wrong type (text where a list is expected, and so on)."),
    "bad-date": (Severity.ERROR, "A date must be written YYYY-MM-DD and be a real calendar date."),
    "bad-choice": (Severity.ERROR, "A value is outside its controlled vocabulary."),
    "bad-url": (Severity.ERROR, "Care step URLs must be `https:` or site-relative (start with `/`)."),
    "summary-too-long": (Severity.ERROR, "Summaries are shown in listings and search results; keep them to 160 characters."),
    "unknown-service-line": (Severity.ERROR, "`service_line` must name a file in `service_lines/`; `flywheel new service-line` adds one."),
    "unknown-topic": (Severity.ERROR, "`topic` must be one of the topics declared by the service line."),
    "unknown-champion": (Severity.ERROR, "`champion` must be an id in `content/champions.yml`."),
    "unknown-story": (Severity.WARNING, "A consent record's `story` names no story."),
    "revocation-unknown-story": (Severity.ERROR, "A revoked consent record's `story` names no story: the revocation reaches no story, so stories with a close slug are withheld until it names one."),
    "next-step-unavailable": (Severity.ERROR, "The next step names a care step the service line does not have."),
    "duplicate-slug": (Severity.ERROR, "Slugs (file names without `.md`) must be unique across all content."),
    "no-pillar": (Severity.ERROR, "Every topic with guides needs exactly one pillar guide (`pillar: true`)."),
    "two-pillars": (Severity.ERROR, "A topic has more than one pillar guide."),
    "consent-unknown-record": (Severity.WARNING, "A story names a consent record that does not exist (yet); the story is withheld."),
    "name-exceeds-consent": (Severity.ERROR, "The champion's display name reveals more than the consent's identifiers allow."),
    "consent-expiring": (Severity.NOTICE, "A published story's consent expires soon; renew it or the story will be withheld."),
    "consent-revocation-undone": (Severity.ERROR, "A consent record's git history holds a revocation its file no longer has (or a later date): a revocation is final, so the story stays withheld. Put the revocation back; to publish again, record a new authorization under a new id."),
    "consent-widened": (Severity.ERROR, "A consent record authorizes more than a committed version of a record naming the same signed form (`form_ref`) and story did: `expires_on` later, a channel in `scope` or a kind in `identifiers` added, or `signed_on` changed. A record may narrow what its form allows, never widen it, so the story stays withheld. Put the committed value back; a wider authorization is a new form the patient signs, recorded under a new id (`flywheel consent record`)."),
    "consent-history-unreadable": (Severity.ERROR, "This is a git repository, but git could not read the history of its consent records (git is not installed, failed, or took longer than two minutes), so a revocation taken out of a record in an earlier commit cannot be looked for. Nothing is published until it can: run `git log -- consent` to see git's error."),
    "consent-history-shallow": (Severity.WARNING, "This checkout holds only part of its git history (a shallow clone), so a revocation taken out of a consent record in an earlier commit cannot be seen. Check out the whole history (actions/checkout: `fetch-depth: 0`)."),
    "consent-revocation-ahead": (Severity.NOTICE, "A published story's consent is revoked from a date still to come: the story stays published until then. Check the date (a year typed wrong keeps a revoked story up for a year)."),
    "cache-folder-refused": (Severity.ERROR, "The cache folder (FLYWHEEL_CACHE_DIR, or `.flywheel-cache` as a link) lies where it would be published. The check runs without it and fails; a build still withdraws stories now withheld from the site. Point it outside docs_dir and site_dir."),
    "clock-behind": (Severity.NOTICE, "This machine's date is before the project's last commit: consent that ended by the commit's day is treated as ended. Set the clock right."),
    "review-in-future": (Severity.ERROR, "A medical review cannot be dated after the build date; write the date it happened."),
    "review-overdue": (Severity.WARNING, "A guide's medical review is older than its service line's review interval."),
    "reading-grade": (Severity.WARNING, "Patient-facing text reads above the configured grade level."),
    "practice-missing": (Severity.WARNING, "There is no `practice.yml`: no practice frame on pages, and the gate's date is taken in UTC."),
    "bad-timezone": (Severity.ERROR, "`timezone` in `practice.yml` must be an IANA time zone name such as `America/Chicago`."),
    "wrong-extension": (Severity.ERROR, "A file has an extension Flywheel does not read (`.yaml`, `.markdown`, `.mdown`, `.mkd`); it would be ignored."),
    "extension-case": (Severity.ERROR, "A content file's extension is in capitals (`.MD`, `.Yml`): only `.md` and `.yml` in lower case are read, so it would be ignored. Rename it."),
    "misplaced-content": (Severity.ERROR, "A content file is in a folder where it is not read, or where it is read as the wrong kind."),
    "misfiled-content": (Severity.WARNING, "A piece sits in the folder of one service line but names another."),
    "placeholder": (Severity.WARNING, "A scaffold's `TODO` placeholder is still in a value or the text; the piece is withheld until it is replaced."),
    "too-deeply-nested": (Severity.ERROR, "Lists, quotes or brackets nest deeper than any real text does; such text could stall or crash the renderer."),
    "consent-form-revoked": (Severity.ERROR, "`flywheel consent record` was given the signed form (`--form-ref`) of a consent record of the same story that the patient revoked: a record naming that form authorizes nothing, so none is written. Record the newly signed form's reference."),
    "proof-mismatch": (Severity.ERROR, "The story changed after the proof the patient approved; record consent only for the fingerprint on an approved proof."),
    "guide-runs-code": (Severity.WARNING, "A guide's text holds code: a `<script>`, `<object>`, `<embed>` or `<style>` element, an event handler (`onclick=`), an iframe's `srcdoc`, a `<meta http-equiv>`, a `javascript:` address, a `style=` attribute that moves text (`order`, a reversed flex, `float`, `position`, grid placement, `direction`, a negative margin...) or is written with CSS escapes, or a class of the theme's own layout (`md-*` but Material's button classes, `fw-*`, `tabbed-*`), which hides or moves text. The guide is withheld until the code is gone (a script could show what the checks keep off the site); the rest of the site is built, so a page that held it leaves the live site."),
    "unknown-care-card": (Severity.ERROR, "A care card's level must be `emergency`, `urgent` or `routine` (`!!! emergency \"Call 911 if:\"`); a misspelt one would show as a plain note."),
    "config-runs-code": (Severity.ERROR, "`mkdocs.yml` (or a file it INHERITs) would run code when MkDocs reads it: `hooks:` (Python files from the repository), a `!!python/object`, `!!python/apply` or `!!python/module` tag or a tag MkDocs does not define, a `!!python/name:` naming anything but a public function a Markdown extension defines in its own modules (`pymdownx`, `material.extensions`, `markdown.extensions`: the standard library's, re-exported by another package, deleted files), a Markdown extension imported from the project, or Material's projects plugin (it builds other `mkdocs.yml` files, unchecked and ungated, into the site), or its privacy plugin (it rewrites pages and files after Flywheel's checks, from its settings and its cache folder). `build`, `serve` and `export` refuse it before MkDocs reads the file; package code as an installed MkDocs plugin or Markdown extension."),
    "config-reads-content": (Severity.ERROR, "`mkdocs.yml` (or a file it INHERITs) INHERITs a file of a content folder (`consent/`, `content/`, ...), of a folder Flywheel writes, or from outside the project: MkDocs merges that file's values into the settings every template can read, so a consent record's e-sign reference reached the pages. `build`, `serve` and `export` refuse it before MkDocs reads the file; keep shared settings in a file of their own, in the project."),
    "config-path-outside": (Severity.ERROR, "A setting of Material's tags or blog plugin in `mkdocs.yml` names a path that leads out of the site's folders (an absolute path, or one with `..`): the tags plugin wrote its export file over any file the build could write, and the blog plugin wrote its pages into `consent/`. `build`, `serve` and `export` refuse it before MkDocs reads the file; write the path inside the site."),
    "export-shows-unpublished": (Severity.ERROR, "An exported page links to, shows the address of, or quotes a piece the gate does not publish. `flywheel export` writes nothing new, and deletes from the previous export every file that shows a story withheld today; but when no export is there yet (CI's fresh checkout) or the one there shows a story withheld today, it writes the export with each such page's text left out (\"This page is being updated.\") and still exits 1, so a revocation reaches the renderer; it writes nothing when a page's title or the practice frame shows the story. `flywheel build` removes such a link with a warning; at an address or a quotation it writes the page as the same notice and fails at the end, writing `site/` only when a withdrawal is due."),
    "third-party-resource": (Severity.ERROR, "A built page loads something from a host other than the site's own, or sends a form or a link's `ping` to one, that `practice.yml` does not list under `third_parties`."),
    "identifier-in-story": (Severity.WARNING, "Story text contains something that may identify the patient; the story is withheld."),
    "duplicate-id": (Severity.ERROR, "Two files in one folder tree (subfolders included) have the same id; the error names both, and neither is used."),
    "campaign-dates": (Severity.ERROR, "A campaign's `ends_on` is before its `starts_on`."),
    "unknown-guide": (Severity.ERROR, "A campaign lists a guide slug that names no guide."),
    "unknown-story-slug": (Severity.ERROR, "A campaign lists a story slug that names no story."),
    "campaign-story-scope": (Severity.WARNING, "A campaign runs on a channel (email, social, print) its story's consent `scope` does not cover: the landing page leaves the story out."),
    "campaign-stories-withheld": (Severity.WARNING, "Every story a campaign lists is withheld by the consent gate: its landing page lists none."),
    "unknown-campaign": (Severity.ERROR, "A campaign id (or an outcomes row's `utm_campaign`) names neither a campaign in `campaigns/` nor a service line."),
    "unknown-page": (Severity.ERROR, "A page view's `path` or an outcome's `utm_content` names no page of the site."),
    "identifying-column": (Severity.ERROR, "A measurement file has a column that could identify a person; the file is refused and nothing from it is read."),
    "csv-header": (Severity.ERROR, "A measurement file's first line must name its columns, including every required one."),
    "csv-syntax": (Severity.ERROR, "A line of a measurement file could not be read as CSV (a stray quote, a NUL byte, a field too large)."),
    "csv-row": (Severity.ERROR, "A row has more or fewer fields than the header names; it is skipped and none of its fields are read."),
    "csv-unused-column": (Severity.WARNING, "A measurement file has a column Flywheel does not use; it is ignored and never read."),
    "bad-week": (Severity.ERROR, "`week` must be the Monday of the week, written YYYY-MM-DD."),
    "bad-count": (Severity.ERROR, "A count must be a whole number, zero or more."),
    "bad-question": (Severity.ERROR, "A question must be text of at most 300 characters."),
    "question-identifier": (Severity.ERROR, ("A question holds what could identify a person (the story scan's "
                                             "kinds, the practice's reviewers allowed); the row is left out and never quoted.")),
    "question-quotes-withheld": (Severity.ERROR, ("A question (or its source) quotes a story the consent gate withholds, or names a "
                                                  "champion no published story credits; the row is left out and never quoted.")),
    "no-site-url": (Severity.ERROR, "`flywheel campaign links` needs `site_url` in mkdocs.yml to print full addresses."),
}


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one file, at one place."""

    path: str
    line: int | None
    code: str
    field: str | None
    message: str
    hint: str | None = None
    severity: Severity = field(default=Severity.ERROR, compare=False)

    def location(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path

    def format(self) -> str:
        """One line per problem, then the hint indented, as compilers print them."""
        where = f" {self.field}:" if self.field else ""
        text = f"{self.location()}: {self.severity}:{where} {self.message} [{self.code}]"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text

    def as_row(self) -> list:
        """The problem as a JSON list, as the caches keep it (`from_row` reads it back)."""
        return [self.path, self.line, self.code, self.field, self.message, self.hint, str(self.severity)]

    @classmethod
    def from_row(cls, row: list) -> Problem:
        path, line, code, field_name, message, hint, severity = row
        return cls(path, line, code, field_name, message, hint, Severity(severity))

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "severity": str(self.severity),
            "file": self.path,
            "line": self.line,
            "field": self.field,
            "message": self.message,
            "hint": self.hint,
        }


def problem(
    code: str,
    path: str,
    message: str,
    *,
    line: int | None = None,
    field: str | None = None,
    hint: str | None = None,
) -> Problem:
    """Build a problem whose severity comes from the catalog, so one code never varies."""
    return Problem(path, line, code, field, message, hint, CATALOG[code][0])


def did_you_mean(word: object, choices: Iterable[str]) -> str | None:
    """A 'did you mean' hint, or None when nothing is close."""
    matches = difflib.get_close_matches(str(word), sorted(choices), n=1, cutoff=0.6)
    return f"did you mean '{matches[0]}'?" if matches else None


class HasProblems:
    """Errors and warnings of anything with a `problems` list."""

    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.WARNING]

    @property
    def notices(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.NOTICE]


class FlywheelError(Exception):
    """The one exception Flywheel raises for bad input; prints cleanly under the CLI and MkDocs."""

    def __init__(self, problems: list[Problem] | str):
        self.problems = [] if isinstance(problems, str) else list(problems)
        summary = problems if isinstance(problems, str) else summarize(self.problems)
        super().__init__(summary)


def summarize(problems: list[Problem]) -> str:
    errors = sum(p.severity is Severity.ERROR for p in problems)
    lines = [p.format() for p in problems if p.severity is Severity.ERROR]
    lines.append(f"{errors} error{'s' if errors != 1 else ''}")
    return "\n".join(lines)
