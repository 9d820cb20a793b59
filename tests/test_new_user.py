"""Friction found by trying the commands as a new user would: one test per item."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import subprocess
import sys
import time

import pytest
from helpers import REPO, add_case, copy_base, copy_sample, fetch, free_port

from generator.check import run_check
from generator.cli import build_parser, main
from generator.output import format_json, format_text

AS_OF = dt.date(2026, 11, 22)


def test_make_site_installs_only_the_runtime_and_checks_once(tmp_path):
    """`make site` leaves the test tools to `make test`, prints each warning once (build checks
    first; a separate check repeated them) and says how to put flywheel on the PATH."""
    dry = subprocess.run(["make", "-n", "-B", "site", f"VENV={tmp_path}/venv"], cwd=REPO,
                         capture_output=True, text=True, check=True).stdout
    installs = [line for line in dry.splitlines() if "pip install" in line]
    assert installs and not any("[test]" in line for line in installs)
    assert re.findall(r"bin/flywheel (\w+)", dry) == ["build"]
    assert "source " in dry and "/bin/activate" in dry
    test_run = subprocess.run(["make", "-n", "-B", "test", f"VENV={tmp_path}/venv"], cwd=REPO,
                              capture_output=True, text=True, check=True).stdout
    assert "-e '.[test]'" in test_run


def _options(parser: argparse.ArgumentParser, name: str = "flywheel"):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub_name, sub in action.choices.items():
                yield from _options(sub, f"{name} {sub_name}")
        elif action.dest != "help":
            yield name, action


def test_every_option_has_help_and_serve_says_where_it_listens(capsys):
    missing = [f"{cmd} {a.option_strings or a.dest}" for cmd, a in _options(build_parser()) if not a.help]
    assert missing == []
    with pytest.raises(SystemExit):
        main(["serve", "--help"])
    assert "http://127.0.0.1:8000/" in capsys.readouterr().out


def test_tab_indentation_is_named_in_plain_words(tmp_path):
    root = copy_base(tmp_path)
    add_case(root, "guide_tab_indent.md")
    (problem,) = run_check(root, AS_OF).errors
    assert problem.format() == (
        "content/guides/cardiology/guide-tab-indent.md:10: error: YAML does not allow tabs for indentation; "
        "use spaces [yaml-syntax]\n    hint: replace the tab at the start of this line with spaces"
    )


def test_fingerprint_prints_good_stories_and_reports_bad_ones(tmp_path, capsys):
    root = copy_base(tmp_path)
    code = main(["consent", "fingerprint", "--root", str(root), "walking-again", "no-such-story"])
    out, err = capsys.readouterr()
    assert code == 1
    assert re.fullmatch(r"sha256:[0-9a-f]{64}  walking-again\n", out)
    assert "no valid story 'no-such-story'" in err


def test_story_argument_accepts_a_pasted_path_and_refuses_one_outside(tmp_path, capsys, monkeypatch):
    root = copy_base(tmp_path)
    monkeypatch.chdir(root)
    assert main(["consent", "fingerprint", "content/stories/cardiology/walking-again.md"]) == 0
    assert capsys.readouterr().out.endswith("  walking-again\n")
    (tmp_path / "walking-again.md").write_text("---\ntitle: outside\n---\n")
    for outside in ("../walking-again.md", str(tmp_path / "walking-again.md"), "content/guides/cardiology/chest-pain-guide.md"):
        assert main(["consent", "fingerprint", outside]) == 1
        out, err = capsys.readouterr()
        assert out == "" and "is not a story file inside content/stories/ [unsafe-path]" in err


def test_future_review_date_is_an_error_and_a_failed_check_says_would_publish(tmp_path):
    root = copy_base(tmp_path)
    add_case(root, "guide_reviewed_in_future.md")
    result = run_check(root, AS_OF)
    assert [p.code for p in result.errors] == ["review-in-future"]
    text = format_text(result)
    assert "Published:" not in text
    assert "Would publish, once the errors are fixed: 2 guides, 1 story.\nFAILED: 1 error, 0 warnings\n" in text


def test_a_story_that_fails_to_load_is_withheld_by_slug_without_its_text(tmp_path):
    """YAML errors and field errors are listed alike: source-errors, by path-derived slug."""
    root = copy_base(tmp_path)
    add_case(root, "story_yaml_syntax.md")
    add_case(root, "story_unknown_champion.md")
    result = run_check(root, AS_OF)
    withheld = {d.slug: [rule for rule, _ in d.reasons] for d in result.gate.withheld}
    assert withheld["story-yaml-syntax"] == ["source-errors"]
    assert "source-errors" in withheld["story-unknown-champion"]
    for report in (format_text(result), format_json(result)):
        assert "story-yaml-syntax" in report
        assert "Secret words" not in report and "private story" not in report


def test_writing_guide_says_how_to_add_a_service_line():
    guide = (REPO / "docs/writing-guide.md").read_text()
    assert "flywheel new service-line" in guide






def test_serve_shows_content_errors_as_a_page_and_recovers(tmp_path):
    """A content error is a page in the browser (not a hanging request), the site comes back
    once it is fixed, and no rebuild prints MkDocs' 'dirty build' alarm."""
    root = copy_sample(tmp_path)
    guide = root / "content/guides/cardiology/chest-pain-when-to-worry.md"
    good = guide.read_text()
    guide.write_text(good.replace("stage: ", "stage: lern # ", 1))
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as stderr:
        server = subprocess.Popen(
            [sys.executable, "-m", "generator.cli", "serve", "--root", str(root), "--port", str(port),
             "--as-of", AS_OF.isoformat()],
            stdout=subprocess.DEVNULL, stderr=stderr, env={**os.environ, "NO_COLOR": "1"},
        )
        try:
            base = f"http://127.0.0.1:{port}"
            page = fetch(f"{base}/", time.monotonic() + 60)
            assert "The preview cannot show the site yet" in page
            assert "chest-pain-when-to-worry.md" in page and "[bad-choice]" in page
            guide.write_text(good)
            deadline = time.monotonic() + 40
            while "The preview cannot show the site yet" in fetch(f"{base}/", deadline):
                assert time.monotonic() < deadline, "the preview never came back after the fix"
                time.sleep(0.3)
            assert "Chest pain" in fetch(f"{base}/cardiology/", deadline)
        finally:
            server.terminate()
            server.wait(timeout=10)
    text = log.read_text()
    assert "dirty" not in text and "appear stuck" not in text
    assert not (root / "site").exists()
