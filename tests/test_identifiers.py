"""Identifying details in story text withhold the story until removed or accepted."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml
from helpers import copy_base

from generator.check import run_check
from generator.identifiers import scan

FOUND = [
    ("email", "Write to me at jo.smith@example.com any time."),
    ("phone", "Call me on (555) 010-4567 after six."),
    ("phone", "My fax is 555.010.4567."),
    ("phone", "Text +1 555 010 4567."),
    ("ssn", "It was 123-45-6789 on the form."),
    ("date", "I was born on March 3, 1961."),
    ("date", "I was born on 3 March 1961."),
    ("date", "Admitted 3/14/1961 at night."),
    ("date", "Admitted 1961-03-14 at night."),
    ("record-number", "My MRN: 44812 was on the wristband."),
    ("record-number", "Quote account # A-9921 when you call."),
    ("street-address", "We live at 12 Oak Hill Road now."),
    ("street-address", "Find us at 221B Baker St."),
    ("url", "My blog is at https://jo-recovers.example.com/diary."),
    ("url", "See www.jo-recovers.net for more."),
]
NOT_FOUND = [
    "Last spring I was 54 and my heart rate was 120.",
    "In 2019 I had 3 visits and walked 5 miles on the road.",
    "Take 2 tablets a day; it lasted 10-12 days.",
    "I finally felt heard.",
    "My blood pressure was 120/80 in March.",
]


@pytest.mark.parametrize("kind, text", FOUND, ids=[f"{k}-{i}" for i, (k, _) in enumerate(FOUND)])
def test_identifier_is_found(kind, text):
    assert [f.kind for f in scan(text)] == [kind]


@pytest.mark.parametrize("text", NOT_FOUND)
def test_ordinary_text_is_not_flagged(text):
    assert scan(text) == []


def test_finding_withholds_story_until_accepted(tmp_path):
    root = copy_base(tmp_path)
    story = root / "content/stories/cardiology/walking-again.md"
    story.write_text(story.read_text() + "\nCall me at (555) 010-4567.\n")
    result = run_check(root, dt.date(2026, 11, 22))
    decision = result.gate.decisions["walking-again"]
    identifier_reasons = [r for r in decision.reasons if r[0] == "identifier-found"]
    assert identifier_reasons == [("identifier-found", "line 13: a phone or fax number (finding phone:b77a27aa)")]
    warning = [p for p in result.warnings if p.code == "identifier-in-story"][0]
    assert warning.format() == (
        "content/stories/cardiology/walking-again.md:13: warning: a phone or fax number (finding "
        "phone:b77a27aa); the story is withheld [identifier-in-story]\n    hint: remove it from the text, "
        "or, if the patient agreed to it, add 'phone:b77a27aa' to accepted_findings in consent/C-2026-001.yml"
    )
    assert "010-4567" not in warning.format()
    # Accepting the finding (with a new approval of the changed text) publishes it again.
    from generator.shown import story_fingerprint

    record_path = root / "consent/C-2026-001.yml"
    record = yaml.safe_load(record_path.read_text())
    project = run_check(root, dt.date(2026, 11, 22)).project
    record["approved_fingerprint"] = story_fingerprint(project.stories["walking-again"], project)
    record["accepted_findings"] = ["phone:b77a27aa"]
    record_path.write_text(yaml.safe_dump(record))
    assert run_check(root, dt.date(2026, 11, 22)).gate.decisions["walking-again"].published


def test_title_findings_point_at_the_title_line(tmp_path):
    root = copy_base(tmp_path)
    story = root / "content/stories/cardiology/walking-again.md"
    story.write_text(story.read_text().replace("title: Walking again", "title: Walking again at 12 Elm Street"))
    result = run_check(root, dt.date(2026, 11, 22))
    assert [(p.line, p.code) for p in result.warnings] == [(2, "identifier-in-story")]
