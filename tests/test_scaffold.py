"""`flywheel new`: scaffolds that pass `check`, derived from the schema, never overwriting."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from helpers import copy_base

from generator.check import run_check
from generator.cli import main
from generator.errors import FlywheelError
from generator.scaffold import scaffold, slugify

AS_OF = dt.date(2026, 11, 22)


@pytest.fixture
def root(tmp_path):
    return copy_base(tmp_path)


@pytest.mark.parametrize(
    "title, slug",
    [("Chest pain: when to worry", "chest-pain-when-to-worry"), ("Café & “quotes”", "cafe-quotes"), ("  A--B  ", "a-b")],
)
def test_slugify(title, slug):
    assert slugify(title) == slug


def test_new_guide_passes_check(root, capsys):
    code = main(["new", "guide", "--root", str(root), "--title", "Stress tests, explained", "--service-line",
                 "cardiology", "--topic", "chest-pain", "--stage", "prepare", "--reviewed-by", "B. Example, MD"])
    assert code == 0
    assert capsys.readouterr().out == "wrote content/guides/cardiology/stress-tests-explained.md\n"
    result = run_check(root, AS_OF)
    assert result.ok and result.problems == []
    assert "stress-tests-explained" in result.gate.published("guide")
    text = (root / "content/guides/cardiology/stress-tests-explained.md").read_text()
    assert re.search(r"^reviewed_on: \d{4}-\d{2}-\d{2}  # ", text, re.MULTILINE)  # today, unquoted
    assert "# Journey stage: learn, decide, prepare or recover." in text


def test_new_story_names_a_free_consent_id_and_is_withheld_until_recorded(root):
    project = run_check(root, AS_OF).project
    path = scaffold(project, "story", {"title": "Back on my bike", "champion": "ana", "service_line": "cardiology"}, today=AS_OF)
    result = run_check(root, AS_OF)
    assert result.ok
    decision = result.gate.decisions["back-on-my-bike"]
    assert decision.reasons == (("consent-not-found", "no consent record C-2026-002 on file yet"),)
    assert path.name == "back-on-my-bike.md"


def test_new_refuses_to_overwrite(root):
    project = run_check(root, AS_OF).project
    with pytest.raises(FlywheelError) as exc:
        scaffold(project, "story", {"title": "Walking again", "champion": "ana", "service_line": "cardiology"})
    assert exc.value.problems[0].format() == (
        "content/stories/cardiology/walking-again.md: error: slug 'walking-again' is already used "
        "[duplicate-slug]\n    hint: pass another --slug"
    )


def test_unknown_choice_suggests(root):
    project = run_check(root, AS_OF).project
    with pytest.raises(FlywheelError) as exc:
        scaffold(project, "guide", {"title": "X", "service_line": "cardiolgy"})
    assert exc.value.problems[0].format() == (
        "service_lines/: error: service_line: no service line 'cardiolgy' [unknown-service-line]\n"
        "    hint: did you mean 'cardiology'?"
    )


def test_prompts_offer_existing_choices(root):
    asked = []

    def ask(what, choices):
        asked.append((what, choices))
        return {"service line": "thyroid", "topic of thyroid": "hypothyroidism"}.get(what)

    project = run_check(root, AS_OF).project
    scaffold(project, "guide", {"title": "Thyroid labs", "reviewed_by": "C. Example, MD"}, ask=ask)
    assert asked == [("service line", ["cardiology", "thyroid"]), ("topic of thyroid", ["hypothyroidism"])]
    assert (root / "content/guides/thyroid/thyroid-labs.md").exists()
