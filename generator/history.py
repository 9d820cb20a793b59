"""What the project's git history says about consent: a revocation, once committed, is final.

A record's `revoked_on` is the patient's word that the story comes down. A later edit that
takes it out of the file (a merge conflict resolved with the older side, a record copied back
from a template, a hostile pull request) would publish the story again, and the file alone
cannot tell. Every revocation date ever committed to a record is found with one `git log` over
`consent/`, and the earliest counts, whatever the file says now; publishing again needs a new
authorization under a new id, signed after the revocation (gate.py).

Where git holds no history (outside a repository, or a shallow clone: CI's checkout fetches one
commit unless told otherwise) there is nothing to read; `flywheel check` in the pre-commit hook,
on the editor's machine, sees the whole history.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import NamedTuple

import yaml

from .leaks import as_seen
from .load import MAX_FILE_BYTES
from .paths import git_output

CONSENT_DIR = "consent"

# A path git quotes (a folder named with a letter beyond ASCII: `"b/consent/archiv\303\251/C-1.yml"`)
# or ends with a tab (one with a space in it: `b/consent/2026 records/C-1.yml\t`) is the same record.
# A record saved as `.YML`, `.Yml` or `.yaml` is one too (rt11): it withholds the stories it
# names while it is there, and its revocation outlives it as a `.yml` record's does.
_FILE = re.compile(r'^\+\+\+ "?b/(?:.*/)?([^/"\t]+)\.(?i:ya?ml)"?\t?$')
# A key as YAML may write it (rt9): bare at a line's start, quoted (a record written as JSON,
# as an e-signature system's export is: `"revoked_on": "2026-11-20",`) or in a flow mapping
# (`{story: ..., revoked_on: 2026-11-20}`).
_KEY = r"""(?:^\+\s*|[{,]\s*)["']?%s["']?\s*:\s*["']?\s*"""
_REVOKED = re.compile(_KEY % "revoked_on" + r"(\d{4}-\d{2}-\d{2})\b")
_STORY = re.compile(_KEY % "story" + r"([a-z0-9][a-z0-9-]*)")
_FORM = re.compile(_KEY % "form_ref" + r"""([^"'#\s,}]+)""")
# `revoked_on:` with its date on the next line, indented (a plain scalar YAML lets run on), or
# written as an explicit key, `? revoked_on` and `: 2026-11-20` on the next line (rt11).
_REVOKED_ALONE = re.compile(r"""^\+\s*(?:["']?revoked_on["']?\s*:|\?\s+["']?revoked_on["']?)\s*(?:#.*)?$""")
_DATE_ALONE = re.compile(r"""^\+(?:\s+|\s*:\s+)["']?(\d{4}-\d{2}-\d{2})\b""")


# The same, in a repository of consent/'s own (`own_repositories`), whose paths start below it.
_OWN_RECORDS = (":(glob,icase)**/*.yml", ":(glob,icase)**/*.yaml")
CHAMPIONS = "content/champions.yml"
# Only the records' own files: git log -p --text over a large picture or archive committed
# under consent/ could outlast the timeout, and a history not read is no history (below).
RECORDS = (f":(glob,icase){CONSENT_DIR}/**/*.yml", f":(glob,icase){CONSENT_DIR}/**/*.yaml")
# Long enough for years of records on a slow disk; a check that cannot read them stops (check.py).
TIMEOUT_S = 120


# History.terms also holds each form's versions whatever story they named, under this in place of
# a slug (no slug holds it).
ANY_STORY = "*"


def form_key(form_ref: str, story: str) -> str:
    """The key of a signed form and a story it covers (gate.Revocations, History.terms): the
    form's reference as a reader of the record's diff takes it, case and spaces aside. A zero-width
    space, a Cyrillic `е` or a fullwidth digit made the same form look like a newly signed one
    in review, and its revocation or its terms no longer held the record."""
    return f"form:{story}:{''.join(as_seen(form_ref).split()).casefold()}"


class Version(NamedTuple):
    """One committed version of a consent record, as YAML reads it: what it authorized (the
    fields a signed form fixes, which an edit may narrow but never widen: `gate.widened`) and
    its revocation. `accepted_findings` is not held: compliance adds a finding the patient
    accepted in writing to the record, as the writing guide says."""

    record: str
    story: str | None
    form_ref: str | None
    signed_on: dt.date | None
    expires_on: dt.date | None
    scope: frozenset[str]
    identifiers: frozenset[str]
    revoked_on: dt.date | None


# Each version of a record printed whole: a file of more lines than this would come in pieces,
# none of them a record (`_terms`).
_WHOLE_FILE = "--unified=100000"
_HUNK = re.compile(r"^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@")


Revocations = dict[str, tuple[dt.date, tuple[str, ...], tuple[str, ...]]]


class History(NamedTuple):
    """What the history of consent/ and the champions file says (`read_history`)."""

    revocations: Revocations
    champions: str
    terms: dict[str, list[Version]]


def read_history(root: Path) -> History | None:
    """What consent/ and the champions file's history say, from one `git log`: every revocation
    (record id -> (the earliest `revoked_on` date any commit gave it, every story any commit of
    the record named, its newest commit's first, and every signed form, `form_ref`, it named:
    a form once revoked authorizes nothing again, rt11)), and every line any commit added to
    content/champions.yml, as text, and what every version of every record authorized
    (History.terms). A revocation counts against each of those stories: a
    record pointed at another slug after its revocation (`story: retired-2019`) kept it off
    the story it was made for only while no copy of the authorization named that story (rt11). Every
    version of every file under consent/ that git holds is read, through the lines each commit
    added; a path is a record by its name, so a record moved to a subfolder is the same record.
    The champions file's lines hold the name and bio of every champion it ever held: a
    champion deleted from it while a guide still names her is still a patient whose story is
    withheld (rt9: the name was gone from the project, and a guide published it).

    None when git cannot read the history (it is not installed, the command fails, as in a
    partial clone whose blobs cannot be fetched, or it outlasts TIMEOUT_S): read as "no
    revocation was ever committed", an undone revocation published its story again (check.py
    makes this an error)."""
    # The prefixes named: a user's `diff.noprefix` (or `diff.mnemonicPrefix`) would otherwise
    # change the file lines this reads, and every revocation would pass unseen. `--text`: a
    # `.gitattributes` in the repository marking records `-diff` or `binary` showed no line of
    # them (rt9). Bytes that are no UTF-8 (a record once saved as cp1252, anywhere in the
    # history) are read as U+FFFD: read strictly, they lost every revocation of every record (rt9).
    # A checkout another user owns is read too: git refused it, and the history was none (rt9).
    # Each version printed whole (`_WHOLE_FILE`), for `_read_versions`; the lines a commit added
    # are the `+` lines as with no context at all.
    # Every commit and every merge read (rt14): `git log` given paths follows a merge down the one
    # parent whose consent/ it kept (`--full-history` follows both: a branch's revocation, merged
    # with the older side kept, was never read), prints no merge's diff (`-m`: one revoked while
    # resolving a merge was never read) and, under `log.showRoot = false`, no first commit's (`--root`).
    # And the commits of every branch and tag the checkout holds that the one checked out lacks,
    # for their revocations only (rt14): an older commit built again (a deploy re-run, a
    # rollback to last week's tag) held none made since, and published a revoked story. Their
    # terms are not the signed form's: a draft on a branch narrows nothing yet.
    others = ("--all", "--not", "HEAD")
    checked_out = _log(Path(root), *RECORDS, CHAMPIONS)
    elsewhere = _log(Path(root), *RECORDS, CHAMPIONS, revisions=others)
    # consent/ kept in a repository of its own (a submodule, so that compliance alone reads the
    # records): the site's history holds only its commit ids, and its revocations are in its own (rt14).
    for folder in own_repositories(Path(root)):
        checked_out = _joined(checked_out, _log(folder, *_OWN_RECORDS))
        elsewhere = _joined(elsewhere, _log(folder, *_OWN_RECORDS, revisions=others))
    log = _joined(checked_out, elsewhere)
    revoked: dict[str, dt.date] = {}
    stories: dict[str, dict[str, None]] = {}
    forms: dict[str, dict[str, None]] = {}
    champions: list[str] = []
    if log is None:
        return None
    if not log:
        return History({}, "", {})
    if "\x00" in log:  # a record saved as UTF-16 or UTF-32 (rt6): its lines read with the NULs dropped
        log = log.replace("\x00", "")
    record, in_champions, after_key, committed = None, False, False, None
    for line in log.splitlines():
        if line.startswith(_COMMITTED):
            committed, record, after_key = _commit_day(line), None, False
            continue
        if after_key and record is not None and (match := _DATE_ALONE.match(line)):
            line = f"+revoked_on: {match.group(1)}"
        after_key = bool(_REVOKED_ALONE.match(line))
        if line.startswith("+++ "):
            in_champions = line.rstrip("\t\"").endswith("/" + CHAMPIONS)
            match = None if in_champions else _FILE.match(line)
            record = match.group(1) if match else None
        elif in_champions and line.startswith("+"):
            champions.append(line[1:])
        elif record is None or not line.startswith("+"):
            continue
        else:
            if match := _STORY.search(line):
                stories.setdefault(record, {})[match.group(1)] = None  # the newest commit's first
            if match := _FORM.search(line):
                forms.setdefault(record, {})[match.group(1)] = None
            if match := _REVOKED.search(line):  # on the same line as the story, in a flow mapping
                try:
                    day = dt.date.fromisoformat(match.group(1))
                except ValueError:  # 2026-02-30: the patient's word all the same, made by the commit's day (rt14)
                    if committed is None:
                        continue
                    day = committed
                revoked[record] = min(day, revoked.get(record, day))
    # Every version read whole as YAML too: a revocation written as YAML allows and no line
    # shows (`revoked_on: &a 2026-11-20`, a block scalar `>-` with the date below it, a date and
    # time) was read by the gate, and once taken out of the file it published the story again.
    terms: dict[str, list[Version]] = {}
    signed = set(_read_versions(checked_out))
    for version in _read_versions(log):
        if version.revoked_on is not None:
            revoked[version.record] = min(version.revoked_on, revoked.get(version.record, version.revoked_on))
        if version.story:  # every story and form any version names, as the lines above give them
            stories.setdefault(version.record, {})[version.story] = None
        if version.form_ref:
            forms.setdefault(version.record, {})[version.form_ref] = None
        if version.story and version.form_ref and version in signed:
            terms.setdefault(form_key(version.form_ref, version.story), []).append(version)
            terms.setdefault(form_key(version.form_ref, ANY_STORY), []).append(version)  # whatever story (gate.widened)
    return History({record: (day, tuple(stories.get(record, ())), tuple(forms.get(record, ()))) for record, day in revoked.items()},
                   "\n".join(champions), terms)


def _joined(log: str | None, more: str | None) -> str | None:
    """Two logs as one; None when either could not be read."""
    return None if log is None or more is None else log + "\n" + more


def _log(folder: Path, *paths: str, revisions: tuple[str, ...] = ()) -> str | None:
    """`git log -p` of `paths` in the repository at `folder`, as `read_history` reads it: of the
    commit checked out and its history, or of `revisions`."""
    return git_output(folder, "log", *revisions, "--full-history", "-m", "--root", "--no-renames", "--no-color", "--no-ext-diff",
                      "--no-textconv", "--text", "--src-prefix=a/", "--dst-prefix=b/", f"--format={_COMMITTED}%ct", "-p", _WHOLE_FILE,
                      "--", *paths, errors="replace", any_owner=True, timeout=TIMEOUT_S)


def own_repositories(root: Path) -> list[Path]:
    """The folders of consent/ that are git repositories of their own (a submodule's `.git`
    file, a repository's `.git` folder), consent/ itself first: their records' history is theirs."""
    found = []
    for folder, subfolders, files in os.walk(Path(root) / CONSENT_DIR):
        if ".git" in subfolders or ".git" in files:
            found.append(Path(folder))
        subfolders[:] = sorted(name for name in subfolders if name != ".git")
    return found


def shallow(root: Path) -> bool:
    """Whether this checkout, or a repository of its own in consent/, holds only part of its
    history (a shallow clone: CI's checkout fetches one commit unless told otherwise, and a
    submodule's too), so that a revocation taken out of a record in an earlier commit cannot be read."""
    for folder in (Path(root), *own_repositories(Path(root))):
        output = git_output(folder, "rev-parse", "--is-shallow-repository", any_owner=True)
        if (output or "").strip() == "true":
            return True
    return False


def unreadable_checkout(root: Path) -> bool:
    """Whether `root` lies in a git checkout (a `.git` in it or in a folder above) that git
    cannot read at all: no git installed (a CI job's image without it, over a checkout the
    runner made), or every git command failing (a setting git refuses, in the user's config or
    the repository's). Its history holds the revocations as any other checkout's does."""
    folder = Path(root).resolve()
    if not any((place / ".git").exists() for place in (folder, *folder.parents)):
        return False
    return git_output(folder, "rev-parse", "--git-dir", any_owner=True) is None


def _versions(log: str):
    """(record id, text) of each file version a `git log -p` with whole-file hunks shows: the
    lines each hunk keeps and adds, counted from its header, so no line of a record is ever
    read as a header of the diff."""
    lines, at, record, committed = log.split("\n"), 0, None, None
    while at < len(lines):
        line = lines[at]
        at += 1
        if line.startswith(_COMMITTED):
            committed, record = _commit_day(line), None
        elif line.startswith("diff --git "):
            record = None
        elif line.startswith("+++ "):
            match = None if line.rstrip("\t\"").endswith("/" + CHAMPIONS) else _FILE.match(line)
            record = match.group(1) if match else None
        elif (hunk := _HUNK.match(line)) and record is not None:
            old, new = (int(n) if n is not None else 1 for n in hunk.groups())
            kept = []
            while (old > 0 or new > 0) and at < len(lines):
                line = lines[at]
                at += 1
                if line.startswith("\\"):  # "\ No newline at end of file"
                    continue
                if line[:1] in (" ", ""):
                    old, new = old - 1, new - 1
                    kept.append(line[1:])
                elif line[0] == "+":
                    new -= 1
                    kept.append(line[1:])
                else:
                    old -= 1
            yield record, "\n".join(kept), committed
            record = None


def _read_versions(log: str):
    """Each file version `log` shows that YAML reads as a mapping, as a Version.

    A record's file is the authorization's transcript, not the authorization: the signed form
    (`form_ref`) is. An `expires_on` moved later, a channel or an identifier added, a signature
    date moved, all in place under the same form, would publish what the patient never signed;
    every committed version naming the form and story is what the patient signed (gate.widened).
    A version is read once: a merge's diff against each parent (`-m`) shows again versions its
    parents' commits showed."""
    read: dict[tuple[str, str], object] = {}
    seen: set[Version] = set()
    for record, text, committed in _versions(log):
        if len(text) > MAX_FILE_BYTES:  # never a record the gate reads; YAML took minutes and gigabytes (rt14)
            read[record, text] = None
        if (record, text) not in read:
            try:
                read[record, text] = yaml.load(text, Loader=_YAML)  # a safe loader, in C: 0.08 ms a record
            except (yaml.YAMLError, ValueError, OverflowError):  # `2026-02-30` is a ValueError (rt14: every build stopped)
                read[record, text] = None
        data = read[record, text]
        if not isinstance(data, dict):
            continue
        # Only a field's scalars are read (`_scalar`): a version's aliases (`&f [*e, *e, ...]`, nine
        # levels deep), never expanded by YAML, were expanded by `str` into gigabytes (rt14).
        story, form = _scalar(data.get("story")), _scalar(data.get("form_ref"))
        version = Version(record, story.strip() if isinstance(story, str) else None,
                          str(form) if form not in (None, "") else None, _day(_scalar(data.get("signed_on"))),
                          _day(_scalar(data.get("expires_on"))), _words(data.get("scope")),
                          _words(data.get("identifiers")), _revocation_day(_scalar(data.get("revoked_on")), committed))
        if version not in seen:
            seen.add(version)
            yield version


def _day(value: object) -> dt.date | None:
    """A field's date, read leniently: the date a text begins with ("2026-11-20T09:00") too. For
    a revocation, that is the patient's word even where the gate refused its spelling."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    match = _LEADING_DATE.match(str(value)) if value is not None else None
    try:
        return dt.date.fromisoformat(match.group(1)) if match else None
    except ValueError:  # 2026-02-30
        return None


def _revocation_day(value: object, committed: dt.date | None) -> dt.date | None:
    """A version's revocation: its date, or, where it is written as no date the gate reads
    (`20261120`, `2026/11/20`, `20 November 2026`, `2026-02-30`, `yes`), the day of the commit that
    holds it (rt14). The gate refused such a record as an error that withheld the story; an editor
    "fixing" the error by emptying the field published it again, the revocation read as none. A
    value with no digit (`no`, `none`) is not taken for a revocation: it would be final."""
    if (day := _day(value)) is not None:
        return day
    if value is True or (isinstance(value, (str, int)) and not isinstance(value, bool) and re.search(r"\d", str(value))):
        return committed
    return None


def _commit_day(line: str) -> dt.date | None:
    """The day (UTC) of the commit whose `_COMMITTED` line this is."""
    try:
        return dt.datetime.fromtimestamp(int(line[len(_COMMITTED):].strip()), dt.timezone.utc).date()
    except (ValueError, OverflowError, OSError):
        return None


def _scalar(value: object) -> object:
    """`value` where it is one value (text, a number, a date, true or false), else None."""
    return value if isinstance(value, (str, int, float, dt.date)) else None


def _words(value: object) -> frozenset[str]:
    """A list field's values (one value for a list of one, as the schema reads it); a value that
    is no scalar is none (`_scalar`)."""
    values = value if isinstance(value, list) else [value] if value else []
    return frozenset(str(v).strip() for v in values if _scalar(v) is not None)


_YAML = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# The line `git log` prints before each commit's diff: its time, for a revocation written as no
# date (`_revocation_day`). No line of a diff starts so.
_COMMITTED = "committed-at "
_LEADING_DATE = re.compile(r"\s*(\d{4}-\d{2}-\d{2})")
