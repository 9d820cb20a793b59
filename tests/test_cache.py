"""The cache never changes an answer: no cache, a cold cache (filled in parallel for many new
files) and a warm cache give the same check, and an edit is never served stale."""

from __future__ import annotations

import json

from helpers import copy_base

from generator.cli import main
from generator.prefetch import MIN_FILES

AS_OF = ["--as-of", "2026-11-22"]


def many_guides(root, count: int) -> None:
    for i in range(count):
        (root / f"content/guides/cardiology/extra-{i}.md").write_text(
            f"---\ntitle: Extra {i}\nsummary: s\nservice_line: cardiology\ntopic: chest-pain\nstage: learn\n"
            f"reviewed_by: R\nreviewed_on: 2026-09-01\n---\nShort words {i}. Then a very "
            f"{'extraordinarily ' * (i % 7)}complicated consideration.\n"
        )
    story = root / "content/stories/cardiology/walking-again.md"
    story.write_text(story.read_text() + "\nCall me at (555) 010-4567.\n")


def check_json(root, capsys, *extra) -> dict:
    main(["check", "--root", str(root), "--format", "json", *AS_OF, *extra])
    return json.loads(capsys.readouterr().out)


def test_no_cache_cold_and_warm_agree(tmp_path, capsys):
    root = copy_base(tmp_path)
    many_guides(root, MIN_FILES + 20)
    uncached = check_json(root, capsys, "--no-cache")
    assert not (root / ".flywheel-cache").exists()
    cold = check_json(root, capsys)
    assert list((root / ".flywheel-cache").glob("check-*.pickle"))
    warm = check_json(root, capsys)
    assert uncached == cold == warm
    assert "identifier-found" in [r["rule"] for r in uncached["withheld"][0]["reasons"]]
    assert len({grade for grade in uncached["reading_grades"].values()}) > 3


def test_an_edit_is_never_served_from_the_cache(tmp_path, capsys):
    root = copy_base(tmp_path)
    check_json(root, capsys)
    guide = root / "content/guides/cardiology/chest-pain-when-to-worry.md"
    guide.write_text(guide.read_text().replace("stage: decide", "stage: decidee"))
    assert check_json(root, capsys)["summary"]["errors"] == 1
    guide.write_text(guide.read_text().replace("stage: decidee", "stage: decide"))
    assert check_json(root, capsys)["summary"]["errors"] == 0


def test_a_damaged_cache_is_a_miss(tmp_path, capsys):
    root = copy_base(tmp_path)
    first = check_json(root, capsys)
    for path in (root / ".flywheel-cache").glob("check-*.pickle"):
        path.write_bytes(b"not a pickle")
    assert check_json(root, capsys) == first
