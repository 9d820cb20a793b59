"""A consent record may narrow what its signed form allows, never widen it (generator/history.py
`committed_terms`, gate.py `widened`).

The signed form (`form_ref`) is the authorization; the record transcribes it. An edit in place
that moves `expires_on` later, adds a channel or an identifier, or moves `signed_on` published
what the patient never signed: the story's fingerprint still matched, so nothing else noticed.
In git, every committed version of a record naming the same form and story is what the patient
signed, and the record on disk must not exceed any of them.

The suite's clock says 2026-11-22 and ignores commits unless FLYWHEEL_TEST_COMMITS=1, as here.
"""

from __future__ import annotations

import json

import pytest
import yaml
from helpers import copy_base, edit_yaml, git

from generator.check import run_check
from generator.cli import main

STORY = "walking-again"
RECORD = "consent/C-2026-001.yml"


def _git(root, *args):
    git(root, *args, when="2026-11-21T12:00:00+00:00")


def _commit(root, message):
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", message)


@pytest.fixture
def root(tmp_path, monkeypatch):
    """The base project in git, its story published under consent C-2026-001 (form esign/0001,
    signed 2026-10-02, expiring 2028-10-02, website only, first name only)."""
    monkeypatch.setenv("FLYWHEEL_TEST_COMMITS", "1")
    root = copy_base(tmp_path)
    _git(root, "init", "-q")
    _commit(root, "published")
    assert run_check(root).gate.decisions[STORY].published
    return root


def _withheld_as_widened(root, field):
    result = run_check(root)
    decision = result.gate.decisions[STORY]
    assert not decision.published, "a widened record published its story"
    assert "consent-widened" in [code for code, _ in decision.reasons], decision.reasons
    [error] = [p for p in result.problems if p.code == "consent-widened"]
    assert error.field == field and error.line is not None
    return error


WIDENINGS = {
    "expiry moved later": ({"expires_on": "2031-10-02"}, "expires_on"),
    "an identifier added": ({"identifiers": ["first_name", "photo"]}, "identifiers"),
    "a channel added": ({"scope": ["website", "print"]}, "scope"),
    "signed earlier": ({"signed_on": "2026-09-01"}, "signed_on"),
}


@pytest.mark.parametrize("committed", [False, True], ids=["in the working tree", "committed"])
@pytest.mark.parametrize("widening", list(WIDENINGS))
def test_a_record_widened_in_place_withholds_its_story(root, widening, committed):
    changes, field = WIDENINGS[widening]
    edit_yaml(root / RECORD, **changes)
    if committed:
        _commit(root, "tidy the record")
    error = _withheld_as_widened(root, field)
    assert error.path == RECORD
    assert "an earlier commit of this file" in error.message
    assert "esign" not in error.message and "0001" not in error.message  # never printed (stop 48)


def test_the_website_added_to_a_record_that_never_allowed_it_is_refused(tmp_path, monkeypatch):
    """Recorded for social media only, then `website` added in place by a later commit."""
    monkeypatch.setenv("FLYWHEEL_TEST_COMMITS", "1")
    root = copy_base(tmp_path)
    edit_yaml(root / RECORD, scope=["social"])
    _git(root, "init", "-q")
    _commit(root, "recorded for social media")
    assert not run_check(root).gate.decisions[STORY].published
    edit_yaml(root / RECORD, scope=["social", "website"])
    _commit(root, "and the website")
    error = _withheld_as_widened(root, "scope")
    assert "website" in error.message


def test_a_signature_moved_past_a_revocation_does_not_escape_it(root):
    """Another authorization of the story, on its own form, was revoked on 2026-11-01: it ends
    C-2026-001, signed before (rule 4). Moving C-2026-001's `signed_on` past the revocation took
    it out of the rule's reach, and the story was published again."""
    other = yaml.safe_load((root / RECORD).read_text())
    other.update(signed_on="2026-10-05", form_ref="esign/0002", revoked_on="2026-11-01")
    (root / "consent/C-2026-002.yml").write_text(yaml.safe_dump(other, sort_keys=False))
    _commit(root, "a second authorization, revoked")
    assert not run_check(root).gate.decisions[STORY].published
    edit_yaml(root / RECORD, signed_on="2026-11-05")
    _commit(root, "fix the signature date")
    _withheld_as_widened(root, "signed_on")


@pytest.mark.parametrize("form_ref", ["esign/0001", " ESIGN/0001 ", "esign/0001\u200b", "\u0435sign/0001", "esign/\uff10001"],
                         ids=["same", "case and spaces", "zero-width space", "Cyrillic e", "fullwidth digit"])
def test_a_copy_under_a_new_id_naming_the_same_form_is_held_to_it(root, form_ref):
    """The wider terms filed as a new record with the same signed form (its reference in other
    case and spacing) and the story pointed at it."""
    copy = yaml.safe_load((root / RECORD).read_text())
    copy.update(expires_on="2031-10-02", form_ref=form_ref)
    (root / "consent/C-2026-009.yml").write_text(yaml.safe_dump(copy, sort_keys=False))
    story = root / "content/stories/cardiology/walking-again.md"
    story.write_text(story.read_text().replace("consent: C-2026-001", "consent: C-2026-009"))
    assert "consent: C-2026-009" in story.read_text()
    error = _withheld_as_widened(root, "expires_on")
    assert "a commit of consent/C-2026-001.yml" in error.message


def test_narrowing_is_always_allowed_and_a_newly_signed_form_may_allow_more(root):
    edit_yaml(root / RECORD, expires_on="2027-06-30")
    _commit(root, "the patient asked for an earlier end")
    result = run_check(root)
    assert result.gate.decisions[STORY].published
    assert not [p for p in result.problems if p.code == "consent-widened"]
    # A renewal: a new form, signed later, under its own reference, with a later expiry.
    edit_yaml(root / RECORD, expires_on="2030-06-30", form_ref="esign/0003", signed_on="2026-11-20")
    result = run_check(root)
    assert result.gate.decisions[STORY].published, result.gate.decisions[STORY].reasons


def test_a_full_name_narrowed_to_the_first_name_is_no_widening(root):
    """Stop 48's red team: `identifiers: [full_name]` changed in place to `[first_name]` (the
    patient asked to be named by her first name only) was read as adding `first_name`, and
    withheld the story as widened. A full name allows the first name."""
    edit_yaml(root / RECORD, identifiers=["full_name"], form_ref="esign/0002")
    _commit(root, "a new form, the full name allowed")
    assert run_check(root).gate.decisions[STORY].published
    edit_yaml(root / RECORD, identifiers=["first_name"])
    _commit(root, "the patient asked for her first name only")
    result = run_check(root)
    assert not [p for p in result.problems if p.code == "consent-widened"], result.problems
    assert result.gate.decisions[STORY].published, result.gate.decisions[STORY].reasons


def test_check_fails_with_the_record_line_and_field(root, capsys):
    edit_yaml(root / RECORD, expires_on="2031-10-02")
    capsys.readouterr()
    assert main(["check", "--root", str(root), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    [error] = [p for p in report["problems"] if p["code"] == "consent-widened"]
    lines = (root / RECORD).read_text().splitlines()
    assert error["file"] == RECORD and error["field"] == "expires_on"
    assert lines[error["line"] - 1].startswith("expires_on:")


def test_consent_record_refuses_terms_wider_than_the_form_as_committed(root, capsys):
    """`flywheel consent record` writes nothing the gate would withhold at once: a second record
    of the same signed form with a later expiry. The form's own terms are recorded."""
    from generator.consent import story_fingerprint

    result = run_check(root)
    approved = story_fingerprint(result.project.stories[STORY], result.project)
    record = ["consent", "record", STORY, "--root", str(root), "--signed-on", "2026-10-02", "--identifiers",
              "first_name", "--fingerprint", approved, "--id", "C-2026-100", "--form-ref", "esign/0001"]
    capsys.readouterr()
    assert main([*record, "--expires-on", "2031-10-02"]) == 1
    assert "recorded 2028-10-02 for the signed form it names" in capsys.readouterr().err
    assert not (root / "consent/C-2026-100.yml").exists()
    assert main([*record, "--expires-on", "2028-10-02"]) == 0
    assert (root / "consent/C-2026-100.yml").exists()


def test_outside_git_the_file_is_all_there_is(tmp_path):
    """No history, nothing to compare: the record is read as it is (and the pre-commit hook's
    check, in the editor's repository, compares it)."""
    root = copy_base(tmp_path)
    edit_yaml(root / RECORD, expires_on="2031-10-02")
    assert run_check(root).gate.decisions[STORY].published


def test_a_revoked_form_disguised_in_the_copy_is_still_revoked(root):
    """rt11 ended a record naming a revoked record's signed form; a zero-width space in the copy's
    `form_ref` made it look like a newly signed form to the gate, not to a reviewer."""
    edit_yaml(root / RECORD, revoked_on="2026-11-01")
    _commit(root, "the patient revoked consent")
    copy = yaml.safe_load((root / RECORD).read_text())
    copy.update(signed_on="2026-11-05", revoked_on=None, form_ref="esign/0001\u200b")
    (root / "consent/C-2026-010.yml").write_text(yaml.safe_dump(copy, sort_keys=False))
    story = root / "content/stories/cardiology/walking-again.md"
    story.write_text(story.read_text().replace("consent: C-2026-001", "consent: C-2026-010"))
    decision = run_check(root).gate.decisions[STORY]
    assert not decision.published
    assert any("names the signed form of consent C-2026-001" in why for _, why in decision.reasons), decision.reasons
