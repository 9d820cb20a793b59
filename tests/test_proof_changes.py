"""The proof shows a champion exactly what changed since they approved: word by word, against
the approved text found in git and verified by the consent record's fingerprint."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from helpers import copy_base

from generator.approved import word_diff_html
from generator.check import run_check
from generator.cli import main

STORY = "content/stories/cardiology/walking-again.md"


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.email=t@example.org", "-c", "user.name=t", *args], cwd=root, check=True,
                   capture_output=True)


@pytest.fixture
def root(tmp_path):
    root = copy_base(tmp_path)
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "story and its consent")
    return root


def _proof(root: Path) -> BeautifulSoup:
    assert main(["story", "proof", "--root", str(root), "walking-again"]) == 0
    return BeautifulSoup((root / "proofs/walking-again.html").read_text(), "html.parser")


def test_word_diff_marks_removed_and_added_words_and_escapes_them():
    assert word_diff_html("I walk every  morning.", "I run every\nmorning <b>now</b>.") == (
        "I <del>walk</del> <ins>run</ins> every <del>morning.</del> <ins>morning &lt;b&gt;now&lt;/b&gt;.</ins>"
    )


def test_unchanged_story_says_nothing_changed(root):
    section = _proof(root).find("section", class_="changes")
    assert section.h2.get_text() == "Nothing has changed"


def test_changed_story_shows_the_words_changed_since_approval(root, capsys):
    story = root / STORY
    story.write_text(story.read_text().replace("content. I walk", "content. I run"))
    _git(root, "commit", "-qam", "edit after approval")  # the approved text is older than HEAD
    proof = _proof(root)
    section = proof.find("section", class_="changes")
    assert section.h2.get_text() == "What changed since you approved it"
    assert [d.get_text() for d in section.find_all("del")] == ["struck through", "walk"]
    assert [i.get_text() for i in section.find_all("ins")] == ["underlined", "run"]
    assert section.h3.get_text() == "Story: 1 word added, 1 removed"
    fingerprint = proof.find("p", class_="fingerprint").get_text()
    assert fingerprint in capsys.readouterr().out  # the one the team quotes when recording consent
    assert not (root / "site").exists()


def test_history_is_trusted_only_when_the_fingerprint_matches(root):
    """The newest commit of the record holds other words: skipped, the approved one is found."""
    story = root / STORY
    record = root / "consent/C-2026-001.yml"
    story.write_text(story.read_text().replace("content. I walk", "content. I swim"))
    record.write_text(record.read_text() + "# filed\n")
    _git(root, "commit", "-qam", "record touched in the same commit as an unapproved edit")
    section = _proof(root).find("section", class_="changes")
    assert [d.get_text() for d in section.find_all("del")][1:] == ["walk"]
    assert [i.get_text() for i in section.find_all("ins")][1:] == ["swim"]


def test_a_history_without_the_approved_text_is_never_used(root):
    story = root / STORY
    story.write_text(story.read_text().replace("content. I walk", "content. I swim"))
    _git(root, "commit", "-q", "--amend", "-am", "history rewritten: the approved words never committed")
    section = _proof(root).find("section", class_="changes")
    assert section.h2.get_text() == "This is not the text you approved"
    assert section.find("del") is None


def test_no_history_says_so_plainly(tmp_path):
    root = copy_base(tmp_path)  # not a git repository
    story = root / STORY
    story.write_text(story.read_text().replace("content. I walk", "content. I run"))
    section = _proof(root).find("section", class_="changes")
    assert section.h2.get_text() == "This is not the text you approved"
    assert "could not find that version" in section.get_text()


def test_first_proof_says_there_is_nothing_to_compare(root):
    story = root / STORY
    story.write_text(story.read_text().replace("consent: C-2026-001", "consent: C-2026-050"))
    assert run_check(root).project.stories["walking-again"].data.consent == "C-2026-050"
    section = _proof(root).find("section", class_="changes")
    assert section.h2.get_text() == "This is the first proof of your story"


def test_a_git_in_the_project_never_runs(root, monkeypatch):
    """A pull request can add a program named `git` to the project; an empty PATH entry (the
    working folder) would make the proof run it. Only PATH's absolute folders are searched."""
    import os

    story = root / STORY
    story.write_text(story.read_text().replace("content. I walk", "content. I run"))
    _git(root, "commit", "-qam", "edit after approval")  # the proof asks git for the approved text
    (root / "git").write_text(f"#!/bin/sh\ntouch {root.parent / 'ran'}\nexit 1\n")
    (root / "git").chmod(0o755)
    monkeypatch.chdir(root)
    monkeypatch.setenv("PATH", os.pathsep + os.environ["PATH"])
    section = _proof(root).find("section", class_="changes")
    assert not (root.parent / "ran").exists()
    assert [i.get_text() for i in section.find_all("ins")] == ["underlined", "run"]  # the real git answered
