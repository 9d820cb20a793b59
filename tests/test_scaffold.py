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


def test_new_guide_leaves_the_review_date_to_a_person(root, capsys):
    """A scaffold never vouches for a medical review: `check` fails until a person dates it."""
    code = main(["new", "guide", "--root", str(root), "--title", "Stress tests, explained", "--service-line",
                 "cardiology", "--topic", "chest-pain", "--stage", "prepare", "--reviewed-by", "B. Example, MD",
                 "--summary", "What happens during a stress test."])
    assert code == 0
    assert capsys.readouterr().out == (
        "wrote content/guides/cardiology/stress-tests-explained.md\n"
        "next: write the text, replace every TODO, and fill in reviewed_on once the medical review is done\n"
    )
    path = root / "content/guides/cardiology/stress-tests-explained.md"
    text = path.read_text()
    assert "reviewed_on:  # Date of the last medical review, YYYY-MM-DD.\n" in text
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text)
    assert "# Journey stage: learn, decide, prepare or recover." in text
    result = run_check(root, AS_OF)
    assert [p.format() for p in result.errors] == [
        "content/guides/cardiology/stress-tests-explained.md:9: error: reviewed_on: expected a date written "
        "YYYY-MM-DD, got nothing [bad-date]",
    ]
    path.write_text(text.replace("reviewed_on: ", "reviewed_on: 2026-11-02").replace("TODO: write", "Read"))
    result = run_check(root, AS_OF)
    assert result.ok and result.problems == []
    assert "stress-tests-explained" in result.gate.published("guide")


def test_every_scaffold_placeholder_is_the_single_marker_todo(root):
    """Whatever a person has not yet written is `TODO: ...`, the marker `check` refuses."""
    project = run_check(root, AS_OF).project
    guide = scaffold(project, "guide", {"title": "Holter monitors", "service_line": "cardiology",
                                        "topic": "chest-pain", "stage": "learn"})
    story = scaffold(project, "story", {"title": "Back home", "champion": "ana", "service_line": "cardiology"},
                     today=AS_OF)
    for path in (guide, story):
        text = path.read_text()
        body = text.split("---\n", 2)[2]
        assert body.startswith("TODO: write the ")
        assert re.search(r"^summary: 'TODO: one line about ", text, re.MULTILINE)
        assert not re.search(r"FIXME|XXX|<[a-z ]+>|\bTBD\b", text)
    assert re.search(r"^reviewed_by: 'TODO: medical reviewer'", guide.read_text(), re.MULTILINE)


def test_new_story_names_a_free_consent_id_and_is_withheld_until_recorded(root):
    project = run_check(root, AS_OF).project
    path = scaffold(project, "story", {"title": "Back on my bike", "champion": "ana", "service_line": "cardiology"}, today=AS_OF)
    result = run_check(root, AS_OF)
    assert result.ok
    decision = result.gate.decisions["back-on-my-bike"]
    assert decision.reasons == (
        ("placeholder", "it still holds a TODO placeholder"),
        ("consent-not-found", "no consent record C-2026-002 on file yet"),
    )
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
        "    hint: did you mean 'cardiology'?; or add one with `flywheel new service-line`"
    )


def test_prompts_ask_every_decision_and_ask_again_on_a_typo(root, capsys):
    asked = []
    answers = {
        "summary (one line, at most 160 characters)": ["How thyroid blood tests work."],
        "service line": ["thyroyd", "thyroid"],
        "topic of thyroid": ["hypothyroidism"],
        "is this the topic's pillar guide, its complete overview? (y/n)": ["maybe", "n"],
        "stage": ["lern", "learn"],
        "medical reviewer, e.g. 'A. Example, MD'": ["C. Example, MD"],
        "next step (blank for the service line's scheduling) (blank for none)": [""],
    }

    def ask(what, choices):
        asked.append(what)
        return answers[what].pop(0) or None

    project = run_check(root, AS_OF).project
    path = scaffold(project, "guide", {"title": "Thyroid labs"}, ask=ask)
    assert asked == [
        "summary (one line, at most 160 characters)", "service line", "service line", "topic of thyroid",
        "is this the topic's pillar guide, its complete overview? (y/n)",
        "is this the topic's pillar guide, its complete overview? (y/n)", "stage", "stage",
        "medical reviewer, e.g. 'A. Example, MD'",
        "next step (blank for the service line's scheduling) (blank for none)",
    ]
    out = capsys.readouterr().out
    assert "no service line 'thyroyd' [unknown-service-line]\n    hint: did you mean 'thyroid'?" in out
    assert "no stage 'lern' [bad-choice]\n    hint: did you mean 'learn'?" in out
    assert path == root / "content/guides/thyroid/thyroid-labs.md"
    text = path.read_text()
    assert "pillar: false" in text and "stage: learn" in text and "reviewed_by: C. Example, MD" in text


def test_unknown_service_line_says_how_to_add_one(root):
    project = run_check(root, AS_OF).project
    with pytest.raises(FlywheelError) as exc:
        scaffold(project, "guide", {"title": "X", "service_line": "dermatology"})
    assert exc.value.problems[0].hint == (
        "choose one of: cardiology, thyroid; or add one with `flywheel new service-line`"
    )


def test_new_service_line_passes_check_and_new_topic_only_prints_lines(root, capsys):
    code = main(["new", "service-line", "--root", str(root), "--name", "Sleep medicine", "--summary",
                 "Care for sleep problems.", "--intake-url", "https://example.org/intake/sleep",
                 "--scheduling-url", "https://example.org/book/sleep", "--topic-title", "Sleep apnea"])
    assert code == 0
    assert capsys.readouterr().out == "wrote service_lines/sleep-medicine.yml\n"
    assert run_check(root, AS_OF).ok
    assert "sleep-apnea" in run_check(root, AS_OF).project.service_lines["sleep-medicine"].data.topics
    before = (root / "service_lines/sleep-medicine.yml").read_bytes()
    code = main(["new", "topic", "--root", str(root), "--service-line", "sleep-medicine", "--title", "Insomnia"])
    assert code == 0
    out = capsys.readouterr().out
    assert out.startswith("Add these lines under 'topics:' (line 13) in service_lines/sleep-medicine.yml:\n\n"
                          "  insomnia:\n    title: Insomnia\n")
    assert (root / "service_lines/sleep-medicine.yml").read_bytes() == before  # never edited
