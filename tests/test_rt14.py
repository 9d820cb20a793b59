"""Red team rt14's routes around the consent gate and the history reader, each written as the attack.

Every test here failed before its fix (see docs/security.md, the table of properties, attacks
and tests). Each builds the fictional sample site in a real git repository, commits a revocation,
takes it out of the record again, and looks at the site written to disk.
"""

from __future__ import annotations

import re
import resource
import subprocess
import sys

import pytest
from helpers import git

from generator.cli import main

AS_OF = "2026-11-22"
RECORD = "consent/C-2026-014.yml"  # the sample's published story finding-answers
STORY_PAGE = "site/stories/finding-answers"
UNDONE = "was revoked on 2026-11-20 in a commit of this file"


def _git(root, *args: str) -> None:
    git(root, *args, when="2026-11-21T12:00:00+00:00")


def _build(sample) -> int:
    return main(["build", "--root", str(sample), "--as-of", AS_OF])


def _withheld(sample, capsys) -> None:
    """The build fails naming the undone revocation, and writes the site without the story."""
    assert _build(sample) == 1
    assert UNDONE in capsys.readouterr().out
    assert (sample / "site/index.html").is_file()
    assert not (sample / STORY_PAGE).exists()


def _revoke(record) -> str:
    """Revoke the record in the working tree; the text it had."""
    text = record.read_text()
    record.write_text(text.replace("revoked_on: null", "revoked_on: 2026-11-20"))
    return text


@pytest.fixture
def published(sample, monkeypatch):
    """The sample in git, the story published."""
    monkeypatch.setenv("FLYWHEEL_TEST_COMMITS", "1")
    _git(sample, "init", "-q", "-b", "main")
    _git(sample, "add", "-A")
    _git(sample, "commit", "-qm", "published")
    return sample


def test_a_revocation_on_a_branch_a_merge_resolved_with_the_older_side_is_still_read(published, capsys):
    """rt14: `git log` given paths simplifies history: a merge whose consent/ is the same as one
    parent's is followed down that parent only, and every commit of the other side is left out.
    Compliance revoked the consent on main while a pull request's branch edited the record's
    purpose; the branch merged main in, resolving the conflict with its own side (the record
    without the revocation), and was then merged into main. The commit holding the revocation
    was never read, and the story was published again with a passing build."""
    record = published / RECORD
    _git(published, "checkout", "-qb", "reword")
    edited = record.read_text().replace("purpose: ", "purpose: Reworded. ")
    record.write_text(edited)
    _git(published, "commit", "-qam", "purpose reworded")
    _git(published, "checkout", "-q", "main")
    _revoke(record)
    _git(published, "commit", "-qam", "the patient revoked consent")
    _git(published, "checkout", "-q", "reword")
    _git(published, "merge", "-q", "-s", "ours", "-m", "merge main: kept our side of consent/", "main")
    _git(published, "checkout", "-q", "main")
    _git(published, "merge", "-q", "--no-ff", "-m", "merge reword", "reword")
    assert "revoked_on: null" in record.read_text()
    _withheld(published, capsys)


@pytest.mark.parametrize("settings", ["", "[log]\n\tdiffMerges = combined\n"], ids=["plain", "combined"])
def test_a_revocation_made_in_a_merge_s_resolution_is_still_read(published, monkeypatch, tmp_path, settings, capsys):
    """rt14: `git log -p` prints no diff for a merge commit. Compliance revoked the consent while
    resolving a merge (the revocation is in the merge commit alone, in no parent); a later
    commit took it out again, and the story was published again with a passing build. Under
    `log.diffMerges = combined` in git's settings, `-m` prints a combined diff (`@@@` hunks, two
    columns of marks), which the history reader cannot read: the format is named."""
    if settings:
        (tmp_path / "gitconfig").write_text(settings)
        monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "gitconfig"))
    record = published / RECORD
    _git(published, "checkout", "-qb", "side")
    guide = published / "content/guides/cardiology/afib-guide.md"
    guide.write_text(guide.read_text() + "\n\nOne more line.\n")
    _git(published, "commit", "-qam", "a guide edited")
    _git(published, "checkout", "-q", "main")
    _git(published, "merge", "-q", "--no-ff", "--no-commit", "side")
    text = _revoke(record)
    _git(published, "add", "-A")
    _git(published, "commit", "-qm", "merge side; the patient revoked consent")
    record.write_text(text)
    _git(published, "commit", "-qam", "record copied back from the template")
    _withheld(published, capsys)


def test_a_revocation_in_the_first_commit_is_read_whatever_git_s_settings_say(sample, monkeypatch, tmp_path, capsys):
    """rt14: `log.showRoot = false` (in a CI image's or an editor's git config, or a
    GIT_CONFIG_GLOBAL a CI job sets) makes `git log -p` print no diff for the first commit. The
    practice imported its records into a new repository with the revocation already in them,
    and a later commit took it out: the story was published again with a passing build."""
    monkeypatch.setenv("FLYWHEEL_TEST_COMMITS", "1")
    settings = tmp_path / "gitconfig"
    settings.write_text("[log]\n\tshowRoot = false\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(settings))
    record = sample / RECORD
    text = _revoke(record)
    _git(sample, "init", "-q")
    _git(sample, "add", "-A")
    _git(sample, "commit", "-qm", "records imported")
    record.write_text(text)
    _git(sample, "commit", "-qam", "the revocation taken out")
    _withheld(sample, capsys)


def _revoked_then_undone(published) -> None:
    record = published / RECORD
    text = _revoke(record)
    _git(published, "commit", "-qam", "the patient revoked consent")
    record.write_text(text)
    _git(published, "commit", "-qam", "the revocation taken out")


def test_a_graft_file_hides_no_revocation(published, capsys):
    """rt14: git still reads `.git/info/grafts` (deprecated, never committed, but a CI step or an
    old tool can write it): a graft giving the last commit no parents cut the history `git log`
    read to that commit, no revocation in it, and the checkout was not shallow, so not even a
    warning. The story, its revocation undone, was published again with a passing build."""
    _revoked_then_undone(published)
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=published, capture_output=True, text=True, check=True)
    (published / ".git/info/grafts").write_text(head.stdout)
    _withheld(published, capsys)


@pytest.mark.parametrize("variable", ["GIT_LITERAL_PATHSPECS"])
def test_a_pathspec_setting_in_the_environment_hides_no_revocation(published, monkeypatch, variable, capsys):
    """rt14: GIT_LITERAL_PATHSPECS=1 (set by editors' git integrations and by tools that pass
    file names to git, and so left in a CI job's or a pre-commit hook's environment) makes git read
    `:(glob,icase)consent/**/*.yml` as a file of that very name: `git log` printed nothing, read
    as "no revocation was ever committed", and the story, its revocation undone, was published
    again with a passing build; the champions file's history was lost with it."""
    _revoked_then_undone(published)
    monkeypatch.setenv(variable, "1")
    _withheld(published, capsys)


@pytest.mark.parametrize("rolled_back", [False, True], ids=["undone", "older commit checked out"])
def test_a_revocation_committed_in_a_consent_submodule_is_still_read(sample, monkeypatch, tmp_path, rolled_back, capsys):
    """rt14: compliance keeps consent/ in a repository of its own, a git submodule of the site's
    (so that only they can read and write the records). The site's history holds only the
    submodule's commit ids, so the history reader found no record at all: a revocation
    committed in the records' repository and taken out again published the story with a passing
    build."""
    monkeypatch.setenv("FLYWHEEL_TEST_COMMITS", "1")
    records = tmp_path / "records"
    (sample / "consent").rename(records)
    _git(records, "init", "-q")
    _git(records, "add", "-A")
    _git(records, "commit", "-qm", "records")
    record = records / RECORD.removeprefix("consent/")
    text = _revoke(record)
    _git(records, "commit", "-qam", "the patient revoked consent")
    if not rolled_back:
        record.write_text(text)
        _git(records, "commit", "-qam", "the revocation taken out")
    _git(sample, "init", "-q")
    _git(sample, "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(records), "consent")
    if rolled_back:  # the submodule at the commit before the revocation, as an older site commit pins it
        _git(sample / "consent", "checkout", "-q", "HEAD~1")
    _git(sample, "add", "-A")
    _git(sample, "commit", "-qm", "published")
    assert "revoked_on: null" in (sample / RECORD).read_text()
    _withheld(sample, capsys)


@pytest.mark.parametrize("record_id", ["C-2026-014", "C-2026-099"], ids=["renamed in place", "copied under a new id"])
def test_a_story_renamed_with_its_consent_widened_is_withheld(published, record_id, capsys):
    """rt14: stop 42 holds a record to every committed version naming the same signed form and
    story. The story's slug renamed (`git mv`, the record's `story` with it, or the record copied
    under a new id for the new slug) in the commit that added `town` to what the same signed form
    allows: no committed version named the new slug, so nothing was compared, and the story was
    published with the patient's town allowed and a passing build."""
    slug = "finding-answers-again"
    _git(published, "mv", "content/stories/spine/finding-answers.md", f"content/stories/spine/{slug}.md")
    story = published / f"content/stories/spine/{slug}.md"
    story.write_text(story.read_text().replace("consent: C-2026-014", f"consent: {record_id}"))
    old = published / RECORD
    text = old.read_text().replace("story: finding-answers", f"story: {slug}")
    old.unlink()
    record = published / f"consent/{record_id}.yml"
    record.write_text(text.replace("identifiers: [first_name]", "identifiers: [first_name, town]"))
    assert main(["consent", "fingerprint", "--root", str(published), slug]) == 0
    fingerprint = capsys.readouterr().out.split()[0]
    record.write_text(re.sub(r"approved_fingerprint: \S+", f"approved_fingerprint: {fingerprint}", record.read_text()))
    _git(published, "add", "-A")
    _git(published, "commit", "-qm", "story renamed; the town allowed")
    assert _build(published) == 1
    out = capsys.readouterr().out
    assert f"consent {record_id} allows town in identifiers, which" in out and "(naming the story 'finding-answers')" in out
    assert "[consent-widened]" in out
    assert (published / "site/index.html").is_file()
    assert not (published / f"site/stories/{slug}").exists()


def test_a_story_renamed_with_its_consent_kept_is_published(published, capsys):
    """The route above's near miss: a story renamed with its record's terms as signed builds."""
    slug = "finding-answers-again"
    _git(published, "mv", "content/stories/spine/finding-answers.md", f"content/stories/spine/{slug}.md")
    record = published / RECORD
    record.write_text(record.read_text().replace("story: finding-answers", f"story: {slug}"))
    assert main(["consent", "fingerprint", "--root", str(published), slug]) == 0
    fingerprint = capsys.readouterr().out.split()[0]
    record.write_text(re.sub(r"approved_fingerprint: \S+", f"approved_fingerprint: {fingerprint}", record.read_text()))
    _git(published, "commit", "-qam", "story renamed")
    assert _build(published) == 0
    assert (published / f"site/stories/{slug}/index.html").is_file()


@pytest.mark.parametrize("old_record", ["kept", "deleted"])
def test_a_revoked_story_renamed_with_its_record_copied_is_withheld(published, old_record, capsys):
    """rt14: the patient revoked consent; the story was then renamed to a slug nothing like its
    own (`git mv`) and its record copied under a new id for the new slug, the same signed form,
    no revocation, the fingerprint taken again; the revoked record kept or deleted. rt11's rule
    (a revoked form authorizes its story no more) and rule 4 (another record of this story
    revoked) both look the story up by its slug: neither held the new one, and the story was
    published again (with a passing build where the old record was deleted)."""
    record = published / RECORD
    text = _revoke(record)
    _git(published, "commit", "-qam", "the patient revoked consent")
    slug = "steady-steps"
    _git(published, "mv", "content/stories/spine/finding-answers.md", f"content/stories/spine/{slug}.md")
    story = published / f"content/stories/spine/{slug}.md"
    story.write_text(story.read_text().replace("consent: C-2026-014", "consent: C-2026-099"))
    if old_record == "deleted":
        record.unlink()
    copy = published / "consent/C-2026-099.yml"
    copy.write_text(text.replace("story: finding-answers", f"story: {slug}"))
    assert main(["consent", "fingerprint", "--root", str(published), slug]) == 0
    fingerprint = capsys.readouterr().out.split()[0]
    copy.write_text(re.sub(r"approved_fingerprint: \S+", f"approved_fingerprint: {fingerprint}", copy.read_text()))
    _git(published, "add", "-A")
    _git(published, "commit", "-qm", "story renamed, its record copied")
    _build(published)
    said = capsys.readouterr()
    assert (published / "site/index.html").is_file()
    assert not (published / f"site/stories/{slug}").exists()
    assert ("consent C-2026-099 names the signed form of consent C-2026-014, revoked on 2026-11-20 "
            "for the story 'finding-answers', which is no longer one of the project's") in said.out + said.err
    assert "8841" not in said.out + said.err  # the form's reference is never printed (stop 48)


@pytest.mark.parametrize("written", ["20261120", "2026/11/20", "'20 November 2026'", "2026-11-31", "yes"])
def test_a_revocation_written_as_no_date_and_then_emptied_still_withholds(published, written, capsys):
    """rt14: compliance revoked the consent writing the date as the gate reads no date (ISO's
    basic form, slashes, words, a day the month lacks, `yes`). The record was an error, and the
    story withheld; an editor "fixed" the error by emptying the field, and the history, which read
    only dates, held no revocation: the story was published again with a passing build. The
    revocation now counts from the day of the commit that made it."""
    record = published / RECORD
    text = record.read_text()
    record.write_text(text.replace("revoked_on: null", f"revoked_on: {written}"))
    _git(published, "commit", "-qam", "the patient revoked consent")
    record.write_text(text)
    _git(published, "commit", "-qam", "an error fixed")
    assert _build(published) == 1
    out = capsys.readouterr().out
    assert "was revoked on 2026-11-21 in a commit of this file" in out  # the commit's day
    assert (published / "site/index.html").is_file()
    assert not (published / STORY_PAGE).exists()


def test_a_day_the_month_lacks_once_committed_stops_no_withdrawal(published, capsys):
    """rt14: `expires_on: 2028-02-30` committed once to another record (and fixed the next
    commit): PyYAML raises ValueError, not a YAML error, for a day the month lacks, and the
    history reader let it through, so every later `flywheel build` stopped with a traceback and
    left site/ as it was: a revocation committed after it never reached the site."""
    assert _build(published) == 0
    assert (published / STORY_PAGE).is_dir()
    other = published / "consent/C-2026-011.yml"
    text = other.read_text()
    other.write_text(re.sub(r"expires_on: \S+", "expires_on: 2028-02-30", text))
    _git(published, "commit", "-qam", "a typo")
    other.write_text(text)
    _git(published, "commit", "-qam", "the typo fixed")
    _revoke(published / RECORD)
    _git(published, "commit", "-qam", "the patient revoked consent")
    assert _build(published) == 0
    assert (published / "site/index.html").is_file()
    assert not (published / STORY_PAGE).exists()


_ALIASES = """story: finding-answers
a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
scope: [*i, *i, *i]
"""


def _build_limited(published) -> subprocess.CompletedProcess:
    """`flywheel build` in a process of 2 GiB at most, as a CI runner's memory bounds it."""

    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    return subprocess.run([sys.executable, "-m", "generator.cli", "build", "--root", str(published), "--as-of", AS_OF],
                          capture_output=True, text=True, timeout=600, preexec_fn=limited, check=False)


@pytest.mark.parametrize("text", [_ALIASES, "scope: [" + "x," * 7_000_000 + "x]\n"], ids=["aliases", "14 MB"])
def test_a_record_in_a_pull_request_s_commits_stops_no_withdrawal(published, text):
    """rt14: a pull request adds a consent file of nested aliases in one commit and deletes it in
    the next, so its changes as a whole touch no file of consent/ and CODEOWNERS asks compliance
    for no review; merged with its commits, the file is in the history. YAML reads it in no time
    (aliases are shared, never copied), but the history reader turned the scope into text, about
    a billion words: every later build ran out of memory (here a 2 GiB limit; a CI runner's, or
    its time limit) before the check, and site/ kept a story revoked after it. So did a 14 MB
    record (GitHub takes files up to 100 MB): YAML read it for minutes into gigabytes, though no
    record over 2 MiB is ever read by the gate."""
    assert _build(published) == 0
    aliases = published / "consent/C-2026-777.yml"
    aliases.write_text(text)
    _git(published, "add", "-A")
    _git(published, "commit", "-qm", "a draft record")
    aliases.unlink()
    _git(published, "add", "-A")
    _git(published, "commit", "-qm", "the draft record removed")
    _revoke(published / RECORD)
    _git(published, "commit", "-qam", "the patient revoked consent")
    done = _build_limited(published)
    assert done.returncode == 0, done.stderr[-2000:]
    assert (published / "site/index.html").is_file()
    assert not (published / STORY_PAGE).exists()


@pytest.mark.parametrize(("date", "zone"), [("@300000000000 +0000", None), ("@253402300000 +0000", "Pacific/Kiritimati")],
                         ids=["after 9999", "9999 ahead of UTC"])
def test_a_commit_dated_past_the_year_9999_still_has_its_history_read(sample, monkeypatch, date, zone, capsys):
    """rt14: git takes any committer date (`GIT_COMMITTER_DATE=@300000000000`, the year 11476).
    The commit clock read it as no date, which the check took for "not a repository": the
    history was never read, and a revocation taken out of the record published the story again
    with a passing build. A commit dated 9999-12-31 in a practice ahead of UTC stopped every
    check (OverflowError) before any withdrawal."""
    monkeypatch.setenv("FLYWHEEL_TEST_COMMITS", "1")
    if zone:
        practice = sample / "practice.yml"
        practice.write_text(practice.read_text().replace("timezone: America/Chicago", f"timezone: {zone}"))
    _git(sample, "init", "-q")
    _git(sample, "add", "-A")
    _git(sample, "commit", "-qm", "published")
    assert _build(sample) == 0 and (sample / STORY_PAGE).is_dir()
    _revoked_then_undone(sample)
    guide = sample / "content/guides/cardiology/afib-guide.md"
    guide.write_text(guide.read_text() + "\n\nOne more line.\n")
    git(sample, "commit", "-qam", "a guide edited", when=date)
    _build(sample)
    assert UNDONE in capsys.readouterr().out
    assert (sample / "site/index.html").is_file()
    assert not (sample / STORY_PAGE).exists()


def test_a_revocation_in_a_record_with_old_mac_line_ends_is_still_read(published, capsys):
    """rt14: a record saved with carriage returns alone ending its lines (an old Mac editor's, or
    an e-signature export's): YAML reads it as lines, and the gate withheld the story. Git's diff
    shows it as one line, and the history reader read git's output as a text stream, whose
    universal newlines cut that line at every carriage return: its revocation fell outside the
    diff's hunk and was never read, so once taken out it published the story again."""
    record = published / RECORD
    text = record.read_text()
    revoked = text.replace("revoked_on: null", "revoked_on: 2026-11-20")
    record.write_bytes(revoked.replace("\n", "\r").encode())
    _git(published, "commit", "-qam", "the patient revoked consent")
    record.write_text(text)
    _git(published, "commit", "-qam", "saved again")
    _withheld(published, capsys)


def test_an_older_commit_built_again_still_withholds_a_story_revoked_since(published, capsys):
    """rt14: a deploy re-run from an older workflow run, or a rollback to last week's commit or
    tag, checks out a commit made before the revocation: its record says nothing of it, and the
    history reader read only that commit's ancestors, so the story was published again with a
    passing build. The revocation, on the branch the checkout also holds, is read now."""
    before = subprocess.run(["git", "rev-parse", "HEAD"], cwd=published, capture_output=True, text=True, check=True)
    _revoke(published / RECORD)
    _git(published, "commit", "-qam", "the patient revoked consent")
    _git(published, "checkout", "-q", before.stdout.strip())
    assert "revoked_on: null" in (published / RECORD).read_text()
    _withheld(published, capsys)
